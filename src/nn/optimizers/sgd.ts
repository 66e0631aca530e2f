// SPDX-License-Identifier: Apache-2.0
/**
 * Stochastic gradient descent, with momentum and Nesterov momentum.
 *
 * Differences from TensorFlow.js: TensorFlow.js splits this into
 * `tf.train.sgd(lr)` and `tf.train.momentum(lr, momentum, useNesterov)`,
 * and its momentum optimizer keeps accum = m·accum + g and steps
 * w −= lr·accum (Nesterov: w −= lr·(g + m·accum)), where Keras keeps the
 * velocity v = m·v − lr·g and steps w += v (Nesterov: w += m·v − lr·g).
 * With a constant learning rate v = −lr·accum, so the updates agree up to
 * float32 rounding; after a change of learning rate (a schedule) they
 * differ, and tensorgrad follows Keras.
 */
import type { Tensor } from "../../core/tensor.js";
import { mul, sub } from "../../ops/binary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { boolean, inRange } from "./validate.js";

/** Options of SGD. */
export interface SGDArgs extends OptimizerArgs {
  /** Default 0.01, as Keras. */
  learningRate?: OptimizerArgs["learningRate"];
  /** Momentum factor in [0, 1]. Default 0. */
  momentum?: number;
  /** Use Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * Gradient descent, as Keras 3 computes it. With momentum m:
 *
 *   velocity = momentum · velocity − lr · g
 *   w += velocity                               (plain)
 *   w += momentum · velocity − lr · g           (nesterov)
 *
 * and without momentum, w −= lr · g. Options: `learningRate` (default
 * 0.01), `momentum` (0), `nesterov` (false), and the shared options of
 * {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([1.0], { dtype: "float64" });
 * const sgd = new tg.optimizers.SGD({ learningRate: 0.25 });
 * sgd.applyGradients([[tg.tensor([2], undefined, "float64"), w]]);
 * console.log(w.toArray()); // [ 0.5 ]
 * ```
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(args: SGDArgs = {}) {
    const momentum = inRange("SGD", "momentum", args.momentum ?? 0, 0, 1);
    const nesterov = boolean("SGD", "nesterov", args.nesterov ?? false);
    super(args, {
      learningRate: 0.01,
      name: "SGD",
      keys: ["momentum", "nesterov"],
    });
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  override get className(): string {
    return "SGD";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const step = mul(g, lr);
    if (this.momentum === 0) {
      variable.assignSub(step);
      return;
    }
    const m = this.slot(variable, "momentum");
    m.assign(sub(mul(m, this.momentum), step));
    if (this.nesterov) {
      variable.assignAdd(sub(mul(m, this.momentum), step));
    } else {
      variable.assignAdd(m);
    }
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      momentum: this.momentum,
      nesterov: this.nesterov,
    };
  }
}
