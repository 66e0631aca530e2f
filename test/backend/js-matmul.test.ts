// SPDX-License-Identifier: Apache-2.0
/**
 * The reference backend's matrix product, both paths (the plain loop for
 * small products, the 4×4 blocks over float64 panels for large ones):
 * every element must equal the float64 sum over p in increasing order,
 * rounded once to the dtype, for every transpose, edge sizes that are
 * not multiples of 4, and broadcast batches.
 *
 * These are the "js" kernel's exact bits, so the file pins the "js"
 * backend even when the suite runs on another (TENSORGRAD_BACKEND=wasm):
 * the wasm kernel sums float32 in float32 and in another order, and is
 * held to the reference within a relative norm in wasm-matmul.test.ts.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as tg from "tensorgrad";

let previous = "js";
before(() => {
  previous = tg.getBackend();
  tg.setBackend("js");
});
after(() => tg.setBackend(previous));

/** Deterministic values in [-1, 1) (integers in [-4, 4) for int32). */
function values(n: number, seed: number, dtype: tg.DType): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    out.push(dtype === "int32" ? Math.floor(u * 8) - 4 : u * 2 - 1);
  }
  return out;
}

function make(shape: number[], seed: number, dtype: tg.DType): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tg.tensor(values(n, seed, dtype), shape, dtype);
}

/** C = op(A) op(B) by the definition, float64 sums, batch dims broadcast. */
function reference(
  a: tg.Tensor,
  b: tg.Tensor,
  tA: boolean,
  tB: boolean,
  dtype: tg.DType,
): number[] {
  const ar = a.rank;
  const br = b.rank;
  const m = tA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
  const k = tA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  const n = tB ? b.shape[br - 2]! : b.shape[br - 1]!;
  const aBatch = a.size / (m * k);
  const bBatch = b.size / (k * n);
  const batches = Math.max(aBatch, bBatch);
  const av = a.data;
  const bv = b.data;
  const out: number[] = [];
  for (let t = 0; t < batches; t++) {
    const ao = (aBatch === 1 ? 0 : t) * m * k;
    const bo = (bBatch === 1 ? 0 : t) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const x = av[ao + (tA ? p * m + i : i * k + p)]!;
          const y = bv[bo + (tB ? j * k + p : p * n + j)]!;
          s += x * y;
        }
        out.push(dtype === "float32" ? Math.fround(s) : s);
      }
    }
  }
  return out;
}

const SIZES: [number, number, number][] = [
  [5, 7, 6], // small: the plain loop
  [3, 200, 50], // fewer than 4 rows: the plain loop
  [33, 40, 17], // blocks, edge rows and columns
  [64, 30, 12], // blocks, exact multiples of 4
  [4, 1100, 5], // blocks, long k
];

describe("js backend matMul", () => {
  for (const dtype of ["float32", "float64", "int32"] as const) {
    for (const [m, k, n] of SIZES) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          test(`${dtype} ${m}x${k}x${n} transposeA=${tA} transposeB=${tB}`, () => {
            const a = make(tA ? [k, m] : [m, k], m * 31 + k, dtype);
            const b = make(tB ? [n, k] : [k, n], n * 17 + k, dtype);
            const c = tg.matMul(a, b, tA, tB);
            assert.deepEqual(c.shape, [m, n]);
            assert.equal(c.dtype, dtype);
            assert.deepEqual(
              Array.from(c.data),
              reference(a, b, tA, tB, dtype),
            );
          });
        }
      }
    }
  }

  test("broadcast batches, both ways, on the blocked path", () => {
    const a = make([3, 21, 40], 1, "float32");
    const b = make([40, 22], 2, "float32");
    const c = tg.matMul(a, b);
    assert.deepEqual(c.shape, [3, 21, 22]);
    assert.deepEqual(
      Array.from(c.data),
      reference(a, b, false, false, "float32"),
    );
    const a2 = make([40, 21], 3, "float64");
    const b2 = make([2, 22, 40], 4, "float64");
    const c2 = tg.matMul(a2, b2, true, true);
    assert.deepEqual(c2.shape, [2, 21, 22]);
    assert.deepEqual(
      Array.from(c2.data),
      reference(a2, b2, true, true, "float64"),
    );
  });

  test("NaN and Infinity reach only their own rows and columns", () => {
    const a = make([20, 30], 5, "float32");
    const b = make([30, 24], 6, "float32");
    const av = Array.from(a.data);
    av[2 * 30 + 4] = NaN;
    av[17 * 30 + 0] = Infinity;
    const a1 = tg.tensor(av, [20, 30]);
    const c = tg.matMul(a1, b);
    const cv = Array.from(c.data);
    assert.deepEqual(cv, reference(a1, b, false, false, "float32"));
    assert.ok(cv.slice(2 * 24, 3 * 24).every(Number.isNaN));
    assert.ok(cv.slice(0, 2 * 24).every(Number.isFinite));
    assert.ok(cv.slice(18 * 24).every(Number.isFinite));
  });
});
