// SPDX-License-Identifier: Apache-2.0
/**
 * Dataset stages over synchronous and asynchronous sources: elements,
 * sizes, re-iteration, early exit, prefetch, and bad arguments.
 */
import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";

type Dataset<T> = tg.data.Dataset<T>;

/** 0, 1, ..., n-1 from an async generator. */
function asyncRange(n: number): tg.data.Dataset<number, true> {
  return tg.data.generator(async function* () {
    for (let i = 0; i < n; i++) yield await Promise.resolve(i);
  });
}

async function all<T>(ds: Dataset<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of ds) out.push(x);
  return out;
}

/** The same pipeline over a sync and an async source of 0..n-1. */
const sources: [string, (n: number) => Dataset<number>][] = [
  ["sync", (n) => tg.data.range(n)],
  ["async", asyncRange],
];

for (const [kind, make] of sources) {
  describe(`stages over a ${kind} source`, () => {
    test("map, filter, take, skip", async () => {
      const ds = make(10)
        .map((x) => x * 10)
        .filter((x) => x % 20 === 0)
        .skip(1)
        .take(3);
      assert.deepEqual(await all(ds), [20, 40, 60]);
      assert.equal(ds.isAsync, kind === "async");
    });

    test("repeat and concatenate", async () => {
      assert.deepEqual(await all(make(3).repeat(2)), [0, 1, 2, 0, 1, 2]);
      assert.deepEqual(
        await all(make(3).repeat().take(7)),
        [0, 1, 2, 0, 1, 2, 0],
      );
      assert.deepEqual(
        await all(make(2).concatenate(make(3))),
        [0, 1, 0, 1, 2],
      );
      assert.deepEqual(await all(make(0).repeat()), []);
      assert.deepEqual(await all(make(3).repeat(0)), []);
    });

    test("re-iteration starts from the beginning", async () => {
      const ds = make(5)
        .map((x) => x + 1)
        .take(4);
      assert.deepEqual(await all(ds), [1, 2, 3, 4]);
      assert.deepEqual(await all(ds), [1, 2, 3, 4]);
    });

    test("toArray and forEach", async () => {
      const ds = make(4);
      assert.deepEqual(await ds.toArray(), [0, 1, 2, 3]);
      const seen: number[] = [];
      await ds.forEach((x) => {
        seen.push(x);
      });
      assert.deepEqual(seen, [0, 1, 2, 3]);
    });

    test("an async map function or predicate makes it async", async () => {
      const mapped = make(3).map(async (x) => Promise.resolve(x * 2));
      assert.equal(mapped.isAsync, true);
      assert.deepEqual(await all(mapped), [0, 2, 4]);
      const kept = make(5).filter(async (x) => Promise.resolve(x > 2));
      assert.equal(kept.isAsync, true);
      assert.deepEqual(await all(kept), [3, 4]);
      const viaMapAsync = make(2).mapAsync((x) => Promise.resolve(-x));
      assert.equal(viaMapAsync.isAsync, true);
      assert.deepEqual(await all(viaMapAsync), [-0, -1]);
    });

    test("take pulls no element past the last one it gives", async () => {
      let pulled = 0;
      const ds = make(100).map((x) => {
        pulled++;
        return x;
      });
      assert.deepEqual(await all(ds.take(3)), [0, 1, 2]);
      assert.equal(pulled, 3);
      pulled = 0;
      assert.deepEqual(await all(ds.take(0)), []);
      assert.equal(pulled, 0);
    });
  });
}

describe("asynchronous datasets", () => {
  test("refuse for...of with a ValueError that says what to do", () => {
    const ds = asyncRange(3).map((x) => x);
    assert.throws(
      () => [...(ds as Iterable<number>)],
      (e: unknown) =>
        e instanceof tg.ValueError &&
        /^Dataset: expected a synchronous dataset.*asynchronous/.test(
          e.message,
        ) &&
        e.message.includes("for await") &&
        e.message.includes("model.fit"),
    );
  });

  test("toArray and forEach return Promises", async () => {
    const ds = asyncRange(3);
    const arr = ds.toArray();
    assert.ok(arr instanceof Promise);
    assert.deepEqual(await arr, [0, 1, 2]);
    let sum = 0;
    const done = ds.forEach((x) => {
      sum += x;
    });
    assert.ok(done instanceof Promise);
    await done;
    assert.equal(sum, 3);
  });

  test("mixing sync and async stays async", async () => {
    const mixed = tg.data.range(2).concatenate(asyncRange(2));
    assert.equal(mixed.isAsync, true);
    assert.deepEqual(await all(mixed), [0, 1, 0, 1]);
    assert.equal(asyncRange(2).concatenate(tg.data.range(1)).isAsync, true);
  });
});

