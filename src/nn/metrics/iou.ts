// SPDX-License-Identifier: Apache-2.0
/**
 * Intersection-over-union metrics, as Keras 3's iou_metrics.py: a
 * confusion matrix accumulated over batches (rows: labels, columns:
 * predictions), from which each class's
 * `IoU = TP / (TP + FP + FN)` is read.
 */
import type { DType } from "../../core/dtype.js";
import { ShapeError, ValueError, show } from "../../core/errors.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { greater } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { make } from "../../ops/convert.js";
import { argMax, sum } from "../../ops/reduction.js";
import { gather } from "../../ops/shape.js";
import type { Variable } from "../../variables.js";
import { Metric, type MetricArgs, type SampleWeight } from "./metric.js";
import {
  EPSILON,
  broadcastsTo,
  checkBoolean,
  checkInteger,
  tensorIn,
} from "./utils.js";

/** Options shared by the IoU metrics. */
export interface IoUBaseArgs extends MetricArgs {
  /** The number of classes: the confusion matrix is numClasses². Required. */
  numClasses: number;
  /** A label left out (its samples get weight 0), e.g. 255. Default none. */
  ignoreClass?: number | null;
  /** Whether labels are class ids (true, default) or one-hot/scores. */
  sparseYTrue?: boolean;
  /** Whether predictions are class ids (true, default) or scores. */
  sparseYPred?: boolean;
  /** The class axis of dense labels or predictions. Default −1. */
  axis?: number;
}

/** Options of {@link IoU}. */
export interface IoUArgs extends IoUBaseArgs {
  /** The classes whose IoUs are averaged. Required, non-empty. */
  targetClassIds: readonly number[];
}

function checkTargets(ids: unknown, classes: number, where: string): number[] {
  const ok =
    Array.isArray(ids) &&
    ids.length > 0 &&
    ids.every((i) => Number.isInteger(i) && i >= 0 && i < classes);
  if (!ok) {
    throw new ValueError(
      `${where}: expected targetClassIds, a non-empty list of integers in ` +
        `[0, ${classes}), got targetClassIds=${show(ids)}`,
    );
  }
  return [...(ids as number[])];
}

/**
 * The IoU of chosen classes, averaged: per class `TP / (TP + FP + FN)`
 * from the accumulated confusion matrix, summed over `targetClassIds` and
 * divided by the number of those classes that occur (ε = 1e-7 keeps both
 * divisions finite). Labels and predictions are class ids (or dense, with
 * `sparseYTrue`/`sparseYPred` false); any shape, flattened. Class ids
 * are truncated to integers; one outside [0, numClasses) throws a
 * ValueError (Keras's TensorFlow backend fails too; JAX drops it).
 *
 * Options: see {@link IoUArgs}; `name` defaults to "io_u" (Keras's
 * snake_case of the class name, numbered when taken).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.IoU({ numClasses: 2, targetClassIds: [0] });
 * m.updateState([0, 0, 1, 1], [0, 1, 0, 1]);
 * console.log(m.result().item().toFixed(6)); // 0.333333
 * ```
 */
export class IoU extends Metric {
  override readonly direction = "up";
  /** The number of classes. */
  readonly numClasses: number;
  /** The classes averaged. */
  readonly targetClassIds: readonly number[];
  /** The label left out, or null. */
  readonly ignoreClass: number | null;
  /** Whether labels are class ids. */
  readonly sparseYTrue: boolean;
  /** Whether predictions are class ids. */
  readonly sparseYPred: boolean;
  /** The class axis of dense inputs. */
  readonly axis: number;
  /** The accumulated confusion matrix [labels, predictions]. */
  protected readonly totalCm: Variable;

