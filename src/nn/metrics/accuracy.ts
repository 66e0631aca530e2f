// SPDX-License-Identifier: Apache-2.0
/**
 * Accuracy metrics, as Keras 3's accuracy_metrics.py: per-sample match
 * functions (1 for a hit, 0 for a miss) and the classes that average them
 * with sample weights.
 *
 * The functions give float values in yPred's float dtype (float32 for
 * integer predictions); Keras gives float32 always.
 */
import { isFloat, type DType } from "../../core/dtype.js";
import { ValueError, show } from "../../core/errors.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { equal, greater } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { make, toTensor } from "../../ops/convert.js";
import { argMax, mean } from "../../ops/reduction.js";
import { reshape, squeeze } from "../../ops/shape.js";
import { allocate } from "../../core/dtype.js";
import type { MetricArgs } from "./metric.js";
import { MeanMetricWrapper } from "./reduction.js";
import {
  checkBoolean,
  checkInteger,
  checkPairShapes,
  floatTensor,
  squeezeOrExpand,
  tensorIn,
} from "./utils.js";

/** The float dtype a match tensor takes for predictions of `dtype`. */
function matchDType(dtype: DType): DType {
  return isFloat(dtype) ? dtype : "float32";
}

function lastAxisMean(x: Tensor): Tensor {
  return x.rank === 0 ? x : mean(x, -1);
}

/**
 * How often yPred equals yTrue, per sample: `mean(yTrue == yPred,
 * axis=−1)`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.accuracy([[1], [2], [3]], [[0], [2], [3]]).toArray()); // [ 0, 1, 1 ]
 * ```
 */
export function accuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const p0 = toTensor(yPred, "accuracy");
  const t0 = tensorIn(yTrue, p0.dtype, "accuracy");
  const [t, p] = squeezeOrExpand(t0, p0);
  checkPairShapes(t, p, t0, p0, "accuracy");
  return lastAxisMean(cast(equal(t, p), matchDType(p0.dtype)));
}

/**
 * How often thresholded predictions match binary labels, per sample:
 * `mean(yTrue == (yPred > threshold), axis=−1)`; threshold default 0.5.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.binaryAccuracy([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]).toArray());
 * // [ 1, 1, 1, 0 ]
 * ```
 */
export function binaryAccuracy(
  yTrue: TensorLike,
  yPred: TensorLike,
  threshold = 0.5,
): Tensor {
  const p0 = floatTensor(yPred, "binaryAccuracy");
  const t0 = tensorIn(yTrue, p0.dtype, "binaryAccuracy");
  const [t, p] = squeezeOrExpand(t0, p0);
  checkPairShapes(t, p, t0, p0, "binaryAccuracy");
  const predicted = cast(greater(p, threshold), p.dtype);
  return lastAxisMean(cast(equal(t, predicted), p.dtype));
}

/** argMax over the last axis, with a ValueError naming `where`. */
function classesOf(x: Tensor, what: string, where: string): Tensor {
  if (x.rank === 0 || x.shape[x.rank - 1] === 0) {
    throw new ValueError(
      `${where}: expected ${what} with a non-empty class axis, got shape ` +
        show(x.shape),
    );
  }
  return argMax(x, x.rank - 1);
}

/**
 * Whether the class with the largest prediction is the labelled one, per
 * sample, for one-hot labels: `argmax(yTrue) == argmax(yPred)` (the first
 * largest wins a tie).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.categoricalAccuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]).toArray());
 * // [ 0, 1 ]
 * ```
 */
export function categoricalAccuracy(
  yTrue: TensorLike,
  yPred: TensorLike,
): Tensor {
  const where = "categoricalAccuracy";
  const p = toTensor(yPred, where);
  const t0 = toTensor(yTrue, where);
  let t = classesOf(t0, "yTrue", where);
  if (t.rank === p.rank) t = squeeze(t, -1);
  const predicted = classesOf(p, "yPred", where);
  checkPairShapes(t, predicted, t0, p, where);
  return cast(equal(t, predicted), matchDType(p.dtype));
}

/**
 * Whether the class with the largest prediction equals the integer label,
 * per sample: `yTrue == argmax(yPred)`; labels of shape [batch] or
 * [batch, 1].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.sparseCategoricalAccuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]).toArray());
 * // [ 0, 1 ]
 * ```
 */
export function sparseCategoricalAccuracy(
  yTrue: TensorLike,
  yPred: TensorLike,
): Tensor {
  const where = "sparseCategoricalAccuracy";
  const p = toTensor(yPred, where);
  const t0 = floatTensor(yTrue, where, "float64");
  const reshaped = t0.rank === p.rank && t0.shape[t0.rank - 1] === 1;
  const t = reshaped ? squeeze(t0, -1) : t0;
  const predicted = cast(classesOf(p, "yPred", where), t.dtype);
  checkPairShapes(t, predicted, t0, p, where);
  let matches = cast(equal(t, predicted), matchDType(p.dtype));
  if (reshaped) matches = reshape(matches, t0.shape);
  if (matches.rank > 1 && matches.shape[matches.rank - 1] === 1) {
    matches = squeeze(matches, -1);
  }
  return matches;
}

