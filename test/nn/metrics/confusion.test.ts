// SPDX-License-Identifier: Apache-2.0
/**
 * Confusion-matrix metrics (src/nn/metrics/confusion.ts, counts.ts): the
 * four counts, Precision and Recall at one and several thresholds (both
 * the compared and the evenly spaced bucket paths), with sample weights,
 * topK and classId, against hand counts and TensorFlow.js; bad input.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const tf = await loadTf();

/** Weighted TP, FP, TN, FN at threshold t, counted in the test. */
function counts(y: number[], p: number[], t: number, w?: number[]) {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  y.forEach((label, i) => {
    const weight = w?.[i] ?? 1;
    const predicted = p[i]! > t;
    if (label !== 0) c[predicted ? "tp" : "fn"] += weight;
    else c[predicted ? "fp" : "tn"] += weight;
  });
  return c;
}

const Y = [0, 1, 1, 0, 1, 0, 1, 1];
const P = [0.1, 0.6, 0.3, 0.8, 0.5, 0.5, 0.95, 0];
const W = [1, 2, 0.5, 1, 3, 1, 1, 0.25];

describe("the four counts", () => {
  test("default threshold 0.5, weighted, over two updates", () => {
    const expected = counts(Y, P, 0.5, W);
    const metrics = {
      tp: new tg.metrics.TruePositives(),
      fp: new tg.metrics.FalsePositives(),
      tn: new tg.metrics.TrueNegatives(),
      fn: new tg.metrics.FalseNegatives(),
    };
    for (const [key, m] of Object.entries(metrics)) {
      m.updateState(Y.slice(0, 5), P.slice(0, 5), W.slice(0, 5));
      m.updateState(Y.slice(5), P.slice(5), W.slice(5));
      allclose(m.result(), expected[key as keyof typeof expected]);
      m.resetState();
      allclose(m.result(), 0);
    }
  });

  test("several thresholds, compared one by one", () => {
    const ts = [0.05, 0.5, 0.9];
    const m = new tg.metrics.TruePositives({ thresholds: ts });
    m.updateState(Y, P);
    allclose(
      m.result(),
      ts.map((t) => counts(Y, P, t).tp),
    );
  });

  test("evenly spaced thresholds use Keras's buckets, same counts", () => {
    const ts = [0, 0.25, 0.5, 0.75, 1];
    const fp = new tg.metrics.FalsePositives({ thresholds: ts });
    const fn = new tg.metrics.FalseNegatives({ thresholds: ts });
    // 0.5, 0 and 1 sit exactly on thresholds: p > t must hold strictly
    const p = [...P, 1, 0.25];
    const y = [...Y, 0, 1];
    fp.updateState(y, p, [...W, 2, 1]);
    fn.updateState(y, p, [...W, 2, 1]);
    allclose(
      fp.result(),
      ts.map((t) => counts(y, p, t, [...W, 2, 1]).fp),
    );
    allclose(
      fn.result(),
      ts.map((t) => counts(y, p, t, [...W, 2, 1]).fn),
    );
  });

  test("rank-2 inputs with [batch] weights weigh whole rows", () => {
    const m = new tg.metrics.TruePositives();
    m.updateState(
      [
        [1, 1],
        [1, 0],
      ],
      [
        [0.9, 0.9],
        [0.9, 0.9],
      ],
      [2, 3],
    );
    allclose(m.result(), 2 + 2 + 3);
  });
});

