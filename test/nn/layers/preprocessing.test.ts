// SPDX-License-Identifier: Apache-2.0
/**
 * Normalization (src/nn/layers/preprocessing.ts): Keras 3's formula by
 * hand, adapt from arrays, tensors and datasets (sync and async), invert,
 * axes, weights, config, gradients, a training step, typed errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

const DATA = [
  [0, 7, 4],
  [2, 9, 6],
  [0, 7, 4],
  [2, 9, 6],
  [5, -1, 4],
];

function stats(rows: number[][]): [number[], number[]] {
  const n = rows.length;
  const mean = rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const variance = mean.map(
    (m, j) => rows.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / n,
  );
  return [mean, variance];
}

function byHand(rows: number[][], mean: number[], variance: number[]) {
  return rows.map((r) =>
    r.map((v, j) => (v - mean[j]!) / Math.max(Math.sqrt(variance[j]!), 1e-7)),
  );
}

describe("Normalization", () => {
  test("adapt on an array: (x - mean) / max(sqrt(var), eps), by hand", () => {
    const layer = new tg.layers.Normalization();
    layer.adapt(DATA);
    const [mean, variance] = stats(DATA);
    allclose(layer.getWeights()[0]!, mean, { rtol: 1e-6 });
    allclose(layer.getWeights()[1]!, variance, { rtol: 1e-6 });
    const x = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    allclose(layer.apply(x), byHand(x, mean, variance), { rtol: 1e-6 });
  });

  test("weights: mean, variance [features] and count, as Keras; none given mean", () => {
    const layer = tg.layers.normalization();
    layer.build([null, 2, 3]);
    assert.equal(layer.weights.length, 3);
    assert.equal(layer.trainableWeights.length, 0);
    assert.deepEqual(
      layer.weights.map((w) => [w.name, w.shape, w.dtype]),
      [
        [`${layer.name}/mean`, [3], "float32"],
        [`${layer.name}/variance`, [3], "float32"],
        [`${layer.name}/count`, [], "int32"],
      ],
    );
    // Before adapt: mean 0, variance 1, the identity.
    const x = [[[1, 2, 3]]];
    assert.deepEqual(layer.apply(x).toArray(), x);
    const fixed = tg.layers.normalization({ mean: 1, variance: 4 });
    assert.deepEqual(fixed.apply([[3, 5]]).toArray(), [[1, 2]]);
    assert.equal(fixed.weights.length, 0);
  });

  test("output shapes are the input's, eager and symbolic", () => {
    for (const shape of [
      [2, 3],
      [2, 4, 3],
      [1, 2, 2, 3],
    ]) {
      const layer = tg.layers.normalization({
        mean: [1, 2, 3],
        variance: [2, 2, 2],
      });
      assert.deepEqual(layer.apply(tg.ones(shape)).shape, shape);
      const sym = tg.input({ shape: shape.slice(1) });
      assert.deepEqual(tg.layers.normalization().apply(sym).shape, [
        null,
        ...shape.slice(1),
      ]);
    }
  });

  test("a dataset of batches gives the statistics of all the data", () => {
    const full = new tg.layers.Normalization();
    full.adapt(tg.tensor(DATA));
    const batched = new tg.layers.Normalization();
    batched.adapt(tg.data.fromTensorSlices(tg.tensor(DATA)).batch(2));
    allclose(batched.mean, full.mean, { rtol: 1e-6 });
    allclose(batched.variance, full.variance, { rtol: 1e-6 });
  });

  test("a dataset of (x, y) tuples: adapt reads x", () => {
    const layer = new tg.layers.Normalization();
    const y = tg.zeros([DATA.length]);
    layer.adapt(tg.data.fromTensorSlices([tg.tensor(DATA), y]).batch(2));
    const [mean, variance] = stats(DATA);
    allclose(layer.getWeights()[0]!, mean, { rtol: 1e-6 });
    allclose(layer.getWeights()[1]!, variance, { rtol: 1e-6 });
  });

  test("given stats align with the kept axes from the right, as Keras", () => {
    // axis 1 of [batch, time, features]: one mean per timestep.
    const layer = tg.layers.normalization({
      axis: 1,
      mean: [1, 2],
      variance: [4, 1],
    });
    const y = layer.apply([
      [
        [3, 5],
        [2, 0],
      ],
    ]);
    assert.deepEqual(y.toArray(), [
      [
        [1, 2],
        [0, -2],
      ],
    ]);
    assert.deepEqual(layer.mean.shape, [1, 2, 1]);
  });

  test("an async dataset: adapt returns a Promise", async () => {
    const layer = new tg.layers.Normalization();
    const ds = tg.data
      .fromTensorSlices(tg.tensor(DATA))
      .batch(3)
      .map(async (b) => await Promise.resolve(b));
    const p = layer.adapt(ds);
    assert.ok(p instanceof Promise);
    await p;
    const [mean, variance] = stats(DATA);
    allclose(layer.getWeights()[0]!, mean, { rtol: 1e-6 });
    allclose(layer.getWeights()[1]!, variance, { rtol: 1e-6 });
  });

  test("axis null: one mean and variance; axis [1, 2] keeps two axes", () => {
    const all = tg.layers.normalization({ axis: null });
    all.adapt([[1, 2, 3, 4, 5]]);
    allclose(all.apply([[1, 2, 3]]), [[-Math.SQRT2, -Math.SQRT1_2, 0]], {
      rtol: 1e-6,
    });
    assert.deepEqual(all.weights[0]!.shape, []);
    const two = tg.layers.normalization({ axis: [1, 2] });
    two.adapt(tg.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]));
    assert.deepEqual(two.weights[0]!.shape, [2, 2]);
    allclose(two.weights[0]!.value, [
      [3, 4],
      [5, 6],
    ]);
    allclose(two.weights[1]!.value, [
      [4, 4],
      [4, 4],
    ]);
  });

  test("Keras's documented numbers: mean 3, variance 2; invert after adapt", () => {
    const fixed = tg.layers.normalization({ mean: 3, variance: 2 });
    allclose(fixed.apply([[1], [2], [3]]), [[-1.4142135], [-0.70710677], [0]], {
      rtol: 1e-6,
    });
    const inv = tg.layers.normalization({ invert: true });
    inv.adapt(DATA.slice(0, 4));
    assert.deepEqual(inv.apply([[1, 2, 3]]).toArray(), [[2, 10, 8]]);
  });

  test("invert undoes the normalization; variance 0 uses the 1e-7 floor", () => {
    const [mean, variance] = stats(DATA);
    const fwd = tg.layers.normalization({ mean, variance });
    const inv = tg.layers.normalization({ mean, variance, invert: true });
    const x = [[1.5, -2, 3]];
    allclose(inv.apply(fwd.apply(x)), x, { rtol: 1e-5 });
    const zero = tg.layers.normalization({ mean: 1, variance: 0 });
    allclose(zero.apply([[1.5]]), [[0.5 / 1e-7]], { rtol: 1e-6 });
  });

  test("float64: stays float64; gradient check with respect to the inputs", () => {
    const layer = tg.layers.normalization({
      mean: [0.5, -1],
      variance: [4, 0.25],
      dtype: "float64",
    });
    const x = tg.tensor(
      [
        [0.1, 0.2],
        [0.3, -0.4],
      ],
      undefined,
      "float64",
    );
    assert.equal(layer.apply(x).dtype, "float64");
    allclose(
      layer.apply(x),
      [
        [-0.2, 2.4],
        [-0.1, 1.2],
      ],
      { rtol: 1e-12 },
    );
    const report = tg.testing.checkGradients(
      (t: tg.Tensor) => tg.tanh(layer.apply(t)),
      [x],
    );
    assert.ok(report.maxError < 1e-6, String(report.maxError));
  });

  test("a tape + SGD step trains a Dense before it, through it", () => {
    const pre = tg.layers.dense({ units: 3 });
    const layer = tg.layers.normalization();
    layer.adapt(DATA);
    pre.build([null, 3]);
    const before = pre.kernel.value.toArray();
    const statsBefore = layer.getWeights().map((w) => w.toArray());
    using tape = new tg.GradientTape();
    const loss = tg.mean(tg.square(layer.apply(pre.apply(DATA)).sub(1)));
    const grads = tape.gradient(loss, pre.trainableVariables);
    new tg.optimizers.SGD({ learningRate: 0.1 }).applyGradients(
      tg.zip(grads, pre.trainableVariables),
    );
    assert.notDeepEqual(pre.kernel.value.toArray(), before);
    assert.deepEqual(
      layer.getWeights().map((w) => w.toArray()),
      statsBefore,
    );
  });

  test("getConfig / fromConfig round trip", () => {
    const layer = tg.layers.normalization({
      axis: -1,
      mean: [1, 2],
      variance: [3, 4],
      invert: true,
      name: "norm",
    });
    assert.deepEqual(layer.getConfig(), {
      name: "norm",
      trainable: true,
      dtype: "float32",
      axis: -1,
      mean: [1, 2],
      variance: [3, 4],
      invert: true,
    });
    const copy = tg.layers.Normalization.fromConfig(layer.getConfig());
    assert.deepEqual(copy.getConfig(), layer.getConfig());
    allclose(copy.apply([[1, 1]]), layer.apply([[1, 1]]));
    const plain = tg.layers.Normalization.fromConfig(
      tg.layers.normalization().getConfig(),
    );
    assert.equal(plain.axis![0], -1);
  });

  test("bad input: typed errors, and a failed adapt changes nothing", () => {
    assert.throws(() => tg.layers.normalization({ mean: 1 }), {
      name: "ValueError",
      message:
        "Normalization: expected both mean and variance, or neither, got mean=1, variance=undefined",
    });
    assert.throws(() => tg.layers.normalization({ axis: 1.5 }), {
      name: "ValueError",
      message: /^Normalization: expected axis to be an integer/,
    });
    assert.throws(() => tg.layers.normalization({ invert: 1 as never }), {
      name: "ValueError",
      message: "Normalization: expected invert to be a boolean, got invert=1",
    });
    assert.throws(
      () => tg.layers.normalization({ mean: [1, 2], variance: [1, 2, 3] }),
      {
        name: "ShapeError",
        message:
          "Normalization: expected mean and variance of the same shape, got shapes [2] and [3]",
      },
    );
    assert.throws(
      () => tg.layers.normalization({ axis: null, mean: [1], variance: [1] }),
      {
        name: "ShapeError",
        message:
          "Normalization: expected mean of rank <= 0 (the number of kept axes), got shape [1]",
      },
    );
    assert.throws(
      () =>
        tg.layers
          .normalization({ mean: [1, 2], variance: [1, 2] })
          .apply([[1, 2, 3]]),
      {
        name: "ShapeError",
        message:
          /expected mean to broadcast to the kept axes, of sizes \[3\], got shape \[2\]$/,
      },
    );
    const fixed = tg.layers.normalization({ mean: 1, variance: 1 });
    assert.throws(() => fixed.adapt(DATA), {
      name: "ValueError",
      message: /cannot adapt a layer given mean and variance$/,
    });
    const layer = tg.layers.normalization();
    layer.adapt(DATA);
    const before = layer.getWeights().map((w) => w.toArray());
    assert.throws(() => layer.adapt([[1, 2]]), {
      name: "ShapeError",
      message:
        /expected data of rank 2 with sizes \[3\] on axes \[1\], got shape \[1,2\]/,
    });
    assert.throws(() => layer.apply([[1, 2]]), { name: "ShapeError" });
    assert.deepEqual(
      layer.getWeights().map((w) => w.toArray()),
      before,
    );
    assert.throws(() => tg.layers.normalization({ axis: 3 }).apply([[1]]), {
      name: "ValueError",
      message: /expected axis in \[-2, 2\) .*got axis=3$/,
    });
    assert.throws(
      () => tg.layers.normalization().adapt(tg.data.array([]).batch(2)),
      { name: "ValueError", message: /expected data, got an empty dataset$/ },
    );
  });
});
