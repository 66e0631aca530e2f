// SPDX-License-Identifier: Apache-2.0
/**
 * Normalization layers (src/nn/layers/normalization.ts): BatchNormalization
 * against real Keras 3 (test/fixtures/keras/batchnorm.json), a hand
 * computation and TensorFlow.js, in training and inference; the moving
 * statistics' update (untaped, by fit); LayerNormalization,
 * GroupNormalization and UnitNormalization against hand computations and
 * TensorFlow.js; shapes, weights, configs, gradients and errors.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

interface Fixture {
  input: number[][];
  output: number[][];
  weights: number[][] | number[][][];
}

const fixture = JSON.parse(
  readFileSync(
    new URL("../../fixtures/keras/batchnorm.json", import.meta.url),
    "utf8",
  ),
) as Fixture;

/** tanh as a layer (the fixture's Activation). */
class Tanh extends tg.layers.Layer {
  override call(x: tg.Tensor): tg.Tensor {
    return tg.tanh(x);
  }
}

/** A deterministic [rows, cols] batch. */
function batch(rows: number, cols: number, seed = 1): number[][] {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) =>
      Number((Math.sin(seed * 7 + i * 3.1 + j * 1.7) * 2 + j * 0.3).toFixed(4)),
    ),
  );
}

/** Column statistics of a 2-D batch, biased variance, in float64. */
function columnStats(x: number[][]): { mean: number[]; variance: number[] } {
  const n = x.length;
  const cols = x[0]!.length;
  const mean = Array.from(
    { length: cols },
    (_, j) => x.reduce((s, r) => s + r[j]!, 0) / n,
  );
  const variance = mean.map(
    (m, j) => x.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / n,
  );
  return { mean, variance };
}

const GAMMA = [1.5, -0.5, 2];
const BETA = [0.1, 0.2, -0.3];
const MM = [0.5, -1, 0.25];
const MV = [2, 0.5, 1.5];

function knownBN(
  args: tg.layers.BatchNormalizationArgs = {},
): tg.layers.BatchNormalization {
  const bn = new tg.layers.BatchNormalization(args);
  bn.build([null, 3]);
  bn.setWeights([GAMMA, BETA, MM, MV]);
  return bn;
}

describe("BatchNormalization: real Keras 3", () => {
  const build = () => {
    const m = new tg.Sequential([
      tg.layers.dense({ units: 5 }),
      tg.layers.batchNormalization(),
      new Tanh(),
      tg.layers.dense({ units: 1 }),
    ]);
    m.build([null, 6]);
    return m;
  };

  test("a Sequential model given Keras's get_weights() reproduces predict", () => {
    const m = build();
    assert.deepEqual(
      m.weights.map((w) => w.shape),
      [[6, 5], [5], [5], [5], [5], [5], [5, 1], [1]],
    );
    m.setWeights(fixture.weights);
    allclose(m.apply(fixture.input), fixture.output, { rtol: 1e-5, atol: 0 });
    allclose(m.predict(fixture.input), fixture.output, {
      rtol: 1e-5,
      atol: 0,
    });
  });

  test("a functional model does too, and keeps Keras's weight order", () => {
    const x = tg.input({ shape: [6] });
    const h = tg.layers.dense({ units: 5 }).apply(x);
    const b = tg.layers.batchNormalization().apply(h);
    const y = tg.layers.dense({ units: 1 }).apply(new Tanh().apply(b));
    const m = new tg.Model({ inputs: x, outputs: y });
    m.setWeights(fixture.weights);
    allclose(m.apply(fixture.input), fixture.output, { rtol: 1e-5, atol: 0 });
    const names = m.weights.map((w) => w.name.split("/")[1]);
    assert.deepEqual(names, [
      "kernel",
      "bias",
      "gamma",
      "beta",
      "moving_mean",
      "moving_variance",
      "kernel",
      "bias",
    ]);
    assert.equal(m.trainableWeights.length, 6);
    assert.equal(m.nonTrainableWeights.length, 2);
  });
});

