// SPDX-License-Identifier: Apache-2.0
/**
 * The reference matrix product. Each output row accumulates in float64 and
 * rounds once, so float32 results are as close to exact as one rounding
 * allows; the loop order (i, p, j) walks B and C rows contiguously.
 */
import { allocate, type DType, type TypedArray } from "../../core/dtype.js";
import { sizeOf, type Shape } from "../../core/shape.js";
import type { View } from "../backend.js";
import { broadcastStrides } from "./elementwise.js";

export function matMul(
  a: View,
  b: View,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
  out: DType,
): TypedArray {
  const rank = outShape.length;
  const m = outShape[rank - 2]!;
  const n = outShape[rank - 1]!;
  const ar = a.shape.length;
  const k = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  // Element (i, p) of op(A) is av[aOff + i * ai + p * ap].
  const ai = transposeA ? 1 : k;
  const ap = transposeA ? m : 1;
  const bp = transposeB ? 1 : n;
  const bj = transposeB ? k : 1;
  if (rank === 2 && n === 1) {
    const r = allocate(out, m);
    matVec(a.data, b.data, r, m, k, ai, ap, bp);
    return r;
  }
  const batchShape = outShape.slice(0, -2);
  const batches = sizeOf(batchShape);
  const aBatch = broadcastStrides(a.shape.slice(0, -2), batchShape).map(
    (s) => s * a.shape[ar - 1]! * a.shape[ar - 2]!,
  );
  const br = b.shape.length;
  const bBatch = broadcastStrides(b.shape.slice(0, -2), batchShape).map(
    (s) => s * b.shape[br - 1]! * b.shape[br - 2]!,
  );
  const r = allocate(out, batches * m * n);
  const acc = new Float64Array(n);
  const av = a.data;
  const bv = b.data;
  const idx = new Array<number>(batchShape.length).fill(0);
  let aOff = 0;
  let bOff = 0;
  for (let t = 0; t < batches; t++) {
    for (let i = 0; i < m; i++) {
      acc.fill(0);
      for (let p = 0; p < k; p++) {
        const x = av[aOff + i * ai + p * ap]!;
        const row = bOff + p * bp;
        for (let j = 0; j < n; j++) acc[j]! += x * bv[row + j * bj]!;
      }
      r.set(acc, (t * m + i) * n);
    }
    for (let d = batchShape.length - 1; d >= 0; d--) {
      idx[d]!++;
      aOff += aBatch[d]!;
      bOff += bBatch[d]!;
      if (idx[d]! < batchShape[d]!) break;
      aOff -= aBatch[d]! * idx[d]!;
      bOff -= bBatch[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return r;
}

/** The common case of one output column: a dot product per row. */
function matVec(
  av: TypedArray,
  bv: TypedArray,
  r: TypedArray,
  m: number,
  k: number,
  ai: number,
  ap: number,
  bp: number,
): void {
  for (let i = 0; i < m; i++) {
    let acc = 0;
    for (let p = 0; p < k; p++) acc += av[i * ai + p * ap]! * bv[p * bp]!;
    r[i] = acc;
  }
}
