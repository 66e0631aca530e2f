// SPDX-License-Identifier: Apache-2.0
/**
 * Masking (src/nn/layers/core-masking.ts): shapes, no weights, config,
 * values and masks by hand, gradients, a training step through it,
 * TensorFlow.js, typed errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import type * as TF from "@tensorflow/tfjs";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const X = [
  [
    [1, 2],
    [0, 0],
    [0, 3],
  ],
  [
    [0, 0],
    [-4, 0.5],
    [0, 0],
  ],
];

describe("Masking", () => {
  test("output shape is the input's, eager and symbolic; no weights", () => {
    for (const shape of [
      [2, 3],
      [2, 3, 4],
      [1, 2, 3, 4],
    ]) {
      const layer = new tg.layers.Masking();
      assert.deepEqual(layer.apply(tg.ones(shape)).shape, shape);
      assert.equal(layer.weights.length, 0);
      const sym = tg.input({ shape: shape.slice(1) });
      assert.deepEqual(tg.layers.masking().apply(sym).shape, [
        null,
        ...shape.slice(1),
      ]);
    }
  });

  test("zeroes masked timesteps; computeMask is [batch, time]", () => {
    const layer = tg.layers.masking();
    const y = layer.apply(X);
    assert.deepEqual(y.toArray(), X);
    const mask = layer.computeMask(tg.tensor(X));
    assert.equal(mask.dtype, "bool");
    assert.deepEqual(mask.toArray(), [
      [true, false, true],
      [false, true, false],
    ]);
    const neg = tg.layers.masking({ maskValue: -1 });
    const x = tg.tensor([
      [
        [-1, -1],
        [-1, 2],
      ],
    ]);
    assert.deepEqual(neg.apply(x).toArray(), [
      [
        [0, 0],
        [-1, 2],
      ],
    ]);
    assert.deepEqual(neg.computeMask(x).toArray(), [[false, true]]);
  });

  test("float64 stays float64; gradient is 1 on kept timesteps, 0 on masked", () => {
    const layer = tg.layers.masking({ maskValue: 0.5, dtype: "float64" });
    const x = tg.tensor(
      [
        [
          [0.5, 0.5],
          [0.3, -0.2],
        ],
      ],
      undefined,
      "float64",
    );
    assert.equal(layer.apply(x).dtype, "float64");
    const g = tg.grad((t: tg.Tensor) => tg.sum(layer.apply(t)))(x);
    assert.deepEqual(g.toArray(), [
      [
        [0, 0],
        [1, 1],
      ],
    ]);
    const report = tg.testing.checkGradients(
      (t: tg.Tensor) => layer.apply(t),
      [
        tg.tensor(
          [
            [
              [0.1, 0.9],
              [0.3, -0.2],
            ],
          ],
          undefined,
          "float64",
        ),
      ],
    );
    assert.ok(report.maxError < 1e-6, String(report.maxError));
  });

  test("a tape + SGD step trains a Dense before it, through it", () => {
    const pre = tg.layers.dense({ units: 2 });
    pre.build([null, 2]);
    const before = pre.kernel.value.toArray();
    const x = tg.tensor([
      [
        [1, 2],
        [3, -1],
      ],
    ]);
    using tape = new tg.GradientTape();
    const loss = tg.mean(tg.square(tg.layers.masking().apply(pre.apply(x))));
    const grads = tape.gradient(loss, pre.trainableVariables);
    new tg.optimizers.SGD({ learningRate: 0.1 }).applyGradients(
      tg.zip(grads, pre.trainableVariables),
    );
    assert.notDeepEqual(pre.kernel.value.toArray(), before);
  });

  test("getConfig / fromConfig round trip", () => {
    const layer = tg.layers.masking({ maskValue: -2, name: "m" });
    assert.deepEqual(layer.getConfig(), {
      name: "m",
      trainable: true,
      dtype: "float32",
      maskValue: -2,
    });
    const copy = tg.layers.Masking.fromConfig(layer.getConfig());
    assert.equal(copy.maskValue, -2);
    assert.deepEqual(copy.getConfig(), layer.getConfig());
  });

  test("TensorFlow.js agrees", async () => {
    const tf = await loadTf();
    const y = tf.layers
      .masking({ maskValue: 0 })
      .apply(tf.tensor(X)) as TF.Tensor;
    allclose(tg.layers.masking().apply(X), y.arraySync());
  });

  test("bad input: typed errors", () => {
    assert.throws(() => tg.layers.masking({ maskValue: "0" as never }), {
      name: "ValueError",
      message:
        'Masking: expected maskValue to be a number (not NaN), got maskValue="0"',
    });
    assert.throws(() => tg.layers.masking(null as never), {
      name: "ValueError",
      message: "Masking: expected an options object, got null",
    });
    const layer = tg.layers.masking();
    assert.throws(() => layer.computeMask(tg.scalar(1)), {
      name: "ValueError",
      message: /expected an input of rank >= 1, got shape/,
    });
  });
});
