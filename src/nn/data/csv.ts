// SPDX-License-Identifier: Apache-2.0
/**
 * CSV datasets: one element per row, read from a file (synchronously, in
 * Node), from a string, or from a URL (asynchronously, with fetch).
 *
 * Phases: options are checked and the header read when the dataset is
 * made (so that a misnamed column fails at once); each iteration then
 * tokenizes the text afresh (csv-parse.ts) and decodes each row into a
 * record, checking its field count and every value. A row that cannot be
 * decoded throws a ValueError naming the source, the line and the fault,
 * and the iteration ends there: no row is skipped or half-filled.
 */
import type * as NodeFs from "node:fs";
import type * as NodeUrl from "node:url";
import { NotImplementedError, ValueError, show } from "../../core/errors.js";
import { CsvTokenizer, failer, type Failer, type RawRow } from "./csv-parse.js";
import { Dataset } from "./dataset.js";
import { isRecord } from "./structure.js";

/** A decoded value: a number, or the text of a string column. */
export type CsvValue = number | string;

/** A row's values by column name. */
export type CsvRecord = Record<string, CsvValue>;

/** A row split into features `xs` and labels `ys`, when there are labels. */
export interface LabeledCsvRow {
  xs: CsvRecord;
  ys: CsvRecord;
}

/** An element of a CSV dataset: labeled when label columns are named. */
export type CsvRow = CsvRecord | LabeledCsvRow;

/** How a column's text is read (TensorFlow.js's names). */
export type CsvDType = "float32" | "float64" | "int32" | "bool" | "string";

/** Options for one column, as TensorFlow.js's ColumnConfig. */
export interface ColumnConfig {
  /** Put the column in `ys` rather than `xs`. Default false. */
  isLabel?: boolean;
  /**
   * "float32" or "float64": a number (strictly, as `Number()` reads it,
   * plus "NaN"); "int32": a whole number; "bool": true, false, 1 or 0
   * (any case), giving 1 or 0 as TensorFlow.js does; "string": the text
   * as it is. Default: numeric if the column's first non-empty value is a
   * number, else string. Values are JavaScript numbers in every numeric
   * dtype; `batch` makes float32 tensors of them.
   */
  dtype?: CsvDType;
  /**
   * An empty field is an error, even in a string column. Default: true
   * for label columns (as TensorFlow.js), false for others.
   */
  required?: boolean;
  /**
   * The value of an empty field (a boolean in a bool column counts as 1
   * or 0). Default: none, so that an empty field is an error, except in a
   * string column, where it is "".
   */
  default?: CsvValue | boolean;
}

/** Options of {@link csv}, {@link csvFromString} and {@link csvFromUrl}. */
export interface CsvOptions {
  /** The first row names the columns. Default true. */
  hasHeader?: boolean;
  /**
   * The column names; required when `hasHeader` is false, and otherwise
   * used in place of the header's names (one per header field).
   */
  columnNames?: readonly string[];
  /** One character between fields. Default ",". */
  delimiter?: string;
  /** Per-column options, by column name. */
  columnConfigs?: Readonly<Record<string, ColumnConfig>>;
  /** Columns that go in `ys`, in this order (with any `isLabel` ones). */
  labelColumns?: readonly string[];
  /**
   * The feature columns to keep, in this order; default all. Label
   * columns are kept in `ys` whether listed or not.
   */
  selectColumns?: readonly string[];
}

/** Options that name label columns: elements are {@link LabeledCsvRow}. */
export type LabeledCsvOptions = CsvOptions & {
  labelColumns: readonly [string, ...string[]];
};

/** Options without labels: elements are {@link CsvRecord}. */
export type UnlabeledCsvOptions = CsvOptions & {
  labelColumns?: readonly [];
  columnConfigs?: Readonly<Record<string, ColumnConfig & { isLabel?: false }>>;
};

interface Settings {
  hasHeader: boolean;
  columnNames: readonly string[] | null;
  delimiter: string;
  configs: Readonly<Record<string, ColumnConfig>>;
  labels: readonly string[];
  select: readonly string[] | null;
}

