// SPDX-License-Identifier: Apache-2.0
/**
 * Embedding (src/nn/layers/embedding.ts): shapes (eager and symbolic),
 * weights, config round trip, the scatter-add gradient (by hand and by a
 * float64 check), a training step, maskZero, TensorFlow.js, typed errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import type * as TF from "@tensorflow/tfjs";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const TABLE = [
  [0.1, -0.2, 0.3],
  [0.4, 0.5, -0.6],
  [-0.7, 0.8, 0.9],
  [1.0, -1.1, 1.2],
];

function ints(values: number[][]): tg.Tensor {
  return tg.tensor(values, undefined, "int32");
}

function make(args: Partial<tg.layers.EmbeddingArgs> = {}) {
  const layer = new tg.layers.Embedding({ inputDim: 4, outputDim: 3, ...args });
  layer.build([null, 2]);
  layer.setWeights([TABLE]);
  return layer;
}

describe("Embedding", () => {
  test("output shapes: input shape + [outputDim], eager and symbolic", () => {
    for (const shape of [[2], [2, 5], [3, 2, 4]]) {
      const layer = new tg.layers.Embedding({ inputDim: 6, outputDim: 5 });
      const x = tg.zeros(shape, "int32");
      assert.deepEqual(layer.apply(x).shape, [...shape, 5]);
      assert.deepEqual(layer.computeOutputShape([null, ...shape.slice(1)]), [
        null,
        ...shape.slice(1),
        5,
      ]);
      const sym = tg.input({ shape: shape.slice(1), dtype: "int32" });
      const out = new tg.layers.Embedding({ inputDim: 6, outputDim: 5 }).apply(
        sym,
      );
      assert.deepEqual(out.shape, [null, ...shape.slice(1), 5]);
      assert.equal(out.dtype, "float32");
    }
  });

  test("one trainable weight [inputDim, outputDim]; uniform(-0.05, 0.05)", () => {
    const layer = new tg.layers.Embedding({ inputDim: 50, outputDim: 40 });
    layer.build([null, 3]);
    assert.equal(layer.weights.length, 1);
    assert.equal(layer.trainableWeights.length, 1);
    assert.deepEqual(layer.embeddings.shape, [50, 40]);
    assert.equal(layer.embeddings.name, `${layer.name}/embeddings`);
    const v = Array.from(layer.embeddings.value.data);
    assert.ok(v.every((x) => x >= -0.05 && x < 0.05));
    assert.ok(Math.max(...v) > 0.04 && Math.min(...v) < -0.04);
    assert.equal(layer.countParams(), 2000);
  });

  test("values: rows of the table, by hand; float indices are cast", () => {
    const layer = make();
    const y = layer.apply(
      ints([
        [0, 3],
        [2, 2],
      ]),
    );
    allclose(y, [
      [TABLE[0]!, TABLE[3]!],
      [TABLE[2]!, TABLE[2]!],
    ]);
    const yf = layer.apply(tg.tensor([[1.0, 3.7]]));
    allclose(yf, [[TABLE[1]!, TABLE[3]!]]);
    // Nested arrays are accepted too.
    allclose(layer.apply([[1, 0]]), [[TABLE[1]!, TABLE[0]!]]);
    const y64 = make({ dtype: "float64" }).apply(ints([[1]]));
    assert.equal(y64.dtype, "float64");
    allclose(y64, [[TABLE[1]!]], { rtol: 1e-15 });
  });

  test("gradient: rows looked up twice get both gradients (scatter-add)", () => {
    const layer = make();
    const w = tg.tensor([
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ]);
    using tape = new tg.GradientTape();
    const loss = tg.sum(layer.apply(ints([[2, 0, 2]])).mul(w));
    const [g] = tape.gradient(loss, [layer.embeddings]);
    assert.deepEqual(g!.toArray(), [
      [4, 5, 6],
      [0, 0, 0],
      [8, 10, 12],
      [0, 0, 0],
    ]);
  });

  test("float64 gradient check of the lookup with respect to the table", () => {
    const idx = ints([
      [3, 1, 3],
      [0, 3, 1],
    ]);
    // The layer's call is a gather from its table; check that gather's
    // scatter-add gradient numerically (a nonlinear use, repeated rows).
    const report = tg.testing.checkGradients(
      (table: tg.Tensor) => tg.square(tg.gather(table, idx, 0)),
      [tg.tensor(TABLE, undefined, "float64")],
    );
    assert.ok(report.maxError < 1e-6, String(report.maxError));
  });

  test("a tape + SGD step trains the table and a Dense after it", () => {
    const layer = make();
    const dense = tg.layers.dense({ units: 1 });
    const x = ints([
      [1, 2],
      [2, 2],
    ]);
    const before = layer.embeddings.value.toArray() as number[][];
    using tape = new tg.GradientTape();
    const y = dense.apply(tg.reshape(layer.apply(x), [2, 6]));
    const loss = tg.mean(tg.square(y.sub(1)));
    const vars = [...layer.trainableVariables, ...dense.trainableVariables];
    const grads = tape.gradient(loss, vars);
    new tg.optimizers.SGD({ learningRate: 0.5 }).applyGradients(
      tg.zip(grads, vars),
    );
    const after = layer.embeddings.value.toArray() as number[][];
    assert.deepEqual(after[0], before[0]);
    assert.deepEqual(after[3], before[3]);
    assert.notDeepEqual(after[1], before[1]);
    assert.notDeepEqual(after[2], before[2]);
  });

  test("regularizer adds a loss; constraint projects after updates", () => {
    const layer = make({ embeddingsRegularizer: "l2" });
    const sq = TABLE.flat().reduce((s, v) => s + v * v, 0);
    assert.equal(layer.losses.length, 1);
    allclose(layer.losses[0]!, 0.01 * sq);
    const con = make({ embeddingsConstraint: "non_neg" });
    const [g] = [tg.onesLike(con.embeddings.value)];
    new tg.optimizers.SGD({ learningRate: 0.0 }).applyGradients([
      [g, con.embeddings],
    ]);
    const after = Array.from(con.embeddings.value.data);
    assert.ok(after.every((v) => v >= 0));
  });

  test("maskZero: computeMask is inputs != 0; null without it", () => {
    const x = ints([[0, 1, 0, 3]]);
    assert.equal(make().computeMask(x), null);
    const m = make({ maskZero: true }).computeMask(x)!;
    assert.equal(m.dtype, "bool");
    assert.deepEqual(m.toArray(), [[false, true, false, true]]);
  });

  test("getConfig / fromConfig round trip", () => {
    const layer = new tg.layers.Embedding({
      inputDim: 7,
      outputDim: 2,
      maskZero: true,
      embeddingsRegularizer: "l2",
      embeddingsConstraint: "non_neg",
    });
    const cfg = layer.getConfig();
    assert.equal(cfg.inputDim, 7);
    assert.equal(cfg.outputDim, 2);
    assert.equal(cfg.maskZero, true);
    const copy = tg.layers.Embedding.fromConfig(cfg);
    assert.ok(copy instanceof tg.layers.Embedding);
    assert.deepEqual(copy.getConfig(), cfg);
    assert.equal(copy.maskZero, true);
  });

  test("TensorFlow.js agrees: outputs and the table's gradient", async () => {
    const tf = await loadTf();
    const idx = [
      [3, 1, 3],
      [0, 2, 1],
    ];
    const ours = make();
    const theirs = tf.layers.embedding({ inputDim: 4, outputDim: 3 });
    theirs.build([null, 3]);
    theirs.setWeights([tf.tensor2d(TABLE)]);
    const tfY = theirs.apply(tf.tensor2d(idx, undefined, "int32")) as TF.Tensor;
    allclose(ours.apply(ints(idx)), tfY.arraySync(), {
      rtol: 1e-5,
    });
    const w = tg.tensor(
      Array.from({ length: 18 }, (_, i) => Math.sin(i)),
      [2, 3, 3],
    );
    using tape = new tg.GradientTape();
    const loss = tg.sum(ours.apply(ints(idx)).mul(w));
    const [g] = tape.gradient(loss, [ours.embeddings]);
    const tfG = tf.grad((t: TF.Tensor) =>
      tf
        .gather(t, tf.tensor2d(idx, undefined, "int32"))
        .mul(tf.tensor(Array.from(w.data), [2, 3, 3]))
        .sum(),
    )(tf.tensor2d(TABLE));
    allclose(g!, tfG.arraySync(), { rtol: 1e-5, atol: 1e-7 });
  });

  test("indices outside [0, inputDim): ValueError naming the index", () => {
    const layer = make();
    const before = layer.embeddings.value.toArray();
    assert.throws(() => layer.apply(ints([[1, 4]])), {
      name: "ValueError",
      message: new RegExp(
        `^Embedding "${layer.name}": expected indices in \\[0, 4\\), got ` +
          "index 4 at flat position 1 of an input of shape \\[1,2\\]$",
      ),
    });
    assert.throws(() => layer.apply(ints([[-1]])), {
      name: "ValueError",
      message: /got index -1 at flat position 0/,
    });
    assert.deepEqual(layer.embeddings.value.toArray(), before);
    assert.throws(() => layer.apply(tg.tensor([[true]], undefined, "bool")), {
      name: "DTypeError",
      message: /expected integer or float indices, got dtype bool/,
    });
  });

  test("bad options: ValueError", () => {
    assert.throws(
      () => new tg.layers.Embedding({ inputDim: 0, outputDim: 2 }),
      {
        name: "ValueError",
        message:
          "Embedding: expected inputDim to be a positive integer, got inputDim=0",
      },
    );
    assert.throws(
      () => new tg.layers.Embedding({ inputDim: 3, outputDim: 1.5 }),
      {
        name: "ValueError",
        message:
          "Embedding: expected outputDim to be a positive integer, got outputDim=1.5",
      },
    );
    assert.throws(
      () =>
        new tg.layers.Embedding({
          inputDim: 3,
          outputDim: 2,
          maskZero: "yes" as never,
        }),
      {
        name: "ValueError",
        message: /^Embedding: expected maskZero to be a boolean/,
      },
    );
    assert.throws(() => new tg.layers.Embedding(null as never), {
      name: "ValueError",
      message: "Embedding: expected an options object, got null",
    });
    assert.throws(
      () => tg.layers.embedding({ inputDim: 3, outputDim: 2 }).embeddings,
      {
        name: "ValueError",
        message: /the embeddings do not exist until the layer is built/,
      },
    );
  });
});