describe("BatchNormalization: values", () => {
  const x = batch(4, 3);

  test("inference: gamma (x - movingMean) / sqrt(movingVariance + eps) + beta", () => {
    const bn = knownBN();
    const expected = x.map((r) =>
      r.map(
        (v, j) =>
          (GAMMA[j]! * (v - MM[j]!)) / Math.sqrt(MV[j]! + 1e-3) + BETA[j]!,
      ),
    );
    allclose(bn.apply(x), expected, { rtol: 1e-6, atol: 1e-6 });
    allclose(bn.apply(x, { training: false }), expected, {
      rtol: 1e-6,
      atol: 1e-6,
    });
    allclose(bn.movingMean, MM); // unchanged
  });

  test("training: batch statistics (biased), and the moving update", () => {
    const bn = knownBN({ momentum: 0.9 });
    const { mean, variance } = columnStats(x);
    const expected = x.map((r) =>
      r.map(
        (v, j) =>
          (GAMMA[j]! * (v - mean[j]!)) / Math.sqrt(variance[j]! + 1e-3) +
          BETA[j]!,
      ),
    );
    allclose(bn.apply(x, { training: true }), expected, {
      rtol: 1e-5,
      atol: 1e-5,
    });
    allclose(
      bn.movingMean,
      MM.map((m, j) => m * 0.9 + mean[j]! * 0.1),
      { rtol: 1e-6 },
    );
    allclose(
      bn.movingVariance,
      MV.map((v, j) => v * 0.9 + variance[j]! * 0.1),
      { rtol: 1e-6 },
    );
    allclose(bn.gamma!, GAMMA);
  });

  test("a frozen layer uses the moving statistics even in training (Keras 3)", () => {
    const bn = knownBN();
    const inference = bn.apply(x).toArray();
    bn.trainable = false;
    allclose(bn.apply(x, { training: true }), inference);
    allclose(bn.movingMean, MM);
    assert.equal(bn.trainableWeights.length, 0);
    assert.equal(bn.weights.length, 4);
  });

  test("axis 1 of a rank-4 input (channels first) and center/scale false", () => {
    const bn = new tg.layers.BatchNormalization({
      axis: 1,
      center: false,
      scale: false,
      epsilon: 0,
    });
    const x4 = tg.reshape(tg.range(0, 16), [2, 2, 2, 2]);
    const y = bn.apply(x4, { training: true });
    assert.deepEqual(y.shape, [2, 2, 2, 2]);
    assert.equal(bn.weights.length, 2);
    assert.equal(bn.gamma, null);
    // channel 0 holds 0,1,2,3,8,9,10,11: mean 5.5, variance 17.25.
    allclose(bn.movingMean, [0.055, 0.095], { rtol: 1e-6 });
    allclose(
      tg.slice(y, [0, 0, 0, 0], [1, 1, 1, 2]).reshape([2]),
      [-5.5 / Math.sqrt(17.25), -4.5 / Math.sqrt(17.25)],
      { rtol: 1e-6 },
    );
  });

  test("float64 stays float64", () => {
    const bn = new tg.layers.BatchNormalization({ dtype: "float64" });
    const y = bn.apply(tg.tensor(x, undefined, "float64"), { training: true });
    assert.equal(y.dtype, "float64");
    assert.equal(bn.movingMean.dtype, "float64");
  });
});

