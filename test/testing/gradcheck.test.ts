// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

const { checkGradients } = tg.testing;

describe("checkGradients", () => {
  test("passes a correct gradient and reports the worst error", () => {
    const report = checkGradients(
      (a, b) => tg.sin(tg.mul(a, b)),
      [[1, 2, 3], [0.5]],
    );
    assert.ok(report.maxError < 1e-8, String(report.maxError));
  });

  test("throws a ValueError naming the input and element on a wrong one", () => {
    // The gradient of the second element is off by 1%.
    const wrong = tg.customGrad((x) => ({
      value: tg.square(x),
      gradFunc: (dy) => tg.mul(dy, tg.mul(tg.mul(x, 2), [1, 1.01, 1])),
    }));
    assert.throws(() => checkGradients((x) => wrong(x), [[1, 2, 3]]), {
      name: "ValueError",
      message:
        /^checkGradients: expected analytic and numeric gradients to agree within 0\.000001, got .* \(input 0, element 1, error /,
    });
  });

  test("catches a wrong gradient that a plain sum would hide", () => {
    // Identity forward, but the gradient swaps the two elements: with the
    // output summed (dy = ones) that is invisible; weighted, it is not.
    const swapped = tg.customGrad((x) => ({
      value: tg.mul(x, 1),
      gradFunc: (dy) => tg.gather(dy, [1, 0]),
    }));
    allclose(tg.grad((x) => swapped(x))(tg.tensor([1, 2])), [1, 1]);
    assert.throws(() => checkGradients((x) => swapped(x), [[1, 2]]), {
      name: "ValueError",
    });
  });

  test("runs in float64 whatever the inputs' dtype", () => {
    let seen: tg.DType | undefined;
    checkGradients(
      (x) => {
        seen = x.dtype;
        return tg.exp(x);
      },
      [tg.tensor([1, 2])],
    );
    assert.equal(seen, "float64");
  });
});
