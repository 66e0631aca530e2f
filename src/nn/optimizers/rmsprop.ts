// SPDX-License-Identifier: Apache-2.0
/**
 * RMSprop, plain or centered, with optional (plain) momentum.
 *
 * Differences from TensorFlow.js (`tf.train.rmsprop`):
 * - Centered: Keras divides by √(v − ḡ² + ε); TensorFlow.js by
 *   √(v − (ḡ² + ε)), subtracting epsilon instead of adding it, so its
 *   square root can be of a negative number: on the 3-8-1 MLP of the
 *   tests its loss turns NaN within 50 steps where Keras's does not.
 * - TensorFlow.js calls `rho` "decay" and requires a learning rate (Keras's
 *   default is 0.001); its default epsilon is its backend's (1e-7 on cpu,
 *   1e-4 on webgl; Keras: 1e-7).
 * - The plain update (with or without momentum) is the same.
 */
import type { Tensor } from "../../core/tensor.js";
import { add, div, mul, sub } from "../../ops/binary.js";
import { sqrt, square } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { boolean, inRange, nonNegative } from "./validate.js";

/** Options of {@link RMSprop}. */
export interface RMSpropArgs extends OptimizerArgs {
  /** Decay of the squared-gradient average, in [0, 1]. Default 0.9. */
  rho?: number;
  /** Momentum factor in [0, 1]. Default 0. */
  momentum?: number;
  /** Added under the square root, >= 0. Default 1e-7. */
  epsilon?: number;
  /** Divide by the estimated variance instead. Default false. */
  centered?: boolean;
}

/**
 * RMSprop, as Keras 3 computes it:
 *
 *   v = ρ·v + (1 − ρ)·g²
 *   ḡ = ρ·ḡ + (1 − ρ)·g                      (centered only)
 *   Δ = lr·g / √(v + ε)   or, centered,  lr·g / √(v − ḡ² + ε)
 *   mom = momentum·mom + Δ;  w −= mom        (momentum > 0)
 *   w −= Δ                                   (otherwise)
 *
 * Options: `learningRate` (default 0.001), `rho` (0.9), `momentum` (0),
 * `epsilon` (1e-7), `centered` (false), and the shared options of
 * {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * // Keras's docstring example: var 10, loss var² / 2, lr 0.1.
 * const w = new tg.Variable(10);
 * const opt = new tg.optimizers.RMSprop({ learningRate: 0.1 });
 * opt.minimize(() => w.square().div(2), [w]);
 * console.log(w.item().toFixed(6)); // 9.683772
 * ```
 */
export class RMSprop extends Optimizer {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(args: RMSpropArgs = {}) {
    const w = "RMSprop";
    const rho = inRange(w, "rho", args.rho ?? 0.9, 0, 1);
    const momentum = inRange(w, "momentum", args.momentum ?? 0, 0, 1);
    const epsilon = nonNegative(w, "epsilon", args.epsilon ?? 1e-7);
    const centered = boolean(w, "centered", args.centered ?? false);
    super(args, {
      learningRate: 0.001,
      name: "rmsprop",
      keys: ["rho", "momentum", "epsilon", "centered"],
    });
    this.rho = rho;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.centered = centered;
  }

  override get className(): string {
    return "RMSprop";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const rho = this.rho;
    const velocity = this.slot(variable, "velocity");
    velocity.assign(add(mul(velocity, rho), mul(square(g), 1 - rho)));
    let denominator: Tensor;
    if (this.centered) {
      const avg = this.slot(variable, "average_gradient");
      avg.assign(add(mul(avg, rho), mul(g, 1 - rho)));
      denominator = add(sub(velocity, square(avg)), this.epsilon);
    } else {
      denominator = add(velocity, this.epsilon);
    }
    const increment = div(mul(g, lr), sqrt(denominator));
    if (this.momentum > 0) {
      const mom = this.slot(variable, "momentum");
      mom.assign(add(mul(mom, this.momentum), increment));
      variable.assignSub(mom);
    } else {
      variable.assignSub(increment);
    }
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}
