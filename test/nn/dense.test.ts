// SPDX-License-Identifier: Apache-2.0
/**
 * Dense (src/nn/layers/dense.ts): the output against a hand computation
 * for inputs of rank 1, 2 and 3, activations, useBias, default
 * initializers, dtypes, option and shape errors, and float64 gradient
 * checks through the layer's own call path.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

const KERNEL = [
  [0.5, -1],
  [2, 0.25],
  [-1.5, 3],
];
const BIAS = [0.1, -0.2];

/** A Dense [3 → 2] with KERNEL and BIAS. */
function known(args: Partial<tg.layers.DenseArgs> = {}): tg.layers.Dense {
  const layer = new tg.layers.Dense({ units: 2, ...args });
  layer.build([null, 3]);
  layer.setWeights(args.useBias === false ? [KERNEL] : [KERNEL, BIAS]);
  return layer;
}

/** x · KERNEL + BIAS for one sample, in float64. */
function byHand(x: readonly number[], bias = BIAS): number[] {
  return [0, 1].map(
    (j) => x.reduce((s, xi, i) => s + xi * KERNEL[i]![j]!, 0) + bias[j]!,
  );
}

describe("output", () => {
  test("rank 2: x · kernel + bias", () => {
    const x = [
      [1, 2, 3],
      [-1, 0.5, 4],
    ];
    const y = known().apply(x);
    assert.deepEqual(y.shape, [2, 2]);
    assert.equal(y.dtype, "float32");
    allclose(
      y,
      x.map((r) => byHand(r)),
    );
  });

  test("rank 1: one sample, output [units]", () => {
    const y = known().apply([1, 2, 3]);
    assert.deepEqual(y.shape, [2]);
    allclose(y, byHand([1, 2, 3]));
  });

  test("rank 3: the product runs over the last axis", () => {
    const x = [
      [
        [1, 2, 3],
        [0, 0, 1],
      ],
      [
        [2, -1, 0],
        [0.5, 0.5, 0.5],
      ],
    ];
    const y = known().apply(x);
    assert.deepEqual(y.shape, [2, 2, 2]);
    allclose(
      y,
      x.map((m) => m.map((r) => byHand(r))),
    );
  });

  test("a number is one sample with one feature, [1, 1]", () => {
    const layer = new tg.layers.Dense({ units: 2 });
    const y = layer.apply(3);
    assert.deepEqual(layer.kernel.shape, [1, 2]);
    assert.deepEqual(y.shape, [1, 2]);
    const [k0, k1] = Array.from(layer.kernel.data);
    allclose(y, [[3 * k0!, 3 * k1!]]);
  });
});

describe("activation and bias", () => {
  test("by name", () => {
    const x = [
      [1, 2, 3],
      [-1, 0.5, 4],
    ];
    const relu = (v: number) => Math.max(v, 0);
    allclose(
      known({ activation: "relu" }).apply(x),
      x.map((r) => byHand(r).map(relu)),
    );
    allclose(
      known({ activation: "tanh" }).apply(x),
      x.map((r) => byHand(r).map(Math.tanh)),
    );
  });

  test("by function", () => {
    const x = [[1, 2, 3]];
    const layer = known({ activation: (t: tg.Tensor) => t.mul(2).add(1) });
    allclose(layer.apply(x), [byHand(x[0]!).map((v) => 2 * v + 1)]);
    const sig = known({ activation: tg.activations.sigmoid });
    allclose(sig.apply(x), [byHand(x[0]!).map((v) => 1 / (1 + Math.exp(-v)))]);
  });

  test("useBias false: one weight, no bias, and the getter says so", () => {
    const layer = known({ useBias: false, name: "nobias" });
    assert.equal(layer.weights.length, 1);
    assert.equal(layer.countParams(), 6);
    allclose(layer.apply([[1, 2, 3]]), [byHand([1, 2, 3], [0, 0])]);
    assert.throws(() => layer.bias, {
      name: "ValueError",
      message: 'Dense "nobias": has no bias (useBias is false)',
    });
    assert.throws(() => layer.bias, tg.ValueError);
  });

  test("kernel and bias do not exist before the layer is built", () => {
    const layer = new tg.layers.Dense({ units: 2, name: "fresh" });
    assert.throws(
      () => layer.kernel,
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message ===
          'Dense "fresh": the kernel does not exist until the layer is ' +
            "built; apply the layer to an input first",
    );
    assert.throws(
      () => layer.bias,
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.startsWith('Dense "fresh": the bias does not exist') &&
        /apply the layer to an input first/.test(e.message),
    );
  });
});

