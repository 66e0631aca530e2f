// SPDX-License-Identifier: Apache-2.0
/**
 * LearningRateScheduler and ReduceLROnPlateau (src/nn/callbacks/): the
 * optimizer's rate epoch by epoch, "learning_rate" in the logs, patience,
 * cooldown, minLr, minDelta, modes, messages, option checks, real fits.
 */
import assert from "node:assert/strict";
import { afterEach, describe, mock, test } from "node:test";
import * as tg from "tensorgrad";

const f32 = Math.fround;
const x = [[1], [2], [3], [4]];
const y = [[2], [4], [6], [8]];

/** A model with an optimizer, for driving the hooks directly. */
function fakeModel(learningRate: number) {
  return {
    stopTraining: false,
    name: "fake",
    optimizer: new tg.optimizers.SGD({ learningRate }),
  };
}

function compiled(learningRate = 0.01): tg.Sequential {
  tg.setSeed(11);
  const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
  model.compile({
    optimizer: tg.optimizers.sgd({ learningRate }),
    loss: "mse",
  });
  return model;
}

afterEach(() => {
  tg.setWarningHandler();
  mock.restoreAll();
});

describe("LearningRateScheduler", () => {
  test("sets the rate at each epoch's start and logs it at its end", () => {
    const model = compiled();
    const during: number[] = [];
    const logged: number[] = [];
    const calls: [number, number][] = [];
    const scheduler = tg.callbacks.learningRateScheduler((epoch, lr) => {
      calls.push([epoch, lr]);
      return 0.1 * 0.5 ** epoch;
    });
    const probe = tg.callbacks.lambdaCallback({
      onTrainBatchBegin: () => during.push(model.optimizer!.learningRate),
      onEpochEnd: (_e, logs) => logged.push(logs.learning_rate!),
    });
    model.fit(x, y, {
      epochs: 3,
      batchSize: 2,
      verbose: 0,
      callbacks: [scheduler, probe],
    });
    const want = [0.1, 0.05, 0.025].map(f32);
    // The schedule sees the epoch and the float32 rate in use.
    assert.deepEqual(calls, [
      [0, f32(0.01)],
      [1, want[0]],
      [2, want[1]],
    ]);
    assert.deepEqual(during, [
      want[0],
      want[0],
      want[1],
      want[1],
      want[2],
      want[2],
    ]);
    assert.deepEqual(logged, want);
    assert.equal(model.optimizer!.learningRate, want[2]);
  });

  test("History records learning_rate", () => {
    const model = compiled();
    const h = model.fit(x, y, {
      epochs: 2,
      verbose: 0,
      callbacks: [tg.callbacks.learningRateScheduler(() => 0.5)],
    });
    assert.deepEqual(h.history.learning_rate, [0.5, 0.5]);
  });

  test("Keras's example: 0.01, then decay from epoch 10: 0.00607", () => {
    const model = compiled();
    const scheduler = new tg.callbacks.LearningRateScheduler((epoch, lr) =>
      epoch < 10 ? lr : lr * Math.exp(-0.1),
    );
    model.fit(x, y, { epochs: 15, verbose: 0, callbacks: [scheduler] });
    assert.equal(model.optimizer!.learningRate.toFixed(5), "0.00607");
    let want = f32(0.01);
    for (let e = 10; e < 15; e++) want = f32(want * Math.exp(-0.1));
    assert.equal(model.optimizer!.learningRate, want);
  });

  test("verbose 1 prints Keras's message", () => {
    const log = mock.method(console, "log", () => {});
    const model = fakeModel(0.1);
    const s = new tg.callbacks.LearningRateScheduler(() => 1e-5, 1);
    s.setModel(model);
    s.onEpochBegin(2, {});
    assert.deepEqual(
      log.mock.calls.map((c) => String(c.arguments[0])),
      ["\nEpoch 3: LearningRateScheduler setting learning rate to 1e-05."],
    );
  });

  test("a model without an optimizer is a ValueError", () => {
    const s = tg.callbacks.learningRateScheduler(() => 0.1);
    const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
    s.setModel(model);
    assert.throws(
      () => s.onEpochBegin(0, {}),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message ===
          "LearningRateScheduler: expected a model with an optimizer " +
            "(call compile() first), got no optimizer",
    );
  });

  test("a schedule must return a finite rate >= 0", () => {
    const model = fakeModel(0.1);
    for (const [out, shown] of [
      ["0.1", '"0.1"'],
      [NaN, "NaN"],
      [-1, "-1"],
      [undefined, "undefined"],
    ] as const) {
      const s = tg.callbacks.learningRateScheduler(() => out as never);
      s.setModel(model);
      assert.throws(
        () => s.onEpochBegin(4, {}),
        (e: unknown) =>
          e instanceof tg.ValueError &&
          e.message ===
            "LearningRateScheduler: expected the schedule to return a " +
              `finite number >= 0, got ${shown} at epoch 4`,
      );
      assert.equal(model.optimizer.learningRate, f32(0.1));
    }
  });

  test("schedule and verbose are checked", () => {
    assert.throws(
      () => new tg.callbacks.LearningRateScheduler(0.1 as never),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message ===
          "LearningRateScheduler: expected schedule to be a function " +
            "(epoch, lr) => lr, got schedule=0.1",
    );
    assert.throws(
      () => new tg.callbacks.LearningRateScheduler(() => 1, -1),
      /LearningRateScheduler: expected verbose to be an integer >= 0/,
    );
  });
});

