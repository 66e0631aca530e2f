// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

const tf = await loadTf();
const { checkGradients } = tg.testing;

type Unary = (x: tg.TensorLike) => tg.Tensor;
type TfUnary = (
  x: ReturnType<typeof tf.tensor>,
) => ReturnType<typeof tf.tensor>;

/** Each op with the TensorFlow.js op it is compared to and a safe domain. */
const CASES: [string, Unary, TfUnary, [number, number]][] = [
  ["neg", tg.neg, tf.neg, [-3, 3]],
  ["abs", tg.abs, tf.abs, [-3, 3]],
  ["sign", tg.sign, tf.sign, [-3, 3]],
  ["exp", tg.exp, tf.exp, [-5, 5]],
  ["log", tg.log, tf.log, [0.01, 10]],
  ["log1p", tg.log1p, tf.log1p, [-0.9, 10]],
  ["expm1", tg.expm1, tf.expm1, [-3, 3]],
  ["sqrt", tg.sqrt, tf.sqrt, [0, 10]],
  ["rsqrt", tg.rsqrt, tf.rsqrt, [0.01, 10]],
  ["square", tg.square, tf.square, [-3, 3]],
  ["reciprocal", tg.reciprocal, tf.reciprocal, [0.1, 5]],
  ["sin", tg.sin, tf.sin, [-6, 6]],
  ["cos", tg.cos, tf.cos, [-6, 6]],
  ["tanh", tg.tanh, tf.tanh, [-5, 5]],
  ["sigmoid", tg.sigmoid, tf.sigmoid, [-10, 10]],
  ["relu", tg.relu, tf.relu, [-3, 3]],
  ["relu6", tg.relu6, tf.relu6, [-3, 9]],
  ["floor", tg.floor, tf.floor, [-3, 3]],
  ["ceil", tg.ceil, tf.ceil, [-3, 3]],
  ["round", tg.round, tf.round, [-3, 3]],
];

describe("unary ops: forward values", () => {
  for (const [name, op, tfOp, [lo, hi]] of CASES) {
    test(`${name} matches TensorFlow.js`, () => {
      const x = tg.randomUniform([3, 7], lo, hi, "float32", name.length);
      const expected = tfOp(tf.tensor(x.data, [3, 7]));
      allclose(op(x), expected.arraySync(), { dtype: "float32" });
    });
  }

  test("erf matches TensorFlow.js's approximation", () => {
    const x = tg.randomUniform([50], -3, 3, "float32", 1);
    const expected = tf.erf(tf.tensor(x.data as Float32Array)).arraySync();
    allclose(tg.erf(x), expected, { atol: 2e-6 });
  });

  test("special values", () => {
    allclose(tg.sign([-0.5, 0, 2, NaN]), [-1, 0, 1, NaN]);
    allclose(tg.log([0, -1]), [-Infinity, NaN]);
    allclose(tg.sqrt([-1, 0]), [NaN, 0]);
    allclose(tg.reciprocal([0]), [Infinity]);
    allclose(tg.exp([-Infinity, 1000]), [0, Infinity]);
    allclose(tg.sigmoid([-1000, 1000, 0]), [0, 1, 0.5]);
    allclose(tg.relu6([-1, 3, 6, 8]), [0, 3, 6, 6]);
    allclose(tg.round([0.5, 1.5, 2.5, -0.5, -1.5, 2.4]), [0, 2, 2, 0, -2, 2]);
    allclose(tg.floor([-1.5, 1.5]), [-2, 1]);
    allclose(tg.ceil([-1.5, 1.5]), [-1, 2]);
    assert.deepEqual(tg.isNaN([NaN, 1, Infinity]).toArray(), [
      true,
      false,
      false,
    ]);
    assert.deepEqual(tg.logicalNot([true, false]).toArray(), [false, true]);
    assert.deepEqual(tg.logicalNot([0, 2, NaN]).toArray(), [
      true,
      false,
      false,
    ]);
  });

  test("float64 values are computed in float64", () => {
    const x = tg.tensor([1e-10, 0.5], undefined, "float64");
    allclose(tg.log1p(x), [Math.log1p(1e-10), Math.log1p(0.5)], { rtol: 0 });
    allclose(tg.expm1(x), [Math.expm1(1e-10), Math.expm1(0.5)], { rtol: 0 });
    allclose(tg.sigmoid(tg.tensor([-40], undefined, "float64")), [
      1 / (1 + Math.exp(40)),
    ]);
  });

  test("tensor methods call the ops", () => {
    const x = tg.tensor([0.3, 1.2, 2.5]);
    const pairs: [tg.Tensor, Unary][] = [
      [x.neg(), tg.neg],
      [x.abs(), tg.abs],
      [x.sign(), tg.sign],
      [x.exp(), tg.exp],
      [x.log(), tg.log],
      [x.sqrt(), tg.sqrt],
      [x.rsqrt(), tg.rsqrt],
      [x.square(), tg.square],
      [x.reciprocal(), tg.reciprocal],
      [x.sin(), tg.sin],
      [x.cos(), tg.cos],
      [x.tanh(), tg.tanh],
      [x.sigmoid(), tg.sigmoid],
      [x.relu(), tg.relu],
    ];
    for (const [viaMethod, op] of pairs) allclose(viaMethod, op(x));
  });
});

