// SPDX-License-Identifier: Apache-2.0
/**
 * batch and unbatch: leaf-by-leaf stacking of numbers, tensors, nested
 * arrays, tuples and records; dtypes; dropRemainder; errors that name the
 * element.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

function errorWith(
  type: new (...args: never[]) => Error,
  ...parts: (string | RegExp)[]
): (e: unknown) => boolean {
  return (e) => {
    if (!(e instanceof type)) return false;
    for (const p of parts) {
      const ok =
        typeof p === "string" ? e.message.includes(p) : p.test(e.message);
      assert.ok(ok, `message ${JSON.stringify(e.message)} lacks ${String(p)}`);
    }
    return true;
  };
}

describe("batch", () => {
  test("numbers give 1-D float32 tensors; the last batch may be short", () => {
    const batches = tg.data.range(5).batch(2).toArray();
    assert.equal(batches.length, 3);
    allclose(batches[0]!, [0, 1], { dtype: "float32" });
    allclose(batches[2]!, [4], { dtype: "float32" });
    assert.deepEqual(batches[2]!.shape, [1]);
  });

  test("dropRemainder drops the short batch", () => {
    const ds = tg.data.range(5).batch(2, { dropRemainder: true });
    const batches = ds.toArray();
    assert.equal(batches.length, 2);
    assert.equal(ds.size, 2);
    allclose(batches[1]!, [2, 3]);
  });

  test("booleans give bool tensors", () => {
    const [b] = tg.data.array([true, false, true]).batch(3).toArray();
    assert.equal(b!.dtype, "bool");
    assert.deepEqual(b!.toArray(), [true, false, true]);
  });

  test("tensors of shape S give [n, ...S] and keep their dtype", () => {
    for (const dtype of ["float32", "float64", "int32"] as const) {
      const items = [0, 1, 2].map((i) =>
        tg.tensor([[i, i + 1, i + 2]], undefined, dtype),
      );
      const [b] = tg.data.array(items).batch(3).toArray();
      assert.deepEqual(b!.shape, [3, 1, 3]);
      allclose(b!, [[[0, 1, 2]], [[1, 2, 3]], [[2, 3, 4]]], { dtype });
    }
  });

  test("plain numbers take the dtype of tensors at the same place", () => {
    const [b] = tg.data
      .array<tg.Tensor | number>([tg.scalar(1.5, "float64"), 2.25])
      .batch(2)
      .toArray();
    allclose(b!, [1.5, 2.25], { dtype: "float64" });
  });

  test("tuples are stacked part by part", () => {
    const xs = tg.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ys = tg.tensor([0, 1, 0], undefined, "int32");
    const ds = tg.data.fromTensorSlices([xs, ys]).batch(2);
    const [first, last] = ds.toArray();
    const [x0, y0] = first!;
    const [x1, y1] = last!;
    allclose(x0, [
      [1, 2],
      [3, 4],
    ]);
    allclose(y0, [0, 1], { dtype: "int32" });
    allclose(x1, [[5, 6]]);
    allclose(y1, [0], { dtype: "int32" });
  });

  test("[x, y, sampleWeight] triples keep three parts", () => {
    const ds = tg.data.array([
      [[1, 2], 0, 0.5],
      [[3, 4], 1, 2],
    ]);
    const [batch] = ds.batch(2).toArray();
    assert.equal(batch!.length, 3);
    allclose(batch![0]!, [
      [1, 2],
      [3, 4],
    ]);
    allclose(batch![1]!, [0, 1]);
    allclose(batch![2]!, [0.5, 2]);
  });

  test("records, nested records and nested tuples are stacked per leaf", () => {
    const ds = tg.data.array([
      { xs: { a: 1, b: [1, 2] }, ys: [0, tg.tensor([1, 1])] },
      { xs: { a: 2, b: [3, 4] }, ys: [1, tg.tensor([2, 2])] },
    ]);
    const [b] = ds.batch(2).toArray();
    allclose(b!.xs.a, [1, 2]);
    allclose(b!.xs.b, [
      [1, 2],
      [3, 4],
    ]);
    allclose(b!.ys[0]!, [0, 1]);
    allclose(b!.ys[1]!, [
      [1, 1],
      [2, 2],
    ]);
    assert.deepEqual(Object.keys(b!), ["xs", "ys"]);
  });

  test("a top-level array is a tuple; below it, an array of numbers is one value", () => {
    const [top] = tg.data
      .array([
        [1, 2],
        [3, 4],
      ])
      .batch(2)
      .toArray();
    assert.ok(Array.isArray(top));
    allclose(top[0]!, [1, 3]);
    allclose(top[1]!, [2, 4]);
    const [inner] = tg.data
      .array([{ v: [1, 2] }, { v: [3, 4] }])
      .batch(2)
      .toArray();
    allclose(inner!.v, [
      [1, 2],
      [3, 4],
    ]);
  });

  test("typed arrays are 1-D leaves of their own dtype", () => {
    const [b] = tg.data
      .array([new Int32Array([1, 2]), new Int32Array([3, 4])])
      .batch(2)
      .toArray();
    allclose(
      b!,
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "int32" },
    );
  });

  test("works on asynchronous datasets", async () => {
    const ds = tg.data
      .generator(async function* () {
        for (let i = 0; i < 5; i++) yield await Promise.resolve([i, i * 2]);
      })
      .batch(2);
    const out: unknown[] = [];
    for await (const [x, y] of ds) out.push([x!.toArray(), y!.toArray()]);
    assert.deepEqual(out, [
      [
        [0, 1],
        [0, 2],
      ],
      [
        [2, 3],
        [4, 6],
      ],
      [[4], [8]],
    ]);
  });

  test("mismatched shapes: a ShapeError naming both elements", () => {
    const items = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8, 9],
    ].map((v) => ({
      x: tg.tensor(v),
    }));
    const ds = tg.data.array(items).batch(2);
    assert.throws(
      () => ds.toArray(),
      errorWith(
        tg.ShapeError,
        /^Dataset\.batch: expected elements of one shape, got \[2\] in element 2 and \[3\] in element 3 at \.x$/,
      ),
    );
  });

  test("ragged nested arrays: a ShapeError naming the element", () => {
    const ds = tg.data.array([{ v: [1, 2] }, { v: [[1], 2] }]).batch(2);
    assert.throws(
      () => ds.toArray(),
      errorWith(tg.ShapeError, "element 1 at .v"),
    );
  });

  test("mismatched structures: a ValueError naming the element", () => {
    const tuples = tg.data
      .array([
        [1, 2],
        [3, 4],
        [5, 6, 7],
      ])
      .batch(3);
    assert.throws(
      () => tuples.toArray(),
      errorWith(
        tg.ValueError,
        "got element 0 as a tuple of 2 and element 2 as a tuple of 3",
      ),
    );
    const records = tg.data.array<object>([{ a: 1 }, { b: 1 }]).batch(2);
    assert.throws(
      () => records.toArray(),
      errorWith(tg.ValueError, 'element 1 as a record with keys ["b"]'),
    );
  });

  test("mixed dtypes: a DTypeError", () => {
    const ds = tg.data
      .array([tg.tensor([1], undefined, "int32"), tg.tensor([1])])
      .batch(2);
    assert.throws(
      () => ds.toArray(),
      errorWith(
        tg.DTypeError,
        "got int32 in element 0 and float32 in element 1",
      ),
    );
  });

  test("strings and other leaves are refused", () => {
    const strings = tg.data.array([{ name: "a" }, { name: "b" }]).batch(2);
    assert.throws(
      () => strings.toArray(),
      errorWith(tg.DTypeError, 'the string "a" in element 0 at .name'),
    );
    const nulls = tg.data.array([[null], [null]]).batch(2);
    assert.throws(
      () => nulls.toArray(),
      errorWith(tg.ValueError, "got null in element 0 at [0]"),
    );
  });
});

describe("unbatch", () => {
  test("is the inverse of batch", () => {
    const x = tg.randomNormal([7, 3], 0, 1, "float64");
    const y = tg.tensor([0, 1, 2, 3, 4, 5, 6], undefined, "int32");
    const rows = tg.data.fromTensorSlices({ x, y }).toArray();
    const round = tg.data
      .fromTensorSlices({ x, y })
      .batch(3)
      .unbatch()
      .toArray();
    assert.equal(round.length, 7);
    round.forEach((r, i) => {
      allclose(r.x, rows[i]!.x.toArray(), { dtype: "float64" });
      allclose(r.y, rows[i]!.y.toArray(), { dtype: "int32" });
    });
  });

  test("splits tuples of tensors into tuples of rows", () => {
    const ds = tg.data
      .array([
        [
          tg.tensor([
            [1, 2],
            [3, 4],
          ]),
          tg.tensor([5, 6]),
        ],
      ])
      .unbatch();
    const rows = ds.toArray().map(([a, b]) => [a!.toArray(), b!.toArray()]);
    assert.deepEqual(rows, [
      [[1, 2], 5],
      [[3, 4], 6],
    ]);
  });

  test("first dimensions that differ: a ShapeError naming the parts", () => {
    const ds = tg.data
      .array([{ a: tg.zeros([3]), b: tg.zeros([2]) }])
      .unbatch();
    assert.throws(
      () => ds.toArray(),
      errorWith(
        tg.ShapeError,
        /^Dataset\.unbatch: expected every part to have the same first dimension, got 3 at \.a and 2 at \.b$/,
      ),
    );
  });

  test("scalars cannot be unbatched", () => {
    assert.throws(
      () => tg.data.range(3).unbatch().toArray(),
      errorWith(
        tg.ShapeError,
        "expected tensors of rank 1 or more",
        "got a scalar",
      ),
    );
  });
});
