// SPDX-License-Identifier: Apache-2.0
/**
 * compile / fit / evaluate / predict (src/nn/models/trainer.ts, loops.ts,
 * data-adapter.ts), checked against hand-written loops over the same
 * batches and against real Keras 3 trajectories.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

interface Case {
  losses: number[];
}
interface Fixture {
  x: number[][];
  y_reg: number[][];
  y_cls: number[];
  init_reg: tg.NestedArray[];
  init_cls: tg.NestedArray[];
  optimizers: Record<string, Case>;
  losses: Record<string, Case>;
}
const D = JSON.parse(
  readFileSync(
    new URL("../../fixtures/keras-trajectories.json", import.meta.url),
    "utf8",
  ),
) as Fixture;

/** Dense(8, tanh) → Dense(out), built for 3 features, with `init`. */
function mlp(out: number, init?: readonly tg.TensorLike[]): tg.Sequential {
  const m = new tg.Sequential([
    tg.layers.dense({ units: 8, activation: "tanh" }),
    tg.layers.dense({ units: out }),
  ]);
  m.build([null, 3]);
  if (init) m.setWeights(init);
  return m;
}

/** Five samples, so that batches of 2 leave a last batch of 1. */
const X5 = D.x.slice(0, 5);
const Y5 = D.y_reg.slice(0, 5);

/** The loss of each batch by a tape + applyGradients loop, and the model. */
function handLoop(
  init: readonly tg.TensorLike[],
  batches: [number[][], number[][], number[]?][],
  epochs: number,
  optimizer: tg.optimizers.Optimizer,
  loss: tg.losses.Loss = new tg.losses.MeanSquaredError(),
) {
  const model = mlp(1, init);
  const losses: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    const row: number[] = [];
    for (const [x, y, w] of batches) {
      const tape = new tg.GradientTape();
      const value = loss.call(y, model.apply(x), w && tg.tensor(w));
      row.push(value.item());
      const grads = tape.gradient(value, model.trainableVariables);
      optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
    }
    losses.push(row);
  }
  return { model, losses };
}

interface Weighted {
  getWeights(): tg.Tensor[];
}

function sameWeights(a: Weighted, b: Weighted) {
  const wb = b.getWeights();
  a.getWeights().forEach((w, i) => allclose(w, wb[i]!, { rtol: 0, atol: 0 }));
}

describe("compile", () => {
  test("names resolve to Keras's classes", () => {
    const m = mlp(3);
    m.compile({
      optimizer: "adam",
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy", "mae"],
    });
    assert.ok(m.optimizer instanceof tg.optimizers.Adam);
    m.compile({ optimizer: "sgd", loss: "mse" });
    assert.ok(m.optimizer instanceof tg.optimizers.SGD);
    assert.deepEqual(m.metricsNames, ["loss"]);
    m.compile({ loss: "mse" });
    assert.ok(m.optimizer instanceof tg.optimizers.RMSprop, "default rmsprop");
  });

  test("instances are used as they are", () => {
    const m = mlp(1);
    const opt = new tg.optimizers.SGD({ learningRate: 0.2 });
    const mae = new tg.metrics.MeanAbsoluteError({ name: "my_mae" });
    m.compile({ optimizer: opt, loss: new tg.losses.Huber(), metrics: [mae] });
    assert.equal(m.optimizer, opt);
    assert.deepEqual(m.metricsNames, ["loss", "my_mae"]);
    assert.equal(m.metrics[1], mae);
  });
});

