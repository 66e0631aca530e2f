// SPDX-License-Identifier: Apache-2.0
/**
 * The per-sample functions behind the regression, probabilistic and hinge
 * metrics. As in Keras, where `keras.metrics.binary_crossentropy` is
 * `keras.losses.binary_crossentropy`, the metrics use the loss functions
 * of tg.losses (src/nn/losses/), re-exported here; only the cosine
 * similarity differs: the metric is positive, the loss its negative.
 *
 * The loss functions compute in the dtype of yPred (integers become
 * float32), so float64 inputs give float64 values; Keras computes in
 * float32.
 */
import { normalizeAxis } from "../../core/shape.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { minimum, mul } from "../../ops/binary.js";
import { sum } from "../../ops/reduction.js";
import { rsqrt, square } from "../../ops/unary.js";
import {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from "../losses/regression.js";
import { EPSILON, floatPair } from "./utils.js";

export {
  meanSquaredError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  logCosh,
} from "../losses/regression.js";
export {
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  type CrossentropyOptions,
  type SparseCrossentropyOptions,
} from "../losses/crossentropy.js";
export { hinge, squaredHinge, categoricalHinge } from "../losses/hinge.js";
export { klDivergence, poisson } from "../losses/probabilistic.js";

/**
 * Short name of {@link meanSquaredError}, as TensorFlow.js's and Keras's
 * legacy alias.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.mse([[0, 0]], [[1, 3]]).toArray()); // [ 5 ]
 * ```
 */
export const mse = meanSquaredError;

/**
 * Short name of {@link meanAbsoluteError}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.mae([[0, 0]], [[1, 3]]).toArray()); // [ 2 ]
 * ```
 */
export const mae = meanAbsoluteError;

/**
 * Short name of {@link meanAbsolutePercentageError}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.mape([[2, 4]], [[1, 4]]).toArray()); // [ 25 ]
 * ```
 */
export const mape = meanAbsolutePercentageError;

/**
 * Short name of {@link meanSquaredLogarithmicError}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.msle([[1, 1]], [[1, 1]]).toArray()); // [ 0 ]
 * ```
 */
export const msle = meanSquaredLogarithmicError;

/** Keras's ops.normalize (L2): x · min(1/‖x‖, 1/ε). */
function l2Normalize(x: Tensor, axis: number): Tensor {
  const inv = rsqrt(sum(square(x), axis, true));
  return mul(x, minimum(inv, 1 / EPSILON));
}

/**
 * Cosine similarity per sample: `Σ (yTrue/‖yTrue‖)·(yPred/‖yPred‖)` along
 * `axis` (default −1), with ‖x‖ floored at ε as Keras's normalize does (a
 * zero vector gives 0). Positive, as Keras's metric; Keras's loss and
 * TensorFlow.js's `tf.metrics.cosineProximity` are its negative.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.cosineSimilarity([[0, 2], [3, 0]], [[0, 1], [0, 1]]).toArray()); // [ 1, 0 ]
 * ```
 */
export function cosineSimilarity(
  yTrue: TensorLike,
  yPred: TensorLike,
  axis = -1,
): Tensor {
  const [t, p] = floatPair(yTrue, yPred, "cosineSimilarity");
  const rank = Math.max(t.rank, p.rank);
  const a = normalizeAxis(axis, rank, "cosineSimilarity");
  return sum(mul(l2Normalize(t, a), l2Normalize(p, a)), a);
}
