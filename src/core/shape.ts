// SPDX-License-Identifier: Apache-2.0
/** Shape arithmetic: sizes, strides, broadcasting and axis normalisation. */
import { ShapeError, ValueError, show } from "./errors.js";

/** A tensor's shape: one non-negative integer per dimension. */
export type Shape = readonly number[];

/** The number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when both shapes have the same dimensions. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The NumPy broadcast of two shapes, or a ShapeError naming `op`. */
export function broadcastShapes(a: Shape, b: Shape, op: string): Shape {
  if (shapesEqual(a, b)) return a;
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    // Index only inside the arrays: reading a[-1] takes V8's slow path.
    const ia = a.length - rank + i;
    const ib = b.length - rank + i;
    const da = ia >= 0 ? a[ia]! : 1;
    const db = ib >= 0 ? b[ib]! : 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${show(a)} and ${show(b)} cannot broadcast ` +
          `(dimension ${i} is ${da} against ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Checks a user-supplied shape: integers >= 0. */
export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape) || !shape.every(isDim)) {
    throw new ShapeError(
      `${where}: expected a shape (an array of integers >= 0), got ` +
        show(shape),
    );
  }
  return shape.slice() as number[];
}

function isDim(d: unknown): boolean {
  return typeof d === "number" && Number.isInteger(d) && d >= 0;
}

/** Maps a possibly negative axis into [0, rank). */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ValueError(
      `${op}: expected an axis in [${-rank}, ${rank}), got ${show(axis)}`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalises an axis argument: undefined or null means every axis; the
 * result is sorted and free of duplicates.
 */
export function normalizeAxes(
  axis: number | readonly number[] | undefined | null,
  rank: number,
  op: string,
): number[] {
  if (axis === undefined || axis === null) {
    const all = new Array<number>(rank);
    for (let i = 0; i < rank; i++) all[i] = i;
    return all;
  }
  if (typeof axis === "number") return [normalizeAxis(axis, rank, op)];
  if (axis.length === 1) return [normalizeAxis(axis[0]!, rank, op)];
  const list = axis;
  const out = list.map((a) => normalizeAxis(a, rank, op));
  if (new Set(out).size !== out.length) {
    throw new ValueError(`${op}: expected distinct axes, got ${show(list)}`);
  }
  return out.sort((x, y) => x - y);
}