describe("fit against a hand-written loop", () => {
  test("shuffle false: the same weights, bitwise; epoch loss is the batch-size-weighted mean", () => {
    const init = mlp(1).getWeights();
    const model = mlp(1, init);
    model.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
      metrics: ["mae"],
    });
    const h = model.fit(X5, Y5, {
      batchSize: 2,
      epochs: 2,
      shuffle: false,
      verbose: 0,
    });

    const batches: [number[][], number[][]][] = [
      [X5.slice(0, 2), Y5.slice(0, 2)],
      [X5.slice(2, 4), Y5.slice(2, 4)],
      [X5.slice(4), Y5.slice(4)],
    ];
    const ref = handLoop(
      init,
      batches,
      2,
      new tg.optimizers.SGD({ learningRate: 0.05 }),
    );
    sameWeights(model, ref.model);
    const expected = ref.losses.map((l) => (2 * l[0]! + 2 * l[1]! + l[2]!) / 5);
    allclose(h.history.loss!, expected, { rtol: 1e-6, atol: 0 });
    assert.deepEqual(h.epoch, [0, 1]);
    assert.deepEqual(Object.keys(h.history), ["loss", "mae"]);
  });

  test("Keras 3 trajectories through fit: one full batch per epoch", () => {
    const cases: [string, () => tg.optimizers.Optimizer, Case][] = [
      [
        "adam",
        () => new tg.optimizers.Adam({ learningRate: 0.01 }),
        D.optimizers.adam!,
      ],
      [
        "nesterov",
        () =>
          new tg.optimizers.SGD({
            learningRate: 0.05,
            momentum: 0.9,
            nesterov: true,
          }),
        D.optimizers.sgd_momentum_nesterov!,
      ],
      [
        "rmsprop",
        () =>
          new tg.optimizers.RMSprop({
            learningRate: 0.01,
            momentum: 0.5,
            centered: true,
          }),
        D.optimizers.rmsprop_centered_momentum!,
      ],
    ];
    for (const [name, make, expected] of cases) {
      const model = mlp(1, D.init_reg);
      model.compile({ optimizer: make(), loss: "mse" });
      const h = model.fit(D.x, D.y_reg, {
        batchSize: 16,
        epochs: 20,
        shuffle: false,
        verbose: 0,
      });
      allclose(h.history.loss!, expected.losses, { rtol: 1e-4, atol: 0 });
      assert.equal(h.history.loss!.length, 20, name);
    }
    const cls = mlp(3, D.init_cls);
    cls.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: new tg.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
    });
    const h = cls.fit(D.x, D.y_cls, {
      batchSize: 32,
      epochs: 20,
      shuffle: false,
      verbose: 0,
    });
    allclose(h.history.loss!, D.losses.sparse_ce_logits!.losses, {
      rtol: 1e-4,
      atol: 0,
    });
  });

  test("shuffle true is seeded: tg.setSeed repeats the run exactly", () => {
    const init = mlp(1).getWeights();
    const run = (seed: number, shuffle = true) => {
      const m = mlp(1, init);
      m.compile({
        optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
        loss: "mse",
      });
      tg.setSeed(seed);
      const h = m.fit(D.x, D.y_reg, {
        batchSize: 4,
        epochs: 2,
        shuffle,
        verbose: 0,
      });
      return { m, loss: h.history.loss! };
    };
    const a = run(7);
    const b = run(7);
    sameWeights(a.m, b.m);
    assert.deepEqual(a.loss, b.loss);
    const c = run(8);
    assert.notDeepEqual(c.loss, a.loss);
    const d = run(7, false);
    assert.notDeepEqual(d.loss, a.loss);
  });

  test("float64 models train in float64", () => {
    const m = new tg.Sequential([
      tg.layers.dense({ units: 4, activation: "tanh", dtype: "float64" }),
      tg.layers.dense({ units: 1, dtype: "float64" }),
    ]);
    m.build([null, 3]);
    m.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    const before = m.predict(D.x);
    assert.equal(before.dtype, "float64");
    const h = m.fit(D.x, D.y_reg, {
      batchSize: 16,
      epochs: 1,
      shuffle: false,
      verbose: 0,
    });
    // The first loss is the float64 MSE of the initial predictions.
    const y = tg.tensor(D.y_reg, undefined, "float64");
    const expected = before.sub(y).square().mean().item();
    allclose(h.history.loss![0]!, expected, { rtol: 1e-6, atol: 0 });
    assert.ok(m.trainableVariables.every((v) => v.dtype === "float64"));
  });
});

describe("validation", () => {
  test("validationSplit keeps the last fraction for validation", () => {
    const init = mlp(1).getWeights();
    const model = mlp(1, init);
    model.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    // 16 samples, split 0.25: the first 12 train, the last 4 validate.
    const h = model.fit(D.x, D.y_reg, {
      batchSize: 4,
      epochs: 2,
      shuffle: false,
      validationSplit: 0.25,
      verbose: 0,
    });
    const tailX = D.x.slice(12);
    const tailY = D.y_reg.slice(12);
    const valLoss = model.evaluate(tailX, tailY, { verbose: 0 });
    allclose(h.history.val_loss![1]!, valLoss, { rtol: 1e-6, atol: 0 });

    const head = mlp(1, init);
    head.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    head.fit(D.x.slice(0, 12), D.y_reg.slice(0, 12), {
      batchSize: 4,
      epochs: 2,
      shuffle: false,
      verbose: 0,
    });
    sameWeights(model, head);
    assert.deepEqual(Object.keys(h.history), ["loss", "val_loss"]);
  });

  test("validationData is evaluated after each epoch and overrides validationSplit", () => {
    const init = mlp(1).getWeights();
    const model = mlp(1, init);
    model.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
      metrics: ["mae"],
    });
    const vx = D.x.slice(10);
    const vy = D.y_reg.slice(10);
    const h = model.fit(D.x, D.y_reg, {
      batchSize: 8,
      epochs: 2,
      shuffle: false,
      verbose: 0,
      validationData: [vx, vy],
      validationSplit: 0.5,
    });
    const [loss, mae] = model.evaluate(vx, vy, { verbose: 0 }) as number[];
    allclose(h.history.val_loss![1]!, loss!, { rtol: 1e-6, atol: 0 });
    allclose(h.history.val_mae![1]!, mae!, { rtol: 1e-6, atol: 0 });
    assert.deepEqual(Object.keys(h.history), [
      "loss",
      "mae",
      "val_loss",
      "val_mae",
    ]);
    // All 16 samples trained (validationData overrides the split).
    const all = mlp(1, init);
    all.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    all.fit(D.x, D.y_reg, {
      batchSize: 8,
      epochs: 2,
      shuffle: false,
      verbose: 0,
    });
    sameWeights(model, all);
  });

  test("validationFreq counts epochs from 1", () => {
    const model = mlp(1);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const h = model.fit(X5, Y5, {
      epochs: 4,
      verbose: 0,
      validationData: [X5, Y5],
      validationFreq: 2,
    });
    assert.equal(h.history.loss!.length, 4);
    assert.equal(h.history.val_loss!.length, 2);
  });
});

