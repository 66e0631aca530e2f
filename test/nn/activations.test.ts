// SPDX-License-Identifier: Apache-2.0
/**
 * Activations: values against formulas written out here with Math.* (in
 * float64), against TensorFlow.js where it has the same function (float32,
 * 1e-6 relative), gradients by central differences (float64, at points away
 * from kinks), stability at large inputs, and get / serialize.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import * as tg from "tensorgrad";
import * as act from "../../src/nn/activations.js";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

/** Points away from every kink (0, ±3, 6) of the activations. */
const XS = [-7.5, -3.4, -2.2, -0.8, -0.15, 0.35, 1.3, 2.9, 4.6, 7.2];

const f64 = (v: number[] | number[][]) => tg.tensor(v, undefined, "float64");

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.log1p(Math.exp(x));
const relu6 = (x: number) => Math.min(Math.max(x, 0), 6);
const hardSigmoid = (x: number) => relu6(x + 3) / 6;
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * erf by its everywhere-convergent series of positive terms,
 * erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·⋯·(2n+1)),
 * accurate to a few ulps for the |x| < 6 used here.
 */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** Each elementwise activation and its formula. */
const FORMULAS: [string, (x: tg.Tensor) => tg.Tensor, (x: number) => number][] =
  [
    ["linear", act.linear, (x) => x],
    ["relu", act.relu, (x) => Math.max(x, 0)],
    ["relu6", act.relu6, relu6],
    ["leakyRelu", act.leakyRelu, (x) => (x >= 0 ? x : 0.2 * x)],
    ["elu", act.elu, (x) => (x > 0 ? x : Math.exp(x) - 1)],
    [
      "selu",
      act.selu,
      (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1)),
    ],
    ["gelu", act.gelu, (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
    ["sigmoid", act.sigmoid, sigmoid],
    ["hardSigmoid", act.hardSigmoid, hardSigmoid],
    ["tanh", act.tanh, Math.tanh],
    ["softplus", act.softplus, softplus],
    ["softsign", act.softsign, (x) => x / (1 + Math.abs(x))],
    ["silu", act.silu, (x) => x * sigmoid(x)],
    ["mish", act.mish, (x) => x * Math.tanh(softplus(x))],
    ["exponential", act.exponential, Math.exp],
    ["hardSilu", act.hardSilu, (x) => x * hardSigmoid(x)],
  ];

function throwsValue(f: () => unknown, message: string | RegExp) {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof tg.ValueError, `not a ValueError: ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe("values against the formulas (float64)", () => {
  for (const [name, f, formula] of FORMULAS) {
    test(name, () => {
      const y = f(f64(XS));
      assert.equal(y.dtype, "float64");
      // exp(7.2) and erf carry a few ulps; 1e-13 relative is still exact.
      allclose(y, XS.map(formula), { rtol: 1e-13, atol: 1e-15 });
    });
  }

  test("elu and leakyRelu take their parameter", () => {
    allclose(
      act.elu(f64(XS), 0.5),
      XS.map((x) => (x > 0 ? x : 0.5 * Math.expm1(x))),
    );
    allclose(
      act.leakyRelu(f64(XS), 0.01),
      XS.map((x) => (x >= 0 ? x : 0.01 * x)),
    );
  });

  test("gelu approximate is the tanh formula, close to but not gelu", () => {
    const c = Math.sqrt(2 / Math.PI);
    const approx = (x: number) =>
      0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x ** 3)));
    const a = act.gelu(f64(XS), true);
    allclose(a, XS.map(approx), { rtol: 1e-13, atol: 1e-15 });
    const exact = act.gelu(f64(XS));
    const diffs = XS.map((_, i) => Math.abs(a.data[i]! - exact.data[i]!));
    assert.ok(Math.max(...diffs) > 1e-4, "approximate equals exact");
    assert.ok(Math.max(...diffs) < 1e-3, "approximate is far from exact");
  });

  test("relu's Keras 3 options", () => {
    const x = f64([-10, -5, 0, 5, 10]);
    assert.deepEqual(act.relu(x).toArray(), [0, 0, 0, 5, 10]);
    assert.deepEqual(
      act.relu(x, { negativeSlope: 0.5 }).toArray(),
      [-5, -2.5, 0, 5, 10],
    );
    assert.deepEqual(act.relu(x, { maxValue: 5 }).toArray(), [0, 0, 0, 5, 5]);
    assert.deepEqual(
      act.relu(x, { threshold: 5 }).toArray(),
      [-0, -0, 0, 0, 10],
    );
    assert.deepEqual(act.relu(x, { maxValue: 6 }).toArray(), [0, 0, 0, 5, 6]);
  });

  test("relu with every option at once", () => {
    const keras = (x: number, slope: number, max: number, thr: number) => {
      const positive = Math.min(Math.max(x > thr ? x : 0, 0), max);
      return positive - slope * Math.max(thr - x, 0);
    };
    for (const [slope, max, thr] of [
      [0.1, 6, 1],
      [0.3, 2.5, -1],
      [0, 4, 0.5],
    ] as const) {
      const y = act.relu(f64(XS), {
        negativeSlope: slope,
        maxValue: max,
        threshold: thr,
      });
      allclose(
        y,
        XS.map((x) => keras(x, slope, max, thr)),
      );
    }
  });

  test("softmax and logSoftmax along an axis", () => {
    const rows = [
      [0.5, -1.2, 2.3, 0.1],
      [3.3, 3.1, -0.4, 1.9],
    ];
    const soft = (r: number[]) => {
      const e = r.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    allclose(act.softmax(f64(rows)), rows.map(soft));
    allclose(
      act.logSoftmax(f64(rows)),
      rows.map((r) => soft(r).map(Math.log)),
    );
    const columns = rows[0]!.map((_, j) => soft(rows.map((r) => r[j]!)));
    allclose(
      act.softmax(f64(rows), 0),
      rows.map((_, i) => columns.map((c) => c[i]!)),
    );
  });
});

describe("against TensorFlow.js (float32, 1e-6 relative)", () => {
  let tf: typeof TF;
  before(async () => {
    tf = await loadTf();
  });

  const grid = [
    [-6.3, -2.7, -1.1, -0.45, 0.2, 0.9, 1.6, 3.8],
    [-0.9, 0.05, 2.2, -4.4, 5.5, -1.7, 0.6, 8.1],
  ];
  const cases: [
    string,
    (x: tg.Tensor) => tg.Tensor,
    (tf: typeof TF, x: TF.Tensor) => TF.Tensor,
  ][] = [
    ["relu", act.relu, (tf, x) => tf.relu(x)],
    ["relu6", act.relu6, (tf, x) => tf.relu6(x)],
    ["elu", act.elu, (tf, x) => tf.elu(x)],
    ["selu", act.selu, (tf, x) => tf.selu(x)],
    ["sigmoid", act.sigmoid, (tf, x) => tf.sigmoid(x)],
    ["tanh", act.tanh, (tf, x) => tf.tanh(x)],
    ["softplus", act.softplus, (tf, x) => tf.softplus(x)],
    ["softsign", act.softsign, (tf, x) => tf.div(x, tf.add(tf.abs(x), 1))],
    ["softmax", act.softmax, (tf, x) => tf.softmax(x)],
    ["logSoftmax", act.logSoftmax, (tf, x) => tf.logSoftmax(x)],
    [
      "leakyRelu",
      (x) => act.leakyRelu(x, 0.2),
      (tf, x) => tf.leakyRelu(x, 0.2),
    ],
    ["exponential", act.exponential, (tf, x) => tf.exp(x)],
  ];

  for (const [name, ours, theirs] of cases) {
    test(name, () => {
      const y = ours(tg.tensor(grid));
      assert.equal(y.dtype, "float32");
      const expected = theirs(tf, tf.tensor(grid)).arraySync() as number[][];
      allclose(y, expected, { rtol: 1e-6, atol: 1e-7 });
    });
  }
});

describe("gradients (float64 central differences)", () => {
  for (const [name, f] of FORMULAS) {
    test(name, () => {
      tg.testing.checkGradients((x) => f(x), [XS]);
    });
  }

  const more: [string, (x: tg.Tensor) => tg.Tensor][] = [
    ["elu alpha 0.5", (x) => act.elu(x, 0.5)],
    ["leakyRelu 0.01", (x) => act.leakyRelu(x, 0.01)],
    ["gelu approximate", (x) => act.gelu(x, true)],
    [
      "relu with options",
      (x) => act.relu(x, { negativeSlope: 0.1, maxValue: 4, threshold: 1 }),
    ],
    ["relu with maxValue 6", (x) => act.relu(x, { maxValue: 6 })],
    ["relu with negativeSlope", (x) => act.relu(x, { negativeSlope: 0.3 })],
    ["softmax, last axis", (x) => act.softmax(x.reshape([2, 5]))],
    ["softmax, axis 0", (x) => act.softmax(x.reshape([2, 5]), 0)],
    ["logSoftmax, last axis", (x) => act.logSoftmax(x.reshape([5, 2]))],
    ["logSoftmax, axis 0", (x) => act.logSoftmax(x.reshape([5, 2]), 0)],
  ];
  for (const [name, f] of more) {
    test(name, () => {
      tg.testing.checkGradients(f, [XS]);
    });
  }

  test("at 0: relu gives 0 (as TensorFlow), softplus the true 0.5", () => {
    const at0 = (f: (x: tg.Tensor) => tg.Tensor) =>
      tg
        .grad(f)(f64([0]))
        .toArray();
    assert.deepEqual(
      at0((x) => act.relu(x)),
      [0],
    );
    assert.deepEqual(at0(act.softplus), [0.5]);
    assert.deepEqual(at0(act.softsign), [1]);
    assert.deepEqual(at0(act.silu), [0.5]);
  });
});

describe("large inputs stay finite", () => {
  test("softmax of [1000, 1001] and its rows sum to 1", () => {
    const e = Math.E;
    for (const dtype of ["float32", "float64"] as const) {
      const y = act.softmax(
        tg.tensor(
          [
            [1000, 1001],
            [-1000, -1001],
          ],
          undefined,
          dtype,
        ),
      );
      allclose(y, [
        [1 / (1 + e), e / (1 + e)],
        [e / (1 + e), 1 / (1 + e)],
      ]);
    }
    const wide = act.softmax(tg.randomNormal([7, 13], 0, 30, "float64", 4));
    allclose(wide.sum(-1), new Array<number>(7).fill(1));
    assert.deepEqual(act.softmax(tg.zeros([2, 0])).shape, [2, 0]);
    assert.deepEqual(act.logSoftmax(tg.zeros([0, 3])).shape, [0, 3]);
    const lsm = act.logSoftmax(f64([1000, 1001]));
    allclose(lsm, [-Math.log1p(e), -Math.log1p(1 / e)]);
  });

  test("softplus, sigmoid, elu, selu, mish at ±1000, with gradients", () => {
    const x = f64([-1000, 1000]);
    allclose(act.softplus(x), [0, 1000]);
    allclose(act.sigmoid(x), [0, 1]);
    allclose(act.elu(x), [-1, 1000]);
    allclose(act.selu(x), [-SELU_SCALE * SELU_ALPHA, SELU_SCALE * 1000]);
    allclose(act.mish(x), [-0, 1000]);
    const fs = [act.softplus, act.elu, act.selu, act.mish, act.silu];
    for (const f of fs) {
      const g = tg.grad(f)(x);
      assert.ok(
        Array.from(g.data).every(Number.isFinite),
        `${f.name}: gradient ${String(g.toArray())}`,
      );
    }
    allclose(tg.grad(act.elu)(x), [0, 1]);
    allclose(tg.grad(act.softplus)(x), [0, 1]);
  });
});

describe("dtypes and inputs", () => {
  test("float32 stays float32; ints and plain arrays become float32", () => {
    for (const [name, f] of FORMULAS) {
      assert.equal(f(tg.tensor([1, -2])).dtype, "float32", name);
      assert.equal(f(tg.tensor([1, -2], undefined, "int32")).dtype, "float32");
    }
    assert.deepEqual(act.relu([[-1, 2]]).toArray(), [[0, 2]]);
    assert.deepEqual(act.hardSigmoid(0).toArray(), 0.5);
  });
});

describe("bad arguments", () => {
  test("relu options", () => {
    throwsValue(
      () => act.relu([1], { negativeSlope: -0.1 }),
      "activations.relu: expected negativeSlope >= 0, got negativeSlope=-0.1",
    );
    throwsValue(
      () => act.relu([1], { maxValue: -1 }),
      "activations.relu: expected maxValue >= 0, got maxValue=-1",
    );
    throwsValue(
      () => act.relu([1], { threshold: NaN }),
      "activations.relu: expected threshold to be a finite number, got " +
        "threshold=NaN",
    );
  });

  test("scalar parameters", () => {
    throwsValue(
      () => act.leakyRelu([1], NaN),
      "activations.leakyRelu: expected negativeSlope to be a finite " +
        "number, got negativeSlope=NaN",
    );
    throwsValue(
      () => act.elu([1], "1" as unknown as number),
      'activations.elu: expected alpha to be a finite number, got alpha="1"',
    );
    throwsValue(
      () => act.gelu([1], 1 as unknown as boolean),
      "activations.gelu: expected approximate to be a boolean, got " +
        "approximate=1",
    );
  });

  test("softmax axis", () => {
    throwsValue(
      () => act.softmax([[1, 2]], 2),
      "activations.softmax: expected an axis in [-2, 2), got 2",
    );
    throwsValue(
      () => act.logSoftmax([1, 2], -2),
      "activations.logSoftmax: expected an axis in [-1, 1), got -2",
    );
  });
});

describe("get and serialize", () => {
  const names: Record<string, act.Activation> = {
    linear: act.linear,
    relu: act.relu,
    relu6: act.relu6,
    leaky_relu: act.leakyRelu,
    elu: act.elu,
    selu: act.selu,
    gelu: act.gelu,
    sigmoid: act.sigmoid,
    hard_sigmoid: act.hardSigmoid,
    tanh: act.tanh,
    softmax: act.softmax,
    log_softmax: act.logSoftmax,
    softplus: act.softplus,
    softsign: act.softsign,
    silu: act.silu,
    mish: act.mish,
    exponential: act.exponential,
    hard_silu: act.hardSilu,
  };

  test("snake_case and camelCase names, and Keras's aliases", () => {
    for (const [snake, fn] of Object.entries(names)) {
      assert.equal(act.get(snake), fn, snake);
      const camel = snake.replace(/_([a-z])/g, (_, c: string) =>
        c.toUpperCase(),
      );
      assert.equal(act.get(camel), fn, camel);
    }
    assert.equal(act.get("swish"), act.silu);
    assert.equal(act.get("hard_swish"), act.hardSilu);
  });

  test("null and undefined give linear; a function is returned", () => {
    assert.equal(act.get(null), act.linear);
    assert.equal(act.get(undefined), act.linear);
    const custom = (x: tg.Tensor) => x.mul(2);
    assert.equal(act.get(custom), custom);
  });

  test("an unknown name lists the known ones", () => {
    const known = Object.keys(names)
      .map((k) => `"${k}"`)
      .join(", ");
    throwsValue(
      () => act.get("foo"),
      `activations.get: expected one of ${known} (or a function), got "foo"`,
    );
    throwsValue(() => act.get("Relu"), /got "Relu"$/);
    throwsValue(() => act.get("constructor"), /got "constructor"$/);
    throwsValue(() => act.get(3 as unknown as string), /got 3$/);
  });

  test("serialize gives the Keras name and round-trips", () => {
    for (const [snake, fn] of Object.entries(names)) {
      assert.equal(act.serialize(fn), snake);
      assert.equal(act.get(act.serialize(fn)), fn);
    }
    assert.equal(act.serialize(act.get("swish")), "silu");
    assert.equal(act.serialize(act.get("hard_swish")), "hard_silu");
  });

  test("serialize refuses a custom function", () => {
    function double(x: tg.Tensor) {
      return x.mul(2);
    }
    throwsValue(
      () => act.serialize(double),
      "activations.serialize: expected a built-in activation, got function " +
        '"double"',
    );
  });
});
