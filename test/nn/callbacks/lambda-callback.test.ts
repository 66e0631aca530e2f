// SPDX-License-Identifier: Apache-2.0
/**
 * LambdaCallback (src/nn/callbacks/lambda-callback.ts): which hooks fit,
 * evaluate and predict call, with which epochs, batches and logs; the
 * TensorFlow.js aliases; option checks.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";

const x = [[1], [2], [3]];
const y = [[2], [4], [6]];

function compiled(): tg.Sequential {
  tg.setSeed(41);
  const m = new tg.Sequential([tg.layers.dense({ units: 1 })]);
  m.compile({ optimizer: "sgd", loss: "mse" });
  return m;
}

/** Every hook, recording "name index" or "name" with the logs' keys. */
function recorder(calls: string[]): tg.callbacks.LambdaCallbackArgs {
  const keys = (logs: tg.callbacks.Logs) => Object.keys(logs).join("+");
  const at = (name: string) => (i: number, logs: tg.callbacks.Logs) =>
    calls.push(`${name} ${i} [${keys(logs)}]`);
  const once = (name: string) => (logs: tg.callbacks.Logs) =>
    calls.push(`${name} [${keys(logs)}]`);
  return {
    onTrainBegin: once("trainBegin"),
    onTrainEnd: once("trainEnd"),
    onEpochBegin: at("epochBegin"),
    onEpochEnd: at("epochEnd"),
    onTrainBatchBegin: at("batchBegin"),
    onTrainBatchEnd: at("batchEnd"),
    onTestBegin: once("testBegin"),
    onTestEnd: once("testEnd"),
    onTestBatchBegin: at("testBatchBegin"),
    onTestBatchEnd: at("testBatchEnd"),
    onPredictBegin: once("predictBegin"),
    onPredictEnd: once("predictEnd"),
    onPredictBatchBegin: at("predictBatchBegin"),
    onPredictBatchEnd: at("predictBatchEnd"),
  };
}

describe("LambdaCallback", () => {
  test("fit calls the train hooks with the right epochs and batches", () => {
    const calls: string[] = [];
    compiled().fit(x, y, {
      epochs: 2,
      batchSize: 2,
      verbose: 0,
      callbacks: [tg.callbacks.lambdaCallback(recorder(calls))],
    });
    assert.deepEqual(calls, [
      "trainBegin []",
      "epochBegin 0 []",
      "batchBegin 0 []",
      "batchEnd 0 [loss]",
      "batchBegin 1 []",
      "batchEnd 1 [loss]",
      "epochEnd 0 [loss]",
      "epochBegin 1 []",
      "batchBegin 0 []",
      "batchEnd 0 [loss]",
      "batchBegin 1 []",
      "batchEnd 1 [loss]",
      "epochEnd 1 [loss]",
      "trainEnd [loss]",
    ]);
  });

  test("initialEpoch numbers the epochs from there", () => {
    const epochs: number[] = [];
    compiled().fit(x, y, {
      epochs: 4,
      initialEpoch: 2,
      verbose: 0,
      callbacks: [
        tg.callbacks.lambdaCallback({ onEpochEnd: (e) => epochs.push(e) }),
      ],
    });
    assert.deepEqual(epochs, [2, 3]);
  });

  test("evaluate and predict call the test and predict hooks", () => {
    const m = compiled();
    const calls: string[] = [];
    const cb = new tg.callbacks.LambdaCallback(recorder(calls));
    m.evaluate(x, y, { batchSize: 2, verbose: 0, callbacks: [cb] });
    assert.deepEqual(calls, [
      "testBegin []",
      "testBatchBegin 0 []",
      "testBatchEnd 0 [loss]",
      "testBatchBegin 1 []",
      "testBatchEnd 1 [loss]",
      "testEnd [loss]",
    ]);
    calls.length = 0;
    m.predict(x, { batchSize: 2, callbacks: [cb] });
    assert.deepEqual(calls, [
      "predictBegin []",
      "predictBatchBegin 0 []",
      "predictBatchEnd 0 []",
      "predictBatchBegin 1 []",
      "predictBatchEnd 1 []",
      "predictEnd []",
    ]);
  });

  test("fit's validation calls the test hooks, as in Keras", () => {
    const calls: string[] = [];
    compiled().fit(x, y, {
      epochs: 1,
      verbose: 0,
      validationData: [x, y],
      callbacks: [tg.callbacks.lambdaCallback(recorder(calls))],
    });
    assert.deepEqual(calls, [
      "trainBegin []",
      "epochBegin 0 []",
      "batchBegin 0 []",
      "batchEnd 0 [loss]",
      "testBegin []",
      "testBatchBegin 0 []",
      "testBatchEnd 0 [loss]",
      "testEnd [loss]",
      "epochEnd 0 [loss+val_loss]",
      "trainEnd [loss+val_loss]",
    ]);
  });

  test("onBatchBegin and onBatchEnd are the train-batch hooks", () => {
    const seen: string[] = [];
    const cb = tg.callbacks.lambdaCallback({
      onBatchBegin: (b) => seen.push(`begin ${b}`),
      onBatchEnd: (b, logs) => seen.push(`end ${b} ${typeof logs.loss}`),
    });
    compiled().fit(x, y, {
      batchSize: 2,
      verbose: 0,
      callbacks: [cb],
    });
    assert.deepEqual(seen, [
      "begin 0",
      "end 0 number",
      "begin 1",
      "end 1 number",
    ]);
  });

  test("hooks always receive a logs record; absent hooks do nothing", () => {
    const got: unknown[] = [];
    const cb = new tg.callbacks.LambdaCallback({
      onTrainBegin: (logs) => got.push(logs),
      onEpochEnd: (e, logs) => got.push(e, logs),
    });
    cb.onTrainBegin();
    cb.onEpochEnd(3);
    cb.onEpochBegin(0);
    cb.onTrainBatchEnd(0);
    assert.deepEqual(got, [{}, 3, {}]);
    assert.ok(
      new tg.callbacks.LambdaCallback() instanceof tg.callbacks.Callback,
    );
  });

  test("bad options are ValueErrors", () => {
    const bad: [unknown, string][] = [
      [
        { onEpochEnd: 3 },
        "LambdaCallback: expected onEpochEnd to be a function, got 3",
      ],
      [
        { onEpochStart: () => {} },
        "LambdaCallback: expected hooks among onTrainBegin, onTrainEnd, " +
          "onEpochBegin, onEpochEnd, onTrainBatchBegin, onTrainBatchEnd, " +
          "onBatchBegin, onBatchEnd, onTestBegin, onTestEnd, " +
          "onTestBatchBegin, onTestBatchEnd, onPredictBegin, onPredictEnd, " +
          'onPredictBatchBegin, onPredictBatchEnd, got "onEpochStart"',
      ],
      [
        { onBatchEnd: () => {}, onTrainBatchEnd: () => {} },
        "LambdaCallback: expected one of onBatchEnd and onTrainBatchEnd " +
          "(the same hook), got both",
      ],
    ];
    for (const [args, message] of bad) {
      assert.throws(
        () => new tg.callbacks.LambdaCallback(args as never),
        (e: unknown) => e instanceof tg.ValueError && e.message === message,
      );
    }
  });
});