/**
 * Keras's in_top_k: whether each row's target class is among its k
 * largest predictions, counting ties in (rank = 1 + number of strictly
 * larger predictions; a NaN prediction at the target never counts).
 */
function inTopK(
  targets: ArrayLike<number>,
  predictions: Tensor,
  k: number,
  dtype: DType,
  where: string,
): Tensor {
  const classes = predictions.shape[predictions.rank - 1]!;
  const rows = targets.length;
  if (predictions.rank !== 2 || predictions.shape[0] !== rows) {
    throw new ValueError(
      `${where}: expected one label per row of yPred, got ${rows} labels ` +
        `for yPred of shape ${show(predictions.shape)}`,
    );
  }
  const p = predictions.data;
  const out = allocate(dtype, rows);
  for (let r = 0; r < rows; r++) {
    const target = targets[r]!;
    if (!(Number.isInteger(target) && target >= 0 && target < classes)) {
      throw new ValueError(
        `${where}: expected labels in [0, ${classes}), got label ` +
          `${target} at index ${r}`,
      );
    }
    let at = p[r * classes + target]!;
    if (Number.isNaN(at)) at = -Infinity;
    let larger = 0;
    for (let c = 0; c < classes; c++) if (p[r * classes + c]! > at) larger++;
    out[r] = larger + 1 <= k ? 1 : 0;
  }
  return make(out, [rows], dtype);
}

/** Predictions as [rows, classes], and the labels flattened. */
function topKRows(t: Tensor, p: Tensor, where: string): [Tensor, Tensor] {
  if (p.rank < 2) {
    throw new ValueError(
      `${where}: expected yPred of shape [batch, classes], got shape ` +
        show(p.shape),
    );
  }
  const rows = p.rank > 2 ? reshape(p, [-1, p.shape[p.rank - 1]!]) : p;
  return [t.rank > 1 ? reshape(t, [-1]) : t, rows];
}

/**
 * Whether the labelled class (one-hot yTrue) is among the k largest
 * predictions, per sample; k default 5. Ties at the k-th place count as
 * hits, as Keras's in_top_k.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.topKCategoricalAccuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], 1).toArray());
 * // [ 0, 1 ]
 * ```
 */
export function topKCategoricalAccuracy(
  yTrue: TensorLike,
  yPred: TensorLike,
  k = 5,
): Tensor {
  const where = "topKCategoricalAccuracy";
  const p0 = floatTensor(yPred, where);
  const labels = classesOf(toTensor(yTrue, where), "yTrue", where);
  const [t, p] = topKRows(labels, p0, where);
  const matches = inTopK(t.data, p, k, p0.dtype, where);
  return labels.rank > 1 ? reshape(matches, labels.shape) : matches;
}

/**
 * Whether the integer label is among the k largest predictions, per
 * sample; k default 5. With `fromSortedIds`, yPred holds class ids sorted
 * from best to worst and a hit is the label among the first k.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.metrics.sparseTopKCategoricalAccuracy([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], 1).toArray());
 * // [ 0, 1 ]
 * ```
 */
export function sparseTopKCategoricalAccuracy(
  yTrue: TensorLike,
  yPred: TensorLike,
  k = 5,
  fromSortedIds = false,
): Tensor {
  const where = "sparseTopKCategoricalAccuracy";
  const p0 = floatTensor(yPred, where);
  const t0 = floatTensor(yTrue, where, "float64");
  const [t, p] = topKRows(t0, p0, where);
  const matches = fromSortedIds
    ? sortedIdMatches(t.data, p, k, where)
    : inTopK(Array.from(t.data, Math.trunc), p, k, p0.dtype, where);
  return t0.rank > 1 ? reshape(matches, t0.shape) : matches;
}

/** Whether each label is among the first k ids of its row. */
function sortedIdMatches(
  labels: ArrayLike<number>,
  ids: Tensor,
  k: number,
  where: string,
): Tensor {
  const width = ids.shape[1]!;
  if (ids.shape[0] !== labels.length) {
    throw new ValueError(
      `${where}: expected one label per row of yPred, got ${labels.length} ` +
        `labels for yPred of shape ${show(ids.shape)}`,
    );
  }
  const out = allocate(ids.dtype, labels.length);
  const d = ids.data;
  for (let r = 0; r < labels.length; r++) {
    let hit = 0;
    for (let c = 0; c < Math.min(k, width); c++) {
      if (d[r * width + c] === labels[r]) hit = 1;
    }
    out[r] = hit;
  }
  return make(out, [labels.length], ids.dtype);
}

/**
 * How often predictions equal labels: the weighted mean of
 * {@link accuracy}.
 *
 * Options: `name` (default "accuracy"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.Accuracy();
 * m.updateState([[1], [2], [3], [4]], [[0], [2], [3], [4]]);
 * console.log(m.result().item()); // 0.75
 * ```
 */
