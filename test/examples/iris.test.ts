// SPDX-License-Identifier: Apache-2.0
/**
 * The Iris examples, run as the README reports them: fixed seed, the
 * stated accuracy and error on the 30 held-out flowers.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { trainIrisClassifier } from "../../examples/iris/classify.js";
import { loadIris, splitIris } from "../../examples/iris/data.js";
import { trainIrisRegression } from "../../examples/iris/regress.js";

describe("Iris examples", () => {
  test("the table loads: 150 flowers, 50 of each species", () => {
    const { x, species } = loadIris();
    assert.equal(x.length, 150);
    assert.ok(x.every((r) => r.length === 4 && r.every(Number.isFinite)));
    for (const s of [0, 1, 2]) {
      assert.equal(species.filter((v) => v === s).length, 50);
    }
    const { train, test: held } = splitIris({ x, species });
    assert.equal(train.x.length, 120);
    assert.equal(held.x.length, 30);
  });

  test("the classifier reaches the README's 0.933 test accuracy", () => {
    const r = trainIrisClassifier(42);
    assert.ok(r.testAccuracy >= 0.933, `test accuracy ${r.testAccuracy}`);
    assert.ok(r.trainAccuracy >= 0.95, `train accuracy ${r.trainAccuracy}`);
  });

  test("the classifier repeats exactly with the same seed", () => {
    assert.deepEqual(trainIrisClassifier(7), trainIrisClassifier(7));
  });

  test("the regression beats predicting the mean by a wide margin", () => {
    const r = trainIrisRegression(42);
    assert.ok(r.testMae <= 0.15, `test MAE ${r.testMae}`);
    assert.ok(r.testMae < r.baselineMae / 3, JSON.stringify(r));
  });
});
