// SPDX-License-Identifier: Apache-2.0
/** Renders Keras's model summary table with box-drawing characters. */

import type { Variable } from "../../variables.js";
import type { SymbolicShape } from "../layers/layer.js";

/** One row of the table. */
export interface SummaryRow {
  name: string;
  shape: string;
  params: number;
  /** The "Connected to" cell of a functional model's row. */
  connected?: string;
}

/** A shape in Python's tuple syntax, as Keras prints it: (None, 8), (None,). */
export function formatShape(shape: SymbolicShape): string {
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
}

function columns(connected: boolean): readonly number[] {
  return connected ? [25, 20, 9, 22] : [33, 24, 15];
}

function line(
  widths: readonly number[],
  left: string,
  mid: string,
  right: string,
  fill: string,
): string {
  return left + widths.map((w) => fill.repeat(w)).join(mid) + right;
}

/** Splits a cell's text into lines of at most `w` characters. */
function wrap(text: string, w: number): string[] {
  const lines: string[] = [];
  let line = "";
  // Break after ", " (between connections or shapes) where possible.
  for (const piece of text.split(/(?<=, )/)) {
    if (line && (line + piece).trimEnd().length > w) {
      lines.push(line.trimEnd());
      line = "";
    }
    line += piece;
    while (line.length > w) {
      lines.push(line.slice(0, w));
      line = line.slice(w);
    }
  }
  lines.push(line.trimEnd());
  return lines;
}

/** A row's lines: long cells wrap onto more lines, as Keras's table. */
function cells(
  widths: readonly number[],
  values: readonly string[],
  bar: string,
): string[] {
  const wrapped = values.map((v, i) => wrap(v, widths[i]! - 2));
  const height = Math.max(...wrapped.map((l) => l.length));
  const out: string[] = [];
  for (let k = 0; k < height; k++) {
    const padded = wrapped.map((lines, i) => {
      const w = widths[i]! - 2;
      const text = lines[k] ?? "";
      return i === 2 ? text.padStart(w) : text.padEnd(w);
    });
    out.push(`${bar} ${padded.join(` ${bar} `)} ${bar}`);
  }
  return out;
}

/** A byte count as Keras prints it: 8.00 B, 1.17 KB, 3.05 MB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)} ${units[u]!}`;
}

/** A number of parameters and the bytes they take. */
export interface ParamCount {
  count: number;
  bytes: number;
}

/** Counts the scalars of `vars` and their bytes. */
export function tally(vars: readonly Variable[]): ParamCount {
  const width = (v: Variable) =>
    v.dtype === "float64" ? 8 : v.dtype === "bool" ? 1 : 4;
  return {
    count: vars.reduce((n, v) => n + v.size, 0),
    bytes: vars.reduce((n, v) => n + v.size * width(v), 0),
  };
}

/** The summary's lines; with `connected`, a "Connected to" column. */
export function summaryTable(
  modelName: string,
  rows: readonly SummaryRow[],
  trainable: ParamCount,
  nonTrainable: ParamCount,
  connected = false,
): string[] {
  const w = columns(connected);
  const total = {
    count: trainable.count + nonTrainable.count,
    bytes: trainable.bytes + nonTrainable.bytes,
  };
  // Each line's bytes are its own weights', as in Keras (not an average).
  const count = (p: ParamCount) =>
    `${p.count.toLocaleString("en-US")} (${formatBytes(p.bytes)})`;
  const head = ["Layer (type)", "Output Shape", "Param #"];
  if (connected) head.push("Connected to");
  const out = [`Model: "${modelName}"`];
  out.push(line(w, "┏", "┳", "┓", "━"));
  out.push(...cells(w, head, "┃"));
  out.push(line(w, "┡", "╇", "┩", "━"));
  rows.forEach((r, i) => {
    const values = [r.name, r.shape, r.params.toLocaleString("en-US")];
    if (connected) values.push(r.connected ?? "");
    out.push(...cells(w, values, "│"));
    if (i < rows.length - 1) out.push(line(w, "├", "┼", "┤", "─"));
  });
  out.push(line(w, "└", "┴", "┘", "─"));
  out.push(` Total params: ${count(total)}`);
  out.push(` Trainable params: ${count(trainable)}`);
  out.push(` Non-trainable params: ${count(nonTrainable)}`);
  return out;
}

/** What a model summary needs of the model. */
interface Summarized {
  readonly name: string;
  readonly trainableWeights: Variable[];
  readonly nonTrainableWeights: Variable[];
}

/** A model's summary lines. */
export function modelSummary(
  model: Summarized,
  rows: readonly SummaryRow[],
  connected: boolean,
): string[] {
  return summaryTable(
    model.name,
    rows,
    tally(model.trainableWeights),
    tally(model.nonTrainableWeights),
    connected,
  );
}