describe("BatchNormalization: training", () => {
  test("the moving update is not taped; gradients reach gamma and beta", () => {
    const bn = knownBN();
    const x = tg.tensor(batch(5, 3));
    const tape = new tg.GradientTape({ persistent: true });
    tape.watch(x);
    const loss = tg.sum(tg.square(bn.apply(x, { training: true }).sub(1)));
    assert.deepEqual(
      tape.watchedVariables().map((v) => (v as tg.Variable).name.split("/")[1]),
      ["gamma", "beta"],
    );
    const [gg, gb, gm] = tape.gradient(loss, [
      bn.gamma!,
      bn.beta!,
      bn.movingMean,
    ]);
    assert.ok(gg && gb);
    assert.equal(gm, null);
    assert.notDeepEqual(bn.movingMean.toArray(), MM);
  });

  test("fit updates the moving statistics and the trainable weights", () => {
    const m = new tg.Sequential([
      tg.layers.dense({ units: 3, kernelInitializer: "ones" }),
      tg.layers.batchNormalization(),
      tg.layers.dense({ units: 1, kernelInitializer: "ones" }),
    ]);
    m.build([null, 2]);
    const bn = m.layers[1] as tg.layers.BatchNormalization;
    m.compile({ optimizer: tg.optimizers.get("sgd"), loss: "mse" });
    const x = batch(8, 2);
    const y = x.map((r) => [r[0]! - r[1]!]);
    const before = bn.getWeights().map((w) => w.toArray());
    m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
    const after = bn.getWeights().map((w) => w.toArray());
    for (let i = 0; i < 4; i++) assert.notDeepEqual(after[i], before[i]);
    // One batch: movingMean = 0.99 * 0 + 0.01 * batch mean of Dense's output.
    const h = x.map((r) => [r[0]! + r[1]!, r[0]! + r[1]!, r[0]! + r[1]!]);
    const { mean, variance } = columnStats(h);
    allclose(
      bn.movingMean,
      mean.map((v) => 0.01 * v),
      { rtol: 1e-5 },
    );
    allclose(
      bn.movingVariance,
      variance.map((v) => 0.99 + 0.01 * v),
      {
        rtol: 1e-5,
      },
    );
  });
});

describe("LayerNormalization", () => {
  test("values against a hand computation, axis -1", () => {
    const x = batch(3, 4);
    const ln = new tg.layers.LayerNormalization({
      gammaInitializer: tg.initializers.constant(2),
      betaInitializer: tg.initializers.constant(0.5),
    });
    const expected = x.map((r) => {
      const m = r.reduce((s, v) => s + v, 0) / r.length;
      const v = r.reduce((s, e) => s + (e - m) ** 2, 0) / r.length;
      return r.map((e) => (2 * (e - m)) / Math.sqrt(v + 1e-3) + 0.5);
    });
    allclose(ln.apply(x), expected, { rtol: 1e-5, atol: 1e-6 });
    assert.deepEqual(
      ln.weights.map((w) => [w.name.split("/")[1], w.shape]),
      [
        ["gamma", [4]],
        ["beta", [4]],
      ],
    );
  });

  test("axis [1, 2] normalizes each sample over both; weights [d1, d2]", () => {
    const ln = new tg.layers.LayerNormalization({ axis: [1, 2], epsilon: 0 });
    const x = tg.reshape(tg.range(0, 12), [2, 3, 2]);
    const y = ln.apply(x);
    assert.deepEqual(ln.gamma!.shape, [3, 2]);
    // each sample is 6 consecutive numbers: mean +2.5, variance 35/12.
    const s = Math.sqrt(35 / 12);
    allclose(
      y.reshape([2, 6]),
      [0, 1].map(() => [0, 1, 2, 3, 4, 5].map((v) => (v - 2.5) / s)),
      { rtol: 1e-5, atol: 1e-6 },
    );
  });

  test("shapes for several ranks and symbolic inputs", () => {
    for (const shape of [
      [2, 5],
      [2, 3, 5],
      [1, 2, 3, 5],
    ]) {
      const ln = tg.layers.layerNormalization();
      assert.deepEqual(ln.apply(tg.ones(shape)).shape, shape);
      assert.deepEqual(ln.gamma!.shape, [5]);
    }
    const s = tg.input({ shape: [4, 5] });
    assert.deepEqual(tg.layers.layerNormalization().apply(s).shape, [
      null,
      4,
      5,
    ]);
  });

  test("center/scale false: no weights", () => {
    const ln = tg.layers.layerNormalization({ center: false, scale: false });
    ln.apply(tg.ones([1, 3]));
    assert.equal(ln.weights.length, 0);
  });
});

