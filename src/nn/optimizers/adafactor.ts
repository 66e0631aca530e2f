// SPDX-License-Identifier: Apache-2.0
/**
 * Adafactor (Shazeer & Stern): second moments kept factored, as row and
 * column averages, for variables of rank >= 2.
 *
 * Differences from TensorFlow.js: TensorFlow.js has no Adafactor
 * optimizer.
 */
import type { Tensor } from "../../core/tensor.js";
import { add, div, mul } from "../../ops/binary.js";
import { zeros } from "../../ops/creation.js";
import { mean } from "../../ops/reduction.js";
import { expandDims } from "../../ops/shape.js";
import { sqrt, square } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Optimizer, type OptimizerArgs } from "./optimizer.js";
import { boolean, finite, nonNegative, positive } from "./validate.js";

/** Options of {@link Adafactor}. */
export interface AdafactorArgs extends OptimizerArgs {
  /** The decay exponent of β2: β2_t = 1 − t^beta2Decay. Default −0.8. */
  beta2Decay?: number;
  /** Added to g², >= 0. Default 1e-30. */
  epsilon1?: number;
  /** The least scale of a step (rms of w), >= 0. Default 1e-3. */
  epsilon2?: number;
  /** The rms an update is clipped to, > 0. Default 1. */
  clipThreshold?: number;
  /** Cap the rate at 1/√t. Default true (see the class doc). */
  relativeStep?: boolean;
}

function rms(x: Tensor): number {
  return Math.sqrt(mean(square(x)).item());
}

/**
 * Adafactor, as Keras 3 computes it. At step t (from 1), with
 * ρ_t = min(lr, 1/√t), α_t = max(ε2, rms(w))·ρ_t, β_t = 1 − t^beta2Decay
 * and G = g² + ε1:
 *
 *   rank >= 2: r = β_t·r + (1 − β_t)·mean(G, −1)
 *              c = β_t·c + (1 − β_t)·mean(G, −2)
 *              v = (r / mean(r, −1))[..., None] · c[..., None, :]
 *   rank < 2:  v = β_t·v + (1 − β_t)·G
 *   u = g / √v;  û = u / max(1, rms(u) / clipThreshold)
 *   w −= α_t·û
 *
 * Keras caps the rate at 1/√t twice, once when `relativeStep` is set and
 * the rate is a constant, and again in ρ_t always, so `relativeStep` does
 * not change the update; it is kept for the config. Options:
 * `learningRate` (default 0.001), `beta2Decay` (−0.8), `epsilon1`
 * (1e-30), `epsilon2` (1e-3), `clipThreshold` (1), `relativeStep` (true),
 * and the shared options of {@link OptimizerArgs}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([[1, 2], [3, 4]]);
 * const opt = new tg.optimizers.Adafactor({ learningRate: 0.1 });
 * opt.applyGradients([[tg.ones([2, 2]), w]]);
 * // Each weight moves by rms(w)·0.1 = 0.27386.
 * console.log(Array.from(w.data, (x) => x.toFixed(4)));
 * // [ '0.7261', '1.7261', '2.7261', '3.7261' ]
 * ```
 */
export class Adafactor extends Optimizer {
  readonly beta2Decay: number;
  readonly epsilon1: number;
  readonly epsilon2: number;
  readonly clipThreshold: number;
  readonly relativeStep: boolean;

  constructor(args: AdafactorArgs = {}) {
    const w = "Adafactor";
    const beta2Decay = finite(w, "beta2Decay", args.beta2Decay ?? -0.8);
    const epsilon1 = nonNegative(w, "epsilon1", args.epsilon1 ?? 1e-30);
    const epsilon2 = nonNegative(w, "epsilon2", args.epsilon2 ?? 1e-3);
    const clip = positive(w, "clipThreshold", args.clipThreshold ?? 1);
    const relative = boolean(w, "relativeStep", args.relativeStep ?? true);
    super(args, {
      learningRate: 0.001,
      name: "adafactor",
      keys: [
        "beta2Decay",
        "epsilon1",
        "epsilon2",
        "clipThreshold",
        "relativeStep",
      ],
    });
    this.beta2Decay = beta2Decay;
    this.epsilon1 = epsilon1;
    this.epsilon2 = epsilon2;
    this.clipThreshold = clip;
    this.relativeStep = relative;
  }

  override get className(): string {
    return "Adafactor";
  }

  protected updateStep(g: Tensor, variable: Variable, lr: number): void {
    const t = this.iterations + 1;
    const rhoT = Math.min(lr, 1 / Math.sqrt(t));
    const alphaT = Math.max(this.epsilon2, rms(variable)) * rhoT;
    const regulated = add(square(g), this.epsilon1);
    const beta = 1 - t ** this.beta2Decay;
    const v = this.slot(variable, "velocity");

    if (variable.rank >= 2) {
      const shape = variable.shape;
      const dtype = variable.dtype;
      const r = this.slot(variable, "r", () =>
        zeros(shape.slice(0, -1), dtype),
      );
      const cShape = [...shape.slice(0, -2), shape[shape.length - 1]!];
      const c = this.slot(variable, "c", () => zeros(cShape, dtype));
      r.assign(add(mul(r, beta), mul(mean(regulated, -1), 1 - beta)));
      c.assign(add(mul(c, beta), mul(mean(regulated, -2), 1 - beta)));
      const rowScale = expandDims(div(r, mean(r, -1, true)), -1);
      v.assign(mul(rowScale, expandDims(c, -2)));
    } else {
      v.assign(add(mul(v, beta), mul(regulated, 1 - beta)));
    }

    const u = div(g, sqrt(v));
    const uHat = div(u, Math.max(1, rms(u) / this.clipThreshold));
    variable.assignSub(mul(uHat, alphaT));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      beta2Decay: this.beta2Decay,
      epsilon1: this.epsilon1,
      epsilon2: this.epsilon2,
      clipThreshold: this.clipThreshold,
      relativeStep: this.relativeStep,
    };
  }
}
