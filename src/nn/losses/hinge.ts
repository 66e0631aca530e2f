// SPDX-License-Identifier: Apache-2.0
/**
 * Hinge losses, with Keras 3's formulas: hinge, squared hinge and
 * categorical hinge. Hinge and squared hinge take labels in {−1, 1}; when
 * every label is 0 or 1 they are mapped to −1 and 1 first, as in Keras.
 */
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { add, maximum, mul, sub } from "../../ops/binary.js";
import { max, sum } from "../../ops/reduction.js";
import { square } from "../../ops/unary.js";
import { Loss, type LossArgs } from "./loss.js";
import { lastAxisMean } from "./regression.js";
import { pair } from "./util.js";

/** Labels in {0, 1} become {−1, 1}; other labels stay as they are. */
function signedLabels(t: Tensor): Tensor {
  for (const v of t.data) if (v !== 0 && v !== 1) return t;
  return sub(mul(t, 2), 1);
}

/** max(1 − t·p, 0), with binary labels mapped to ±1. */
function margins(yTrue: TensorLike, yPred: TensorLike, where: string): Tensor {
  const [t, p] = pair(yTrue, yPred, where);
  return maximum(sub(1, mul(signedLabels(t), p)), 0);
}

/**
 * Hinge loss per sample: `mean(max(1 − yTrue · yPred, 0), axis = −1)`,
 * labels in {−1, 1} (or {0, 1}, mapped to them).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.hinge([[1, 0]], [[0.5, -2]]).toArray()); // [ 0.25 ]
 * ```
 */
export function hinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return lastAxisMean(margins(yTrue, yPred, "hinge"));
}

/**
 * Squared hinge loss per sample:
 * `mean(max(1 − yTrue · yPred, 0)², axis = −1)`, labels in {−1, 1} (or
 * {0, 1}, mapped to them).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.squaredHinge([[1, -1]], [[0.5, 0]]).toArray()); // [ 0.625 ]
 * ```
 */
export function squaredHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return lastAxisMean(square(margins(yTrue, yPred, "squaredHinge")));
}

/**
 * Categorical hinge loss per sample, with one-hot labels:
 * `max(neg − pos + 1, 0)` where `pos = Σ yTrue · yPred` and
 * `neg = max((1 − yTrue) · yPred)` over the last axis.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.categoricalHinge([[0, 1, 0]], [[0.5, 1, 0.2]]).toArray());
 * // [ 0.5 ]
 * ```
 */
export function categoricalHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const [t, p] = pair(yTrue, yPred, "categoricalHinge");
  const pos = sum(mul(t, p), -1);
  const neg = max(mul(sub(1, t), p), -1);
  return maximum(add(sub(neg, pos), 1), 0);
}

/**
 * The hinge loss, reduced over the batch: `max(1 − yTrue · yPred, 0)`,
 * the mean over the last axis. Default name "hinge".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.Hinge();
 * console.log(loss.call([[1], [-1]], [[0.5], [0.5]]).item()); // 1
 * ```
 */
export class Hinge extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "hinge", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return hinge(yTrue, yPred);
  }
}

/**
 * The squared hinge loss, reduced over the batch:
 * `max(1 − yTrue · yPred, 0)²`, the mean over the last axis. Default name
 * "squared_hinge".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.SquaredHinge();
 * console.log(loss.call([[1], [-1]], [[0.5], [0.5]]).item()); // 1.25
 * ```
 */
export class SquaredHinge extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "squared_hinge", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return squaredHinge(yTrue, yPred);
  }
}

/**
 * The categorical hinge loss, reduced over the batch (see
 * {@link categoricalHinge}). Default name "categorical_hinge".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.CategoricalHinge();
 * console.log(loss.call([[0, 1], [1, 0]], [[0, 2], [1, 1]]).item()); // 0.5
 * ```
 */
export class CategoricalHinge extends Loss {
  constructor(args: LossArgs = {}) {
    super(args, "categorical_hinge", []);
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return categoricalHinge(yTrue, yPred);
  }
}
