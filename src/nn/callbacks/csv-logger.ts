// SPDX-License-Identifier: Apache-2.0
/** CSVLogger: write each epoch's logs as a row of a CSV file. */
import type * as Fs from "node:fs";
import { NotImplementedError, ValueError, show } from "../../core/errors.js";
import { Callback, type Logs } from "./callback.js";
import { checkName, pyFloat } from "./monitor.js";

/** Options of {@link CSVLogger}. */
export interface CSVLoggerArgs {
  /** Between fields: one character. Default ",". */
  separator?: string;
  /** Continue an existing file (no second header). Default false. */
  append?: boolean;
}

/** Python's csv rows end with "\r\n" (the excel dialect); so do these. */
const EOL = "\r\n";

/**
 * Node's fs, found at run time so that the library still loads where
 * there is none (browsers); Deno and Bun provide it too.
 */
function nodeFs(where: string): typeof Fs {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  const fs = proc?.getBuiltinModule?.("node:fs");
  if (!fs) {
    throw new NotImplementedError(
      `${where}: needs a file system (Node 20.16 or later, Deno or Bun); ` +
        `none here`,
    );
  }
  return fs;
}

/**
 * Streams the logs of every epoch to a CSV file, as Keras 3's `CSVLogger`:
 * a header `epoch,<keys>` with the first epoch's log keys sorted, then
 * one row per epoch, written as soon as the epoch ends. A key missing in
 * a later epoch (validation every few epochs) is written `NA`.
 *
 * The file is written the way Keras's (Python's csv module) is: rows end
 * with "\r\n", numbers are written as Python writes floats ("0.5", "3.0",
 * "1e-05", "nan", "inf"), and a field holding the separator or a quote is
 * quoted. `append: true` continues an existing file and writes the header
 * only if the file is missing or empty; otherwise fit starts a new file.
 * Needs Node's fs (Node, Deno, Bun), not a browser.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * import { mkdtempSync, readFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const file = join(mkdtempSync(join(tmpdir(), "csv-")), "log.csv");
 * const logger = tg.callbacks.csvLogger(file);
 * logger.onTrainBegin();
 * logger.onEpochEnd(0, { loss: 0.5, accuracy: 0.75 });
 * logger.onEpochEnd(1, { loss: 0.25, accuracy: 1 });
 * logger.onTrainEnd();
 * console.log(JSON.stringify(readFileSync(file, "utf8")));
 * // "epoch,accuracy,loss\r\n0,0.75,0.5\r\n1,1.0,0.25\r\n"
 * ```
 */
export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;

  #keys: string[] | null = null;
  #header = true;
  #fs: typeof Fs | null = null;

  constructor(filename: string, args: CSVLoggerArgs = {}) {
    super();
    const where = "CSVLogger";
    this.filename = checkName(filename, "filename", where);
    const separator = args.separator ?? ",";
    if (typeof separator !== "string" || separator.length !== 1) {
      throw new ValueError(
        `${where}: expected separator to be one character, got ` +
          `separator=${show(separator)}`,
      );
    }
    this.separator = separator;
    const append = args.append ?? false;
    if (typeof append !== "boolean") {
      throw new ValueError(
        `${where}: expected append to be a boolean, got append=${show(append)}`,
      );
    }
    this.append = append;
  }

  override onTrainBegin(_logs?: Logs): void {
    const fs = nodeFs("CSVLogger");
    if (this.append) {
      const exists = fs.existsSync(this.filename);
      this.#header = !exists || fs.statSync(this.filename).size === 0;
    } else {
      fs.writeFileSync(this.filename, "");
      this.#header = true;
    }
    this.#fs = fs;
    this.#keys = null;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const fs = this.#fs ?? nodeFs("CSVLogger");
    if (this.#keys === null) {
      this.#keys = Object.keys(logs).sort();
      if (this.#header) this.#write(fs, ["epoch", ...this.#keys]);
    }
    const row = this.#keys.map((k) => {
      const v = logs[k];
      return v === undefined ? "NA" : pyFloat(v);
    });
    this.#write(fs, [String(epoch), ...row]);
  }

  override onTrainEnd(_logs?: Logs): void {
    this.#fs = null;
  }

  /** Appends one row at once, so that the file is complete after each epoch. */
  #write(fs: typeof Fs, fields: string[]): void {
    fs.appendFileSync(
      this.filename,
      fields.map((f) => this.#quote(f)).join(this.separator) + EOL,
    );
  }

  /** Quotes a field as Python's csv does (QUOTE_MINIMAL). */
  #quote(field: string): string {
    const special = field.includes(this.separator) || /["\r\n]/.test(field);
    return special ? `"${field.replace(/"/g, '""')}"` : field;
  }
}

/**
 * Creates a {@link CSVLogger}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const logger = tg.callbacks.csvLogger("training.csv", { separator: ";" });
 * console.log(logger.filename, logger.separator, logger.append);
 * // training.csv ; false
 * ```
 */
export function csvLogger(
  filename: string,
  args: CSVLoggerArgs = {},
): CSVLogger {
  return new CSVLogger(filename, args);
}
