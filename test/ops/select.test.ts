// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

const { checkGradients } = tg.testing;

function f64(values: tg.NestedArray): tg.Tensor {
  return tg.tensor(values, undefined, "float64");
}

describe("where", () => {
  test("picks elementwise, with all three broadcast", () => {
    allclose(tg.where([true, false], [1, 2], [10, 20]), [1, 20]);
    allclose(tg.where([[true], [false]], [1, 2, 3], 0), [
      [1, 2, 3],
      [0, 0, 0],
    ]);
    allclose(tg.where(true, [[1, 2]], [[3], [4]]), [
      [1, 2],
      [1, 2],
    ]);
    allclose(tg.where([1, 0, -2], 1, 0), [1, 0, 1]);
  });

  test("promotes the branches", () => {
    const r = tg.where([true, false], tg.ones([2], "int32"), f64([0.5, 0.5]));
    assert.equal(r.dtype, "float64");
    allclose(r, [1, 0.5]);
    assert.equal(tg.where([true], tg.ones([1], "float64"), 2).dtype, "float64");
  });

  test("gradients flow to the chosen branch, summed over broadcasts", () => {
    const cond = tg.tensor([
      [true, false, true],
      [false, false, true],
    ]);
    checkGradients(
      (a, b) => tg.where(cond, a, b),
      [
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8, 9],
          [1, 2, 3],
        ],
      ],
    );
    checkGradients(
      (a, b) => tg.where(cond, a, b),
      [
        [1, 2, 3],
        [[7], [8]],
      ],
    );
    checkGradients((a, b) => tg.where(cond, a, b), [2, [[7, 8, 9]]]);
    const [ga, gb] = tg.grads((a, b) => tg.where(cond, a, b))([
      f64([1, 2, 3]),
      f64(0),
    ]);
    allclose(ga!, [1, 0, 2]);
    allclose(gb!, 3);
  });

  test("a cond computed from the input works", () => {
    // |x| written with where; no gradient flows through the condition.
    checkGradients(
      (x) => tg.where(tg.greater(x, 0), x, tg.neg(x)),
      [[-1.5, 0.5, 2]],
    );
  });

  test("shapes that cannot broadcast", () => {
    assert.throws(() => tg.where([true, false, true], [1, 2], 0), {
      name: "ShapeError",
      message: /^where: shapes \[3\] and \[2\] cannot broadcast/,
    });
  });
});

describe("clip", () => {
  test("limits values", () => {
    allclose(tg.clip([-2, 0.5, 3], 0, 1), [0, 0.5, 1]);
    allclose(tg.tensor([-2, 0.5, 3]).clip(-1, 1), [-1, 0.5, 1]);
    allclose(tg.clip(f64([1, 2]), 1.5, 1.5), [1.5, 1.5]);
    assert.equal(tg.clip(f64([1]), 0, 1).dtype, "float64");
  });

  test("gradient passes inside the range and is 0 outside", () => {
    checkGradients((x) => tg.clip(x, -1, 1), [[-2, -0.5, 0.3, 0.9, 1.7]]);
    allclose(tg.grad((x) => tg.clip(x, -1, 1))(f64([-2, 0.3, 1.7])), [0, 1, 0]);
    allclose(tg.grad((x) => tg.clip(x, -1, 1))(f64([-1, 1])), [1, 1]);
  });

  test("min above max", () => {
    assert.throws(() => tg.clip([1], 2, 1), {
      name: "ValueError",
      message: "clip: expected min <= max, got min=2, max=1",
    });
    assert.throws(() => tg.clip([1], NaN, 1), tg.ValueError);
  });
});

describe("select ops never mutate their inputs", () => {
  test("where and clip", () => {
    const a = f64([1, -2, 3]);
    const b = f64([0, 5, -1]);
    const before = [Array.from(a.data), Array.from(b.data)];
    tg.where([true, false, true], a, b);
    tg.clip(a, -1, 1);
    tg.grads((x, y) => tg.sum(tg.where([true, false, true], x, y)))([a, b]);
    assert.deepEqual([Array.from(a.data), Array.from(b.data)], before);
  });
});
