// SPDX-License-Identifier: Apache-2.0
/**
 * Metrics: `tg.metrics`. Stateful metrics (`updateState`, `result`,
 * `resetState`) with Keras 3's formulas and defaults, their per-sample
 * function forms, and `get` by Keras's names.
 */
export {
  Metric,
  type MetricArgs,
  type MetricDirection,
  type SampleWeight,
} from "./metric.js";
export {
  Mean,
  Sum,
  MeanMetricWrapper,
  type MeanMetricWrapperArgs,
  type MetricFunction,
} from "./reduction.js";
export {
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  topKCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  type BinaryAccuracyArgs,
  type TopKArgs,
  type SparseTopKArgs,
} from "./accuracy.js";
export {
  meanSquaredError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  logCosh,
  cosineSimilarity,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  hinge,
  squaredHinge,
  categoricalHinge,
  klDivergence,
  poisson,
  mse,
  mae,
  mape,
  msle,
  type CrossentropyOptions,
  type SparseCrossentropyOptions,
} from "./functions.js";
export {
  MeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  RootMeanSquaredError,
  LogCoshError,
  CosineSimilarity,
  R2Score,
  type CosineSimilarityArgs,
  type R2ScoreArgs,
  type R2ClassAggregation,
} from "./regression.js";
export {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  KLDivergence,
  Poisson,
  type CrossentropyArgs,
  type CategoricalCrossentropyArgs,
  type SparseCategoricalCrossentropyArgs,
} from "./probabilistic.js";
export { Hinge, SquaredHinge, CategoricalHinge } from "./hinge.js";
export {
  TruePositives,
  FalsePositives,
  TrueNegatives,
  FalseNegatives,
  Precision,
  Recall,
  type Thresholds,
  type ThresholdsArgs,
  type PrecisionRecallArgs,
} from "./confusion.js";
export {
  AUC,
  type AUCArgs,
  type AUCCurve,
  type AUCSummationMethod,
} from "./auc.js";
export {
  FBetaScore,
  F1Score,
  type FBetaScoreArgs,
  type F1ScoreArgs,
  type FScoreAverage,
} from "./fscore.js";
export {
  IoU,
  MeanIoU,
  BinaryIoU,
  OneHotIoU,
  OneHotMeanIoU,
  type IoUArgs,
  type IoUBaseArgs,
  type MeanIoUArgs,
  type BinaryIoUArgs,
  type OneHotIoUArgs,
  type OneHotMeanIoUArgs,
} from "./iou.js";
export {
  get,
  resolveAccuracy,
  rename,
  METRIC_NAMES,
  type MetricIdentifier,
  type MetricConfig,
} from "./get.js";
