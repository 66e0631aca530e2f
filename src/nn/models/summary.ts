// SPDX-License-Identifier: Apache-2.0
/** Renders Keras's model summary table with box-drawing characters. */

/** One row of the table. */
export interface SummaryRow {
  name: string;
  shape: string;
  params: number;
}

const WIDTHS = [33, 24, 15] as const;

function line(left: string, mid: string, right: string, fill: string): string {
  return left + WIDTHS.map((w) => fill.repeat(w)).join(mid) + right;
}

function cells(values: readonly string[], bar: string): string {
  const padded = values.map((v, i) => {
    const w = WIDTHS[i]! - 2;
    const text = v.length > w ? v.slice(0, w - 1) + "…" : v;
    return i === 2 ? text.padStart(w) : text.padEnd(w);
  });
  return `${bar} ${padded.join(` ${bar} `)} ${bar}`;
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

/** The summary's lines. */
export function summaryTable(
  modelName: string,
  rows: readonly SummaryRow[],
  trainable: ParamCount,
  nonTrainable: ParamCount,
): string[] {
  const total = {
    count: trainable.count + nonTrainable.count,
    bytes: trainable.bytes + nonTrainable.bytes,
  };
  // Each line's bytes are its own weights', as in Keras (not an average).
  const count = (p: ParamCount) =>
    `${p.count.toLocaleString("en-US")} (${formatBytes(p.bytes)})`;
  const out = [`Model: "${modelName}"`];
  out.push(line("┏", "┳", "┓", "━"));
  out.push(cells(["Layer (type)", "Output Shape", "Param #"], "┃"));
  out.push(line("┡", "╇", "┩", "━"));
  rows.forEach((r, i) => {
    out.push(cells([r.name, r.shape, r.params.toLocaleString("en-US")], "│"));
    if (i < rows.length - 1) out.push(line("├", "┼", "┤", "─"));
  });
  out.push(line("└", "┴", "┘", "─"));
  out.push(` Total params: ${count(total)}`);
  out.push(` Trainable params: ${count(trainable)}`);
  out.push(` Non-trainable params: ${count(nonTrainable)}`);
  return out;
}