type ColumnType = "auto" | "number" | "int" | "bool" | "string";

interface Column {
  index: number;
  name: string;
  type: ColumnType;
  required: boolean;
  fallback: CsvValue | undefined;
  label: boolean;
}

/** What each row becomes: the file's width and the columns to decode. */
interface Plan {
  width: number;
  columns: Column[];
  labeled: boolean;
}

const TYPES: Record<CsvDType, ColumnType> = {
  float32: "number",
  float64: "number",
  int32: "int",
  bool: "bool",
  string: "string",
};

/**
 * A dataset of the rows of a CSV file, read synchronously (Node only):
 * each iteration reads the file again, in 64 KiB chunks. `path` may also
 * be a `file:` URL; for http(s) use {@link csvFromUrl}.
 *
 * Elements are records `{ column: value }`, or `{ xs, ys }` when label
 * columns are named (by `labelColumns` or `columnConfigs[name].isLabel`).
 * Quoted fields follow RFC 4180: they may hold delimiters, line breaks
 * and doubled quotes. Header names are trimmed; values are not (numbers
 * may have spaces around them). Empty lines are skipped. Size: unknown.
 *
 * @throws ValueError, when iterating, for a row that cannot be read: a
 *   wrong number of fields, a non-numeric value in a numeric column, an
 *   empty field without a default, bad quoting. The message names the
 *   file and the 1-based line, and the iteration stops there.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { join } from "node:path";
 * import { tmpdir } from "node:os";
 * const file = join(mkdtempSync(join(tmpdir(), "csv-")), "iris.csv");
 * writeFileSync(file, "length,width,species\n5.1,3.5,0\n4.9,3.0,1\n");
 * const ds = tg.data.csv(file, { labelColumns: ["species"] });
 * console.log(ds.toArray()[1]); // { xs: { length: 4.9, width: 3 }, ys: { species: 1 } }
 * ```
 */
export function csv(
  path: string | URL,
  options: LabeledCsvOptions,
): Dataset<LabeledCsvRow, false>;
export function csv(
  path: string | URL,
  options?: UnlabeledCsvOptions,
): Dataset<CsvRecord, false>;
export function csv(
  path: string | URL,
  options?: CsvOptions,
): Dataset<CsvRow, false>;
export function csv(
  path: string | URL,
  options: CsvOptions = {},
): Dataset<CsvRow, false> {
  const settings = checkOptions(options, "csv");
  const file = filePath(path);
  const fail = failer(`csv: ${JSON.stringify(file)}`);
  const chunks = () => fileChunks(file);
  return syncCsv(chunks, settings, fail, `csv: ${JSON.stringify(file)}`);
}

/**
 * A dataset of the rows of CSV text, with the options and elements of
 * {@link csv}. Errors name the line as "csvFromString: line 3: ...".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const text = 'name,note,score\n"Smith, J.","said ""hi""",7\n';
 * const ds = tg.data.csvFromString(text);
 * console.log(ds.toArray()); // [ { name: 'Smith, J.', note: 'said "hi"', score: 7 } ]
 * const picked = tg.data.csvFromString(text, { selectColumns: ["score"] });
 * console.log(picked.toArray()); // [ { score: 7 } ]
 * ```
 */
export function csvFromString(
  text: string,
  options: LabeledCsvOptions,
): Dataset<LabeledCsvRow, false>;
export function csvFromString(
  text: string,
  options?: UnlabeledCsvOptions,
): Dataset<CsvRecord, false>;
export function csvFromString(
  text: string,
  options?: CsvOptions,
): Dataset<CsvRow, false>;
export function csvFromString(
  text: string,
  options: CsvOptions = {},
): Dataset<CsvRow, false> {
  if (typeof text !== "string") {
    throw new ValueError(
      `csvFromString: expected the CSV text as a string, got ${show(text)}`,
    );
  }
  const settings = checkOptions(options, "csvFromString");
  const fail = failer("csvFromString:");
  return syncCsv(() => [text], settings, fail, "csvFromString:");
}

