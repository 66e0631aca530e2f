// SPDX-License-Identifier: Apache-2.0
/**
 * Nadam: Adam with Nesterov momentum (Dozat), with Keras's momentum
 * schedule μ_t = β1·(1 − ½·0.96^t).
 *
 * Differences from TensorFlow.js: TensorFlow.js has no Nadam optimizer.
 */
import type { Tensor } from "../../core/tensor.js";
import { add, div, mul, sub } from "../../ops/binary.js";
import { sqrt, square } from "../../ops/unary.js";
import { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { inRange, nonNegative, roundTo } from "./validate.js";

/** Options of {@link Nadam}. */
export interface NadamArgs extends OptimizerArgs {
  /** Decay of the first-moment average, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to √v̂, >= 0. Default 1e-7. */
  epsilon?: number;
}

/**
 * Nadam, as Keras 3 computes it. At step t (from 1), with
 * μ_t = β1·(1 − ½·0.96^t) and the running product Π_t = μ_1···μ_t:
 *
 *   m += (g − m)·(1 − β1)
 *   v += (g² − v)·(1 − β2)
 *   m̂ = μ_{t+1}·m / (1 − Π_t·μ_{t+1}) + (1 − μ_t)·g / (1 − Π_t)
 *   v̂ = v / (1 − β2^t)
 *   w −= lr·m̂ / (√v̂ + ε)
 *
 * Π_t is one optimizer variable, in the dtype of the first variable
 * stepped (as Keras builds it). Options: `learningRate` (default 0.001),
 * `beta1` (0.9), `beta2` (0.999), `epsilon` (1e-7), and the shared options
 * of {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([1, 1]);
 * const opt = new tg.optimizers.Nadam({ learningRate: 0.1 });
 * opt.applyGradients([[tg.tensor([1, -1]), w]]);
 * console.log(Array.from(w.data, (x) => x.toFixed(3))); // [ '0.894', '1.106' ]
 * ```
 */
export class Nadam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(args: NadamArgs = {}) {
    const w = "Nadam";
    const beta1 = inRange(w, "beta1", args.beta1 ?? 0.9, 0, 1, "[)");
    const beta2 = inRange(w, "beta2", args.beta2 ?? 0.999, 0, 1, "[)");
    const epsilon = nonNegative(w, "epsilon", args.epsilon ?? 1e-7);
    super(args, {
      learningRate: 0.001,
      name: "nadam",
      keys: ["beta1", "beta2", "epsilon"],
    });
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  override get className(): string {
    return "Nadam";
  }

  #uProduct(dtype: Variable["dtype"]): Variable {
    return this.ownVariable(
      "u_product",
      () => new Variable(1, { name: `${this.name}/u_product`, dtype }),
    );
  }

  /** 1 − ½·0.96^t, rounded as Keras computes it in `dtype`. */
  #factor(t: number, dtype: Variable["dtype"]): number {
    const r = (x: number) => roundTo(dtype, x);
    return r(1 - 0.5 * r(r(0.96) ** t));
  }

  /** μ_t = β1·(1 − ½·0.96^t) in `dtype`. */
  #mu(t: number, dtype: Variable["dtype"]): number {
    return roundTo(dtype, roundTo(dtype, this.beta1) * this.#factor(t, dtype));
  }

  protected override beforeUpdates(variables: readonly Variable[]): void {
    const p = this.#uProduct(variables[0]!.dtype);
    const t = this.iterations + 1;
    p.assign(mul(mul(p, this.beta1), this.#factor(t, p.dtype)));
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const dtype = variable.dtype;
    const t = this.iterations + 1;
    const uT = this.#mu(t, dtype);
    const uNext = this.#mu(t + 1, dtype);
    const product = roundTo(dtype, this.#uProduct(dtype).item());
    const productNext = roundTo(dtype, product * uNext);
    // Keras casts β1 and β2 to the variable's dtype before 1 − β (unlike
    // Adam, which subtracts in double): 1 − float32(0.999) is 1.3e-5 away
    // from float32(1 − 0.999).
    const b1 = roundTo(dtype, this.beta1);
    const b2 = roundTo(dtype, this.beta2);
    const b2Power = roundTo(dtype, b2 ** t);

    const m = this.slot(variable, "momentum");
    const v = this.slot(variable, "velocity");
    m.assignAdd(mul(sub(g, m), roundTo(dtype, 1 - b1)));
    v.assignAdd(mul(sub(square(g), v), roundTo(dtype, 1 - b2)));
    const mHat = add(
      div(mul(m, uNext), 1 - productNext),
      div(mul(g, 1 - uT), 1 - product),
    );
    const vHat = div(v, 1 - b2Power);
    variable.assignSub(div(mul(mHat, lr), add(sqrt(vHat), this.epsilon)));
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
