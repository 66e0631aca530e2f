// SPDX-License-Identifier: Apache-2.0
/**
 * Bad input to compile / fit / evaluate / predict: typed errors whose
 * messages say what was expected and what came, and that change nothing
 * (weights and optimizer state as before the call).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

const X = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
  [0, 1, 0],
];
const Y = [[1], [2], [3], [4]];

function compiled(name = "m"): tg.Sequential {
  tg.setSeed(9);
  const m = new tg.Sequential({
    name,
    layers: [
      tg.layers.dense({ units: 2, activation: "tanh" }),
      tg.layers.dense({ units: 1 }),
    ],
  });
  m.build([null, 3]);
  m.compile({ optimizer: "adam", loss: "mse" });
  return m;
}

/** Asserts that `fn` throws `expected` and leaves the weights as they were. */
function throwsAndKeeps(
  m: tg.Model<tg.SymbolicStructure>,
  fn: () => unknown,
  expected: { name: string; message: string | RegExp },
): void {
  const before = m.getWeights();
  const iterations = m.optimizer?.iterations;
  assert.throws(fn, expected);
  m.getWeights().forEach((w, i) =>
    allclose(w, before[i]!, { rtol: 0, atol: 0 }),
  );
  assert.equal(m.optimizer?.iterations, iterations);
}