describe("UnitNormalization", () => {
  test("unit L2 norm over axis, and zero rows stay zero", () => {
    const un = tg.layers.unitNormalization();
    allclose(
      un.apply([
        [3, 4],
        [0, 0],
        [1, 1],
      ]),
      [
        [0.6, 0.8],
        [0, 0],
        [Math.SQRT1_2, Math.SQRT1_2],
      ],
      { rtol: 1e-6 },
    );
    assert.equal(un.weights.length, 0);
  });

  test("axis list: over [1, 2]", () => {
    const un = tg.layers.unitNormalization({ axis: [1, 2] });
    const y = un.apply(tg.ones([2, 2, 2]));
    allclose(y, tg.fill([2, 2, 2], 0.5));
  });
});

describe("configs", () => {
  test("getConfig / fromConfig round trips", () => {
    const bn = new tg.layers.BatchNormalization({
      axis: 1,
      momentum: 0.9,
      epsilon: 1e-5,
      center: false,
      gammaRegularizer: "l2",
    });
    const c = bn.getConfig();
    assert.equal(c.axis, 1);
    assert.equal(c.momentum, 0.9);
    assert.equal(c.epsilon, 1e-5);
    assert.equal(c.center, false);
    const bn2 = tg.layers.BatchNormalization.fromConfig({ ...c, name: "bn2" });
    assert.deepEqual({ ...bn2.getConfig(), name: c.name }, c);

    const ln = new tg.layers.LayerNormalization({ axis: [1, 2] });
    const lc = ln.getConfig();
    assert.deepEqual(lc.axis, [1, 2]);
    assert.equal(lc.epsilon, 1e-3);
    const ln2 = tg.layers.LayerNormalization.fromConfig({ ...lc, name: "ln2" });
    assert.deepEqual({ ...ln2.getConfig(), name: lc.name }, lc);

    const un = new tg.layers.UnitNormalization({ axis: 0 });
    assert.equal(un.getConfig().axis, 0);
    assert.equal(
      tg.layers.UnitNormalization.fromConfig(un.getConfig()).getConfig().axis,
      0,
    );
  });

  test("defaults are Keras's", () => {
    const bn = new tg.layers.BatchNormalization();
    assert.equal(bn.axis, -1);
    assert.equal(bn.momentum, 0.99);
    assert.equal(bn.epsilon, 1e-3);
    assert.equal(bn.center, true);
    assert.equal(bn.scale, true);
    const ln = new tg.layers.LayerNormalization();
    assert.equal(ln.axis, -1);
    assert.equal(ln.epsilon, 1e-3);
  });
});