describe("sample and class weights", () => {
  test("sampleWeight scales each sample's loss: sum(w·l)/n", () => {
    const init = mlp(1).getWeights();
    const w = [1, 0, 2, 0.5, 3];
    const model = mlp(1, init);
    model.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    const per = tg.losses
      .meanSquaredError(Y5, model.predict(X5))
      .toArray() as number[];
    const h = model.fit(X5, Y5, {
      batchSize: 5,
      sampleWeight: w,
      shuffle: false,
      verbose: 0,
    });
    const expected = per.reduce((s, l, i) => s + l * w[i]!, 0) / 5;
    allclose(h.history.loss![0]!, expected, { rtol: 1e-6, atol: 0 });
    const ref = handLoop(
      init,
      [[X5, Y5, w]],
      1,
      new tg.optimizers.SGD({ learningRate: 0.05 }),
    );
    sameWeights(model, ref.model);
  });

  test("classWeight weighs each sample by its class; unnamed classes weigh 1", () => {
    const init = mlp(1).getWeights();
    const y = [[0], [1], [1], [0], [2]];
    const cw = { 0: 0.5, 1: 4 };
    const model = mlp(1, init);
    model.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    const per = tg.losses
      .meanSquaredError(y, model.predict(X5))
      .toArray() as number[];
    const h = model.fit(X5, y, {
      batchSize: 5,
      classWeight: cw,
      shuffle: false,
      verbose: 0,
    });
    const weights = [0.5, 4, 4, 0.5, 1];
    const expected = per.reduce((s, l, i) => s + l * weights[i]!, 0) / 5;
    allclose(h.history.loss![0]!, expected, { rtol: 1e-6, atol: 0 });
    const ref = handLoop(
      init,
      [[X5, y, weights]],
      1,
      new tg.optimizers.SGD({ learningRate: 0.05 }),
    );
    sameWeights(model, ref.model);
  });

  test("with validationSplit, class weights weigh training only, as Keras", () => {
    const m = mlp(1, D.init_reg);
    m.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0 }),
      loss: "mse",
    });
    const y = D.y_reg.map((r) => [r[0]! > 0 ? 1 : 0]);
    const h = m.fit(D.x, y, {
      batchSize: 16,
      classWeight: { 0: 3, 1: 0.25 },
      validationSplit: 0.25,
      verbose: 0,
    });
    const tail = m.evaluate(D.x.slice(12), y.slice(12), { verbose: 0 });
    allclose(h.history.val_loss![0]!, tail, { rtol: 1e-6 });
    const per = tg.losses
      .meanSquaredError(y.slice(0, 12), m.predict(D.x.slice(0, 12)))
      .toArray() as number[];
    const weighted =
      per.reduce((acc, l, i) => acc + l * (y[i]![0] === 0 ? 3 : 0.25), 0) / 12;
    allclose(h.history.loss![0]!, weighted, { rtol: 1e-6 });
  });

  test("one-hot labels take the class of their largest entry", () => {
    const m = mlp(3, D.init_cls);
    m.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0 }),
      loss: "categorical_crossentropy",
    });
    const labels = D.y_cls.slice(0, 6);
    const oneHot = tg.oneHot(labels, 3, 1, 0, "float32");
    const logits = m.predict(D.x.slice(0, 6));
    const per = tg.losses
      .categoricalCrossentropy(oneHot, logits)
      .toArray() as number[];
    const cw = { 0: 2, 1: 0, 2: 1 };
    const got = m.evaluate(D.x.slice(0, 6), oneHot, { verbose: 0 });
    allclose(got, per.reduce((s, l) => s + l, 0) / 6, { rtol: 1e-6 });
    const h = m.fit(D.x.slice(0, 6), oneHot, {
      batchSize: 6,
      classWeight: cw,
      verbose: 0,
    });
    const expected =
      per.reduce((s, l, i) => s + l * cw[labels[i] as 0 | 1 | 2], 0) / 6;
    allclose(h.history.loss![0]!, expected, { rtol: 1e-6, atol: 0 });
  });

  test("compiled metrics ignore sample weights; weightedMetrics use them", () => {
    const model = mlp(1);
    model.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0 }),
      loss: "mse",
      metrics: ["mae"],
      weightedMetrics: ["mae"],
    });
    const w = [1, 0, 0, 0, 0];
    const logs = model.evaluate(X5, Y5, {
      sampleWeight: w,
      returnDict: true,
      verbose: 0,
    });
    const err = model
      .predict(X5)
      .sub(tg.tensor(Y5))
      .abs()
      .toArray() as number[][];
    allclose(logs.mae!, err.reduce((s, [e]) => s + e!, 0) / 5, { rtol: 1e-6 });
    allclose(logs.weighted_mae!, err[0]![0]!, { rtol: 1e-6 });
    assert.deepEqual(Object.keys(logs), ["loss", "mae", "weighted_mae"]);
  });
});

