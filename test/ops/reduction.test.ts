// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

const tf = await loadTf();
const { checkGradients } = tg.testing;

type TfTensor = ReturnType<typeof tf.tensor>;
type Reduce = (
  x: tg.TensorLike,
  axis?: tg.Axis,
  keepDims?: boolean,
) => tg.Tensor;
type TfReduce = (
  x: TfTensor,
  axis?: number | number[],
  keepDims?: boolean,
) => TfTensor;

const REDUCTIONS: [string, Reduce, TfReduce][] = [
  ["sum", tg.sum, tf.sum],
  ["mean", tg.mean, tf.mean],
  ["max", tg.max, tf.max],
  ["min", tg.min, tf.min],
  ["prod", tg.prod, tf.prod],
  ["logSumExp", tg.logSumExp, tf.logSumExp],
];

const AXES: (number | number[] | undefined)[] = [
  undefined,
  0,
  1,
  -1,
  [0, 2],
  [-1, 0],
  [0, 1, 2],
  [],
];

function f64(values: tg.NestedArray): tg.Tensor {
  return tg.tensor(values, undefined, "float64");
}

describe("reductions: forward values against TensorFlow.js", () => {
  const x = tg.randomUniform([2, 3, 4], 0.5, 1.5, "float32", 7);
  const tx = tf.tensor(x.data, [2, 3, 4]);
  for (const [name, op, tfOp] of REDUCTIONS) {
    test(`${name} over every kind of axis, with and without keepDims`, () => {
      for (const axis of AXES) {
        for (const keepDims of [false, true]) {
          const r = op(x, axis, keepDims);
          const e = tfOp(tx, axis, keepDims);
          assert.deepEqual(
            r.shape,
            e.shape,
            `axis ${String(axis)} keepDims ${keepDims}`,
          );
          allclose(r, e.arraySync(), { rtol: 2e-6 });
        }
      }
    });
  }

  test("argMax and argMin", () => {
    for (const axis of [0, 1, 2, -1]) {
      const r = tg.argMax(x, axis);
      assert.equal(r.dtype, "int32");
      assert.deepEqual(r.toArray(), tf.argMax(tx, axis).arraySync());
      assert.deepEqual(
        tg.argMin(x, axis).toArray(),
        tf.argMin(tx, axis).arraySync(),
      );
    }
  });
});

describe("reductions: hand-computed values", () => {
  const m = [
    [1, 5, 2],
    [7, 0, 3],
  ];

  test("sum, mean, max, min, prod", () => {
    allclose(tg.sum(m), 18);
    allclose(tg.sum(m, 0), [8, 5, 5]);
    allclose(tg.sum(m, 1, true), [[8], [10]]);
    allclose(tg.mean(m, -1), [8 / 3, 10 / 3]);
    allclose(tg.max(m, 1), [5, 7]);
    allclose(tg.min(m, 0), [1, 0, 2]);
    allclose(tg.prod(m, 1), [10, 0]);
    allclose(
      tg.prod([
        [1, 2],
        [3, 4],
      ]),
      24,
    );
  });

  test("tensor methods call the ops", () => {
    const t = tg.tensor(m);
    allclose(t.sum(), 18);
    allclose(t.mean(0), [4, 2.5, 2.5]);
    allclose(t.max(1, true), [[5], [7]]);
    allclose(t.min(), 0);
    allclose(t.prod(0), [7, 0, 6]);
    allclose(t.argMax(1), [1, 0]);
    allclose(t.argMin(), [0, 1, 0]);
  });

  test("scalars reduce to themselves", () => {
    allclose(tg.sum(5), 5);
    allclose(tg.max(tg.scalar(-2)), -2);
    assert.deepEqual(tg.sum(tg.scalar(3), undefined, true).shape, []);
  });

  test("argMax takes the first of ties and NaN wins", () => {
    assert.deepEqual(tg.argMax([1, 3, 3]).toArray(), 1);
    assert.deepEqual(tg.argMin([2, 1, 1]).toArray(), 1);
    assert.deepEqual(tg.argMax([1, NaN, 3]).toArray(), 1);
    allclose(tg.max([1, NaN, 3]), NaN);
  });

  test("dtypes: bool sums as int32, integers average as float32", () => {
    const b = tg.tensor([true, true, false]);
    allclose(tg.sum(b), 2, { dtype: "int32" });
    allclose(tg.mean(b), 2 / 3, { dtype: "float32" });
    allclose(tg.sum(tg.tensor([1, 2], undefined, "int32")), 3, {
      dtype: "int32",
    });
    allclose(tg.prod(f64([0.1, 3])), 0.1 * 3, { dtype: "float64", rtol: 0 });
  });

  test("float32 sums accumulate accurately", () => {
    const x = tg.fill([100000], 0.1);
    allclose(tg.sum(x), Math.fround(0.1) * 100000, { rtol: 1e-7 });
  });

  test("logSumExp is stable and handles -Infinity", () => {
    allclose(tg.logSumExp(f64([1000, 1000])), 1000 + Math.LN2);
    allclose(tg.logSumExp(f64([-1000, -1000])), -1000 + Math.LN2);
    allclose(tg.logSumExp(f64([0, -Infinity])), 0);
    allclose(tg.logSumExp(f64([-Infinity, -Infinity])), -Infinity);
    allclose(
      tg.logSumExp(
        f64([
          [-Infinity, 1],
          [-Infinity, -Infinity],
        ]),
        1,
      ),
      [1, -Infinity],
    );
    allclose(tg.logSumExp(f64([Infinity, 0])), Infinity);
    allclose(
      tg.logSumExp(tg.tensor([1, 2], undefined, "int32")),
      Math.log(Math.E + Math.E ** 2),
      { dtype: "float32" },
    );
  });
});

