// SPDX-License-Identifier: Apache-2.0
/**
 * Optimizer conformance over 50 full-batch steps of a 3-8-1 tanh MLP with
 * MSE, from the same weights on the same 16 samples:
 *
 * 1. Against TensorFlow.js (cpu backend), for each optimizer TensorFlow.js
 *    also has, where its formulas agree with Keras 3's: SGD, momentum
 *    (plain and Nesterov), Adamax, RMSprop (plain, and with momentum) and
 *    Adagrad. The loss after each step must agree within 1e-5 relative.
 * 2. Where TensorFlow.js departs from Keras 3 (Adam's epsilon placement,
 *    centered RMSprop's epsilon sign, Adadelta's use of the old
 *    squared-gradient average), against a float64 implementation of
 *    Keras's published update (./keras-reference.ts), within 1e-5; and
 *    TensorFlow.js is shown to depart, so the reference is needed.
 * 3. Every optimizer in float64 against the same float64 reference,
 *    within 1e-9: the formulas are Keras's and float64 stays float64.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import * as tg from "tensorgrad";
import { loadTf } from "../../tfjs.js";
import * as ref from "./keras-reference.js";

const STEPS = 50;

/** mulberry32: a small seeded generator of floats in [0, 1). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(rand: () => number, n: number, limit: number): number[] {
  return Array.from({ length: n }, () => (2 * rand() - 1) * limit);
}

const rand = generator(2024);
/** W1 [3, 8], b1 [8], W2 [8, 1], b2 [1], rounded to float32. */
const INIT = [
  uniform(rand, 24, Math.sqrt(6 / 11)),
  uniform(rand, 8, 0.1),
  uniform(rand, 8, Math.sqrt(6 / 9)),
  uniform(rand, 1, 0.1),
].map((w) => w.map(Math.fround));
const SHAPES = [[3, 8], [8], [8, 1], [1]];
const X = Array.from({ length: 16 }, () =>
  uniform(rand, 3, 1).map(Math.fround),
);
const Y = X.map(([a, b, c]) =>
  Math.fround(Math.sin(2 * a!) + 0.5 * b! * c! - 0.25),
);

/** |a − b| / |b|; a NaN counts as an infinite error. */
function relativeError(a: number, b: number): number {
  const err = Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
  return Number.isNaN(err) ? Infinity : err;
}

/**
 * Asserts two loss curves agree within `rtol` (a number, or one per step,
 * counted from 0); returns the worst error.
 */
function agree(
  actual: number[],
  expected: number[],
  rtol: number | ((step: number) => number),
): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  actual.forEach((a, step) => {
    const err = relativeError(a, expected[step]!);
    worst = Math.max(worst, err);
    const tol = typeof rtol === "number" ? rtol : rtol(step);
    assert.ok(
      err <= tol,
      `loss after step ${step + 1}: ${a}, expected ${expected[step]} ` +
        `(relative error ${err.toExponential(2)} > ${tol})`,
    );
  });
  return worst;
}

/** The loss after each of STEPS steps, trained in tensorgrad. */
function trainTensorgrad(
  optimizer: tg.optimizers.Optimizer,
  dtype: tg.DType = "float32",
): number[] {
  const model = new tg.Sequential([
    tg.layers.dense({ units: 8, activation: "tanh", dtype }),
    tg.layers.dense({ units: 1, dtype }),
  ]);
  model.build([null, 3]);
  model.setWeights(INIT.map((w, i) => tg.tensor(w, SHAPES[i], dtype)));
  const x = tg.tensor(X, undefined, dtype);
  const y = tg.tensor(
    Y.map((v) => [v]),
    undefined,
    dtype,
  );
  const lossFn = new tg.losses.MeanSquaredError();
  const losses: number[] = [];
  const loss = () => lossFn.call(y, model.apply(x));
  for (let s = 0; s < STEPS; s++) {
    const tape = new tg.GradientTape();
    const grads = tape.gradient(loss(), model.trainableVariables);
    optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
    const after = loss();
    assert.equal(after.dtype, dtype);
    losses.push(after.item());
  }
  for (const v of model.trainableVariables) assert.equal(v.dtype, dtype);
  return losses;
}

