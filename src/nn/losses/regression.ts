// SPDX-License-Identifier: Apache-2.0
/**
 * Regression losses, with Keras 3's formulas: mean squared, absolute,
 * absolute percentage and squared logarithmic errors, Huber, log-cosh and
 * cosine similarity. Each has a function form (one value per sample, the
 * mean over the last axis) and a class that reduces those values.
 */
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { broadcastShapes, shapesEqual } from "../../core/shape.js";
import {
  add,
  lessEqual,
  maximum,
  minimum,
  mul,
  sub,
} from "../../ops/binary.js";
import { scalarOf } from "../../ops/convert.js";
import { mean, sum } from "../../ops/reduction.js";
import { where } from "../../ops/select.js";
import { broadcastTo } from "../../ops/shape.js";
import { abs, log, neg, rsqrt, square } from "../../ops/unary.js";
import { softplus } from "../activations.js";
import { Loss, type LossArgs } from "./loss.js";
import { EPSILON, axisIn, checkAxisOption, checkNumber, pair } from "./util.js";

/** The mean over the last axis (a scalar stays as it is). @internal */
export function lastAxisMean(x: Tensor): Tensor {
  return x.rank === 0 ? x : mean(x, -1);
}

/**
 * Mean squared error per sample: `mean((yTrue − yPred)², axis = −1)`.
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
 * Mean absolute error per sample: `mean(|yTrue − yPred|, axis = −1)`.
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
 * Mean absolute percentage error per sample:
 * `100 · mean(|yTrue − yPred| / max(|yTrue|, ε), axis = −1)` with
 * ε = 1e-7, so that a zero target gives a large but finite value.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.meanAbsolutePercentageError([[2, 4]], [[1, 5]]).toArray());
 * // [ 37.5 ]
 * ```
 */
export function meanAbsolutePercentageError(
  yTrue: TensorLike,
  yPred: TensorLike,
): Tensor {
  const [t, p] = pair(yTrue, yPred, "meanAbsolutePercentageError");
  const ratio = abs(sub(t, p)).div(maximum(abs(t), EPSILON));
  return mul(lastAxisMean(ratio), 100);
}

/**
 * Mean squared logarithmic error per sample:
 * `mean((log(max(yPred, ε) + 1) − log(max(yTrue, ε) + 1))², axis = −1)`,
 * ε = 1e-7 (values below ε count as ε, as in Keras).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const e = Math.E - 1;
 * const v = tg.losses.meanSquaredLogarithmicError([[0]], tg.tensor([[e]], undefined, "float64"));
 * console.log(v.toArray()); // [ 0.9999998000000199 ]
 * ```
 */
export function meanSquaredLogarithmicError(
  yTrue: TensorLike,
  yPred: TensorLike,
): Tensor {
  const [t, p] = pair(yTrue, yPred, "meanSquaredLogarithmicError");
  const first = log(add(maximum(p, EPSILON), 1));
  const second = log(add(maximum(t, EPSILON), 1));
  return lastAxisMean(square(sub(first, second)));
}

function checkDelta(delta: unknown, where: string): number {
  return checkNumber(delta, "delta", where, (v) => v > 0, "> 0");
}

/**
 * Huber loss per sample: with e = yPred − yTrue,
 * `mean(|e| ≤ δ ? e² / 2 : δ·|e| − δ² / 2, axis = −1)`; quadratic near 0,
 * linear beyond δ (default 1, > 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.huber([[0, 0]], [[0.5, 3]]).toArray()); // [ 1.3125 ]
 * console.log(tg.losses.huber([[0]], [[3]], 2).toArray()); // [ 4 ]
 * ```
 */
export function huber(yTrue: TensorLike, yPred: TensorLike, delta = 1): Tensor {
  checkDelta(delta, "huber");
  const [t, p] = pair(yTrue, yPred, "huber");
  const d = scalarOf(delta, p.dtype);
  const error = sub(p, t);
  const absError = abs(error);
  const quadratic = mul(square(error), 0.5);
  const linear = sub(mul(d, absError), mul(square(d), 0.5));
  return lastAxisMean(where(lessEqual(absError, d), quadratic, linear));
}

/**
 * Log-cosh per sample: `mean(log(cosh(yPred − yTrue)), axis = −1)`,
 * computed stably as `x + softplus(−2x) − log 2`. Close to x² / 2 for
 * small errors and to |x| − log 2 for large ones.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const v = tg.losses.logCosh([[0, 0]], tg.tensor([[1, -1]], undefined, "float64"));
 * console.log(v.toArray()); // [ 0.4337808304830273 ]
 * ```
 */
export function logCosh(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred, "logCosh");
  const x = sub(p, t);
  return lastAxisMean(sub(add(x, softplus(mul(x, -2))), Math.LN2));
}

/** Keras's l2-normalize: x · min(1 / sqrt(Σ x²), 1 / ε) along `axis`. */
export function l2Normalize(x: Tensor, axis: number | number[]): Tensor {
  const inverse = rsqrt(sum(square(x), axis, true));
  return mul(x, minimum(inverse, 1 / EPSILON));
}