describe("initializers and dtypes", () => {
  test("defaults: glorot_uniform kernel within its limit, zeros bias", () => {
    tg.setSeed(1);
    const layer = new tg.layers.Dense({ units: 30 });
    assert.equal(layer.kernelInitializer.className, "GlorotUniform");
    assert.equal(layer.biasInitializer.className, "Zeros");
    layer.build([null, 20]);
    const limit = Math.sqrt(6 / (20 + 30));
    const k = Array.from(layer.kernel.data);
    assert.ok(k.every((v) => Math.abs(v) <= limit));
    // Uniform over the range: it reaches near both ends and is centred.
    assert.ok(Math.max(...k) > 0.9 * limit);
    assert.ok(Math.min(...k) < -0.9 * limit);
    const mean = k.reduce((s, v) => s + v, 0) / k.length;
    assert.ok(Math.abs(mean) < 0.1 * limit, `mean ${mean}`);
    allclose(layer.bias, tg.zeros([30]));
  });

  test("named and object initializers", () => {
    const layer = new tg.layers.Dense({
      units: 2,
      kernelInitializer: "ones",
      biasInitializer: tg.initializers.constant(0.5),
    });
    allclose(layer.apply([[1, 2, 3]]), [[6.5, 6.5]]);
  });

  test("float64 keeps float64 and casts float32 inputs", () => {
    const layer = new tg.layers.Dense({
      units: 1,
      dtype: "float64",
      kernelInitializer: "ones",
    });
    const x32 = tg.tensor([[0.1, 0.2, 0.3]]);
    const y = layer.apply(x32);
    assert.equal(layer.kernel.dtype, "float64");
    assert.equal(layer.bias.dtype, "float64");
    assert.equal(y.dtype, "float64");
    const f = Math.fround;
    allclose(y, [[f(0.1) + f(0.2) + f(0.3)]], { dtype: "float64" });

    // Nested arrays become float64 directly: no float32 rounding.
    const exact = layer.apply([[0.1, 0.2, 0.3]]);
    allclose(exact, [[0.1 + 0.2 + 0.3]], { dtype: "float64" });
    const one = new tg.layers.Dense({
      units: 1,
      dtype: "float64",
      kernelInitializer: "ones",
    });
    allclose(one.apply(0.1), [[0.1]], { dtype: "float64" });
  });
});

describe("errors", () => {
  test("an input with another last dimension throws a ShapeError", () => {
    const layer = new tg.layers.Dense({ units: 2 });
    layer.apply(tg.zeros([2, 3]));
    assert.throws(() => layer.apply(tg.zeros([2, 4])), {
      name: "ShapeError",
      message: `Dense "${layer.name}": expected an input whose last dimension is 3, got shape [2,4]`,
    });
    assert.throws(
      () => layer.apply(tg.zeros([2, 4])),
      (e: unknown) => e instanceof tg.ShapeError,
    );
    assert.throws(() => layer.apply(tg.zeros([5, 1, 2])), {
      name: "ShapeError",
      message: /last dimension is 3, got shape \[5,1,2\]$/,
    });
  });

  test("a rank-0 input cannot build a Dense", () => {
    const layer = new tg.layers.Dense({ units: 2, name: "d0" });
    assert.throws(() => layer.apply(tg.scalar(1)), {
      name: "ShapeError",
      message: /^Dense "d0": expected an input of rank >= 1 .*got shape \[\]$/,
    });
    assert.equal(layer.built, false);
  });

  for (const units of [0, -1, 1.5, Number.NaN]) {
    test(`units=${units} is a ValueError`, () => {
      assert.throws(
        () => new tg.layers.Dense({ units }),
        (e: unknown) =>
          e instanceof tg.ValueError &&
          e.message ===
            `Dense: expected units to be a positive integer, got units=${units}`,
      );
    });
  }

  test("units must be a number, and the options an object", () => {
    assert.throws(() => new tg.layers.Dense({ units: "2" as never }), {
      name: "ValueError",
      message: /got units="2"$/,
    });
    assert.throws(() => tg.layers.dense(undefined as never), {
      name: "ValueError",
      message: "Dense: expected an options object, got undefined",
    });
  });

  test("an unknown activation name is a ValueError", () => {
    assert.throws(
      () => new tg.layers.Dense({ units: 1, activation: "relux" }),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.startsWith("activations.get: expected one of ") &&
        e.message.endsWith('got "relux"'),
    );
  });

  test("an unknown initializer name is a ValueError", () => {
    for (const key of ["kernelInitializer", "biasInitializer"]) {
      assert.throws(
        () => new tg.layers.Dense({ units: 1, [key]: "glorot_unifrom" }),
        (e: unknown) =>
          e instanceof tg.ValueError &&
          e.message.startsWith("initializers.get: expected one of ") &&
          e.message.endsWith('got "glorot_unifrom"'),
      );
    }
  });

  test("getConfig of a custom activation function is a ValueError", () => {
    const layer = new tg.layers.Dense({
      units: 1,
      activation: function double(t: tg.Tensor) {
        return t.mul(2);
      },
    });
    assert.throws(() => layer.getConfig(), {
      name: "ValueError",
      message: /^activations.serialize: .*function "double"/,
    });
  });
});