describe("epochs and steps", () => {
  test("initialEpoch numbers epochs from there", () => {
    const model = mlp(1);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const h = model.fit(X5, Y5, { epochs: 3, initialEpoch: 1, verbose: 0 });
    assert.deepEqual(h.epoch, [1, 2]);
    assert.equal(h.history.loss!.length, 2);
  });

  test("stepsPerEpoch: one pass continues across epochs; running out ends an epoch", () => {
    const counts: number[] = [];
    class Count extends tg.callbacks.Callback {
      n = 0;
      override onEpochBegin(): void {
        this.n = 0;
      }
      override onTrainBatchEnd(): void {
        this.n++;
      }
      override onEpochEnd(): void {
        counts.push(this.n);
      }
    }
    const warnings: string[] = [];
    tg.setWarningHandler((m) => warnings.push(m));
    try {
      const init = mlp(1).getWeights();
      const model = mlp(1, init);
      model.compile({
        optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
        loss: "mse",
      });
      // 6 samples in batches of 2: 3 batches per pass.
      const x6 = D.x.slice(0, 6);
      const y6 = D.y_reg.slice(0, 6);
      model.fit(x6, y6, {
        batchSize: 2,
        epochs: 3,
        stepsPerEpoch: 2,
        shuffle: false,
        verbose: 0,
        callbacks: [new Count()],
      });
      assert.deepEqual(counts, [2, 1, 2]);
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]!,
        /^Your input ran out of data; interrupting training/,
      );
      // The batches were 0, 1 | 2 | 0, 1.
      const b = (i: number): [number[][], number[][]] => [
        x6.slice(2 * i, 2 * i + 2),
        y6.slice(2 * i, 2 * i + 2),
      ];
      const ref = mlp(1, init);
      const opt = new tg.optimizers.SGD({ learningRate: 0.05 });
      for (const [x, y] of [b(0), b(1), b(2), b(0), b(1)]) {
        const tape = new tg.GradientTape();
        const loss = tg.losses.meanSquaredError(y, ref.apply(x)).mean();
        opt.applyGradients(
          tg.zip(
            tape.gradient(loss, ref.trainableVariables),
            ref.trainableVariables,
          ),
        );
      }
      model.getWeights().forEach((w, i) => allclose(w, ref.getWeights()[i]!));
    } finally {
      tg.setWarningHandler();
    }
  });
});

