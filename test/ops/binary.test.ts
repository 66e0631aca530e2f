// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

const tf = await loadTf();
const { checkGradients } = tg.testing;

type Binary = (a: tg.TensorLike, b: tg.TensorLike) => tg.Tensor;
type TfTensor = ReturnType<typeof tf.tensor>;
type TfBinary = (a: TfTensor, b: TfTensor) => TfTensor;

/** Shape pairs that broadcast: same, row, outer, scalar, rank-3. */
const PAIRS: [number[], number[]][] = [
  [
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [3]],
  [
    [2, 1],
    [1, 4],
  ],
  [[], [2, 3]],
  [[2, 3], []],
  [
    [3, 1, 2],
    [4, 1],
  ],
];

const ARITHMETIC: [string, Binary, TfBinary][] = [
  ["add", tg.add, tf.add],
  ["sub", tg.sub, tf.sub],
  ["mul", tg.mul, tf.mul],
  ["div", tg.div, tf.div],
  ["maximum", tg.maximum, tf.maximum],
  ["minimum", tg.minimum, tf.minimum],
];

const COMPARISONS: [string, Binary, TfBinary][] = [
  ["equal", tg.equal, tf.equal],
  ["notEqual", tg.notEqual, tf.notEqual],
  ["less", tg.less, tf.less],
  ["lessEqual", tg.lessEqual, tf.lessEqual],
  ["greater", tg.greater, tf.greater],
  ["greaterEqual", tg.greaterEqual, tf.greaterEqual],
];

const LOGICAL: [string, Binary, TfBinary][] = [
  ["logicalAnd", tg.logicalAnd, tf.logicalAnd],
  ["logicalOr", tg.logicalOr, tf.logicalOr],
  ["logicalXor", tg.logicalXor, tf.logicalXor],
];

function pair(a: number[], b: number[], seed: number, lo = -2, hi = 2) {
  return [
    tg.randomUniform(a, lo, hi, "float32", seed),
    tg.randomUniform(b, lo, hi, "float32", seed + 100),
  ] as const;
}

function toTf(x: tg.Tensor): TfTensor {
  const data = x.dtype === "bool" ? Int32Array.from(x.data) : x.data;
  return tf.tensor(data, [...x.shape], x.dtype === "bool" ? "bool" : "float32");
}

describe("binary ops: forward values against TensorFlow.js", () => {
  for (const [name, op, tfOp] of ARITHMETIC) {
    test(`${name} with broadcasting`, () => {
      PAIRS.forEach(([sa, sb], i) => {
        const [a, b] = pair(sa, sb, i);
        const expected = tfOp(toTf(a), toTf(b)).arraySync();
        allclose(op(a, b), expected, { dtype: "float32" });
      });
    });
  }

  test("pow with a positive base", () => {
    PAIRS.forEach(([sa, sb], i) => {
      const a = tg.randomUniform(sa, 0.1, 3, "float32", i);
      const b = tg.randomUniform(sb, -2, 2, "float32", i + 50);
      const expected = tf.pow(toTf(a), toTf(b)).arraySync();
      allclose(tg.pow(a, b), expected, { rtol: 1e-5 });
    });
  });

  for (const [name, op, tfOp] of COMPARISONS) {
    test(`${name} gives bool`, () => {
      // Small integers make ties likely.
      PAIRS.forEach(([sa, sb], i) => {
        const a = tg.floor(tg.randomUniform(sa, 0, 3, "float32", i));
        const b = tg.floor(tg.randomUniform(sb, 0, 3, "float32", i + 9));
        const r = op(a, b);
        assert.equal(r.dtype, "bool");
        const expected = tfOp(toTf(a), toTf(b)).dataSync();
        assert.deepEqual(Array.from(r.data), Array.from(expected));
      });
    });
  }

  for (const [name, op, tfOp] of LOGICAL) {
    test(`${name}`, () => {
      const a = tg.tensor([[true, true, false, false]]);
      const b = tg.tensor([[true], [false]]);
      const expected = tfOp(toTf(a), toTf(b)).dataSync();
      const r = op(a, b);
      assert.equal(r.dtype, "bool");
      assert.deepEqual(r.shape, [2, 4]);
      assert.deepEqual(Array.from(r.data), Array.from(expected));
    });
  }
});