/**
 * A dataset of the rows of a CSV file fetched from `url` (with `fetch`,
 * streamed, once per iteration): asynchronous, so iterate it with
 * `for await` or `await model.fit`. Options and elements as {@link csv};
 * the header is checked when the first iteration reads it.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const ds = tg.data.csvFromUrl("https://example.com/data.csv");
 * console.log(ds.isAsync, ds.size); // true null
 * ```
 */
export function csvFromUrl(
  url: string | URL,
  options: LabeledCsvOptions,
): Dataset<LabeledCsvRow, true>;
export function csvFromUrl(
  url: string | URL,
  options?: UnlabeledCsvOptions,
): Dataset<CsvRecord, true>;
export function csvFromUrl(
  url: string | URL,
  options?: CsvOptions,
): Dataset<CsvRow, true>;
export function csvFromUrl(
  url: string | URL,
  options: CsvOptions = {},
): Dataset<CsvRow, true> {
  const settings = checkOptions(options, "csvFromUrl");
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    throw new ValueError(`csvFromUrl: expected a URL, got ${show(url)}`);
  }
  const prefix = `csvFromUrl: ${JSON.stringify(href)}`;
  const fail = failer(prefix);
  const plan = settings.hasHeader
    ? null
    : makePlan(settings.columnNames!, settings, prefix);
  return new Dataset<CsvRow, true>({
    length: null,
    asyncBecause: "a CSV source read from a URL",
    open: () =>
      rowsAsync(urlChunks(href, prefix), settings, fail, prefix, plan),
  });
}

/** A synchronous CSV dataset; the header is read now, to check names. */
function syncCsv(
  chunks: () => Iterable<string>,
  settings: Settings,
  fail: Failer,
  prefix: string,
): Dataset<CsvRow, false> {
  let names: readonly string[];
  if (settings.hasHeader) {
    const header = firstRow(chunks(), settings.delimiter, fail);
    if (header === null) {
      throw new ValueError(`${prefix} expected a header line, got no lines`);
    }
    names = headerNames(header, settings, fail);
  } else {
    names = settings.columnNames!;
  }
  const plan = makePlan(names, settings, prefix);
  return new Dataset<CsvRow, false>({
    length: null,
    asyncBecause: null,
    open: () => rowsSync(chunks(), settings, fail, prefix, plan),
  });
}

function firstRow(
  chunks: Iterable<string>,
  delimiter: string,
  fail: Failer,
): RawRow | null {
  const tok = new CsvTokenizer(delimiter, fail);
  for (const chunk of chunks) {
    const rows = tok.push(chunk);
    if (rows.length > 0) return rows[0]!;
  }
  return tok.end()[0] ?? null;
}

function* rowsSync(
  chunks: Iterable<string>,
  settings: Settings,
  fail: Failer,
  prefix: string,
  plan: Plan | null,
): Generator<CsvRow> {
  const tok = new CsvTokenizer(settings.delimiter, fail);
  const decode = rowDecoder(settings, fail, prefix, plan);
  for (const chunk of chunks) {
    for (const row of tok.push(chunk)) {
      const out = decode(row);
      if (out !== null) yield out;
    }
  }
  for (const row of tok.end()) {
    const out = decode(row);
    if (out !== null) yield out;
  }
}

async function* rowsAsync(
  chunks: AsyncIterable<string>,
  settings: Settings,
  fail: Failer,
  prefix: string,
  plan: Plan | null,
): AsyncGenerator<CsvRow> {
  const tok = new CsvTokenizer(settings.delimiter, fail);
  const decode = rowDecoder(settings, fail, prefix, plan);
  let any = false;
  for await (const chunk of chunks) {
    for (const row of tok.push(chunk)) {
      any = true;
      const out = decode(row);
      if (out !== null) yield out;
    }
  }
  for (const row of tok.end()) {
    any = true;
    const out = decode(row);
    if (out !== null) yield out;
  }
  if (!any && settings.hasHeader) {
    throw new ValueError(`${prefix} expected a header line, got no lines`);
  }
}

