// SPDX-License-Identifier: Apache-2.0
/**
 * The "wasm" backend's matrix product against the reference ("js") one:
 * property tests on random shapes (odd sizes 1, 3, 17, 255 among them),
 * transposes and broadcast batches, within ‖wasm − js‖ / ‖js‖ ≤ 1e-5 in
 * float32 and 1e-12 in float64; then a small model's training step (conv +
 * dense) with the same loss and gradients on both backends.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import fc from "fast-check";
import * as tg from "tensorgrad";
import type { View } from "../../src/backend/backend.js";
import { jsBackend } from "../../src/backend/js/index.js";
import { kernels } from "../../src/backend/wasm/kernels.js";
import { wasmMatMul, wasmMatMulCalls } from "../../src/backend/wasm/matmul.js";

after(() => tg.setBackend("js"));

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number, dtype: "float32" | "float64") {
  let s = seed >>> 0;
  const out = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function relativeError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assert.equal(x.length, y.length);
  let d = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    d += (x[i]! - y[i]!) ** 2;
    s += y[i]! ** 2;
  }
  return s === 0 ? Math.sqrt(d) : Math.sqrt(d / s);
}

const size = fc.oneof(
  fc.constantFrom(1, 3, 4, 8, 17, 255),
  fc.integer({ min: 1, max: 70 }),
);

/** Batch shapes of A and B (before broadcasting) and of the output. */
const batches = fc.constantFrom<[number[], number[], number[]]>(
  [[], [], []],
  [[2], [2], [2]],
  [[3], [], [3]],
  [[], [2], [2]],
  [
    [2, 1],
    [1, 3],
    [2, 3],
  ],
  [[1], [2], [2]],
);

const TOLERANCE = { float32: 1e-5, float64: 1e-12 } as const;

function check(
  dtype: "float32" | "float64",
  m: number,
  n: number,
  k: number,
  tA: boolean,
  tB: boolean,
  [ba, bb, bo]: [number[], number[], number[]],
  seed: number,
): void {
  const aShape = [...ba, ...(tA ? [k, m] : [m, k])];
  const bShape = [...bb, ...(tB ? [n, k] : [k, n])];
  const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
  const a: View = { data: values(size(aShape), seed, dtype), shape: aShape };
  const b: View = {
    data: values(size(bShape), seed + 1, dtype),
    shape: bShape,
  };
  const outShape = [...bo, m, n];
  const expected = jsBackend.matMul(a, b, tA, tB, outShape, dtype);
  const actual = wasmMatMul(a, b, tA, tB, outShape);
  assert.ok(
    actual instanceof (dtype === "float32" ? Float32Array : Float64Array),
  );
  const err = relativeError(actual, expected);
  assert.ok(
    err <= TOLERANCE[dtype],
    `${dtype} ${show(aShape)}·${show(bShape)} tA=${tA} tB=${tB}: ` +
      `relative error ${err}`,
  );
}

function show(s: number[]): string {
  return `[${s.join(",")}]`;
}

describe("wasm matMul kernel", () => {
  for (const dtype of ["float32", "float64"] as const) {
    test(`${dtype}: random shapes, transposes and batches match js`, () => {
      fc.assert(
        fc.property(
          size,
          size,
          size,
          fc.boolean(),
          fc.boolean(),
          batches,
          fc.nat(),
          (m, n, k, tA, tB, bt, seed) => {
            // Keep each case small enough for the reference kernel.
            fc.pre(m * n * k * Math.max(1, ...bt[2]) <= 3e6);
            check(dtype, m, n, k, tA, tB, bt, seed);
          },
        ),
        { numRuns: 60, seed: dtype === "float32" ? 5 : 6 },
      );
    });

    test(`${dtype}: sizes across the cache blocks (k > 256, m > 128)`, () => {
      check(dtype, 255, 255, 255, false, false, [[], [], []], 1);
      check(dtype, 131, 9, 513, true, false, [[], [], []], 2);
      check(dtype, 5, 67, 300, false, true, [[2], [], [2]], 3);
      check(dtype, 129, 33, 257, true, true, [[], [2], [2]], 4);
    });
  }

  test("an empty inner dimension gives zeros, without stale memory", () => {
    check("float32", 40, 40, 40, false, false, [[], [], []], 9);
    const out = wasmMatMul(
      { data: new Float32Array(0), shape: [8, 0] },
      { data: new Float32Array(0), shape: [0, 8] },
      false,
      false,
      [8, 8],
    );
    assert.deepEqual([...out], new Array<number>(64).fill(0));
  });
});