describe("gradients (float64)", () => {
  const x = batch(4, 3);

  test("BatchNormalization and LayerNormalization w.r.t. gamma and beta", () => {
    const w = tg.tensor(batch(4, 3, 5), undefined, "float64");
    const x64 = tg.tensor(x, undefined, "float64");
    const layers: [tg.layers.Layer, boolean][] = [
      [new tg.layers.BatchNormalization({ dtype: "float64" }), true],
      [new tg.layers.BatchNormalization({ dtype: "float64" }), false],
      [new tg.layers.LayerNormalization({ dtype: "float64" }), false],
    ];
    for (const [layer, training] of layers) {
      layer.build([null, 3]);
      const vars = layer.trainableVariables;
      vars[0]!.assign(tg.tensor(GAMMA, undefined, "float64"));
      vars[1]!.assign(tg.tensor(BETA, undefined, "float64"));
      const objective = () => layer.apply(x64, { training }).mul(w).sum();
      const tape = new tg.GradientTape();
      const grads = tape.gradient(objective(), vars);
      for (const [i, v] of vars.entries()) {
        const numeric = centralDifferences(objective, v);
        allclose(grads[i]!, tg.tensor(numeric, [3], "float64"), {
          rtol: 1e-7,
          atol: 1e-8,
        });
      }
    }
  });

  test("BatchNormalization w.r.t. inputs (training and inference)", () => {
    for (const training of [true, false]) {
      const bn = new tg.layers.BatchNormalization({ dtype: "float64" });
      bn.build([null, 3]);
      bn.setWeights([GAMMA, BETA, MM, MV]);
      const r = tg.testing.checkGradients(
        (xi) => bn.apply(xi, { training }),
        [x],
      );
      assert.ok(r.maxError < 1e-6, `training ${training}: ${r.maxError}`);
    }
  });

  test("LayerNormalization and UnitNormalization w.r.t. inputs", () => {
    const ln = new tg.layers.LayerNormalization({
      axis: [1, 2],
      dtype: "float64",
      gammaInitializer: tg.initializers.constant(1.5),
    });
    const x3 = tg.reshape(
      tg.tensor(batch(2, 6), undefined, "float64"),
      [2, 3, 2],
    );
    let r = tg.testing.checkGradients((xi) => ln.apply(xi), [x3]);
    assert.ok(r.maxError < 1e-6, `ln: ${r.maxError}`);
    const un = new tg.layers.UnitNormalization({ dtype: "float64" });
    r = tg.testing.checkGradients((xi) => un.apply(xi), [x]);
    assert.ok(r.maxError < 1e-6, `un: ${r.maxError}`);
  });
});

describe("TensorFlow.js", () => {
  test("batchNormalization, inference and training, same weights", async () => {
    const tf = await loadTf();
    const x = batch(6, 3, 3);
    for (const training of [false, true]) {
      const theirs = tf.layers.batchNormalization({ axis: -1 });
      theirs.apply(tf.zeros([1, 3]));
      theirs.setWeights([GAMMA, BETA, MM, MV].map((w) => tf.tensor(w)));
      const expected = (
        theirs.apply(tf.tensor(x), { training }) as typeof tf.Tensor.prototype
      ).arraySync() as number[][];
      const ours = knownBN().apply(x, { training });
      allclose(ours, expected, { rtol: 1e-5, atol: 1e-6 });
    }
  });

  test("layerNormalization, same weights", async () => {
    const tf = await loadTf();
    const x = batch(4, 5, 2);
    const g = [0.5, 1, 1.5, 2, -1];
    const b = [0, 0.1, 0.2, 0.3, 0.4];
    const theirs = tf.layers.layerNormalization({ axis: -1 });
    theirs.apply(tf.zeros([1, 5]));
    theirs.setWeights([tf.tensor(g), tf.tensor(b)]);
    const expected = (
      theirs.apply(tf.tensor(x)) as typeof tf.Tensor.prototype
    ).arraySync() as number[][];
    const ln = tg.layers.layerNormalization();
    ln.build([null, 5]);
    ln.setWeights([g, b]);
    allclose(ln.apply(x), expected, { rtol: 1e-5, atol: 1e-6 });
  });
});

describe("errors", () => {
  test("bad options", () => {
    assert.throws(() => new tg.layers.BatchNormalization({ momentum: 1.5 }), {
      name: "ValueError",
      message:
        "BatchNormalization: expected momentum in [0, 1], got momentum=1.5",
    });
    assert.throws(() => new tg.layers.BatchNormalization({ axis: 0.5 }), {
      name: "ValueError",
      message:
        "BatchNormalization: expected axis to be an integer, got axis=0.5",
    });
    assert.throws(() => new tg.layers.LayerNormalization({ epsilon: -1 }), {
      name: "ValueError",
      message:
        "LayerNormalization: expected epsilon to be a finite number >= 0, got epsilon=-1",
    });
    assert.throws(
      () => new tg.layers.UnitNormalization({ axis: [] as number[] }),
      {
        name: "ValueError",
        message:
          /^UnitNormalization: expected axis to be an integer or a non-empty list/,
      },
    );
  });

  test("bad shapes", () => {
    const bn = new tg.layers.BatchNormalization({ axis: 3, name: "bn" });
    assert.throws(() => bn.apply(tg.ones([2, 3])), {
      name: "ShapeError",
      message:
        /^BatchNormalization "bn": expected axis 3 to name distinct dimensions/,
    });
    assert.equal(bn.built, false);
    const ok = knownBN({ name: "bn3" });
    assert.throws(() => ok.apply(tg.ones([2, 4])), {
      name: "ShapeError",
      message:
        'BatchNormalization "bn3": expected an input of rank 2 with dimension 3 on axis -1, got shape [2,4]',
    });
    assert.throws(() => new tg.layers.BatchNormalization().movingMean, {
      name: "ValueError",
      message: /movingMean does not exist until the layer is built/,
    });
  });
});

