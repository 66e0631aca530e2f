// SPDX-License-Identifier: Apache-2.0
/**
 * Pooling ops (src/ops/pooling.ts): values by hand, "same" padding
 * (average over real elements only), gradients (float64 checkGradients and
 * the first-max rule on ties), TensorFlow.js forward values, and errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

/** Distinct values of `shape` (no ties within any window). */
function values(shape: number[], dtype: tg.DType = "float32"): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + 0.2));
  return tg.tensor(flat, shape, dtype);
}

type Op = (
  x: tg.TensorLike,
  poolSize: tg.PoolSize,
  strides?: tg.PoolSize,
  padding?: tg.PoolPadding,
) => tg.Tensor;

interface Case {
  op: Op;
  name: string;
  d: number;
  shape: number[];
  pool: number[];
  strides: number[];
  padding: tg.PoolPadding;
}

const CASES: Case[] = [];
for (const [d, shape, pool, strides] of [
  [1, [2, 7, 3], [3], [2]],
  [1, [1, 5, 2], [2], [2]],
  [2, [2, 5, 6, 2], [2, 3], [2, 2]],
  [2, [1, 4, 4, 1], [2, 2], [1, 1]],
  [3, [1, 4, 5, 3, 2], [2, 2, 2], [2, 1, 2]],
] as [number, number[], number[], number[]][]) {
  for (const padding of ["valid", "same"] as const) {
    for (const kind of ["max", "avg"]) {
      const op = (tg as unknown as Record<string, Op>)[`${kind}Pool${d}d`]!;
      CASES.push({
        op,
        name:
          `${kind}Pool${d}d ${shape.join("x")} pool ${pool.join("x")} ` +
          `strides ${strides.join("x")} ${padding}`,
        d,
        shape,
        pool,
        strides,
        padding,
      });
    }
  }
}

describe("pooling values by hand", () => {
  test("maxPool1d and avgPool1d, valid", () => {
    const x = tg.tensor([[[1], [4], [2], [8], [5]]]);
    assert.deepEqual(tg.maxPool1d(x, 2).toArray(), [[[4], [8]]]);
    assert.deepEqual(tg.avgPool1d(x, 2).toArray(), [[[2.5], [5]]]);
    assert.deepEqual(tg.maxPool1d(x, 3, 1).toArray(), [[[4], [8], [8]]]);
    allclose(tg.avgPool1d(x, 3, 1), [[[7 / 3], [14 / 3], [5]]]);
  });

  test('"same" averages over the real elements only', () => {
    // n=5, k=2, s=2: out 3, total padding 1, all of it after.
    const x = tg.tensor([[[1], [4], [2], [8], [5]]]);
    assert.deepEqual(tg.avgPool1d(x, 2, 2, "same").toArray(), [
      [[2.5], [5], [5]],
    ]);
    // n=3, k=3, s=1: one slot of padding before and after.
    const y = tg.tensor([[[3], [6], [9]]]);
    assert.deepEqual(tg.avgPool1d(y, 3, 1, "same").toArray(), [
      [[4.5], [6], [7.5]],
    ]);
    // Max ignores the padding even when every value is negative.
    const z = tg.tensor([[[-3], [-6], [-9]]]);
    assert.deepEqual(tg.maxPool1d(z, 3, 1, "same").toArray(), [
      [[-3], [-3], [-6]],
    ]);
  });

  test("maxPool2d and avgPool2d keep channels apart", () => {
    const x = tg.reshape(tg.range(0, 16), [1, 2, 4, 2]);
    // channel 0: [[0, 2, 4, 6], [8, 10, 12, 14]]; channel 1: +1.
    assert.deepEqual(tg.maxPool2d(x, 2).toArray(), [
      [
        [
          [10, 11],
          [14, 15],
        ],
      ],
    ]);
    assert.deepEqual(tg.avgPool2d(x, [2, 2]).toArray(), [
      [
        [
          [5, 6],
          [9, 10],
        ],
      ],
    ]);
  });

  test("float64 stays float64; shapes with default strides", () => {
    const x = values([2, 4, 6, 6, 3], "float64");
    const y = tg.maxPool3d(x, [2, 3, 2]);
    assert.equal(y.dtype, "float64");
    assert.deepEqual(y.shape, [2, 2, 2, 3, 3]);
    assert.deepEqual(tg.avgPool3d(x, 3, 2, "same").shape, [2, 2, 3, 3, 3]);
  });
});

