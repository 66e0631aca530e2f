// SPDX-License-Identifier: Apache-2.0
/**
 * gatherNd and scatterNd (src/ops/scatter.ts): values against TensorFlow.js
 * (gatherND, scatterND) on several index depths, repeated indices, float64
 * gradient checks, and typed errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

const tf = await loadTf();
const { checkGradients } = tg.testing;

function rand(shape: number[], seed: number, dtype: tg.DType = "float64") {
  return tg.randomUniform(shape, -1, 1, dtype, seed);
}

const x = rand([3, 4, 2], 1, "float32");
const xTf = tf.tensor(Float32Array.from(x.data), [3, 4, 2]);

/** Index tuples of depth k into the first k axes of [3, 4, 2]. */
const INDICES: number[][][] = [
  [[2], [0], [2]],
  [
    [1, 3],
    [0, 0],
    [1, 3],
    [2, 1],
  ],
  [
    [2, 3, 1],
    [0, 1, 0],
  ],
];

describe("gatherNd", () => {
  test("matches TensorFlow.js gatherND for index depths 1, 2, 3", () => {
    for (const idx of INDICES) {
      const got = tg.gatherNd(x, idx);
      const want = tf.gatherND(xTf, tf.tensor(idx, undefined, "int32"));
      assert.deepEqual(got.shape, want.shape);
      allclose(got.toArray(), want.arraySync());
    }
  });

  test("batched index tensors keep their leading shape", () => {
    const idx = [
      [
        [0, 1],
        [2, 2],
      ],
      [
        [1, 0],
        [1, 1],
      ],
    ];
    const got = tg.gatherNd(x, idx);
    assert.deepEqual(got.shape, [2, 2, 2]);
    const want = tf.gatherND(xTf, tf.tensor(idx, undefined, "int32"));
    allclose(got.toArray(), want.arraySync());
  });

  test("float64 gradient, repeated tuples add up", () => {
    for (const idx of INDICES) {
      const r = checkGradients(
        (v) => tg.gatherNd(v, idx),
        [rand([3, 4, 2], 2)],
      );
      assert.ok(r.maxError < 1e-8, String(r.maxError));
    }
    const g = tg.grad((v) => tg.sum(tg.gatherNd(v, [[1], [1], [0]])))(
      tg.zeros([2, 2], "float64"),
    );
    assert.deepEqual(g.toArray(), [
      [1, 1],
      [2, 2],
    ]);
  });

  test("typed errors: out of range, bad depth, float indices", () => {
    assert.throws(
      () => tg.gatherNd(x, [[3, 0]]),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message ===
          "gatherNd: expected index tuple 0 to lie inside shape [3,4], got [3,0]",
    );
    assert.throws(
      () => tg.gatherNd(x, [[0, 0, 0, 0]]),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        /^gatherNd: expected indices whose last axis \(the index tuple\) has length 1 to 3, got indices of shape \[1,4\]$/.test(
          e.message,
        ),
    );
    assert.throws(() => tg.gatherNd(x, tg.tensor([[0.5]])), tg.DTypeError);
  });
});

describe("scatterNd", () => {
  test("matches TensorFlow.js scatterND, repeated tuples summed", () => {
    for (const idx of INDICES) {
      const k = idx[0]!.length;
      const shape = [3, 4, 2];
      const uShape = [idx.length, ...shape.slice(k)];
      const u = rand(uShape, 3, "float32");
      const got = tg.scatterNd(idx, u, shape);
      const want = tf.scatterND(
        tf.tensor(idx, undefined, "int32"),
        tf.tensor(Float32Array.from(u.data), uShape),
        shape,
      );
      assert.deepEqual(got.shape, want.shape);
      allclose(got.toArray(), want.arraySync());
    }
  });

  test("int32 updates stay int32", () => {
    const y = tg.scatterNd(
      [[1], [1]],
      tg.tensor([2, 5], undefined, "int32"),
      [3],
    );
    assert.equal(y.dtype, "int32");
    assert.deepEqual(y.toArray(), [0, 7, 0]);
  });

  test("float64 gradient with respect to the updates; inverse of gatherNd", () => {
    for (const idx of INDICES) {
      const k = idx[0]!.length;
      const shape = [3, 4, 2];
      const u = rand([idx.length, ...shape.slice(k)], 4);
      const r = checkGradients((v) => tg.scatterNd(idx, v, shape), [u]);
      assert.ok(r.maxError < 1e-8, String(r.maxError));
    }
    // Distinct tuples: gathering back what was scattered gives the updates.
    const u = rand([2, 2], 5);
    const back = tg.gatherNd(tg.scatterNd([[0], [2]], u, [3, 2]), [[0], [2]]);
    allclose(back, u);
  });

  test("typed errors: updates shape, bad shape, out of range", () => {
    assert.throws(
      () => tg.scatterNd([[0], [1]], [1, 2, 3], [4]),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message ===
          "scatterNd: expected updates of shape [2] (the indices' leading " +
            "shape and shape[1:]), got shape [3]",
    );
    assert.throws(() => tg.scatterNd([[0]], [1], [-1]), tg.ValueError);
    assert.throws(
      () => tg.scatterNd([[4]], [1], [4]),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message ===
          "scatterNd: expected index tuple 0 to lie inside shape [4], got [4]",
    );
    assert.throws(
      () => tg.scatterNd([[0]], tg.tensor([true], undefined, "bool"), [2]),
      tg.DTypeError,
    );
  });
});
