// SPDX-License-Identifier: Apache-2.0
/**
 * Metrics by name: `get(identifier)` as Keras 3's keras.metrics.get, and
 * the helpers compile needs (`resolveAccuracy`, `rename`).
 */
import { ValueError, show } from "../../core/errors.js";
import type { Shape } from "../../core/shape.js";
import {
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
} from "./accuracy.js";
import { AUC } from "./auc.js";
import {
  FalseNegatives,
  FalsePositives,
  Precision,
  Recall,
  TrueNegatives,
  TruePositives,
} from "./confusion.js";
import { F1Score, FBetaScore } from "./fscore.js";
import { CategoricalHinge, Hinge, SquaredHinge } from "./hinge.js";
import { BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU } from "./iou.js";
import { Metric, toSnakeCase } from "./metric.js";
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  KLDivergence,
  Poisson,
  SparseCategoricalCrossentropy,
} from "./probabilistic.js";
import {
  Mean,
  MeanMetricWrapper,
  Sum,
  type MetricFunction,
} from "./reduction.js";
import {
  CosineSimilarity,
  LogCoshError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredError,
  MeanSquaredLogarithmicError,
  R2Score,
  RootMeanSquaredError,
} from "./regression.js";

/** A serialized metric: its class name and constructor options. */
export interface MetricConfig {
  className: string;
  config?: Record<string, unknown>;
}

/**
 * What `get` accepts: a name ("accuracy", "mse", "AUC", ...), a metric
 * (returned as it is), a per-sample function (wrapped in a
 * MeanMetricWrapper), or `{ className, config }`.
 */
export type MetricIdentifier = string | Metric | MetricFunction | MetricConfig;

type MetricClass = new (args: never) => Metric;

/** Keras's ALL_OBJECTS, by class name. */
const CLASSES: Record<string, MetricClass> = {
  Mean,
  Sum,
  MeanMetricWrapper,
  MeanSquaredError,
  RootMeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  CosineSimilarity,
  LogCoshError,
  R2Score,
  AUC,
  FalseNegatives,
  FalsePositives,
  Precision,
  Recall,
  TrueNegatives,
  TruePositives,
  Hinge,
  SquaredHinge,
  CategoricalHinge,
  KLDivergence,
  Poisson,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  F1Score,
  FBetaScore,
  IoU,
  BinaryIoU,
  MeanIoU,
  OneHotIoU,
  OneHotMeanIoU,
};

/** Keras's short names, and "acc" (which Keras resolves only in compile). */
const ALIASES: Record<string, string> = {
  bce: "BinaryCrossentropy",
  BCE: "BinaryCrossentropy",
  mse: "MeanSquaredError",
  MSE: "MeanSquaredError",
  mae: "MeanAbsoluteError",
  MAE: "MeanAbsoluteError",
  mape: "MeanAbsolutePercentageError",
  MAPE: "MeanAbsolutePercentageError",
  msle: "MeanSquaredLogarithmicError",
  MSLE: "MeanSquaredLogarithmicError",
  acc: "Accuracy",
};

const BY_NAME: Record<string, string> = {};
for (const cls of Object.keys(CLASSES)) {
  BY_NAME[cls] = cls;
  BY_NAME[toSnakeCase(cls)] = cls;
}
Object.assign(BY_NAME, ALIASES);

/** Every snake_case name `get` knows, sorted. */
export const METRIC_NAMES: readonly string[] = Object.keys(CLASSES)
  .map(toSnakeCase)
  .concat(Object.keys(ALIASES).filter((a) => a === a.toLowerCase()))
  .sort();

function construct(className: string, config: unknown, given: unknown) {
  const cls = CLASSES[className];
  if (cls === undefined) {
    throw new ValueError(
      `metrics.get: unknown metric ${show(given)}; expected one of ` +
        `${METRIC_NAMES.map((n) => JSON.stringify(n)).join(", ")} (or a ` +
        'class name such as "AUC")',
    );
  }
  return new cls((config ?? {}) as never);
}

