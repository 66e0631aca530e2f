// SPDX-License-Identifier: Apache-2.0
/**
 * Helpers the metric families share: Keras's rank matching, its
 * sample-weight reduction (reduce_to_samplewise_values), divide_no_nan,
 * and option checks. Internal: the barrel does not export this file.
 */
import { isFloat, type DType } from "../../core/dtype.js";
import { ShapeError, ValueError, show } from "../../core/errors.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { div, equal } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { toTensor } from "../../ops/convert.js";
import { mean, sum } from "../../ops/reduction.js";
import { where as select } from "../../ops/select.js";
import { broadcastTo, expandDims, squeeze } from "../../ops/shape.js";
import type { SampleWeight } from "./metric.js";

/** Keras's `backend.epsilon()`. */
export const EPSILON = 1e-7;

/**
 * Keras's squeeze_or_expand_to_same_rank: when the ranks differ by one and
 * the larger has a last dimension of 1, squeeze it, except that a rank-1
 * partner is expanded instead when `expandRank1` (the default).
 */
export function squeezeOrExpand(
  a: Tensor,
  b: Tensor,
  expandRank1 = true,
): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 && expandRank1
      ? [a, expandDims(b, -1)]
      : [squeeze(a, -1), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 && expandRank1
      ? [expandDims(a, -1), b]
      : [a, squeeze(b, -1)];
  }
  return [a, b];
}

/** True when `from` broadcasts to exactly `to` (NumPy's broadcast_to). */
export function broadcastsTo(
  from: readonly number[],
  to: readonly number[],
): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[lead + i]);
}

/** True when two shapes broadcast together. */
export function broadcastTogether(
  a: readonly number[],
  b: readonly number[],
): boolean {
  const rank = Math.max(a.length, b.length);
  for (let i = 1; i <= rank; i++) {
    const da = a[a.length - i] ?? 1;
    const db = b[b.length - i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return false;
  }
  return true;
}

/** a / b, with 0 wherever b is 0 (Keras's divide_no_nan). */
export function divideNoNan(a: Tensor, b: Tensor): Tensor {
  const zero = equal(b, 0);
  return select(zero, 0, div(a, select(zero, 1, b)));
}

/** A float tensor: integers and bools become `fallback` (float32). */
export function floatTensor(
  x: TensorLike,
  where: string,
  fallback: DType = "float32",
): Tensor {
  const t = toTensor(x, where);
  return isFloat(t.dtype) ? t : cast(t, fallback);
}

/** `x` converted to `dtype` (nested arrays read directly in it). */
export function tensorIn(x: TensorLike, dtype: DType, where: string): Tensor {
  const t = toTensor(x, where, dtype);
  return t.dtype === dtype ? t : cast(t, dtype);
}

/**
 * The pair as Keras's metric functions see it: yPred a float tensor,
 * yTrue in its dtype, ranks matched, and shapes that broadcast together
 * (a ShapeError naming `where` otherwise).
 */
export function floatPair(
  yTrue: TensorLike,
  yPred: TensorLike,
  where: string,
): [Tensor, Tensor] {
  const p = floatTensor(yPred, where);
  const t = tensorIn(yTrue, p.dtype, where);
  const [a, b] = squeezeOrExpand(t, p);
  checkPairShapes(a, b, t, p, where);
  return [a, b];
}

/** Throws unless a and b broadcast; the message shows the given shapes. */
export function checkPairShapes(
  a: Tensor,
  b: Tensor,
  yTrue: Tensor,
  yPred: Tensor,
  where: string,
): void {
  if (!broadcastTogether(a.shape, b.shape)) {
    throw new ShapeError(
      `${where}: expected yTrue and yPred of shapes that broadcast ` +
        `together, got yTrue shape ${show(yTrue.shape)} and yPred shape ` +
        show(yPred.shape),
    );
  }
}

/** Throws unless yTrue and yPred have exactly the same shape. */
export function checkSameShape(yTrue: Tensor, yPred: Tensor, where: string) {
  const same =
    yTrue.rank === yPred.rank &&
    yTrue.shape.every((d, i) => d === yPred.shape[i]);
  if (!same) {
    throw new ShapeError(
      `${where}: expected yTrue and yPred of the same shape, got yTrue ` +
        `shape ${show(yTrue.shape)} and yPred shape ${show(yPred.shape)}`,
    );
  }
}

function reduceAxes(x: Tensor, from: number, op: "mean" | "sum"): Tensor {
  if (x.rank <= from) return x;
  const axes = Array.from({ length: x.rank - from }, (_, i) => from + i);
  return op === "mean" ? mean(x, axes) : sum(x, axes);
}

/**
 * Keras's reduce_to_samplewise_values: weighs `values` by `sampleWeight`
 * and reduces both to one entry per sample (axis 0), reducing extra axes
 * with `op` ("mean" for Mean, "sum" for Sum).
 */
export function reduceToSamplewise(
  values: Tensor,
  sampleWeight: SampleWeight,
  op: "mean" | "sum",
  dtype: DType,
  where: string,
): { values: Tensor; weight: Tensor | null } {
  let v = values.dtype === dtype ? values : cast(values, dtype);
  let w: Tensor | null = null;
  if (sampleWeight !== undefined && sampleWeight !== null) {
    const given = tensorIn(sampleWeight, dtype, where);
    [v, w] = squeezeOrExpand(v, given);
    const weightRank = w.rank;
    v = reduceAxes(v, weightRank, op);
    if (!broadcastsTo(w.shape, v.shape)) {
      throw new ShapeError(
        `${where}: expected a sampleWeight that broadcasts to the values' ` +
          `shape ${show(values.shape)}, got sampleWeight shape ` +
          show(given.shape),
      );
    }
    w = broadcastTo(w, v.shape);
    v = v.mul(w);
    if (weightRank > 1) w = reduceAxes(w, 1, op);
  }
  return { values: reduceAxes(v, 1, op), weight: w };
}

/** Throws unless `value` is an integer >= `min`. */
export function checkInteger(
  value: unknown,
  key: string,
  min: number,
  where: string,
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new ValueError(
      `${where}: expected ${key} to be an integer >= ${min}, got ` +
        `${key}=${show(value)}`,
    );
  }
  return value;
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(
  value: unknown,
  key: string,
  where: string,
): boolean {
  if (typeof value !== "boolean") {
    throw new ValueError(
      `${where}: expected ${key} to be true or false, got ${key}=${show(value)}`,
    );
  }
  return value;
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<T>(
  value: unknown,
  allowed: readonly T[],
  key: string,
  where: string,
): T {
  if (!allowed.includes(value as T)) {
    throw new ValueError(
      `${where}: expected ${key} to be one of ${show(allowed)}, got ` +
        `${key}=${show(value)}`,
    );
  }
  return value as T;
}

/** Throws unless `value` is a number in [0, 1]. */
export function checkUnitInterval(
  value: unknown,
  key: string,
  where: string,
): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new ValueError(
      `${where}: expected ${key} in [0, 1], got ${key}=${show(value)}`,
    );
  }
  return value;
}
