// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "./helpers.js";

describe("Variable: construction", () => {
  test("name, dtype, shape and trainable", () => {
    const v = new tg.Variable([[1, 2, 3]], { name: "kernel" });
    assert.ok(v instanceof tg.Tensor);
    assert.equal(v.name, "kernel");
    assert.equal(v.dtype, "float32");
    assert.deepEqual(v.shape, [1, 3]);
    assert.equal(v.rank, 2);
    assert.equal(v.size, 3);
    assert.equal(v.trainable, true);
    allclose(v, [[1, 2, 3]]);
  });

  test("defaults, and options", () => {
    const v = new tg.Variable(2);
    assert.equal(v.name, "Variable");
    assert.deepEqual(v.shape, []);
    assert.equal(v.item(), 2);
    const w = new tg.Variable([1.7, -1.7], {
      dtype: "int32",
      trainable: false,
    });
    assert.equal(w.dtype, "int32");
    assert.equal(w.trainable, false);
    allclose(w, [1, -1]);
  });

  test("from a tensor keeps its dtype unless told otherwise", () => {
    const t = tg.tensor([0.1, 0.2], undefined, "float64");
    assert.equal(new tg.Variable(t).dtype, "float64");
    const f = new tg.Variable(t, { dtype: "float32" });
    assert.equal(f.dtype, "float32");
    allclose(f, [0.1, 0.2]);
    assert.equal(new tg.Variable(new Int32Array([1, 2])).dtype, "int32");
  });

  test("a copy of a variable is independent", () => {
    const a = new tg.Variable([1, 2]);
    const b = new tg.Variable(a);
    b.assign([5, 6]);
    allclose(a, [1, 2]);
    allclose(b, [5, 6]);
  });

  test("bad initial values", () => {
    assert.throws(() => new tg.Variable([1], { dtype: "half" as tg.DType }), {
      name: "DTypeError",
      message: /^Variable: expected a dtype .*got "half"/,
    });
    assert.throws(() => new tg.Variable("w" as unknown as number), {
      name: "ValueError",
      message: /^Variable: expected a tensor, a number.*got "w"/,
    });
    assert.throws(() => new tg.Variable([[1], [2, 3]]), {
      name: "ShapeError",
      message: /^Variable: expected a nested array of shape \[2,1\]/,
    });
  });
});

