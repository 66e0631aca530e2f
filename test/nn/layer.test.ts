// SPDX-License-Identifier: Apache-2.0
/**
 * The Layer base (src/nn/layers/layer.ts), mostly through Dense: building,
 * names, weights and their trainable flags, getWeights / setWeights (all
 * or nothing), a custom subclass that trains, configs, regularizer losses
 * and constraints.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

/** A float64 Dense [3 → 2] with known weights. */
function knownDense(args: Partial<tg.layers.DenseArgs> = {}) {
  const layer = new tg.layers.Dense({ units: 2, dtype: "float64", ...args });
  layer.build([null, 3]);
  layer.setWeights([
    [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    [0.5, -0.5],
  ]);
  return layer;
}

/** y = a·x + b with two scalar weights, written as a user would. */
class Affine extends tg.layers.Layer {
  a!: tg.Variable;
  b!: tg.Variable;
  builds = 0;

  override build(): void {
    this.builds++;
    this.a = this.addWeight("a", { shape: [1], initializer: "zeros" });
    this.b = this.addWeight("b", { shape: [1], initializer: "zeros" });
  }

  override call(x: tg.Tensor): tg.Tensor {
    return x.mul(this.a).add(this.b);
  }
}

describe("build", () => {
  test("the first apply builds the weights from the input's shape", () => {
    const layer = new tg.layers.Dense({ units: 4 });
    assert.equal(layer.built, false);
    assert.deepEqual(layer.weights, []);
    const y = layer.apply(tg.zeros([2, 3]));
    assert.equal(layer.built, true);
    assert.deepEqual(layer.kernel.shape, [3, 4]);
    assert.deepEqual(layer.bias.shape, [4]);
    assert.deepEqual(y.shape, [2, 4]);
    assert.equal(layer.weights.length, 2);
  });

  test("an explicit build runs once; later builds and applies keep the weights", () => {
    const layer = new tg.layers.Dense({ units: 4 });
    layer.build([null, 3]);
    assert.equal(layer.built, true);
    const kernel = layer.kernel;
    const bias = layer.bias;
    const before = Array.from(kernel.data);

    layer.build([null, 5]);
    assert.strictEqual(layer.kernel, kernel);
    assert.deepEqual(layer.kernel.shape, [3, 4]);
    layer.apply(tg.ones([2, 3]));
    assert.strictEqual(layer.kernel, kernel);
    assert.strictEqual(layer.bias, bias);
    assert.deepEqual(Array.from(layer.kernel.data), before);
    assert.equal(layer.weights.length, 2);
  });

  test("a subclass's build runs once over many applies", () => {
    const layer = new Affine();
    layer.apply([1, 2]);
    layer.apply([3, 4]);
    const base: tg.layers.Layer = layer;
    base.build([null, 2]);
    assert.equal(layer.builds, 1);
    assert.equal(layer.weights.length, 2);
  });
});

describe("names", () => {
  test("clearSession restarts the numbering; explicit names are kept", () => {
    tg.clearSession();
    const names = [
      tg.layers.dense({ units: 1 }).name,
      new tg.layers.Dense({ units: 1 }).name,
      tg.layers.dense({ units: 1, name: "head" }).name,
      tg.layers.dense({ units: 1 }).name,
    ];
    assert.deepEqual(names, ["dense", "dense_1", "head", "dense_2"]);
    tg.clearSession();
    assert.equal(tg.layers.dense({ units: 1 }).name, "dense");
  });

  test("a subclass is named after its class, in snake_case", () => {
    tg.clearSession();
    assert.equal(new Affine().name, "affine");
    assert.equal(new Affine().name, "affine_1");
    class MyDenseBlock extends tg.layers.Layer {}
    assert.equal(new MyDenseBlock().name, "my_dense_block");
    assert.equal(new tg.Sequential().name, "sequential");
  });

  test("weights are named <layer>/<weight>", () => {
    const layer = knownDense({ name: "d" });
    assert.deepEqual(
      layer.weights.map((v) => v.name),
      ["d/kernel", "d/bias"],
    );
  });
});

describe("addWeight", () => {
  test("names, initializes and registers a weight", () => {
    const layer = new tg.layers.Layer({ name: "host" });
    const w = layer.addWeight("scale", { shape: [2, 3], initializer: "ones" });
    assert.ok(w instanceof tg.Variable);
    assert.equal(w.name, "host/scale");
    assert.equal(w.dtype, "float32");
    assert.equal(w.trainable, true);
    allclose(w, [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    assert.deepEqual(layer.trainableWeights, [w]);
    assert.equal(layer.countParams(), 6);
  });

  test("takes an initializer object, a dtype and a trainable flag", () => {
    const layer = new tg.layers.Layer({ name: "host" });
    const c = layer.addWeight("c", {
      shape: [2],
      initializer: tg.initializers.constant(0.25),
      dtype: "float64",
      trainable: false,
    });
    assert.equal(c.dtype, "float64");
    assert.equal(c.trainable, false);
    allclose(c, [0.25, 0.25], { dtype: "float64" });
    assert.deepEqual(layer.trainableWeights, []);
    assert.deepEqual(layer.nonTrainableWeights, [c]);
  });

  test("the dtype defaults to the layer's, the initializer to glorot_uniform", () => {
    const layer = new tg.layers.Layer({ dtype: "float64" });
    const w = layer.addWeight("w", { shape: [20, 30] });
    assert.equal(w.dtype, "float64");
    const limit = Math.sqrt(6 / (20 + 30));
    const values = Array.from(w.data);
    assert.ok(values.every((v) => Math.abs(v) <= limit));
    assert.ok(Math.max(...values.map(Math.abs)) > limit / 2);
  });

  test("weights lists trainable weights first, as Keras", () => {
    const layer = new tg.layers.Layer();
    const frozen = layer.addWeight("f", { shape: [1], trainable: false });
    const live = layer.addWeight("l", { shape: [1] });
    assert.deepEqual(layer.weights, [live, frozen]);
    assert.deepEqual(layer.variables, [live, frozen]);
    assert.deepEqual(layer.trainableVariables, [live]);
    assert.deepEqual(layer.nonTrainableVariables, [frozen]);
  });
});

describe("trainable", () => {
  test("trainable: false puts the weights in nonTrainableWeights", () => {
    const layer = knownDense({ trainable: false });
    assert.deepEqual(layer.trainableWeights, []);
    assert.deepEqual(layer.nonTrainableWeights, [layer.kernel, layer.bias]);
    assert.equal(layer.kernel.trainable, false);
  });

  test("a tape gives null for a frozen layer's weights", () => {
    const layer = knownDense({ trainable: false });
    const tape = new tg.GradientTape();
    const y = layer.apply([[1, 2, 3]]).sum();
    const [gk, gb] = tape.gradient(y, [layer.kernel, layer.bias]);
    assert.equal(gk, null);
    assert.equal(gb, null);
  });

  test("setting trainable moves the weights both ways", () => {
    const layer = knownDense();
    layer.trainable = false;
    assert.deepEqual(layer.trainableWeights, []);
    assert.equal(layer.nonTrainableWeights.length, 2);
    layer.trainable = true;
    assert.deepEqual(layer.trainableWeights, [layer.kernel, layer.bias]);

    const tape = new tg.GradientTape();
    const y = layer.apply([[1, 2, 3]]).sum();
    const [gk, gb] = tape.gradient(y, [layer.kernel, layer.bias]);
    allclose(gk!, [
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    allclose(gb!, [1, 1]);
  });

  test("unfreezing a layer keeps a weight created untrainable frozen", () => {
    const layer = new tg.layers.Layer();
    const frozen = layer.addWeight("f", { shape: [1], trainable: false });
    const live = layer.addWeight("l", { shape: [1] });
    layer.trainable = false;
    assert.equal(live.trainable, false);
    layer.trainable = true;
    assert.equal(live.trainable, true);
    assert.equal(frozen.trainable, false);
    assert.deepEqual(layer.nonTrainableWeights, [frozen]);
  });

  test("freezing a model freezes the weights of its layers", () => {
    const model = new tg.Sequential([
      tg.layers.dense({ units: 2, inputShape: [3] }),
      tg.layers.dense({ units: 1 }),
    ]);
    model.trainable = false;
    assert.deepEqual(model.trainableVariables, []);
    assert.equal(model.nonTrainableVariables.length, 4);
    assert.ok(model.layers.every((l) => !l.trainable));
    model.trainable = true;
    assert.equal(model.trainableVariables.length, 4);

    const frozen = new tg.Sequential({
      trainable: false,
      layers: [tg.layers.dense({ units: 2, inputShape: [3] })],
    });
    assert.deepEqual(frozen.trainableVariables, []);
    assert.equal(frozen.nonTrainableVariables.length, 2);
  });
});

describe("getWeights and setWeights", () => {
  test("round trip, and copy one layer into another", () => {
    tg.setSeed(3);
    const a = new tg.layers.Dense({ units: 2 });
    a.build([null, 3]);
    const saved = a.getWeights();
    assert.equal(saved.length, 2);
    allclose(saved[0]!, a.kernel);

    a.setWeights([tg.zeros([3, 2]), [7, 8]]);
    allclose(a.kernel, tg.zeros([3, 2]));
    allclose(a.bias, [7, 8]);
    // The saved tensors are values, not views of the variables.
    assert.notDeepEqual(Array.from(saved[1]!.data), [7, 8]);

    a.setWeights(saved);
    allclose(a.kernel, saved[0]!);
    allclose(a.bias, saved[1]!);

    const b = new tg.layers.Dense({ units: 2 });
    b.build([null, 3]);
    b.setWeights(a.getWeights());
    allclose(b.apply([[1, 2, 3]]), a.apply([[1, 2, 3]]));
  });

  test("a wrong number of arrays throws a ValueError and sets nothing", () => {
    const layer = knownDense({ name: "d" });
    const before = layer.getWeights();
    assert.throws(() => layer.setWeights([tg.zeros([3, 2])]), {
      name: "ValueError",
      message: 'Dense "d".setWeights: expected 2 arrays, got 1',
    });
    assert.throws(
      () => layer.setWeights([tg.zeros([3, 2]), [0, 0], [0]]),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        /expected 2 arrays, got 3/.test(e.message),
    );
    allclose(layer.kernel, before[0]!);
    allclose(layer.bias, before[1]!);
  });

  test("a wrong shape throws a ShapeError naming the weight; nothing is set", () => {
    const layer = knownDense({ name: "d" });
    const before = layer.getWeights();
    // The good kernel comes first: it must not be assigned either.
    assert.throws(
      () => layer.setWeights([tg.zeros([3, 2]), [1, 2, 3]]),
      (e: unknown) => {
        assert.ok(e instanceof tg.ShapeError);
        assert.equal(
          e.message,
          'Dense "d".setWeights: expected weight 1 (d/bias) of shape [2], ' +
            "got shape [3]",
        );
        return true;
      },
    );
    allclose(layer.kernel, before[0]!, { dtype: "float64" });
    allclose(layer.bias, before[1]!, { dtype: "float64" });
  });

  test("an unconvertible last value changes no weight", () => {
    const layer = knownDense({ name: "d" });
    const before = layer.getWeights();
    assert.throws(
      () => layer.setWeights([tg.zeros([3, 2]), [[1], [2, 3]] as never]),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message.startsWith('Dense "d".setWeights: ') &&
        /ragged/.test(e.message),
    );
    allclose(layer.kernel, before[0]!);
    allclose(layer.bias, before[1]!);
  });
});

describe("a custom layer", () => {
  test("a Layer subclass with build and call trains with SGD", () => {
    // y = 2x + 1, in float64; gradient descent on MSE converges.
    const layer = new Affine({ dtype: "float64" });
    const x = tg.tensor([[-1], [0], [1], [2]], undefined, "float64");
    const y = tg.tensor([[-1], [1], [3], [5]], undefined, "float64");
    const lossFn = new tg.losses.MeanSquaredError();
    const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
    const losses: number[] = [];
    for (let step = 0; step < 200; step++) {
      const tape = new tg.GradientTape();
      const loss = lossFn.call(y, layer.apply(x));
      const grads = tape.gradient(loss, layer.trainableVariables);
      opt.applyGradients(tg.zip(grads, layer.trainableVariables));
      losses.push(loss.item());
    }
    assert.equal(layer.builds, 1);
    assert.equal(layer.a.dtype, "float64");
    assert.ok(losses[0]! > 5, `first loss ${losses[0]}`);
    assert.ok(losses[199]! < 1e-8, `last loss ${losses[199]}`);
    allclose(layer.a, [2], { atol: 1e-4, rtol: 0 });
    allclose(layer.b, [1], { atol: 1e-4, rtol: 0 });
  });
});

describe("configs", () => {
  test("Dense.getConfig has Keras's keys", () => {
    const layer = new tg.layers.Dense({
      units: 3,
      activation: "tanh",
      useBias: false,
      name: "proj",
      dtype: "float64",
      kernelInitializer: tg.initializers.heNormal({ seed: 5 }),
    });
    assert.deepEqual(layer.getConfig(), {
      name: "proj",
      trainable: true,
      dtype: "float64",
      units: 3,
      activation: "tanh",
      useBias: false,
      kernelInitializer: { className: "HeNormal", config: { seed: 5 } },
      biasInitializer: { className: "Zeros", config: {} },
    });
  });

  test("fromConfig, through JSON, gives a layer with the same config", () => {
    const layer = new tg.layers.Dense({
      units: 4,
      activation: "relu",
      trainable: false,
      kernelInitializer: tg.initializers.glorotUniform({ seed: 11 }),
      biasInitializer: tg.initializers.constant(0.5),
    });
    const config = layer.getConfig();
    const copy = tg.layers.Dense.fromConfig(
      JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
    );
    assert.ok(copy instanceof tg.layers.Dense);
    assert.notStrictEqual(copy, layer);
    assert.deepEqual(copy.getConfig(), config);
    assert.equal(copy.trainable, false);

    // The same seeded initializers give the same weights and outputs.
    const x = [[1, -2, 3]];
    allclose(copy.apply(x), layer.apply(x));
    allclose(copy.bias, [0.5, 0.5, 0.5, 0.5]);
  });
});

describe("regularizers and constraints", () => {
  const l2 = (w: tg.Tensor) => w.square().sum().mul(0.01);

  test("losses holds one penalty per regularized weight, computed now", () => {
    const layer = knownDense({ kernelRegularizer: l2 });
    assert.equal(layer.losses.length, 1);
    // 0.01 · (1 + 4 + 9 + 16 + 25 + 36)
    allclose(layer.losses[0]!, 0.91, { dtype: "float64" });
    layer.kernel.assign(tg.ones([3, 2]));
    allclose(layer.losses[0]!, 0.06);

    const both = knownDense({ kernelRegularizer: l2, biasRegularizer: l2 });
    assert.equal(both.losses.length, 2);
    allclose(both.losses[1]!, 0.005);
    assert.deepEqual(knownDense().losses, []);
  });

  test("a penalty differentiates with respect to its weight", () => {
    const layer = knownDense({ kernelRegularizer: l2 });
    const tape = new tg.GradientTape();
    const penalty = layer.losses[0]!;
    const g = tape.gradient(penalty, layer.kernel);
    allclose(g!, [
      [0.02, 0.04],
      [0.06, 0.08],
      [0.1, 0.12],
    ]);
  });

  test("a kernel constraint is applied after each SGD step", () => {
    const clip = (w: tg.Tensor) => tg.clip(w, -2, 2);
    const layer = knownDense({ kernelConstraint: clip });
    const opt = new tg.optimizers.SGD({ learningRate: 0.5 });
    // Gradients of sum(y) for x = [[1, 2, 3]]: kernel rows 1, 2, 3.
    const tape = new tg.GradientTape();
    const y = layer.apply([[1, 2, 3]]).sum();
    const grads = tape.gradient(y, layer.trainableVariables);
    opt.applyGradients(tg.zip(grads, layer.trainableVariables));
    const lr = Math.fround(0.5);
    // Without the constraint: [[0.5, 1.5], [2, 3], [3.5, 4.5]].
    allclose(layer.kernel, [
      [1 - lr, 2 - lr],
      [2, 2],
      [2, 2],
    ]);
    // The bias has no constraint: 0.5 − 0.5 and −0.5 − 0.5.
    allclose(layer.bias, [0, -1]);
  });
});
