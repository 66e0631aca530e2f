// SPDX-License-Identifier: Apache-2.0
/**
 * Reductions. Sums and products accumulate in float64 whatever the dtype,
 * then round once; this is at least as accurate as TensorFlow's float32
 * tree reductions.
 */
import { allocate, type DType, type TypedArray } from "../../core/dtype.js";
import type { Shape } from "../../core/shape.js";
import type { ReduceOp, View } from "../backend.js";

const INIT: Record<ReduceOp, number> = {
  sum: 0,
  prod: 1,
  max: -Infinity,
  min: Infinity,
};

type Combine = (acc: number, x: number) => number;

const COMBINE: Record<ReduceOp, Combine> = {
  sum: (a, x) => a + x,
  prod: (a, x) => a * x,
  max: (a, x) => (x > a || x !== x ? x : a),
  min: (a, x) => (x < a || x !== x ? x : a),
};

/**
 * Splits `shape` around the reduced axes into (outer, reduced, inner) when
 * the reduced axes are contiguous; that covers nearly every real call.
 */
function contiguousSplit(
  shape: Shape,
  axes: readonly number[],
): [number, number, number] | null {
  for (let i = 1; i < axes.length; i++) {
    if (axes[i] !== axes[i - 1]! + 1) return null;
  }
  const first = axes[0] ?? 0;
  const last = axes[axes.length - 1] ?? -1;
  let outer = 1;
  let mid = 1;
  let inner = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (i < first) outer *= d;
    else if (i <= last) mid *= d;
    else inner *= d;
  }
  return [outer, mid, inner];
}

export function reduce(
  op: ReduceOp,
  x: View,
  axes: readonly number[],
  out: DType,
): TypedArray {
  const f = COMBINE[op];
  const init = INIT[op];
  const v = x.data;
  if (axes.length === x.shape.length) {
    let acc = init;
    for (let i = 0; i < v.length; i++) acc = f(acc, v[i]!);
    const r = allocate(out, 1);
    r[0] = acc;
    return r;
  }
  const split = contiguousSplit(x.shape, axes);
  if (split && split[2] === 1) {
    // Trailing axes: one accumulator per output, no scratch array.
    const [outer, mid] = split;
    const r = allocate(out, outer);
    for (let o = 0; o < outer; o++) {
      let acc = init;
      const base = o * mid;
      for (let m = 0; m < mid; m++) acc = f(acc, v[base + m]!);
      r[o] = acc;
    }
    return r;
  }
  if (split) {
    const [outer, mid, inner] = split;
    const r = allocate(out, outer * inner);
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(init);
      const base = o * mid * inner;
      for (let m = 0; m < mid; m++) {
        const row = base + m * inner;
        for (let i = 0; i < inner; i++) acc[i] = f(acc[i]!, v[row + i]!);
      }
      r.set(acc, o * inner);
    }
    return r;
  }
  return reduceGeneral(f, init, x, axes, out);
}

function reduceGeneral(
  f: Combine,
  init: number,
  x: View,
  axes: readonly number[],
  out: DType,
): TypedArray {
  const shape = x.shape;
  const rank = shape.length;
  const reduced = new Set(axes);
  // Output strides per input dimension, 0 on reduced dimensions.
  const ostr = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    if (reduced.has(i)) continue;
    ostr[i] = s;
    s *= shape[i]!;
  }
  const acc = new Float64Array(s).fill(init);
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  const v = x.data;
  for (let i = 0; i < v.length; i++) {
    acc[o] = f(acc[o]!, v[i]!);
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]!++;
      o += ostr[k]!;
      if (idx[k]! < shape[k]!) break;
      o -= ostr[k]! * idx[k]!;
      idx[k] = 0;
    }
  }
  const r = allocate(out, s);
  r.set(acc);
  return r;
}

export function argReduce(
  op: "argMax" | "argMin",
  x: View,
  axis: number,
): Int32Array {
  const [outer, mid, inner] = contiguousSplit(x.shape, [axis])!;
  const v = x.data;
  const r = new Int32Array(outer * inner);
  const better =
    op === "argMax"
      ? (a: number, b: number) => a > b || (a !== a && b === b)
      : (a: number, b: number) => a < b || (a !== a && b === b);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * mid * inner + i;
      let best = 0;
      let bestValue = v[base]!;
      for (let m = 1; m < mid; m++) {
        const value = v[base + m * inner]!;
        if (better(value, bestValue)) {
          best = m;
          bestValue = value;
        }
      }
      r[o * inner + i] = best;
    }
  }
  return r;
}
