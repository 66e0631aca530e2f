// SPDX-License-Identifier: Apache-2.0
/**
 * Losses (src/nn/losses/): MeanSquaredError and MeanAbsoluteError by
 * hand, Keras 3's rank rules and reductions, sample weights, the function
 * forms and aliases, TensorFlow.js as an oracle, and float64 gradient
 * checks.
 *
 * TensorFlow.js reduces over every element, Keras over per-sample means.
 * They agree where the divisor is the same: unweighted, Keras's
 * sum_over_batch_size (sum of per-sample means / batch) equals tf's MEAN
 * and SUM_BY_NONZERO_WEIGHTS (sum of all elements / their count); with
 * per-sample weights that are all non-zero, it equals tf's
 * SUM_BY_NONZERO_WEIGHTS with the weights as [batch, 1] (tf's MEAN would
 * divide by the sum of the weights instead); Keras's "sum" is tf's SUM
 * divided by the number of features; "none" is tf's NONE averaged over
 * the last axis.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

// Three samples, two features.
const Y_TRUE = [
  [0, 1],
  [2, 3],
  [1, 1],
];
const Y_PRED = [
  [1, 1],
  [0, 5],
  [1, -1],
];
// Per sample: squared errors [1, 0], [4, 4], [0, 4]; absolute [1, 0],
// [2, 2], [0, 2].
const MSE_PER_SAMPLE = [0.5, 4, 2];
const MAE_PER_SAMPLE = [0.5, 2, 1];

describe("values by hand", () => {
  test("[batch, features]: the function forms give one value per sample", () => {
    const mse = tg.losses.meanSquaredError(Y_TRUE, Y_PRED);
    const mae = tg.losses.meanAbsoluteError(Y_TRUE, Y_PRED);
    assert.deepEqual(mse.shape, [3]);
    assert.deepEqual(mae.shape, [3]);
    allclose(mse, MSE_PER_SAMPLE, { dtype: "float32" });
    allclose(mae, MAE_PER_SAMPLE, { dtype: "float32" });
  });

  test("[batch, features]: the classes reduce to the batch mean", () => {
    const mse = new tg.losses.MeanSquaredError().call(Y_TRUE, Y_PRED);
    const mae = new tg.losses.MeanAbsoluteError().call(Y_TRUE, Y_PRED);
    assert.deepEqual(mse.shape, []);
    allclose(mse, 6.5 / 3);
    allclose(mae, 3.5 / 3);
  });

  test("1-D inputs: the mean over the only axis", () => {
    allclose(tg.losses.meanSquaredError([1, 2, 3], [2, 2, 5]), 5 / 3);
    allclose(tg.losses.meanAbsoluteError([1, 2, 3], [2, 2, 5]), 1);
    const sum = new tg.losses.MeanSquaredError({ reduction: "sum" });
    allclose(sum.call([1, 2, 3], [2, 2, 5]), 5 / 3);
  });

  test("the seed's case: yTrue a number, yPred [1, 1]", () => {
    const yPred = tg.tensor([[2.5]]);
    const mse = new tg.losses.MeanSquaredError().call(0, yPred);
    const mae = new tg.losses.MeanAbsoluteError().call(0, yPred);
    assert.deepEqual(mse.shape, []);
    allclose(mse, 6.25);
    allclose(mae, 2.5);
    allclose(tg.losses.meanSquaredError(1, yPred), [2.25]);

    const y64 = tg.tensor([[0.1]], undefined, "float64");
    const loss64 = new tg.losses.MeanSquaredError().call(0.3, y64);
    allclose(loss64, (0.3 - 0.1) ** 2, { dtype: "float64" });
  });

  test("labels [batch] against predictions [batch, 1]: one loss per sample", () => {
    // Keras expands the rank-1 side (squeeze_or_expand_to_same_rank).
    const labels = [0, 0, 1];
    const preds = [[1], [2], [3]];
    const perSample = tg.losses.meanSquaredError(labels, preds);
    assert.deepEqual(perSample.shape, [3]);
    allclose(perSample, [1, 4, 4]);
    allclose(tg.losses.meanSquaredError(preds, labels), [1, 4, 4]);
    const sum = new tg.losses.MeanSquaredError({ reduction: "sum" });
    allclose(sum.call(labels, preds), 9);
    allclose(tg.losses.meanAbsoluteError(labels, preds), [1, 2, 2]);
  });

  test("a trailing 1 is squeezed when the other side has rank >= 2", () => {
    const yTrue = [
      [[1], [2]],
      [[3], [4]],
    ]; // [2, 2, 1]
    const yPred = [
      [2, 2],
      [3, 6],
    ];
    const v = tg.losses.meanSquaredError(yTrue, yPred);
    assert.deepEqual(v.shape, [2]);
    allclose(v, [0.5, 2]);
  });

  test("yTrue takes yPred's dtype; integer yPred computes in float32", () => {
    const yTrue = tg.tensor([[1], [2]], undefined, "int32");
    const yPred = tg.tensor([[1.5], [2]], undefined, "float64");
    allclose(tg.losses.meanSquaredError(yTrue, yPred), [0.25, 0], {
      dtype: "float64",
    });
    const intPred = tg.tensor([[3], [2]], undefined, "int32");
    allclose(tg.losses.meanAbsoluteError(yTrue, intPred), [2, 0], {
      dtype: "float32",
    });
  });

  test("mse and mae are the function forms", () => {
    assert.strictEqual(tg.losses.mse, tg.losses.meanSquaredError);
    assert.strictEqual(tg.losses.mae, tg.losses.meanAbsoluteError);
    allclose(tg.losses.mse(Y_TRUE, Y_PRED), MSE_PER_SAMPLE);
    allclose(tg.losses.mae(Y_TRUE, Y_PRED), MAE_PER_SAMPLE);
  });

  test("names and configs", () => {
    const mse = new tg.losses.MeanSquaredError();
    assert.equal(mse.name, "mean_squared_error");
    assert.equal(mse.reduction, "sum_over_batch_size");
    const mae = new tg.losses.MeanAbsoluteError({
      name: "l1",
      reduction: "sum",
    });
    assert.deepEqual(mae.getConfig(), { name: "l1", reduction: "sum" });
    assert.deepEqual(mae.fn(Y_TRUE, Y_PRED).toArray(), MAE_PER_SAMPLE);
  });
});

describe("reductions and sample weights", () => {
  const cases = [
    ["sum_over_batch_size", 6.5 / 3],
    ["mean", 6.5 / 3],
    ["sum", 6.5],
  ] as const;
  for (const [reduction, expected] of cases) {
    test(`reduction ${reduction}`, () => {
      const loss = new tg.losses.MeanSquaredError({ reduction });
      const v = loss.call(Y_TRUE, Y_PRED);
      assert.deepEqual(v.shape, []);
      allclose(v, expected);
    });
  }

  test("reduction none keeps one value per sample", () => {
    const mse = new tg.losses.MeanSquaredError({ reduction: "none" });
    const mae = new tg.losses.MeanAbsoluteError({ reduction: "none" });
    allclose(mse.call(Y_TRUE, Y_PRED), MSE_PER_SAMPLE);
    allclose(mae.call(Y_TRUE, Y_PRED), MAE_PER_SAMPLE);
  });

  test("a weight per sample; the batch size stays the divisor", () => {
    const weights = [1, 0, 2];
    // Weighted: [0.5, 0, 4].
    const over = new tg.losses.MeanSquaredError();
    allclose(over.call(Y_TRUE, Y_PRED, weights), 4.5 / 3);
    const sum = new tg.losses.MeanSquaredError({ reduction: "sum" });
    allclose(sum.call(Y_TRUE, Y_PRED, weights), 4.5);
    const none = new tg.losses.MeanSquaredError({ reduction: "none" });
    allclose(none.call(Y_TRUE, Y_PRED, weights), [0.5, 0, 4]);
    const mae = new tg.losses.MeanAbsoluteError();
    allclose(mae.call(Y_TRUE, Y_PRED, weights), 2.5 / 3);
  });

  test("weights as [batch, 1] or a scalar", () => {
    const loss = new tg.losses.MeanSquaredError({ reduction: "none" });
    // Keras's squeeze_or_expand_to_same_rank expands the rank-1 values
    // against [batch, 1] weights, so "none" gives [batch, 1].
    allclose(loss.call(Y_TRUE, Y_PRED, [[1], [0], [2]]), [[0.5], [0], [4]]);
    allclose(loss.call(Y_TRUE, Y_PRED, 2), [1, 8, 4]);
    const over = new tg.losses.MeanSquaredError();
    allclose(over.call(Y_TRUE, Y_PRED, tg.tensor([[1], [0], [2]])), 1.5);
  });

  test("an unknown reduction is a ValueError", () => {
    assert.throws(
      () => new tg.losses.MeanSquaredError({ reduction: "avg" as never }),
      {
        name: "ValueError",
        message:
          'MeanSquaredError: expected reduction to be one of ["sum_over_batch_size","sum","mean","mean_with_sample_weight","none"], got reduction="avg"',
      },
    );
    assert.throws(
      () => new tg.losses.MeanAbsoluteError({ reduction: "SUM" as never }),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.startsWith("MeanAbsoluteError: ") &&
        e.message.endsWith('got reduction="SUM"'),
    );
  });
});

describe("TensorFlow.js as an oracle", () => {
  let tf: typeof TF;
  before(async () => {
    tf = await loadTf();
  });

  // Four samples, three features, with no tie that would make MAE's
  // value depend on a convention.
  const yt = [
    [0.3, -1.2, 2.5],
    [1.1, 0.4, -0.7],
    [-2.2, 0.9, 0.05],
    [0.6, 1.7, -1.4],
  ];
  const yp = [
    [0.1, -0.8, 2.9],
    [1.6, -0.3, -0.2],
    [-1.9, 1.4, 0.75],
    [0.2, 2.1, -2.0],
  ];
  const weights = [0.5, 2, 1.5, 3];

  const pairs = [
    {
      name: "MeanSquaredError",
      make: (reduction?: tg.losses.Reduction) =>
        new tg.losses.MeanSquaredError({ reduction }),
      tfLoss: (
        a: TF.Tensor,
        b: TF.Tensor,
        w: TF.Tensor | undefined,
        r: TF.Reduction,
      ) => tf.losses.meanSquaredError(a, b, w, r),
    },
    {
      name: "MeanAbsoluteError",
      make: (reduction?: tg.losses.Reduction) =>
        new tg.losses.MeanAbsoluteError({ reduction }),
      tfLoss: (
        a: TF.Tensor,
        b: TF.Tensor,
        w: TF.Tensor | undefined,
        r: TF.Reduction,
      ) => tf.losses.absoluteDifference(a, b, w, r),
    },
  ];

  for (const { name, make, tfLoss } of pairs) {
    test(`${name}: sum_over_batch_size = tf MEAN = tf SUM_BY_NONZERO_WEIGHTS`, () => {
      const ours = make().call(yt, yp);
      const t = tf.tensor(yt);
      const p = tf.tensor(yp);
      const mean = tfLoss(t, p, undefined, tf.Reduction.MEAN).dataSync();
      const nonzero = tfLoss(
        t,
        p,
        undefined,
        tf.Reduction.SUM_BY_NONZERO_WEIGHTS,
      ).dataSync();
      allclose(ours, mean[0]!, { rtol: 1e-6, atol: 1e-6 });
      allclose(ours, nonzero[0]!, { rtol: 1e-6, atol: 1e-6 });
    });

    test(`${name}: per-sample weights = tf SUM_BY_NONZERO_WEIGHTS`, () => {
      const ours = make().call(yt, yp, weights);
      const w = tf.tensor(weights, [4, 1]);
      const theirs = tfLoss(
        tf.tensor(yt),
        tf.tensor(yp),
        w,
        tf.Reduction.SUM_BY_NONZERO_WEIGHTS,
      ).dataSync();
      allclose(ours, theirs[0]!, { rtol: 1e-6, atol: 1e-6 });
    });

    test(`${name}: sum = tf SUM / features; none = mean of tf NONE`, () => {
      const w = tf.tensor(weights, [4, 1]);
      const t = tf.tensor(yt);
      const p = tf.tensor(yp);
      const sum = tfLoss(t, p, w, tf.Reduction.SUM).dataSync()[0]!;
      allclose(make("sum").call(yt, yp, weights), sum / 3, {
        rtol: 1e-6,
        atol: 1e-6,
      });
      const none = tfLoss(t, p, undefined, tf.Reduction.NONE)
        .mean(-1)
        .arraySync() as number[];
      allclose(make("none").call(yt, yp), none, { rtol: 1e-6, atol: 1e-6 });
    });
  }
});

describe("gradients (float64, with respect to yPred)", () => {
  const yTrue = [
    [0.3, -1.2, 2.5],
    [1.1, 0.4, -0.7],
  ];
  const yPred = [
    [0.1, -0.8, 2.9],
    [1.6, -0.3, -0.2],
  ];

  for (const make of [
    () => new tg.losses.MeanSquaredError(),
    () => new tg.losses.MeanAbsoluteError(),
    () => new tg.losses.MeanSquaredError({ reduction: "sum" }),
    () => new tg.losses.MeanAbsoluteError({ reduction: "none" }),
  ]) {
    const loss = make();
    test(`${loss.constructor.name} (${loss.reduction})`, () => {
      const yt = tg.tensor(yTrue, undefined, "float64");
      const report = tg.testing.checkGradients(
        (p: tg.Tensor) => loss.call(yt, p, [0.5, 2]),
        [yPred],
      );
      assert.ok(report.maxError < 1e-8, `maxError ${report.maxError}`);
    });
  }

  test("the function forms, and the analytic MSE gradient", () => {
    const yt = tg.tensor(yTrue, undefined, "float64");
    tg.testing.checkGradients(
      (p: tg.Tensor) => tg.losses.meanSquaredError(yt, p),
      [yPred],
    );
    tg.testing.checkGradients(
      (p: tg.Tensor) => tg.losses.meanAbsoluteError(yt, p),
      [yPred],
    );
    // d/dp of mean over all 6 values of (t − p)² is 2(p − t)/6.
    const p = tg.tensor(yPred, undefined, "float64");
    const g = tg.grad((q: tg.Tensor) =>
      new tg.losses.MeanSquaredError().call(yt, q),
    )(p);
    const expected = yPred.map((r, i) =>
      r.map((v, j) => (2 * (v - yTrue[i]![j]!)) / 6),
    );
    allclose(g, expected, { dtype: "float64" });
  });
});

describe("Keras 3's reductions, in full", () => {
  test("mean_with_sample_weight divides by the sum of the weights", () => {
    const loss = new tg.losses.MeanSquaredError({
      reduction: "mean_with_sample_weight",
    });
    // Weighted [0.5, 0, 4] over weights summing to 3.
    allclose(loss.call(Y_TRUE, Y_PRED, [1, 0, 2]), 4.5 / 3);
    allclose(loss.call(Y_TRUE, Y_PRED, [0.5, 0.5, 1]), (0.25 + 2 + 2) / 2);
    // Without weights it is "mean".
    allclose(loss.call(Y_TRUE, Y_PRED), 6.5 / 3);
    // All weights 0: 0, not NaN (Keras's divide_no_nan).
    allclose(loss.call(Y_TRUE, Y_PRED, [0, 0, 0]), 0);
    const g = tg.grad((p: tg.Tensor) => loss.call(Y_TRUE, p, [0, 0, 0]))(
      tg.tensor(Y_PRED),
    );
    allclose(g, [
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  test('"mean" is "sum_over_batch_size", weights or not (Keras 3)', () => {
    const mean = new tg.losses.MeanAbsoluteError({ reduction: "mean" });
    const over = new tg.losses.MeanAbsoluteError();
    allclose(
      mean.call(Y_TRUE, Y_PRED, [3, 1, 0.5]),
      over.call(Y_TRUE, Y_PRED, [3, 1, 0.5]),
    );
    allclose(mean.call(Y_TRUE, Y_PRED, [3, 1, 0.5]), (1.5 + 2 + 0.5) / 3);
  });

  test("reduction null is none", () => {
    const loss = new tg.losses.MeanSquaredError({ reduction: null });
    assert.equal(loss.reduction, "none");
    allclose(loss.call(Y_TRUE, Y_PRED), MSE_PER_SAMPLE);
  });

  test("an empty batch reduces to 0", () => {
    const empty = tg.zeros([0, 2]);
    for (const reduction of ["sum_over_batch_size", "sum", "mean"] as const) {
      const v = new tg.losses.MeanSquaredError({ reduction }).call(
        empty,
        empty,
      );
      assert.deepEqual(v.shape, []);
      allclose(v, 0);
    }
  });

  test("weights [batch] against per-step values [batch, time]", () => {
    // Sparse crossentropy over [batch 2, time 3, classes 2] gives [2, 3].
    const logits = [
      [
        [0, 0],
        [1, 0],
        [0, 2],
      ],
      [
        [3, 0],
        [0, 0],
        [0, 1],
      ],
    ];
    const labels = [
      [0, 1, 1],
      [0, 1, 0],
    ];
    const loss = new tg.losses.SparseCategoricalCrossentropy({
      fromLogits: true,
      reduction: "none",
    });
    const per = loss.call(labels, logits).toArray() as number[][];
    const weighted = loss.call(labels, logits, [2, 0.5]);
    allclose(weighted, [
      per[0]!.map((v) => 2 * v),
      per[1]!.map((v) => 0.5 * v),
    ]);
  });

  test("weights that fit no rule are a ShapeError naming the loss", () => {
    assert.throws(
      () => new tg.losses.MeanSquaredError().call(Y_TRUE, Y_PRED, [1, 2]),
      {
        name: "ShapeError",
        message:
          "MeanSquaredError: expected sampleWeight of a shape that broadcasts against the losses' shape [3], got shape [2]",
      },
    );
  });

  test("TensorFlow.js MEAN with [batch, 1] weights = mean_with_sample_weight", async () => {
    const tf = await loadTf();
    const yt = [
      [0.3, -1.2, 2.5],
      [1.1, 0.4, -0.7],
    ];
    const yp = [
      [0.1, -0.8, 2.9],
      [1.6, -0.3, -0.2],
    ];
    const theirs = tf.losses
      .meanSquaredError(
        tf.tensor(yt),
        tf.tensor(yp),
        tf.tensor([[0.5], [2]]),
        tf.Reduction.MEAN,
      )
      .dataSync()[0]!;
    const ours = new tg.losses.MeanSquaredError({
      reduction: "mean_with_sample_weight",
    });
    allclose(ours.call(yt, yp, [0.5, 2]), theirs, { rtol: 1e-6, atol: 1e-6 });
  });
});

describe("subclasses of your own", () => {
  test("a Loss subclass may take options of its own and reduce as any loss", () => {
    interface ScaledArgs extends tg.losses.LossArgs {
      scale?: number;
    }
    class Scaled extends tg.losses.Loss {
      readonly scale: number;
      constructor(args: ScaledArgs = {}) {
        super(args, "scaled");
        this.scale = args.scale ?? 1;
      }
      fn(yTrue: tg.TensorLike, yPred: tg.TensorLike): tg.Tensor {
        return tg.losses.meanAbsoluteError(yTrue, yPred).mul(this.scale);
      }
    }
    const loss = new Scaled({ scale: 3, reduction: "sum" });
    assert.equal(loss.name, "scaled");
    allclose(loss.call(Y_TRUE, Y_PRED), 3 * 3.5);
    allclose(loss.call(Y_TRUE, Y_PRED, [1, 0, 0]), 3 * 0.5);
    assert.deepEqual(Scaled.fromConfig({ scale: 2 }).scale, 2);
  });
});
