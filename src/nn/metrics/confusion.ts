// SPDX-License-Identifier: Apache-2.0
/**
 * Confusion-matrix metrics, as Keras 3's confusion_metrics.py: the four
 * counts (TruePositives, FalsePositives, TrueNegatives, FalseNegatives),
 * Precision and Recall, each at one or several thresholds. Counting rules:
 * see counts.ts (a prediction p is positive when p > threshold; a label
 * when it is not 0).
 */
import { ValueError, show } from "../../core/errors.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { make } from "../../ops/convert.js";
import { gather } from "../../ops/shape.js";
import type { Variable } from "../../variables.js";
import {
  NEG_INF,
  confusionCounts,
  isEvenlyDistributed,
  parseThresholds,
  type Counts,
} from "./counts.js";
import { Metric, type MetricArgs, type SampleWeight } from "./metric.js";
import { divideNoNan } from "./utils.js";

/** Thresholds: one number, a list, or absent for the default. */
export type Thresholds = number | readonly number[] | null;

/** Options of the four count metrics. */
export interface ThresholdsArgs extends MetricArgs {
  /**
   * Threshold(s) in [0, 1]; a prediction above one counts as positive.
   * Default 0.5. With a list, `result()` has one value per threshold.
   */
  thresholds?: Thresholds;
}

type CountKey = "tp" | "fp" | "tn" | "fn";

/** One value per threshold, or the single value when there is one. */
function perThreshold(x: Tensor, count: number): Tensor {
  return count === 1 ? gather(x, 0) : x;
}

/** A delta tensor of `counts[key]` in the variable's dtype and shape. */
function delta(counts: Counts, key: CountKey, v: Variable): Tensor {
  return make(Float64Array.from(counts[key]), v.shape, "float64");
}

/** The shared body of TruePositives, FalsePositives, ... */
abstract class ConditionCount extends Metric {
  /** The thresholds, as given (null when absent). */
  readonly initThresholds: Thresholds;
  /** The thresholds in use. */
  readonly thresholds: readonly number[];
  readonly #evenly: boolean;
  readonly #accumulator: Variable;
  readonly #key: CountKey;

  constructor(args: ThresholdsArgs, key: CountKey) {
    const thresholds = parseThresholds(args.thresholds, 0.5, new.target.name);
    super(args);
    this.initThresholds = args.thresholds ?? null;
    this.thresholds = thresholds;
    this.#evenly = isEvenlyDistributed(thresholds);
    this.#key = key;
    this.#accumulator = this.addVariable([thresholds.length], "accumulator");
  }

  /** Adds this batch's weighted count at each threshold. */
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: SampleWeight,
  ): void {
    this.commit(() => {
      const counts = confusionCounts(yTrue, yPred, {
        thresholds: this.thresholds,
        evenly: this.#evenly,
        sampleWeight,
        dtype: this.dtype,
        where: this.where,
      });
      const acc = this.#accumulator;
      return [[acc, acc.add(delta(counts, this.#key, acc).cast(this.dtype))]];
    });
  }

  result(): Tensor {
    return this.read(() =>
      perThreshold(this.#accumulator.value, this.thresholds.length),
    );
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), thresholds: this.initThresholds };
  }
}

/**
 * The (weighted) number of true positives: positive labels predicted
 * above the threshold.
 *
 * Options: `thresholds` (default 0.5), `name` (default
 * "true_positives", numbered when taken), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.TruePositives();
 * m.updateState([0, 1, 1, 1], [1, 0, 1, 1]);
 * console.log(m.result().item()); // 2
 * ```
 */
export class TruePositives extends ConditionCount {
  constructor(args: ThresholdsArgs = {}) {
    super(args, "tp");
  }
}

/**
 * The (weighted) number of false positives: negative labels predicted
 * above the threshold.
 *
 * Options: `thresholds` (default 0.5), `name` (default
 * "false_positives", numbered when taken), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.FalsePositives();
 * m.updateState([0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 0]);
 * console.log(m.result().item()); // 1
 * ```
 */
export class FalsePositives extends ConditionCount {
  constructor(args: ThresholdsArgs = {}) {
    super(args, "fp");
  }
}

/**
 * The (weighted) number of true negatives: negative labels predicted at
 * or below the threshold.
 *
 * Options: `thresholds` (default 0.5), `name` (default
 * "true_negatives", numbered when taken), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.TrueNegatives({ thresholds: [0.25, 0.75] });
 * m.updateState([0, 1, 0, 0], [0.5, 1, 0, 0.8]);
 * console.log(m.result().toArray()); // [ 1, 2 ]
 * ```
 */
export class TrueNegatives extends ConditionCount {
  constructor(args: ThresholdsArgs = {}) {
    super(args, "tn");
  }
}

/**
 * The (weighted) number of false negatives: positive labels predicted at
 * or below the threshold.
 *
 * Options: `thresholds` (default 0.5), `name` (default
 * "false_negatives", numbered when taken), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.FalseNegatives();
 * m.updateState([0, 1, 1, 1], [0, 1, 0, 0]);
 * console.log(m.result().item()); // 2
 * ```
 */
export class FalseNegatives extends ConditionCount {
  constructor(args: ThresholdsArgs = {}) {
    super(args, "fn");
  }
}

/** Options of {@link Precision} and {@link Recall}. */
export interface PrecisionRecallArgs extends ThresholdsArgs {
  /**
   * Only the k largest predictions of each sample can be positive; with
   * no thresholds, every one of them is. Default none.
   */
  topK?: number | null;
  /** Look only at this class (a column of [batch, classes]). Default none. */
  classId?: number | null;
}

function checkOptionalInteger(
  value: unknown,
  key: string,
  min: number,
  where: string,
): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new ValueError(
      `${where}: expected ${key} to be an integer >= ${min} or null, got ` +
        `${key}=${show(value)}`,
    );
  }
  return value;
}

