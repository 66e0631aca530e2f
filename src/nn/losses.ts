// SPDX-License-Identifier: Apache-2.0
/**
 * Losses, in Keras 3's two forms: a function that gives one loss per sample
 * (`meanSquaredError(yTrue, yPred)`, mean over the last axis), and a class
 * whose `call` weighs and reduces those values to a scalar (by default
 * "sum_over_batch_size": the sum divided by the number of values).
 *
 * Where Keras casts to float32 (its floatx), tensorgrad computes in the
 * dtype of yPred, so float64 models keep float64 losses.
 */
import { isFloat } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { abs, square } from "../ops/unary.js";
import { div, mul, sub } from "../ops/binary.js";
import { cast } from "../ops/cast.js";
import { toTensor } from "../ops/convert.js";
import { mean, sum } from "../ops/reduction.js";
import { squeeze, expandDims } from "../ops/shape.js";

/** How a loss class reduces per-sample values. */
export type Reduction = "sum_over_batch_size" | "sum" | "mean" | "none";

const REDUCTIONS: readonly Reduction[] = [
  "sum_over_batch_size",
  "sum",
  "mean",
  "none",
];

/** Options every loss class takes. */
export interface LossArgs {
  /** Default "sum_over_batch_size", as Keras. */
  reduction?: Reduction;
  /** A name; default the snake_case function name. */
  name?: string;
}

/** Converts the pair, yTrue cast to yPred's dtype. */
function pair(
  yTrue: TensorLike,
  yPred: TensorLike,
  where: string,
): [Tensor, Tensor] {
  let p = toTensor(yPred, where);
  if (!isFloat(p.dtype)) p = cast(p, "float32");
  const t = cast(toTensor(yTrue, where, p.dtype), p.dtype);
  return sameRank(t, p);
}

/**
 * Keras's squeeze_or_expand_to_same_rank: when ranks differ by one and the
 * larger has a last dimension of 1, squeeze it, except that a rank-1
 * partner is expanded instead (labels [batch] against predictions
 * [batch, 1] keep one loss per sample); otherwise broadcast.
 */
function sameRank(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 ? [a, expandDims(b, -1)] : [squeeze(a, -1), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 ? [expandDims(a, -1), b] : [a, squeeze(b, -1)];
  }
  return [a, b];
}

function lastAxisMean(x: Tensor): Tensor {
  return x.rank === 0 ? x : mean(x, -1);
}

/**
 * Mean squared error per sample: mean((yTrue − yPred)², axis = −1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.meanSquaredError([[0, 1]], [[1, 1]]).toArray()); // [ 0.5 ]
 * ```
 */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred, "meanSquaredError");
  return lastAxisMean(square(sub(t, p)));
}

/**
 * Mean absolute error per sample: mean(|yTrue − yPred|, axis = −1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.meanAbsoluteError([[0, 1]], [[2, 1]]).toArray()); // [ 1 ]
 * ```
 */
export function meanAbsoluteError(
  yTrue: TensorLike,
  yPred: TensorLike,
): Tensor {
  const [t, p] = pair(yTrue, yPred, "meanAbsoluteError");
  return lastAxisMean(abs(sub(t, p)));
}

/**
 * Keras's short name for {@link meanSquaredError}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.mse([[0, 0]], [[1, 3]]).toArray()); // [ 5 ]
 * ```
 */
export const mse = meanSquaredError;

/**
 * Keras's short name for {@link meanAbsoluteError}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.mae([[0, 0]], [[1, 3]]).toArray()); // [ 2 ]
 * ```
 */
export const mae = meanAbsoluteError;

/** Weighs per-sample losses and reduces them as Keras 3 does. @internal */
export function reduceLosses(
  values: Tensor,
  sampleWeight: TensorLike | undefined,
  reduction: Reduction,
): Tensor {
  let v = values;
  if (sampleWeight !== undefined) {
    let w = cast(toTensor(sampleWeight, "loss", v.dtype), v.dtype);
    while (w.rank > v.rank && w.shape[w.rank - 1] === 1) w = squeeze(w, -1);
    while (w.rank < v.rank) w = expandDims(w, -1);
    v = mul(v, w);
  }
  if (reduction === "none" || v.rank === 0) return v;
  const total = sum(v);
  if (reduction === "sum") return total;
  return v.size === 0 ? mul(total, 0) : div(total, v.size);
}

/**
 * The base of loss classes: `call(yTrue, yPred, sampleWeight?)` gives the
 * reduced loss.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.MeanSquaredError({ reduction: "sum" });
 * console.log(loss.call([[0], [0]], [[1], [2]]).item()); // 5
 * ```
 */
export abstract class Loss {
  readonly reduction: Reduction;
  readonly name: string;

  constructor(args: LossArgs = {}, defaultName: string) {
    const reduction = args.reduction ?? "sum_over_batch_size";
    if (!REDUCTIONS.includes(reduction)) {
      throw new ValueError(
        `${this.constructor.name}: expected reduction to be one of ` +
          `${show(REDUCTIONS)}, got reduction=${show(reduction)}`,
      );
    }
    this.reduction = reduction;
    this.name = args.name ?? defaultName;
  }

  /** The per-sample losses. */
  abstract fn(yTrue: TensorLike, yPred: TensorLike): Tensor;

  /** The loss, weighed by `sampleWeight` and reduced. */
  call(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: TensorLike,
  ): Tensor {
    return reduceLosses(this.fn(yTrue, yPred), sampleWeight, this.reduction);
  }

  /** Keras's config keys. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: this.reduction };
  }
}

/**
 * The mean of squared differences, reduced over the batch.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.MeanSquaredError();
 * console.log(loss.call([[0, 1], [0, 0]], [[1, 1], [1, 0]]).item()); // 0.5
 * ```
 */
export class MeanSquaredError extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "mean_squared_error");
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return meanSquaredError(yTrue, yPred);
  }
}

/**
 * The mean of absolute differences, reduced over the batch.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.MeanAbsoluteError();
 * console.log(loss.call([[0, 1]], [[2, 1]]).item()); // 1
 * ```
 */
export class MeanAbsoluteError extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "mean_absolute_error");
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return meanAbsoluteError(yTrue, yPred);
  }
}
