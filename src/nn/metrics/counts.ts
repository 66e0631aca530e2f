// SPDX-License-Identifier: Apache-2.0
/**
 * Confusion-matrix counting at thresholds, as Keras 3's
 * metrics_utils.update_confusion_matrix_variables. Internal: the barrel
 * does not export this file.
 *
 * For each threshold t, a prediction p counts as positive when p > t and
 * a label as positive when it is not 0; every entry adds its weight
 * (sampleWeight × labelWeights, default 1) to one of TP, FP, TN, FN.
 *
 * - With evenly spaced thresholds (t_i = i/(T−1), within 1e-7) Keras's
 *   bucket algorithm is used: p is clipped to [0, 1] and falls in bucket
 *   ceil(p·(T−1)) − 1, computed in the metric's dtype, and the counts
 *   are reverse cumulative sums over buckets, so a prediction exactly on
 *   a threshold behaves as Keras's does in float32.
 * - Otherwise each threshold is compared, in the metric's dtype.
 * - `topK` keeps the k largest predictions of each row (the first wins a
 *   tie) and sets the others to −1e10 before thresholding; `classId`
 *   keeps one class column.
 * - Sums are kept in float64 and added to the float32 state once per
 *   batch; Keras sums in float32.
 */
import type { DType } from "../../core/dtype.js";
import { ShapeError, ValueError, show } from "../../core/errors.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { broadcastTo, expandDims } from "../../ops/shape.js";
import type { SampleWeight } from "./metric.js";
import {
  broadcastsTo,
  checkSameShape,
  squeezeOrExpand,
  tensorIn,
} from "./utils.js";

/** The value Keras gives predictions outside the top k. */
export const NEG_INF = -1e10;

/** Which counts a metric keeps. */
export interface CountsWanted {
  tp?: boolean;
  fp?: boolean;
  tn?: boolean;
  fn?: boolean;
}

/** Options of {@link confusionCounts}. */
export interface CountOptions {
  /** The thresholds, ascending for the evenly spaced path. */
  thresholds: readonly number[];
  /** Whether the thresholds are evenly spaced in [0, 1] (bucket path). */
  evenly: boolean;
  topK?: number | null;
  classId?: number | null;
  sampleWeight?: SampleWeight;
  /** Count each column of [batch, labels] inputs separately. */
  multiLabel?: boolean;
  /** Weights of the last axis's entries (not multi-label). */
  labelWeights?: readonly number[] | null;
  /** The dtype predictions and thresholds are compared in. */
  dtype: DType;
  /** The metric's public name, for error messages. */
  where: string;
}

/** Weighted counts, laid out [thresholds, labels] (labels 1 unless multi). */
export interface Counts {
  tp: Float64Array;
  fp: Float64Array;
  tn: Float64Array;
  fn: Float64Array;
  labels: number;
}

/**
 * Checks and normalises a thresholds option: a number or a list of numbers
 * in [0, 1]; absent means `[fallback]`.
 */
export function parseThresholds(
  thresholds: number | readonly number[] | null | undefined,
  fallback: number,
  where: string,
): number[] {
  if (thresholds === undefined || thresholds === null) return [fallback];
  const list = typeof thresholds === "number" ? [thresholds] : thresholds;
  const ok =
    Array.isArray(list) &&
    list.length > 0 &&
    list.every((t) => typeof t === "number" && t >= 0 && t <= 1);
  if (!ok) {
    throw new ValueError(
      `${where}: expected thresholds to be a number or a non-empty list of ` +
        `numbers in [0, 1], got thresholds=${show(thresholds)}`,
    );
  }
  return Array.from(list as readonly number[]);
}

/** Keras's is_evenly_distributed_thresholds: t_i ≈ i/(n−1), n ≥ 3. */
export function isEvenlyDistributed(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => {
    const even = Math.fround(i / (n - 1));
    return Math.abs(t - even) <= 1e-7 + 1e-5 * Math.abs(even);
  });
}

