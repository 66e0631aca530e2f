// SPDX-License-Identifier: Apache-2.0
/**
 * Adamax: Adam with the infinity norm.
 *
 * Differences from TensorFlow.js (`tf.train.adamax`): the update is the
 * same; TensorFlow.js's default learning rate is 0.002 (Keras: 0.001), its
 * default epsilon is its backend's (1e-7 on cpu, 1e-4 on webgl; Keras:
 * 1e-7), it has an extra `decay` option (lr / (1 + decay·t)) that Keras 3
 * does not have, and it keeps β1^t as a running product in float32 where
 * Keras computes the power at each step.
 */
import type { Tensor } from "../../core/tensor.js";
import { add, div, maximum, mul, sub } from "../../ops/binary.js";
import { abs } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { inRange, nonNegative, roundTo } from "./validate.js";

/** Options of {@link Adamax}. */
export interface AdamaxArgs extends OptimizerArgs {
  /** Decay of the first-moment average, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the infinity norm, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to the norm, >= 0. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adamax, as Keras 3 computes it. At step t (from 1):
 *
 *   m += (g − m)·(1 − β1)
 *   u = max(β2·u, |g|)
 *   w −= lr·m / ((1 − β1^t)·(u + ε))
 *
 * Options: `learningRate` (default 0.001), `beta1` (0.9), `beta2` (0.999),
 * `epsilon` (1e-7), and the shared options of {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([1], { dtype: "float64" });
 * const opt = new tg.optimizers.Adamax({ learningRate: 0.5, epsilon: 0 });
 * opt.applyGradients([[tg.tensor([4], undefined, "float64"), w]]);
 * // m = 0.4, u = 4: w −= 0.5 · 0.4 / (0.1 · 4).
 * console.log(w.data[0]!.toFixed(6)); // 0.500000
 * ```
 */
export class Adamax extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(args: AdamaxArgs = {}) {
    const w = "Adamax";
    const beta1 = inRange(w, "beta1", args.beta1 ?? 0.9, 0, 1, "[)");
    const beta2 = inRange(w, "beta2", args.beta2 ?? 0.999, 0, 1, "[)");
    const epsilon = nonNegative(w, "epsilon", args.epsilon ?? 1e-7);
    super(args, {
      learningRate: 0.001,
      name: "adamax",
      keys: ["beta1", "beta2", "epsilon"],
    });
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  override get className(): string {
    return "Adamax";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const t = this.iterations + 1;
    const r = (x: number) => roundTo(variable.dtype, x);
    const b1Power = r(r(this.beta1) ** t);

    const m = this.slot(variable, "momentum");
    const u = this.slot(variable, "norm");
    m.assignAdd(mul(sub(g, m), 1 - this.beta1));
    u.assign(maximum(mul(u, this.beta2), abs(g)));
    const denominator = mul(add(u, this.epsilon), 1 - b1Power);
    variable.assignSub(div(mul(m, lr), denominator));
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