describe("synchronous datasets", () => {
  test("iterate with for...of and for await alike", async () => {
    const ds = tg.data.range(3).map((x) => x * x);
    assert.deepEqual([...ds], [0, 1, 4]);
    assert.deepEqual(await all(ds), [0, 1, 4]);
    assert.deepEqual(ds.toArray(), [0, 1, 4]);
  });

  test("forEach returns nothing, or a Promise for an async function", async () => {
    const seen: number[] = [];
    const r = tg.data.range(3).forEach((x) => {
      seen.push(x);
    });
    assert.equal(r, undefined);
    assert.deepEqual(seen, [0, 1, 2]);
    const order: string[] = [];
    const p = tg.data.range(2).forEach(async (x) => {
      order.push(`start ${x}`);
      await tick();
      order.push(`end ${x}`);
    });
    assert.ok(p instanceof Promise);
    await p;
    assert.deepEqual(order, ["start 0", "end 0", "start 1", "end 1"]);
  });

  test("a plain map function returning a Promise is refused", () => {
    // Only `async` functions are seen before the first call.
    const ds = tg.data.range(2).map((x) => Promise.resolve(x));
    assert.equal(ds.isAsync, false);
    assert.throws(
      () => [...(ds as Iterable<unknown>)],
      /^ValueError: map: expected a synchronous function.*mapAsync/,
    );
  });

  test("breaking out of a loop closes the source", () => {
    let closed = 0;
    const ds = tg.data.generator(function* () {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed++;
      }
    });
    for (const x of ds.map((v) => v + 1).shuffle(4, { seed: 1 })) {
      if (x > 2) break;
    }
    assert.equal(closed, 1);
    assert.deepEqual(ds.take(2).toArray(), [0, 1]);
    assert.equal(closed, 2);
  });

  test("prefetch keeps a synchronous dataset synchronous", () => {
    const ds = tg.data.range(5).prefetch(2);
    assert.equal(ds.isAsync, false);
    assert.equal(ds.size, 5);
    assert.deepEqual(ds.toArray(), [0, 1, 2, 3, 4]);
  });
});

describe("prefetch on an asynchronous dataset", () => {
  /** A source that counts how many elements it has produced. */
  function counted(n: number) {
    const state = { produced: 0, closed: false };
    const ds = tg.data.generator(async function* () {
      try {
        for (let i = 0; i < n; i++) {
          await tick();
          state.produced++;
          yield i;
        }
      } finally {
        state.closed = true;
      }
    });
    return { ds, state };
  }

  test("reads ahead up to bufferSize elements", async () => {
    const { ds, state } = counted(20);
    const it = ds.prefetch(3)[Symbol.asyncIterator]();
    assert.deepEqual(await it.next(), { done: false, value: 0 });
    for (let i = 0; i < 20; i++) await tick();
    assert.equal(state.produced, 4, "the element given and 3 ahead");
    await it.return?.();

    const plain = counted(20);
    const it2 = plain.ds[Symbol.asyncIterator]();
    await it2.next();
    for (let i = 0; i < 20; i++) await tick();
    assert.equal(plain.state.produced, 1, "without prefetch, no read-ahead");
    await it2.return?.();
  });

  test("gives every element once, in order, and re-iterates", async () => {
    const { ds } = counted(10);
    const p = ds.prefetch(4);
    assert.equal(p.isAsync, true);
    const want = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    assert.deepEqual(await all(p), want);
    assert.deepEqual(await all(p), want);
    assert.deepEqual(await all(ds.prefetch(100)), want);
  });

  test("passes an error on in its place, and closes on early exit", async () => {
    const failing = tg.data.generator(async function* () {
      yield await Promise.resolve(1);
      throw new Error("source broke");
    });
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const x of failing.prefetch(3)) seen.push(x);
    }, /source broke/);
    assert.deepEqual(seen, [1]);

    const { ds, state } = counted(50);
    for await (const x of ds.prefetch(2)) if (x === 1) break;
    assert.equal(state.closed, true);
  });
});

