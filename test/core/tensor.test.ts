// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { inspect } from "node:util";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

describe("tensor()", () => {
  test("from a number is a float32 scalar", () => {
    const t = tg.tensor(3);
    assert.deepEqual(t.shape, []);
    assert.equal(t.dtype, "float32");
    assert.equal(t.rank, 0);
    assert.equal(t.size, 1);
    assert.equal(t.item(), 3);
  });

  test("from nested arrays infers the shape", () => {
    const t = tg.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, "float32");
    assert.deepEqual(t.toArray(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(tg.tensor([[[1], [2]]]).shape, [1, 2, 1]);
  });

  test("booleans make bool tensors", () => {
    const t = tg.tensor([true, false]);
    assert.equal(t.dtype, "bool");
    assert.deepEqual(t.toArray(), [true, false]);
    assert.deepEqual(Array.from(t.data), [1, 0]);
  });

  test("typed arrays keep their dtype and are copied", () => {
    const cases: [tg.TypedArray, tg.DType][] = [
      [new Float32Array([1, 2]), "float32"],
      [new Float64Array([1, 2]), "float64"],
      [new Int32Array([1, 2]), "int32"],
      [new Uint8Array([1, 0]), "bool"],
    ];
    for (const [array, dtype] of cases) {
      const t = tg.tensor(array);
      assert.equal(t.dtype, dtype);
      assert.deepEqual(t.shape, [2]);
      assert.ok(t.data instanceof array.constructor);
      array[0] = 0;
      assert.equal(t.data[0], 1, `${dtype} tensor shares its source`);
    }
  });

  test("shape reshapes the values", () => {
    const t = tg.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    assert.deepEqual(t.toArray(), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    assert.deepEqual(tg.tensor(new Float64Array(6), [2, 3]).shape, [2, 3]);
    assert.deepEqual(tg.tensor([5], []).shape, []);
  });

  test("dtype converts the values", () => {
    const f = tg.tensor([1.5, 2], undefined, "float64");
    assert.equal(f.dtype, "float64");
    assert.ok(f.data instanceof Float64Array);
    const i = tg.tensor([1.7, -1.7, 0.2], undefined, "int32");
    assert.deepEqual(i.toArray(), [1, -1, 0]);
    const b = tg.tensor([0, 2, -0.5], undefined, "bool");
    assert.deepEqual(b.toArray(), [false, true, true]);
    allclose(tg.tensor([true, false], undefined, "float32"), [1, 0]);
  });

  test("from a tensor copies, optionally with a new shape and dtype", () => {
    const a = tg.tensor([1, 2, 3, 4]);
    const b = tg.tensor(a, [2, 2], "int32");
    assert.deepEqual(b.shape, [2, 2]);
    assert.equal(b.dtype, "int32");
    assert.notEqual(b.data, a.data);
    const c = tg.tensor(a);
    assert.notEqual(c.id, a.id);
    assert.deepEqual(c.toArray(), [1, 2, 3, 4]);
  });

  test("float32 values round to float32", () => {
    assert.equal(tg.tensor([0.1]).data[0], Math.fround(0.1));
    assert.equal(tg.tensor([0.1], undefined, "float64").data[0], 0.1);
  });

  test("every tensor has its own id", () => {
    const ids = new Set(
      [tg.zeros([1]), tg.zeros([1]), tg.scalar(1)].map((t) => t.id),
    );
    assert.equal(ids.size, 3);
  });
});

describe("scalar, fill, zeros, ones", () => {
  test("scalar", () => {
    assert.equal(tg.scalar(3.5).item(), 3.5);
    assert.equal(tg.scalar(3.5).dtype, "float32");
    assert.equal(tg.scalar(true).dtype, "bool");
    assert.equal(tg.scalar(true).item(), 1);
    assert.equal(tg.scalar(2.9, "int32").item(), 2);
    assert.equal(tg.scalar(0.1, "float64").item(), 0.1);
    assert.deepEqual(tg.scalar(1).shape, []);
  });

  test("zeros and ones in every dtype", () => {
    for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
      const z = tg.zeros([2, 3], dtype);
      const o = tg.ones([2, 3], dtype);
      assert.equal(z.dtype, dtype);
      assert.deepEqual(z.shape, [2, 3]);
      assert.deepEqual(Array.from(z.data), [0, 0, 0, 0, 0, 0]);
      assert.deepEqual(Array.from(o.data), [1, 1, 1, 1, 1, 1]);
    }
    assert.equal(tg.zeros([2]).dtype, "float32");
    assert.deepEqual(tg.ones([]).shape, []);
  });

  test("fill", () => {
    allclose(tg.fill([2, 2], 7), [
      [7, 7],
      [7, 7],
    ]);
    assert.deepEqual(tg.fill([3], 2.7, "int32").toArray(), [2, 2, 2]);
    assert.deepEqual(tg.fill([2], 5, "bool").toArray(), [true, true]);
    assert.equal(tg.fill([1], 0.1, "float64").data[0], 0.1);
    allclose(tg.fill([2], -Infinity), [-Infinity, -Infinity]);
  });

  test("zerosLike and onesLike keep shape and dtype", () => {
    const x = tg.tensor([[1, 2, 3]], undefined, "int32");
    const z = tg.zerosLike(x);
    const o = tg.onesLike(x);
    assert.deepEqual(z.shape, [1, 3]);
    assert.equal(z.dtype, "int32");
    assert.deepEqual(z.toArray(), [[0, 0, 0]]);
    assert.deepEqual(o.toArray(), [[1, 1, 1]]);
    assert.equal(tg.onesLike(tg.zeros([2], "float64")).dtype, "float64");
    assert.deepEqual(tg.onesLike([true, false]).toArray(), [true, true]);
    assert.deepEqual(tg.zerosLike([[1, 2]]).toArray(), [[0, 0]]);
  });
});

describe("eye, range, linspace", () => {
  test("eye, square and rectangular", () => {
    allclose(tg.eye(2), [
      [1, 0],
      [0, 1],
    ]);
    allclose(tg.eye(2, 3), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    allclose(tg.eye(3, 2), [
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    assert.equal(tg.eye(2, 2, [], "float64").dtype, "float64");
    assert.deepEqual(tg.eye(0).shape, [0, 0]);
  });

  test("eye with a batch shape repeats the matrix", () => {
    const e = tg.eye(2, 3, [2, 1], "int32");
    assert.deepEqual(e.shape, [2, 1, 2, 3]);
    const block = [
      [1, 0, 0],
      [0, 1, 0],
    ];
    assert.deepEqual(e.toArray(), [[block], [block]]);
    assert.deepEqual(tg.eye(2, 2, [0]).shape, [0, 2, 2]);
  });

  test("range", () => {
    allclose(tg.range(0, 5), [0, 1, 2, 3, 4]);
    allclose(tg.range(0, 5, 2), [0, 2, 4]);
    allclose(tg.range(5, 0, -2), [5, 3, 1]);
    allclose(tg.range(0, 1, 0.25), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(tg.range(3, 3).shape, [0]);
    assert.deepEqual(tg.range(3, 0).shape, [0]);
    const i = tg.range(0, 3, 1, "int32");
    assert.equal(i.dtype, "int32");
    assert.deepEqual(i.toArray(), [0, 1, 2]);
  });

  test("linspace includes both ends", () => {
    allclose(tg.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
    allclose(tg.linspace(2, -2, 3), [2, 0, -2]);
    allclose(tg.linspace(1, 5, 1), [1]);
    assert.deepEqual(tg.linspace(0, 1, 0).shape, [0]);
    const f = tg.linspace(0, 0.3, 4, "float64");
    assert.equal(f.dtype, "float64");
    assert.equal(f.data[3], 0.3);
  });

  test("bad arguments", () => {
    assert.throws(() => tg.range(0, 5, 0), {
      name: "ValueError",
      message: /^range: expected a non-zero finite step, got 0/,
    });
    assert.throws(() => tg.linspace(0, 1, -1), {
      name: "ValueError",
      message: /^linspace: expected a count >= 0, got -1/,
    });
    assert.throws(() => tg.linspace(0, 1, 3, "float16" as tg.DType), {
      name: "DTypeError",
      message: /^linspace: expected a dtype .*got "float16"/,
    });
    assert.throws(() => tg.eye(-1), tg.ShapeError);
  });
});

describe("zero-size dimensions", () => {
  test("creation and reading", () => {
    const t = tg.zeros([2, 0, 3]);
    assert.equal(t.size, 0);
    assert.equal(t.data.length, 0);
    assert.deepEqual(t.toArray(), [[], []]);
    assert.deepEqual(tg.tensor([]).shape, [0]);
    assert.equal(tg.tensor([]).dtype, "float32");
    assert.deepEqual(tg.tensor([[]]).shape, [1, 0]);
    assert.deepEqual(tg.tensor([], [0, 4]).shape, [0, 4]);
  });

  test("ops keep zero-size shapes", () => {
    const x = tg.zeros([0, 3]);
    assert.deepEqual(tg.add(x, tg.ones([3])).shape, [0, 3]);
    assert.deepEqual(tg.exp(x).shape, [0, 3]);
    assert.deepEqual(x.reshape([3, 0]).shape, [3, 0]);
    assert.deepEqual(x.transpose().shape, [3, 0]);
    allclose(tg.sum(x, 0), [0, 0, 0]);
    allclose(tg.prod(x, 0), [1, 1, 1]);
    assert.deepEqual(tg.sum(x, 1).shape, [0]);
    allclose(tg.matMul(tg.zeros([2, 0]), tg.zeros([0, 3])), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual(tg.concat([x, tg.ones([2, 3])]).shape, [2, 3]);
    assert.match(x.toString(), /shape=\[0, 3\]/);
  });

  test("max of an empty tensor throws", () => {
    assert.throws(() => tg.max(tg.zeros([0])), {
      name: "ValueError",
      message: /^max: expected a non-empty tensor, got shape \[0\]/,
    });
  });
});

describe("reading values", () => {
  test("data, toArray and item", () => {
    const t = tg.tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.ok(t.data instanceof Float32Array);
    assert.deepEqual(Array.from(t.data), [1, 2, 3, 4]);
    assert.deepEqual(t.toArray(), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal(tg.tensor([[5]]).item(), 5);
    assert.equal(tg.item([[7]]), 7);
    assert.equal(tg.scalar(4).toArray(), 4);
    assert.equal(tg.scalar(false).toArray(), false);
  });

  test("item on several values throws", () => {
    assert.throws(() => tg.tensor([1, 2]).item(), {
      name: "ValueError",
      message: "item: expected a tensor with one element, got shape [2]",
    });
  });
});

describe("bool and int32", () => {
  test("casting floats to int32 truncates toward zero", () => {
    const x = tg.tensor([1.7, -1.7, 2.5, -0.5, 0.999]);
    assert.deepEqual(tg.cast(x, "int32").toArray(), [1, -1, 2, 0, 0]);
    assert.deepEqual(x.cast("int32").dtype, "int32");
  });

  test("int32 wraps around like C", () => {
    const big = tg.tensor([2147483647], undefined, "int32");
    assert.deepEqual(tg.add(big, 1).toArray(), [-2147483648]);
    assert.equal(big.add(1).dtype, "int32");
    assert.deepEqual(tg.mul(big, 2).toArray(), [-2]);
    assert.deepEqual(
      tg.tensor([2 ** 31, 2 ** 32 + 5], undefined, "int32").toArray(),
      [-2147483648, 5],
    );
  });

  test("int32 keeps its dtype where the result is an integer", () => {
    const x = tg.tensor([-3, 2], undefined, "int32");
    for (const t of [x.neg(), x.abs(), x.square(), x.sign(), x.mul(x)]) {
      assert.equal(t.dtype, "int32");
    }
    assert.deepEqual(x.abs().toArray(), [3, 2]);
    assert.equal(tg.sqrt(x.abs()).dtype, "float32");
    assert.equal(tg.sum(x).dtype, "int32");
    assert.equal(tg.mean(x).dtype, "float32");
    allclose(tg.mean(x), -0.5);
  });

  test("bool values are 0 and 1; non-zero casts to true", () => {
    const b = tg.cast([0, 0.5, -3, NaN], "bool");
    assert.deepEqual(b.toArray(), [false, true, true, true]);
    assert.deepEqual(tg.cast([true, false], "int32").toArray(), [1, 0]);
    assert.deepEqual(
      tg.cast(tg.tensor([2, 0], undefined, "int32"), "bool").toArray(),
      [true, false],
    );
  });

  test("arithmetic on bools counts in int32 and never stores 2 in a bool", () => {
    const b = tg.tensor([true, true, false]);
    const s = tg.add(b, b);
    assert.equal(s.dtype, "int32");
    assert.deepEqual(s.toArray(), [2, 2, 0]);
    assert.deepEqual(tg.sub([false, false, false], b).toArray(), [-1, -1, 0]);
    assert.deepEqual(tg.sum(b).toArray(), 2);
    assert.equal(tg.sum(b).dtype, "int32");
    assert.equal(tg.add(b, 1).dtype, "int32");
    assert.equal(tg.maximum(b, b).dtype, "bool");
  });

  test("NaN casts to int32 zero", () => {
    assert.deepEqual(tg.cast([NaN], "int32").toArray(), [0]);
  });
});

describe("printing", () => {
  test("toString shows shape, dtype and values", () => {
    const t = tg.tensor([
      [1.5, 2],
      [3, 4],
    ]);
    assert.equal(
      t.toString(),
      "Tensor(shape=[2, 2], dtype=float32)\n[[1.5,   2],\n [  3,   4]]",
    );
  });

  test("util.inspect and console.log use the same layout", () => {
    const t = tg.tensor([1, 2, 3], undefined, "int32");
    assert.equal(inspect(t), t.toString());
    assert.match(inspect(t), /dtype=int32/);
    assert.match(inspect({ t }), /Tensor\(shape=\[3\], dtype=int32\)/);
  });

  test("values print per dtype", () => {
    assert.match(tg.scalar(0.1).toString(), /\n0\.1$/);
    assert.match(
      tg.scalar(0.1 + 0.2, "float64").toString(),
      /\n0\.30000000000000004$/,
    );
    assert.match(tg.tensor([true, false]).toString(), /\[ true, false\]$/);
    assert.match(tg.tensor([NaN, -Infinity]).toString(), /NaN/);
    assert.match(
      tg.scalar(3).toString(),
      /^Tensor\(shape=\[\], dtype=float32\)\n3$/,
    );
  });

  test("rank 3 separates blocks with a blank line", () => {
    const s = tg.range(0, 8).reshape([2, 2, 2]).toString();
    assert.equal(
      s.split("\n").slice(1).join("\n"),
      "[[[0, 1],\n  [2, 3]],\n\n [[4, 5],\n  [6, 7]]]",
    );
  });

  test("large tensors are summarized", () => {
    const s = tg.range(0, 5000).toString();
    assert.ok(s.endsWith("[   0,    1,    2, ..., 4997, 4998, 4999]"), s);
    assert.ok(s.length < 200);
  });

  test("a Variable prints its name", () => {
    const v = new tg.Variable([1, 2], { name: "bias" });
    assert.match(
      v.toString(),
      /^Variable "bias" shape=\[2\] dtype=float32\n\[1, 2\]$/,
    );
    assert.match(inspect(v), /Variable "bias"/);
    v.assign([3, 4]);
    assert.match(inspect(v), /\[3, 4\]/);
  });
});

describe("random", () => {
  const makers = {
    randomUniform: (seed?: number) =>
      tg.randomUniform([50], 0, 1, "float32", seed),
    randomNormal: (seed?: number) =>
      tg.randomNormal([50], 0, 1, "float32", seed),
    truncatedNormal: (seed?: number) =>
      tg.truncatedNormal([50], 0, 1, "float32", seed),
  };

  for (const [name, make] of Object.entries(makers)) {
    test(`${name}: setSeed repeats, a new draw differs`, () => {
      tg.setSeed(123);
      const a = make().toArray();
      const b = make().toArray();
      tg.setSeed(123);
      assert.deepEqual(make().toArray(), a);
      assert.deepEqual(make().toArray(), b);
      assert.notDeepEqual(a, b);
      tg.setSeed(124);
      assert.notDeepEqual(make().toArray(), a);
    });

    test(`${name}: a seed argument repeats and leaves the global stream`, () => {
      assert.deepEqual(make(5).toArray(), make(5).toArray());
      assert.notDeepEqual(make(5).toArray(), make(6).toArray());
      tg.setSeed(9);
      const expected = make().toArray();
      tg.setSeed(9);
      make(77);
      assert.deepEqual(make().toArray(), expected);
    });
  }

  test("randomUniform: range and moments", () => {
    const x = tg.randomUniform([20000], -2, 3, "float64", 1);
    assert.equal(x.dtype, "float64");
    assert.ok(tg.min(x).item() >= -2);
    assert.ok(tg.max(x).item() < 3);
    const mean = tg.mean(x).item();
    const variance = tg.mean(tg.square(tg.sub(x, mean))).item();
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(variance - 25 / 12) < 0.1, `variance ${variance}`);
  });

  test("randomNormal: moments", () => {
    const x = tg.randomNormal([20000], 1, 2, "float64", 2);
    const mean = tg.mean(x).item();
    const std = Math.sqrt(tg.mean(tg.square(tg.sub(x, mean))).item());
    assert.ok(Math.abs(mean - 1) < 0.06, `mean ${mean}`);
    assert.ok(Math.abs(std - 2) < 0.05, `std ${std}`);
  });

  test("truncatedNormal: within two standard deviations", () => {
    const x = tg.truncatedNormal([20000], 3, 0.5, "float64", 4);
    const dev = tg.abs(tg.sub(x, 3));
    assert.ok(tg.max(dev).item() <= 1);
    const mean = tg.mean(x).item();
    const std = Math.sqrt(tg.mean(tg.square(tg.sub(x, mean))).item());
    // The standard deviation of a normal truncated at ±2σ is 0.8796σ.
    assert.ok(Math.abs(mean - 3) < 0.02, `mean ${mean}`);
    assert.ok(Math.abs(std - 0.8796 * 0.5) < 0.01, `std ${std}`);
  });

  test("bad arguments", () => {
    assert.throws(() => tg.randomUniform([2], 0, 1, "int32"), {
      name: "DTypeError",
      message: "randomUniform: expected float32 or float64, got int32",
    });
    assert.throws(() => tg.randomUniform([2], 1, 1), {
      name: "ValueError",
      message: /^randomUniform: expected minval < maxval, got 1 and 1/,
    });
    assert.throws(() => tg.randomNormal([-2]), tg.ShapeError);
    assert.deepEqual(tg.randomNormal([0, 2]).shape, [0, 2]);
  });
});

describe("bad input to tensor()", () => {
  test("ragged nested arrays", () => {
    assert.throws(() => tg.tensor([[1, 2], [3]]), {
      name: "ShapeError",
      message:
        "tensor: expected a nested array of shape [2,2], got a ragged one " +
        "(length 1 at index [1])",
    });
    assert.throws(() => tg.tensor([[1, 2], 3] as tg.NestedArray), {
      name: "ShapeError",
      message: /^tensor: expected a nested array of shape \[2,2\].*index \[1\]/,
    });
    assert.throws(() => tg.tensor([1, [2]]), {
      name: "ShapeError",
      message: /^tensor: .*ragged.*index \[1\]/,
    });
  });

  test("a shape that does not match the number of values", () => {
    assert.throws(() => tg.tensor([1, 2, 3], [2, 2]), {
      name: "ShapeError",
      message: "tensor: expected 4 values for shape [2,2], got 3",
    });
    assert.throws(() => tg.tensor(new Float32Array(5), [2, 3]), tg.ShapeError);
    assert.throws(() => tg.tensor([1, 2], [2.5]), {
      name: "ShapeError",
      message:
        /^tensor: expected a shape \(an array of integers >= 0\), got \[2\.5\]/,
    });
  });

  test("values that are not numbers", () => {
    assert.throws(() => tg.tensor(["a"] as unknown as number[]), {
      name: "ValueError",
      message: 'tensor: expected numbers or booleans, got "a" at index [0]',
    });
    assert.throws(() => tg.tensor(null as unknown as number), {
      name: "ValueError",
      message: /^tensor: expected a tensor, a number.*got null/,
    });
    assert.throws(
      () => tg.tensor(new Uint16Array(2) as unknown as Uint8Array),
      { name: "ValueError", message: /got Uint16Array/ },
    );
  });

  test("an unknown dtype", () => {
    const bad = "complex64" as tg.DType;
    assert.throws(() => tg.tensor([1], undefined, bad), {
      name: "DTypeError",
      message:
        'tensor: expected a dtype (bool, int32, float32, float64), got "complex64"',
    });
    for (const [name, f] of [
      ["zeros", () => tg.zeros([2], bad)],
      ["fill", () => tg.fill([2], 1, bad)],
      ["scalar", () => tg.scalar(1, bad)],
      ["eye", () => tg.eye(2, 2, [], bad)],
      ["range", () => tg.range(0, 2, 1, bad)],
      ["randomNormal", () => tg.randomNormal([2], 0, 1, bad)],
    ] as const) {
      assert.throws(f, {
        name: "DTypeError",
        message: new RegExp(`^${name}: expected a dtype`),
      });
    }
  });

  test("errors are TensorgradErrors", () => {
    try {
      tg.tensor([[1], [2, 3]]);
      assert.fail("no error");
    } catch (e) {
      assert.ok(e instanceof tg.ShapeError);
      assert.ok(e instanceof tg.TensorgradError);
      assert.ok(e instanceof Error);
    }
  });
});
