// SPDX-License-Identifier: Apache-2.0
/**
 * ProgbarLogger: fit's progress output, in Keras 3's format. On a terminal
 * (verbose 1), a bar updated in place (at most every 50 ms, and after the
 * last batch):
 *
 *   Epoch 1/5
 *   12/32 ━━━━━━━━━━━━━━━━━━━━ 1s 24ms/step - loss: 0.6931
 *
 * Without a terminal, or with verbose 2, one line per epoch:
 *
 *   32/32 - 1s - 24ms/step - loss: 0.6931 - val_loss: 0.7012
 *
 * As in Keras, the "Epoch 1/5" line appears only when there are several
 * epochs. Keras's bar shows metrics averaged over the steps so far; this
 * one shows the logs as they are (the running means fit computes).
 */
import { Callback, type Logs } from "./callback.js";

/** Where progress goes: process.stdout by default (console.log without it). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const BAR = 20;

/**
 * A metric value as Keras prints it: 4 decimals, or Python's scientific
 * form (`1.2340e-04`, `0.0000e+00`) when its magnitude is 1e-3 or less.
 */
export function formatValue(v: number): string {
  if (Math.abs(v) > 1e-3 || !Number.isFinite(v)) return pythonFixed(v);
  const [mantissa, exp] = v.toExponential(4).split("e") as [string, string];
  const sign = exp.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${exp.replace(/^[-+]/, "").padStart(2, "0")}`;
}

/** Python's `.4f`: nan and inf spelled as Python spells them. */
function pythonFixed(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  return v.toFixed(4);
}

/**
 * process.stdout where there is one (Node, Bun, Deno's Node layer); else,
 * as in a browser, whole lines to console.log.
 */
function defaultStream(): ProgressStream {
  const proc = (globalThis as { process?: { stdout?: ProgressStream } })
    .process;
  if (proc?.stdout) return proc.stdout;
  let pending = "";
  return {
    isTTY: false,
    write(text: string) {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) console.log(line);
    },
  };
}

/** The least time between two redraws of the bar, as Keras's. */
const INTERVAL_MS = 50;

/** A duration in seconds as Keras's progress bar prints it. */
function formatSeconds(s: number): string {
  if (s >= 3600) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return `${h}:${String(m).padStart(2, "0")}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
  }
  if (s >= 60)
    return `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
  return `${Math.round(s)}s`;
}

/** Time per step: 24ms/step, 350us/step or 2s/step. */
function formatPerStep(s: number): string {
  if (s >= 1) return `${Math.round(s)}s/step`;
  if (s >= 1e-3) return `${Math.round(s * 1e3)}ms/step`;
  return `${Math.round(s * 1e6)}us/step`;
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => ` - ${k}: ${formatValue(v)}`)
    .join("");
}

/**
 * Prints fit's progress. fit adds one when `verbose` is not 0; pass a
 * `stream` to send the output elsewhere.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const lines: string[] = [];
 * const logger = new tg.callbacks.ProgbarLogger({
 *   stream: { write: (t: string) => lines.push(t), isTTY: false },
 * });
 * const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * model.fit([[1], [2]], [[1], [2]], { epochs: 2, verbose: 2, callbacks: [logger] });
 * console.log(lines.length, lines[0]!.trim()); // 4 Epoch 1/2
 * ```
 */
export class ProgbarLogger extends Callback {
  readonly #stream: ProgressStream;
  #start = 0;
  #seen = 0;
  #lastDraw = 0;
  #mode: 0 | 1 | 2 = 2;

  constructor(options: { stream?: ProgressStream } = {}) {
    super();
    this.#stream = options.stream ?? defaultStream();
  }

  override onTrainBegin(): void {
    const verbose = this.params.verbose ?? 1;
    const tty = this.#stream.isTTY === true;
    this.#mode = verbose === 0 ? 0 : verbose === 1 && tty ? 1 : 2;
  }

  override onEpochBegin(epoch: number): void {
    if (this.#mode === 0) return;
    const total = this.params.epochs ?? 1;
    if (total > 1) this.#stream.write(`Epoch ${epoch + 1}/${total}\n`);
    this.#start = performance.now();
    this.#lastDraw = 0;
    this.#seen = 0;
  }

  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    this.#seen = batch + 1;
    if (this.#mode !== 1) return;
    const now = performance.now();
    const last = this.#seen === this.params.steps;
    if (now - this.#lastDraw < INTERVAL_MS && !last) return;
    this.#lastDraw = now;
    this.#stream.write(`\r${this.#bar(logs, false)}\x1b[K`);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    if (this.#mode === 0) return;
    if (this.#mode === 1) {
      this.#stream.write(`\r${this.#bar(logs, true)}\x1b[K\n`);
      return;
    }
    const elapsed = (performance.now() - this.#start) / 1000;
    const steps = this.#seen;
    const head = `${steps}/${this.params.steps ?? steps}`;
    this.#stream.write(
      `${head} - ${formatSeconds(elapsed)} - ` +
        `${formatPerStep(elapsed / Math.max(steps, 1))}${formatLogs(logs)}\n`,
    );
  }

  #bar(logs: Logs, done: boolean): string {
    const target = this.params.steps ?? null;
    const current = this.#seen;
    const elapsed = (performance.now() - this.#start) / 1000;
    const perStep = elapsed / Math.max(current, 1);
    const width = String(target ?? current).length;
    const count = `${String(current).padStart(width)}/${target ?? "Unknown"}`;
    const filled = target
      ? Math.min(BAR, Math.floor((BAR * current) / target))
      : 0;
    // Done steps bright, the rest dim, as Keras draws it.
    const bar =
      `\x1b[1m${"━".repeat(filled)}\x1b[0m` +
      `\x1b[2m${"━".repeat(BAR - filled)}\x1b[0m`;
    const time =
      done || !target
        ? formatSeconds(elapsed)
        : formatSeconds(perStep * (target - current));
    return `${count} ${bar} ${time} ${formatPerStep(perStep)}${formatLogs(logs)}`;
  }
}
