// SPDX-License-Identifier: Apache-2.0
/**
 * F-scores and IoU metrics (src/nn/metrics/fscore.ts, iou.ts): Keras's
 * documented values, every average over weighted updates against counts
 * made in the test, the argmax rule without a threshold, the IoU family
 * with ignoreClass and dense inputs, and bad input.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

const YT = [
  [1, 1, 1],
  [1, 0, 0],
  [1, 1, 0],
];
const YP = [
  [0.2, 0.6, 0.7],
  [0.2, 0.6, 0.6],
  [0.6, 0.8, 0.0],
];

/** Per-class weighted TP, FP, FN and support at `threshold`. */
function classCounts(
  t: number[][],
  p: number[][],
  threshold: number,
  w?: number[],
) {
  return t[0]!.map((_, c) => {
    const k = { tp: 0, fp: 0, fn: 0, support: 0 };
    t.forEach((row, i) => {
      const weight = w?.[i] ?? 1;
      const y = row[c]!;
      const q = p[i]![c]! > threshold ? 1 : 0;
      k.tp += weight * q * y;
      k.fp += weight * q * (1 - y);
      k.fn += weight * (1 - q) * y;
      k.support += weight * y;
    });
    return k;
  });
}

function fbeta(
  k: { tp: number; fp: number; fn: number },
  beta: number,
): number {
  const eps = 1e-7;
  const p = k.tp / (k.tp + k.fp + eps);
  const r = k.tp / (k.tp + k.fn + eps);
  return ((1 + beta ** 2) * p * r) / (beta ** 2 * p + r + eps);
}

