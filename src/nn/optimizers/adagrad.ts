// SPDX-License-Identifier: Apache-2.0
/**
 * Adagrad: per-element step sizes that shrink with the sum of squared
 * gradients.
 *
 * Differences from TensorFlow.js (`tf.train.adagrad`): the update is the
 * same; TensorFlow.js has no `epsilon` option (it always uses its
 * backend's: 1e-7 on cpu, 1e-4 on webgl; Keras's default is 1e-7) and
 * requires a learning rate (Keras's default is 0.001).
 */
import type { Tensor } from "../../core/tensor.js";
import { add, div, mul } from "../../ops/binary.js";
import { fill } from "../../ops/creation.js";
import { sqrt, square } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { nonNegative } from "./validate.js";

/** Options of {@link Adagrad}. */
export interface AdagradArgs extends OptimizerArgs {
  /** The accumulators' starting value, >= 0. Default 0.1. */
  initialAccumulatorValue?: number;
  /** Added under the square root, >= 0. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adagrad, as Keras 3 computes it:
 *
 *   a += g²   (a starts at initialAccumulatorValue)
 *   w −= lr·g / √(a + ε)
 *
 * Options: `learningRate` (default 0.001), `initialAccumulatorValue`
 * (0.1), `epsilon` (1e-7), and the shared options of {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([1], { dtype: "float64" });
 * const opt = new tg.optimizers.Adagrad({
 *   learningRate: 0.5,
 *   initialAccumulatorValue: 0,
 *   epsilon: 0,
 * });
 * opt.applyGradients([[tg.tensor([3], undefined, "float64"), w]]);
 * console.log(w.toArray()); // [ 0.5 ]
 * ```
 */
export class Adagrad extends Optimizer {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(args: AdagradArgs = {}) {
    const w = "Adagrad";
    const initial = nonNegative(
      w,
      "initialAccumulatorValue",
      args.initialAccumulatorValue ?? 0.1,
    );
    const epsilon = nonNegative(w, "epsilon", args.epsilon ?? 1e-7);
    super(args, {
      learningRate: 0.001,
      name: "adagrad",
      keys: ["initialAccumulatorValue", "epsilon"],
    });
    this.initialAccumulatorValue = initial;
    this.epsilon = epsilon;
  }

  override get className(): string {
    return "Adagrad";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const a = this.slot(variable, "accumulator", () =>
      fill(variable.shape, this.initialAccumulatorValue, variable.dtype),
    );
    a.assignAdd(square(g));
    variable.assignSub(div(mul(g, lr), sqrt(add(a, this.epsilon))));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      initialAccumulatorValue: this.initialAccumulatorValue,
      epsilon: this.epsilon,
    };
  }
}
