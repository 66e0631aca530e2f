// SPDX-License-Identifier: Apache-2.0
/**
 * The seed program (examples/seed/bias.ts) checked step by step against the
 * same training written out by hand in float64, plus the behaviours the
 * seed's contract promises (DESIGN.md, "The seed, in TypeScript").
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

const X_TRAIN = [1.0, 2.0, 3.0, 4.0];
const Y_TRAIN = [0.0, 0.0, 0.0, 0.0];
const EPOCHS = 10;

/**
 * Keras keeps the learning rate in a float32 variable, and tensorgrad
 * follows it, so even a float64 model steps with float32(0.1).
 */
const LR = Math.fround(0.1);

/** The weights after one training step, and the loss that step saw. */
interface Step {
  w: number;
  b: number;
  loss: number;
}

/** The seed's training in plain float64 JavaScript, one sample a step. */
function handTrajectory(w0: number, b0: number): Step[] {
  let w = w0;
  let b = b0;
  const steps: Step[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = 0; i < X_TRAIN.length; i++) {
      const x = X_TRAIN[i]!;
      const err = w * x + b - Y_TRAIN[i]!;
      const loss = err * err;
      const dw = 2 * err * x;
      const db = 2 * err;
      w -= LR * dw;
      b -= LR * db;
      steps.push({ w, b, loss });
    }
  }
  return steps;
}

/** The seed's neuron and model, in `dtype`, with a kernel of [[w0]]. */
function seedModel(dtype: tg.DType, w0?: number) {
  const neuron = new tg.layers.Dense({
    units: 1,
    biasInitializer: tg.initializers.constant(1.0),
    dtype,
  });
  const model = new tg.Sequential([neuron]);
  model.build([null, 1]);
  if (w0 !== undefined) model.setWeights([[[w0]], [1.0]]);
  return { neuron, model };
}

/** Trains as examples/seed/bias.ts does, recording every step. */
function trainSeed(
  neuron: tg.layers.Dense,
  model: tg.Sequential,
  optimizer: tg.optimizers.Optimizer,
): Step[] {
  const lossFn = new tg.losses.MeanSquaredError();
  const steps: Step[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = 0; i < X_TRAIN.length; i++) {
      using tape = new tg.GradientTape();
      const logits = model.apply(X_TRAIN[i]!);
      const lossValue = lossFn.call(Y_TRAIN[i]!, logits);
      const grads = tape.gradient(lossValue, model.trainableVariables);
      optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
      steps.push({
        w: neuron.kernel.data[0]!,
        b: neuron.bias.data[0]!,
        loss: lossValue.item(),
      });
    }
  }
  return steps;
}

/** Compares two trajectories at every step. */
function checkTrajectory(
  actual: Step[],
  expected: Step[],
  rtol: number,
  atol: number,
): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    const msg = `step ${i}`;
    try {
      allclose([a.w, a.b, a.loss], [e.w, e.b, e.loss], { rtol, atol });
    } catch (err) {
      assert.fail(`${msg}: ${(err as Error).message}`);
    }
  });
}

describe("seed: one Dense neuron trained by per-sample SGD", () => {
  for (const w0 of [0.5, -1.25, 0.3]) {
    test(`float64 follows the hand computation, kernel ${w0}`, () => {
      const { neuron, model } = seedModel("float64", w0);
      assert.equal(neuron.kernel.dtype, "float64");
      assert.equal(neuron.bias.dtype, "float64");
      const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
      const steps = trainSeed(neuron, model, opt);
      const hand = handTrajectory(w0, 1.0);
      checkTrajectory(steps, hand, 1e-6, 0);
      // Much tighter than float32 could come: nothing rounds to float32
      // on the way (the learning rate aside, which the hand loop shares).
      checkTrajectory(steps, hand, 1e-12, 0);
      assert.equal(steps.length, EPOCHS * X_TRAIN.length);
      assert.equal(opt.iterations, EPOCHS * X_TRAIN.length);
    });

    test(`float32 follows the hand computation, kernel ${w0}`, () => {
      const { neuron, model } = seedModel("float32", w0);
      assert.equal(neuron.kernel.dtype, "float32");
      const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
      const steps = trainSeed(neuron, model, opt);
      // The float64 reference starts from the same float32 kernel; the
      // absolute floor covers values that pass near zero.
      const hand = handTrajectory(Math.fround(w0), 1.0);
      checkTrajectory(steps, hand, 1e-5, 1e-6);
    });
  }

  test("the learning rate is kept as float32, as in Keras", () => {
    const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
    assert.equal(opt.learningRate, LR);
  });
});

