// SPDX-License-Identifier: Apache-2.0
/**
 * Ops that rearrange values: reshape, transpose, expandDims, squeeze,
 * concat, stack, split, slice, gather, pad, tile, broadcastTo, oneHot.
 * Argument order follows TensorFlow.js.
 */
import { checkDType, isFloat, type DType } from "../core/dtype.js";
import { DTypeError, ShapeError, ValueError, show } from "../core/errors.js";
import {
  broadcastShapes,
  normalizeAxis,
  shapesEqual,
  sizeOf,
  stridesOf,
  type Shape,
} from "../core/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { backend } from "../backend/registry.js";
import { unbroadcast } from "./binary.js";
import { cast } from "./cast.js";
import { make, toTensor } from "./convert.js";
import { sum } from "./reduction.js";
import { output, promoted } from "./util.js";

function floatVjp<T>(t: Tensor, vjp: T): T | null {
  return isFloat(t.dtype) ? vjp : null;
}

/**
 * The same values in a new shape; one dimension may be -1 (inferred).
 * Shares storage with `x` (tensors are immutable, so this is safe).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.reshape([1, 2, 3, 4], [2, -1]).toArray()); // [ [ 1, 2 ], [ 3, 4 ] ]
 * ```
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x, "reshape");
  // The common call names a shape that fits exactly: check it cheaply.
  const target = isExact(shape, t.size)
    ? shape.slice()
    : resolveShape(shape, t, "reshape");
  if (shapesEqual(target, t.shape)) return t;
  return output(
    t.data,
    target,
    t.dtype,
    [t],
    floatVjp(t, (dy: Tensor) => [reshape(dy, t.shape)]),
  );
}

function isExact(shape: readonly number[], size: number): boolean {
  const list: unknown = shape;
  if (!Array.isArray(list)) return false;
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!(d >= 0) || d !== Math.floor(d)) return false;
    n *= d;
  }
  return n === size;
}

function resolveShape(
  shape: readonly number[],
  t: Tensor,
  op: string,
): number[] {
  const bad = () =>
    new ShapeError(
      `${op}: cannot reshape a tensor of shape ${show(t.shape)} (${t.size} ` +
        `values) to ${show(shape)}`,
    );
  const list: unknown = shape;
  if (!Array.isArray(list)) throw bad();
  const unknown = shape.indexOf(-1);
  if (
    shape.some((d, i) => !Number.isInteger(d) || (d < 0 && i !== unknown)) ||
    shape.lastIndexOf(-1) !== unknown
  ) {
    throw bad();
  }
  const known = sizeOf(shape.filter((d) => d !== -1));
  const out: number[] = [...shape];
  if (unknown >= 0) {
    if (known === 0 || t.size % known !== 0) throw bad();
    out[unknown] = t.size / known;
  }
  if (sizeOf(out) !== t.size) throw bad();
  return out;
}

/**
 * Permutes the dimensions; `perm` defaults to reversing them.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.transpose([[1, 2, 3]]).toArray()); // [ [ 1 ], [ 2 ], [ 3 ] ]
 * ```
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor(x, "transpose");
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
  const sorted = [...p].sort((a, b) => a - b);
  if (p.length !== t.rank || sorted.some((v, i) => v !== i)) {
    throw new ValueError(
      `transpose: expected a permutation of [0..${t.rank - 1}], got ${show(p)}`,
    );
  }
  if (p.every((v, i) => v === i)) return t;
  const strides = stridesOf(t.shape);
  const shape = p.map((i) => t.shape[i]!);
  const values = backend().strided(
    t,
    0,
    p.map((i) => strides[i]!),
    shape,
    t.dtype,
  );
  const inverse = p.map((_, i) => p.indexOf(i));
  return output(
    values,
    shape,
    t.dtype,
    [t],
    floatVjp(t, (dy: Tensor) => [transpose(dy, inverse)]),
  );
}

/**
 * Inserts a dimension of size 1 at `axis` (default 0; negative counts from
 * the end of the result).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.expandDims([1, 2], 1).shape); // [ 2, 1 ]
 * ```
 */
export function expandDims(x: TensorLike, axis = 0): Tensor {
  const t = toTensor(x, "expandDims");
  const a = normalizeAxis(axis, t.rank + 1, "expandDims");
  const shape = [...t.shape];
  shape.splice(a, 0, 1);
  return reshape(t, shape);
}

