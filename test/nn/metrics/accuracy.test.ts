// SPDX-License-Identifier: Apache-2.0
/**
 * Accuracy metrics (src/nn/metrics/accuracy.ts): the per-sample functions
 * against hand computations and TensorFlow.js's tf.metrics, the classes
 * over several weighted updates, Keras's rank rules, top-k ties, options
 * and bad input.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const tf = await loadTf();

/** Uniform values in [0, 1) from a fixed linear congruential sequence. */
function uniform(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  });
}

function rows(values: number[], width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += width) {
    out.push(values.slice(i, i + width));
  }
  return out;
}

describe("function forms against TensorFlow.js", () => {
  const probs = rows(uniform(40, 7), 4);
  const binary = rows(
    uniform(40, 11).map((v) => (v > 0.5 ? 1 : 0)),
    4,
  );
  const labels = uniform(10, 3).map((v) => Math.floor(v * 4));
  const oneHot = labels.map((l) => [0, 1, 2, 3].map((c) => (c === l ? 1 : 0)));

  test("binaryAccuracy", () => {
    const ours = tg.metrics.binaryAccuracy(binary, probs);
    const theirs = tf.metrics.binaryAccuracy(
      tf.tensor(binary),
      tf.tensor(probs),
    );
    allclose(ours, theirs.arraySync(), { atol: 1e-6 });
  });

  test("categoricalAccuracy", () => {
    const ours = tg.metrics.categoricalAccuracy(oneHot, probs);
    const theirs = tf.metrics.categoricalAccuracy(
      tf.tensor(oneHot),
      tf.tensor(probs),
    );
    allclose(ours, theirs.arraySync(), { atol: 1e-6 });
  });

  test("sparseCategoricalAccuracy", () => {
    const ours = tg.metrics.sparseCategoricalAccuracy(labels, probs);
    const theirs = tf.metrics.sparseCategoricalAccuracy(
      tf.tensor(labels),
      tf.tensor(probs),
    );
    allclose(ours, theirs.arraySync(), { atol: 1e-6 });
  });
});

describe("function forms by hand", () => {
  test("accuracy compares exactly, mean over the last axis", () => {
    allclose(
      tg.metrics.accuracy(
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 0],
          [3, 4],
        ],
      ),
      [0.5, 1],
    );
    // [batch] against [batch, 1] keeps one value per sample
    allclose(tg.metrics.accuracy([1, 2, 3], [[1], [0], [3]]), [1, 0, 1]);
  });

  test("binaryAccuracy thresholds strictly above", () => {
    allclose(
      tg.metrics.binaryAccuracy([[1], [0], [1]], [[0.5], [0.5], [0.51]]),
      [0, 1, 1],
    );
    allclose(
      tg.metrics.binaryAccuracy([[1], [0]], [[0.3], [0.3]], 0.2),
      [1, 0],
    );
  });

  test("categoricalAccuracy: the first largest wins a tie", () => {
    allclose(
      tg.metrics.categoricalAccuracy(
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
        [
          [0.4, 0.4, 0.2],
          [0.4, 0.4, 0.2],
        ],
      ),
      [1, 0],
    );
  });

  test("sparseCategoricalAccuracy takes [batch] and [batch, 1] labels", () => {
    const p = [
      [0.1, 0.6, 0.3],
      [0.05, 0.95, 0],
    ];
    allclose(tg.metrics.sparseCategoricalAccuracy([2, 1], p), [0, 1]);
    allclose(tg.metrics.sparseCategoricalAccuracy([[2], [1]], p), [0, 1]);
  });

  test("top-k counts ties at the k-th place as hits", () => {
    const p = [
      [0.3, 0.3, 0.3, 0.1],
      [0.1, 0.2, 0.3, 0.4],
    ];
    // row 0: label 2 ties with two larger-or-equal; rank 1 (none larger)
    // row 1: label 0 has three larger entries: rank 4
    allclose(tg.metrics.sparseTopKCategoricalAccuracy([2, 0], p, 1), [1, 0]);
    allclose(tg.metrics.sparseTopKCategoricalAccuracy([2, 0], p, 3), [1, 0]);
    allclose(tg.metrics.sparseTopKCategoricalAccuracy([2, 0], p, 4), [1, 1]);
    allclose(
      tg.metrics.topKCategoricalAccuracy(
        [
          [0, 0, 0, 1],
          [0, 1, 0, 0],
        ],
        p,
        2,
      ),
      [0, 0],
    );
  });

  test("sparse top-k from sorted ids", () => {
    const ids = [
      [3, 1, 0],
      [2, 0, 1],
    ];
    allclose(
      tg.metrics.sparseTopKCategoricalAccuracy([1, 1], ids, 2, true),
      [1, 0],
    );
  });

  test("dtypes: float64 predictions give float64 matches", () => {
    const p = tg.tensor([[0.2], [0.9]], undefined, "float64");
    assert.equal(tg.metrics.binaryAccuracy([[0], [1]], p).dtype, "float64");
    assert.equal(
      tg.metrics.accuracy([1, 2], tg.tensor([1, 3], undefined, "int32")).dtype,
      "float32",
    );
  });
});

