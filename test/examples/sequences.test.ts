// SPDX-License-Identifier: Apache-2.0
/**
 * The bracket-sequence example, run as the README reports it: the
 * generated strings (lengths, padding, class balance, same tokens in both
 * classes, the same for a seed), the LSTM's held-out accuracy with seed 42,
 * and the order-blind baseline at chance.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { trainBrackets } from "../../examples/sequences/brackets.js";
import {
  MAX_LENGTH,
  balanced,
  decode,
  generator,
  isBalanced,
  makeBrackets,
  sequences,
  splitBrackets,
  targets,
  unbalanced,
} from "../../examples/sequences/data.js";

/** The ids without their padding. */
const unpadded = (ids: number[]) => ids.filter((i) => i !== 0);

/** How often each of the ids 1..4 occurs. */
const counts = (ids: number[]) =>
  [1, 2, 3, 4].map((t) => ids.filter((i) => i === t).length);

describe("Bracket sequences example", () => {
  test("isBalanced and decode read bracket strings", () => {
    assert.equal(decode([1, 3, 4, 2, 1, 2]), "([])()");
    assert.ok(isBalanced([1, 3, 4, 2, 1, 2, 0, 0]));
    assert.ok(!isBalanced([1, 3, 2, 4])); // "([)]"
    assert.ok(!isBalanced([1, 2, 2, 1])); // "())("
    assert.ok(!isBalanced([1, 1, 2]));
    const random = generator(3);
    for (const length of [2, 6, 12]) {
      const yes = balanced(length, random);
      const no = unbalanced(length, random);
      assert.equal(yes.length, length);
      assert.equal(no.length, length);
      assert.ok(isBalanced(yes), decode(yes));
      assert.ok(!isBalanced(no), decode(no));
    }
  });

  test("the strings: padded on the right, half balanced, same brackets in both classes", () => {
    const { tokens, labels } = makeBrackets(2000, 42);
    assert.equal(tokens.length, 2000);
    assert.equal(labels.filter((l) => l === 1).length, 1000);
    const lengths = new Set<number>();
    tokens.forEach((row, i) => {
      assert.equal(row.length, MAX_LENGTH);
      const ids = unpadded(row);
      // The string comes first, then only padding.
      assert.deepEqual(row.slice(0, ids.length), ids);
      assert.ok(ids.every((t) => t >= 1 && t <= 4));
      assert.equal(ids.length % 2, 0);
      lengths.add(ids.length);
      assert.equal(isBalanced(ids), labels[i] === 1, decode(ids));
      // As many "(" as ")" and "[" as "]" in every string, either class.
      const [open, close, openSq, closeSq] = counts(ids);
      assert.equal(open, close, decode(ids));
      assert.equal(openSq, closeSq, decode(ids));
    });
    assert.deepEqual(
      [...lengths].sort((a, b) => a - b),
      [2, 4, 6, 8, 10, 12],
    );
    // Both classes have about the same share of long strings.
    const meanLength = (label: number) => {
      const rows = tokens.filter((_, i) => labels[i] === label);
      return rows.reduce((s, r) => s + unpadded(r).length, 0) / rows.length;
    };
    assert.ok(Math.abs(meanLength(1) - meanLength(0)) < 0.5);
  });

  test("the split is the same for a seed, and marks the unseen test strings", () => {
    const a = splitBrackets(300, 100, 5);
    assert.deepEqual(splitBrackets(300, 100, 5), a);
    assert.notDeepEqual(splitBrackets(300, 100, 6).train, a.train);
    assert.notDeepEqual(a.test.tokens, a.train.tokens.slice(0, 100));
    const known = new Set(a.train.tokens.map((t) => decode(t)));
    a.unseen.forEach((u, i) =>
      assert.equal(u, !known.has(decode(a.test.tokens[i]!))),
    );
    assert.ok(a.unseen.some((u) => u) && a.unseen.some((u) => !u));
    assert.deepEqual(sequences(a.test).shape, [100, MAX_LENGTH]);
    assert.deepEqual(targets(a.test).shape, [100, 1]);
  });

  test("the LSTM reaches the README's accuracy (0.984, seed 42); the bag of tokens guesses", () => {
    const r = trainBrackets();
    assert.ok(r.testAccuracy >= 0.96, `test accuracy ${r.testAccuracy}`);
    assert.ok(r.unseenAccuracy >= 0.94, `unseen ${r.unseenAccuracy}`);
    assert.ok(r.trainAccuracy >= 0.96, `train accuracy ${r.trainAccuracy}`);
    assert.equal(r.unseenCount, 477);
    const bag = trainBrackets({ model: "bag", epochs: 5 });
    assert.ok(bag.testAccuracy <= 0.55, `bag accuracy ${bag.testAccuracy}`);
  });

  test("a short run repeats exactly with the same seed", () => {
    const run = () =>
      trainBrackets({ seed: 7, epochs: 1, trainCount: 200, testCount: 100 });
    assert.deepEqual(run(), run());
  });
});