describe("evaluate, predict and the one-batch methods", () => {
  test("evaluate: a number, a list with metrics, a record with returnDict", () => {
    const m = mlp(1, D.init_reg);
    m.compile({ optimizer: "sgd", loss: "mse" });
    const pred = m.predict(D.x);
    const mse = pred.sub(tg.tensor(D.y_reg)).square().mean().item();
    const mae = pred.sub(tg.tensor(D.y_reg)).abs().mean().item();
    const loss = m.evaluate(D.x, D.y_reg, { batchSize: 5, verbose: 0 });
    assert.equal(typeof loss, "number");
    allclose(loss, mse, { rtol: 1e-6 });
    m.compile({ optimizer: "sgd", loss: "mse", metrics: ["mae"] });
    const list = m.evaluate(D.x, D.y_reg, { batchSize: 5, verbose: 0 });
    allclose(list, [mse, mae], { rtol: 1e-6 });
    const rec = m.evaluate(D.x, D.y_reg, { returnDict: true, verbose: 0 });
    assert.deepEqual(Object.keys(rec), ["loss", "mae"]);
    allclose([rec.loss!, rec.mae!], [mse, mae], { rtol: 1e-6 });
  });

  test("predict in batches equals apply, off the tape", () => {
    const m = mlp(2);
    const x = tg.randomNormal([7, 3]);
    allclose(m.predict(x, { batchSize: 3 }), m.apply(x), {
      rtol: 1e-6,
      atol: 1e-7,
    });
    allclose(m.predictOnBatch(x), m.apply(x), { rtol: 1e-6, atol: 1e-7 });
    const tape = new tg.GradientTape();
    const y = m.predict(x, { batchSize: 3 }).sum();
    assert.deepEqual(tape.gradient(y, m.trainableVariables), [
      null,
      null,
      null,
      null,
    ]);
  });

  test("trainOnBatch is one step; testOnBatch accumulates until resetMetrics (Keras 3)", () => {
    const init = mlp(1).getWeights();
    const m = mlp(1, init);
    m.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    const a = [D.x.slice(0, 2), D.y_reg.slice(0, 2)] as const;
    const b = [D.x.slice(2, 5), D.y_reg.slice(2, 5)] as const;
    const lossA = m.testOnBatch(a[0], a[1]) as number;
    const lossB = m.testOnBatch(b[0], b[1]) as number;
    const hand = (x: number[][], y: number[][]) =>
      m.predict(x).sub(tg.tensor(y)).square().mean().item();
    allclose(lossA, hand(a[0], a[1]), { rtol: 1e-6 });
    allclose(lossB, (2 * hand(a[0], a[1]) + 3 * hand(b[0], b[1])) / 5, {
      rtol: 1e-6,
    });
    m.resetMetrics();
    allclose(m.testOnBatch(b[0], b[1]) as number, hand(b[0], b[1]), {
      rtol: 1e-6,
    });

    m.resetMetrics();
    const logs = m.trainOnBatch(X5, Y5, {
      returnDict: true,
    }) as tg.callbacks.Logs;
    const ref = handLoop(
      init,
      [[X5, Y5]],
      1,
      new tg.optimizers.SGD({ learningRate: 0.05 }),
    );
    sameWeights(m, ref.model);
    allclose(logs.loss!, ref.losses[0]![0]!, { rtol: 1e-6 });
  });
});

describe("accuracy by loss and shape", () => {
  const x = D.x.slice(0, 8);
  test("binary: one output unit", () => {
    const m = new tg.Sequential([
      tg.layers.dense({ units: 1, activation: "sigmoid" }),
    ]);
    m.build([null, 3]);
    m.compile({
      optimizer: "sgd",
      loss: "binary_crossentropy",
      metrics: ["accuracy"],
    });
    const y = [[1], [0], [1], [1], [0], [0], [1], [0]];
    const [, acc] = m.evaluate(x, y, { verbose: 0 }) as number[];
    assert.ok(m.metrics[1] instanceof tg.metrics.BinaryAccuracy);
    assert.equal(m.metricsNames[1], "accuracy");
    const p = m.predict(x).toArray() as number[][];
    const hits = p.filter(([v], i) => (v! > 0.5 ? 1 : 0) === y[i]![0]).length;
    allclose(acc!, hits / 8, { rtol: 1e-6 });
  });

  test("categorical: one-hot labels; sparse: class ids", () => {
    const m = mlp(3, D.init_cls);
    const ids = D.y_cls.slice(0, 8);
    const pred = m.predict(x).toArray() as number[][];
    const argmax = pred.map((r) => r.indexOf(Math.max(...r)));
    const expected = argmax.filter((c, i) => c === ids[i]).length / 8;
    assert.ok(expected > 0 && expected < 1, "a test that can tell");

    m.compile({
      optimizer: "sgd",
      loss: new tg.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: ["accuracy"],
    });
    const [, sparse] = m.evaluate(x, ids, { verbose: 0 }) as number[];
    assert.ok(m.metrics[1] instanceof tg.metrics.SparseCategoricalAccuracy);
    allclose(sparse!, expected, { rtol: 1e-6 });

    m.compile({
      optimizer: "sgd",
      loss: new tg.losses.CategoricalCrossentropy({ fromLogits: true }),
      metrics: ["acc"],
    });
    const [, cat] = m.evaluate(x, tg.oneHot(ids, 3, 1, 0, "float32"), {
      verbose: 0,
    }) as number[];
    assert.ok(m.metrics[1] instanceof tg.metrics.CategoricalAccuracy);
    assert.equal(m.metricsNames[1], "acc");
    allclose(cat!, expected, { rtol: 1e-6 });

    // Labels of shape [n, 1] against 3 outputs are sparse too (Keras 3).
    m.compile({ optimizer: "sgd", loss: "mse", metrics: ["accuracy"] });
    m.evaluate(
      x,
      ids.map((c) => [c]),
      { verbose: 0 },
    );
    assert.ok(m.metrics[1] instanceof tg.metrics.SparseCategoricalAccuracy);
  });
});