/** The shared body of Precision and Recall: TP and one other count. */
abstract class RatioMetric extends Metric {
  override readonly direction = "up";
  /** The thresholds, as given (null when absent). */
  readonly initThresholds: Thresholds;
  /** The thresholds in use. */
  readonly thresholds: readonly number[];
  /** Top-k filtering, or null. */
  readonly topK: number | null;
  /** The class looked at, or null for all. */
  readonly classId: number | null;
  readonly #evenly: boolean;
  protected readonly truePositives: Variable;
  protected readonly other: Variable;
  readonly #otherKey: CountKey;

  constructor(args: PrecisionRecallArgs, otherKey: "fp" | "fn") {
    const where = new.target.name;
    const topK = checkOptionalInteger(args.topK, "topK", 1, where);
    const classId = checkOptionalInteger(args.classId, "classId", 0, where);
    const fallback = topK === null ? 0.5 : NEG_INF;
    const thresholds = parseThresholds(args.thresholds, fallback, where);
    super(args);
    this.initThresholds = args.thresholds ?? null;
    this.thresholds = thresholds;
    this.topK = topK;
    this.classId = classId;
    this.#evenly = isEvenlyDistributed(thresholds);
    this.#otherKey = otherKey;
    const n = thresholds.length;
    this.truePositives = this.addVariable([n], "true_positives");
    const otherName = otherKey === "fp" ? "false_positives" : "false_negatives";
    this.other = this.addVariable([n], otherName);
  }

  /** Adds this batch's true positives and false positives or negatives. */
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: SampleWeight,
  ): void {
    this.commit(() => {
      const counts = confusionCounts(yTrue, yPred, {
        thresholds: this.thresholds,
        evenly: this.#evenly,
        topK: this.topK,
        classId: this.classId,
        sampleWeight,
        dtype: this.dtype,
        where: this.where,
      });
      const tp = this.truePositives;
      const other = this.other;
      return [
        [tp, tp.add(delta(counts, "tp", tp).cast(this.dtype))],
        [
          other,
          other.add(delta(counts, this.#otherKey, other).cast(this.dtype)),
        ],
      ];
    });
  }

  /** TP / (TP + other), 0 where both are 0. */
  result(): Tensor {
    return this.read(() => {
      const tp = this.truePositives.value;
      const ratio = divideNoNan(tp, tp.add(this.other.value));
      return perThreshold(ratio, this.thresholds.length);
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      thresholds: this.initThresholds,
      topK: this.topK,
      classId: this.classId,
    };
  }
}

/**
 * Precision: the fraction of positive predictions that are right,
 * `TP / (TP + FP)` (0 when there is no positive prediction), accumulated
 * over batches.
 *
 * Options: `thresholds` (default 0.5; with `topK` and no thresholds, every
 * top-k prediction is positive), `topK` (default none), `classId`
 * (default none), `name` (default "precision", numbered when taken),
 * `dtype`. TensorFlow.js's `tf.metrics.precision` counts only predictions
 * exactly equal to 1; this one thresholds them, as Keras.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.Precision({ dtype: "float64" });
 * m.updateState([0, 1, 1, 1], [1, 0, 1, 1]);
 * console.log(m.result().item()); // 0.6666666666666666
 * ```
 */
export class Precision extends RatioMetric {
  constructor(args: PrecisionRecallArgs = {}) {
    super(args, "fp");
  }
}

/**
 * Recall: the fraction of positive labels that are predicted positive,
 * `TP / (TP + FN)` (0 when there is no positive label), accumulated over
 * batches.
 *
 * Options: `thresholds` (default 0.5), `topK` (default none), `classId`
 * (default none), `name` (default "recall", numbered when taken),
 * `dtype`. TensorFlow.js's `tf.metrics.recall` counts only predictions
 * exactly equal to 1; this one thresholds them, as Keras.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.Recall({ dtype: "float64" });
 * m.updateState([0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0]);
 * console.log(m.result().item()); // 1
 * ```
 */
export class Recall extends RatioMetric {
  constructor(args: PrecisionRecallArgs = {}) {
    super(args, "fn");
  }
}
