// SPDX-License-Identifier: Apache-2.0
/**
 * LAMB (You et al.): Adam's direction, scaled per variable by the ratio of
 * the weights' norm to the update's norm (the trust ratio).
 *
 * Differences from TensorFlow.js: TensorFlow.js has no Lamb optimizer.
 */
import type { Tensor } from "../../core/tensor.js";
import { add, div, mul, sub } from "../../ops/binary.js";
import { sum } from "../../ops/reduction.js";
import { sqrt, square } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { inRange, nonNegative, roundTo } from "./validate.js";

/** Options of {@link Lamb}. */
export interface LambArgs extends OptimizerArgs {
  /** Decay of the first-moment average, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to √v̂, >= 0. Default 1e-7. */
  epsilon?: number;
}

function norm(x: Tensor): number {
  return Math.sqrt(sum(square(x)).item());
}

/**
 * Lamb, as Keras 3 computes it. At step t (from 1):
 *
 *   m += (g − m)·(1 − β1);  v += (g² − v)·(1 − β2)
 *   u = (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 *   ratio = ‖w‖ / ‖u‖ when both norms are > 0, else 1
 *   w −= ratio·lr·u
 *
 * Options: `learningRate` (default 0.001), `beta1` (0.9), `beta2` (0.999),
 * `epsilon` (1e-7), and the shared options of {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([3, 4], { dtype: "float64" });
 * const opt = new tg.optimizers.Lamb({ learningRate: 0.1, epsilon: 0 });
 * opt.applyGradients([[tg.tensor([1, 1], undefined, "float64"), w]]);
 * // u = [1, 1]; ratio = 5 / √2: each weight moves by 0.1·5/√2.
 * console.log(Array.from(w.data, (x) => x.toFixed(4))); // [ '2.6464', '3.6464' ]
 * ```
 */
export class Lamb extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(args: LambArgs = {}) {
    const w = "Lamb";
    const beta1 = inRange(w, "beta1", args.beta1 ?? 0.9, 0, 1, "[)");
    const beta2 = inRange(w, "beta2", args.beta2 ?? 0.999, 0, 1, "[)");
    const epsilon = nonNegative(w, "epsilon", args.epsilon ?? 1e-7);
    super(args, {
      learningRate: 0.001,
      name: "lamb",
      keys: ["beta1", "beta2", "epsilon"],
    });
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  override get className(): string {
    return "Lamb";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const t = this.iterations + 1;
    const r = (x: number) => roundTo(variable.dtype, x);
    const b1Power = r(r(this.beta1) ** t);
    const b2Power = r(r(this.beta2) ** t);

    const m = this.slot(variable, "momentum");
    const v = this.slot(variable, "velocity");
    m.assignAdd(mul(sub(g, m), 1 - this.beta1));
    v.assignAdd(mul(sub(square(g), v), 1 - this.beta2));
    const mHat = div(m, 1 - b1Power);
    const vSqrt = add(sqrt(div(v, 1 - b2Power)), this.epsilon);
    const update = div(mHat, vSqrt);

    const wNorm = norm(variable);
    const uNorm = norm(update);
    const ratio = wNorm > 0 && uNorm > 0 ? wNorm / uNorm : 1;
    variable.assignSub(mul(update, roundTo(variable.dtype, ratio * lr)));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }
}