describe("binary ops: hand-computed values", () => {
  test("broadcast a column against a row", () => {
    allclose(tg.add([[1], [2]], [10, 20]), [
      [11, 21],
      [12, 22],
    ]);
    allclose(tg.sub(10, [[1, 2]]), [[9, 8]]);
  });

  test("division by zero and pow edge cases", () => {
    allclose(tg.div([1, -1, 0], 0), [Infinity, -Infinity, NaN]);
    allclose(tg.pow([2, 4, -8, 0], [-1, 0.5, 1 / 3, 0]), [0.5, 2, NaN, 1]);
    allclose(tg.pow(tg.tensor([2, 3], undefined, "int32"), 3), [8, 27], {
      dtype: "int32",
    });
  });

  test("maximum and minimum propagate NaN", () => {
    allclose(tg.maximum([NaN, 1], [0, NaN]), [NaN, NaN]);
    allclose(tg.minimum([NaN, 1], [0, NaN]), [NaN, NaN]);
  });

  test("comparisons between int32 and float compare as floats", () => {
    const i = tg.tensor([1, 2], undefined, "int32");
    assert.deepEqual(tg.less(i, 1.5).toArray(), [true, false]);
    assert.deepEqual(tg.equal(i, tg.tensor([1, 2.5])).toArray(), [true, false]);
  });

  test("logical ops treat non-zero as true", () => {
    assert.deepEqual(tg.logicalAnd([2, 0, NaN], [1, 1, 1]).toArray(), [
      true,
      false,
      true,
    ]);
    assert.deepEqual(tg.logicalXor([1, 0], [0, 0]).toArray(), [true, false]);
  });

  test("tensor methods call the ops", () => {
    const a = tg.tensor([1, 2, 3]);
    allclose(a.add(1), [2, 3, 4]);
    allclose(a.sub([1, 1, 1]), [0, 1, 2]);
    allclose(a.mul(a), [1, 4, 9]);
    allclose(a.div(2), [0.5, 1, 1.5]);
    allclose(a.pow(2), [1, 4, 9]);
    allclose(a.maximum(2), [2, 2, 3]);
    allclose(a.minimum(2), [1, 2, 2]);
    assert.deepEqual(a.equal(2).toArray(), [false, true, false]);
    assert.deepEqual(a.notEqual(2).toArray(), [true, false, true]);
    assert.deepEqual(a.greater(2).toArray(), [false, false, true]);
    assert.deepEqual(a.greaterEqual(2).toArray(), [false, true, true]);
    assert.deepEqual(a.less(2).toArray(), [true, false, false]);
    assert.deepEqual(a.lessEqual(2).toArray(), [true, true, false]);
  });
});