/**
 * Decodes rows; the header row (if any) gives null. Without a plan, the
 * plan is made from the header when it comes.
 */
function rowDecoder(
  settings: Settings,
  fail: Failer,
  prefix: string,
  plan: Plan | null,
): (row: RawRow) => CsvRow | null {
  let header = settings.hasHeader;
  let decode = plan === null ? null : decoder(plan, fail);
  return (row) => {
    if (header) {
      header = false;
      decode ??= decoder(
        makePlan(headerNames(row, settings, fail), settings, prefix),
        fail,
      );
      return null;
    }
    return decode!(row);
  };
}

function headerNames(
  row: RawRow,
  settings: Settings,
  fail: Failer,
): readonly string[] {
  const names = settings.columnNames;
  if (names === null) return row.fields.map((f) => f.trim());
  if (names.length !== row.fields.length) {
    fail(
      row.line,
      `expected one name in columnNames per header field (` +
        `${row.fields.length}), got ${names.length} columnNames`,
    );
  }
  return names;
}

function checkOptions(options: unknown, fn: string): Settings {
  if (!isRecord(options)) {
    throw new ValueError(
      `${fn}: expected an options object, got ${show(options)}`,
    );
  }
  const o = options as CsvOptions;
  const hasHeader = o.hasHeader ?? true;
  if (typeof hasHeader !== "boolean") {
    throw new ValueError(
      `${fn}: expected hasHeader to be a boolean, got hasHeader=${show(hasHeader)}`,
    );
  }
  const delimiter = o.delimiter ?? ",";
  if (
    typeof delimiter !== "string" ||
    delimiter.length !== 1 ||
    '"\r\n'.includes(delimiter)
  ) {
    throw new ValueError(
      `${fn}: expected delimiter to be one character other than a quote ` +
        `or a line break, got delimiter=${show(delimiter)}`,
    );
  }
  const columnNames = o.columnNames ?? null;
  if (columnNames !== null) checkNames(columnNames, fn, "columnNames");
  if (!hasHeader && columnNames === null) {
    throw new ValueError(
      `${fn}: expected columnNames when hasHeader is false, got none`,
    );
  }
  const labels = o.labelColumns ?? [];
  checkNames(labels, fn, "labelColumns");
  const select = o.selectColumns ?? null;
  if (select !== null) checkNames(select, fn, "selectColumns");
  const configs = o.columnConfigs ?? {};
  if (!isRecord(configs)) {
    throw new ValueError(
      `${fn}: expected columnConfigs to be a record of column options, ` +
        `got ${show(configs)}`,
    );
  }
  for (const [name, c] of Object.entries(configs)) checkConfig(c, name, fn);
  return { hasHeader, columnNames, delimiter, configs, labels, select };
}

function checkNames(names: unknown, fn: string, what: string): void {
  const ok =
    Array.isArray(names) &&
    names.every((n) => typeof n === "string") &&
    new Set(names).size === names.length;
  if (!ok) {
    throw new ValueError(
      `${fn}: expected ${what} to be an array of distinct column names, ` +
        `got ${what}=${show(names)}`,
    );
  }
}

