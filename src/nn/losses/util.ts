// SPDX-License-Identifier: Apache-2.0
/**
 * Helpers the loss families share: converting (yTrue, yPred) pairs as
 * Keras does, and checking options. Internal: the barrel does not export
 * this file.
 */
import { isFloat } from "../../core/dtype.js";
import { ShapeError, ValueError, show } from "../../core/errors.js";
import {
  broadcastShapes,
  normalizeAxis,
  shapesEqual,
} from "../../core/shape.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { cast } from "../../ops/cast.js";
import { toTensor } from "../../ops/convert.js";
import { expandDims, squeeze } from "../../ops/shape.js";

/** Keras's `backend.epsilon()`, the fuzz factor of clipping and divisions. */
export const EPSILON = 1e-7;

/**
 * Keras's squeeze_or_expand_to_same_rank: when the ranks differ by one and
 * the larger has a last dimension of 1, squeeze it, except that a rank-1
 * partner is expanded instead (labels [batch] against predictions
 * [batch, 1] keep one loss per sample). Other pairs are returned as they
 * are, to broadcast.
 */
export function sameRank(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 ? [a, expandDims(b, -1)] : [squeeze(a, -1), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 ? [expandDims(a, -1), b] : [a, squeeze(b, -1)];
  }
  return [a, b];
}

/** yPred as a float tensor (integers become float32). */
export function predictions(yPred: TensorLike, where: string): Tensor {
  const p = toTensor(yPred, where);
  return isFloat(p.dtype) ? p : cast(p, "float32");
}

/**
 * The pair as the loss functions see it: yPred a float tensor, yTrue cast
 * to its dtype, ranks matched by {@link sameRank}, and shapes that
 * broadcast together (a ShapeError naming `where` otherwise).
 */
export function pair(
  yTrue: TensorLike,
  yPred: TensorLike,
  where: string,
): [Tensor, Tensor] {
  const p = predictions(yPred, where);
  const t = cast(toTensor(yTrue, where, p.dtype), p.dtype);
  const [a, b] = sameRank(t, p);
  try {
    broadcastShapes(a.shape, b.shape, where);
  } catch {
    throw new ShapeError(
      `${where}: expected yTrue and yPred of shapes that broadcast together, ` +
        `got yTrue shape ${show(t.shape)} and yPred shape ${show(p.shape)}`,
    );
  }
  return [a, b];
}

/**
 * The pair for losses whose two sides must have one shape (the
 * crossentropies, as Keras's backend requires): {@link pair}, then a
 * ShapeError unless the shapes are equal.
 */
export function samePair(
  yTrue: TensorLike,
  yPred: TensorLike,
  where: string,
): [Tensor, Tensor] {
  const [t, p] = pair(yTrue, yPred, where);
  if (!shapesEqual(t.shape, p.shape)) {
    throw new ShapeError(
      `${where}: expected yTrue and yPred of the same shape, got yTrue ` +
        `shape ${show(t.shape)} and yPred shape ${show(p.shape)}`,
    );
  }
  return [t, p];
}

/** An options object, checked for unknown keys. */
export function optionsOf<T extends object>(
  value: T | undefined,
  keys: readonly string[],
  where: string,
): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValueError(
      `${where}: expected an options object, got ${show(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new ValueError(
        `${where}: expected options among ${keys.map(show).join(", ")}, ` +
          `got ${show(key)}`,
      );
    }
  }
  return value;
}

/** A finite number satisfying `ok`, or a ValueError saying `expected`. */
export function checkNumber(
  value: unknown,
  name: string,
  where: string,
  ok: (v: number) => boolean,
  expected: string,
): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) {
    throw new ValueError(
      `${where}: expected ${name} ${expected}, got ${name}=${show(value)}`,
    );
  }
  return value;
}

/** A boolean option, or a ValueError. */
export function checkBoolean(
  value: unknown,
  name: string,
  where: string,
): boolean {
  if (typeof value !== "boolean") {
    throw new ValueError(
      `${where}: expected ${name} to be a boolean, got ${name}=${show(value)}`,
    );
  }
  return value;
}

/** An integer axis option (checked against a rank when the loss runs). */
export function checkAxisOption(
  value: unknown,
  where: string,
  name = "axis",
): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ValueError(
      `${where}: expected ${name} to be an integer, got ${name}=${show(value)}`,
    );
  }
  return value;
}

/** `labelSmoothing` in [0, 1]. */
export function checkLabelSmoothing(value: unknown, where: string): number {
  return checkNumber(
    value,
    "labelSmoothing",
    where,
    (v) => v >= 0 && v <= 1,
    "in [0, 1]",
  );
}

/** The axis mapped into [0, rank), with an error naming the loss. */
export function axisIn(axis: number, rank: number, where: string): number {
  return normalizeAxis(axis, Math.max(rank, 1), where);
}