export class Accuracy extends MeanMetricWrapper {
  override readonly direction = "up";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: accuracy }, "accuracy");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/** Options of {@link BinaryAccuracy}. */
export interface BinaryAccuracyArgs extends MetricArgs {
  /** Predictions above it count as 1; in (0, 1). Default 0.5. */
  threshold?: number;
}

/**
 * How often thresholded predictions match binary labels: the weighted
 * mean of {@link binaryAccuracy}.
 *
 * Options: `threshold` (default 0.5, in (0, 1)), `name` (default
 * "binary_accuracy"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.BinaryAccuracy();
 * m.updateState([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], [1, 0, 0, 1]);
 * console.log(m.result().item()); // 0.5
 * ```
 */
export class BinaryAccuracy extends MeanMetricWrapper {
  override readonly direction = "up";
  /** The decision threshold. */
  readonly threshold: number;

  constructor(args: BinaryAccuracyArgs = {}) {
    const threshold = args.threshold ?? 0.5;
    if (typeof threshold !== "number" || !(threshold > 0 && threshold < 1)) {
      throw new ValueError(
        `BinaryAccuracy: expected threshold in (0, 1), got ` +
          `threshold=${show(threshold)}`,
      );
    }
    const fn = (t: Tensor, p: Tensor) => binaryAccuracy(t, p, threshold);
    super({ ...args, fn }, "binary_accuracy");
    this.threshold = threshold;
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), threshold: this.threshold };
  }
}

/**
 * How often the top prediction matches one-hot labels: the weighted mean
 * of {@link categoricalAccuracy}.
 *
 * Options: `name` (default "categorical_accuracy"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.CategoricalAccuracy();
 * m.updateState([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3]);
 * console.log(m.result().item()); // 0.30000001192092896
 * ```
 */
export class CategoricalAccuracy extends MeanMetricWrapper {
  override readonly direction = "up";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: categoricalAccuracy }, "categorical_accuracy");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/**
 * How often the top prediction matches integer labels: the weighted mean
 * of {@link sparseCategoricalAccuracy}.
 *
 * Options: `name` (default "sparse_categorical_accuracy"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.SparseCategoricalAccuracy();
 * m.updateState([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]);
 * console.log(m.result().item()); // 0.5
 * ```
 */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  override readonly direction = "up";

  constructor(args: MetricArgs = {}) {
    super(
      { ...args, fn: sparseCategoricalAccuracy },
      "sparse_categorical_accuracy",
    );
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/** Options of {@link TopKCategoricalAccuracy}. */
export interface TopKArgs extends MetricArgs {
  /** How many of the largest predictions count. Default 5. */
  k?: number;
}

/**
 * How often the labelled class is among the k largest predictions, for
 * one-hot labels: the weighted mean of {@link topKCategoricalAccuracy}.
 *
 * Options: `k` (default 5), `name` (default
 * "top_k_categorical_accuracy"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.TopKCategoricalAccuracy({ k: 1 });
 * m.updateState([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]);
 * console.log(m.result().item()); // 0.5
 * ```
 */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  override readonly direction = "up";
  /** How many of the largest predictions count. */
  readonly k: number;

  constructor(args: TopKArgs = {}) {
    const k = checkInteger(args.k ?? 5, "k", 1, "TopKCategoricalAccuracy");
    const fn = (t: Tensor, p: Tensor) => topKCategoricalAccuracy(t, p, k);
    super({ ...args, fn }, "top_k_categorical_accuracy");
    this.k = k;
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), k: this.k };
  }
}

/** Options of {@link SparseTopKCategoricalAccuracy}. */
export interface SparseTopKArgs extends TopKArgs {
  /** Whether yPred holds class ids sorted best first. Default false. */
  fromSortedIds?: boolean;
}

/**
 * How often the integer label is among the k largest predictions: the
 * weighted mean of {@link sparseTopKCategoricalAccuracy}.
 *
 * Options: `k` (default 5), `fromSortedIds` (default false), `name`
 * (default "sparse_top_k_categorical_accuracy"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.SparseTopKCategoricalAccuracy({ k: 1 });
 * m.updateState([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]);
 * console.log(m.result().item()); // 0.5
 * ```
 */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  override readonly direction = "up";
  /** How many of the largest predictions count. */
  readonly k: number;
  /** Whether yPred holds class ids sorted best first. */
  readonly fromSortedIds: boolean;

  constructor(args: SparseTopKArgs = {}) {
    const where = "SparseTopKCategoricalAccuracy";
    const k = checkInteger(args.k ?? 5, "k", 1, where);
    const sorted = checkBoolean(
      args.fromSortedIds ?? false,
      "fromSortedIds",
      where,
    );
    const fn = (t: Tensor, p: Tensor) =>
      sparseTopKCategoricalAccuracy(t, p, k, sorted);
    super({ ...args, fn }, "sparse_top_k_categorical_accuracy");
    this.k = k;
    this.fromSortedIds = sorted;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      k: this.k,
      fromSortedIds: this.fromSortedIds,
    };
  }
}