/** The loss after each step, with the float64 Keras reference. */
function trainReference(optimizer: ref.RefOptimizer): number[] {
  const params = ref.mlpParams(INIT);
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const { grads } = ref.mlpLossAndGrads(params, X, Y);
    optimizer(params, grads);
    losses.push(ref.mlpLossAndGrads(params, X, Y).loss);
  }
  return losses;
}

let tf: typeof TF;
before(async () => {
  tf = await loadTf();
});

/** The loss after each step, trained in TensorFlow.js. */
function trainTf(optimizer: TF.Optimizer): number[] {
  const vars = INIT.map((w, i) => tf.variable(tf.tensor(w, SHAPES[i])));
  const [W1, b1, W2, b2] = vars as [
    TF.Variable,
    TF.Variable,
    TF.Variable,
    TF.Variable,
  ];
  const x = tf.tensor2d(X);
  const y = tf.tensor2d(Y.map((v) => [v]));
  const loss = () =>
    tf.losses.meanSquaredError<TF.Tensor, TF.Scalar>(
      y,
      tf.tanh(x.matMul(W1).add(b1)).matMul(W2).add(b2),
    );
  const losses: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(loss, vars);
      optimizer.applyGradients(grads);
    });
    losses.push(tf.tidy(() => loss().dataSync()[0]!));
  }
  optimizer.dispose();
  tf.dispose([...vars, x, y]);
  return losses;
}

const O = tg.optimizers;

describe("against TensorFlow.js, where the formulas agree (1e-5)", () => {
  const cases: [string, () => tg.optimizers.Optimizer, () => TF.Optimizer][] = [
    ["sgd", () => new O.SGD({ learningRate: 0.1 }), () => tf.train.sgd(0.1)],
    [
      "momentum 0.9",
      () => new O.SGD({ learningRate: 0.05, momentum: 0.9 }),
      () => tf.train.momentum(0.05, 0.9),
    ],
    [
      "nesterov momentum 0.9",
      () => new O.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
      () => tf.train.momentum(0.05, 0.9, true),
    ],
    [
      "adamax",
      () => new O.Adamax({ learningRate: 0.01 }),
      () => tf.train.adamax(0.01, 0.9, 0.999, 1e-7),
    ],
    [
      "rmsprop",
      () => new O.RMSprop({ learningRate: 0.01 }),
      () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7),
    ],
    [
      "rmsprop with momentum 0.5",
      () => new O.RMSprop({ learningRate: 0.005, momentum: 0.5 }),
      () => tf.train.rmsprop(0.005, 0.9, 0.5, 1e-7),
    ],
    [
      "adagrad",
      () => new O.Adagrad({ learningRate: 0.1 }),
      () => tf.train.adagrad(0.1, 0.1),
    ],
  ];
  // Plain RMSprop on this problem is chaotic from step 37 on: any float32
  // rounding difference there grows about tenfold per step, to 1e-3–1e-1
  // by step 42. Measured (relative loss error, steps 1–36 / worst after):
  // float32 against float64 1.8e-7 / 8.6e-2; TensorFlow.js's wasm backend
  // against its cpu one 2.2e-7 / 4.6e-2; tensorgrad "wasm" (float32 sums
  // in the matrix product, in another order) against TensorFlow.js cpu
  // 2.2e-7 / 4.4e-3; "js" with each gradient element scaled by a random
  // 1 ± 2^-24, 30 seeds, 5.7e-7 / up to 7.9e-2 (median 2.7e-2). The "js"
  // backend sums products in float64 and rounds once, as TensorFlow.js cpu
  // does, so it gets the same bits and keeps 1e-5 throughout; another
  // backend keeps 1e-5 up to step 36, then only 0.2 (the same curve to
  // float32's chaos). The other optimizers stay within 1e-6 on "wasm".
  const chaotic = (step: number) => (step < 36 ? 1e-5 : 0.2);
  for (const [name, ours, theirs] of cases) {
    test(name, (t) => {
      const rtol =
        name === "rmsprop" && tg.getBackend() !== "js" ? chaotic : 1e-5;
      const worst = agree(trainTensorgrad(ours()), trainTf(theirs()), rtol);
      t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
    });
  }
});

