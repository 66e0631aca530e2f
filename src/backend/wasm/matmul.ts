// SPDX-License-Identifier: Apache-2.0
/**
 * The WebAssembly matrix product: float32 and float64 operands are copied
 * into wasm memory once, every batch runs the packed, register-blocked
 * kernel of assembly/gemm.ts, and the result is copied out. Small products
 * (where the copies cost more than they save) run a TypeScript loop that
 * gives the kernel's bits; other dtypes run the reference kernel.
 *
 * float32 accumulates in float32 (the reference accumulates in float64), so
 * results differ from the "js" backend by rounding: about 1e-7 relative per
 * term, growing with √k.
 *
 * Threads (threads.ts): a product with at least threadMinWork
 * multiply-adds per batch splits its output rows into contiguous ranges
 * (about four per thread), each starting at a multiple of the
 * micro-kernel's 4 rows; the thread that takes a range packs the B block
 * itself and runs the same loops over those rows, so each output element is
 * summed in the same order as on one thread and the results are the same
 * to the bit. Batches run one after another, each split this way.
 */
import type { DType, TypedArray } from "../../core/dtype.js";
import { sizeOf, type Shape } from "../../core/shape.js";
import type { View } from "../backend.js";
import { batchOffsets } from "../js/matmul.js";
import { jsBackend } from "../js/index.js";
import { ensure, kernels } from "./kernels.js";
import { parallelGemm } from "./threads.js";

/**
 * Products with fewer multiply-adds than this run in TypeScript: below it
 * the copies in and out cost more than the faster loops save. Measured
 * (Node 20, float32 and float64): 4×4×4 breaks even, 4×8×8 runs 1.7–2.2
 * times faster in wasm, 16×16×16 3–13 times. Matrix-vector products
 * (n = 1) stay in TypeScript too, which is faster there. The TypeScript
 * loop sums in the wasm kernel's order and precision, so a product's
 * values do not depend on which path ran it (on the batch size, say);
 * with relaxed SIMD (fused multiply-adds, which it cannot reproduce
 * cheaply) every product runs in wasm.
 */
export const WASM_MIN_WORK = 128;

/**
 * Products with at least this many multiply-adds per batch (m·n·k) run on
 * several threads when there are any (`tg.setThreads`). Waking the workers
 * costs about 1 µs (median; 10–20 µs at the 90th percentile, Node 20) and
 * each range repacks its B block; 2^21 multiply-adds take 0.1–0.2 ms on one
 * thread, so the overhead stays a few percent.
 */
let threadMinWork = 2 ** 21;

/**
 * Sets the least multiply-adds per batch that run threaded (tests set 0 to
 * thread small products) and returns the previous value. @internal
 */
export function setThreadMinWork(n: number): number {
  const previous = threadMinWork;
  threadMinWork = n;
  return previous;
}

/** The wasm kernel's depth blocking (SKC, DKC in assembly/gemm.ts). */
const KC = 256;

let wasmCalls = 0;

/** How many products ran the wasm kernel since the start. @internal */
export function wasmMatMulCalls(): number {
  return wasmCalls;
}

/** Counts a call that ran the reference kernel, by reason. */
export type CountFallback = (op: string) => void;

export function makeMatMul(count: CountFallback) {
  return function matMul(
    a: View,
    b: View,
    transposeA: boolean,
    transposeB: boolean,
    outShape: Shape,
    out: DType,
  ): TypedArray {
    const f32 =
      out === "float32" &&
      a.data instanceof Float32Array &&
      b.data instanceof Float32Array;
    const f64 =
      out === "float64" &&
      a.data instanceof Float64Array &&
      b.data instanceof Float64Array;
    const n = outShape[outShape.length - 1]!;
    const ar = a.shape.length;
    const k = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
    if (!f32 && !f64) {
      count(`(${out})`);
      return jsBackend.matMul(a, b, transposeA, transposeB, outShape, out);
    }
    const small = sizeOf(outShape) * k < WASM_MIN_WORK || n === 1;
    if (small && !kernels().relaxed) {
      count("(small)");
      return sameBitsMatMul(a, b, transposeA, transposeB, outShape, f32);
    }
    return wasmMatMul(a, b, transposeA, transposeB, outShape);
  };
}

/**
 * The wasm kernel whatever the size, for float32 or float64 operands of
 * one dtype (the backend's matMul picks it for large products).
 * @internal
 */