describe("sizes", () => {
  const cases: [string, Dataset<unknown>, number | null][] = [
    ["array", tg.data.array([1, 2, 3]), 3],
    ["range", tg.data.range(2, 11, 3), 3],
    ["take", tg.data.range(10).take(4), 4],
    ["take past the end", tg.data.range(3).take(10), 3],
    ["skip", tg.data.range(10).skip(4), 6],
    ["skip past the end", tg.data.range(3).skip(10), 0],
    ["batch", tg.data.range(10).batch(3), 4],
    [
      "batch dropRemainder",
      tg.data.range(10).batch(3, { dropRemainder: true }),
      3,
    ],
    ["repeat(n)", tg.data.range(3).repeat(4), 12],
    ["repeat()", tg.data.range(3).repeat(), null],
    ["repeat().take(n)", tg.data.range(3).repeat().take(5), 5],
    [
      "repeat(0) of unknown",
      tg.data
        .range(3)
        .filter(() => true)
        .repeat(0),
      0,
    ],
    ["map", tg.data.range(5).map((x) => x), 5],
    ["shuffle", tg.data.range(5).shuffle(2), 5],
    ["prefetch", tg.data.range(5).prefetch(2), 5],
    ["concatenate", tg.data.range(5).concatenate(tg.data.range(2)), 7],
    ["filter", tg.data.range(5).filter(() => true), null],
    ["unbatch", tg.data.range(6).batch(2).unbatch(), null],
    ["generator", tg.data.generator(() => [1, 2]), null],
    ["take of unknown", tg.data.generator(() => [1, 2]).take(1), null],
    ["zip", tg.data.zip([tg.data.range(5), tg.data.range(3)]), 3],
    [
      "zip with endless",
      tg.data.zip([tg.data.range(5).repeat(), tg.data.range(3)]),
      3,
    ],
    [
      "zip with unknown",
      tg.data.zip([tg.data.range(5), tg.data.generator(() => [1])]),
      null,
    ],
  ];
  for (const [name, ds, size] of cases) {
    test(name, () => {
      assert.equal(ds.size, size);
      if (size !== null && !ds.isAsync && !ds.isInfinite) {
        assert.equal(
          (ds as Dataset<unknown> & Iterable<unknown>) &&
            [...(ds as Iterable<unknown>)].length,
          size,
        );
      }
    });
  }

  test("isInfinite tells an endless dataset from an unknown one", () => {
    assert.equal(tg.data.range(3).repeat().isInfinite, true);
    assert.equal(tg.data.range(3).repeat().batch(2).isInfinite, true);
    assert.equal(
      tg.data
        .range(3)
        .repeat()
        .map((x) => x).isInfinite,
      true,
    );
    assert.equal(tg.data.range(3).repeat().take(2).isInfinite, false);
    assert.equal(tg.data.range(3).filter(() => true).isInfinite, false);
    assert.equal(tg.data.range(0).repeat().isInfinite, false);
    assert.equal(tg.data.range(0).repeat().size, 0);
  });

  test("toArray refuses an endless dataset", () => {
    assert.throws(
      () => tg.data.range(2).repeat().toArray(),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.startsWith("Dataset.toArray: expected a finite dataset"),
    );
  });
});

describe("bad arguments", () => {
  const ds = tg.data.range(5);
  const cases: [string, () => unknown, RegExp][] = [
    [
      "batch(0)",
      () => ds.batch(0),
      /^Dataset\.batch: expected batchSize to be a whole number ≥ 1, got batchSize=0$/,
    ],
    ["batch(1.5)", () => ds.batch(1.5), /batchSize=1\.5$/],
    ["batch(Infinity)", () => ds.batch(Infinity), /batchSize=Infinity$/],
    [
      "batch dropRemainder",
      () => ds.batch(2, { dropRemainder: 1 as unknown as boolean }),
      /^Dataset\.batch: expected dropRemainder to be a boolean/,
    ],
    [
      "take(-1)",
      () => ds.take(-1),
      /^Dataset\.take: expected count to be a whole number ≥ 0 or Infinity, got count=-1$/,
    ],
    ["take(NaN)", () => ds.take(NaN), /count=NaN$/],
    ["skip(-2)", () => ds.skip(-2), /^Dataset\.skip: .*count=-2$/],
    ["repeat(-1)", () => ds.repeat(-1), /^Dataset\.repeat: .*count=-1$/],
    [
      "shuffle(0)",
      () => ds.shuffle(0),
      /^Dataset\.shuffle: expected bufferSize to be a whole number ≥ 1 or Infinity, got bufferSize=0$/,
    ],
    ["shuffle(2.5)", () => ds.shuffle(2.5), /bufferSize=2\.5$/],
    [
      "shuffle seed",
      () => ds.shuffle(2, { seed: NaN }),
      /^Dataset\.shuffle: expected seed to be a finite number, got seed=NaN$/,
    ],
    [
      "shuffle reshuffle",
      () =>
        ds.shuffle(2, { reshuffleEachIteration: "no" as unknown as boolean }),
      /reshuffleEachIteration="no"$/,
    ],
    [
      "prefetch(0)",
      () => ds.prefetch(0),
      /^Dataset\.prefetch: expected bufferSize to be a whole number ≥ 1, got bufferSize=0$/,
    ],
    [
      "map(1)",
      () => ds.map(1 as unknown as () => number),
      /^Dataset\.map: expected a function, got 1$/,
    ],
    [
      "filter(null)",
      () => ds.filter(null as unknown as () => boolean),
      /^Dataset\.filter: expected a function, got null$/,
    ],
    [
      "forEach({})",
      () => ds.forEach({} as unknown as () => void),
      /^Dataset\.forEach: expected a function/,
    ],
    [
      "concatenate([1])",
      () => ds.concatenate([1] as unknown as Dataset<number>),
      /^Dataset\.concatenate: expected a Dataset, got \[1\]$/,
    ],
  ];
  for (const [name, call, message] of cases) {
    test(name, () => {
      assert.throws(
        call,
        (e: unknown) => e instanceof tg.ValueError && message.test(e.message),
      );
    });
  }
});