describe("classes", () => {
  test("Accuracy over two weighted updates", () => {
    const m = new tg.metrics.Accuracy();
    m.updateState([[1], [2], [3], [4]], [[0], [2], [3], [4]], [1, 1, 0, 0]);
    m.updateState([[5], [6]], [[5], [0]], [2, 1]);
    // hits: 0·1 + 1·1 + 1·2 over weights 1 + 1 + 2 + 1
    allclose(m.result(), 3 / 5);
    m.resetState();
    allclose(m.result(), 0);
  });

  test("BinaryAccuracy with a threshold, two updates", () => {
    const m = new tg.metrics.BinaryAccuracy({ threshold: 0.7 });
    m.updateState([[1], [1], [0], [0]], [[0.98], [0.6], [0], [0.8]]);
    m.updateState([[1, 0]], [[0.75, 0.1]]);
    // per sample 1, 0, 1, 0 then mean([1, 1]) = 1: five samples
    allclose(m.result(), 3 / 5);
    assert.deepEqual(m.getConfig(), {
      name: "binary_accuracy",
      dtype: "float32",
      threshold: 0.7,
    });
  });

  test("BinaryAccuracy on rank-1 inputs counts each batch once, as Keras", () => {
    const m = new tg.metrics.BinaryAccuracy();
    m.updateState([1, 1, 0, 0], [0.9, 0.9, 0.9, 0.9]);
    m.updateState([1], [0.9]);
    allclose(m.result(), (0.5 + 1) / 2);
  });

  test("CategoricalAccuracy, weighted (Keras's example)", () => {
    const m = new tg.metrics.CategoricalAccuracy();
    const t = [
      [0, 0, 1],
      [0, 1, 0],
    ];
    const p = [
      [0.1, 0.9, 0.8],
      [0.05, 0.95, 0],
    ];
    m.updateState(t, p, [0.7, 0.3]);
    allclose(m.result(), 0.3);
    m.updateState(t, p);
    allclose(m.result(), (0.3 + 1) / 3);
  });

  test("SparseCategoricalAccuracy over updates", () => {
    const m = new tg.metrics.SparseCategoricalAccuracy({ dtype: "float64" });
    m.updateState(
      [[2], [1]],
      [
        [0.1, 0.6, 0.3],
        [0.05, 0.95, 0],
      ],
      [0.7, 0.3],
    );
    m.updateState([0], [[0.5, 0.2, 0.3]], [1]);
    allclose(m.result(), 1.3 / 2, { dtype: "float64" });
  });

  test("TopK and SparseTopK with their defaults (k = 5)", () => {
    const p = [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]];
    const m = new tg.metrics.SparseTopKCategoricalAccuracy();
    m.updateState([0], p);
    m.updateState([1], p);
    allclose(m.result(), 0.5);
    const k = new tg.metrics.TopKCategoricalAccuracy({ k: 2 });
    k.updateState([[0, 0, 0, 0, 1, 0]], p);
    k.updateState([[0, 0, 0, 1, 0, 0]], p);
    allclose(k.result(), 0.5);
    assert.equal(m.k, 5);
    assert.deepEqual(m.getConfig(), {
      name: "sparse_top_k_categorical_accuracy",
      dtype: "float32",
      k: 5,
      fromSortedIds: false,
    });
    assert.deepEqual(
      tg.metrics.TopKCategoricalAccuracy.fromConfig(k.getConfig()).getConfig(),
      k.getConfig(),
    );
  });
});

describe("bad input", () => {
  test("mismatched shapes name the function and both shapes", () => {
    assert.throws(
      () => tg.metrics.binaryAccuracy([[1], [0], [1]], [[1], [0]]),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message ===
          "binaryAccuracy: expected yTrue and yPred of shapes that broadcast " +
            "together, got yTrue shape [3,1] and yPred shape [2,1]",
    );
    const m = new tg.metrics.CategoricalAccuracy();
    assert.throws(
      () =>
        m.updateState(
          [
            [1, 0],
            [0, 1],
          ],
          [
            [0.5, 0.5],
            [0.2, 0.8],
            [1, 0],
          ],
        ),
      tg.ShapeError,
    );
  });

  test("a bad sample weight throws and leaves the state as it was", () => {
    const m = new tg.metrics.BinaryAccuracy();
    m.updateState([[1], [0]], [[0.9], [0.9]]);
    assert.throws(
      () => m.updateState([[1], [0]], [[0.9], [0.9]], [1, 2, 3]),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message.includes("got sampleWeight shape [3]"),
    );
    allclose(m.result(), 0.5);
  });

  test("labels outside the classes", () => {
    assert.throws(
      () => tg.metrics.sparseTopKCategoricalAccuracy([3], [[0.1, 0.9]], 1),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "sparseTopKCategoricalAccuracy: expected labels in [0, 2), got " +
            "label 3 at index 0",
    );
  });

  test("options", () => {
    assert.throws(
      () => new tg.metrics.BinaryAccuracy({ threshold: 1 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "BinaryAccuracy: expected threshold in (0, 1), got threshold=1",
    );
    assert.throws(
      () => new tg.metrics.TopKCategoricalAccuracy({ k: 0 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "TopKCategoricalAccuracy: expected k to be an integer >= 1, got k=0",
    );
    assert.throws(
      () =>
        new tg.metrics.SparseTopKCategoricalAccuracy({
          fromSortedIds: 1 as never,
        }),
      tg.ValueError,
    );
  });
});
