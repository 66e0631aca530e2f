// SPDX-License-Identifier: Apache-2.0
/**
 * The digits example, run as the README reports it: the table's size and
 * range, the stratified split, and the small CNN's test accuracy with
 * seed 42.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CLASSES,
  images,
  loadDigits,
  splitDigits,
} from "../../examples/digits/data.js";
import { trainDigits } from "../../examples/digits/train.js";

const count = (digits: number[]) =>
  Array.from(
    { length: CLASSES },
    (_, d) => digits.filter((v) => v === d).length,
  );

describe("Digits example", () => {
  test("the table loads: 1,797 images of 64 pixels in [0, 1], 10 digits", () => {
    const { pixels, digits } = loadDigits();
    assert.equal(pixels.length, 1797);
    assert.equal(digits.length, 1797);
    assert.ok(pixels.every((r) => r.length === 64));
    const flat = pixels.flat();
    assert.equal(Math.min(...flat), 0);
    assert.equal(Math.max(...flat), 1);
    // Each pixel is a count of 0..16 on bits, scaled by 16.
    assert.ok(flat.every((v) => Number.isInteger(v * 16)));
    assert.deepEqual(
      count(digits),
      [178, 182, 177, 183, 181, 182, 181, 179, 174, 180],
    );
  });

  test("the split holds out a fifth of each digit, the same for a seed", () => {
    const all = loadDigits();
    const { train, test: held } = splitDigits(all, 42);
    assert.equal(train.digits.length, 1438);
    assert.equal(held.digits.length, 359);
    const whole = count(all.digits);
    count(held.digits).forEach((n, d) =>
      assert.equal(n, Math.round(whole[d]! / 5), `digit ${d}`),
    );
    assert.deepEqual(splitDigits(all, 42), { train, test: held });
    assert.notDeepEqual(splitDigits(all, 1).test.digits, held.digits);
    assert.deepEqual(images(held).shape, [359, 8, 8, 1]);
  });

  test("the CNN reaches the README's test accuracy (0.983, seed 42)", () => {
    const r = trainDigits(42);
    assert.ok(r.testAccuracy >= 0.97, `test accuracy ${r.testAccuracy}`);
    assert.ok(r.trainAccuracy >= 0.98, `train accuracy ${r.trainAccuracy}`);
    const total = r.confusion.flat().reduce((s, n) => s + n, 0);
    const correct = r.confusion.reduce((s, row, d) => s + row[d]!, 0);
    assert.equal(total, 359);
    assert.ok(Math.abs(correct / total - r.testAccuracy) < 1e-6);
  });

  test("one epoch repeats exactly with the same seed", () => {
    assert.deepEqual(trainDigits(7, 0, 1), trainDigits(7, 0, 1));
  });
});