/**
 * Removes dimensions of size 1: those in `axis`, or all of them.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.squeeze([[1], [2]]).shape); // [ 2 ]
 * ```
 */
export function squeeze(
  x: TensorLike,
  axis?: number | readonly number[],
): Tensor {
  const t = toTensor(x, "squeeze");
  const axes =
    axis === undefined
      ? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : (typeof axis === "number" ? [axis] : axis).map((a) =>
          normalizeAxis(a, t.rank, "squeeze"),
        );
  for (const a of axes) {
    if (t.shape[a] !== 1) {
      throw new ShapeError(
        `squeeze: expected dimension ${a} to be 1, got shape ${show(t.shape)}`,
      );
    }
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

/**
 * Joins tensors along an existing axis (default 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.concat([[1, 2], [3]]).toArray()); // [ 1, 2, 3 ]
 * ```
 */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ValueError(
      `concat: expected a non-empty list of tensors, got ${show(tensors)}`,
    );
  }
  let ts = tensors.map((x) => toTensor(x, "concat"));
  const dtype = promoted(ts);
  ts = ts.map((t) => cast(t, dtype));
  const first = ts[0]!;
  const a = normalizeAxis(axis, first.rank, "concat");
  for (const t of ts) {
    const ok =
      t.rank === first.rank &&
      t.shape.every((d, i) => i === a || d === first.shape[i]);
    if (!ok) {
      throw new ShapeError(
        `concat: expected shapes that match ${show(first.shape)} except on ` +
          `axis ${a}, got ${show(t.shape)}`,
      );
    }
  }
  if (ts.length === 1) return first;
  const shape = [...first.shape];
  shape[a] = ts.reduce((n, t) => n + t.shape[a]!, 0);
  const values = backend().concat(ts, a, shape, dtype);
  const vjp = (dy: Tensor) => {
    let start = 0;
    return ts.map((t) => {
      const begin = t.shape.map((_, i) => (i === a ? start : 0));
      start += t.shape[a]!;
      return slice(dy, begin, t.shape);
    });
  };
  return output(values, shape, dtype, ts, isFloat(dtype) ? vjp : null);
}

/**
 * Stacks same-shaped tensors along a new axis (default 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.stack([[1, 2], [3, 4]], 1).toArray()); // [ [ 1, 3 ], [ 2, 4 ] ]
 * ```
 */