describe("where TensorFlow.js departs: against Keras's update in float64 (1e-5)", () => {
  const cases: [
    string,
    () => tg.optimizers.Optimizer,
    () => ref.RefOptimizer,
    () => TF.Optimizer,
  ][] = [
    [
      "adam (epsilon hat)",
      () => new O.Adam({ learningRate: 0.02 }),
      () => ref.adam(0.02, {}, 0, "float32"),
      () => tf.train.adam(0.02, 0.9, 0.999, 1e-7),
    ],
    [
      "rmsprop centered (epsilon added, not subtracted)",
      () => new O.RMSprop({ learningRate: 0.005, centered: true }),
      () => ref.rmsprop(0.005, { centered: true }),
      () => tf.train.rmsprop(0.005, 0.9, 0, 1e-7, true),
    ],
    [
      "adadelta (the updated squared-gradient average)",
      () => new O.Adadelta({ learningRate: 1 }),
      () => ref.adadelta(1),
      () => tf.train.adadelta(1, 0.95, 1e-7),
    ],
  ];
  for (const [name, ours, keras, theirs] of cases) {
    test(name, (t) => {
      const expected = trainReference(keras());
      const worst = agree(trainTensorgrad(ours()), expected, 1e-5);
      // TensorFlow.js's own formula gives another curve.
      const tfLosses = trainTf(theirs());
      const tfWorst = Math.max(
        ...tfLosses.map((l, i) => relativeError(l, expected[i]!)),
      );
      assert.ok(
        tfWorst > 10 * Math.max(worst, 1e-6),
        `TensorFlow.js should depart from Keras here, but its worst ` +
          `relative error is only ${tfWorst.toExponential(2)}`,
      );
      t.diagnostic(
        `worst relative error ${worst.toExponential(2)}; TensorFlow.js ` +
          `departs by up to ${tfWorst.toExponential(2)}`,
      );
    });
  }
});

describe("every optimizer in float64 against Keras's update (1e-9)", () => {
  const cases: [
    string,
    () => tg.optimizers.Optimizer,
    () => ref.RefOptimizer,
  ][] = [
    ["sgd", () => new O.SGD({ learningRate: 0.1 }), () => ref.sgd(0.1)],
    [
      "sgd nesterov",
      () => new O.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
      () => ref.sgd(0.05, 0.9, true),
    ],
    [
      "adam amsgrad",
      () => new O.Adam({ learningRate: 0.01, amsgrad: true }),
      () => ref.adam(0.01, { amsgrad: true }),
    ],
    [
      "adamw",
      () => new O.AdamW({ learningRate: 0.01, weightDecay: 0.05 }),
      () => ref.adam(0.01, {}, 0.05),
    ],
    [
      "adamax",
      () => new O.Adamax({ learningRate: 0.01, beta2: 0.99 }),
      () => ref.adamax(0.01, 0.9, 0.99),
    ],
    ["nadam", () => new O.Nadam({ learningRate: 0.01 }), () => ref.nadam(0.01)],
    [
      "rmsprop centered with momentum",
      () =>
        new O.RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true }),
      () => ref.rmsprop(0.01, { momentum: 0.5, centered: true }),
    ],
    [
      "adagrad",
      () => new O.Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.2 }),
      () => ref.adagrad(0.1, 0.2),
    ],
    [
      "adadelta",
      () => new O.Adadelta({ learningRate: 1, rho: 0.9 }),
      () => ref.adadelta(1, 0.9),
    ],
    ["lion", () => new O.Lion({ learningRate: 0.003 }), () => ref.lion(0.003)],
    [
      "ftrl",
      () =>
        new O.Ftrl({
          learningRate: 0.1,
          l1RegularizationStrength: 0.001,
          l2RegularizationStrength: 0.01,
        }),
      () => ref.ftrl(0.1, { l1: 0.001, l2: 0.01 }),
    ],
    [
      "adafactor",
      () => new O.Adafactor({ learningRate: 0.05 }),
      () => ref.adafactor(0.05),
    ],
    ["lamb", () => new O.Lamb({ learningRate: 0.01 }), () => ref.lamb(0.01)],
  ];
  for (const [name, ours, keras] of cases) {
    test(name, (t) => {
      const worst = agree(
        trainTensorgrad(ours(), "float64"),
        trainReference(keras()),
        1e-9,
      );
      t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
    });
  }
});