/**
 * A metric from an identifier: Keras's snake_case names and class names
 * ("accuracy", "binary_accuracy", "categorical_accuracy", "mse",
 * "mean_squared_error", "auc", "precision", "AUC", ...) give a new metric
 * with default options; a Metric is returned as it is; a function
 * `(yTrue, yPred) => values` is wrapped in a {@link MeanMetricWrapper}
 * named after the function (as Keras's compile names it);
 * `{ className, config }` builds the class with those options. Unknown
 * names throw a ValueError listing the known ones.
 *
 * "accuracy" gives {@link Accuracy} (exact equality), as Keras's
 * `metrics.get`; compile instead picks binary, categorical or sparse
 * accuracy, see {@link resolveAccuracy}. "acc" is accepted too (Keras
 * accepts it only in compile).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.get("mse").name); // mean_squared_error
 * console.log(tg.metrics.get({ className: "BinaryAccuracy", config: { threshold: 0.7 } }).getConfig());
 * // { name: 'binary_accuracy', dtype: 'float32', threshold: 0.7 }
 * ```
 */
export function get(identifier: MetricIdentifier): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === "string") {
    return construct(BY_NAME[identifier] ?? "", {}, identifier);
  }
  if (typeof identifier === "function") {
    const name = toSnakeCase(identifier.name);
    return new MeanMetricWrapper({ fn: identifier, ...(name ? { name } : {}) });
  }
  if (identifier !== null && typeof identifier === "object") {
    const id = identifier as MetricConfig & { class_name?: unknown };
    const className = id.className ?? id.class_name;
    if (typeof className === "string") {
      return construct(BY_NAME[className] ?? "", id.config, className);
    }
  }
  throw new ValueError(
    `metrics.get: expected a metric name, a Metric, a function or ` +
      `{ className, config }, got ${show(identifier)}`,
  );
}

/**
 * Keras 3's compile rule for "accuracy" and "acc"
 * (trainers/compile_utils.py get_metric): binary accuracy when the
 * output's last dimension is 1; sparse categorical accuracy when the
 * labels have lower rank than the output, or a last dimension of 1 while
 * the output's is larger; categorical accuracy otherwise. Keras reads the
 * labels' shape; when `yTrueShape` is not given, the labels are taken to
 * be sparse when the loss is a sparse categorical crossentropy (Keras 3
 * itself ignores the loss). Other identifiers come back unchanged. Name
 * the result as the user wrote it with {@link rename}.
 *
 * @param name the metric identifier from compile.
 * @param lossName the output's loss name, e.g.
 *   "sparse_categorical_crossentropy", or null.
 * @param outputShape the shape of the model's output (yPred).
 * @param yTrueShape the labels' shape, when known.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.resolveAccuracy("accuracy", "binary_crossentropy", [32, 1])); // binary_accuracy
 * console.log(tg.metrics.resolveAccuracy("acc", "mse", [32, 10], [32])); // sparse_categorical_accuracy
 * console.log(tg.metrics.resolveAccuracy("acc", "categorical_crossentropy", [32, 10])); // categorical_accuracy
 * ```
 */
export function resolveAccuracy(
  name: string,
  lossName: string | null,
  outputShape: Shape,
  yTrueShape?: Shape | null,
): string {
  if (!["accuracy", "acc"].includes(name.toLowerCase())) return name;
  const last = outputShape[outputShape.length - 1];
  if (last === 1) return "binary_accuracy";
  const sparse =
    yTrueShape !== undefined && yTrueShape !== null
      ? yTrueShape.length < outputShape.length ||
        (yTrueShape[yTrueShape.length - 1] === 1 && (last ?? 0) > 1)
      : isSparseLoss(lossName);
  return sparse ? "sparse_categorical_accuracy" : "categorical_accuracy";
}

function isSparseLoss(lossName: string | null): boolean {
  if (lossName === null) return false;
  const snake = toSnakeCase(lossName);
  return snake === "sparse_categorical_crossentropy";
}

/**
 * Gives `metric` a new name (compile names metrics as the user wrote them:
 * "acc", "mse", or with an output's prefix) and returns it.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.rename(tg.metrics.get("mse"), "mse").name); // mse
 * ```
 */
export function rename<M extends Metric>(metric: M, name: string): M {
  if (typeof name !== "string" || name === "") {
    throw new ValueError(
      `metrics.rename: expected a non-empty string, got ${show(name)}`,
    );
  }
  metric.name = name;
  return metric;
}
