// SPDX-License-Identifier: Apache-2.0
/** Kernels that move values without computing: copies, pads, gathers. */
import { allocate, type DType, type TypedArray } from "../../core/dtype.js";
import { sizeOf, stridesOf, type Shape } from "../../core/shape.js";
import type { View } from "../backend.js";

export function strided(
  x: View,
  offset: number,
  strides: readonly number[],
  outShape: Shape,
  out: DType,
): TypedArray {
  const n = sizeOf(outShape);
  const r = allocate(out, n);
  const v = x.data;
  const rank = outShape.length;
  if (rank === 0) {
    if (n === 1) r[0] = v[offset]!;
    return r;
  }
  if (n === 0) return r;
  const last = outShape[rank - 1]!;
  const ls = strides[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let src = offset;
  for (let o = 0; o < n; o += last) {
    for (let j = 0; j < last; j++) r[o + j] = v[src + j * ls]!;
    for (let k = rank - 2; k >= 0; k--) {
      idx[k]!++;
      src += strides[k]!;
      if (idx[k]! < outShape[k]!) break;
      src -= strides[k]! * idx[k]!;
      idx[k] = 0;
    }
  }
  return r;
}

export function pad(
  x: View,
  paddings: readonly (readonly [number, number])[],
  value: number,
  out: DType,
): TypedArray {
  const outShape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const r = allocate(out, sizeOf(outShape));
  if (value !== 0) r.fill(value);
  const inner = stridesOf(outShape);
  let offset = 0;
  paddings.forEach(([before], i) => (offset += before * inner[i]!));
  scatterWindow(x, r, offset, inner);
  return r;
}

/** Writes all of `x` into `r` at `offset`, with `r`'s row-major strides. */
function scatterWindow(
  x: View,
  r: TypedArray,
  offset: number,
  strides: readonly number[],
): void {
  const shape = x.shape;
  const rank = shape.length;
  const v = x.data;
  if (v.length === 0) return;
  if (rank === 0) {
    r[offset] = v[0]!;
    return;
  }
  const last = shape[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let dst = offset;
  for (let i = 0; i < v.length; i += last) {
    for (let j = 0; j < last; j++) r[dst + j] = v[i + j]!;
    for (let k = rank - 2; k >= 0; k--) {
      idx[k]!++;
      dst += strides[k]!;
      if (idx[k]! < shape[k]!) break;
      dst -= strides[k]! * idx[k]!;
      idx[k] = 0;
    }
  }
}

export function concat(
  xs: readonly View[],
  axis: number,
  outShape: Shape,
  out: DType,
): TypedArray {
  const r = allocate(out, sizeOf(outShape));
  const outer = sizeOf(outShape.slice(0, axis));
  const rowOut = sizeOf(outShape.slice(axis));
  let col = 0;
  for (const x of xs) {
    const row = sizeOf(x.shape.slice(axis));
    const v = x.data;
    for (let o = 0; o < outer; o++) {
      const src = o * row;
      const dst = o * rowOut + col;
      for (let j = 0; j < row; j++) r[dst + j] = v[src + j]!;
    }
    col += row;
  }
  return r;
}

export function tile(x: View, outShape: Shape, out: DType): TypedArray {
  const n = sizeOf(outShape);
  const r = allocate(out, n);
  const rank = outShape.length;
  const inStrides = stridesOf(x.shape);
  const idx = new Array<number>(rank).fill(0);
  const v = x.data;
  for (let o = 0; o < n; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++)
      src += (idx[k]! % x.shape[k]!) * inStrides[k]!;
    r[o] = v[src]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return r;
}

export function gather(
  x: View,
  indices: Int32Array,
  axis: number,
  out: DType,
): TypedArray {
  const outer = sizeOf(x.shape.slice(0, axis));
  const dim = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const m = indices.length;
  const r = allocate(out, outer * m * inner);
  const v = x.data;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < m; t++) {
      const src = (o * dim + indices[t]!) * inner;
      const dst = (o * m + t) * inner;
      for (let j = 0; j < inner; j++) r[dst + j] = v[src + j]!;
    }
  }
  return r;
}

export function scatterAdd(
  updates: View,
  indices: Int32Array,
  axis: number,
  shape: Shape,
  out: DType,
): TypedArray {
  const outer = sizeOf(shape.slice(0, axis));
  const dim = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const m = indices.length;
  // Sums in float64, rounded once (float64 output: in place).
  const acc = out === "float64" ? new Float64Array(sizeOf(shape)) : null;
  const sums = acc ?? new Float64Array(sizeOf(shape));
  const u = updates.data;
  if (inner === 1) {
    // One value per index (max pooling's gradient, gathers of scalars).
    for (let o = 0; o < outer; o++) {
      const base = o * dim;
      const src = o * m;
      for (let t = 0; t < m; t++) sums[base + indices[t]!]! += u[src + t]!;
    }
  } else {
    for (let o = 0; o < outer; o++) {
      for (let t = 0; t < m; t++) {
        const dst = (o * dim + indices[t]!) * inner;
        const src = (o * m + t) * inner;
        for (let j = 0; j < inner; j++) sums[dst + j]! += u[src + j]!;
      }
    }
  }
  if (acc !== null) return acc;
  const r = allocate(out, sums.length);
  r.set(sums);
  return r;
}
