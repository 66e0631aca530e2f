// SPDX-License-Identifier: Apache-2.0
/**
 * Adadelta (Zeiler), with a learning rate as Keras has it.
 *
 * Differences from TensorFlow.js (`tf.train.adadelta`):
 * - TensorFlow.js divides by √(a_g + ε) with the squared-gradient average
 *   from before this step's update; Keras uses the updated one (this
 *   step's g² included), as Zeiler's algorithm does. The first steps
 *   differ most: TensorFlow.js's first step is lr·√ε/√ε·g = lr·g, a plain
 *   gradient step, so with the paper's learning rate 1.0 the 3-8-1 MLP of
 *   the tests diverges in TensorFlow.js and trains in Keras.
 * - TensorFlow.js's defaults: learning rate 0.001, rho 0.95, epsilon its
 *   backend's (1e-7 on cpu, 1e-4 on webgl); Keras's: 0.001, 0.95, 1e-7.
 */
import type { Tensor } from "../../core/tensor.js";
import { add, div, mul } from "../../ops/binary.js";
import { neg, sqrt, square } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { inRange, nonNegative } from "./validate.js";

/** Options of {@link Adadelta}. */
export interface AdadeltaArgs extends OptimizerArgs {
  /** Decay of both averages, in [0, 1]. Default 0.95. */
  rho?: number;
  /** Added under both square roots, >= 0. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adadelta, as Keras 3 computes it:
 *
 *   a_g = ρ·a_g + (1 − ρ)·g²
 *   Δ = −√(a_Δ + ε)·g / √(a_g + ε)
 *   a_Δ = ρ·a_Δ + (1 − ρ)·Δ²
 *   w += lr·Δ
 *
 * Options: `learningRate` (default 0.001; 1.0 is the paper's form), `rho`
 * (0.95), `epsilon` (1e-7), and the shared options of {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([1], { dtype: "float64" });
 * const opt = new tg.optimizers.Adadelta({ learningRate: 1, rho: 0 });
 * opt.applyGradients([[tg.tensor([2], undefined, "float64"), w]]);
 * // With rho 0: Δ = −√ε·2 / √(4 + ε), about −√ε.
 * console.log((1 - w.item()).toExponential(3)); // 3.162e-4
 * ```
 */
export class Adadelta extends Optimizer {
  readonly rho: number;
  readonly epsilon: number;

  constructor(args: AdadeltaArgs = {}) {
    const w = "Adadelta";
    const rho = inRange(w, "rho", args.rho ?? 0.95, 0, 1);
    const epsilon = nonNegative(w, "epsilon", args.epsilon ?? 1e-7);
    super(args, {
      learningRate: 0.001,
      name: "adadelta",
      keys: ["rho", "epsilon"],
    });
    this.rho = rho;
    this.epsilon = epsilon;
  }

  override get className(): string {
    return "Adadelta";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const { rho, epsilon } = this;
    const accGrad = this.slot(variable, "accumulated_grad");
    const accDelta = this.slot(variable, "accumulated_delta_var");
    accGrad.assign(add(mul(accGrad, rho), mul(square(g), 1 - rho)));
    const rmsDelta = sqrt(add(accDelta, epsilon));
    const delta = neg(div(mul(rmsDelta, g), sqrt(add(accGrad, epsilon))));
    accDelta.assign(add(mul(accDelta, rho), mul(square(delta), 1 - rho)));
    variable.assignAdd(mul(delta, lr));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
