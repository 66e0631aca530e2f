// SPDX-License-Identifier: Apache-2.0
/**
 * TimeDistributed (src/nn/layers/wrappers.ts): shapes (eager and symbolic),
 * weights are the inner layer's, config round trip, values by hand and
 * against TensorFlow.js, gradients, a training step, typed errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import type * as TF from "@tensorflow/tfjs";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

function values(shape: number[], dtype: tg.DType = "float32"): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + 0.3));
  return tg.tensor(flat, shape, dtype);
}

const KERNEL = [
  [0.5, -1],
  [2, 0.25],
  [-0.5, 1.5],
];
const BIAS = [0.1, -0.2];

function wrapped(dtype: tg.DType = "float32") {
  const layer = new tg.layers.TimeDistributed(
    tg.layers.dense({ units: 2, dtype }),
    { dtype },
  );
  layer.build([null, 4, 3]);
  layer.setWeights([KERNEL, BIAS]);
  return layer;
}

describe("TimeDistributed", () => {
  test("output shapes, eager and symbolic", () => {
    const cases: [number[], () => tg.layers.Layer, number[]][] = [
      [[2, 3, 4], () => tg.layers.dense({ units: 5 }), [2, 3, 5]],
      [[1, 4, 2, 3], () => tg.layers.dense({ units: 2 }), [1, 4, 2, 2]],
      [[2, 3, 2, 2], () => tg.layers.flatten(), [2, 3, 4]],
    ];
    for (const [shape, inner, out] of cases) {
      const layer = new tg.layers.TimeDistributed(inner());
      assert.deepEqual(layer.apply(values(shape)).shape, out);
      const sym = tg.input({ shape: shape.slice(1) });
      const y = new tg.layers.TimeDistributed({ layer: inner() }).apply(sym);
      assert.deepEqual(y.shape, [null, ...out.slice(1)]);
    }
  });

  test("weights are the inner layer's, shared by all timesteps", () => {
    const dense = tg.layers.dense({ units: 4 });
    const layer = tg.layers.timeDistributed({ layer: dense });
    layer.apply(values([2, 5, 3]));
    assert.equal(layer.weights.length, 2);
    assert.deepEqual(
      layer.weights.map((w) => w.shape),
      [[3, 4], [4]],
    );
    assert.equal(layer.weights[0], dense.kernel);
    assert.equal(layer.trainableWeights.length, 2);
    assert.equal(layer.countParams(), 16);
    layer.trainable = false;
    assert.equal(dense.trainable, false);
    assert.equal(layer.trainableWeights.length, 0);
    const frozen = new tg.layers.TimeDistributed(
      tg.layers.dense({ units: 2 }),
      {
        trainable: false,
      },
    );
    frozen.build([null, 2, 3]);
    assert.equal(frozen.layer.trainable, false);
    assert.equal(frozen.trainableWeights.length, 0);
    assert.equal(frozen.nonTrainableWeights.length, 2);
  });

  test("values: Dense at every timestep, by hand", () => {
    const x = values([2, 4, 3]);
    const y = wrapped().apply(x);
    const xs = x.toArray() as number[][][];
    const expected = xs.map((seq) =>
      seq.map((row) =>
        [0, 1].map(
          (j) => row.reduce((s, v, i) => s + v * KERNEL[i]![j]!, 0) + BIAS[j]!,
        ),
      ),
    );
    allclose(y, expected, { rtol: 1e-6, atol: 1e-7 });
  });

  test("float64 gradient check with respect to the inputs", () => {
    const layer = wrapped("float64");
    const x = values([2, 4, 3], "float64");
    assert.equal(layer.apply(x).dtype, "float64");
    const report = tg.testing.checkGradients(
      (t: tg.Tensor) => tg.tanh(layer.apply(t)),
      [x],
    );
    assert.ok(report.maxError < 1e-6, String(report.maxError));
  });

  test("a tape + SGD step trains the inner layer and the inputs' Dense", () => {
    const pre = tg.layers.dense({ units: 3 });
    const layer = wrapped();
    const x = values([2, 4, 3]);
    pre.build([null, 4, 3]);
    const before = layer.getWeights().map((w) => w.toArray());
    const preBefore = pre.kernel.value.toArray();
    using tape = new tg.GradientTape();
    const loss = tg.mean(tg.square(layer.apply(pre.apply(x)).sub(1)));
    const vars = [...layer.trainableVariables, ...pre.trainableVariables];
    const grads = tape.gradient(loss, vars);
    new tg.optimizers.SGD({ learningRate: 0.1 }).applyGradients(
      tg.zip(grads, vars),
    );
    assert.notDeepEqual(layer.getWeights()[0]!.toArray(), before[0]);
    assert.notDeepEqual(layer.getWeights()[1]!.toArray(), before[1]);
    assert.notDeepEqual(pre.kernel.value.toArray(), preBefore);
  });

  test("in a Sequential model, fit lowers the loss", () => {
    const model = new tg.Sequential([
      new tg.layers.TimeDistributed(tg.layers.dense({ units: 1 })),
    ]);
    model.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.1 }),
      loss: "mse",
    });
    const x = values([4, 3, 2]);
    const y = tg.ones([4, 3, 1]);
    const h = model.fit(x, y, { epochs: 3, verbose: 0 });
    const run = (r: unknown) => r as { history: { loss: number[] } };
    const check = (r: unknown) => {
      const loss = run(r).history.loss;
      assert.ok(loss[2]! < loss[0]!, String(loss));
    };
    return h instanceof Promise ? h.then(check) : check(h);
  });

  test("getConfig / fromConfig round trip", () => {
    const layer = wrapped();
    const cfg = layer.getConfig();
    const inner = cfg.layer as { className: string; config: { units: number } };
    assert.equal(inner.className, "Dense");
    assert.equal(inner.config.units, 2);
    const copy = tg.layers.TimeDistributed.fromConfig(cfg);
    assert.ok(copy.layer instanceof tg.layers.Dense);
    assert.deepEqual(copy.getConfig(), cfg);
    copy.build([null, 4, 3]);
    copy.setWeights(layer.getWeights());
    const x = values([1, 4, 3]);
    allclose(copy.apply(x), layer.apply(x));
  });

  test("TensorFlow.js agrees: TimeDistributed(Dense) outputs and input gradients", async () => {
    const tf = await loadTf();
    const ours = wrapped();
    const theirs = tf.layers.timeDistributed({
      layer: tf.layers.dense({ units: 2 }),
    });
    theirs.build([null, 4, 3]);
    theirs.setWeights([tf.tensor2d(KERNEL), tf.tensor1d(BIAS)]);
    const x = values([3, 4, 3]);
    const tfX = tf.tensor(Array.from(x.data), [3, 4, 3]);
    const tfY = theirs.apply(tfX) as TF.Tensor;
    allclose(ours.apply(x), tfY.arraySync(), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    const w = values([3, 4, 2]).add(1);
    const tfW = tf.tensor(Array.from(w.data), [3, 4, 2]);
    const g = tg.grad((t: tg.Tensor) => tg.sum(tg.tanh(ours.apply(t)).mul(w)))(
      x,
    );
    const tfG = tf.grad((t: TF.Tensor) =>
      tf
        .tanh(theirs.apply(t) as TF.Tensor)
        .mul(tfW)
        .sum(),
    )(tfX);
    allclose(g, tfG.arraySync(), { rtol: 1e-5, atol: 1e-6 });
  });

  test("bad input: typed errors", () => {
    assert.throws(() => new tg.layers.TimeDistributed(null as never), {
      name: "ValueError",
      message:
        "TimeDistributed: expected a layer or an options object, got null",
    });
    assert.throws(() => new tg.layers.TimeDistributed({ layer: 3 } as never), {
      name: "ValueError",
      message: /^TimeDistributed: expected layer to be a Layer .*got layer=3$/,
    });
    const layer = new tg.layers.TimeDistributed(tg.layers.dense({ units: 2 }));
    assert.throws(() => layer.apply(values([2, 3])), {
      name: "ShapeError",
      message: new RegExp(
        `^TimeDistributed "${layer.name}": expected one input of rank >= 3 ` +
          "\\(\\[batch, time, \\.\\.\\.\\]\\), got shape",
      ),
    });
    assert.equal(layer.built, false);
    assert.throws(() => layer.computeOutputShape([null, 3]), {
      name: "ShapeError",
    });
  });
});