describe('setBackend("wasm")', () => {
  test("tg.matMul runs the wasm kernel for large products only", () => {
    tg.setBackend("wasm");
    assert.equal(tg.getBackend(), "wasm");
    tg.backendFallbacks({ reset: true });
    const before = wasmMatMulCalls();
    const a = tg.tensor(Array.from(values(64 * 48, 1, "float32")), [64, 48]);
    const b = tg.tensor(Array.from(values(48 * 32, 2, "float32")), [48, 32]);
    const y = tg.matMul(a, b);
    assert.equal(wasmMatMulCalls(), before + 1);
    tg.matMul([[1, 2]], [[3], [4]]);
    const counts = tg.backendFallbacks();
    assert.equal(counts["matMul (small)"], 1);
    tg.setBackend("js");
    const expected = tg.matMul(a, b);
    assert.ok(relativeError(y.data, expected.data) <= 1e-6);
  });

  test("values do not depend on the path: small products match wasm bits", () => {
    tg.setBackend("wasm");
    for (const dtype of ["float32", "float64"] as const) {
      const k = 300; // more than one depth block of 256
      const x = tg.tensor(
        Array.from(values(64 * k, 11, dtype)),
        [64, k],
        dtype,
      );
      const w = tg.tensor(Array.from(values(k * 8, 12, dtype)), [k, 8], dtype);
      const before = wasmMatMulCalls();
      const wide = tg.matMul(x, w); // the wasm kernel
      assert.equal(wasmMatMulCalls(), before + 1);
      // One output column (n = 1) and one row with 2 columns (under the
      // size threshold) run in TypeScript.
      const column = tg.matMul(x, tg.slice(w, [0, 0], [k, 1]));
      const row = tg.matMul(
        tg.slice(x, [5, 0], [1, 2]),
        tg.slice(w, [0, 0], [2, 2]),
      );
      const rowWide = tg.matMul(
        tg.slice(x, [0, 0], [64, 2]),
        tg.slice(w, [0, 0], [2, 8]),
      );
      if (!kernels().relaxed) assert.equal(wasmMatMulCalls(), before + 2);
      const wv = wide.data;
      for (let i = 0; i < 64; i++) assert.equal(column.data[i], wv[i * 8]);
      assert.equal(row.data[0], rowWide.data[5 * 8]);
      assert.equal(row.data[1], rowWide.data[5 * 8 + 1]);
    }
    tg.setBackend("js");
  });

  test("int32 products run the reference kernel and count as fallbacks", () => {
    tg.setBackend("wasm");
    tg.backendFallbacks({ reset: true });
    const x = tg.ones([40, 40], "int32");
    const y = tg.matMul(x, x);
    assert.equal(y.dtype, "int32");
    assert.equal(y.data[0], 40);
    assert.deepEqual(tg.backendFallbacks({ reset: true }), {
      "matMul (int32)": 1,
    });
    tg.setBackend("js");
  });

  test("a conv + dense training step matches js: loss and gradients", () => {
    tg.setSeed(3);
    const model = new tg.Sequential([
      tg.layers.conv2d({
        filters: 8,
        kernelSize: 3,
        activation: "relu",
        inputShape: [12, 12, 3],
      }),
      tg.layers.flatten(),
      tg.layers.dense({ units: 32, activation: "relu" }),
      tg.layers.dense({ units: 10, activation: "softmax" }),
    ]);
    const x = tg.tensor(
      Array.from(values(8 * 12 * 12 * 3, 7, "float32")),
      [8, 12, 12, 3],
    );
    const labels = [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
      Array.from({ length: 10 }, (_, j) => (j === i ? 1 : 0)),
    );
    const y = tg.tensor(labels);
    const step = () => {
      using tape = new tg.GradientTape();
      const loss = tg.losses.categoricalCrossentropy(y, model.apply(x));
      const grads = tape.gradient(loss.mean(), model.trainableVariables);
      return { loss: loss.mean().item(), grads: grads.map((g) => g!.data) };
    };
    tg.setBackend("js");
    const ref = step();
    tg.setBackend("wasm");
    const before = wasmMatMulCalls();
    const got = step();
    // Forward and backward products of the conv and the first dense layer.
    assert.ok(wasmMatMulCalls() - before >= 4);
    tg.setBackend("js");
    assert.ok(Math.abs(got.loss - ref.loss) <= 1e-5 * Math.abs(ref.loss));
    assert.equal(got.grads.length, ref.grads.length);
    for (let i = 0; i < ref.grads.length; i++) {
      const err = relativeError(got.grads[i]!, ref.grads[i]!);
      assert.ok(err <= 1e-4, `gradient ${i}: relative error ${err}`);
    }
  });
});