/** The inputs as flat arrays: predictions, labels, weights, and layout. */
interface Prepared {
  preds: ArrayLike<number>;
  labels: ArrayLike<number>;
  weights: ArrayLike<number> | null;
  cols: number;
}

function prepare(
  yTrue: TensorLike,
  yPred: TensorLike,
  o: CountOptions,
): Prepared {
  const where = `${o.where}.updateState`;
  const t0 = tensorIn(yTrue, o.dtype, where);
  const p0 = tensorIn(yPred, o.dtype, where);
  const [p, t] = squeezeOrExpand(p0, t0);
  if (!sameShape(p, t)) checkSameShape(t0, p0, where);
  let w: Tensor | null = null;
  if (o.sampleWeight !== undefined && o.sampleWeight !== null) {
    const given = tensorIn(o.sampleWeight, o.dtype, where);
    [, w] = squeezeOrExpand(t, expandDims(given, -1), false);
    if (!broadcastsTo(w.shape, p.shape)) {
      throw new ShapeError(
        `${where}: expected a sampleWeight that broadcasts to yTrue's shape ` +
          `${show(t0.shape)}, got sampleWeight shape ${show(given.shape)}`,
      );
    }
    w = broadcastTo(w, p.shape);
  }
  let preds: ArrayLike<number> = p.data;
  if (o.topK !== undefined && o.topK !== null) {
    preds = keepTopK(p, o.topK, o.dtype);
  }
  let labels: ArrayLike<number> = t.data;
  let weights: ArrayLike<number> | null = w?.data ?? null;
  if (o.classId !== undefined && o.classId !== null) {
    const c = o.classId;
    const classes = lastDim(p, c, where);
    preds = column(preds, classes, c);
    labels = column(labels, classes, c);
    weights = weights && column(weights, classes, c);
    return { preds, labels, weights, cols: 1 };
  }
  weights = withLabelWeights(weights, p, o.labelWeights ?? null, where);
  const cols = o.multiLabel ? multiLabelColumns(p, where) : 1;
  return { preds, labels, weights, cols };
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
}

function lastDim(p: Tensor, classId: number, where: string): number {
  if (p.rank < 2) {
    throw new ValueError(
      `${where}: with classId, expected yPred of shape [batch, classes], ` +
        `got shape ${show(p.shape)}`,
    );
  }
  const classes = p.shape[p.rank - 1]!;
  if (classId >= classes) {
    throw new ValueError(
      `${where}: expected classId in [0, ${classes}) for yPred of shape ` +
        `${show(p.shape)}, got classId=${classId}`,
    );
  }
  return classes;
}

function column(x: ArrayLike<number>, width: number, c: number): number[] {
  const out = new Array<number>(x.length / width);
  for (let r = 0; r < out.length; r++) out[r] = x[r * width + c]!;
  return out;
}

function multiLabelColumns(p: Tensor, where: string): number {
  if (p.rank !== 2) {
    throw new ValueError(
      `${where}: with multiLabel, expected yPred of shape [batch, labels], ` +
        `got shape ${show(p.shape)}`,
    );
  }
  return p.shape[1]!;
}

function withLabelWeights(
  weights: ArrayLike<number> | null,
  p: Tensor,
  labelWeights: readonly number[] | null,
  where: string,
): ArrayLike<number> | null {
  if (labelWeights === null) return weights;
  const width = p.rank === 0 ? 1 : p.shape[p.rank - 1]!;
  if (labelWeights.length !== width && labelWeights.length !== 1) {
    throw new ValueError(
      `${where}: expected ${width} labelWeights for yPred of shape ` +
        `${show(p.shape)}, got ${labelWeights.length}`,
    );
  }
  const out = new Float64Array(p.size);
  for (let i = 0; i < p.size; i++) {
    const lw =
      labelWeights.length === 1 ? labelWeights[0]! : labelWeights[i % width]!;
    out[i] = (weights === null ? 1 : weights[i]!) * lw;
  }
  return out;
}