describe("fit's arguments", () => {
  test("x and y with different sample counts", () => {
    const m = compiled();
    throwsAndKeeps(m, () => m.fit(X, Y.slice(0, 3), { verbose: 0 }), {
      name: "ValueError",
      message:
        'Sequential "m".fit: expected x and y to have the same number of samples (first dimension), got x: [4], y: [3]',
    });
  });

  test("fit, evaluate and the batch methods before compile", () => {
    const m = new tg.Sequential({
      name: "raw",
      layers: [tg.layers.dense({ units: 1 })],
    });
    for (const [name, call] of [
      ["fit", () => m.fit(X, Y, { verbose: 0 })],
      ["evaluate", () => m.evaluate(X, Y)],
      ["trainOnBatch", () => m.trainOnBatch(X, Y)],
      ["testOnBatch", () => m.testOnBatch(X, Y)],
    ] as const) {
      assert.throws(call, {
        name: "ValueError",
        message: `Sequential "raw".${name}: expected a compiled model; call compile() first`,
      });
    }
    assert.deepEqual(m.predict(X).shape, [4, 1], "predict needs no compile");
  });

  test("validationSplit outside [0, 1)", () => {
    const m = compiled();
    for (const split of [1, -0.1, 1.5, Number.NaN]) {
      throwsAndKeeps(
        m,
        () => m.fit(X, Y, { validationSplit: split, verbose: 0 }),
        {
          name: "ValueError",
          message: `Sequential "m".fit: expected validationSplit in [0, 1), got validationSplit=${split}`,
        },
      );
    }
    // One sample: floor(1 * (1 - 0.5)) = 0 left to train on.
    throwsAndKeeps(
      m,
      () =>
        m.fit(X.slice(0, 1), Y.slice(0, 1), {
          validationSplit: 0.5,
          verbose: 0,
        }),
      {
        name: "ValueError",
        message:
          'Sequential "m".fit: expected enough samples to split off validationSplit=0.5 and keep some for training, got 1 samples',
      },
    );
  });

  test("batchSize, epochs and friends must be integers >= 1", () => {
    const m = compiled();
    for (const [key, value] of [
      ["batchSize", 0],
      ["batchSize", 2.5],
      ["epochs", 0],
      ["stepsPerEpoch", -1],
      ["validationFreq", 0],
    ] as const) {
      throwsAndKeeps(m, () => m.fit(X, Y, { [key]: value, verbose: 0 }), {
        name: "ValueError",
        message: `Sequential "m".fit: expected ${key} to be an integer >= 1, got ${key}=${value}`,
      });
    }
    throwsAndKeeps(m, () => m.fit(X, Y, { verbose: 3 as never }), {
      name: "ValueError",
      message:
        'Sequential "m".fit: expected verbose 0, 1, 2 or "auto", got verbose=3',
    });
    throwsAndKeeps(m, () => m.fit(X, Y, { initialEpoch: -1, verbose: 0 }), {
      name: "ValueError",
      message:
        'Sequential "m".fit: expected initialEpoch to be an integer >= 0, got initialEpoch=-1',
    });
    throwsAndKeeps(
      m,
      () => m.fit(X, Y, { callbacks: [{}] as never, verbose: 0 }),
      {
        name: "ValueError",
        message:
          'Sequential "m".fit: expected callbacks to be a list of Callback instances, got callbacks=[Object]',
      },
    );
  });

  test("a y, or sample weights, beside a dataset", () => {
    const m = compiled();
    const ds = tg.data.array([[X, Y]]);
    throwsAndKeeps(m, () => m.fit(ds, Y, { verbose: 0 }), {
      name: "ValueError",
      message:
        /^Sequential "m"\.fit: expected no y with a dataset \(its elements hold it: \[x, y, sampleWeight\]\), got y=\[/,
    });
    throwsAndKeeps(
      m,
      () => m.fit(ds, null, { sampleWeight: [1, 1, 1, 1], verbose: 0 }),
      {
        name: "ValueError",
        message:
          /^Sequential "m"\.fit: expected no sampleWeight with a dataset/,
      },
    );
    throwsAndKeeps(
      m,
      () => m.fit(ds, null, { validationSplit: 0.5, verbose: 0 }),
      {
        name: "ValueError",
        message:
          'Sequential "m".fit: expected arrays or tensors with validationSplit, got a dataset; pass validationData instead',
      },
    );
  });

  test("classWeight with sampleWeight, or malformed", () => {
    const m = compiled();
    throwsAndKeeps(
      m,
      () =>
        m.fit(X, Y, {
          classWeight: { 1: 2 },
          sampleWeight: [1, 1, 1, 1],
          verbose: 0,
        }),
      {
        name: "ValueError",
        message:
          'Sequential "m".fit: expected classWeight or sampleWeight, got both (Keras does not combine them)',
      },
    );
    throwsAndKeeps(
      m,
      () => m.fit(X, Y, { classWeight: { a: 1 } as never, verbose: 0 }),
      {
        name: "ValueError",
        message:
          /^Sequential "m"\.fit: expected classWeight to map class indices to finite numbers/,
      },
    );
  });

  test("sample weights of the wrong length; bad validationData", () => {
    const m = compiled();
    throwsAndKeeps(m, () => m.fit(X, Y, { sampleWeight: [1, 2], verbose: 0 }), {
      name: "ValueError",
      message:
        'Sequential "m".fit: expected sampleWeight with 4 samples (first dimension), got shape [2]',
    });
    throwsAndKeeps(m, () => m.fit(X, Y, { validationData: [X], verbose: 0 }), {
      name: "ValueError",
      message:
        /^Sequential "m"\.fit: expected validationData as \[x, y\], \[x, y, sampleWeight\] or a dataset/,
    });
  });

  test("an input of the wrong shape fails in the first batch, before any update", () => {
    const a = tg.input({ shape: [3], name: "feats" });
    const m = new tg.Model({
      name: "fm",
      inputs: a,
      outputs: tg.layers.dense({ units: 1 }).apply(a),
    });
    m.compile({ optimizer: "sgd", loss: "mse" });
    throwsAndKeeps(
      m,
      () =>
        m.fit(
          [
            [1, 2],
            [3, 4],
          ],
          [[1], [2]],
          { verbose: 0 },
        ),
      {
        name: "ShapeError",
        message:
          'Model "fm": expected input "feats" of shape (None, 3), got shape (2, 2)',
      },
    );
  });

  test("records missing an input or output name", () => {
    const a = tg.input({ shape: [3], name: "left" });
    const b = tg.input({ shape: [3], name: "right" });
    const d = tg.layers.dense({ units: 1, name: "score" });
    const m = new tg.Model({
      name: "two",
      inputs: [a, b],
      outputs: d.apply(a),
    });
    m.compile({ optimizer: "sgd", loss: "mse" });
    throwsAndKeeps(m, () => m.fit({ left: X }, Y, { verbose: 0 }), {
      name: "ValueError",
      message:
        'Model "two".fit: expected x for ["left","right"], got a record without ["right"]',
    });
    throwsAndKeeps(m, () => m.fit([X], Y, { verbose: 0 }), {
      name: "ValueError",
      message:
        'Model "two".fit: expected 2 arrays for x ["left","right"], got a list of 1',
    });
  });
});

describe("compile's arguments", () => {
  test("unknown optimizer, loss and metric names; the old compile stays", () => {
    const m = compiled();
    const optimizer = m.optimizer;
    assert.throws(() => m.compile({ optimizer: "adamm", loss: "mse" }), {
      name: "ValueError",
      message: /^optimizers\.get: .*"adamm"/,
    });
    assert.throws(() => m.compile({ optimizer: "sgd", loss: "msee" }), {
      name: "ValueError",
      message: /^losses\.get: expected one of "mean_squared_error", .*"msee"/,
    });
    assert.throws(
      () => m.compile({ optimizer: "sgd", loss: "mse", metrics: ["acuracy"] }),
      {
        name: "ValueError",
        message: /^metrics\.get: unknown metric "acuracy"/,
      },
    );
    assert.equal(m.optimizer, optimizer);
    assert.deepEqual(m.metricsNames, ["loss"]);
  });

  test("per-output lists of the wrong length; unknown output keys", () => {
    const a = tg.input({ shape: [2] });
    const m = new tg.Model({
      name: "mo",
      inputs: a,
      outputs: {
        p: tg.layers.dense({ units: 1 }).apply(a),
        q: tg.layers.dense({ units: 1 }).apply(a),
      },
    });
    assert.throws(() => m.compile({ loss: ["mse"] }), {
      name: "ValueError",
      message:
        'Model "mo".compile: expected one loss per output ["p","q"], got a list of 1',
    });
    assert.throws(() => m.compile({ loss: { p: "mse", r: "mae" } }), {
      name: "ValueError",
      message:
        'Model "mo".compile: expected loss keys among the outputs ["p","q"], got ["r"]',
    });
    assert.throws(() => m.compile({ loss: "mse", metrics: ["mae"] }), {
      name: "ValueError",
      message:
        'Model "mo".compile: expected metrics with one entry per output ["p","q"], got a list of 1',
    });
    assert.throws(
      () => m.compile({ loss: "mse", lossWeights: { p: Number.NaN } }),
      {
        name: "ValueError",
        message:
          'Model "mo".compile: expected a finite loss weight for output "p", got NaN',
      },
    );
    assert.equal(m.optimizer, null);
  });

  test("no loss: fit says so", () => {
    const m = new tg.Sequential({
      name: "nl",
      layers: [tg.layers.dense({ units: 1 })],
    });
    m.compile({ optimizer: "sgd" });
    assert.throws(() => m.fit(X, Y, { verbose: 0 }), {
      name: "ValueError",
      message:
        'Sequential "nl".computeLoss: expected a loss; pass one to compile()',
    });
  });
});

describe("errors from the loss", () => {
  test("sparse labels outside the classes: the loss's error, nothing updated", () => {
    tg.setSeed(1);
    const m = new tg.Sequential({
      name: "cls",
      layers: [tg.layers.dense({ units: 3 })],
    });
    m.build([null, 3]);
    m.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy" });
    const before = m.getWeights();
    assert.throws(
      () => m.fit(X, [0, 1, 3, 2], { verbose: 0, shuffle: false }),
      {
        name: "ValueError",
        message:
          "sparseCategoricalCrossentropy: expected labels that are integers in [0, 3), got label 3 at index 2",
      },
    );
    m.getWeights().forEach((w, i) =>
      allclose(w, before[i]!, { rtol: 0, atol: 0 }),
    );
  });

  test("targets missing for an output with a loss", () => {
    const m = compiled();
    assert.throws(() => m.fit(X, undefined, { verbose: 0 }), {
      name: "ValueError",
      message:
        'Sequential "m".computeLoss: expected targets y for output "output", got none',
    });
  });

  test("an empty dataset is an error, not a silent epoch", () => {
    const m = compiled();
    const empty = tg.data.array<[number[][], number[][]]>([]);
    throwsAndKeeps(m, () => m.fit(empty, null, { verbose: 0 }), {
      name: "ValueError",
      message:
        'Sequential "m".fit: expected at least one batch of training data in epoch 1, got none (is the data empty?)',
    });
    assert.throws(() => m.predict(empty), {
      name: "ValueError",
      message:
        'Sequential "m".predict: expected at least one batch of data, got none',
    });
  });
});