describe("FBetaScore and F1Score", () => {
  test("Keras's documented values", () => {
    const f = new tg.metrics.FBetaScore({ beta: 2, threshold: 0.5 });
    f.updateState(YT, YP);
    allclose(f.result(), [0.3846154, 0.90909094, 0.8333334], { rtol: 1e-6 });
    const f1 = new tg.metrics.F1Score({ threshold: 0.5 });
    f1.updateState(YT, YP);
    allclose(f1.result(), [0.5, 0.8, 0.6666667], { rtol: 1e-6 });
  });

  test("every average over two weighted updates", () => {
    const w = [0.5, 2, 1];
    const per = classCounts(YT, YP, 0.5, w);
    const scores = per.map((k) => fbeta(k, 1.5));
    const micro = fbeta(
      per.reduce(
        (a, k) => ({ tp: a.tp + k.tp, fp: a.fp + k.fp, fn: a.fn + k.fn }),
        {
          tp: 0,
          fp: 0,
          fn: 0,
        },
      ),
      1.5,
    );
    const support = per.map((k) => k.support);
    const total = support.reduce((a, b) => a + b, 0);
    const expected = {
      none: scores,
      micro,
      macro: scores.reduce((a, b) => a + b, 0) / 3,
      weighted: scores.reduce(
        (a, s, i) => a + (s * support[i]!) / (total + 1e-7),
        0,
      ),
    };
    for (const average of [null, "micro", "macro", "weighted"] as const) {
      const m = new tg.metrics.FBetaScore({
        average,
        beta: 1.5,
        threshold: 0.5,
        dtype: "float64",
      });
      m.updateState(YT.slice(0, 2), YP.slice(0, 2), w.slice(0, 2));
      m.updateState(YT.slice(2), YP.slice(2), w.slice(2));
      allclose(m.result(), expected[average ?? "none"], { rtol: 1e-10 });
    }
  });

  test("without a threshold the largest prediction of each row is 1", () => {
    const m = new tg.metrics.F1Score({ dtype: "float64" });
    m.updateState(
      [
        [0, 1, 0],
        [1, 0, 0],
        [0, 0, 1],
      ],
      [
        [0.3, 0.3, 0.1],
        [0, 0, 0],
        [0.1, 0.2, 0.7],
      ],
    );
    // row 0 predicts classes 0 and 1 (a tie); row 1 predicts nothing
    const per = [
      { tp: 0, fp: 1, fn: 1 },
      { tp: 1, fp: 0, fn: 0 },
      { tp: 1, fp: 0, fn: 0 },
    ];
    allclose(
      m.result(),
      per.map((k) => fbeta(k, 1)),
      { rtol: 1e-10 },
    );
  });

  test("resetState, config and names", () => {
    const m = new tg.metrics.F1Score({ average: "macro", threshold: 0.4 });
    assert.equal(m.name, "f1_score");
    assert.equal(new tg.metrics.FBetaScore().name, "fbeta_score");
    assert.deepEqual(m.getConfig(), {
      name: "f1_score",
      dtype: "float32",
      average: "macro",
      threshold: 0.4,
    });
    m.updateState(YT, YP);
    m.resetState();
    allclose(m.result(), 0);
    assert.deepEqual(
      tg.metrics.F1Score.fromConfig(m.getConfig()).getConfig(),
      m.getConfig(),
    );
  });

  test("bad options and input", () => {
    assert.throws(
      () => new tg.metrics.FBetaScore({ average: "samples" as never }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          'FBetaScore: expected average to be one of [null,"micro","macro","weighted"], got average="samples"',
    );
    assert.throws(
      () => new tg.metrics.FBetaScore({ beta: 0 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "FBetaScore: expected beta to be a finite number > 0, got beta=0",
    );
    assert.throws(
      () => new tg.metrics.F1Score({ threshold: 0 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "F1Score: expected threshold in (0, 1] or null, got threshold=0",
    );
    const m = new tg.metrics.F1Score({ name: "f" });
    assert.throws(
      () => m.updateState([1, 0], [0.2, 0.8]),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          'F1Score "f".updateState: expected yTrue and yPred of shape [batch, classes], ' +
            "got yTrue shape [2] and yPred shape [2]",
    );
    m.updateState(YT, YP);
    assert.throws(() => m.updateState([[1, 0]], [[0.2, 0.8]]), tg.ValueError);
    assert.throws(() => m.updateState(YT, YP, [1, 2]), tg.ValueError);
  });
});

/** IoU per class from a confusion matrix built in the test. */
function ious(
  labels: number[],
  preds: number[],
  classes: number,
  w?: number[],
) {
  const cm = Array.from({ length: classes }, () =>
    new Array<number>(classes).fill(0),
  );
  labels.forEach((l, i) => (cm[l]![preds[i]!]! += w?.[i] ?? 1));
  return cm.map((row, c) => {
    const predicted = cm.reduce((s, r) => s + r[c]!, 0);
    const actual = row.reduce((s, v) => s + v, 0);
    return {
      iou: row[c]! / (predicted + actual - row[c]! + 1e-7),
      present: predicted + actual - row[c]! > 1e-9,
    };
  });
}

function meanOf(per: ReturnType<typeof ious>, ids: number[]): number {
  const chosen = ids.map((i) => per[i]!);
  const valid = chosen.filter((c) => c.present).length;
  return chosen.reduce((s, c) => s + c.iou, 0) / (valid + 1e-7);
}

describe("IoU metrics", () => {
  test("MeanIoU, Keras's documented values", () => {
    const m = new tg.metrics.MeanIoU({ numClasses: 2 });
    m.updateState([0, 0, 1, 1], [0, 1, 0, 1]);
    allclose(m.result(), 0.33333334, { rtol: 1e-6 });
    m.resetState();
    m.updateState([0, 0, 1, 1], [0, 1, 0, 1], [0.3, 0.3, 0.3, 0.1]);
    allclose(m.result(), 0.23809525, { rtol: 1e-6 });
  });

  test("MeanIoU over two updates; an absent class is left out", () => {
    const labels = [0, 1, 1, 3, 3, 0, 1];
    const preds = [0, 1, 3, 3, 0, 0, 1];
    const w = [1, 2, 1, 0.5, 1, 1, 3];
    const m = new tg.metrics.MeanIoU({ numClasses: 4, dtype: "float64" });
    m.updateState(labels.slice(0, 4), preds.slice(0, 4), w.slice(0, 4));
    m.updateState([labels.slice(4)], [preds.slice(4)], [w.slice(4)]);
    allclose(m.result(), meanOf(ious(labels, preds, 4, w), [0, 1, 2, 3]), {
      rtol: 1e-10,
    });
  });

  test("IoU of target classes, ignoreClass, dense inputs", () => {
    const labels = [0, 2, 255, 1, 2];
    const preds = [0, 2, 1, 2, 2];
    const m = new tg.metrics.IoU({
      numClasses: 3,
      targetClassIds: [1, 2],
      ignoreClass: 255,
      dtype: "float64",
    });
    m.updateState(labels, preds);
    const kept = [0, 1, 3, 4];
    const per = ious(
      kept.map((i) => labels[i]!),
      kept.map((i) => preds[i]!),
      3,
    );
    allclose(m.result(), meanOf(per, [1, 2]), { rtol: 1e-10 });
    const oneHot = (ids: number[]) =>
      ids.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
    const scores = preds.map((c) =>
      [0, 1, 2].map((k) => (k === c ? 0.7 : 0.15)),
    );
    const d = new tg.metrics.OneHotMeanIoU({ numClasses: 3, dtype: "float64" });
    d.updateState(oneHot([0, 2, 1, 1, 2]), scores);
    allclose(d.result(), meanOf(ious([0, 2, 1, 1, 2], preds, 3), [0, 1, 2]), {
      rtol: 1e-10,
    });
  });

  test("BinaryIoU thresholds at >= threshold (Keras's example)", () => {
    const m = new tg.metrics.BinaryIoU({
      targetClassIds: [0, 1],
      threshold: 0.3,
    });
    m.updateState([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], [0.2, 0.3, 0.4, 0.1]);
    allclose(m.result(), 0.17361112, { rtol: 1e-6 });
    const edge = new tg.metrics.BinaryIoU({
      targetClassIds: [1],
      threshold: 0.5,
    });
    edge.updateState([1, 0], [0.5, 0.49]);
    allclose(edge.result(), 1, { atol: 1e-6 });
  });

  test("OneHotIoU, Keras's example", () => {
    const m = new tg.metrics.OneHotIoU({
      numClasses: 3,
      targetClassIds: [0, 2],
    });
    m.updateState(
      [
        [0, 0, 1],
        [1, 0, 0],
        [0, 1, 0],
        [1, 0, 0],
      ],
      [
        [0.2, 0.3, 0.5],
        [0.1, 0.2, 0.7],
        [0.5, 0.3, 0.1],
        [0.1, 0.4, 0.5],
      ],
      [0.1, 0.2, 0.3, 0.4],
    );
    allclose(m.result(), 0.1 / 0.7 / 2, { rtol: 1e-5 });
  });

  test("bad input", () => {
    assert.throws(
      () => new tg.metrics.MeanIoU({} as never),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "MeanIoU: expected numClasses, the number of classes, got none",
    );
    assert.throws(
      () => new tg.metrics.MeanIoU({ numClasses: 0 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "MeanIoU: expected numClasses to be an integer >= 1, got numClasses=0",
    );
    assert.throws(
      () => new tg.metrics.IoU({ numClasses: 2, targetClassIds: [2] }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "IoU: expected targetClassIds, a non-empty list of integers in [0, 2), got targetClassIds=[2]",
    );
    const m = new tg.metrics.MeanIoU({ numClasses: 2, name: "miou" });
    m.updateState([0, 1], [0, 1]);
    assert.throws(
      () => m.updateState([0, 2], [0, 1]),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          'MeanIoU "miou".updateState: expected class ids in [0, 2), got label 2 at index 1',
    );
    assert.throws(
      () => m.updateState([0, 1, 1], [0, 1]),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message ===
          'MeanIoU "miou".updateState: expected as many labels as predictions, got 3 labels and 2 predictions',
    );
    allclose(m.result(), 1, { atol: 1e-6 });
  });
});
