// SPDX-License-Identifier: Apache-2.0
/**
 * EarlyStopping (src/nn/callbacks/early-stopping.ts): the stopping epoch
 * for scripted logs (Keras 3's own test cases), patience, minDelta,
 * baseline, startFromEpoch, restoreBestWeights, mode inference, the
 * missing-monitor warning, option checks, and real fits.
 */
import assert from "node:assert/strict";
import { afterEach, describe, mock, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

/** A model with just what EarlyStopping reaches for; weights are a number. */
class FakeModel {
  stopTraining = false;
  readonly name = "fake";
  weights = -1;
  metrics: { name: string; direction: "up" | "down" | null }[] = [];
  getWeights(): tg.Tensor[] {
    return this.weights as unknown as tg.Tensor[];
  }
  setWeights(w: readonly tg.Tensor[]): void {
    this.weights = w as unknown as number;
  }
}

/**
 * Runs `values` through onEpochEnd as fit would (weights = epoch index,
 * stop when asked); returns the epochs run and the model.
 */
function script(
  stopper: tg.callbacks.EarlyStopping,
  values: number[],
  key = "loss",
  model = new FakeModel(),
): { epochs: number; model: FakeModel } {
  stopper.setModel(model);
  model.stopTraining = false; // as fit does
  stopper.onTrainBegin({});
  let epochs = 0;
  for (const [epoch, value] of values.entries()) {
    epochs++;
    model.weights = epoch;
    stopper.onEpochEnd(epoch, { [key]: value });
    if (model.stopTraining) break;
  }
  stopper.onTrainEnd({});
  return { epochs, model };
}

afterEach(() => {
  tg.setWarningHandler();
  mock.restoreAll();
});

describe("EarlyStopping with scripted logs", () => {
  test("patience: Keras's cases stop at max(patience, 1) + 2", () => {
    const losses = [10, 9, 8, 9, 8.9, 8.8, 8.7, 8.6, 8.5];
    for (const patience of [0, 1, 2, 3]) {
      const stopper = new tg.callbacks.EarlyStopping({
        monitor: "loss",
        patience,
      });
      script(stopper, losses);
      assert.equal(stopper.stoppedEpoch, Math.max(patience, 1) + 2);
      assert.equal(stopper.best, 8);
      assert.equal(stopper.bestEpoch, 2);
    }
  });

  test("never stops while the value keeps improving", () => {
    const stopper = new tg.callbacks.EarlyStopping({ monitor: "loss" });
    const { epochs, model } = script(stopper, [5, 4, 3, 2, 1]);
    assert.equal(epochs, 5);
    assert.equal(model.stopTraining, false);
    assert.equal(stopper.stoppedEpoch, 0);
  });

  test("minDelta: a smaller change is no improvement (min and max)", () => {
    const losses = [1, 0.75, 0.625, 0.25];
    const plain = new tg.callbacks.EarlyStopping({ monitor: "loss" });
    assert.equal(script(plain, losses).epochs, 4);

    // 0.75 + 0.25 < 1 is false: epoch 1 does not improve.
    const strict = new tg.callbacks.EarlyStopping({
      monitor: "loss",
      minDelta: -0.25, // its absolute value is used, as in Keras
    });
    assert.equal(strict.minDelta, 0.25);
    assert.equal(script(strict, losses).epochs, 2);
    assert.equal(strict.stoppedEpoch, 1);

    const patient = new tg.callbacks.EarlyStopping({
      monitor: "loss",
      minDelta: 0.25,
      patience: 2,
    });
    assert.equal(script(patient, losses).epochs, 4);
    assert.equal(patient.best, 0.25);

    const acc = new tg.callbacks.EarlyStopping({
      monitor: "acc",
      mode: "max",
      minDelta: 0.25,
    });
    script(acc, [0.5, 0.625, 0.75], "acc");
    assert.equal(acc.stoppedEpoch, 1);
  });

  test("mode max stops when the value stops rising", () => {
    const stopper = new tg.callbacks.EarlyStopping({
      monitor: "x",
      mode: "max",
      patience: 2,
    });
    script(stopper, [1, 2, 3, 2, 1, 0], "x");
    assert.equal(stopper.stoppedEpoch, 4);
    assert.equal(stopper.best, 3);
  });

  test("baseline: patience runs until the baseline is beaten", () => {
    // No epoch beats 0.5: training runs `patience` epochs and restores
    // the best of them (Keras's test).
    const stopper = new tg.callbacks.EarlyStopping({
      monitor: "val_loss",
      patience: 5,
      baseline: 0.5,
      restoreBestWeights: true,
    });
    const run = script(stopper, [0.9, 0.8, 0.7, 0.71, 0.72, 0.73], "val_loss");
    assert.equal(run.epochs, 5);
    assert.equal(run.model.weights, 2);

    // Beating the baseline resets the wait.
    const beaten = new tg.callbacks.EarlyStopping({
      monitor: "val_loss",
      patience: 2,
      baseline: 0.5,
    });
    const r = script(beaten, [0.9, 0.8, 0.4, 0.45, 0.46, 0.47], "val_loss");
    assert.equal(beaten.stoppedEpoch, 4);
    assert.equal(r.epochs, 5);

    // Unbeaten, the wait keeps growing through the improvements, so the
    // first epoch without one stops.
    const unbeaten = new tg.callbacks.EarlyStopping({
      monitor: "val_loss",
      patience: 2,
      baseline: 0.1,
    });
    script(unbeaten, [0.9, 0.8, 0.4, 0.45, 0.46, 0.47], "val_loss");
    assert.equal(unbeaten.stoppedEpoch, 3);
  });

  test("restoreBestWeights restores the best epoch's weights", () => {
    const stopper = new tg.callbacks.EarlyStopping({
      monitor: "val_loss",
      patience: 2,
      restoreBestWeights: true,
    });
    const run = script(stopper, [0.2, 0.15, 0.1, 0.11, 0.12], "val_loss");
    assert.equal(run.epochs, 5);
    assert.equal(run.model.weights, 2);
    assert.equal(stopper.bestEpoch, 2);

    // Also when another callback stops training (Keras's third case).
    const other = new tg.callbacks.EarlyStopping({
      monitor: "val_loss",
      patience: 5,
      baseline: 0.5,
      restoreBestWeights: true,
    });
    const model = new FakeModel();
    other.setModel(model);
    other.onTrainBegin({});
    for (const [epoch, v] of [0.9, 0.8, 0.7, 0.71, 0.72].entries()) {
      model.weights = epoch;
      other.onEpochEnd(epoch, { val_loss: v });
      if (epoch === 3) break;
    }
    other.onTrainEnd({});
    assert.equal(model.weights, 2);

    // Without restoreBestWeights, the last weights stay.
    const keep = new tg.callbacks.EarlyStopping({
      monitor: "val_loss",
      patience: 2,
    });
    const last = script(keep, [0.2, 0.15, 0.1, 0.11, 0.12], "val_loss");
    assert.equal(last.model.weights, 4);
  });

  test("startFromEpoch: epochs before it are not watched", () => {
    const rising = [1, 2, 3, 4, 5, 6];
    const plain = new tg.callbacks.EarlyStopping({ monitor: "loss" });
    script(plain, rising);
    assert.equal(plain.stoppedEpoch, 1);

    const late = new tg.callbacks.EarlyStopping({
      monitor: "loss",
      startFromEpoch: 2,
    });
    script(late, rising);
    assert.equal(late.stoppedEpoch, 3);
    assert.equal(late.best, 3);
    assert.equal(late.bestEpoch, 2);
  });

  test("one instance serves several runs", () => {
    const stopper = new tg.callbacks.EarlyStopping({ monitor: "loss" });
    script(stopper, [1, 2]);
    assert.equal(stopper.stoppedEpoch, 1);
    script(stopper, [3, 2, 1]);
    assert.equal(stopper.stoppedEpoch, 0);
    assert.equal(stopper.best, 1);
  });
});

describe("EarlyStopping mode inference", () => {
  test('"loss" and "val_loss" are minimised', () => {
    for (const key of ["loss", "val_loss"]) {
      const stopper = new tg.callbacks.EarlyStopping({ monitor: key });
      script(stopper, [1, 0.5, 0.7], key);
      assert.equal(stopper.stoppedEpoch, 2, key);
    }
  });

  test("a metric's direction decides, with or without val_", () => {
    const model = new FakeModel();
    model.metrics = [
      { name: "loss", direction: null },
      { name: "f1", direction: "up" },
      { name: "err", direction: "down" },
    ];
    for (const key of ["f1", "val_f1"]) {
      const up = new tg.callbacks.EarlyStopping({ monitor: key });
      script(up, [0.5, 0.6, 0.7, 0.6], key, model);
      assert.equal(up.stoppedEpoch, 3, key);
      assert.equal(up.best, 0.7);
    }
    const m2 = new FakeModel();
    m2.metrics = model.metrics;
    const down2 = new tg.callbacks.EarlyStopping({ monitor: "err" });
    script(down2, [0.5, 0.4, 0.6], "err", m2);
    assert.equal(down2.stoppedEpoch, 2);
  });

  test("a monitor of unknown direction is a ValueError in auto mode", () => {
    const stopper = new tg.callbacks.EarlyStopping({ monitor: "unknown" });
    stopper.setModel(new FakeModel());
    stopper.onTrainBegin({});
    assert.throws(
      () => stopper.onEpochEnd(0, { loss: 1 }),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.startsWith(
          'EarlyStopping: expected a monitor whose direction mode "auto" ' +
            "can tell",
        ) &&
        e.message.includes('got monitor="unknown"'),
    );
    // An explicit mode needs no inference.
    const explicit = new tg.callbacks.EarlyStopping({
      monitor: "unknown",
      mode: "min",
    });
    script(explicit, [1, 2], "unknown");
    assert.equal(explicit.stoppedEpoch, 1);
  });

  test("compiled metrics: accuracy is maximised, mse minimised", () => {
    const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
    model.compile({
      optimizer: "sgd",
      loss: "mse",
      metrics: ["accuracy", "mse"],
    });
    // Metrics are built by the first batch, as in Keras.
    model.fit([[1], [2]], [[0], [1]], { epochs: 1, verbose: 0 });
    const up = new tg.callbacks.EarlyStopping({ monitor: "val_accuracy" });
    up.setModel(model);
    up.onTrainBegin({});
    for (const [e, v] of [0.5, 0.75, 1].entries()) {
      up.onEpochEnd(e, { val_accuracy: v });
    }
    assert.equal(model.stopTraining, false);
    assert.equal(up.best, 1);

    const down = new tg.callbacks.EarlyStopping({ monitor: "mse" });
    down.setModel(model);
    down.onTrainBegin({});
    for (const [e, v] of [0.5, 0.75].entries()) down.onEpochEnd(e, { mse: v });
    assert.equal(model.stopTraining, true);
    assert.equal(down.stoppedEpoch, 1);
  });
});

describe("EarlyStopping's messages", () => {
  test("a missing monitor: one warning per run, listing the keys", () => {
    const seen: string[] = [];
    tg.setWarningHandler((m) => seen.push(m));
    const stopper = new tg.callbacks.EarlyStopping(); // val_loss
    const model = new FakeModel();
    stopper.setModel(model);
    stopper.onTrainBegin({});
    for (let e = 0; e < 3; e++) stopper.onEpochEnd(e, { loss: 1, mae: 2 });
    assert.deepEqual(seen, [
      'EarlyStopping: conditioned on metric "val_loss", which is not ' +
        "available. Available metrics are: loss,mae",
    ]);
    assert.equal(model.stopTraining, false);
    stopper.onTrainBegin({});
    stopper.onEpochEnd(0, { loss: 1 });
    assert.equal(seen.length, 2);
  });

  test("verbose 1 says when it stops and restores", () => {
    const log = mock.method(console, "log", () => {});
    const stopper = new tg.callbacks.EarlyStopping({
      monitor: "loss",
      verbose: 1,
      restoreBestWeights: true,
    });
    script(stopper, [1, 0.5, 0.7]);
    assert.deepEqual(
      log.mock.calls.map((c) => String(c.arguments[0])),
      [
        "Epoch 3: early stopping",
        "Restoring model weights from the end of the best epoch: 2.",
      ],
    );
    log.mock.resetCalls();
    script(new tg.callbacks.EarlyStopping({ monitor: "loss" }), [1, 2]);
    assert.equal(log.mock.callCount(), 0);
  });
});

describe("EarlyStopping's options", () => {
  test("defaults are Keras's", () => {
    const s = tg.callbacks.earlyStopping();
    assert.ok(s instanceof tg.callbacks.EarlyStopping);
    assert.deepEqual(
      [
        s.monitor,
        s.minDelta,
        s.patience,
        s.verbose,
        s.mode,
        s.baseline,
        s.restoreBestWeights,
        s.startFromEpoch,
      ],
      ["val_loss", 0, 0, 0, "auto", null, false, 0],
    );
  });

  const bad: [Record<string, unknown>, string][] = [
    [
      { patience: -1 },
      "EarlyStopping: expected patience to be an integer >= 0, got patience=-1",
    ],
    [
      { patience: 1.5 },
      "EarlyStopping: expected patience to be an integer >= 0, got patience=1.5",
    ],
    [
      { mode: "median" },
      'EarlyStopping: expected mode "auto", "min" or "max", got mode="median"',
    ],
    [
      { minDelta: NaN },
      "EarlyStopping: expected minDelta to be a finite number, got minDelta=NaN",
    ],
    [
      { baseline: "0.5" },
      'EarlyStopping: expected baseline to be a finite number, got baseline="0.5"',
    ],
    [
      { startFromEpoch: -2 },
      "EarlyStopping: expected startFromEpoch to be an integer >= 0, got startFromEpoch=-2",
    ],
    [
      { monitor: "" },
      'EarlyStopping: expected monitor to be a non-empty string, got monitor=""',
    ],
    [
      { restoreBestWeights: 1 },
      "EarlyStopping: expected restoreBestWeights to be a boolean, got restoreBestWeights=1",
    ],
  ];
  for (const [args, message] of bad) {
    test(`rejects ${JSON.stringify(args)}`, () => {
      assert.throws(
        () => new tg.callbacks.EarlyStopping(args),
        (e: unknown) => e instanceof tg.ValueError && e.message === message,
      );
    });
  }

  test("restoreBestWeights needs getWeights and setWeights", () => {
    const stopper = new tg.callbacks.EarlyStopping({
      monitor: "loss",
      restoreBestWeights: true,
    });
    stopper.setModel({ stopTraining: false, name: "bare" });
    stopper.onTrainBegin({});
    assert.throws(
      () => stopper.onEpochEnd(0, { loss: 1 }),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.startsWith(
          "EarlyStopping: expected a model with getWeights() and setWeights()",
        ),
    );
  });
});

describe("EarlyStopping in fit", () => {
  const x = [[1], [2], [3], [4]];
  const y = [[2], [4], [6], [8]];

  test("Keras's example: a diverging fit stops after 4 epochs", () => {
    tg.setSeed(3);
    const stopper = tg.callbacks.earlyStopping({
      monitor: "loss",
      patience: 3,
    });
    const model = new tg.Sequential([tg.layers.dense({ units: 10 })]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const big = [0, 1, 2, 3, 4].map((r) =>
      Array.from({ length: 20 }, (_, c) => r * 20 + c),
    );
    const h = model.fit(big, [[0], [0], [0], [0], [0]], {
      epochs: 10,
      batchSize: 1,
      verbose: 0,
      callbacks: [stopper],
    });
    assert.equal(h.history.loss!.length, 4);
    assert.deepEqual(h.epoch, [0, 1, 2, 3]);
    assert.equal(stopper.stoppedEpoch, 3);
  });

  test("restoreBestWeights puts back the best epoch's weights", () => {
    tg.setSeed(5);
    const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
    model.compile({
      optimizer: tg.optimizers.sgd({ learningRate: 0.01 }),
      loss: "mse",
    });
    const perEpoch: tg.Tensor[][] = [];
    const record = tg.callbacks.lambdaCallback({
      onEpochEnd: () => perEpoch.push(model.getWeights()),
    });
    // Three good epochs, then a rate so large that val_loss explodes.
    const schedule = tg.callbacks.learningRateScheduler((epoch) =>
      epoch < 3 ? 0.01 : 10,
    );
    const stopper = tg.callbacks.earlyStopping({
      patience: 1,
      restoreBestWeights: true,
    });
    const h = model.fit(x, y, {
      epochs: 10,
      verbose: 0,
      shuffle: false,
      validationData: [x, y],
      callbacks: [schedule, record, stopper],
    });
    assert.deepEqual(h.epoch, [0, 1, 2, 3]);
    const val = h.history.val_loss!;
    assert.ok(val[3]! > 100 * val[2]!, `val_loss ${val.join(", ")}`);
    assert.equal(stopper.bestEpoch, 2);
    const final = model.getWeights();
    final.forEach((w, i) =>
      allclose(w, perEpoch[2]![i]!, { rtol: 0, atol: 0 }),
    );
    assert.notDeepEqual(final[0]!.toArray(), perEpoch[3]![0]!.toArray());
  });

  test("mode max on a falling loss keeps epoch 0's weights", () => {
    tg.setSeed(6);
    const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
    model.compile({
      optimizer: tg.optimizers.sgd({ learningRate: 0.01 }),
      loss: "mse",
    });
    const perEpoch: tg.Tensor[][] = [];
    const record = tg.callbacks.lambdaCallback({
      onEpochEnd: () => perEpoch.push(model.getWeights()),
    });
    const stopper = tg.callbacks.earlyStopping({
      monitor: "loss",
      mode: "max",
      patience: 2,
      restoreBestWeights: true,
    });
    const h = model.fit(x, y, {
      epochs: 10,
      verbose: 0,
      callbacks: [record, stopper],
    });
    assert.deepEqual(h.epoch, [0, 1, 2]);
    model
      .getWeights()
      .forEach((w, i) => allclose(w, perEpoch[0]![i]!, { rtol: 0, atol: 0 }));
  });

  test("default monitor without validation data warns once and never stops", () => {
    const seen: string[] = [];
    tg.setWarningHandler((m) => seen.push(m));
    const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const h = model.fit(x, y, {
      epochs: 3,
      verbose: 0,
      callbacks: [tg.callbacks.earlyStopping()],
    });
    assert.equal(h.epoch.length, 3);
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, /"val_loss", which is not available/);
    assert.match(seen[0]!, /Available metrics are: loss$/);
  });
});
