// SPDX-License-Identifier: Apache-2.0
/**
 * Real Keras 3.15.1 numbers (test/fixtures/keras-trajectories.json, from
 * ../shared/fixtures; README beside it there): a Dense(8, tanh) →
 * Dense(1) model trained for 20 steps with MSE from fixed weights under
 * each of the sixteen optimizer settings. tensorgrad must reproduce the
 * loss before every step within 1e-4 relative, and the final weights
 * within 1e-4.
 *
 * Each case's hyperparameters are the README's; everything else is
 * Keras's default. The worst relative errors seen are printed (with
 * --test-reporter=spec they show under each test as diagnostics).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

interface Trajectory {
  losses: number[];
  final_weights: number[][] | number[][][];
}

interface Fixture {
  x: number[][];
  y_reg: number[][];
  init_reg: tg.NestedArray[];
  optimizers: Record<string, Trajectory>;
}

const fixture = JSON.parse(
  readFileSync(
    new URL("../../fixtures/keras-trajectories.json", import.meta.url),
    "utf8",
  ),
) as Fixture;

/** The README's settings, by case name. */
const CASES: Record<string, () => tg.optimizers.Optimizer> = {
  sgd: () => new tg.optimizers.SGD({ learningRate: 0.05 }),
  sgd_momentum_nesterov: () =>
    new tg.optimizers.SGD({
      learningRate: 0.05,
      momentum: 0.9,
      nesterov: true,
    }),
  adam: () => new tg.optimizers.Adam({ learningRate: 0.01 }),
  adam_amsgrad: () =>
    new tg.optimizers.Adam({ learningRate: 0.01, amsgrad: true }),
  adamw: () =>
    new tg.optimizers.AdamW({ learningRate: 0.01, weightDecay: 0.01 }),
  adamax: () => new tg.optimizers.Adamax({ learningRate: 0.01 }),
  nadam: () => new tg.optimizers.Nadam({ learningRate: 0.01 }),
  rmsprop_centered_momentum: () =>
    new tg.optimizers.RMSprop({
      learningRate: 0.01,
      momentum: 0.5,
      centered: true,
    }),
  adagrad: () => new tg.optimizers.Adagrad({ learningRate: 0.05 }),
  adadelta: () => new tg.optimizers.Adadelta({ learningRate: 1.0 }),
  lion: () => new tg.optimizers.Lion({ learningRate: 0.001 }),
  ftrl: () => new tg.optimizers.Ftrl({ learningRate: 0.05 }),
  adafactor: () => new tg.optimizers.Adafactor({ learningRate: 0.05 }),
  lamb: () => new tg.optimizers.Lamb({ learningRate: 0.01 }),
  adam_clipnorm: () =>
    new tg.optimizers.Adam({ learningRate: 0.01, clipnorm: 0.1 }),
  sgd_global_clipnorm: () =>
    new tg.optimizers.SGD({ learningRate: 0.1, globalClipnorm: 0.5 }),
};

const RTOL = 1e-4;

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Trains the fixture's model; returns the loss before each step. */
function train(optimizer: tg.optimizers.Optimizer, steps: number) {
  const model = new tg.Sequential([
    tg.layers.dense({ units: 8, activation: "tanh" }),
    tg.layers.dense({ units: 1 }),
  ]);
  model.build([null, 3]);
  model.setWeights(fixture.init_reg.map((w) => tg.tensor(w)));
  const x = tg.tensor(fixture.x);
  const y = tg.tensor(fixture.y_reg);
  const lossFn = new tg.losses.MeanSquaredError();
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const tape = new tg.GradientTape();
    const loss = lossFn.call(y, model.apply(x));
    const grads = tape.gradient(loss, model.trainableVariables);
    optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
    losses.push(loss.item());
  }
  return { losses, weights: model.trainableVariables };
}

describe("Keras 3 trajectories: 16 optimizer settings, 20 steps, MSE", () => {
  test("the fixture has the sixteen cases this file knows", () => {
    assert.deepEqual(
      Object.keys(fixture.optimizers).sort(),
      Object.keys(CASES).sort(),
    );
  });

  for (const [name, make] of Object.entries(CASES)) {
    test(name, (t) => {
      const expected = fixture.optimizers[name]!;
      const { losses, weights } = train(make(), expected.losses.length);
      let worst = 0;
      losses.forEach((loss, step) => {
        const err = relativeError(loss, expected.losses[step]!);
        worst = Math.max(worst, err);
        assert.ok(
          err <= RTOL,
          `${name}: loss at step ${step} is ${loss}, Keras ${expected.losses[step]} (relative error ${err.toExponential(2)})`,
        );
      });
      let worstWeight = 0;
      weights.forEach((w, i) => {
        const e = expected.final_weights[i]! as tg.NestedArray;
        allclose(w, e, { rtol: RTOL, atol: RTOL });
        const flat = Array.from(tg.tensor(e).data);
        w.data.forEach((v, j) => {
          const d = Math.abs(v - flat[j]!) / Math.max(Math.abs(flat[j]!), 1e-3);
          worstWeight = Math.max(worstWeight, d);
        });
      });
      t.diagnostic(
        `worst loss rel. error ${worst.toExponential(2)}, ` +
          `worst weight rel. error ${worstWeight.toExponential(2)}`,
      );
    });
  }
});
