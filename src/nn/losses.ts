// SPDX-License-Identifier: Apache-2.0
/**
 * Losses, exported as `tg.losses`, in Keras 3's two forms: a function that
 * gives one loss per sample (`meanSquaredError(yTrue, yPred)`, mostly the
 * mean over the last axis), and a class whose `call(yTrue, yPred,
 * sampleWeight?)` weighs and reduces those values to a scalar (by default
 * "sum_over_batch_size": the sum divided by the number of values).
 *
 * The catalogue lives in ./losses/, one file per family: loss.ts (the
 * base class and the reductions), regression.ts, crossentropy.ts,
 * probabilistic.ts, hinge.ts, segmentation.ts, and registry.ts (names,
 * `get`, `serialize`).
 *
 * Where Keras casts to float32 (its floatx), tensorgrad computes in the
 * dtype of yPred, so float64 models keep float64 losses.
 */
export {
  Loss,
  REDUCTIONS,
  reduceLosses,
  reduceWeightedValues,
  type LossArgs,
  type LossValues,
  type Reduction,
} from "./losses/loss.js";
export * from "./losses/regression.js";
export * from "./losses/crossentropy.js";
export * from "./losses/probabilistic.js";
export * from "./losses/hinge.js";
export * from "./losses/segmentation.js";
export * from "./losses/registry.js";
