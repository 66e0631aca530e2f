// SPDX-License-Identifier: Apache-2.0
/** Stochastic gradient descent, with momentum and Nesterov momentum. */
import { ValueError, show } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { mul, sub } from "../../ops/binary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";

/** Options of SGD. */
export interface SGDArgs extends OptimizerArgs {
  /** Default 0.01, as Keras. */
  learningRate?: number;
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
 * and without momentum, w −= lr · g.
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
    const momentum = args.momentum ?? 0;
    if (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1)) {
      throw new ValueError(
        `SGD: expected momentum to be a number in [0, 1], got momentum=${show(momentum)}`,
      );
    }
    super(args, { learningRate: 0.01, name: "SGD" });
    this.momentum = momentum;
    this.nesterov = args.nesterov ?? false;
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
