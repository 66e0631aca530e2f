// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

const tf = await loadTf();
const { checkGradients } = tg.testing;

const TRANSPOSES: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

/** Operand shapes for C = op(A) op(B) with op(A) m×k and op(B) k×n. */
function shapes(tA: boolean, tB: boolean, m: number, k: number, n: number) {
  return [tA ? [k, m] : [m, k], tB ? [n, k] : [k, n]] as const;
}

function rand(
  shape: readonly number[],
  seed: number,
  dtype: tg.DType = "float32",
) {
  return tg.randomUniform(shape, -1, 1, dtype, seed);
}

function toTf(x: tg.Tensor) {
  return tf.tensor(Float32Array.from(x.data), [...x.shape]);
}

describe("matMul: forward values", () => {
  for (const [tA, tB] of TRANSPOSES) {
    test(`transposeA=${tA}, transposeB=${tB} against TensorFlow.js`, () => {
      const [sa, sb] = shapes(tA, tB, 3, 5, 4);
      const a = rand(sa, 1);
      const b = rand(sb, 2);
      const e = tf.matMul(toTf(a), toTf(b), tA, tB).arraySync();
      allclose(tg.matMul(a, b, tA, tB), e);
    });
  }

  test("broadcast batch dimensions against TensorFlow.js", () => {
    const cases: [number[], number[]][] = [
      [
        [2, 3, 4],
        [2, 4, 5],
      ],
      [
        [2, 1, 3, 4],
        [5, 4, 2],
      ],
      [
        [3, 4],
        [2, 4, 2],
      ],
      [
        [2, 3, 4],
        [4, 2],
      ],
    ];
    // TensorFlow.js throws on some rank-mismatched batches, so it is
    // given operands already broadcast to the output's batch shape.
    const full = (x: tg.Tensor, batch: number[]) =>
      toTf(tg.broadcastTo(x, [...batch, ...x.shape.slice(-2)]));
    cases.forEach(([sa, sb], i) => {
      const a = rand(sa, i);
      const b = rand(sb, i + 10);
      const r = tg.matMul(a, b);
      const batch = r.shape.slice(0, -2);
      const e = tf.matMul(full(a, batch), full(b, batch));
      assert.deepEqual(r.shape, e.shape);
      allclose(r, e.arraySync());
    });
    const a = rand([2, 1, 4, 3], 5);
    const b = rand([3, 2, 4], 6);
    const e = tf.matMul(full(a, [2, 3]), full(b, [2, 3]), true, true);
    allclose(tg.matMul(a, b, true, true), e.arraySync());
  });

  test("rank-1 operands are a row on the left, a column on the right", () => {
    const m = tg.tensor([
      [1, 2],
      [3, 4],
    ]);
    allclose(tg.matMul([1, 2], m), [7, 10]);
    allclose(tg.matMul(m, [1, 1]), [3, 7]);
    allclose(tg.matMul(m, [1, 1], true), [4, 6]);
    const dot = tg.matMul([1, 2, 3], [4, 5, 6]);
    assert.deepEqual(dot.shape, []);
    allclose(dot, 32);
    assert.deepEqual(tg.matMul([1, 1], tg.ones([3, 2, 4])).shape, [3, 4]);
    assert.deepEqual(tg.matMul(tg.ones([3, 2, 4]), tg.ones([4])).shape, [3, 2]);
  });

  test("float64 products are exact to float64", () => {
    const a = tg.tensor([[0.1, 0.2, 0.3]], undefined, "float64");
    const b = tg.tensor([[1], [1], [1]], undefined, "float64");
    allclose(tg.matMul(a, b), [[0.1 + 0.2 + 0.3]], { rtol: 1e-15, atol: 0 });
    assert.equal(tg.matMul(a, b).dtype, "float64");
  });

  test("int32 products stay int32", () => {
    const a = tg.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      "int32",
    );
    allclose(
      tg.matMul(a, a),
      [
        [7, 10],
        [15, 22],
      ],
      { dtype: "int32" },
    );
  });

  test("dot and the matMul method", () => {
    allclose(tg.dot([1, 2, 3], [4, 5, 6]), 32);
    allclose(tg.dot([[1, 2]], [[3], [4]]), [[11]]);
    allclose(
      tg.dot(
        [
          [1, 2],
          [3, 4],
        ],
        [1, 0],
      ),
      [1, 3],
    );
    const a = tg.tensor([
      [1, 2],
      [3, 4],
    ]);
    allclose(a.matMul(a, false, true), [
      [5, 11],
      [11, 25],
    ]);
    allclose(a.dot([1, 1]), [3, 7]);
  });
});