describe("crossentropy by shape", () => {
  test('"crossentropy" and "ce" become binary, sparse or categorical, as Keras', () => {
    tg.setSeed(6);
    const m = new tg.Sequential([
      tg.layers.dense({ units: 3, activation: "softmax" }),
    ]);
    m.build([null, 3]);
    const x = D.x.slice(0, 8);
    const ids = D.y_cls.slice(0, 8);
    const eva = (loss: string, y: unknown) => {
      m.compile({ optimizer: "sgd", loss });
      return m.evaluate(x, y, { verbose: 0 });
    };
    allclose(
      eva("crossentropy", ids),
      eva("sparse_categorical_crossentropy", ids),
      { rtol: 0, atol: 0 },
    );
    const oneHot = tg.oneHot(ids, 3, 1, 0, "float32");
    allclose(eva("ce", oneHot), eva("categorical_crossentropy", oneHot), {
      rtol: 0,
      atol: 0,
    });
    assert.notEqual(eva("ce", oneHot), eva("mse", oneHot));

    const b = new tg.Sequential([
      tg.layers.dense({ units: 1, activation: "sigmoid" }),
    ]);
    b.build([null, 3]);
    const y01 = ids.map((c) => [c === 0 ? 1 : 0]);
    b.compile({ optimizer: "sgd", loss: "crossentropy" });
    const got = b.evaluate(x, y01, { verbose: 0 });
    b.compile({ optimizer: "sgd", loss: "binary_crossentropy" });
    allclose(got, b.evaluate(x, y01, { verbose: 0 }), { rtol: 0, atol: 0 });
  });
});

describe("several outputs", () => {
  function twoHeads() {
    tg.setSeed(21);
    const inp = tg.input({ shape: [3], name: "feat" });
    const h = tg.layers.dense({ units: 4, activation: "tanh" }).apply(inp);
    const a = tg.layers.dense({ units: 1, name: "reg" }).apply(h);
    const b = tg.layers.dense({ units: 2, name: "aux" }).apply(h);
    return new tg.Model({ inputs: inp, outputs: [a, b] });
  }
  const yA = D.y_reg;
  const yB = D.x.map((r) => [r[0]!, -r[1]!]);

  test("loss weights and per-output losses in the logs, Keras's order", () => {
    const m = twoHeads();
    m.compile({
      optimizer: "sgd",
      loss: ["mse", "mae"],
      lossWeights: [2, 0.5],
      metrics: [["mae"], []],
    });
    const logs = m.evaluate(D.x, [yA, yB], {
      batchSize: 5,
      returnDict: true,
      verbose: 0,
    });
    assert.deepEqual(Object.keys(logs), [
      "loss",
      "reg_mae",
      "reg_loss",
      "aux_loss",
    ]);
    const [pa, pb] = m.predict(D.x);
    const mse = pa!.sub(tg.tensor(yA)).square().mean().item();
    const mae = pb!.sub(tg.tensor(yB)).abs().mean().item();
    allclose(logs.reg_loss!, mse, { rtol: 1e-6 });
    allclose(logs.aux_loss!, mae, { rtol: 1e-6 });
    allclose(logs.loss!, 2 * mse + 0.5 * mae, { rtol: 1e-6 });
    allclose(logs.reg_mae!, pa!.sub(tg.tensor(yA)).abs().mean().item(), {
      rtol: 1e-6,
    });
    assert.deepEqual(m.metricsNames, [
      "loss",
      "reg_mae",
      "reg_loss",
      "aux_loss",
    ]);
  });

  test("targets and losses as records keyed by output name", () => {
    const m = twoHeads();
    m.compile({
      optimizer: "sgd",
      loss: { aux: "mae", reg: "mse" },
      lossWeights: { reg: 2, aux: 0.5 },
    });
    const byList = m.evaluate(D.x, [yA, yB], { verbose: 0 }) as number[];
    const byName = m.evaluate(
      D.x,
      { aux: yB, reg: yA },
      { verbose: 0 },
    ) as number[];
    allclose(byName, byList, { rtol: 0, atol: 0 });
    const h = m.fit(D.x, { reg: yA, aux: yB }, { epochs: 1, verbose: 0 });
    assert.deepEqual(Object.keys(h.history), ["loss", "reg_loss", "aux_loss"]);
  });

  test("an output without a loss is not trained against", () => {
    const m = twoHeads();
    m.compile({ optimizer: "sgd", loss: ["mse", null] });
    const logs = m.evaluate(D.x, [yA, yB], { returnDict: true, verbose: 0 });
    assert.deepEqual(Object.keys(logs), ["loss"]);
    const [pa] = m.predict(D.x);
    allclose(logs.loss!, pa!.sub(tg.tensor(yA)).square().mean().item(), {
      rtol: 1e-6,
    });
  });
});