/**
 * Cosine similarity per sample, as a loss: `−Σ (ŷTrue · ŷPred)` along
 * `axis` (default −1) with ŷ the l2-normalised vectors. −1 for vectors
 * pointing the same way, 0 for orthogonal ones (or a zero vector), 1 for
 * opposite ones.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const v = tg.losses.cosineSimilarity([[0, 1], [1, 1]], [[1, 0], [-2, -2]]);
 * console.log(v.toArray()); // [ -0, 0.9999999403953552 ]
 * ```
 */
export function cosineSimilarity(
  yTrue: TensorLike,
  yPred: TensorLike,
  axis = -1,
): Tensor {
  checkAxisOption(axis, "cosineSimilarity");
  let [t, p] = pair(yTrue, yPred, "cosineSimilarity");
  const shape = broadcastShapes(t.shape, p.shape, "cosineSimilarity");
  if (!shapesEqual(t.shape, shape)) t = broadcastTo(t, shape);
  if (!shapesEqual(p.shape, shape)) p = broadcastTo(p, shape);
  const a = axisIn(axis, shape.length, "cosineSimilarity");
  return neg(sum(mul(l2Normalize(t, a), l2Normalize(p, a)), a));
}

// ---------------------------------------------------------------------------
// Classes

/**
 * The mean of squared differences, reduced over the batch:
 * `mean((yTrue − yPred)²)`. Default name "mean_squared_error".
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
    super(args, "mean_squared_error", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return meanSquaredError(yTrue, yPred);
  }
}

/**
 * The mean of absolute differences, reduced over the batch:
 * `mean(|yTrue − yPred|)`. Default name "mean_absolute_error".
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
    super(args, "mean_absolute_error", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return meanAbsoluteError(yTrue, yPred);
  }
}

/**
 * The mean absolute percentage error, reduced over the batch:
 * `100 · mean(|yTrue − yPred| / max(|yTrue|, 1e-7))`. Default name
 * "mean_absolute_percentage_error".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.MeanAbsolutePercentageError();
 * console.log(loss.call([[2], [4]], [[1], [5]]).item()); // 37.5
 * ```
 */
export class MeanAbsolutePercentageError extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "mean_absolute_percentage_error", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return meanAbsolutePercentageError(yTrue, yPred);
  }
}

/**
 * The mean squared logarithmic error, reduced over the batch:
 * `mean((log(max(yPred, ε) + 1) − log(max(yTrue, ε) + 1))²)`, ε = 1e-7.
 * Default name "mean_squared_logarithmic_error".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.MeanSquaredLogarithmicError({ reduction: "none" });
 * console.log(loss.call([[3], [0]], [[3], [0]]).toArray()); // [ 0, 0 ]
 * ```
 */
export class MeanSquaredLogarithmicError extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "mean_squared_logarithmic_error", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return meanSquaredLogarithmicError(yTrue, yPred);
  }
}

/** Options of {@link Huber}. */
export interface HuberArgs extends LossArgs {
  /** Where the loss turns from quadratic to linear, > 0. Default 1. */
  delta?: number;
}

/**
 * The Huber loss, reduced over the batch: with e = yPred − yTrue,
 * `|e| ≤ δ ? e² / 2 : δ·|e| − δ² / 2`, the mean over the last axis. Default
 * δ = 1, name "huber_loss". Its config includes delta (Keras 3's
 * `get_config` leaves it out, so Keras's `from_config` forgets it).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.Huber({ delta: 0.5 });
 * console.log(loss.call([[0], [0]], [[0.5], [2]]).item()); // 0.5
 * ```
 */
export class Huber extends Loss {
  /** The threshold δ. */
  readonly delta: number;

  constructor(args: HuberArgs = {}) {
    super(args, "huber_loss", ["delta"]);
    this.delta = checkDelta(args.delta ?? 1, "Huber");
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return huber(yTrue, yPred, this.delta);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), delta: this.delta };
  }
}

/**
 * The log-cosh loss, reduced over the batch: `log(cosh(yPred − yTrue))`,
 * the mean over the last axis. Default name "log_cosh".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.LogCosh();
 * console.log(loss.call([[0]], [[0]]).item()); // 0
 * ```
 */
export class LogCosh extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "log_cosh", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return logCosh(yTrue, yPred);
  }
}

/** Options of {@link CosineSimilarity}. */
export interface CosineSimilarityArgs extends LossArgs {
  /** The axis of the vectors. Default −1. */
  axis?: number;
}

/**
 * The cosine similarity loss, reduced over the batch:
 * `−Σ (ŷTrue · ŷPred)` along `axis` (default −1), ŷ the l2-normalised
 * vectors. Default name "cosine_similarity". Its config includes axis
 * (Keras 3's leaves it out).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.CosineSimilarity();
 * console.log(loss.call([[3, 4]], [[6, 8]]).item()); // -1
 * ```
 */
export class CosineSimilarity extends Loss {
  /** The axis of the vectors. */
  readonly axis: number;

  constructor(args: CosineSimilarityArgs = {}) {
    super(args, "cosine_similarity", ["axis"]);
    this.axis = checkAxisOption(args.axis ?? -1, "CosineSimilarity");
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return cosineSimilarity(yTrue, yPred, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