  constructor(args: IoUArgs) {
    const where = new.target.name;
    const a = (args ?? {}) as Partial<IoUArgs>;
    if (a.numClasses === undefined) {
      throw new ValueError(
        `${where}: expected numClasses, the number of classes, got none`,
      );
    }
    const classes = checkInteger(a.numClasses, "numClasses", 1, where);
    const targets = checkTargets(a.targetClassIds, classes, where);
    const ignore = a.ignoreClass ?? null;
    if (ignore !== null && !Number.isInteger(ignore)) {
      throw new ValueError(
        `${where}: expected ignoreClass to be an integer or null, got ` +
          `ignoreClass=${show(ignore)}`,
      );
    }
    const sparseYTrue = checkBoolean(
      a.sparseYTrue ?? true,
      "sparseYTrue",
      where,
    );
    const sparseYPred = checkBoolean(
      a.sparseYPred ?? true,
      "sparseYPred",
      where,
    );
    const axis = a.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new ValueError(
        `${where}: expected axis to be an integer, got axis=${show(axis)}`,
      );
    }
    super(args);
    this.numClasses = classes;
    this.targetClassIds = targets;
    this.ignoreClass = ignore;
    this.sparseYTrue = sparseYTrue;
    this.sparseYPred = sparseYPred;
    this.axis = axis;
    this.totalCm = this.addVariable(
      [classes, classes],
      "total_confusion_matrix",
    );
  }

  /** Adds this batch's (weighted) label/prediction pairs to the matrix. */
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: SampleWeight,
  ): void {
    this.read(() => this.#update(yTrue, yPred, sampleWeight));
  }

  #update(yTrue: TensorLike, yPred: TensorLike, sampleWeight: SampleWeight) {
    const where = `${this.where}.updateState`;
    const labels = this.#ids(yTrue, this.sparseYTrue, where);
    const preds = this.#ids(
      this.predictions(yPred, where),
      this.sparseYPred,
      where,
    );
    if (labels.size !== preds.size) {
      throw new ShapeError(
        `${where}: expected as many labels as predictions, got ` +
          `${labels.size} labels and ${preds.size} predictions`,
      );
    }
    const weights = this.#weights(sampleWeight, labels.size, where);
    const cm = confusionMatrix(
      labels.data,
      preds.data,
      weights,
      this.numClasses,
      this.ignoreClass,
      where,
    );
    this.commit(() => [
      [
        this.totalCm,
        this.totalCm.add(
          make(cm, this.totalCm.shape, "float64").cast(this.dtype),
        ),
      ],
    ]);
  }

  /** The predictions as class ids or scores (BinaryIoU thresholds them). */
  protected predictions(yPred: TensorLike, where: string): TensorLike {
    void where;
    return yPred;
  }

  #ids(x: TensorLike, sparse: boolean, where: string): Tensor {
    const t = tensorIn(x, this.dtype, where);
    if (sparse) return t;
    if (t.rank === 0) {
      throw new ValueError(
        `${where}: expected dense scores with a class axis, got a scalar`,
      );
    }
    return argMax(t, normalize(this.axis, t.rank));
  }

  #weights(sampleWeight: SampleWeight, n: number, where: string) {
    if (sampleWeight === undefined || sampleWeight === null) return null;
    const w = tensorIn(sampleWeight, this.dtype, where);
    const flat = w.rank > 1 ? [w.size] : w.shape;
    if (!broadcastsTo(flat, [n])) {
      throw new ShapeError(
        `${where}: expected a sampleWeight with one entry per label (${n}), ` +
          `got shape ${show(w.shape)}`,
      );
    }
    const d = w.data;
    return Float64Array.from(
      { length: n },
      (_, i) => d[d.length === 1 ? 0 : i]!,
    );
  }

  /** The mean IoU over `targetClassIds` of the classes that occur. */
  result(): Tensor {
    return this.read(() => {
      const cm = this.totalCm.value;
      const predicted = sum(cm, 0);
      const actual = sum(cm, 1);
      const diagonal = diag(cm, this.dtype);
      const denominator = predicted.add(actual).sub(diagonal);
      const tp = gather(diagonal, [...this.targetClassIds]);
      const den = gather(denominator, [...this.targetClassIds]);
      const valid = sum(cast(greater(den, 1e-9), this.dtype));
      const iou = tp.div(den.add(EPSILON));
      return sum(iou).div(valid.add(EPSILON));
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      numClasses: this.numClasses,
      targetClassIds: [...this.targetClassIds],
      ignoreClass: this.ignoreClass,
      sparseYTrue: this.sparseYTrue,
      sparseYPred: this.sparseYPred,
      axis: this.axis,
    };
  }
}

