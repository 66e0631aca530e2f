// SPDX-License-Identifier: Apache-2.0
/**
 * shuffle: a permutation, tf.data's buffer semantics, and seeding (its own
 * seed, reshuffling per iteration, tg.setSeed).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";

const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("shuffle", () => {
  test("permutes: every element once, in another order", () => {
    const out = tg.data.range(100).shuffle(100, { seed: 3 }).toArray();
    assert.deepEqual(sorted(out), iota(100));
    assert.notDeepEqual(out, iota(100));
    const small = tg.data.range(100).shuffle(10, { seed: 3 }).toArray();
    assert.deepEqual(sorted(small), iota(100));
    assert.notDeepEqual(small, iota(100));
  });

  test("an element comes out no earlier than bufferSize - 1 places ahead", () => {
    for (const bufferSize of [1, 2, 5, 16]) {
      for (let seed = 0; seed < 40; seed++) {
        const out = tg.data.range(60).shuffle(bufferSize, { seed }).toArray();
        assert.ok(out[0]! < bufferSize, "the first output is an early input");
        out.forEach((x, k) => assert.ok(x <= k + bufferSize - 1));
      }
    }
  });

  test("bufferSize 1 keeps the order", () => {
    assert.deepEqual(tg.data.range(10).shuffle(1).toArray(), iota(10));
  });

  test("a buffer as large as the data gives every first element alike", () => {
    const counts = [0, 0, 0, 0];
    for (let seed = 0; seed < 4000; seed++) {
      counts[tg.data.range(4).shuffle(4, { seed }).toArray()[0]!]!++;
    }
    for (const c of counts) assert.ok(Math.abs(c - 1000) < 120, counts.join());
  });

  test("an Infinity buffer, or one larger than the data, shuffles it all", () => {
    for (const b of [Infinity, 1000]) {
      const out = tg.data.range(20).shuffle(b, { seed: 9 }).toArray();
      assert.deepEqual(sorted(out), iota(20));
      assert.notDeepEqual(out, iota(20));
    }
  });

  test("reshuffles on each iteration by default", () => {
    const ds = tg.data.range(30).shuffle(30, { seed: 5 });
    const a = ds.toArray();
    const b = ds.toArray();
    assert.notDeepEqual(a, b);
    assert.deepEqual(sorted(a), sorted(b));
  });

  test("reshuffleEachIteration: false repeats the order, with or without seed", () => {
    for (const seed of [5, undefined]) {
      const ds = tg.data
        .range(30)
        .shuffle(30, { seed, reshuffleEachIteration: false });
      const a = ds.toArray();
      assert.notDeepEqual(a, iota(30));
      assert.deepEqual(ds.toArray(), a);
      assert.deepEqual(ds.toArray(), a);
    }
  });

  test("a seed repeats the orders across runs", () => {
    const run = () => {
      const ds = tg.data.range(30).shuffle(8, { seed: 11 });
      return [ds.toArray(), ds.toArray()];
    };
    assert.deepEqual(run(), run());
    const other = tg.data.range(30).shuffle(8, { seed: 12 }).toArray();
    assert.notDeepEqual(other, run()[0]);
  });

  test("tg.setSeed makes an unseeded shuffle repeat", () => {
    const run = () => {
      tg.setSeed(2024);
      const ds = tg.data.range(30).shuffle(30);
      return [ds.toArray(), ds.toArray()];
    };
    const [a, b] = run();
    assert.notDeepEqual(a, b);
    assert.deepEqual(run(), [a, b]);
    tg.setSeed(2025);
    assert.notDeepEqual(tg.data.range(30).shuffle(30).toArray(), a);
  });

  test("before repeat, each repetition is a new order", () => {
    const out = tg.data.range(10).shuffle(10, { seed: 1 }).repeat(2).toArray();
    const [first, second] = [out.slice(0, 10), out.slice(10)];
    assert.deepEqual(sorted(first), iota(10));
    assert.deepEqual(sorted(second), iota(10));
    assert.notDeepEqual(first, second);
  });

  test("an async source gives the same order as a sync one", async () => {
    const source = tg.data.generator(async function* () {
      for (let i = 0; i < 40; i++) yield await Promise.resolve(i);
    });
    const fromAsync = await source.shuffle(7, { seed: 4 }).toArray();
    const fromSync = tg.data.range(40).shuffle(7, { seed: 4 }).toArray();
    assert.deepEqual(fromAsync, fromSync);
  });

  test("shuffles tensors and tuples as whole elements", () => {
    const x = tg.tensor(iota(12), [6, 2]);
    const y = tg.tensor(iota(6));
    const pairs = tg.data
      .fromTensorSlices([x, y])
      .shuffle(6, { seed: 8 })
      .toArray()
      .map(([a, b]) => [a.toArray(), b.toArray()] as [number[], number]);
    for (const [row, label] of pairs) {
      assert.deepEqual(row, [2 * label, 2 * label + 1]);
    }
    assert.notDeepEqual(
      pairs.map((p) => p[1]),
      iota(6),
    );
  });
});
