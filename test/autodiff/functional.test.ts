// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

const { checkGradients } = tg.testing;

function f64(values: tg.NestedArray): tg.Tensor {
  return tg.tensor(values, undefined, "float64");
}

describe("grad and valueAndGrad", () => {
  test("grad of x³ is 3x²", () => {
    allclose(tg.grad((x) => tg.pow(x, 3))(f64([2, -1])), [12, 3]);
  });

  test("a non-scalar output is summed, or weighted by dy", () => {
    const df = tg.grad((x) => tg.square(x));
    allclose(df(f64([1, 2])), [2, 4]);
    allclose(df(f64([1, 2]), [3, -1]), [6, -4]);
  });

  test("numbers and nested arrays are accepted as float32", () => {
    const g = tg.grad((x) => tg.mul(x, x))(3);
    assert.equal(g.dtype, "float32");
    allclose(g, 6);
    allclose(tg.grad((x) => tg.sum(tg.exp(x)))([[0, 0]]), [[1, 1]]);
  });

  test("an input that f ignores gets zeros of its shape and dtype", () => {
    const g = tg.grad(() => tg.scalar(1))(tg.ones([2, 2], "float64"));
    allclose(
      g,
      [
        [0, 0],
        [0, 0],
      ],
      { dtype: "float64" },
    );
  });

  test("valueAndGrad gives f(x) and its gradient from one evaluation", () => {
    let calls = 0;
    const { value, grad } = tg.valueAndGrad((x) => {
      calls++;
      return tg.sum(tg.sin(x));
    })(f64([0, 1]));
    assert.equal(calls, 1);
    allclose(value, Math.sin(1));
    allclose(grad, [1, Math.cos(1)]);
  });

  test("grads and valueAndGrads, one gradient per input", () => {
    const f = (a: tg.Tensor, b: tg.Tensor, c: tg.Tensor) =>
      tg.sum(tg.mul(tg.mul(a, b), c));
    const [da, db, dc] = tg.grads(f)([f64([1, 2]), f64(3), f64([[1], [-1]])]);
    allclose(da!, [0, 0]);
    allclose(db!, 0);
    allclose(dc!, [[9], [9]]);
    const r = tg.valueAndGrads((a, b) => tg.mul(a, b))([f64(2), f64(5)]);
    allclose(r.value, 10);
    allclose(r.grads[0]!, 5);
    allclose(r.grads[1]!, 2);
    const [, unused] = tg.grads((a) => tg.square(a))([f64(1), f64([1, 2])]);
    allclose(unused!, [0, 0]);
  });

  test("grad of grad gives second derivatives", () => {
    const d2 = tg.grad(tg.grad((x) => tg.sin(x)));
    allclose(d2(f64([0.3, 1.2])), [-Math.sin(0.3), -Math.sin(1.2)]);
    const d3 = tg.grad(tg.grad(tg.grad((x) => tg.pow(x, 4))));
    allclose(d3(f64(2)), 48);
  });

  test("grad inside a tape is differentiable", () => {
    const x = f64(0.5);
    using tape = new tg.GradientTape();
    tape.watch(x);
    const g = tg.grad((v) => tg.exp(tg.mul(v, 2)))(x); // 2 e^{2x}
    allclose(g, 2 * Math.exp(1));
    allclose(tape.gradient(g, x)!, 4 * Math.exp(1));
  });

  test("f must return a tensor", () => {
    assert.throws(() => tg.grad(() => 3 as unknown as tg.Tensor)(1), {
      name: "ValueError",
      message: "grad: expected f to return a tensor, got 3",
    });
    assert.throws(
      () => tg.valueAndGrads(() => [1] as unknown as tg.Tensor)([1]),
      {
        name: "ValueError",
        message: /^valueAndGrads: expected f to return a tensor/,
      },
    );
  });
});

