// SPDX-License-Identifier: Apache-2.0
/**
 * Real Keras 3.15.1 trajectories (test/fixtures/keras-trajectories.json,
 * described in ../shared/fixtures/keras/README.md): a Dense(8, tanh) →
 * Dense(out) model trained 20 steps with SGD(0.05) from fixed weights,
 * with four losses: MSE, Huber (delta 0.5), log-cosh and sparse
 * categorical crossentropy from logits. tensorgrad runs the same loop
 * (tape, `loss.call(y, model.apply(x))`, applyGradients) and must give the
 * loss of every step, before its update, within 1e-4 relative, and the
 * final weights within 1e-4.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

interface Case {
  kind: "reg" | "cls";
  losses: number[];
  final_weights: tg.NestedArray[];
}

interface Fixture {
  x: number[][];
  y_reg: number[][];
  y_cls: number[];
  init_reg: tg.NestedArray[];
  init_cls: tg.NestedArray[];
  losses: Record<string, Case>;
}

const fixture = JSON.parse(
  readFileSync(
    new URL("../../fixtures/keras-trajectories.json", import.meta.url),
    "utf8",
  ),
) as Fixture;

/** The tolerance of the brief: 1e-4 relative at every step. */
const RTOL = 1e-4;

const cases: [string, () => tg.losses.Loss][] = [
  ["mse", () => new tg.losses.MeanSquaredError()],
  ["huber", () => new tg.losses.Huber({ delta: 0.5 })],
  ["log_cosh", () => new tg.losses.LogCosh()],
  [
    "sparse_ce_logits",
    () => new tg.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  ],
];

/** Trains as the fixture did; returns each step's loss and the model. */
function train(
  c: Case,
  loss: tg.losses.Loss,
): { losses: number[]; model: tg.Sequential } {
  const cls = c.kind === "cls";
  const model = new tg.Sequential([
    tg.layers.dense({ units: 8, activation: "tanh" }),
    tg.layers.dense({ units: cls ? 3 : 1 }),
  ]);
  model.build([null, 3]);
  model.setWeights(cls ? fixture.init_cls : fixture.init_reg);
  const y = cls ? fixture.y_cls : fixture.y_reg;
  const optimizer = new tg.optimizers.SGD({ learningRate: 0.05 });
  const losses: number[] = [];
  for (let step = 0; step < c.losses.length; step++) {
    const tape = new tg.GradientTape();
    const value = loss.call(y, model.apply(fixture.x));
    const grads = tape.gradient(value, model.trainableVariables);
    optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
    losses.push(value.item());
  }
  return { losses, model };
}

describe("Keras 3 loss trajectories (SGD 0.05, 20 steps)", () => {
  for (const [name, make] of cases) {
    test(`${name}: every step's loss and the final weights`, (t) => {
      const c = fixture.losses[name]!;
      assert.equal(c.losses.length, 20);
      const { losses, model } = train(c, make());
      let worst = 0;
      losses.forEach((v, i) => {
        const expected = c.losses[i]!;
        const rel = Math.abs(v - expected) / Math.abs(expected);
        worst = Math.max(worst, rel);
        assert.ok(
          rel <= RTOL,
          `${name} step ${i}: got ${v}, Keras ${expected} (rel ${rel})`,
        );
      });
      // The loss must move: a frozen model would fail the later steps.
      assert.ok(c.losses[19]! < c.losses[0]! * 0.9);
      model.getWeights().forEach((w, i) => {
        allclose(w, c.final_weights[i]!, { rtol: RTOL, atol: 1e-5 });
      });
      // Record the measured conformance in the test output.
      t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
    });
  }
});
