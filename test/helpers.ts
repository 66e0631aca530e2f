// SPDX-License-Identifier: Apache-2.0
/**
 * Assertions shared by the test suite.
 *
 * `allclose(actual, expected, options?)` checks that two tensors or nested
 * arrays have the same shape and values within a tolerance:
 *
 *     |actual - expected| <= atol + rtol * |expected|   (elementwise)
 *
 * - `actual` and `expected` may each be a tensor, a number, a boolean or
 *   nested arrays (booleans count as 1 and 0). Shapes must match exactly: a
 *   number only matches a rank-0 tensor.
 * - The default tolerances come from the dtype of the tensor(s) compared
 *   (the looser one when both are tensors): float32 rtol = atol = 1e-6,
 *   float64 rtol = atol = 1e-12, int32 and bool exact. Plain nested arrays
 *   on both sides compare as float64.
 * - NaN matches NaN, and infinities match only the same infinity.
 * - `dtype`, when given, also asserts the dtype of `actual` (a tensor).
 *
 * On failure it throws an AssertionError that names the worst element, its
 * index, both values, the tolerance, and how many elements differ.
 */
import { AssertionError } from "node:assert";
import * as tg from "tensorgrad";

/** Options of {@link allclose}. */
export interface CloseOptions {
  /** Relative tolerance; default by dtype (see the file header). */
  rtol?: number;
  /** Absolute tolerance; default by dtype (see the file header). */
  atol?: number;
  /** The dtype `actual` must have. */
  dtype?: tg.DType;
}

type Operand = tg.Tensor | tg.NestedArray;

interface Flat {
  shape: number[];
  values: number[];
  dtype: tg.DType | null;
}

const TOLERANCE: Record<tg.DType, number> = {
  float32: 1e-6,
  float64: 1e-12,
  int32: 0,
  bool: 0,
};

/** Asserts that `actual` and `expected` agree; see the file header. */
export function allclose(
  actual: Operand,
  expected: Operand,
  options: CloseOptions = {},
): void {
  const a = flatten(actual, "actual");
  const e = flatten(expected, "expected");
  if (options.dtype !== undefined && a.dtype !== options.dtype) {
    fail(`expected dtype ${options.dtype}, got ${a.dtype ?? "an array"}`, a, e);
  }
  if (!sameShape(a.shape, e.shape)) {
    fail(`expected shape ${show(e.shape)}, got shape ${show(a.shape)}`, a, e);
  }
  const tol = defaultTolerance(a.dtype, e.dtype);
  const rtol = options.rtol ?? tol;
  const atol = options.atol ?? tol;
  let bad = 0;
  let worst = -1;
  let worstExcess = -Infinity;
  for (let i = 0; i < a.values.length; i++) {
    const excess = excessError(a.values[i]!, e.values[i]!, rtol, atol);
    if (excess > 0) {
      bad++;
      if (excess > worstExcess) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (bad > 0) {
    const x = a.values[worst]!;
    const y = e.values[worst]!;
    fail(
      `${bad} of ${a.values.length} values differ (rtol=${rtol}, ` +
        `atol=${atol}); worst at ${show(unravel(worst, a.shape))}: actual ` +
        `${x}, expected ${y}, |diff| ${Math.abs(x - y)}`,
      a,
      e,
    );
  }
}

/** How far |x - y| exceeds the tolerance (> 0 means a mismatch). */
function excessError(x: number, y: number, rtol: number, atol: number) {
  if (Number.isNaN(x) || Number.isNaN(y)) {
    return Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity;
  }
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    return x === y ? 0 : Infinity;
  }
  const diff = Math.abs(x - y) - (atol + rtol * Math.abs(y));
  return diff > 0 ? diff : 0;
}

function defaultTolerance(a: tg.DType | null, b: tg.DType | null): number {
  if (a === null && b === null) return TOLERANCE.float64;
  return Math.max(a ? TOLERANCE[a] : 0, b ? TOLERANCE[b] : 0);
}

function flatten(x: Operand, which: string): Flat {
  if (x instanceof tg.Tensor) {
    return {
      shape: [...x.shape],
      values: Array.from(x.data, Number),
      dtype: x.dtype,
    };
  }
  if (x === null || x === undefined) {
    throw new AssertionError({
      message: `allclose: ${which} is ${String(x)}, expected a tensor or an array`,
    });
  }
  const shape: number[] = [];
  for (let v: unknown = x; Array.isArray(v); v = v[0]) shape.push(v.length);
  const values: number[] = [];
  walk(x, shape, 0, values, which);
  return { shape, values, dtype: null };
}

function walk(
  x: unknown,
  shape: number[],
  axis: number,
  out: number[],
  which: string,
): void {
  if (axis === shape.length) {
    if (typeof x === "number") out.push(x);
    else if (typeof x === "boolean") out.push(x ? 1 : 0);
    else throw new TypeError(`allclose: ${which} has a non-number leaf`);
    return;
  }
  if (!Array.isArray(x) || x.length !== shape[axis]) {
    throw new TypeError(`allclose: ${which} is a ragged nested array`);
  }
  for (const v of x) walk(v, shape, axis + 1, out, which);
}

function show(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = index % shape[i]!;
    index = Math.floor(index / shape[i]!);
  }
  return out;
}

function preview(f: Flat): string {
  const head = f.values.slice(0, 12).join(", ");
  const more = f.values.length > 12 ? `, ... (${f.values.length})` : "";
  return `shape ${show(f.shape)} ${f.dtype ?? "array"}: [${head}${more}]`;
}

function fail(message: string, a: Flat, e: Flat): never {
  throw new AssertionError({
    message:
      `allclose: ${message}\n  actual:   ${preview(a)}` +
      `\n  expected: ${preview(e)}`,
    actual: a.values,
    expected: e.values,
    operator: "allclose",
  });
}