describe("regularization losses", () => {
  test("a kernel regularizer's penalty is added to the loss and its gradient", () => {
    tg.setSeed(4);
    const dense = tg.layers.dense({ units: 1, kernelRegularizer: "l2" });
    const m = new tg.Sequential([dense]);
    m.build([null, 3]);
    const init = m.getWeights();
    m.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.1 }),
      loss: "mse",
    });
    const mse = m.predict(X5).sub(tg.tensor(Y5)).square().mean().item();
    const penalty = 0.01 * dense.kernel.value.square().sum().item();
    assert.equal(m.losses.length, 1);
    const loss = m.trainOnBatch(X5, Y5) as number;
    allclose(loss, mse + penalty, { rtol: 1e-6 });

    const ref = new tg.Sequential([tg.layers.dense({ units: 1 })]);
    ref.build([null, 3]);
    ref.setWeights(init);
    const tape = new tg.GradientTape();
    const k = ref.trainableVariables[0]!;
    const total = tg.losses
      .meanSquaredError(Y5, ref.apply(X5))
      .mean()
      .add(k.square().sum().mul(0.01));
    new tg.optimizers.SGD({ learningRate: 0.1 }).applyGradients(
      tg.zip(
        tape.gradient(total, ref.trainableVariables),
        ref.trainableVariables,
      ),
    );
    m.getWeights().forEach((w, i) =>
      allclose(w, ref.getWeights()[i]!, { rtol: 1e-6, atol: 1e-7 }),
    );
  });
});

describe("datasets", () => {
  test("a synchronous dataset: fit returns a History, as arrays do", () => {
    const init = mlp(1).getWeights();
    const rows = D.x
      .slice(0, 6)
      .map((x, i) => [x, D.y_reg[i]!] as [number[], number[]]);
    const ds = tg.data.array(rows).batch(4);
    const m = mlp(1, init);
    m.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    const h = m.fit(ds, null, { epochs: 2, verbose: 0 });
    assert.ok(h instanceof tg.callbacks.History);
    const ref = mlp(1, init);
    ref.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    const hr = ref.fit(D.x.slice(0, 6), D.y_reg.slice(0, 6), {
      batchSize: 4,
      epochs: 2,
      shuffle: false,
      verbose: 0,
    });
    sameWeights(m, ref);
    assert.deepEqual(h.history, hr.history);
    allclose(
      m.evaluate(ds, null, { verbose: 0 }),
      ref.evaluate(D.x.slice(0, 6), D.y_reg.slice(0, 6), { verbose: 0 }),
      { rtol: 1e-6 },
    );
    allclose(m.predict(ds), ref.predict(D.x.slice(0, 6)), { rtol: 0, atol: 0 });
  });

  test("an asynchronous generator: fit returns a Promise of the History", async () => {
    const init = mlp(1).getWeights();
    const ds = tg.data.generator(async function* () {
      for (let i = 0; i < 6; i += 3) {
        await Promise.resolve();
        yield [D.x.slice(i, i + 3), D.y_reg.slice(i, i + 3)];
      }
    });
    const m = mlp(1, init);
    m.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    const pending = m.fit(ds, null, { epochs: 2, verbose: 0 });
    assert.ok(pending instanceof Promise);
    const h = await pending;
    assert.ok(h instanceof tg.callbacks.History);
    assert.equal(h.history.loss!.length, 2);
    const ref = mlp(1, init);
    ref.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.05 }),
      loss: "mse",
    });
    const hr = ref.fit(D.x.slice(0, 6), D.y_reg.slice(0, 6), {
      batchSize: 3,
      epochs: 2,
      shuffle: false,
      verbose: 0,
    });
    sameWeights(m, ref);
    assert.deepEqual(h.history, hr.history);
    const ev = m.evaluate(ds);
    assert.ok(ev instanceof Promise);
    allclose(
      (await ev) as number,
      ref.evaluate(D.x.slice(0, 6), D.y_reg.slice(0, 6), { verbose: 0 }),
      { rtol: 1e-6 },
    );
  });

  test("a pass left early is closed (the source's finally runs)", () => {
    let closed = 0;
    const ds = tg.data.generator(function* () {
      try {
        for (let i = 0; i < 4; i++)
          yield [X5.slice(i, i + 1), Y5.slice(i, i + 1)];
      } finally {
        closed++;
      }
    });
    const m = mlp(1, D.init_reg);
    m.compile({ optimizer: "sgd", loss: "mse" });
    m.evaluate(ds, null, { steps: 2, verbose: 0 });
    assert.equal(closed, 1);
    m.fit(ds, null, { epochs: 2, stepsPerEpoch: 2, verbose: 0 });
    assert.equal(closed, 2, "one pass across both epochs, closed at the end");
  });

  test("dataset elements as { xs, ys } and with sample weights", () => {
    const m = mlp(1, D.init_reg);
    m.compile({ optimizer: "sgd", loss: "mse" });
    const w = [1, 0, 2, 1, 0.5];
    const ds = tg.data.array([{ xs: X5, ys: Y5 }]);
    allclose(
      m.evaluate(ds, null, { verbose: 0 }),
      m.evaluate(X5, Y5, { verbose: 0 }),
      { rtol: 1e-6 },
    );
    const weighted = tg.data.array([[X5, Y5, w]]);
    allclose(
      m.evaluate(weighted, null, { verbose: 0 }),
      m.evaluate(X5, Y5, { sampleWeight: w, verbose: 0 }),
      { rtol: 1e-6 },
    );
  });
});