function normalize(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function diag(cm: Tensor, dtype: DType): Tensor {
  const n = cm.shape[0]!;
  const out = Float64Array.from({ length: n }, (_, i) => cm.data[i * n + i]!);
  return make(out, [n], "float64").cast(dtype);
}

/** The weighted confusion matrix of one batch, as a flat float64 array. */
function confusionMatrix(
  labels: ArrayLike<number>,
  preds: ArrayLike<number>,
  weights: ArrayLike<number> | null,
  classes: number,
  ignore: number | null,
  where: string,
): Float64Array {
  const cm = new Float64Array(classes * classes);
  for (let i = 0; i < labels.length; i++) {
    const label = Math.trunc(labels[i]!);
    if (ignore !== null && label === ignore) continue;
    const pred = Math.trunc(preds[i]!);
    for (const [what, v] of [
      ["label", label],
      ["prediction", pred],
    ] as const) {
      if (!(v >= 0 && v < classes)) {
        throw new ValueError(
          `${where}: expected class ids in [0, ${classes}), got ${what} ` +
            `${v} at index ${i}`,
        );
      }
    }
    const at = label * classes + pred;
    cm[at] = cm[at]! + (weights === null ? 1 : weights[i]!);
  }
  return cm;
}

/** Options of {@link MeanIoU}. */
export type MeanIoUArgs = IoUBaseArgs;

/**
 * The mean IoU over all classes that occur: {@link IoU} with every class
 * as a target.
 *
 * Options: `numClasses` (required), `ignoreClass` (default none),
 * `sparseYTrue` and `sparseYPred` (default true), `axis` (default −1),
 * `name` (default "mean_io_u", Keras's snake_case of the class name,
 * numbered when taken), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.MeanIoU({ numClasses: 2 });
 * m.updateState([0, 0, 1, 1], [0, 1, 0, 1], [0.3, 0.3, 0.3, 0.1]);
 * console.log(m.result().item().toFixed(6)); // 0.238095
 * ```
 */
export class MeanIoU extends IoU {
  constructor(args: MeanIoUArgs) {
    const classes = (args as Partial<MeanIoUArgs> | undefined)?.numClasses;
    const ids = Number.isInteger(classes)
      ? Array.from({ length: Math.max(0, classes!) }, (_, i) => i)
      : [];
    super({ ...args, targetClassIds: ids });
  }

  override getConfig(): Record<string, unknown> {
    const { targetClassIds: _ids, ...config } = super.getConfig();
    return config;
  }
}

/** Options of {@link BinaryIoU}. */
export interface BinaryIoUArgs extends MetricArgs {
  /** [0], [1] or [0, 1] (default): the classes averaged. */
  targetClassIds?: readonly number[];
  /** Predictions at or above it are class 1. Default 0.5. */
  threshold?: number;
}

/**
 * The IoU of binary predictions: yPred ≥ threshold is class 1, else 0,
 * then {@link IoU} with two classes.
 *
 * Options: `targetClassIds` (default [0, 1]), `threshold` (default 0.5),
 * `name` (default "binary_io_u", numbered when taken), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.BinaryIoU({ targetClassIds: [0, 1], threshold: 0.3 });
 * m.updateState([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7]);
 * console.log(m.result().item().toFixed(6)); // 0.333333
 * ```
 */
export class BinaryIoU extends IoU {
  /** The decision threshold. */
  readonly threshold: number;

  constructor(args: BinaryIoUArgs = {}) {
    const threshold = args.threshold ?? 0.5;
    if (typeof threshold !== "number" || Number.isNaN(threshold)) {
      throw new ValueError(
        `BinaryIoU: expected threshold to be a number, got threshold=${show(threshold)}`,
      );
    }
    super({
      ...args,
      numClasses: 2,
      targetClassIds: args.targetClassIds ?? [0, 1],
    });
    this.threshold = threshold;
  }

  protected override predictions(yPred: TensorLike, where: string) {
    const p = tensorIn(yPred, this.dtype, where);
    return cast(p.greaterEqual(this.threshold), this.dtype);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      targetClassIds: [...this.targetClassIds],
      threshold: this.threshold,
    };
  }
}

/** Options of {@link OneHotIoU}. */
export interface OneHotIoUArgs extends MetricArgs {
  numClasses: number;
  targetClassIds: readonly number[];
  ignoreClass?: number | null;
  sparseYPred?: boolean;
  axis?: number;
}

/**
 * {@link IoU} for one-hot labels: labels (and, unless `sparseYPred`,
 * predictions) are turned into class ids by argmax over `axis`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.OneHotIoU({ numClasses: 3, targetClassIds: [0, 2] });
 * const yTrue = [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]];
 * const yPred = [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]];
 * m.updateState(yTrue, yPred, [0.1, 0.2, 0.3, 0.4]);
 * console.log(m.result().item().toFixed(4)); // 0.0714
 * ```
 */
export class OneHotIoU extends IoU {
  constructor(args: OneHotIoUArgs) {
    super({
      ...args,
      sparseYTrue: false,
      sparseYPred: args?.sparseYPred ?? false,
    });
  }

  override getConfig(): Record<string, unknown> {
    const { sparseYTrue: _s, ...config } = super.getConfig();
    return config;
  }
}

/** Options of {@link OneHotMeanIoU}. */
export type OneHotMeanIoUArgs = Omit<OneHotIoUArgs, "targetClassIds">;

/**
 * {@link MeanIoU} for one-hot labels: labels (and, unless `sparseYPred`,
 * predictions) are turned into class ids by argmax over `axis`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.OneHotMeanIoU({ numClasses: 3 });
 * const yTrue = [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]];
 * const yPred = [[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]];
 * m.updateState(yTrue, yPred, [0.1, 0.2, 0.3, 0.4]);
 * console.log(m.result().item().toFixed(4)); // 0.0476
 * ```
 */
export class OneHotMeanIoU extends MeanIoU {
  constructor(args: OneHotMeanIoUArgs) {
    super({
      ...args,
      sparseYTrue: false,
      sparseYPred: args?.sparseYPred ?? false,
    });
  }

  override getConfig(): Record<string, unknown> {
    const { sparseYTrue: _s, ...config } = super.getConfig();
    return config;
  }
}
