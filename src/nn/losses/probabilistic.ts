// SPDX-License-Identifier: Apache-2.0
/**
 * Losses between distributions and counts, with Keras 3's formulas:
 * Kullback-Leibler divergence and Poisson.
 */
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { add, div, mul, sub } from "../../ops/binary.js";
import { sum } from "../../ops/reduction.js";
import { clip } from "../../ops/select.js";
import { log } from "../../ops/unary.js";
import { Loss, type LossArgs } from "./loss.js";
import { lastAxisMean } from "./regression.js";
import { EPSILON, pair } from "./util.js";

/**
 * Kullback-Leibler divergence per sample: with both sides clipped to
 * [1e-7, 1], `Σ yTrue · log(yTrue / yPred)` over the last axis.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const yPred = tg.tensor([[0.5, 0.5]], undefined, "float64");
 * console.log(tg.losses.klDivergence([[1, 0]], yPred).toArray());
 * // [ 0.6931456380650982 ]
 * ```
 */
export function klDivergence(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t0, p0] = pair(yTrue, yPred, "klDivergence");
  const t = clip(t0, EPSILON, 1);
  const p = clip(p0, EPSILON, 1);
  const terms = mul(t, log(div(t, p)));
  return t.rank === 0 && p.rank === 0 ? terms : sum(terms, -1);
}

/**
 * Poisson loss per sample: `mean(yPred − yTrue · log(yPred + 1e-7))` over
 * the last axis.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const yPred = tg.tensor([[1, 1]], undefined, "float64");
 * console.log(tg.losses.poisson([[0, 2]], yPred).toArray()); // [ 0.9999999000000049 ]
 * ```
 */
export function poisson(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred, "poisson");
  return lastAxisMean(sub(p, mul(t, log(add(p, EPSILON)))));
}

/**
 * The Kullback-Leibler divergence, reduced over the batch:
 * `Σ yTrue · log(yTrue / yPred)` with both clipped to [1e-7, 1]. Default
 * name "kl_divergence".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.KLDivergence();
 * console.log(loss.call([[0.5, 0.5]], [[0.5, 0.5]]).item()); // 0
 * ```
 */
export class KLDivergence extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "kl_divergence", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return klDivergence(yTrue, yPred);
  }
}

/**
 * The Poisson loss, reduced over the batch:
 * `mean(yPred − yTrue · log(yPred + 1e-7))`. Default name "poisson".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.Poisson({ reduction: "sum" });
 * console.log(loss.call([[0], [0]], [[1], [2]]).item()); // 3
 * ```
 */
export class Poisson extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "poisson", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return poisson(yTrue, yPred);
  }
}