/** d objective / d v by central differences, moving v in place. */
function centralDifferences(
  objective: () => tg.Tensor,
  v: tg.Variable,
  eps = 1e-6,
): number[] {
  const base = v.toArray() as number[];
  return base.map((_, i) => {
    const at = (d: number) => {
      v.assign(
        tg.tensor(
          base.map((b, j) => (j === i ? b + d : b)),
          undefined,
          "float64",
        ),
      );
      return objective().item();
    };
    const g = (at(eps) - at(-eps)) / (2 * eps);
    v.assign(tg.tensor(base, undefined, "float64"));
    return g;
  });
}

describe("GroupNormalization", () => {
  test("values against a hand computation: groups of consecutive channels", () => {
    const x = batch(2, 6);
    const gamma = [1, 2, 3, -1, 0.5, 1.5];
    const beta = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
    const gn = new tg.layers.GroupNormalization({ groups: 3 });
    gn.build([null, 6]);
    gn.setWeights([gamma, beta]);
    const expected = x.map((r) =>
      r.map((v, c) => {
        const grp = r.slice(c - (c % 2), c - (c % 2) + 2);
        const m = (grp[0]! + grp[1]!) / 2;
        const va = ((grp[0]! - m) ** 2 + (grp[1]! - m) ** 2) / 2;
        return (gamma[c]! * (v - m)) / Math.sqrt(va + 1e-3) + beta[c]!;
      }),
    );
    allclose(gn.apply(x), expected, { rtol: 1e-5, atol: 1e-5 });
    assert.deepEqual(
      gn.weights.map((w) => [w.name.split("/")[1], w.shape]),
      [
        ["gamma", [6]],
        ["beta", [6]],
      ],
    );
  });

  test("rank 3, axis -1: statistics over the steps and the group", () => {
    // [1, 2 steps, 4 channels], 2 groups: group 0 is channels 0-1 of both steps.
    const x = [
      [
        [1, 2, 10, 20],
        [3, 4, 30, 40],
      ],
    ];
    const gn = tg.layers.groupNormalization({ groups: 2, epsilon: 0 });
    const y = gn.apply(x);
    const s0 = Math.sqrt(1.25);
    const s1 = Math.sqrt(125);
    allclose(
      y,
      [
        [
          [-1.5 / s0, -0.5 / s0, -15 / s1, -5 / s1],
          [0.5 / s0, 1.5 / s0, 5 / s1, 15 / s1],
        ],
      ],
      { rtol: 1e-5, atol: 1e-6 },
    );
  });

  test("axis 1 (channels first) equals axis -1 on the transposed input", () => {
    const x = tg.tensor(batch(2, 24)).reshape([2, 4, 6]);
    const a = tg.layers.groupNormalization({ groups: 2, axis: 1 }).apply(x);
    const b = tg.layers
      .groupNormalization({ groups: 2 })
      .apply(tg.transpose(x, [0, 2, 1]));
    allclose(a, tg.transpose(b, [0, 2, 1]), { rtol: 1e-5, atol: 1e-5 });
  });

  test("shapes, symbolic shapes, config, defaults", () => {
    for (const shape of [
      [2, 32],
      [3, 4, 64],
      [1, 2, 2, 32],
    ]) {
      const gn = tg.layers.groupNormalization();
      assert.deepEqual(gn.apply(tg.ones(shape)).shape, shape);
      assert.deepEqual(gn.gamma!.shape, [shape[shape.length - 1]]);
    }
    const s = tg.input({ shape: [5, 8] });
    assert.deepEqual(
      tg.layers.groupNormalization({ groups: 4 }).apply(s).shape,
      [null, 5, 8],
    );
    const gn = new tg.layers.GroupNormalization({ groups: 4, axis: 1 });
    assert.equal(new tg.layers.GroupNormalization().groups, 32);
    assert.equal(new tg.layers.GroupNormalization().epsilon, 1e-3);
    const c = gn.getConfig();
    assert.equal(c.groups, 4);
    assert.equal(c.axis, 1);
    const gn2 = tg.layers.GroupNormalization.fromConfig({ ...c, name: "g2" });
    assert.deepEqual({ ...gn2.getConfig(), name: c.name }, c);
  });

  test("float64 gradients w.r.t. inputs", () => {
    const gn = new tg.layers.GroupNormalization({
      groups: 2,
      dtype: "float64",
      gammaInitializer: tg.initializers.constant(1.5),
    });
    const x = tg.reshape(
      tg.tensor(batch(2, 8), undefined, "float64"),
      [2, 2, 4],
    );
    const r = tg.testing.checkGradients((xi) => gn.apply(xi), [x]);
    assert.ok(r.maxError < 1e-6, `gn: ${r.maxError}`);
  });

  test("errors", () => {
    assert.throws(() => new tg.layers.GroupNormalization({ groups: 0 }), {
      name: "ValueError",
      message:
        "GroupNormalization: expected groups to be a positive integer, got groups=0",
    });
    const gn = new tg.layers.GroupNormalization({ groups: 4, name: "gn" });
    assert.throws(() => gn.apply(tg.ones([2, 6])), {
      name: "ValueError",
      message:
        'GroupNormalization "gn": expected the number of channels to be a multiple of groups=4, got 6 channels (input shape [2,6])',
    });
    assert.equal(gn.built, false);
    assert.equal(gn.weights.length, 0);
  });
});