describe("erf", () => {
  const x64 = (v: number[]) => tg.tensor(v, undefined, "float64");

  test("known values within 1e-14", () => {
    allclose(
      tg.erf(x64([0.5, 1, 2, 3])),
      [
        0.5204998778130465, 0.8427007929497149, 0.9953222650189527,
        0.9999779095030014,
      ],
      { rtol: 0, atol: 1e-14 },
    );
  });

  test("odd, bounded, exact at 0 and the tails", () => {
    const x = x64([0.3, 1.7, 2.2, 4.5]);
    allclose(tg.erf(tg.neg(x)), tg.neg(tg.erf(x)), { rtol: 0, atol: 0 });
    allclose(tg.erf(x64([0, Infinity, -Infinity, 30, NaN])), [
      0,
      1,
      -1,
      1,
      NaN,
    ]);
  });

  test("continuous where the series hands over to the continued fraction", () => {
    const h = 1e-9;
    const [below, above] = Array.from(tg.erf(x64([2 - h, 2 + h])).data);
    const slope = (2 / Math.sqrt(Math.PI)) * Math.exp(-4);
    assert.ok(Math.abs(above! - below! - 2 * h * slope) < 1e-14);
  });
});

/** Ops whose gradient is checked, with points away from kinks. */
const SMOOTH: [string, Unary, number[]][] = [
  ["neg", tg.neg, [-1.3, 0.4, 2.2]],
  ["abs", tg.abs, [-1.3, 0.4, 2.2]],
  ["exp", tg.exp, [-1.3, 0.4, 2.2]],
  ["log", tg.log, [0.2, 1.4, 3.3]],
  ["log1p", tg.log1p, [-0.5, 0.4, 3.3]],
  ["expm1", tg.expm1, [-1.3, 0.4, 2.2]],
  ["sqrt", tg.sqrt, [0.2, 1.4, 3.3]],
  ["rsqrt", tg.rsqrt, [0.2, 1.4, 3.3]],
  ["square", tg.square, [-1.3, 0.4, 2.2]],
  ["reciprocal", tg.reciprocal, [-1.3, 0.4, 2.2]],
  ["sin", tg.sin, [-1.3, 0.4, 2.2]],
  ["cos", tg.cos, [-1.3, 0.4, 2.2]],
  ["tanh", tg.tanh, [-1.3, 0.4, 2.2]],
  ["sigmoid", tg.sigmoid, [-1.3, 0.4, 2.2]],
  ["relu", tg.relu, [-1.3, 0.4, 2.2]],
  ["relu6", tg.relu6, [-1.3, 0.4, 5.2, 7.1]],
  ["erf", tg.erf, [-1.3, 0.4, 2.2, 2.7]],
];

describe("unary ops: gradients (float64 central differences)", () => {
  for (const [name, op, points] of SMOOTH) {
    test(`${name}`, () => {
      checkGradients((x) => op(x), [points]);
      checkGradients((x) => op(x), [[points, points.map((p) => p * 0.9)]]);
    });
  }

  for (const [name, op, points] of SMOOTH) {
    test(`${name}: second derivative through its gradient`, () => {
      const df = tg.grad((x) => op(x));
      checkGradients((x) => df(x), [points], { tolerance: 1e-5 });
    });
  }

  test("sign, floor, ceil and round have zero gradient", () => {
    for (const op of [tg.sign, tg.floor, tg.ceil, tg.round]) {
      const g = tg.grad((x) => op(x))(
        tg.tensor([-1.3, 0.4], undefined, "float64"),
      );
      allclose(g, [0, 0]);
      checkGradients((x) => op(x), [[-1.3, 0.4, 2.2]]);
    }
  });

  test("abs and relu take gradient 0 at 0", () => {
    const x = tg.tensor([0, 1], undefined, "float64");
    allclose(tg.grad((v) => tg.abs(v))(x), [0, 1]);
    allclose(tg.grad((v) => tg.relu(v))(x), [0, 1]);
    allclose(tg.grad((v) => tg.relu6(v))(tg.tensor([0, 6, 3])), [0, 0, 1]);
  });

  test("gradients keep the float dtype", () => {
    const g = tg.grad((v) => tg.exp(v))(tg.ones([2]));
    assert.equal(g.dtype, "float32");
    allclose(g, [Math.E, Math.E]);
  });
});

describe("unary ops never mutate their input", () => {
  test("every op", () => {
    const x = tg.tensor([-1.5, 0, 0.5, 2], undefined, "float64");
    const before = Array.from(x.data);
    for (const [, op] of CASES) op(x);
    for (const op of [tg.erf, tg.isNaN, tg.logicalNot]) op(x);
    tg.grad((v) => tg.sum(tg.exp(v)))(x);
    assert.deepEqual(Array.from(x.data), before);
  });
});

describe("unary ops: bad input", () => {
  test("a non-numeric value names the op", () => {
    assert.throws(() => tg.exp("a" as unknown as number), {
      name: "ValueError",
      message: /^exp: expected a tensor, a number/,
    });
    assert.throws(() => tg.sqrt([[1], [2, 3]]), {
      name: "ShapeError",
      message: /^sqrt: expected a nested array of shape \[2,1\]/,
    });
  });
});