describe("Precision and Recall", () => {
  test("over weighted updates", () => {
    const c = counts(Y, P, 0.5, W);
    const p = new tg.metrics.Precision();
    const r = new tg.metrics.Recall();
    for (const m of [p, r]) {
      m.updateState(Y.slice(0, 3), P.slice(0, 3), W.slice(0, 3));
      m.updateState(Y.slice(3), P.slice(3), W.slice(3));
    }
    allclose(p.result(), c.tp / (c.tp + c.fp));
    allclose(r.result(), c.tp / (c.tp + c.fn));
  });

  test("with no positive prediction the precision is 0", () => {
    const p = new tg.metrics.Precision();
    p.updateState([1, 0], [0.2, 0.1]);
    allclose(p.result(), 0);
  });

  test("several thresholds give one value each", () => {
    const ts = [0.2, 0.55];
    const p = new tg.metrics.Precision({ thresholds: ts, dtype: "float64" });
    p.updateState(Y, P);
    allclose(
      p.result(),
      ts.map((t) => {
        const c = counts(Y, P, t);
        return c.tp / (c.tp + c.fp);
      }),
    );
  });

  test("against TensorFlow.js on 0/1 predictions", () => {
    const y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1];
    const p = [1, 1, 0, 1, 0, 1, 1, 0, 0, 1];
    const prec = new tg.metrics.Precision();
    prec.updateState(y, p);
    const rec = new tg.metrics.Recall();
    rec.updateState(y, p);
    allclose(
      prec.result(),
      tf.metrics.precision(tf.tensor(y), tf.tensor(p)).arraySync(),
    );
    allclose(
      rec.result(),
      tf.metrics.recall(tf.tensor(y), tf.tensor(p)).arraySync(),
    );
  });

  test("topK: only the k largest of each row count", () => {
    // Keras's examples: top_k=2 looks at the first two (ties: lower index)
    const two = new tg.metrics.Precision({ topK: 2 });
    two.updateState([0, 0, 1, 1], [1, 1, 1, 1]);
    allclose(two.result(), 0);
    const four = new tg.metrics.Precision({ topK: 4 });
    four.updateState([0, 0, 1, 1], [1, 1, 1, 1]);
    allclose(four.result(), 0.5);
    const r = new tg.metrics.Recall({ topK: 1, thresholds: 0.6 });
    r.updateState(
      [
        [1, 0, 1],
        [0, 1, 1],
      ],
      [
        [0.9, 0.5, 0.7],
        [0.2, 0.55, 0.3],
      ],
    );
    // row 0 keeps 0.9 (hit, > 0.6); row 1 keeps 0.55 (not > 0.6)
    allclose(r.result(), 1 / 4);
  });

  test("classId looks at one column", () => {
    const yt = [
      [0, 1],
      [1, 1],
      [0, 0],
    ];
    const yp = [
      [0.9, 0.8],
      [0.1, 0.2],
      [0.6, 0.7],
    ];
    const p = new tg.metrics.Precision({ classId: 1 });
    p.updateState(yt, yp, [1, 1, 2]);
    // column 1: labels [1, 1, 0], predicted [1, 0, 1] with weights 1, 1, 2
    allclose(p.result(), 1 / 3);
    const r = new tg.metrics.Recall({ classId: 0 });
    r.updateState(yt, yp);
    allclose(r.result(), 0);
    assert.deepEqual(p.getConfig(), {
      name: p.name,
      dtype: "float32",
      thresholds: null,
      topK: null,
      classId: 1,
    });
  });
});

describe("bad input", () => {
  test("thresholds outside [0, 1]", () => {
    assert.throws(
      () => new tg.metrics.Precision({ thresholds: [0.5, 1.5] }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "Precision: expected thresholds to be a number or a non-empty list " +
            "of numbers in [0, 1], got thresholds=[0.5,1.5]",
    );
    assert.throws(
      () => new tg.metrics.TruePositives({ thresholds: [] }),
      tg.ValueError,
    );
    assert.throws(
      () => new tg.metrics.Recall({ thresholds: -0.1 }),
      tg.ValueError,
    );
  });

  test("topK and classId", () => {
    assert.throws(
      () => new tg.metrics.Recall({ topK: 0 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "Recall: expected topK to be an integer >= 1 or null, got topK=0",
    );
    const p = new tg.metrics.Precision({ classId: 2, name: "p" });
    assert.throws(
      () => p.updateState([[0, 1]], [[0.5, 0.5]]),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          'Precision "p".updateState: expected classId in [0, 2) for yPred ' +
            "of shape [1,2], got classId=2",
    );
  });

  test("mismatched shapes throw and change nothing", () => {
    const m = new tg.metrics.Recall({ name: "r" });
    m.updateState([1, 1], [0.9, 0.1]);
    assert.throws(
      () => m.updateState([1, 0, 1], [0.9, 0.1]),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message ===
          'Recall "r".updateState: expected yTrue and yPred of the same ' +
            "shape, got yTrue shape [3] and yPred shape [2]",
    );
    allclose(m.result(), 0.5);
  });
});
