// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "./helpers.js";

describe("allclose", () => {
  test("passes on equal values, tensors or nested arrays on either side", () => {
    allclose(
      tg.tensor([
        [1, 2],
        [3, 4],
      ]),
      [
        [1, 2],
        [3, 4],
      ],
    );
    allclose([1, 2], tg.tensor([1, 2]));
    allclose(tg.scalar(true), true);
    allclose(tg.tensor([NaN, Infinity]), [NaN, Infinity]);
  });

  test("default tolerance follows the dtype", () => {
    allclose(tg.tensor([1 + 5e-7]), [1]);
    assert.throws(() => allclose(tg.tensor([1 + 5e-6]), [1]), /1 of 1/);
    allclose(tg.tensor([1 + 5e-13], undefined, "float64"), [1]);
    assert.throws(() =>
      allclose(tg.tensor([1 + 1e-10], undefined, "float64"), [1]),
    );
    assert.throws(() => allclose(tg.tensor([2], undefined, "int32"), [2.5]));
  });

  test("explicit rtol and atol override the default", () => {
    allclose(tg.tensor([1.1]), [1], { rtol: 0.2 });
    allclose(tg.tensor([0.05]), [0], { atol: 0.1 });
  });

  test("fails on shape, dtype, NaN and infinity mismatches", () => {
    assert.throws(
      () => allclose(tg.tensor([1, 2]), [[1, 2]]),
      /expected shape \[1,2\], got shape \[2\]/,
    );
    assert.throws(() => allclose(tg.scalar(1), [1]), /shape/);
    assert.throws(
      () => allclose(tg.tensor([1]), [1], { dtype: "float64" }),
      /expected dtype float64, got float32/,
    );
    assert.throws(() => allclose(tg.tensor([NaN]), [0]));
    assert.throws(() => allclose(tg.tensor([Infinity]), [-Infinity]));
  });

  test("the message names the worst element and both values", () => {
    assert.throws(
      () =>
        allclose(
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
          [
            [1, 2],
            [3, 9],
          ],
        ),
      (e: unknown) => {
        assert.ok(e instanceof assert.AssertionError);
        assert.match(e.message, /1 of 4 values differ/);
        assert.match(e.message, /worst at \[1,1\]: actual 4, expected 9/);
        return true;
      },
    );
  });
});