describe("seed: the example's API", () => {
  /** examples/seed/bias.ts, verbatim apart from returning the weights. */
  function runExample(): { kernel: number[]; bias: number[] } {
    tg.setSeed(42);
    const neuron = new tg.layers.Dense({
      units: 1,
      biasInitializer: tg.initializers.constant(1.0),
    });
    const model = new tg.Sequential([neuron]);
    const lossFn = new tg.losses.MeanSquaredError();
    const optimizer = new tg.optimizers.SGD({ learningRate: 0.1 });
    model.build([null, 1]);
    for (let epoch = 0; epoch < 10; epoch++) {
      const xTrain = [1.0, 2.0, 3.0, 4.0];
      const yTrain = [0.0, 0.0, 0.0, 0.0];
      for (let i = 0; i < xTrain.length; i++) {
        using tape = new tg.GradientTape();
        const logits = model.apply(xTrain[i]!);
        const lossValue = lossFn.call(yTrain[i]!, logits);
        const grads = tape.gradient(lossValue, model.trainableVariables);
        optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
      }
    }
    assert.equal(neuron.kernel.dtype, "float32");
    return {
      kernel: Array.from(neuron.kernel.data),
      bias: Array.from(neuron.bias.data),
    };
  }

  test("runs in float32 and repeats exactly under setSeed(42)", () => {
    const first = runExample();
    const second = runExample();
    assert.deepEqual(second, first);
    assert.ok(first.kernel.every(Number.isFinite));
    assert.ok(first.bias.every(Number.isFinite));
  });

  test("the factory form builds the same neuron", () => {
    tg.setSeed(42);
    const a = new tg.layers.Dense({ units: 1 });
    a.build([null, 1]);
    tg.setSeed(42);
    const b = tg.layers.dense({ units: 1 });
    b.build([null, 1]);
    assert.ok(b instanceof tg.layers.Dense);
    assert.deepEqual(Array.from(b.kernel.data), Array.from(a.kernel.data));
  });

  test("a fresh neuron's bias is the constant 1.0", () => {
    const { neuron } = seedModel("float32");
    allclose(neuron.bias, [1]);
    assert.deepEqual(neuron.bias.shape, [1]);
  });

  test("bias.assign([1.0]) sets the trained bias back to [1]", () => {
    const { neuron, model } = seedModel("float32", 0.5);
    trainSeed(neuron, model, new tg.optimizers.SGD({ learningRate: 0.1 }));
    assert.notEqual(neuron.bias.data[0], 1);
    const returned = neuron.bias.assign([1.0]);
    assert.equal(returned, neuron.bias);
    assert.deepEqual(neuron.bias.toArray(), [1]);
    assert.deepEqual(model.getWeights()[1]!.toArray(), [1]);
  });

  test("applyGradients skips null gradients", () => {
    const warnings: string[] = [];
    tg.setWarningHandler((m) => warnings.push(m));
    try {
      const used = new tg.Variable([2.0], { name: "used" });
      const unused = new tg.Variable([5.0], { name: "unused" });
      const tape = new tg.GradientTape();
      const loss = used.square().sum();
      const grads = tape.gradient(loss, [used, unused]);
      assert.equal(grads[1], null);
      const opt = new tg.optimizers.SGD({ learningRate: 0.5 });
      opt.applyGradients(tg.zip(grads, [used, unused]));
      // d(w²)/dw = 4 at w = 2, so w = 2 - 0.5 · 4 = 0.
      assert.deepEqual(used.toArray(), [0]);
      assert.deepEqual(unused.toArray(), [5]);
      assert.equal(opt.iterations, 1);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /unused/);
    } finally {
      tg.setWarningHandler();
    }
  });

  test("a second tape.gradient call throws", () => {
    const { model } = seedModel("float32", 0.5);
    const lossFn = new tg.losses.MeanSquaredError();
    const tape = new tg.GradientTape();
    const lossValue = lossFn.call(0, model.apply(1.0));
    const vars = model.trainableVariables;
    const grads = tape.gradient(lossValue, vars);
    assert.equal(grads.length, 2);
    assert.throws(
      () => tape.gradient(lossValue, vars),
      (err: unknown) =>
        err instanceof tg.ValueError &&
        /^GradientTape\.gradient: .*second/.test(err.message),
    );
  });

  test("a persistent tape answers twice", () => {
    const { model } = seedModel("float32", 0.5);
    const lossFn = new tg.losses.MeanSquaredError();
    const tape = new tg.GradientTape({ persistent: true });
    const lossValue = lossFn.call(0, model.apply(2.0));
    const first = tape.gradient(lossValue, model.trainableVariables);
    const second = tape.gradient(lossValue, model.trainableVariables);
    allclose(second[0]!, first[0]!);
    allclose(second[1]!, first[1]!);
    tape.dispose();
  });
});