describe("a tape + SGD step trains through each layer", () => {
  const cases: [string, () => tg.layers.Layer][] = [
    ["BatchNormalization", () => tg.layers.batchNormalization()],
    ["LayerNormalization", () => tg.layers.layerNormalization()],
    ["GroupNormalization", () => tg.layers.groupNormalization({ groups: 2 })],
    ["UnitNormalization", () => tg.layers.unitNormalization()],
  ];
  for (const [name, make] of cases) {
    test(name, () => {
      const dense = tg.layers.dense({ units: 4 });
      const norm = make();
      const head = tg.layers.dense({ units: 1 });
      const m = new tg.Sequential([dense, norm, head]);
      m.build([null, 3]);
      const x = tg.tensor(batch(6, 3));
      const y = tg.tensor(batch(6, 1, 4));
      const opt = tg.optimizers.get("sgd");
      const lossFn = (a: tg.Tensor, b: tg.Tensor) =>
        tg.mean(tg.square(tg.sub(a, b)));
      const before = m.getWeights().map((w) => w.toArray());
      const tape = new tg.GradientTape();
      const loss = lossFn(y, m.apply(x, { training: true }));
      const grads = tape.gradient(loss, m.trainableVariables);
      assert.ok(grads.every((g) => g !== null));
      opt.applyGradients(tg.zip(grads, m.trainableVariables));
      const after = m.getWeights().map((w) => w.toArray());
      // The first Dense trains through the normalization.
      assert.notDeepEqual(after[0], before[0]);
      for (const w of norm.trainableWeights) {
        const i = m.weights.indexOf(w);
        assert.notDeepEqual(after[i], before[i], w.name);
      }
    });
  }
});