function checkConfig(c: unknown, name: string, fn: string): void {
  const where = `${fn}: columnConfigs[${JSON.stringify(name)}]`;
  if (!isRecord(c)) {
    throw new ValueError(`${where}: expected an object, got ${show(c)}`);
  }
  const { isLabel, dtype, required, default: fallback } = c as ColumnConfig;
  for (const [key, v] of [
    ["isLabel", isLabel],
    ["required", required],
  ] as const) {
    if (v !== undefined && typeof v !== "boolean") {
      throw new ValueError(
        `${where}: expected ${key} to be a boolean, got ${key}=${show(v)}`,
      );
    }
  }
  if (dtype !== undefined && !Object.hasOwn(TYPES, dtype)) {
    throw new ValueError(
      `${where}: expected dtype to be one of ${Object.keys(TYPES).join(", ")}, ` +
        `got dtype=${show(dtype)}`,
    );
  }
  if (fallback === undefined) return;
  const want =
    dtype === undefined
      ? ["number", "string", "boolean"]
      : dtype === "string"
        ? ["string"]
        : dtype === "bool"
          ? ["boolean", "number"]
          : ["number"];
  if (!want.includes(typeof fallback)) {
    throw new ValueError(
      `${where}: expected default to be a ${want.join(" or ")}, got ` +
        `default=${show(fallback)}`,
    );
  }
}

/** Which columns to decode, how, and where they go. */
function makePlan(
  names: readonly string[],
  settings: Settings,
  prefix: string,
): Plan {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (n === "") {
      throw new ValueError(`${prefix} column ${i + 1} has an empty name`);
    }
    if (seen.has(n)) {
      throw new ValueError(
        `${prefix} the column name ${show(n)} appears twice`,
      );
    }
    seen.add(n);
  });
  const known = (list: Iterable<string>, what: string) => {
    for (const n of list) {
      if (!seen.has(n)) {
        throw new ValueError(
          `${prefix} expected ${what} to name columns of the file ` +
            `(${names.join(", ")}), got ${show(n)}`,
        );
      }
    }
  };
  known(settings.labels, "labelColumns");
  known(settings.select ?? [], "selectColumns");
  known(Object.keys(settings.configs), "columnConfigs");
  const isLabel = (n: string) =>
    settings.labels.includes(n) || settings.configs[n]?.isLabel === true;
  const labels = [
    ...settings.labels,
    ...names.filter((n) => isLabel(n) && !settings.labels.includes(n)),
  ];
  const features = (settings.select ?? names).filter((n) => !isLabel(n));
  const column = (name: string, label: boolean): Column => {
    const c = settings.configs[name] ?? {};
    return {
      index: names.indexOf(name),
      name,
      type: c.dtype === undefined ? "auto" : TYPES[c.dtype],
      required: c.required ?? label,
      fallback: typeof c.default === "boolean" ? +c.default : c.default,
      label,
    };
  };
  return {
    width: names.length,
    columns: [
      ...features.map((n) => column(n, false)),
      ...labels.map((n) => column(n, true)),
    ],
    labeled: labels.length > 0,
  };
}

/** Decodes data rows; "auto" columns take their type in each pass. */
function decoder(plan: Plan, fail: Failer): (row: RawRow) => CsvRow {
  const types = plan.columns.map((c) => c.type);
  return (row) => {
    if (row.fields.length !== plan.width) {
      fail(row.line, `expected ${plan.width} fields, got ${row.fields.length}`);
    }
    const xs: CsvRecord = {};
    const ys: CsvRecord = {};
    plan.columns.forEach((c, i) => {
      const raw = row.fields[c.index]!;
      if (types[i] === "auto" && raw.trim() !== "") {
        types[i] = isNumeric(raw) ? "number" : "string";
      }
      (c.label ? ys : xs)[c.name] = cell(raw, c, types[i]!, row.line, fail);
    });
    return plan.labeled ? { xs, ys } : xs;
  };
}

/** `Number()` of the trimmed text: NaN for "NaN" and for non-numbers. */
function toNumber(raw: string): number {
  return Number(raw.trim());
}

/** Whether `Number()` reads the text, or it is "NaN". */
function isNumeric(raw: string): boolean {
  return !Number.isNaN(toNumber(raw)) || raw.trim() === "NaN";
}

