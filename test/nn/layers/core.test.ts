// SPDX-License-Identifier: Apache-2.0
/**
 * Core layers (src/nn/layers/core.ts): Activation, Identity, Rescaling.
 * Output shapes (eager and symbolic), no weights, config round trips, a
 * training step through each, float64 gradient checks with respect to the
 * inputs, hand-computed values, TensorFlow.js, dtypes and typed errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import type * as TF from "@tensorflow/tfjs";
import { loadTf } from "../../tfjs.js";

type AnyLayer = tg.layers.Layer;

function values(shape: number[], dtype: tg.DType = "float32"): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + 0.3));
  return tg.tensor(flat, shape, dtype);
}

const CASES: [string, (dtype?: tg.DType) => AnyLayer][] = [
  [
    "Activation",
    (dtype) => new tg.layers.Activation({ activation: "tanh", dtype }),
  ],
  ["Identity", (dtype) => new tg.layers.Identity({ dtype })],
  [
    "Rescaling",
    (dtype) => new tg.layers.Rescaling({ scale: 0.5, offset: -1, dtype }),
  ],
  [
    "Rescaling per channel",
    (dtype) =>
      new tg.layers.Rescaling({
        scale: [2, -1, 0.5],
        offset: [0, 1, 2],
        dtype,
      }),
  ],
];

describe("shared checks", () => {
  for (const [name, make] of CASES) {
    describe(name, () => {
      test("output shape is the input's, eager and symbolic; no weights", () => {
        for (const shape of [
          [2, 3],
          [4, 2, 3],
          [1, 2, 2, 3],
        ]) {
          const layer = make();
          assert.deepEqual(layer.apply(values(shape)).shape, shape);
          assert.equal(layer.weights.length, 0);
          const sym = tg.input({ shape: shape.slice(1) });
          assert.deepEqual(make().apply(sym).shape, [null, ...shape.slice(1)]);
        }
      });

      test("getConfig / fromConfig round trip", () => {
        const layer = make();
        const cfg = layer.getConfig();
        const Cls = layer.constructor as unknown as {
          fromConfig(cfg: Record<string, unknown>): AnyLayer;
        };
        const copy = Cls.fromConfig(cfg);
        assert.equal(copy.constructor, layer.constructor);
        assert.deepEqual(copy.getConfig(), cfg);
        const x = values([2, 3]);
        allclose(copy.apply(x), layer.apply(x));
      });

      test("float64 gradient check with respect to the inputs", () => {
        const layer = make("float64");
        const x = values([2, 3], "float64");
        assert.equal(layer.apply(x).dtype, "float64");
        const report = tg.testing.checkGradients(
          (t: tg.Tensor) => layer.apply(t),
          [x],
        );
        assert.ok(report.maxError < 1e-6, String(report.maxError));
      });

      test("a tape + SGD step trains a Dense before it, through it", () => {
        const pre = tg.layers.dense({ units: 3 });
        const layer = make();
        const x = values([4, 3]);
        pre.build([null, 3]);
        const before = pre.kernel.value.toArray();
        using tape = new tg.GradientTape();
        const loss = tg.mean(tg.square(layer.apply(pre.apply(x)).sub(1)));
        const grads = tape.gradient(loss, pre.trainableVariables);
        new tg.optimizers.SGD({ learningRate: 0.1 }).applyGradients(
          tg.zip(grads, pre.trainableVariables),
        );
        assert.notDeepEqual(pre.kernel.value.toArray(), before);
      });
    });
  }
});

describe("Activation", () => {
  test("applies the named function, or a function", () => {
    const x = [[-2, 0.5, 3]];
    const relu = tg.layers.activation({ activation: "relu" });
    assert.deepEqual(relu.apply(x).toArray(), [[0, 0.5, 3]]);
    const sig = tg.layers.activation({ activation: "sigmoid" }).apply(x);
    allclose(sig, [x[0]!.map((v) => 1 / (1 + Math.exp(-v)))]);
    const sm = tg.layers.activation({ activation: "softmax" }).apply(x);
    const e = x[0]!.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    allclose(sm, [e.map((v) => v / s)]);
    const twice = tg.layers.activation({
      activation: (t: tg.Tensor) => t.mul(2),
    });
    assert.deepEqual(twice.apply(x).toArray(), [[-4, 1, 6]]);
  });

  test("config names the activation", () => {
    const layer = tg.layers.activation({ activation: "relu", name: "act" });
    assert.deepEqual(layer.getConfig(), {
      name: "act",
      trainable: true,
      dtype: "float32",
      activation: "relu",
    });
  });

  test("TensorFlow.js agrees: outputs and input gradients", async () => {
    const tf = await loadTf();
    const x = values([3, 4]).mul(3);
    const w = values([3, 4]).add(2);
    const tfX = tf.tensor(Array.from(x.data), [3, 4]);
    const tfW = tf.tensor(Array.from(w.data), [3, 4]);
    for (const name of ["relu", "tanh", "sigmoid", "softmax", "elu", "selu"]) {
      const ours = tg.layers.activation({ activation: name });
      const theirs = tf.layers.activation({ activation: name as "relu" });
      const tfY = theirs.apply(tfX) as TF.Tensor;
      allclose(ours.apply(x), tfY.arraySync(), { rtol: 1e-5, atol: 1e-7 });
      const g = tg.grad((t: tg.Tensor) => tg.sum(ours.apply(t).mul(w)))(x);
      const tfG = tf.grad((t: TF.Tensor) =>
        (theirs.apply(t) as TF.Tensor).mul(tfW).sum(),
      )(tfX);
      allclose(g, tfG.arraySync(), { rtol: 1e-5, atol: 1e-6 });
    }
  });

  test("bad options: ValueError", () => {
    assert.throws(() => new tg.layers.Activation({} as never), {
      name: "ValueError",
      message:
        "Activation: expected an activation (a name or a function), got activation=undefined",
    });
    assert.throws(() => new tg.layers.Activation({ activation: "nope" }), {
      name: "ValueError",
      message: /^activations\.get: expected one of/,
    });
    assert.throws(() => new tg.layers.Activation(null as never), {
      name: "ValueError",
      message: "Activation: expected an options object, got null",
    });
  });
});

describe("Identity", () => {
  test("returns its input, dtypes included", () => {
    const x = tg.tensor([[1, 2]], undefined, "int32");
    const y = tg.layers.identity().apply(x);
    assert.deepEqual(y.toArray(), [[1, 2]]);
    assert.equal(y.dtype, "int32");
  });
});

describe("Rescaling", () => {
  test("x · scale + offset, by hand", () => {
    const y = tg.layers
      .rescaling({ scale: 1 / 127.5, offset: -1 })
      .apply([[0, 127.5, 255]]);
    allclose(y, [[-1, 0, 1]]);
    const perChannel = tg.layers
      .rescaling({ scale: [2, 3], offset: [1, 0] })
      .apply([
        [1, 1],
        [2, -1],
      ]);
    assert.deepEqual(perChannel.toArray(), [
      [3, 3],
      [5, -3],
    ]);
  });

  test("integer inputs become the layer's dtype (as in Keras)", () => {
    const x = tg.tensor([[0, 255]], undefined, "int32");
    const y = tg.layers.rescaling({ scale: 1 / 255 }).apply(x);
    assert.equal(y.dtype, "float32");
    allclose(y, [[0, 1]]);
    const y64 = tg.layers
      .rescaling({ scale: [0.1, 0.2], dtype: "float64" })
      .apply(x);
    assert.equal(y64.dtype, "float64");
    allclose(y64, [[0, 51]], { dtype: "float64" });
  });

  test("config keeps scale and offset; offset defaults to 0", () => {
    const layer = tg.layers.rescaling({ scale: 2, name: "rs" });
    assert.deepEqual(layer.getConfig(), {
      name: "rs",
      trainable: true,
      dtype: "float32",
      scale: 2,
      offset: 0,
    });
  });

  test("TensorFlow.js agrees", async () => {
    const tf = await loadTf();
    const x = values([2, 3, 4]).mul(100);
    const ours = tg.layers.rescaling({ scale: 1 / 255, offset: 0.25 }).apply(x);
    const theirs = tf.layers
      .rescaling({ scale: 1 / 255, offset: 0.25 })
      .apply(tf.tensor(Array.from(x.data), [2, 3, 4])) as TF.Tensor;
    allclose(ours, theirs.arraySync(), {
      rtol: 1e-5,
      atol: 1e-7,
    });
  });

  test("bad options: ValueError naming the option", () => {
    assert.throws(() => new tg.layers.Rescaling({} as never), {
      name: "ValueError",
      message:
        "Rescaling: expected scale to be a finite number or a non-empty list of them, got scale=undefined",
    });
    assert.throws(() => new tg.layers.Rescaling({ scale: 1, offset: NaN }), {
      name: "ValueError",
      message:
        "Rescaling: expected offset to be a finite number or a non-empty list of them, got offset=NaN",
    });
    assert.throws(() => new tg.layers.Rescaling({ scale: [] }), {
      name: "ValueError",
      message: /got scale=\[\]$/,
    });
  });

  test("a per-channel scale that does not broadcast: ShapeError", () => {
    const layer = tg.layers.rescaling({ scale: [1, 2, 3] });
    assert.throws(() => layer.apply([[1, 2]]), { name: "ShapeError" });
  });
});
