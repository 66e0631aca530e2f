// SPDX-License-Identifier: Apache-2.0
/**
 * Gathers and scatters by multi-dimensional index: `gatherNd` reads the
 * slices of a tensor at index tuples, `scatterNd` adds slices into zeros at
 * index tuples (TensorFlow's gather_nd and scatter_nd; Keras 3's
 * `ops.scatter`). Each is written with `gather` and its gradient on the
 * flattened leading axes, so both are differentiable: the gradient of one
 * is the other.
 */
import { DTypeError, ShapeError, ValueError, show } from "../core/errors.js";
import { Tensor, type TensorLike } from "../core/tensor.js";
import { isFloat } from "../core/dtype.js";
import { toTensor, make } from "./convert.js";
import { gather, reshape, scatterAdd } from "./shape.js";

/**
 * The flat row of each index tuple (the last axis of `indices`) in the
 * first `k` axes of `shape`, checked to lie inside them.
 */
function flatRows(
  indices: Tensor,
  shape: readonly number[],
  op: string,
): Int32Array {
  const k = indices.shape.at(-1)!;
  const n = indices.size / k;
  const data = indices.data as Int32Array;
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) {
      const v = data[i * k + j]!;
      const dim = shape[j]!;
      if (!(v >= 0 && v < dim)) {
        throw new ValueError(
          `${op}: expected index tuple ${i} to lie inside shape ` +
            `${show(shape.slice(0, k))}, got ` +
            show(Array.from(data.subarray(i * k, i * k + k))),
        );
      }
      row = row * dim + v;
    }
    rows[i] = row;
  }
  return rows;
}

/** `indices` as int32 of rank >= 1 whose last axis is in [1, rank]. */
function indexTuples(indices: TensorLike, rank: number, op: string): Tensor {
  const t = toTensor(indices, op, "int32");
  if (t.dtype !== "int32") {
    throw new DTypeError(`${op}: expected int32 indices, got ${t.dtype}`);
  }
  const k = t.shape.at(-1);
  if (t.rank < 1 || k === undefined || k < 1 || k > rank) {
    throw new ShapeError(
      `${op}: expected indices whose last axis (the index tuple) has ` +
        `length 1 to ${rank}, got indices of shape ${show(t.shape)}`,
    );
  }
  return t;
}

/**
 * The slices of `x` at index tuples: `indices` has shape [..., k], each
 * tuple picks `x[i0, ..., ik-1]` (a scalar when k = x's rank, else the
 * remaining axes). The result has shape indices.shape[:-1] +
 * x.shape[k:]. TensorFlow's gather_nd; an index outside x is a
 * ValueError. Its gradient adds into the picked places (repeated tuples
 * add up).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([[1, 2], [3, 4]]);
 * console.log(tg.gatherNd(x, [[1, 0], [0, 1]]).toArray()); // [ 3, 2 ]
 * console.log(tg.gatherNd(x, [[1]]).toArray()); // [ [ 3, 4 ] ]
 * ```
 */
export function gatherNd(x: TensorLike, indices: TensorLike): Tensor {
  const t = x instanceof Tensor ? x : toTensor(x, "gatherNd");
  if (t.rank < 1) {
    throw new ShapeError(
      `gatherNd: expected x of rank >= 1, got shape ${show(t.shape)}`,
    );
  }
  const idx = indexTuples(indices, t.rank, "gatherNd");
  const k = idx.shape.at(-1)!;
  const rows = flatRows(idx, t.shape, "gatherNd");
  const lead = t.shape.slice(0, k).reduce((a, b) => a * b, 1);
  const rest = t.shape.slice(k);
  const picked = gather(
    reshape(t, [lead, ...rest]),
    make(rows, [rows.length], "int32"),
    0,
  );
  return reshape(picked, [...idx.shape.slice(0, -1), ...rest]);
}

/**
 * Zeros of `shape` with the slices of `updates` added at index tuples:
 * `indices` has shape [..., k], `updates` has shape indices.shape[:-1] +
 * shape[k:]. Repeated tuples add up, as in TensorFlow's scatter_nd and
 * Keras 3's `ops.scatter`. The updates must be a float or int32 tensor;
 * the gradient with respect to them gathers at the same tuples.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.scatterNd([[0], [2], [0]], [1, 2, 3], [4]);
 * console.log(y.toArray()); // [ 4, 0, 2, 0 ]
 * const z = tg.scatterNd([[1, 1]], [5], [2, 2]);
 * console.log(z.toArray()); // [ [ 0, 0 ], [ 0, 5 ] ]
 * ```
 */
export function scatterNd(
  indices: TensorLike,
  updates: TensorLike,
  shape: readonly number[],
): Tensor {
  const given: unknown = shape;
  if (
    !Array.isArray(given) ||
    given.length < 1 ||
    !given.every((d) => Number.isInteger(d) && (d as number) >= 0)
  ) {
    throw new ValueError(
      `scatterNd: expected shape to be a non-empty list of integers >= 0, ` +
        `got ${show(shape)}`,
    );
  }
  const idx = indexTuples(indices, shape.length, "scatterNd");
  const u =
    updates instanceof Tensor ? updates : toTensor(updates, "scatterNd");
  if (!isFloat(u.dtype) && u.dtype !== "int32") {
    throw new DTypeError(
      `scatterNd: expected float or int32 updates, got ${u.dtype}`,
    );
  }
  const k = idx.shape.at(-1)!;
  const rest = shape.slice(k);
  const want = [...idx.shape.slice(0, -1), ...rest];
  if (u.rank !== want.length || !u.shape.every((d, i) => d === want[i])) {
    throw new ShapeError(
      `scatterNd: expected updates of shape ${show(want)} (the indices' ` +
        `leading shape and shape[${k}:]), got shape ${show(u.shape)}`,
    );
  }
  const rows = flatRows(idx, shape, "scatterNd");
  const lead = shape.slice(0, k).reduce((a, b) => a * b, 1);
  const flat = scatterAdd(
    reshape(u, [rows.length, ...rest]),
    make(rows, [rows.length], "int32"),
    0,
    [lead, ...rest],
  );
  return reshape(flat, shape);
}