describe("customGrad", () => {
  /** x², with a deliberately scaled gradient so its use can be seen. */
  const tenfold = tg.customGrad((x) => ({
    value: tg.square(x),
    gradFunc: (dy) => tg.mul(dy, tg.mul(x, 20)),
  }));

  test("the value is f's, the gradient is gradFunc's", () => {
    const x = f64([1, -2]);
    allclose(tenfold(x), [1, 4]);
    allclose(tg.grad((v) => tenfold(v))(x), [20, -40]);
  });

  test("inside a GradientTape, and on a variable", () => {
    const x = f64(3);
    {
      using tape = new tg.GradientTape();
      tape.watch(x);
      const y = tg.mul(tenfold(x), 2);
      allclose(tape.gradient(y, x)!, 120);
    }
    const v = new tg.Variable(f64(3));
    using tape = new tg.GradientTape();
    allclose(tape.gradient(tenfold(v), v)!, 60);
  });

  test("several inputs: gradFunc returns one gradient each", () => {
    const mulCustom = tg.customGrad((a, b) => ({
      value: tg.mul(a, b),
      gradFunc: (dy) => [tg.mul(dy, b), tg.mul(dy, a)],
    }));
    checkGradients(
      (a, b) => mulCustom(a, b),
      [
        [1, 2],
        [3, -4],
      ],
    );
  });

  test("a stable softplus with its own gradient checks out", () => {
    const softplus = tg.customGrad((x) => ({
      value: tg.add(tg.relu(x), tg.log1p(tg.exp(tg.neg(tg.abs(x))))),
      gradFunc: (dy) => tg.mul(dy, tg.sigmoid(x)),
    }));
    allclose(softplus(f64([1000, -1000, 0])), [1000, 0, Math.LN2]);
    checkGradients((x) => softplus(x), [[-2.5, -0.1, 0.7, 3]]);
  });

  test("a second derivative through gradFunc's ops", () => {
    const softplus = tg.customGrad((x) => ({
      value: tg.log1p(tg.exp(x)),
      gradFunc: (dy) => tg.mul(dy, tg.sigmoid(x)),
    }));
    const d2 = tg.grad(tg.grad((x) => softplus(x)));
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    allclose(d2(f64([-1, 0.5])), [s(-1) * (1 - s(-1)), s(0.5) * (1 - s(0.5))]);
    const d = tg.grad((x) => softplus(x));
    checkGradients((x) => d(x), [[-1, 0.5, 2]], { tolerance: 1e-5 });
    // Nested tapes see the same second derivative.
    const x = f64(0.5);
    using outer = new tg.GradientTape();
    outer.watch(x);
    using inner = new tg.GradientTape();
    inner.watch(x);
    const g = inner.gradient(softplus(x), x)!;
    allclose(outer.gradient(g, x)!, s(0.5) * (1 - s(0.5)));
  });

  test("a second derivative through values gradFunc keeps from f", () => {
    // gradFunc reuses f's intermediate e^x rather than recomputing it.
    const expCustom = tg.customGrad((x) => {
      const y = tg.exp(x);
      return { value: y, gradFunc: (dy) => tg.mul(dy, y) };
    });
    allclose(tg.grad((x) => expCustom(x))(f64([0.5])), [Math.exp(0.5)]);
    const d2 = tg.grad(tg.grad((x) => expCustom(x)));
    allclose(d2(f64([0.5, -1])), [Math.exp(0.5), Math.exp(-1)]);
  });

  test("with no tape recording it just computes the value", () => {
    const y = tenfold([3]);
    allclose(y, [9]);
  });

  test("f must return { value, gradFunc }", () => {
    const bad = tg.customGrad(
      () => ({ value: 1 }) as unknown as tg.CustomGradResult,
    );
    assert.throws(() => bad([1]), {
      name: "ValueError",
      message:
        "customGrad: expected f to return { value: Tensor, gradFunc }, got 1",
    });
  });
});

describe("stopGradient", () => {
  test("blocks the gradient through its argument", () => {
    const x = f64([2, -3]);
    allclose(tg.grad((v) => tg.mul(v, tg.stopGradient(v)))(x), [2, -3]);
    allclose(tg.grad((v) => tg.stopGradient(tg.exp(v)))(x), [0, 0]);
    const v = new tg.Variable(f64(4));
    using tape = new tg.GradientTape();
    const y = tg.add(tg.stopGradient(tg.square(v)), v);
    allclose(tape.gradient(y, v)!, 1);
  });
});