describe("matMul: gradients (float64 central differences)", () => {
  for (const [tA, tB] of TRANSPOSES) {
    test(`transposeA=${tA}, transposeB=${tB}`, () => {
      const [sa, sb] = shapes(tA, tB, 2, 3, 4);
      checkGradients(
        (a, b) => tg.matMul(a, b, tA, tB),
        [rand(sa, 1), rand(sb, 2)],
      );
    });

    test(`transposeA=${tA}, transposeB=${tB}, broadcast batch`, () => {
      const [sa, sb] = shapes(tA, tB, 2, 3, 2);
      const a = rand([2, 1, ...sa], 3);
      const b = rand([3, ...sb], 4);
      checkGradients((x, y) => tg.matMul(x, y, tA, tB), [a, b]);
    });
  }

  test("one operand without batch dimensions", () => {
    checkGradients(
      (a, b) => tg.matMul(a, b),
      [rand([3, 4], 1), rand([2, 4, 2], 2)],
    );
    checkGradients(
      (a, b) => tg.matMul(a, b),
      [rand([2, 2, 3], 1), rand([3, 2], 2)],
    );
  });

  test("rank-1 operands", () => {
    checkGradients((a, b) => tg.matMul(a, b), [rand([3], 1), rand([3, 2], 2)]);
    checkGradients((a, b) => tg.matMul(a, b), [rand([2, 3], 1), rand([3], 2)]);
    checkGradients((a, b) => tg.matMul(a, b), [rand([3], 1), rand([3], 2)]);
    checkGradients(
      (a, b) => tg.matMul(a, b, true),
      [rand([3, 2], 1), rand([3], 2)],
    );
    checkGradients(
      (a, b) => tg.matMul(a, b),
      [rand([3], 1), rand([2, 3, 2], 2)],
    );
  });

  test("dot", () => {
    checkGradients((a, b) => tg.dot(a, b), [rand([3], 1), rand([3], 2)]);
    checkGradients((a, b) => tg.dot(a, b), [rand([2, 3], 1), rand([3], 2)]);
  });

  test("second derivative of a quadratic form", () => {
    // f(x) = xᵀ A x has gradient (A + Aᵀ) x and Hessian A + Aᵀ.
    const A = rand([3, 3], 9, "float64");
    const g = tg.grad((x) => tg.matMul(x, tg.matMul(A, x)));
    const x = rand([3], 10, "float64");
    allclose(g(x), tg.matMul(tg.add(A, tg.transpose(A)), x));
    checkGradients((v) => g(v), [x], { tolerance: 1e-5 });
  });
});

describe("matMul never mutates its inputs", () => {
  test("forward and backward", () => {
    const a = rand([2, 3], 1, "float64");
    const b = rand([3, 2], 2, "float64");
    const before = [Array.from(a.data), Array.from(b.data)];
    for (const [tA, tB] of TRANSPOSES) {
      tg.grads((x, y) => tg.matMul(x, y, tA, tB))([
        a,
        tA === tB ? b : b.transpose(),
      ]);
    }
    assert.deepEqual([Array.from(a.data), Array.from(b.data)], before);
  });
});

describe("matMul: bad input", () => {
  test("inner dimension mismatch names both shapes and the transposes", () => {
    assert.throws(() => tg.matMul(tg.zeros([2, 3]), tg.zeros([2, 3])), {
      name: "ShapeError",
      message:
        "matMul: expected the inner dimensions to match, got shapes [2,3] " +
        "and [2,3] (transposeA=false, transposeB=false): 3 against 2",
    });
    assert.throws(
      () => tg.matMul(tg.zeros([2, 3]), tg.zeros([3, 2]), false, true),
      {
        name: "ShapeError",
        message:
          /got shapes \[2,3\] and \[3,2\] \(transposeA=false, transposeB=true\): 3 against 2$/,
      },
    );
    assert.doesNotThrow(() =>
      tg.matMul(tg.zeros([2, 3]), tg.zeros([2, 3]), true),
    );
    assert.throws(() => tg.matMul([1, 2], [1, 2, 3]), {
      name: "ShapeError",
      message: /^matMul: expected the inner dimensions to match.*2 against 3/,
    });
  });

  test("batch dimensions that cannot broadcast", () => {
    assert.throws(() => tg.matMul(tg.zeros([2, 3, 4]), tg.zeros([3, 4, 5])), {
      name: "ShapeError",
      message: /^matMul: shapes \[2\] and \[3\] cannot broadcast/,
    });
  });

  test("scalars", () => {
    assert.throws(() => tg.matMul(2, tg.zeros([2, 2])), {
      name: "ShapeError",
      message: "matMul: expected tensors of rank >= 1, got shapes [] and [2,2]",
    });
  });

  test("dot of rank 3", () => {
    assert.throws(() => tg.dot(tg.zeros([2, 2, 2]), tg.zeros([2])), {
      name: "ShapeError",
      message:
        /^dot: expected tensors of rank 1 or 2, got shapes \[2,2,2\] and \[2\]/,
    });
  });
});
