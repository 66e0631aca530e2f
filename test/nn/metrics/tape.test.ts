// SPDX-License-Identifier: Apache-2.0
/**
 * Metrics and gradient tapes: a metric updated (and read) inside a
 * recording GradientTape adds no op to the tape, has no gradient, and
 * neither trains nor changes the trainable variables.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

/** Counts the ops a tape is offered while `fn` runs. */
function opsSeen(tape: tg.GradientTape, fn: () => void): number {
  let n = 0;
  const original = tape._record.bind(tape);
  tape._record = (...args: Parameters<tg.GradientTape["_record"]>) => {
    n++;
    original(...args);
  };
  try {
    fn();
  } finally {
    tape._record = original;
  }
  return n;
}

const everyKind = (): tg.metrics.Metric[] => [
  new tg.metrics.MeanSquaredError(),
  new tg.metrics.BinaryAccuracy(),
  new tg.metrics.AUC({ numThresholds: 5 }),
  new tg.metrics.Precision(),
  new tg.metrics.R2Score(),
  new tg.metrics.F1Score({ threshold: 0.5 }),
  new tg.metrics.RootMeanSquaredError(),
  new tg.metrics.BinaryCrossentropy({ fromLogits: true }),
];

describe("metrics under a recording tape", () => {
  test("updateState and result record nothing", () => {
    const w = new tg.Variable([[0.5], [-0.25]], { name: "w" });
    const x = tg.tensor([
      [1, 2],
      [3, -1],
      [0.5, 0.5],
    ]);
    const y = tg.tensor([[1], [0], [1]]);
    for (const m of everyKind()) {
      using tape = new tg.GradientTape();
      const yPred = tg.sigmoid(tg.matMul(x, w));
      // The check can fail: an op on yPred is offered to the tape.
      assert.equal(
        opsSeen(tape, () => yPred.add(1)),
        1,
      );
      const seen = opsSeen(tape, () => {
        m.updateState(y, yPred);
        m.result();
      });
      assert.equal(seen, 0, `${m.name} recorded ${seen} ops`);
    }
  });

  test("metric variables get no gradient and are not watched", () => {
    const w = new tg.Variable([[0.5], [-0.25]], { name: "w" });
    const m = new tg.metrics.MeanSquaredError();
    const x = tg.tensor([
      [1, 2],
      [3, -1],
    ]);
    const y = tg.tensor([[1], [0]]);
    const tape = new tg.GradientTape({ persistent: true });
    const yPred = tg.matMul(x, w);
    m.updateState(y, yPred);
    const loss = tg.losses.meanSquaredError(y, yPred).mean();
    const watched = tape.watchedVariables();
    assert.ok(watched.includes(w));
    assert.ok(m.variables.every((v) => !watched.includes(v)));
    const grads = tape.gradient(loss, [w, ...m.variables]);
    assert.ok(grads[0] instanceof tg.Tensor);
    assert.deepEqual(grads.slice(1), [null, null]);
    assert.equal(tape.gradient(m.result(), yPred), null);
    tape.dispose();
  });

  test("a training step with a metric changes only the trainable weights", () => {
    const w = new tg.Variable([[0.5], [-0.25]], { name: "w" });
    const x = tg.tensor([
      [1, 2],
      [3, -1],
    ]);
    const y = tg.tensor([[1], [0]]);
    const m = new tg.metrics.Mean();
    const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
    const before = w.toArray();
    let lossValue: number;
    {
      using tape = new tg.GradientTape();
      const yPred = tg.matMul(x, w);
      const loss = tg.losses.meanSquaredError(y, yPred).mean();
      m.updateState(loss);
      lossValue = loss.item();
      const grads = tape.gradient(loss, [w]);
      opt.applyGradients(tg.zip(grads, [w]));
    }
    assert.notDeepEqual(w.toArray(), before);
    allclose(m.result(), lossValue);
    assert.ok(m.variables.every((v) => !v.trainable));
  });
});