describe("reductions: gradients (float64 central differences)", () => {
  const x = tg.randomUniform([2, 3, 4], -2, 2, "float64", 11);
  const positive = tg.randomUniform([2, 3, 4], 0.5, 1.5, "float64", 12);
  for (const [name, op] of REDUCTIONS) {
    test(`${name}, every kind of axis, keepDims`, () => {
      const input = name === "prod" ? positive : x;
      for (const axis of AXES) {
        for (const keepDims of [false, true]) {
          checkGradients((v) => op(v, axis, keepDims), [input]);
        }
      }
    });
  }

  test("prod with zeros", () => {
    checkGradients((v) => tg.prod(v), [[2, 0, 3]]);
    checkGradients(
      (v) => tg.prod(v, 1),
      [
        [
          [2, 0, 3],
          [0, 0, 4],
          [1, 2, 3],
        ],
      ],
    );
    checkGradients(
      (v) => tg.prod(v, 0, true),
      [
        [
          [2, 0],
          [0, 0],
          [1, 2],
        ],
      ],
    );
    allclose(tg.grad((v) => tg.prod(v))(f64([2, 0, 3])), [0, 6, 0]);
    allclose(tg.grad((v) => tg.prod(v))(f64([0, 0, 3])), [0, 0, 0]);
  });

  test("prod: second derivative", () => {
    const d = tg.grad((v) => tg.prod(v, 1));
    checkGradients(
      (v) => d(v),
      [
        [
          [2, 0, 3],
          [1.5, -1, 2],
        ],
      ],
      { tolerance: 1e-5 },
    );
  });

  test("max and min with ties share the gradient equally", () => {
    allclose(tg.grad((v) => tg.max(v))(f64([1, 3, 3])), [0, 0.5, 0.5]);
    allclose(tg.grad((v) => tg.min(v))(f64([2, 2, 2, 5])), [
      1 / 3,
      1 / 3,
      1 / 3,
      0,
    ]);
    allclose(
      tg.grad((v) => tg.max(v, 1))(
        f64([
          [4, 4],
          [1, 2],
        ]),
      ),
      [
        [0.5, 0.5],
        [0, 1],
      ],
    );
    allclose(
      tg.grad((v) => tg.max(v, 0, true))(
        f64([
          [4, 4],
          [1, 4],
        ]),
      ),
      [
        [1, 0.5],
        [0, 0.5],
      ],
    );
  });

  test("logSumExp with -Infinity entries", () => {
    const v = f64([
      [0, -Infinity, 0],
      [1, 2, -Infinity],
    ]);
    const g = tg.grad((t) => tg.logSumExp(t, 1))(v);
    const e = Math.E;
    allclose(g, [
      [0.5, 0, 0.5],
      [1 / (1 + e), e / (1 + e), 0],
    ]);
    checkGradients((t) => tg.logSumExp(t, -1), [v]);
  });

  test("logSumExp: second derivative", () => {
    const d = tg.grad((v) => tg.logSumExp(v, 0));
    checkGradients(
      (v) => d(v),
      [
        [
          [0.1, -0.7],
          [1.2, 0.4],
        ],
      ],
      { tolerance: 1e-5 },
    );
  });

  test("argMax, argMin and integer sums have no gradient", () => {
    const v = f64([1, 3, 2]);
    const tape = new tg.GradientTape();
    tape.watch(v);
    const i = tg.argMax(v);
    assert.equal(tape.gradient(tg.cast(i, "float64"), v), null);
  });
});

describe("reductions never mutate their input", () => {
  test("every op", () => {
    const v = f64([
      [1, -2, 3],
      [0, 5, -1],
    ]);
    const before = Array.from(v.data);
    for (const [, op] of REDUCTIONS) {
      op(v);
      op(v, 0, true);
      tg.grad((t) => op(t, 1))(v);
    }
    tg.argMax(v, 1);
    tg.argMin(v, 0);
    assert.deepEqual(Array.from(v.data), before);
  });
});

describe("reductions: bad input", () => {
  test("an axis out of range", () => {
    assert.throws(() => tg.sum(tg.zeros([2, 3]), 2), {
      name: "ValueError",
      message: "sum: expected an axis in [-2, 2), got 2",
    });
    assert.throws(() => tg.mean(tg.zeros([2, 3]), -3), {
      name: "ValueError",
      message: "mean: expected an axis in [-2, 2), got -3",
    });
    assert.throws(() => tg.max(tg.zeros([2]), [0, 1]), {
      name: "ValueError",
      message: /^max: expected an axis in \[-1, 1\), got 1/,
    });
    assert.throws(() => tg.argMax(tg.zeros([2]), 1), {
      name: "ValueError",
      message: /^argMax: expected an axis in \[-1, 1\), got 1/,
    });
    assert.throws(() => tg.sum(tg.scalar(1), 0), {
      name: "ValueError",
      message: /^sum: expected an axis in \[0, 0\), got 0/,
    });
  });

  test("a non-integer or repeated axis", () => {
    assert.throws(() => tg.sum(tg.zeros([2, 3]), 0.5), {
      name: "ValueError",
      message: /^sum: expected an axis .* got 0\.5/,
    });
    assert.throws(() => tg.prod(tg.zeros([2, 3]), [1, -1]), {
      name: "ValueError",
      message: "prod: expected distinct axes, got [1,-1]",
    });
  });

  test("argMax of an empty axis", () => {
    assert.throws(() => tg.argMax(tg.zeros([2, 0]), 1), {
      name: "ValueError",
      message: /^argMax: expected a non-empty axis 1, got shape \[2,0\]/,
    });
  });
});