describe("binary ops: gradients (float64 central differences)", () => {
  const ops: [string, Binary][] = [
    ["add", tg.add],
    ["sub", tg.sub],
    ["mul", tg.mul],
    ["div", tg.div],
    ["maximum", tg.maximum],
    ["minimum", tg.minimum],
  ];
  for (const [name, op] of ops) {
    for (const [sa, sb] of PAIRS) {
      test(`${name} [${sa.join(",")}] with [${sb.join(",")}]`, () => {
        // Values in [0.5, 2.5] keep div away from 0; distinct seeds make
        // maximum and minimum ties (kinks) vanishingly unlikely.
        const [a, b] = pair(sa, sb, sa.length * 10 + sb.length, 0.5, 2.5);
        checkGradients((x, y) => op(x, y), [a, b]);
      });
    }
  }

  for (const [sa, sb] of PAIRS) {
    test(`pow [${sa.join(",")}] with [${sb.join(",")}], positive base`, () => {
      const [a, b] = pair(sa, sb, 3, 0.2, 2.5);
      checkGradients((x, y) => tg.pow(x, y), [a, b]);
    });
  }

  test("pow with a negative base: d/da only, as TensorFlow", () => {
    const a = tg.tensor([-2, -1.5], undefined, "float64");
    const [ga, gb] = tg.grads((x, y) => tg.pow(x, y))([
      a,
      tg.scalar(3, "float64"),
    ]);
    allclose(ga!, [12, 6.75]);
    allclose(gb!, 0);
    checkGradients((x) => tg.pow(x, 3), [[-2, -1.5, 0.5]]);
  });

  test("second derivatives of binary ops", () => {
    const d = tg.grads((x, y) => tg.mul(tg.div(x, y), tg.pow(x, y)));
    checkGradients(
      (x, y) => d([x, y])[0]!,
      [
        [0.7, 1.3],
        [1.1, 2.1],
      ],
      {
        tolerance: 1e-5,
      },
    );
    checkGradients(
      (x, y) => d([x, y])[1]!,
      [
        [0.7, 1.3],
        [1.1, 2.1],
      ],
      {
        tolerance: 1e-5,
      },
    );
  });

  test("maximum and minimum ties send the gradient to the first operand", () => {
    const x = tg.tensor([1, 2], undefined, "float64");
    const [gx, gy] = tg.grads((a, b) => tg.maximum(a, b))([x, x.mul(1)]);
    allclose(gx!, [1, 1]);
    allclose(gy!, [0, 0]);
    const [hx, hy] = tg.grads((a, b) => tg.minimum(a, b))([x, x.mul(1)]);
    allclose(hx!, [1, 1]);
    allclose(hy!, [0, 0]);
  });

  test("comparisons and logical ops are not differentiable", () => {
    const x = tg.tensor([1, 2], undefined, "float64");
    const tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.cast(tg.greater(x, 1.5), "float64");
    assert.equal(tape.gradient(y, x), null);
  });

  test("integer arithmetic records no gradient", () => {
    const x = tg.tensor([1, 2], undefined, "int32");
    const tape = new tg.GradientTape();
    tape.watch(x);
    assert.equal(tape.gradient(tg.mul(x, x), x), null);
  });
});

describe("binary ops never mutate their inputs", () => {
  test("every op", () => {
    const a = tg.tensor([[1.5, -2, 3]], undefined, "float64");
    const b = tg.tensor([[2], [0.5]], undefined, "float64");
    const before = [Array.from(a.data), Array.from(b.data)];
    for (const [, op] of [...ARITHMETIC, ...COMPARISONS, ...LOGICAL]) op(a, b);
    tg.pow(a, b);
    tg.grads((x, y) => tg.sum(tg.mul(x, y)))([a, b]);
    assert.deepEqual([Array.from(a.data), Array.from(b.data)], before);
  });
});

describe("binary ops: bad input", () => {
  test("shapes that cannot broadcast: ShapeError with op name and both shapes", () => {
    assert.throws(() => tg.add([1, 2], [1, 2, 3]), {
      name: "ShapeError",
      message:
        "add: shapes [2] and [3] cannot broadcast (dimension 0 is 2 against 3)",
    });
    const all: [string, Binary][] = [
      ...ARITHMETIC,
      ...COMPARISONS,
      ...LOGICAL,
      ["pow", tg.pow],
    ].map(([n, f]) => [n, f] as [string, Binary]);
    for (const [name, op] of all) {
      assert.throws(() => op(tg.zeros([2, 3]), tg.zeros([4, 1, 2])), {
        name: "ShapeError",
        message: new RegExp(
          `^${name}: shapes \\[2,3\\] and \\[4,1,2\\] cannot broadcast`,
        ),
      });
    }
  });

  test("a non-numeric operand names the op", () => {
    assert.throws(() => tg.mul([1], "x" as unknown as number), {
      name: "ValueError",
      message:
        /^mul: expected a tensor, a number, a boolean, nested arrays or a typed array, got "x"/,
    });
    assert.throws(() => tg.tensor([1]).add({} as unknown as number), {
      name: "ValueError",
      message: /^add: /,
    });
  });
});
