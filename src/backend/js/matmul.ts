// SPDX-License-Identifier: Apache-2.0
/**
 * The reference matrix product. Each output element accumulates in float64
 * over p = 0, 1, ..., k − 1 in that order and rounds once, so float32
 * results are as close to exact as one rounding allows, and every path
 * below gives the same bits.
 *
 * Small products run a plain (i, p, j) loop. Larger ones copy op(A) and
 * op(B) into float64 panels of 4 rows (columns) each, laid out so that one
 * step of p reads 4 consecutive values of each, then compute 4×4 blocks of
 * the output with 16 accumulators in local variables: 8 loads per 16
 * multiply-adds instead of 2–3 memory accesses per multiply-add, whatever
 * the transposes (the copies read them once).
 */
import { allocate, type DType, type TypedArray } from "../../core/dtype.js";
import { sizeOf, type Shape } from "../../core/shape.js";
import type { View } from "../backend.js";
import { broadcastStrides } from "./elementwise.js";

/** Products with fewer multiply-adds than this skip the panel copies. */
const PACK_MIN_WORK = 16384;

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
  const offsets = batchOffsets(a.shape, b.shape, outShape);
  const batches = offsets.count;
  const r = allocate(out, batches * m * n);
  const packed = m >= 4 && n >= 4 && m * n * k >= PACK_MIN_WORK;
  const acc = packed ? null : new Float64Array(n);
  const av = a.data;
  const bv = b.data;
  for (let t = 0; t < batches; t++) {
    const aOff = offsets.a[t]!;
    const bOff = offsets.b[t]!;
    if (acc === null) {
      const pa = panels(av, aOff, ai, ap, m, k);
      const pb = panels(bv, bOff, bj, bp, n, k);
      blocks(pa, pb, r, t * m * n, m, n, k);
    } else {
      for (let i = 0; i < m; i++) {
        acc.fill(0);
        for (let p = 0; p < k; p++) {
          const x = av[aOff + i * ai + p * ap]!;
          const row = bOff + p * bp;
          for (let j = 0; j < n; j++) acc[j]! += x * bv[row + j * bj]!;
        }
        r.set(acc, (t * m + i) * n);
      }
    }
  }
  return r;
}

/** Where each batch's matrices start in A and B, in elements. @internal */
export interface BatchOffsets {
  /** The number of batches (the product of the output's batch shape). */
  readonly count: number;
  readonly a: readonly number[];
  readonly b: readonly number[];
}

const SINGLE: BatchOffsets = { count: 1, a: [0], b: [0] };

/**
 * The start of each batch's matrices in A and B, in the order of the
 * output's batches, with the batch dimensions broadcast as NumPy does
 * (operands of rank >= 2).
 * @internal
 */
export function batchOffsets(
  aShape: Shape,
  bShape: Shape,
  outShape: Shape,
): BatchOffsets {
  if (outShape.length === 2) return SINGLE;
  const batchShape = outShape.slice(0, -2);
  const strides = (shape: Shape) => {
    const size = shape.at(-1)! * shape.at(-2)!;
    return broadcastStrides(shape.slice(0, -2), batchShape).map(
      (s) => s * size,
    );
  };
  const aStep = strides(aShape);
  const bStep = strides(bShape);
  const count = sizeOf(batchShape);
  const a = new Array<number>(count);
  const b = new Array<number>(count);
  const idx = new Array<number>(batchShape.length).fill(0);
  let aOff = 0;
  let bOff = 0;
  for (let t = 0; t < count; t++) {
    a[t] = aOff;
    b[t] = bOff;
    // Step the batch index like an odometer, last dimension fastest.
    for (let d = batchShape.length - 1; d >= 0; d--) {
      idx[d]!++;
      aOff += aStep[d]!;
      bOff += bStep[d]!;
      if (idx[d]! < batchShape[d]!) break;
      aOff -= aStep[d]! * idx[d]!;
      bOff -= bStep[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return { count, a, b };
}

/**
 * Copies the `rows` × k matrix whose element (i, p) is
 * v[off + i * rs + p * ps] into panels of 4 rows: element (i, p) goes to
 * ((i >> 2) * k + p) * 4 + (i & 3). Rows past the end stay zero. Four
 * rows are read side by side, so the writes are sequential.
 */
function panels(
  v: TypedArray,
  off: number,
  rs: number,
  ps: number,
  rows: number,
  k: number,
): Float64Array {
  const out = new Float64Array(((rows + 3) >> 2) * k * 4);
  let dst = 0;
  for (let i = 0; i < rows; i += 4) {
    if (i + 4 <= rows) {
      let s0 = off + i * rs;
      let s1 = s0 + rs;
      let s2 = s1 + rs;
      let s3 = s2 + rs;
      for (let p = 0; p < k; p++) {
        out[dst] = v[s0]!;
        out[dst + 1] = v[s1]!;
        out[dst + 2] = v[s2]!;
        out[dst + 3] = v[s3]!;
        dst += 4;
        s0 += ps;
        s1 += ps;
        s2 += ps;
        s3 += ps;
      }
    } else {
      for (let u = 0; i + u < rows; u++) {
        let src = off + (i + u) * rs;
        let d = dst + u;
        for (let p = 0; p < k; p++, src += ps, d += 4) out[d] = v[src]!;
      }
    }
  }
  return out;
}

/**
 * r[base + i * n + j] = Σ_p A(i, p) · B(p, j), from the panels of A (4
 * rows each) and of B (4 columns each), one 4×4 block at a time.
 */
// prettier-ignore
function blocks(
  pa: Float64Array,
  pb: Float64Array,
  r: TypedArray,
  base: number,
  m: number,
  n: number,
  k: number,
): void {
  const k4 = k * 4;
  for (let j = 0; j < n; j += 4) {
    const yStart = (j >> 2) * k4;
    for (let i = 0; i < m; i += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let x = (i >> 2) * k4;
      let y = yStart;
      const end = x + k4;
      for (; x < end; x += 4, y += 4) {
        const a0 = pa[x]!, a1 = pa[x + 1]!, a2 = pa[x + 2]!, a3 = pa[x + 3]!;
        const b0 = pb[y]!, b1 = pb[y + 1]!, b2 = pb[y + 2]!, b3 = pb[y + 3]!;
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = base + i * n + j;
      if (i + 4 <= m && j + 4 <= n) {
        r[o] = c00; r[o + 1] = c01; r[o + 2] = c02; r[o + 3] = c03;
        const o1 = o + n;
        r[o1] = c10; r[o1 + 1] = c11; r[o1 + 2] = c12; r[o1 + 3] = c13;
        const o2 = o1 + n;
        r[o2] = c20; r[o2 + 1] = c21; r[o2 + 2] = c22; r[o2 + 3] = c23;
        const o3 = o2 + n;
        r[o3] = c30; r[o3 + 1] = c31; r[o3 + 2] = c32; r[o3 + 3] = c33;
      } else {
        // An edge block: only the rows and columns inside the output.
        const c = [c00, c01, c02, c03, c10, c11, c12, c13,
          c20, c21, c22, c23, c30, c31, c32, c33];
        for (let u = 0; u < 4 && i + u < m; u++) {
          for (let w = 0; w < 4 && j + w < n; w++) {
            r[o + u * n + w] = c[u * 4 + w]!;
          }
        }
      }
    }
  }
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