describe("pooling gradients", () => {
  for (const c of CASES) {
    test(`float64 checkGradients: ${c.name}`, () => {
      const x = values(c.shape, "float64");
      const r = tg.testing.checkGradients(
        (t: tg.Tensor) => c.op(t, c.pool, c.strides, c.padding),
        [x],
      );
      assert.ok(r.maxError < 1e-6, String(r.maxError));
    });
  }

  test("max pooling sends the gradient to the first of tied maxima", () => {
    const x = tg.tensor([[[5], [5], [1], [2]]]);
    const tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.maxPool1d(x, 2).sum();
    const [g] = tape.gradient(y, [x]) as tg.Tensor[];
    assert.deepEqual(g!.toArray(), [[[1], [0], [0], [1]]]);
  });

  test("average pooling with overlap and padding: counts per element", () => {
    const x = tg.tensor([[[1], [2], [3]]]);
    const tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.avgPool1d(x, 3, 1, "same").sum();
    const [g] = tape.gradient(y, [x]) as tg.Tensor[];
    // windows: {0,1}/2, {0,1,2}/3, {1,2}/2
    allclose(g!, [[[1 / 2 + 1 / 3], [1 / 2 + 1 / 3 + 1 / 2], [1 / 3 + 1 / 2]]]);
  });
});

describe("pooling against TensorFlow.js", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const tf = await loadTf();
      const x = values(c.shape);
      const ours = c.op(x, c.pool, c.strides, c.padding);
      const tx = tf.tensor(x.toArray() as number[], c.shape);
      const kind = c.name.startsWith("max") ? "max" : "avg";
      let ref: import("@tensorflow/tfjs").Tensor;
      if (c.d === 3) {
        const t5 = tx as import("@tensorflow/tfjs").Tensor5D;
        const p = c.pool as [number, number, number];
        const s = c.strides as [number, number, number];
        ref =
          kind === "max"
            ? tf.maxPool3d(t5, p, s, c.padding)
            : tf.avgPool3d(t5, p, s, c.padding);
      } else {
        const t4 = (
          c.d === 1 ? tx.expandDims(1) : tx
        ) as import("@tensorflow/tfjs").Tensor4D;
        const p = (c.d === 1 ? [1, c.pool[0]] : c.pool) as [number, number];
        const s = (c.d === 1 ? [1, c.strides[0]] : c.strides) as [
          number,
          number,
        ];
        const r =
          kind === "max"
            ? tf.maxPool(t4, p, s, c.padding)
            : tf.avgPool(t4, p, s, c.padding);
        ref = c.d === 1 ? r.squeeze([1]) : r;
      }
      assert.deepEqual(ours.shape, ref.shape);
      allclose(ours, ref.arraySync(), { rtol: 1e-5, atol: 1e-6 });
    });
  }
});

describe("pooling errors", () => {
  test('a pool larger than a "valid" input is a ShapeError', () => {
    assert.throws(
      () => tg.maxPool2d(tg.zeros([1, 2, 5, 1]), 3),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        /^maxPool2d: expected each spatial dimension >= the pool size/.test(
          e.message,
        ),
    );
    // "same" accepts it.
    assert.deepEqual(
      tg.avgPool1d(tg.ones([1, 2, 1]), 3, 1, "same").shape,
      [1, 2, 1],
    );
  });

  test("wrong rank, bad options and int inputs are typed errors", () => {
    assert.throws(
      () => tg.avgPool2d(tg.zeros([4, 4, 1]), 2),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message ===
          "avgPool2d: expected an input of rank 4 (batch, 2 " +
            "spatial, channels), got shape [4,4,1]",
    );
    assert.throws(
      () => tg.maxPool1d(tg.zeros([1, 4, 1]), 0),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message.startsWith("maxPool1d: expected poolSize to be an integer"),
    );
    assert.throws(
      () => tg.maxPool2d(tg.zeros([1, 4, 4, 1]), [2, 2], [1, 1, 1]),
      tg.ValueError,
    );
    assert.throws(
      () => tg.maxPool1d(tg.zeros([1, 4, 1]), 2, 2, "full" as tg.PoolPadding),
      /maxPool1d: expected padding "valid" or "same", got padding="full"/,
    );
    assert.throws(
      () => tg.avgPool1d(tg.zeros([1, 4, 1], "int32"), 2),
      tg.DTypeError,
    );
  });
});