export function wasmMatMul(
  a: View,
  b: View,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
): Float32Array | Float64Array {
  const f32 = a.data instanceof Float32Array;
  const rank = outShape.length;
  const m = outShape[rank - 2]!;
  const n = outShape[rank - 1]!;
  const ar = a.shape.length;
  const k = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  const es = f32 ? 4 : 8;
  const offsets = batchOffsets(a.shape, b.shape, outShape);
  const batches = offsets.count;
  const Arr = f32 ? Float32Array : Float64Array;
  if (k === 0 || batches * m * n === 0) return new Arr(batches * m * n);
  const kx = kernels();
  const { exports: w, work, dataStart } = kx;
  wasmCalls++;
  const aLen = a.data.length;
  const bLen = b.data.length;
  const cLen = batches * m * n;
  const aPtr = dataStart;
  const bPtr = aPtr + Math.ceil((aLen * es) / 16) * 16;
  const cPtr = bPtr + Math.ceil((bLen * es) / 16) * 16;
  ensure(w.memory, cPtr + cLen * es);
  let buf = w.memory.buffer;
  new Arr(buf, aPtr, aLen).set(a.data);
  new Arr(buf, bPtr, bLen).set(b.data);
  // Element (i, p) of op(A) is at i * ai + p * ap; (p, j) of op(B) at
  // p * bp + j * bj.
  const ai = transposeA ? 1 : k;
  const ap = transposeA ? m : 1;
  const bp = transposeB ? 1 : n;
  const bj = transposeB ? k : 1;
  const run = f32 ? w.gemmF32 : w.gemmF64;
  const threaded = m * n * k >= threadMinWork;
  const f64 = !f32;
  const scratch = cPtr + cLen * es;
  for (let t = 0; t < batches; t++) {
    const ap0 = aPtr + offsets.a[t]! * es;
    const bp0 = bPtr + offsets.b[t]! * es;
    const cp0 = cPtr + t * m * n * es;
    if (
      !threaded ||
      !parallelGemm(kx, f64, m, n, k, ap0, ai, ap, bp0, bp, bj, cp0, n, scratch)
    ) {
      run(m, n, k, ap0, ai, ap, bp0, bp, bj, cp0, n, work);
    }
  }
  buf = w.memory.buffer; // threads may have grown it
  return new Arr(buf, cPtr, cLen).slice();
}

/**
 * The product in TypeScript with the wasm kernel's bits (without relaxed
 * SIMD): each output element sums blocks of KC terms in increasing p, each
 * block from zero, and adds the blocks in order; float32 rounds after
 * every multiply and every add, as f32x4 arithmetic does.
 */
function sameBitsMatMul(
  a: View,
  b: View,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
  f32: boolean,
): Float32Array | Float64Array {
  const rank = outShape.length;
  const m = outShape[rank - 2]!;
  const n = outShape[rank - 1]!;
  const ar = a.shape.length;
  const k = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  const offsets = batchOffsets(a.shape, b.shape, outShape);
  const batches = offsets.count;
  const ai = transposeA ? 1 : k;
  const ap = transposeA ? m : 1;
  const bp = transposeB ? 1 : n;
  const bj = transposeB ? k : 1;
  const av = a.data;
  const bv = b.data;
  const r = f32
    ? new Float32Array(batches * m * n)
    : new Float64Array(batches * m * n);
  const fr = Math.fround;
  for (let t = 0; t < batches; t++) {
    const aOff = offsets.a[t]!;
    const bOff = offsets.b[t]!;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let c = 0;
        for (let p0 = 0; p0 < k; p0 += KC) {
          const end = Math.min(k, p0 + KC);
          let x = aOff + i * ai + p0 * ap;
          let y = bOff + p0 * bp + j * bj;
          let acc = 0;
          if (f32) {
            for (let p = p0; p < end; p++, x += ap, y += bp) {
              acc = fr(acc + fr(av[x]! * bv[y]!));
            }
            c = p0 === 0 ? acc : fr(c + acc);
          } else {
            for (let p = p0; p < end; p++, x += ap, y += bp) {
              acc += av[x]! * bv[y]!;
            }
            c = p0 === 0 ? acc : c + acc;
          }
        }
        r[(t * m + i) * n + j] = c;
      }
    }
  }
  return r;
}