function cell(
  raw: string,
  c: Column,
  type: ColumnType,
  line: number,
  fail: Failer,
): CsvValue {
  const name = JSON.stringify(c.name);
  const empty = type === "string" ? raw === "" : raw.trim() === "";
  if (empty) {
    if (c.fallback !== undefined) return c.fallback;
    if (type === "string" && !c.required) return "";
    fail(
      line,
      c.required
        ? `expected a value in the required column ${name}, got an empty field`
        : `expected a value in column ${name}, got an empty field (set ` +
            `columnConfigs[${name}].default to fill empty fields)`,
    );
  }
  switch (type) {
    case "string":
      return raw;
    case "bool": {
      const t = raw.trim().toLowerCase();
      if (t === "true" || t === "1") return 1;
      if (t === "false" || t === "0") return 0;
      return fail(
        line,
        `expected a boolean (true, false, 1 or 0) in column ${name}, got ` +
          JSON.stringify(raw),
      );
    }
    default: {
      const v = toNumber(raw);
      if (!isNumeric(raw)) {
        fail(
          line,
          `expected a number in column ${name}, got ${JSON.stringify(raw)}`,
        );
      }
      if (type === "int" && !(Number.isInteger(v) && Math.abs(v) < 2 ** 31)) {
        fail(
          line,
          `expected an int32 in column ${name}, got ${JSON.stringify(raw)}`,
        );
      }
      return v;
    }
  }
}

/** A Node built-in module, without importing it (browsers have none). */
function builtin<T>(id: string, fn: string): T {
  const proc = (globalThis as { process?: { getBuiltinModule?: unknown } })
    .process;
  const get = proc?.getBuiltinModule;
  if (typeof get !== "function") {
    throw new NotImplementedError(
      `${fn}: reading files needs Node 20.16 or later ` +
        `(process.getBuiltinModule); elsewhere read the text yourself and ` +
        `use csvFromString, or use csvFromUrl`,
    );
  }
  return (get as (id: string) => T).call(proc, id);
}

/** The file system path of `path`, a path or a `file:` URL. */
function filePath(path: string | URL): string {
  if (typeof path !== "string" && !(path instanceof URL)) {
    throw new ValueError(`csv: expected a file path, got ${show(path)}`);
  }
  const isUrl = path instanceof URL || /^[a-z][a-z0-9+.-]+:\/\//i.test(path);
  if (!isUrl) return path;
  const href = String(path);
  if (!href.startsWith("file:")) {
    throw new ValueError(
      `csv: expected a file path or a file: URL, got ${show(href)}; use ` +
        `csvFromUrl for http(s)`,
    );
  }
  return builtin<typeof NodeUrl>("node:url", "csv").fileURLToPath(href);
}

/** The file's text, decoded as UTF-8, 64 KiB at a time. */
function* fileChunks(file: string): Generator<string> {
  const fs = builtin<typeof NodeFs>("node:fs", "csv");
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    throw new ValueError(
      `csv: cannot read ${JSON.stringify(file)}: ${(e as Error).message}`,
    );
  }
  try {
    const buf = new Uint8Array(1 << 16);
    const text = new TextDecoder();
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      yield text.decode(buf.subarray(0, n), { stream: true });
    }
    const tail = text.decode();
    if (tail !== "") yield tail;
  } finally {
    fs.closeSync(fd);
  }
}

/** The response body, decoded as UTF-8, chunk by chunk. */
async function* urlChunks(
  href: string,
  prefix: string,
): AsyncGenerator<string> {
  let res: Response;
  try {
    res = await fetch(href);
  } catch (e) {
    throw new ValueError(`${prefix} cannot fetch: ${(e as Error).message}`);
  }
  if (!res.ok) {
    throw new ValueError(
      `${prefix} cannot fetch: HTTP ${res.status} ${res.statusText}`,
    );
  }
  if (res.body === null) {
    yield await res.text();
    return;
  }
  const reader = res.body.getReader();
  const text = new TextDecoder();
  let done = false;
  try {
    for (;;) {
      const r = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (r.done) break;
      yield text.decode(r.value, { stream: true });
    }
    done = true;
    const tail = text.decode();
    if (tail !== "") yield tail;
  } finally {
    if (!done) await reader.cancel();
    reader.releaseLock();
  }
}
