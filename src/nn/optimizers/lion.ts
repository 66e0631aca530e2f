// SPDX-License-Identifier: Apache-2.0
/**
 * Lion (Chen et al.): steps of fixed size in the direction of the sign of
 * an interpolated momentum.
 *
 * Differences from TensorFlow.js: TensorFlow.js has no Lion optimizer.
 */
import type { Tensor } from "../../core/tensor.js";
import { add, mul } from "../../ops/binary.js";
import { sign } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { inRange, roundTo } from "./validate.js";

/** Options of {@link Lion}. */
export interface LionArgs extends OptimizerArgs {
  /** Weight of the momentum in the step's direction, in (0, 1]. Default 0.9. */
  beta1?: number;
  /** Decay of the momentum, in [0, 1]. Default 0.99. */
  beta2?: number;
}

/**
 * Lion, as Keras 3 computes it:
 *
 *   w −= lr·sign(β1·m + (1 − β1)·g)
 *   m = β2·m + (1 − β2)·g
 *
 * β1 = 0 would make it sign SGD, which Keras rejects. Options:
 * `learningRate` (default 0.001), `beta1` (0.9), `beta2` (0.99), and the
 * shared options of {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([1, 1, 1], { dtype: "float64" });
 * const opt = new tg.optimizers.Lion({ learningRate: 0.5 });
 * opt.applyGradients([[tg.tensor([3, -0.1, 0], undefined, "float64"), w]]);
 * console.log(w.toArray()); // [ 0.5, 1.5, 1 ]
 * ```
 */
export class Lion extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;

  constructor(args: LionArgs = {}) {
    const beta1 = inRange("Lion", "beta1", args.beta1 ?? 0.9, 0, 1, "(]");
    const beta2 = inRange("Lion", "beta2", args.beta2 ?? 0.99, 0, 1);
    super(args, {
      learningRate: 0.001,
      name: "lion",
      keys: ["beta1", "beta2"],
    });
    this.beta1 = beta1;
    this.beta2 = beta2;
  }

  override get className(): string {
    return "Lion";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const dtype = variable.dtype;
    const b1 = roundTo(dtype, this.beta1);
    const b2 = roundTo(dtype, this.beta2);
    const m = this.slot(variable, "momentum");
    const direction = sign(add(mul(m, b1), mul(g, 1 - b1)));
    variable.assignSub(mul(direction, lr));
    m.assign(add(mul(m, b2), mul(g, 1 - b2)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2 };
  }
}