describe("Variable: assign, assignAdd, assignSub", () => {
  test("assign from a tensor, a number or nested arrays", () => {
    const v = new tg.Variable([[1, 2]], { name: "v" });
    assert.equal(v.assign(tg.tensor([[3, 4]])), v);
    allclose(v, [[3, 4]]);
    v.assign([[5, 6]]);
    allclose(v, [[5, 6]]);
    const s = new tg.Variable(1);
    s.assign(7);
    allclose(s, 7);
    const r = new tg.Variable([0, 0]);
    r.assign(new Float64Array([8, 9]));
    allclose(r, [8, 9], { dtype: "float32" });
  });

  test("assigned values are cast to the variable's dtype", () => {
    const v = new tg.Variable([0, 0]);
    v.assign(tg.tensor([0.1, 2], undefined, "float64"));
    assert.equal(v.dtype, "float32");
    assert.ok(v.data instanceof Float32Array);
    allclose(v, [0.1, 2]);
    const i = new tg.Variable([0, 0], { dtype: "int32" });
    i.assign([1.9, -1.9]);
    allclose(i, [1, -1], { dtype: "int32" });
    v.assign(tg.tensor([true, false]));
    allclose(v, [1, 0], { dtype: "float32" });
  });

  test("assignAdd and assignSub from tensors, numbers and arrays", () => {
    const v = new tg.Variable([1, 2]);
    v.assignAdd([10, 10]);
    allclose(v, [11, 12]);
    v.assignSub(tg.tensor([1, 2]));
    allclose(v, [10, 10]);
    v.assignAdd(tg.tensor([0.5, 0.5], undefined, "float64"));
    allclose(v, [10.5, 10.5], { dtype: "float32" });
    const s = new tg.Variable(1, { dtype: "float64" });
    assert.equal(s.assignAdd(0.1).assignSub(2), s);
    allclose(s, 1 + 0.1 - 2);
  });

  test("a variable assigned from itself", () => {
    const v = new tg.Variable([1, 2]);
    v.assign(v.mul(2));
    allclose(v, [2, 4]);
    v.assignAdd(v);
    allclose(v, [4, 8]);
  });

  test("tensors read before an assign keep their values", () => {
    const v = new tg.Variable([1, 2, 3, 4]);
    const snapshot = v.value;
    const reshaped = v.reshape([2, 2]);
    const sum = v.add(0);
    const copy = tg.tensor(v);
    v.assign([9, 9, 9, 9]);
    allclose(snapshot, [1, 2, 3, 4]);
    allclose(reshaped, [
      [1, 2],
      [3, 4],
    ]);
    allclose(sum, [1, 2, 3, 4]);
    allclose(copy, [1, 2, 3, 4]);
    allclose(v.value, [9, 9, 9, 9]);
  });

  test("a wrong shape throws a ShapeError and keeps the value", () => {
    const v = new tg.Variable([1, 2], { name: "bias" });
    assert.throws(() => v.assign([1, 2, 3]), {
      name: "ShapeError",
      message:
        'Variable "bias".assign: expected a value of shape [2], got shape [3]',
    });
    assert.throws(() => v.assign(tg.zeros([2, 1])), {
      name: "ShapeError",
      message:
        'Variable "bias".assign: expected a value of shape [2], got shape [2,1]',
    });
    assert.throws(() => v.assign(5), {
      name: "ShapeError",
      message:
        'Variable "bias".assign: expected a value of shape [2], got shape []',
    });
    assert.throws(() => v.assignAdd([1]), {
      name: "ShapeError",
      message:
        'Variable "bias".assignAdd: expected a value of shape [2], got shape [1]',
    });
    assert.throws(() => v.assignSub(tg.ones([3])), {
      name: "ShapeError",
      message:
        'Variable "bias".assignSub: expected a value of shape [2], got shape [3]',
    });
    assert.throws(() => v.assign([[1, 2], [3]]), {
      name: "ShapeError",
      message:
        /^Variable "bias"\.assign: expected a nested array of shape \[2,2\]/,
    });
    allclose(v, [1, 2]);
  });

  test("a non-numeric value throws a ValueError and keeps the value", () => {
    const v = new tg.Variable([1, 2], { name: "w" });
    assert.throws(() => v.assign("abc" as unknown as number), {
      name: "ValueError",
      message: /^Variable "w"\.assign: expected a tensor, a number.*got "abc"/,
    });
    assert.throws(() => v.assign(["a", "b"] as unknown as number[]), {
      name: "ValueError",
      message:
        'Variable "w".assign: expected numbers or booleans, got "a" at index [0]',
    });
    assert.throws(() => v.assignAdd(null as unknown as number), {
      name: "ValueError",
      message:
        /^Variable "w"\.assignAdd: expected a tensor, a number.*got null/,
    });
    assert.throws(() => v.assignSub({} as unknown as number), {
      name: "ValueError",
      message: /^Variable "w"\.assignSub: /,
    });
    allclose(v, [1, 2]);
  });
});

describe("Variable in ops", () => {
  test("ops and tensor methods read the current value", () => {
    const v = new tg.Variable(
      [
        [1, 2],
        [3, 4],
      ],
      { name: "m" },
    );
    allclose(tg.add(v, 1), [
      [2, 3],
      [4, 5],
    ]);
    allclose(v.mul(2), [
      [2, 4],
      [6, 8],
    ]);
    allclose(v.matMul(v), [
      [7, 10],
      [15, 22],
    ]);
    allclose(tg.matMul([[1, 0]], v), [[1, 2]]);
    allclose(v.sum(), 10);
    allclose(v.transpose(), [
      [1, 3],
      [2, 4],
    ]);
    allclose(tg.concat([v, v]), [
      [1, 2],
      [3, 4],
      [1, 2],
      [3, 4],
    ]);
    allclose(v.gather([1]), [[3, 4]]);
    allclose(tg.where([[true, false]], v, 0), [
      [1, 0],
      [3, 0],
    ]);
    assert.deepEqual(v.toArray(), [
      [1, 2],
      [3, 4],
    ]);
    v.assign([
      [0, 0],
      [0, 1],
    ]);
    allclose(v.add(1), [
      [1, 1],
      [1, 2],
    ]);
    assert.deepEqual(Array.from(v.data), [0, 0, 0, 1]);
    assert.equal(tg.max(v).item(), 1);
  });

  test("ops never change a variable", () => {
    const v = new tg.Variable([1, -2, 3]);
    v.neg();
    tg.sub(v, v);
    v.clip(0, 1);
    tg.grad((x) => tg.sum(tg.square(x)))(v);
    allclose(v, [1, -2, 3]);
  });

  test("a variable as a gradient source, read through ops or methods", () => {
    const v = new tg.Variable(tg.tensor([1, 2], undefined, "float64"));
    using tape = new tg.GradientTape();
    const y = v.square().sum();
    allclose(tape.gradient(y, v)!, [2, 4]);
  });
});
