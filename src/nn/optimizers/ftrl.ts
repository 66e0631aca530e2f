// SPDX-License-Identifier: Apache-2.0
/**
 * FTRL-Proximal ("Follow The Regularized Leader", McMahan et al.), with
 * online L1/L2 and shrinkage-type L2 regularization.
 *
 * Differences from TensorFlow.js: TensorFlow.js has no Ftrl optimizer.
 */
import type { Tensor } from "../../core/tensor.js";
import { add, div, mul, pow, sub } from "../../ops/binary.js";
import { fill } from "../../ops/creation.js";
import { clip } from "../../ops/select.js";
import { square } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { nonNegative, nonPositive } from "./validate.js";

/** Options of {@link Ftrl}. */
export interface FtrlArgs extends OptimizerArgs {
  /** How the rate falls with the accumulator, <= 0. Default −0.5. */
  learningRatePower?: number;
  /** The accumulators' starting value, >= 0. Default 0.1. */
  initialAccumulatorValue?: number;
  /** L1 strength, >= 0. Default 0. */
  l1RegularizationStrength?: number;
  /** L2 (stabilization) strength, >= 0. Default 0. */
  l2RegularizationStrength?: number;
  /** L2 shrinkage (magnitude penalty) strength, >= 0. Default 0. */
  l2ShrinkageRegularizationStrength?: number;
  /** The paper's beta, >= 0. Default 0. */
  beta?: number;
}

/**
 * FTRL, as Keras 3 computes it, with p = −learningRatePower,
 * λ2' = l2 + beta / (2·lr) and g' = g + 2·l2Shrinkage·w:
 *
 *   n' = n + g²
 *   z += g' − (n'^p − n^p) / lr · w
 *   w = (clip(z, −l1, l1) − z) / (n'^p / lr + 2·λ2')
 *   n = n'
 *
 * Options: `learningRate` (default 0.001), `learningRatePower` (−0.5),
 * `initialAccumulatorValue` (0.1), `l1RegularizationStrength` (0),
 * `l2RegularizationStrength` (0), `l2ShrinkageRegularizationStrength`
 * (0), `beta` (0), and the shared options of {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([0], { dtype: "float64" });
 * const opt = new tg.optimizers.Ftrl({
 *   learningRate: 1,
 *   initialAccumulatorValue: 0,
 * });
 * opt.applyGradients([[tg.tensor([2], undefined, "float64"), w]]);
 * // n' = 4, z = 2, w = −z / √n' = −1.
 * console.log(w.toArray()); // [ -1 ]
 * ```
 */
export class Ftrl extends Optimizer {
  readonly learningRatePower: number;
  readonly initialAccumulatorValue: number;
  readonly l1RegularizationStrength: number;
  readonly l2RegularizationStrength: number;
  readonly l2ShrinkageRegularizationStrength: number;
  readonly beta: number;

  constructor(args: FtrlArgs = {}) {
    const w = "Ftrl";
    const power = nonPositive(
      w,
      "learningRatePower",
      args.learningRatePower ?? -0.5,
    );
    const initial = nonNegative(
      w,
      "initialAccumulatorValue",
      args.initialAccumulatorValue ?? 0.1,
    );
    const l1 = nonNegative(
      w,
      "l1RegularizationStrength",
      args.l1RegularizationStrength ?? 0,
    );
    const l2 = nonNegative(
      w,
      "l2RegularizationStrength",
      args.l2RegularizationStrength ?? 0,
    );
    const shrinkage = nonNegative(
      w,
      "l2ShrinkageRegularizationStrength",
      args.l2ShrinkageRegularizationStrength ?? 0,
    );
    const beta = nonNegative(w, "beta", args.beta ?? 0);
    super(args, {
      learningRate: 0.001,
      name: "ftrl",
      keys: [
        "learningRatePower",
        "initialAccumulatorValue",
        "l1RegularizationStrength",
        "l2RegularizationStrength",
        "l2ShrinkageRegularizationStrength",
        "beta",
      ],
    });
    this.learningRatePower = power;
    this.initialAccumulatorValue = initial;
    this.l1RegularizationStrength = l1;
    this.l2RegularizationStrength = l2;
    this.l2ShrinkageRegularizationStrength = shrinkage;
    this.beta = beta;
  }

  override get className(): string {
    return "Ftrl";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const p = -this.learningRatePower;
    const l1 = this.l1RegularizationStrength;
    const l2 = this.l2RegularizationStrength + this.beta / (2 * lr);
    const accum = this.slot(variable, "accumulator", () =>
      fill(variable.shape, this.initialAccumulatorValue, variable.dtype),
    );
    const linear = this.slot(variable, "linear");

    const shrink = 2 * this.l2ShrinkageRegularizationStrength;
    const gradToUse = add(g, mul(variable, shrink));
    const newAccum = add(accum, square(g));
    const newPower = pow(newAccum, p);
    const sigma = div(sub(newPower, pow(accum, p)), lr);
    linear.assignAdd(sub(gradToUse, mul(sigma, variable)));
    const quadratic = add(div(newPower, lr), 2 * l2);
    const clipped = clip(linear, -l1, l1);
    variable.assign(div(sub(clipped, linear), quadratic));
    accum.assign(newAccum);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      learningRatePower: this.learningRatePower,
      initialAccumulatorValue: this.initialAccumulatorValue,
      l1RegularizationStrength: this.l1RegularizationStrength,
      l2RegularizationStrength: this.l2RegularizationStrength,
      l2ShrinkageRegularizationStrength: this.l2ShrinkageRegularizationStrength,
      beta: this.beta,
    };
  }
}
