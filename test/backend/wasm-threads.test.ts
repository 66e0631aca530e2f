// SPDX-License-Identifier: Apache-2.0
/**
 * Threads in the "wasm" backend's matrix product: the same bits on 1, 2
 * and 3 threads (property tests on odd shapes, transposes, broadcast
 * batches, float32 and float64, with the size threshold lowered so small
 * products split too), workers that really take part, `setThreads`
 * checking its argument, and a process that used threads exiting by
 * itself.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import * as tg from "tensorgrad";
import type { View } from "../../src/backend/backend.js";
import { kernels } from "../../src/backend/wasm/kernels.js";
import { setThreadMinWork, wasmMatMul } from "../../src/backend/wasm/matmul.js";
import { workerChunks } from "../../src/backend/wasm/threads.js";

const initialThreads = tg.getThreads();
let initialMinWork = 0;
before(() => {
  initialMinWork = setThreadMinWork(0);
});
after(() => {
  setThreadMinWork(initialMinWork);
  tg.setThreads(initialThreads);
});

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

/** The product on `threads` threads. */
function product(
  threads: number,
  dtype: "float32" | "float64",
  m: number,
  n: number,
  k: number,
  tA: boolean,
  tB: boolean,
  [ba, bb, bo]: [number[], number[], number[]],
  seed: number,
): Float32Array | Float64Array {
  const aShape = [...ba, ...(tA ? [k, m] : [m, k])];
  const bShape = [...bb, ...(tB ? [n, k] : [k, n])];
  const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
  const a: View = { data: values(size(aShape), seed, dtype), shape: aShape };
  const b: View = {
    data: values(size(bShape), seed + 1, dtype),
    shape: bShape,
  };
  tg.setThreads(threads);
  return wasmMatMul(a, b, tA, tB, [...bo, m, n]);
}

/** Asserts equal bits (NaN and signed zeros included). */
function assertSameBits(x: ArrayLike<number>, y: ArrayLike<number>): void {
  assert.equal(x.length, y.length);
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) {
      assert.fail(`element ${i}: ${x[i]} on one thread, ${y[i]} threaded`);
    }
  }
}

const size = fc.oneof(
  fc.constantFrom(1, 3, 4, 5, 8, 17, 255),
  fc.integer({ min: 1, max: 70 }),
);

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
);

describe("wasm matMul threads", { skip: !kernels().shared }, () => {
  for (const dtype of ["float32", "float64"] as const) {
    test(`${dtype}: 2 and 3 threads give the bits of 1`, () => {
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
            fc.pre(m * n * k * Math.max(1, ...bt[2]) <= 2e6);
            const one = product(1, dtype, m, n, k, tA, tB, bt, seed);
            for (const t of [2, 3]) {
              assertSameBits(one, product(t, dtype, m, n, k, tA, tB, bt, seed));
            }
          },
        ),
        { numRuns: 100, seed: dtype === "float32" ? 7 : 8 },
      );
    });

    test(`${dtype}: across the cache blocks, at the real threshold`, () => {
      const minWork = setThreadMinWork(initialMinWork);
      try {
        for (const [m, n, k, tA, tB] of [
          [257, 131, 300, false, false],
          [130, 261, 513, true, true],
        ] as const) {
          const none = [[], [], []] as [number[], number[], number[]];
          const one = product(1, dtype, m, n, k, tA, tB, none, m);
          assertSameBits(one, product(2, dtype, m, n, k, tA, tB, none, m));
        }
      } finally {
        setThreadMinWork(minWork);
      }
    });
  }

  test("the workers run chunks (not only the calling thread)", async () => {
    tg.setThreads(2);
    const none = [[], [], []] as [number[], number[], number[]];
    // Workers start lazily: give them up to ~20 s to come up and take part.
    for (let i = 0; i < 100 && workerChunks() === 0; i++) {
      product(2, "float32", 64, 64, 64, false, false, none, i);
      await new Promise((resolve) => setTimeout(resolve, 200));
      product(2, "float32", 64, 64, 64, false, false, none, i);
    }
    assert.ok(workerChunks() > 0);
  });

  test("repeated threaded products keep the same bits", () => {
    const none = [[], [], []] as [number[], number[], number[]];
    for (const dtype of ["float32", "float64"] as const) {
      const one = product(1, dtype, 37, 45, 29, true, false, none, 3);
      for (let i = 0; i < 200; i++) {
        const t = 2 + (i % 3);
        assertSameBits(
          one,
          product(t, dtype, 37, 45, 29, true, false, none, 3),
        );
      }
    }
  });

  test("setThreads checks its argument and keeps the count on error", () => {
    tg.setThreads(2);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => tg.setThreads(bad), tg.ValueError);
    }
    assert.equal(tg.getThreads(), 2);
  });

  test("a process that used threads exits by itself", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const script = [
      'import * as tg from "tensorgrad";',
      'tg.setBackend("wasm");',
      "tg.setThreads(2);",
      'const a = tg.randomUniform([300, 300], -1, 1, "float32", 1);',
      "for (let i = 0; i < 5; i++) tg.matMul(a, a).data;",
      'console.log("done");',
    ].join("\n");
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "done");
  });
});
