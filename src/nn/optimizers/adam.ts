// SPDX-License-Identifier: Apache-2.0
/**
 * Adam, with the AMSGrad variant.
 *
 * Differences from TensorFlow.js (`tf.train.adam`):
 * - Epsilon placement. Keras adds epsilon to √v before the bias
 *   correction ("epsilon hat" in Kingma & Ba): w −= α_t·m / (√v + ε) with
 *   α_t = lr·√(1 − β2^t) / (1 − β1^t). TensorFlow.js adds it after:
 *   w −= lr·m̂ / (√v̂ + ε), which equals Keras's update with ε replaced by
 *   ε·√(1 − β2^t); early steps (small t) differ most.
 * - TensorFlow.js has no `amsgrad`.
 * - TensorFlow.js's default epsilon is its backend's (1e-7 on cpu, 1e-4 on
 *   webgl); Keras's is 1e-7 everywhere.
 * - TensorFlow.js keeps β^t as a running product in float32; Keras, and
 *   tensorgrad, compute the power at each step.
 */
import type { Tensor } from "../../core/tensor.js";
import { add, div, maximum, mul, sub } from "../../ops/binary.js";
import { sqrt, square } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, classNameOf, type OptimizerArgs } from "./optimizer.js";
import { boolean, inRange, nonNegative, roundTo } from "./validate.js";

/** Options of {@link Adam}. */
export interface AdamArgs extends OptimizerArgs {
  /** Decay of the first-moment average, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to √v ("epsilon hat"), >= 0. Default 1e-7. */
  epsilon?: number;
  /** Use the running maximum of v (AMSGrad). Default false. */
  amsgrad?: boolean;
}

function adamOptions(where: string, args: AdamArgs) {
  return {
    beta1: inRange(where, "beta1", args.beta1 ?? 0.9, 0, 1, "[)"),
    beta2: inRange(where, "beta2", args.beta2 ?? 0.999, 0, 1, "[)"),
    epsilon: nonNegative(where, "epsilon", args.epsilon ?? 1e-7),
    amsgrad: boolean(where, "amsgrad", args.amsgrad ?? false),
  };
}

const ADAM_KEYS = ["beta1", "beta2", "epsilon", "amsgrad"] as const;

/**
 * Adam, as Keras 3 computes it. At step t (from 1):
 *
 *   m += (g − m)·(1 − β1)
 *   v += (g² − v)·(1 − β2)
 *   v̂ = max(v̂, v) and use v̂ for v       (amsgrad only)
 *   w −= m·α_t / (√v + ε),   α_t = lr·√(1 − β2^t) / (1 − β1^t)
 *
 * Options: `learningRate` (default 0.001), `beta1` (0.9), `beta2` (0.999),
 * `epsilon` (1e-7), `amsgrad` (false), and the shared options of
 * {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([1, -1], { dtype: "float64" });
 * const adam = new tg.optimizers.Adam({ learningRate: 0.1, epsilon: 0 });
 * adam.applyGradients([[tg.tensor([3, -0.5], undefined, "float64"), w]]);
 * // The first step moves each weight by lr against the gradient's sign.
 * console.log(Array.from(w.data, (x) => x.toFixed(4))); // [ '0.9000', '-0.9000' ]
 * ```
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(args: AdamArgs = {}) {
    const own = adamOptions(classNameOf(new.target), args);
    super(args, { learningRate: 0.001, name: "adam", keys: ADAM_KEYS });
    this.beta1 = own.beta1;
    this.beta2 = own.beta2;
    this.epsilon = own.epsilon;
    this.amsgrad = own.amsgrad;
  }

  override get className(): string {
    return "Adam";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    // α_t, rounded after each operation as Keras computes it in the
    // variable's dtype.
    const r = (x: number) => roundTo(variable.dtype, x);
    const t = this.iterations + 1;
    const b1Power = r(r(this.beta1) ** t);
    const b2Power = r(r(this.beta2) ** t);
    const alpha = r(r(lr * r(Math.sqrt(r(1 - b2Power)))) / r(1 - b1Power));

    const m = this.slot(variable, "momentum");
    let v = this.slot(variable, "velocity");
    m.assignAdd(mul(sub(g, m), 1 - this.beta1));
    v.assignAdd(mul(sub(square(g), v), 1 - this.beta2));
    if (this.amsgrad) {
      const vHat = this.slot(variable, "velocity_hat");
      vHat.assign(maximum(vHat, v));
      v = vHat;
    }
    variable.assignSub(div(mul(m, alpha), add(sqrt(v), this.epsilon)));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      amsgrad: this.amsgrad,
    };
  }
}