describe("callbacks", () => {
  test("hooks are called in Keras's order with epoch and batch numbers", () => {
    const calls: string[] = [];
    class Recorder extends tg.callbacks.Callback {
      override onTrainBegin(): void {
        calls.push("trainBegin");
      }
      override onTrainEnd(): void {
        calls.push("trainEnd");
      }
      override onEpochBegin(e: number): void {
        calls.push(`epochBegin ${e}`);
      }
      override onEpochEnd(e: number, logs?: tg.callbacks.Logs): void {
        calls.push(`epochEnd ${e} ${Object.keys(logs ?? {}).join(",")}`);
      }
      override onTrainBatchBegin(b: number): void {
        calls.push(`batchBegin ${b}`);
      }
      override onTrainBatchEnd(b: number, logs?: tg.callbacks.Logs): void {
        calls.push(`batchEnd ${b} ${Object.keys(logs ?? {}).join(",")}`);
      }
      override onTestBegin(): void {
        calls.push("testBegin");
      }
      override onTestBatchEnd(b: number): void {
        calls.push(`testBatchEnd ${b}`);
      }
      override onTestEnd(): void {
        calls.push("testEnd");
      }
    }
    const m = mlp(1);
    m.compile({ optimizer: "sgd", loss: "mse" });
    const rec = new Recorder();
    m.fit(X5, Y5, {
      batchSize: 3,
      epochs: 3,
      initialEpoch: 1,
      verbose: 0,
      validationData: [X5.slice(0, 2), Y5.slice(0, 2)],
      callbacks: [rec],
    });
    const epoch = (e: number) => [
      `epochBegin ${e}`,
      "batchBegin 0",
      "batchEnd 0 loss",
      "batchBegin 1",
      "batchEnd 1 loss",
      "testBegin",
      "testBatchEnd 0",
      "testEnd",
      `epochEnd ${e} loss,val_loss`,
    ];
    assert.deepEqual(calls, [
      "trainBegin",
      ...epoch(1),
      ...epoch(2),
      "trainEnd",
    ]);
    assert.equal(rec.params.epochs, 3);
    assert.equal(rec.params.steps, 2);
    assert.equal(rec.model, m);
  });

  test("the user's callbacks run before History; a History passed in is returned", () => {
    class AddKey extends tg.callbacks.Callback {
      override onEpochEnd(_e: number, logs?: tg.callbacks.Logs): void {
        logs!.extra = 1;
      }
    }
    const mine = new tg.callbacks.History();
    const m = mlp(1);
    m.compile({ optimizer: "sgd", loss: "mse" });
    const h = m.fit(X5, Y5, {
      epochs: 1,
      verbose: 0,
      callbacks: [new AddKey(), mine],
    });
    assert.equal(h, mine);
    assert.deepEqual(Object.keys(h.history), ["loss", "extra"]);
  });

  test("stopTraining set by a callback ends fit after that batch", () => {
    class Stop extends tg.callbacks.Callback {
      override onTrainBatchEnd(batch: number): void {
        if (batch === 1) this.model!.stopTraining = true;
      }
    }
    let batches = 0;
    class Count extends tg.callbacks.Callback {
      override onTrainBatchEnd(): void {
        batches++;
      }
    }
    const m = mlp(1);
    m.compile({ optimizer: "sgd", loss: "mse" });
    const h = m.fit(D.x, D.y_reg, {
      batchSize: 2,
      epochs: 5,
      verbose: 0,
      callbacks: [new Stop(), new Count()],
    });
    assert.equal(batches, 2);
    assert.deepEqual(h.epoch, [0]);
  });
});
