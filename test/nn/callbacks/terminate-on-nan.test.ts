// SPDX-License-Identifier: Apache-2.0
/**
 * TerminateOnNaN (src/nn/callbacks/terminate-on-nan.ts): fit stops after
 * the first batch whose loss is NaN or infinite, says so, and returns;
 * raiseError throws; finite losses pass.
 */
import assert from "node:assert/strict";
import { afterEach, describe, mock, test } from "node:test";
import * as tg from "tensorgrad";

afterEach(() => mock.restoreAll());

function model(learningRate = 0.01): tg.Sequential {
  tg.setSeed(21);
  const m = new tg.Sequential([tg.layers.dense({ units: 1 })]);
  m.compile({ optimizer: tg.optimizers.sgd({ learningRate }), loss: "mse" });
  return m;
}

function printed(log: { mock: { calls: { arguments: unknown[] }[] } }) {
  return log.mock.calls.map((c) => String(c.arguments[0]));
}

describe("TerminateOnNaN", () => {
  test("a NaN target stops fit mid-epoch after that batch", () => {
    const log = mock.method(console, "log", () => {});
    const m = model();
    const batches: [number, number][] = [];
    let ended = 0;
    const probe = tg.callbacks.lambdaCallback({
      onTrainBatchEnd: (b, logs) => batches.push([b, logs.loss!]),
      onTrainEnd: () => ended++,
    });
    const h = m.fit([[1], [2], [3], [4], [5]], [[1], [2], [NaN], [4], [5]], {
      batchSize: 1,
      epochs: 4,
      shuffle: false,
      verbose: 0,
      callbacks: [tg.callbacks.terminateOnNaN(), probe],
    });
    assert.deepEqual(printed(log), [
      "Batch 2: Invalid loss, terminating training",
    ]);
    assert.deepEqual(
      batches.map(([b]) => b),
      [0, 1, 2],
    );
    assert.ok(Number.isFinite(batches[1]![1]));
    assert.ok(Number.isNaN(batches[2]![1]));
    assert.equal(m.stopTraining, true);
    assert.equal(ended, 1);
    assert.deepEqual(h.epoch, [0]);
    assert.ok(Number.isNaN(h.history.loss![0]));
  });

  test("a diverging fit stops at the first infinite or NaN loss", () => {
    const log = mock.method(console, "log", () => {});
    const m = model(1e6);
    const x = Array.from({ length: 8 }, (_, i) => [i * 100, -i * 50]);
    const y = x.map(([a]) => [a! * 3]);
    let batches = 0;
    const h = m.fit(x, y, {
      batchSize: 1,
      epochs: 50,
      shuffle: false,
      verbose: 0,
      callbacks: [
        tg.callbacks.terminateOnNaN(),
        tg.callbacks.lambdaCallback({ onTrainBatchEnd: () => batches++ }),
      ],
    });
    assert.equal(log.mock.callCount(), 1);
    assert.match(
      String(printed(log)[0]),
      /^Batch \d+: Invalid loss, terminating training$/,
    );
    assert.ok(batches < 50 * 8, `ran ${batches} batches`);
    const last = h.history.loss!.at(-1)!;
    assert.ok(!Number.isFinite(last), `last epoch loss ${last}`);
  });

  test("infinite and NaN losses stop; finite and absent ones do not", () => {
    const log = mock.method(console, "log", () => {});
    const cb = new tg.callbacks.TerminateOnNaN();
    const fake = { stopTraining: false, name: "fake" };
    cb.setModel(fake);
    cb.onTrainBatchEnd(0, { loss: 1e30 });
    cb.onTrainBatchEnd(1, { accuracy: NaN });
    cb.onTrainBatchEnd(2, {});
    assert.equal(fake.stopTraining, false);
    cb.onTrainBatchEnd(3, { loss: -Infinity });
    assert.equal(fake.stopTraining, true);
    fake.stopTraining = false;
    cb.onTrainBatchEnd(7, { loss: NaN });
    assert.equal(fake.stopTraining, true);
    assert.deepEqual(printed(log), [
      "Batch 3: Invalid loss, terminating training",
      "Batch 7: Invalid loss, terminating training",
    ]);
  });

  test("raiseError throws out of fit", () => {
    const m = model();
    let ended = 0;
    assert.throws(
      () =>
        m.fit([[1], [2], [3]], [[1], [NaN], [3]], {
          batchSize: 1,
          epochs: 2,
          shuffle: false,
          verbose: 0,
          callbacks: [
            tg.callbacks.terminateOnNaN({ raiseError: true }),
            tg.callbacks.lambdaCallback({ onTrainEnd: () => ended++ }),
          ],
        }),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message ===
          "TerminateOnNaN: expected a finite loss, got loss=NaN at batch " +
            "1; terminating training immediately",
    );
    assert.equal(ended, 0);
  });

  test("options are checked", () => {
    assert.equal(new tg.callbacks.TerminateOnNaN().raiseError, false);
    assert.ok(
      tg.callbacks.terminateOnNaN() instanceof tg.callbacks.TerminateOnNaN,
    );
    assert.throws(
      () => new tg.callbacks.TerminateOnNaN({ raiseError: "yes" as never }),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message ===
          'TerminateOnNaN: expected raiseError to be a boolean, got raiseError="yes"',
    );
  });
});
