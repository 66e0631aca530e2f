// SPDX-License-Identifier: Apache-2.0
/**
 * Sources: array, fromTensorSlices, generator (sync and async), zip, range.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

function errorWith(
  type: new (...args: never[]) => Error,
  pattern: RegExp,
): (e: unknown) => boolean {
  return (e) => {
    if (!(e instanceof type)) return false;
    assert.match(e.message, pattern);
    return true;
  };
}

describe("array", () => {
  test("gives the items in order, size known, re-iterable", () => {
    const ds = tg.data.array(["a", { b: 1 }, [2, 3]]);
    assert.equal(ds.size, 3);
    assert.equal(ds.isAsync, false);
    assert.deepEqual(ds.toArray(), ["a", { b: 1 }, [2, 3]]);
    assert.deepEqual([...ds], ds.toArray());
  });

  test("copies the array", () => {
    const items = [1, 2];
    const ds = tg.data.array(items);
    items.push(3);
    assert.deepEqual(ds.toArray(), [1, 2]);
    assert.equal(ds.size, 2);
  });

  test("refuses a non-array", () => {
    assert.throws(
      () => tg.data.array(5 as unknown as number[]),
      errorWith(tg.ValueError, /^array: expected an array, got 5$/),
    );
  });
});

describe("fromTensorSlices", () => {
  test("slices a tensor along its first axis, keeping the dtype", () => {
    const x = tg.tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      undefined,
      "float64",
    );
    const ds = tg.data.fromTensorSlices(x);
    assert.equal(ds.size, 3);
    const rows = ds.toArray();
    assert.equal(rows.length, 3);
    rows.forEach((r, i) =>
      allclose(r, [2 * i + 1, 2 * i + 2], { dtype: "float64" }),
    );
    assert.deepEqual(rows[0]!.shape, [2]);
  });

  test("a nested array of numbers is one tensor", () => {
    const rows = tg.data
      .fromTensorSlices([
        [1, 2],
        [3, 4],
      ])
      .toArray();
    assert.equal(rows.length, 2);
    allclose(rows[1]!, [3, 4], { dtype: "float32" });
    const scalars = tg.data.fromTensorSlices([5, 6, 7]).toArray();
    assert.deepEqual(
      scalars.map((t) => t.shape),
      [[], [], []],
    );
    assert.deepEqual(
      scalars.map((t) => t.item()),
      [5, 6, 7],
    );
  });

  test("a typed array slices into scalars of its dtype", () => {
    const rows = tg.data.fromTensorSlices(new Int32Array([4, 5])).toArray();
    assert.deepEqual(
      rows.map((t) => [t.dtype, t.item()]),
      [
        ["int32", 4],
        ["int32", 5],
      ],
    );
  });

  test("a tuple of tensors gives tuples of rows", () => {
    const x = tg.tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = tg.tensor([7, 8], undefined, "int32");
    const rows = tg.data.fromTensorSlices([x, y]).toArray();
    assert.deepEqual(
      rows.map(([a, b]) => [a.toArray(), b.toArray(), b.dtype]),
      [
        [[1, 2], 7, "int32"],
        [[3, 4], 8, "int32"],
      ],
    );
  });

  test("a record, with nested arrays and nested records, gives records", () => {
    const ds = tg.data.fromTensorSlices({
      xs: { a: [1, 2, 3], b: tg.zeros([3, 2]) },
      ys: [[0], [1], [0]],
    });
    assert.equal(ds.size, 3);
    const r = ds.toArray()[1]!;
    assert.equal(r.xs.a.item(), 2);
    assert.deepEqual(r.xs.b.shape, [2]);
    assert.deepEqual(r.ys.toArray(), [1]);
  });

  test("the same tensor in two places is sliced for both", () => {
    const x = tg.tensor([1, 2]);
    const rows = tg.data.fromTensorSlices([x, x]).toArray();
    assert.deepEqual(
      rows.map(([a, b]) => [a.item(), b.item()]),
      [
        [1, 1],
        [2, 2],
      ],
    );
  });

  test("differing first dimensions: a ShapeError that names the parts", () => {
    assert.throws(
      () =>
        tg.data.fromTensorSlices({ xs: tg.zeros([4, 3]), ys: tg.zeros([3]) }),
      errorWith(
        tg.ShapeError,
        /^fromTensorSlices: expected every part to have the same first dimension, got 4 at \.xs and 3 at \.ys$/,
      ),
    );
    assert.throws(
      () => tg.data.fromTensorSlices([tg.zeros([2]), [1, 2, 3]]),
      errorWith(tg.ShapeError, /got 2 at \[0\] and 3 at \[1\]$/),
    );
  });

  test("scalars and ragged arrays: ShapeErrors", () => {
    assert.throws(
      () => tg.data.fromTensorSlices({ a: tg.zeros([2]), b: 3 }),
      errorWith(tg.ShapeError, /rank 1 or more.*got a scalar at \.b$/),
    );
    assert.throws(
      () => tg.data.fromTensorSlices(tg.scalar(1)),
      errorWith(tg.ShapeError, /got a scalar$/),
    );
    assert.throws(
      () => tg.data.fromTensorSlices([[1, 2], [3]]),
      errorWith(tg.ShapeError, /^fromTensorSlices: expected a nested array/),
    );
  });

  test("other values: ValueErrors", () => {
    assert.throws(
      () => tg.data.fromTensorSlices({ a: "text" }),
      errorWith(
        tg.ValueError,
        /^fromTensorSlices: expected tensors.*"text" at \.a$/,
      ),
    );
    assert.throws(
      () => tg.data.fromTensorSlices({}),
      errorWith(tg.ValueError, /expected at least one tensor or array/),
    );
  });
});

describe("generator", () => {
  test("a generator function: called anew for each iteration", () => {
    let calls = 0;
    let started = 0;
    const ds = tg.data.generator(function* () {
      calls++;
      started++;
      yield* [1, 2, 3];
    });
    assert.equal(started, 0, "the probe does not start the body");
    assert.equal(ds.isAsync, false);
    assert.equal(ds.size, null);
    assert.deepEqual(ds.toArray(), [1, 2, 3]);
    assert.deepEqual(ds.toArray(), [1, 2, 3]);
    assert.equal(calls, 2);
  });

  test("fn is called when made, for the first iteration, then per iteration", () => {
    let calls = 0;
    const ds = tg.data.generator(() => {
      calls++;
      return [calls];
    });
    assert.equal(calls, 1);
    assert.deepEqual(ds.toArray(), [1]);
    assert.equal(calls, 1);
    assert.deepEqual(ds.toArray(), [2]);
    assert.equal(calls, 2);
  });

  test("a shared generator object serves one iteration", () => {
    const shared = (function* () {
      yield* [1, 2];
    })();
    const ds = tg.data.generator(() => shared);
    assert.deepEqual(ds.toArray(), [1, 2]);
    assert.deepEqual(ds.toArray(), []);
  });

  test("a rejected Promise surfaces when iterated, not before", async () => {
    const ds = tg.data.generator(async () => {
      await Promise.resolve();
      throw new RangeError("no data");
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await assert.rejects(ds.toArray(), RangeError);
  });

  test("a function returning an iterable or an iterator", () => {
    assert.deepEqual(tg.data.generator(() => [4, 5]).toArray(), [4, 5]);
    assert.deepEqual(
      tg.data.generator(() => new Set([1, 2]).values()).toArray(),
      [1, 2],
    );
    let i = 0;
    const counter = () => ({
      next: (): IteratorResult<number> =>
        i < 3 ? { done: false, value: i++ } : { done: true, value: undefined },
    });
    assert.deepEqual(tg.data.generator(counter).toArray(), [0, 1, 2]);
  });

  test("an async generator function makes an asynchronous dataset", async () => {
    let calls = 0;
    const ds = tg.data.generator(async function* () {
      calls++;
      for (let i = 0; i < 3; i++) yield await Promise.resolve(i * 10);
    });
    assert.equal(ds.isAsync, true);
    const out: number[] = [];
    for await (const x of ds) out.push(x);
    assert.deepEqual(out, [0, 10, 20]);
    assert.deepEqual(await ds.toArray(), [0, 10, 20]);
    assert.equal(calls, 2);
    assert.throws(() => [...(ds as Iterable<number>)], tg.ValueError);
  });

  test("a plain function that returns an async iterator or a Promise", async () => {
    async function* source() {
      yield await Promise.resolve("a");
    }
    const viaArrow = tg.data.generator(() => source());
    assert.equal(viaArrow.isAsync, true);
    assert.deepEqual(await viaArrow.toArray(), ["a"]);
    const viaPromise = tg.data.generator(async () => Promise.resolve([1, 2]));
    assert.equal(viaPromise.isAsync, true);
    assert.deepEqual(await viaPromise.toArray(), [1, 2]);
  });

  test("a function that returns no iterator: a ValueError at once", () => {
    assert.throws(
      () => tg.data.generator(() => 5 as unknown as number[]),
      errorWith(
        tg.ValueError,
        /^generator: expected a function that returns an iterator, an iterable or a Promise of one, got one that returned 5$/,
      ),
    );
    assert.throws(
      () => tg.data.generator("x" as unknown as () => number[]),
      errorWith(tg.ValueError, /^generator: expected a function, got "x"$/),
    );
  });

  test("errors inside the generator reach the consumer", () => {
    const ds = tg.data.generator(function* () {
      yield 1;
      throw new RangeError("bad source");
    });
    const seen: number[] = [];
    assert.throws(() => {
      for (const x of ds) seen.push(x);
    }, RangeError);
    assert.deepEqual(seen, [1]);
  });
});

describe("zip", () => {
  test("a tuple of datasets gives tuples, ending with the shortest", () => {
    const ds = tg.data.zip([tg.data.range(3), tg.data.array(["a", "b"])]);
    assert.equal(ds.size, 2);
    assert.deepEqual(ds.toArray(), [
      [0, "a"],
      [1, "b"],
    ]);
  });

  test("a record of datasets gives records", () => {
    const ds = tg.data.zip({ x: tg.data.range(2), y: tg.data.range(10, 12) });
    assert.deepEqual(ds.toArray(), [
      { x: 0, y: 10 },
      { x: 1, y: 11 },
    ]);
  });

  test("zipped pairs batch into [x, y] for fit", () => {
    const ds = tg.data.zip([
      tg.data.range(4),
      tg.data.range(4).map((v) => 2 * v),
    ]);
    const [x, y] = ds.batch(4).toArray()[0]!;
    allclose(x, [0, 1, 2, 3]);
    allclose(y, [0, 2, 4, 6]);
  });

  test("an asynchronous part makes it asynchronous", async () => {
    const slow = tg.data.generator(async function* () {
      yield await Promise.resolve("p");
      yield "q";
    });
    const ds = tg.data.zip([tg.data.range(5), slow]);
    assert.equal(ds.isAsync, true);
    assert.equal(ds.size, null);
    assert.deepEqual(await ds.toArray(), [
      [0, "p"],
      [1, "q"],
    ]);
  });

  test("bad arguments: ValueErrors", () => {
    assert.throws(
      () => tg.data.zip([]),
      errorWith(
        tg.ValueError,
        /^zip: expected at least one dataset, got none$/,
      ),
    );
    assert.throws(
      () => tg.data.zip([tg.data.range(2), [1, 2]] as never),
      errorWith(
        tg.ValueError,
        /^zip: expected a Dataset at \[1\], got \[1,2\]$/,
      ),
    );
    assert.throws(
      () => tg.data.zip(tg.data.range(2) as never),
      errorWith(
        tg.ValueError,
        /^zip: expected a tuple or a record of datasets/,
      ),
    );
  });
});

describe("range", () => {
  test("counts like Python's range", () => {
    assert.deepEqual(tg.data.range(4).toArray(), [0, 1, 2, 3]);
    assert.deepEqual(tg.data.range(2, 9, 3).toArray(), [2, 5, 8]);
    assert.deepEqual(tg.data.range(3, 0, -1).toArray(), [3, 2, 1]);
    assert.deepEqual(tg.data.range(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(tg.data.range(5, 2).toArray(), []);
    assert.equal(tg.data.range(2, 9, 3).size, 3);
    assert.equal(tg.data.range(5, 2).size, 0);
  });

  test("bad arguments: ValueErrors", () => {
    assert.throws(
      () => tg.data.range(0, 5, 0),
      errorWith(
        tg.ValueError,
        /^range: expected a step other than 0, got step=0$/,
      ),
    );
    assert.throws(
      () => tg.data.range(0, Infinity),
      errorWith(
        tg.ValueError,
        /^range: expected stop to be a finite number, got stop=Infinity$/,
      ),
    );
  });
});