describe("gradients (float64)", () => {
  /** A float64 Dense [3 → 2] with tanh and KERNEL, BIAS. */
  function layer64(): tg.layers.Dense {
    return known({ dtype: "float64", activation: "tanh" });
  }

  test("checkGradients with respect to the input, rank 2 and 3", () => {
    const layer = layer64();
    const f = (x: tg.Tensor) => layer.apply(x);
    const x2 = [
      [0.3, -0.2, 0.1],
      [0.05, 0.4, -0.3],
    ];
    const report = tg.testing.checkGradients(f, [x2]);
    assert.ok(report.maxError < 1e-8, `maxError ${report.maxError}`);
    tg.testing.checkGradients(f, [[x2, x2.map((r) => r.map((v) => -v))]]);
  });

  test("the tape's gradient for kernel and bias matches central differences", () => {
    // The numeric side moves the layer's own variables with assign and
    // re-runs layer.apply, so both sides go through Dense.call.
    const layer = layer64();
    const x = tg.tensor(
      [
        [0.3, -0.2, 0.1],
        [0.05, 0.4, -0.3],
      ],
      undefined,
      "float64",
    );
    const w = tg.tensor(
      [
        [0.7, -1.3],
        [1.1, 0.4],
      ],
      undefined,
      "float64",
    );
    const objective = () => layer.apply(x).mul(w).sum();

    const tape = new tg.GradientTape();
    const [gk, gb] = tape.gradient(objective(), [layer.kernel, layer.bias]);
    assert.ok(gk && gb);
    assert.equal(gk.dtype, "float64");

    for (const [v, g] of [
      [layer.kernel, gk],
      [layer.bias, gb],
    ] as const) {
      const numeric = centralDifferences(objective, v);
      allclose(g, tg.tensor(numeric, [...v.shape], "float64"), {
        rtol: 1e-7,
        atol: 1e-8,
      });
    }
  });

  test("a wrong analytic gradient would be caught", () => {
    // Guards the check above: a kernel gradient off by a factor fails it.
    const layer = layer64();
    const x = [[0.3, -0.2, 0.1]];
    const objective = () => layer.apply(x).sum();
    const tape = new tg.GradientTape();
    const gk = tape.gradient(objective(), layer.kernel)!;
    const numeric = centralDifferences(objective, layer.kernel);
    assert.throws(() =>
      allclose(gk.mul(1.001), tg.tensor(numeric, [3, 2], "float64"), {
        rtol: 1e-7,
        atol: 1e-8,
      }),
    );
  });
});

/** d objective / d v by central differences, moving v in place. */
function centralDifferences(
  objective: () => tg.Tensor,
  v: tg.Variable,
  eps = 1e-6,
): number[] {
  const base = Float64Array.from(v.data);
  const at = (j: number, delta: number) => {
    const moved = Float64Array.from(base);
    moved[j]! += delta;
    v.assign(tg.tensor(moved, [...v.shape], "float64"));
    return objective().item();
  };
  const out: number[] = [];
  for (let j = 0; j < base.length; j++) {
    out.push((at(j, eps) - at(j, -eps)) / (2 * eps));
  }
  v.assign(tg.tensor(base, [...v.shape], "float64"));
  return out;
}