export function stack(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ValueError(
      `stack: expected a non-empty list of tensors, got ${show(tensors)}`,
    );
  }
  const ts = tensors.map((x) => toTensor(x, "stack"));
  const first = ts[0]!;
  for (const t of ts) {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: expected tensors of one shape ${show(first.shape)}, got ${show(t.shape)}`,
      );
    }
  }
  const a = normalizeAxis(axis, first.rank + 1, "stack");
  return concat(
    ts.map((t) => expandDims(t, a)),
    a,
  );
}

/**
 * Splits `x` along `axis` into `numOrSizeSplits` equal parts, or into parts
 * of the given sizes (one may be -1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const [a, b] = tg.split([1, 2, 3, 4], [1, 3]);
 * console.log(a!.toArray(), b!.toArray()); // [ 1 ] [ 2, 3, 4 ]
 * ```
 */
export function split(
  x: TensorLike,
  numOrSizeSplits: number | readonly number[],
  axis = 0,
): Tensor[] {
  const t = toTensor(x, "split");
  const a = normalizeAxis(axis, t.rank, "split");
  const dim = t.shape[a]!;
  let sizes: number[];
  if (typeof numOrSizeSplits === "number") {
    if (
      !Number.isInteger(numOrSizeSplits) ||
      numOrSizeSplits <= 0 ||
      dim % numOrSizeSplits !== 0
    ) {
      throw new ValueError(
        `split: expected a number of parts that divides dimension ${a} ` +
          `(${dim}), got ${show(numOrSizeSplits)}`,
      );
    }
    sizes = new Array<number>(numOrSizeSplits).fill(dim / numOrSizeSplits);
  } else {
    sizes = [...numOrSizeSplits];
    const unknown = sizes.indexOf(-1);
    if (unknown >= 0)
      sizes[unknown] =
        dim - sizes.reduce((s, v, i) => (i === unknown ? s : s + v), 0);
    if (
      sizes.some((s) => !Number.isInteger(s) || s < 0) ||
      sizes.reduce((s, v) => s + v, 0) !== dim
    ) {
      throw new ValueError(
        `split: expected sizes that add up to dimension ${a} (${dim}), got ` +
          show(numOrSizeSplits),
      );
    }
  }
  let start = 0;
  return sizes.map((s) => {
    const begin = t.shape.map((_, i) => (i === a ? start : 0));
    const size = t.shape.map((d, i) => (i === a ? s : d));
    start += s;
    return slice(t, begin, size);
  });
}

/**
 * The window of `x` that starts at `begin` and has `size` (-1: to the end).
 * A number for `begin` or `size` applies to the first axis.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.slice([[1, 2, 3], [4, 5, 6]], [0, 1], [2, 2]).toArray());
 * // [ [ 2, 3 ], [ 5, 6 ] ]
 * ```
 */
export function slice(
  x: TensorLike,
  begin: number | readonly number[],
  size?: number | readonly number[],
): Tensor {
  const t = toTensor(x, "slice");
  const b = t.shape.map((_, i) =>
    typeof begin === "number" ? (i === 0 ? begin : 0) : (begin[i] ?? 0),
  );
  const s = t.shape.map((d, i) => {
    const v =
      size === undefined
        ? -1
        : typeof size === "number"
          ? i === 0
            ? size
            : -1
          : (size[i] ?? -1);
    return v === -1 ? d - b[i]! : v;
  });
  for (let i = 0; i < t.rank; i++) {
    if (!(b[i]! >= 0 && s[i]! >= 0 && b[i]! + s[i]! <= t.shape[i]!)) {
      throw new ValueError(
        `slice: expected begin ${show(begin)} and size ${show(size ?? -1)} ` +
          `inside shape ${show(t.shape)}`,
      );
    }
  }
  if (shapesEqual(s, t.shape)) return t;
  const strides = stridesOf(t.shape);
  const offset = b.reduce((o, v, i) => o + v * strides[i]!, 0);
  const values = backend().strided(t, offset, strides, s, t.dtype);
  const paddings = b.map((v, i): [number, number] => [
    v,
    t.shape[i]! - v - s[i]!,
  ]);
  return output(
    values,
    s,
    t.dtype,
    [t],
    floatVjp(t, (dy: Tensor) => [pad(dy, paddings)]),
  );
}

/**
 * Pads with `constantValue` (default 0): `paddings[i] = [before, after]`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.pad([1, 2], [[1, 2]]).toArray()); // [ 0, 1, 2, 0, 0 ]
 * ```
 */
export function pad(
  x: TensorLike,
  paddings: readonly (readonly [number, number])[],
  constantValue = 0,
): Tensor {
  const t = toTensor(x, "pad");
  if (!isPairList(paddings, t.rank)) {
    throw new ValueError(
      `pad: expected ${t.rank} pairs of integers >= 0, got ${show(paddings)}`,
    );
  }
  const shape = t.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const values = backend().pad(t, paddings, constantValue, t.dtype);
  const begin = paddings.map((p) => p[0]);
  return output(
    values,
    shape,
    t.dtype,
    [t],
    floatVjp(t, (dy: Tensor) => [slice(dy, begin, t.shape)]),
  );
}

function isPairList(x: unknown, rank: number): boolean {
  return (
    Array.isArray(x) &&
    x.length === rank &&
    x.every((p: unknown) => isIntList(p) && (p as unknown[]).length === 2)
  );
}

function isIntList(x: unknown): boolean {
  return (
    Array.isArray(x) &&
    x.every((v: unknown) => Number.isInteger(v) && (v as number) >= 0)
  );
}

/**
 * Repeats `x` `reps[i]` times along each axis.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.tile([1, 2], [2]).toArray()); // [ 1, 2, 1, 2 ]
 * ```
 */
export function tile(x: TensorLike, reps: readonly number[]): Tensor {
  const t = toTensor(x, "tile");
  if (!isIntList(reps) || reps.length !== t.rank) {
    throw new ValueError(
      `tile: expected ${t.rank} repetition counts >= 0, got ${show(reps)}`,
    );
  }
  const shape = t.shape.map((d, i) => d * reps[i]!);
  const values = backend().tile(t, shape, t.dtype);
  const vjp = (dy: Tensor) => {
    // View dy as [r0, d0, r1, d1, ...] and sum the repetition axes.
    const split = t.shape.flatMap((d, i) => [reps[i]!, d]);
    const axes = t.shape.map((_, i) => 2 * i);
    return [reshape(sum(reshape(dy, split), axes), t.shape)];
  };
  return output(values, shape, t.dtype, [t], floatVjp(t, vjp));
}

/**
 * Broadcasts `x` to `shape` by NumPy's rules.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.broadcastTo([1, 2], [2, 2]).toArray()); // [ [ 1, 2 ], [ 1, 2 ] ]
 * ```
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x, "broadcastTo");
  const target = [...shape];
  const b = broadcastShapes(t.shape, target, "broadcastTo");
  if (!shapesEqual(b, target)) {
    throw new ShapeError(
      `broadcastTo: cannot broadcast shape ${show(t.shape)} to ${show(target)}`,
    );
  }
  if (shapesEqual(t.shape, target)) return t;
  const strides = broadcastStridesOf(t.shape, target);
  const values = backend().strided(t, 0, strides, target, t.dtype);
  return output(
    values,
    target,
    t.dtype,
    [t],
    floatVjp(t, (dy: Tensor) => [unbroadcast(dy, t.shape)]),
  );
}

function broadcastStridesOf(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const lead = target.length - shape.length;
  return target.map((_, i) =>
    i < lead || shape[i - lead] === 1 ? 0 : own[i - lead]!,
  );
}

/**
 * Slices of `x` along `axis` at `indices` (int32, any shape). The result
 * has shape x.shape[:axis] + indices.shape + x.shape[axis+1:].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.gather([10, 20, 30], [2, 0]).toArray()); // [ 30, 10 ]
 * ```
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = toTensor(x, "gather");
  const idx = indexTensor(indices, "gather");
  const a = normalizeAxis(axis, t.rank, "gather");
  const dim = t.shape[a]!;
  const flat = idx.data as Int32Array;
  for (const i of flat) {
    if (i < 0 || i >= dim) {
      throw new ValueError(
        `gather: expected indices in [0, ${dim}) on axis ${a}, got ${i}`,
      );
    }
  }
  const shape = [...t.shape.slice(0, a), ...idx.shape, ...t.shape.slice(a + 1)];
  const values = backend().gather(t, flat, a, t.dtype);
  const vjp = (dy: Tensor) => [scatterAdd(dy, idx, a, t.shape)];
  return output(values, shape, t.dtype, [t], floatVjp(t, vjp));
}

function indexTensor(indices: TensorLike, op: string): Tensor {
  const t = toTensor(indices, op, "int32");
  if (t.dtype !== "int32") {
    throw new DTypeError(`${op}: expected int32 indices, got ${t.dtype}`);
  }
  return t;
}

/**
 * Adds the slices of `updates` into zeros of `shape` at `indices` along
 * `axis`: the gradient of gather, and the reverse of it. @internal
 */
export function scatterAdd(
  updates: Tensor,
  indices: Tensor,
  axis: number,
  shape: Shape,
): Tensor {
  const rows = [
    ...shape.slice(0, axis),
    indices.size,
    ...shape.slice(axis + 1),
  ];
  const u = reshape(updates, rows);
  const values = backend().scatterAdd(
    u,
    indices.data as Int32Array,
    axis,
    shape,
    u.dtype,
  );
  return output(values, shape, u.dtype, [u], (dy: Tensor) => [
    reshape(gather(dy, reshape(indices, [-1]), axis), rows),
  ]);
}

/**
 * One-hot rows: `onValue` at each index, `offValue` elsewhere, with a new
 * last axis of size `depth`. The dtype defaults to int32, as in
 * TensorFlow.js. Indices outside [0, depth) give a row of `offValue`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.oneHot([0, 2], 3).toArray()); // [ [ 1, 0, 0 ], [ 0, 0, 1 ] ]
 * ```
 */
export function oneHot(
  indices: TensorLike,
  depth: number,
  onValue = 1,
  offValue = 0,
  dtype: DType = "int32",
): Tensor {
  const idx = indexTensor(indices, "oneHot");
  checkDType(dtype, "oneHot");
  if (!Number.isInteger(depth) || depth < 0) {
    throw new ValueError(`oneHot: expected a depth >= 0, got ${show(depth)}`);
  }
  const flat = idx.data;
  const values = new Float64Array(flat.length * depth).fill(offValue);
  flat.forEach((v, i) => {
    if (v >= 0 && v < depth) values[i * depth + v] = onValue;
  });
  return cast(make(values, [...idx.shape, depth], "float64"), dtype);
}