/** Feeds `values` of `key` to onEpochEnd; returns the rate after each. */
function plateau(
  cb: tg.callbacks.ReduceLROnPlateau,
  values: number[],
  lr = 1,
  key = "loss",
): { rates: number[]; logged: number[] } {
  const model = fakeModel(lr);
  cb.setModel(model);
  cb.onTrainBegin({});
  const rates: number[] = [];
  const logged: number[] = [];
  values.forEach((v, epoch) => {
    const logs: tg.callbacks.Logs = { [key]: v };
    cb.onEpochEnd(epoch, logs);
    logged.push(logs.learning_rate!);
    rates.push(model.optimizer.learningRate);
  });
  return { rates, logged };
}

describe("ReduceLROnPlateau", () => {
  const flat = [1, 1, 1, 1, 1, 1, 1];

  test("reduces after patience epochs without improvement", () => {
    const cb = new tg.callbacks.ReduceLROnPlateau({
      monitor: "loss",
      factor: 0.5,
      patience: 2,
    });
    const { rates, logged } = plateau(cb, flat);
    assert.deepEqual(rates, [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125]);
    // The logs hold the rate used during the epoch, before any reduction.
    assert.deepEqual(logged, [1, 1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  test("an improvement resets the wait", () => {
    const cb = new tg.callbacks.ReduceLROnPlateau({
      monitor: "loss",
      factor: 0.5,
      patience: 2,
    });
    const { rates } = plateau(cb, [1, 1, 0.5, 0.5, 0.5, 0.4, 0.4]);
    assert.deepEqual(rates, [1, 1, 1, 1, 0.5, 0.5, 0.5]);
  });

  test("cooldown: epochs after a reduction do not count", () => {
    const cb = new tg.callbacks.ReduceLROnPlateau({
      monitor: "loss",
      factor: 0.5,
      patience: 1,
      cooldown: 2,
    });
    const { rates } = plateau(cb, flat);
    assert.deepEqual(rates, [1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]);
    const eager = new tg.callbacks.ReduceLROnPlateau({
      monitor: "loss",
      factor: 0.5,
      patience: 1,
    });
    assert.deepEqual(
      plateau(eager, flat.slice(0, 4)).rates,
      [1, 0.5, 0.25, 0.125],
    );
  });

  test("minLr bounds the rate", () => {
    const cb = new tg.callbacks.ReduceLROnPlateau({
      monitor: "loss",
      patience: 0,
      minLr: 0.05,
    });
    const { rates } = plateau(cb, flat.slice(0, 5));
    assert.deepEqual(rates, [1, f32(0.1), f32(0.05), f32(0.05), f32(0.05)]);
  });

  test("minDelta: smaller gains are no improvement", () => {
    const values = [1, 0.99995, 0.9999, 0.9998];
    const strict = new tg.callbacks.ReduceLROnPlateau({
      monitor: "loss",
      factor: 0.5,
      patience: 1,
    }); // minDelta 1e-4
    assert.deepEqual(plateau(strict, values).rates, [1, 0.5, 0.25, 0.25]);
    const loose = new tg.callbacks.ReduceLROnPlateau({
      monitor: "loss",
      factor: 0.5,
      patience: 1,
      minDelta: 0,
    });
    assert.deepEqual(plateau(loose, values).rates, [1, 1, 1, 1]);
  });

  test('mode: "auto" maximises names with "acc"; "max" does too', () => {
    const rising = [0.5, 0.6, 0.7, 0.8];
    const opts = { factor: 0.5, patience: 1 } as const;
    const auto = new tg.callbacks.ReduceLROnPlateau({
      ...opts,
      monitor: "val_accuracy",
    });
    assert.deepEqual(
      plateau(auto, rising, 1, "val_accuracy").rates,
      [1, 1, 1, 1],
    );
    const max = new tg.callbacks.ReduceLROnPlateau({
      ...opts,
      monitor: "auc",
      mode: "max",
    });
    assert.deepEqual(plateau(max, rising, 1, "auc").rates, [1, 1, 1, 1]);
    // "auc" without mode "max" is minimised (Keras looks for "acc" only).
    const guessed = new tg.callbacks.ReduceLROnPlateau({
      ...opts,
      monitor: "auc",
    });
    assert.deepEqual(
      plateau(guessed, rising, 1, "auc").rates,
      [1, 0.5, 0.25, 0.125],
    );
    const min = new tg.callbacks.ReduceLROnPlateau({
      ...opts,
      monitor: "val_accuracy",
      mode: "min",
    });
    assert.deepEqual(
      plateau(min, rising, 1, "val_accuracy").rates,
      [1, 0.5, 0.25, 0.125],
    );
  });

  test("a missing monitor warns once and still logs the rate", () => {
    const seen: string[] = [];
    tg.setWarningHandler((m) => seen.push(m));
    const cb = new tg.callbacks.ReduceLROnPlateau({ patience: 0 });
    const { rates, logged } = plateau(cb, [1, 1, 1], 0.5);
    assert.deepEqual(rates, [0.5, 0.5, 0.5]);
    assert.deepEqual(logged, [0.5, 0.5, 0.5]);
    assert.deepEqual(seen, [
      'ReduceLROnPlateau: learning rate reduction is conditioned on metric "val_loss", ' +
        "which is not available. Available metrics are: loss,learning_rate.",
    ]);
  });

  test("verbose 1 prints Keras's message", () => {
    const log = mock.method(console, "log", () => {});
    const cb = new tg.callbacks.ReduceLROnPlateau({
      monitor: "loss",
      patience: 1,
      verbose: 1,
    });
    plateau(cb, [1, 1], 0.1);
    assert.deepEqual(
      log.mock.calls.map((c) => String(c.arguments[0])),
      [
        "\nEpoch 2: ReduceLROnPlateau reducing learning rate to " +
          `${f32(0.1) * 0.1}.`,
      ],
    );
  });

  test("in fit: halves the rate every epoch when nothing counts", () => {
    const model = compiled(0.01);
    const logged: number[] = [];
    const cb = tg.callbacks.reduceLROnPlateau({
      monitor: "loss",
      factor: 0.5,
      patience: 1,
      minDelta: 1e9,
    });
    const probe = tg.callbacks.lambdaCallback({
      onEpochEnd: (_e, logs) => logged.push(logs.learning_rate!),
    });
    model.fit(x, y, { epochs: 4, verbose: 0, callbacks: [cb, probe] });
    // Epoch 0 sets the best; each later epoch ends with a reduction, so
    // the logs show the rate in use: a, a, a/2, a/4; a/8 remains.
    const a = f32(0.01);
    assert.deepEqual(logged, [a, a, a / 2, a / 4]);
    assert.equal(model.optimizer!.learningRate, a / 8);
  });

  test("defaults are Keras's", () => {
    const cb = tg.callbacks.reduceLROnPlateau();
    assert.ok(cb instanceof tg.callbacks.ReduceLROnPlateau);
    assert.deepEqual(
      [
        cb.monitor,
        cb.factor,
        cb.patience,
        cb.verbose,
        cb.mode,
        cb.minDelta,
        cb.cooldown,
        cb.minLr,
      ],
      ["val_loss", 0.1, 10, 0, "auto", 1e-4, 0, 0],
    );
  });

  const bad: [Record<string, unknown>, string][] = [
    [
      { factor: 1 },
      "ReduceLROnPlateau: expected factor in [0, 1) (a factor >= 1 would not reduce), got factor=1",
    ],
    [
      { factor: 1.5 },
      "ReduceLROnPlateau: expected factor in [0, 1) (a factor >= 1 would not reduce), got factor=1.5",
    ],
    [
      { factor: -0.5 },
      "ReduceLROnPlateau: expected factor in [0, 1) (a factor >= 1 would not reduce), got factor=-0.5",
    ],
    [
      { patience: -1 },
      "ReduceLROnPlateau: expected patience to be an integer >= 0, got patience=-1",
    ],
    [
      { cooldown: 0.5 },
      "ReduceLROnPlateau: expected cooldown to be an integer >= 0, got cooldown=0.5",
    ],
    [
      { mode: "up" },
      'ReduceLROnPlateau: expected mode "auto", "min" or "max", got mode="up"',
    ],
    [{ minLr: -1 }, "ReduceLROnPlateau: expected minLr >= 0, got minLr=-1"],
    [
      { minDelta: Infinity },
      "ReduceLROnPlateau: expected minDelta to be a finite number, got minDelta=Infinity",
    ],
  ];
  for (const [args, message] of bad) {
    test(`rejects ${JSON.stringify(args)}`, () => {
      assert.throws(
        () => new tg.callbacks.ReduceLROnPlateau(args),
        (e: unknown) => e instanceof tg.ValueError && e.message === message,
      );
    });
  }

  test("a model without an optimizer is a ValueError", () => {
    const cb = new tg.callbacks.ReduceLROnPlateau();
    cb.setModel({ stopTraining: false, name: "bare" });
    assert.throws(
      () => cb.onEpochEnd(0, { val_loss: 1 }),
      /^ValueError: ReduceLROnPlateau: expected a model with an optimizer/,
    );
  });
});
