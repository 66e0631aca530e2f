// SPDX-License-Identifier: Apache-2.0
/** Prints tensor values in a NumPy-like layout. */
import type { DType, TypedArray } from "./dtype.js";
import type { Shape } from "./shape.js";

const MAX_ELEMENTS = 1000;
const EDGE = 3;

/** The shortest decimal that reads back as the same value of `dtype`. */
export function formatNumber(x: number, dtype: DType): string {
  if (dtype === "bool") return x ? "true" : "false";
  if (dtype === "int32" || !Number.isFinite(x)) return String(x);
  if (dtype === "float64") return String(x);
  for (let p = 1; p < 10; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

/**
 * Formats values as nested brackets, one row per line, columns aligned.
 * Large tensors show their first and last three entries per axis.
 */
export function formatValues(
  values: TypedArray,
  shape: Shape,
  dtype: DType,
): string {
  if (shape.length === 0) return formatNumber(values[0]!, dtype);
  const summarize = values.length > MAX_ELEMENTS;
  const cells: string[] = [];
  collect(values, shape, dtype, 0, 0, summarize, cells);
  const width = Math.max(...cells.map((c) => c.length), 0);
  let k = 0;
  const render = (axis: number, offset: number, indent: string): string => {
    const n = shape[axis]!;
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const parts: string[] = [];
    for (const i of shownIndices(n, summarize)) {
      if (i < 0) {
        parts.push("...");
        continue;
      }
      if (axis === shape.length - 1) parts.push(cells[k++]!.padStart(width));
      else parts.push(render(axis + 1, offset + i * stride, indent + " "));
    }
    const sep =
      axis === shape.length - 1
        ? ", "
        : "," + "\n".repeat(shape.length - axis - 1) + indent + " ";
    return "[" + parts.join(sep) + "]";
  };
  return render(0, 0, "");
}

function shownIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE)
    return Array.from({ length: n }, (_, i) => i);
  const head = [0, 1, 2];
  const tail = [n - 3, n - 2, n - 1];
  return [...head, -1, ...tail];
}

function collect(
  values: TypedArray,
  shape: Shape,
  dtype: DType,
  axis: number,
  offset: number,
  summarize: boolean,
  out: string[],
): void {
  const n = shape[axis]!;
  const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  for (const i of shownIndices(n, summarize)) {
    if (i < 0) continue;
    if (axis === shape.length - 1) {
      out.push(formatNumber(values[offset + i]!, dtype));
    } else {
      collect(
        values,
        shape,
        dtype,
        axis + 1,
        offset + i * stride,
        summarize,
        out,
      );
    }
  }
}