/** Keras's _filter_top_k: the k largest of each row kept, others −1e10. */
function keepTopK(p: Tensor, k: number, dtype: DType): Float64Array {
  const width = p.rank === 0 ? 1 : p.shape[p.rank - 1]!;
  const src = p.data;
  const out = new Float64Array(src.length);
  const low = dtype === "float32" ? Math.fround(NEG_INF) : NEG_INF;
  const order = Array.from({ length: width }, (_, i) => i);
  for (let r = 0; r < src.length / width; r++) {
    const base = r * width;
    const ranked = [...order].sort((a, b) => {
      const d = src[base + b]! - src[base + a]!;
      return d !== 0 && !Number.isNaN(d) ? d : a - b;
    });
    out.fill(low, base, base + width);
    for (const i of ranked.slice(0, k)) out[base + i] = src[base + i]!;
  }
  return out;
}

/** Weighted TP/FP/TN/FN of one batch at each threshold. */
export function confusionCounts(
  yTrue: TensorLike,
  yPred: TensorLike,
  o: CountOptions,
): Counts {
  const input = prepare(yTrue, yPred, o);
  return o.evenly ? bucketCounts(input, o) : thresholdCounts(input, o);
}

function bump(a: Float64Array, i: number, w: number): void {
  a[i] = a[i]! + w;
}

function emptyCounts(size: number, labels: number): Counts {
  return {
    tp: new Float64Array(size),
    fp: new Float64Array(size),
    tn: new Float64Array(size),
    fn: new Float64Array(size),
    labels,
  };
}

function thresholdCounts(x: Prepared, o: CountOptions): Counts {
  const cols = x.cols;
  const round = o.dtype === "float32" ? Math.fround : (v: number) => v;
  const ts = o.thresholds.map(round);
  const out = emptyCounts(ts.length * cols, cols);
  for (let e = 0; e < x.preds.length; e++) {
    const c = e % cols;
    const w = x.weights === null ? 1 : x.weights[e]!;
    const positive = x.labels[e] !== 0;
    const p = x.preds[e]!;
    for (let i = 0; i < ts.length; i++) {
      const predicted = p > ts[i]!;
      const at = i * cols + c;
      if (positive) {
        if (predicted) bump(out.tp, at, w);
        else bump(out.fn, at, w);
      } else if (predicted) bump(out.fp, at, w);
      else bump(out.tn, at, w);
    }
  }
  return out;
}

function bucketCounts(x: Prepared, o: CountOptions): Counts {
  const cols = x.cols;
  const n = o.thresholds.length;
  const withEpsilon = o.thresholds[0]! < 0 || o.thresholds[n - 1]! > 1;
  const round = o.dtype === "float32" ? Math.fround : (v: number) => v;
  const pos = new Float64Array(n * cols);
  const neg = new Float64Array(n * cols);
  const totalPos = new Float64Array(cols);
  const totalNeg = new Float64Array(cols);
  for (let e = 0; e < x.preds.length; e++) {
    const c = e % cols;
    const w = x.weights === null ? 1 : x.weights[e]!;
    const positive = x.labels[e] !== 0;
    if (positive) bump(totalPos, c, w);
    else bump(totalNeg, c, w);
    const p = Math.min(Math.max(x.preds[e]!, 0), 1);
    let bucket = Math.ceil(round(p * (n - 1))) - 1;
    if (withEpsilon) bucket = Math.max(bucket, 0);
    if (!(bucket >= 0 && bucket < n)) continue;
    bump(positive ? pos : neg, bucket * cols + c, w);
  }
  const out = emptyCounts(n * cols, cols);
  for (let c = 0; c < cols; c++) {
    let tp = 0;
    let fp = 0;
    for (let i = n - 1; i >= 0; i--) {
      const at = i * cols + c;
      tp += pos[at]!;
      fp += neg[at]!;
      out.tp[at] = tp;
      out.fp[at] = fp;
      out.fn[at] = totalPos[c]! - tp;
      out.tn[at] = totalNeg[c]! - fp;
    }
  }
  return out;
}
