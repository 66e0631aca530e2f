// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

const { checkGradients } = tg.testing;

describe("cast", () => {
  test("between every pair of dtypes", () => {
    const DTYPES: tg.DType[] = ["bool", "int32", "float32", "float64"];
    const source = [0, 1, 2.75, -3.5];
    const expected: Record<tg.DType, number[]> = {
      bool: [0, 1, 1, 1],
      int32: [0, 1, 2, -3],
      float32: [0, 1, 2.75, -3.5],
      float64: [0, 1, 2.75, -3.5],
    };
    for (const from of DTYPES) {
      const x = tg.tensor(source, undefined, from);
      for (const to of DTYPES) {
        const y = tg.cast(x, to);
        assert.equal(y.dtype, to);
        const want = expected[from].map((v) =>
          to === "bool" ? +(v !== 0) : to === "int32" ? Math.trunc(v) : v,
        );
        assert.deepEqual(Array.from(y.data), want, `${from} -> ${to}`);
      }
    }
  });

  test("float64 to float32 rounds", () => {
    const y = tg.cast(
      tg.tensor([0.1, 1e-50, 1e40], undefined, "float64"),
      "float32",
    );
    assert.deepEqual(Array.from(y.data), [Math.fround(0.1), 0, Infinity]);
  });

  test("to the same dtype gives the same values", () => {
    const x = tg.tensor([1, 2]);
    allclose(tg.cast(x, "float32"), x);
    allclose(x.cast("float32"), [1, 2], { dtype: "float32" });
  });

  test("an unknown dtype", () => {
    assert.throws(() => tg.cast([1], "string" as tg.DType), {
      name: "DTypeError",
      message:
        'cast: expected a dtype (bool, int32, float32, float64), got "string"',
    });
  });

  test("the gradient flows between float dtypes", () => {
    const g = tg.grad((x) => tg.square(tg.cast(x, "float64")))(
      tg.tensor([1.5, -2]),
    );
    assert.equal(g.dtype, "float32");
    allclose(g, [3, -4]);
    const h = tg.grad((x) => tg.square(tg.cast(x, "float32")))(
      tg.tensor([1.5, -2], undefined, "float64"),
    );
    assert.equal(h.dtype, "float64");
    allclose(h, [3, -4]);
    checkGradients(
      (x) => tg.mul(tg.cast(tg.cast(x, "float32"), "float64"), 3),
      [[0.5, -1.25]],
      {
        epsilon: 1e-2,
        tolerance: 1e-5,
      },
    );
  });

  test("no gradient through int32 or bool", () => {
    const x = tg.tensor([1.5, 2.5], undefined, "float64");
    const tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.cast(tg.cast(x, "int32"), "float64");
    assert.equal(tape.gradient(y, x), null);
    allclose(tg.grad((v) => tg.cast(tg.cast(v, "bool"), "float64"))(x), [0, 0]);
  });

  test("never mutates its input", () => {
    const x = tg.tensor([1.7, -2.2], undefined, "float64");
    for (const d of ["bool", "int32", "float32"] as const) tg.cast(x, d);
    assert.deepEqual(Array.from(x.data), [1.7, -2.2]);
  });
});

describe("stopGradient", () => {
  test("keeps the values and blocks the gradient", () => {
    const x = tg.tensor([2, 3], undefined, "float64");
    allclose(tg.stopGradient(x), x);
    allclose(tg.grad((v) => tg.mul(v, tg.stopGradient(v)))(x), [2, 3]);
    allclose(tg.grad((v) => tg.stopGradient(tg.square(v)))(x), [0, 0]);
  });
});
