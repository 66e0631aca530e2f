// SPDX-License-Identifier: Apache-2.0
/** Making tensors: from values, filled, ranges, identity matrices. */
import { allocate, checkDType, type DType } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import { checkShape, sizeOf } from "../core/shape.js";
import { Tensor, type TensorLike } from "../core/tensor.js";
import { fromValues, make, scalarOf, toTensor } from "./convert.js";

/**
 * A tensor from a number, a boolean, nested arrays or a typed array. The
 * dtype is taken from a typed array, is bool for booleans, and float32
 * otherwise; `shape` reshapes the values and must match their count.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const a = tg.tensor([[1, 2], [3, 4]]);
 * const b = tg.tensor([1, 2, 3, 4], [2, 2], "float64");
 * console.log(a.shape, b.dtype); // [ 2, 2 ] float64
 * ```
 */
export function tensor(
  values: TensorLike,
  shape?: readonly number[],
  dtype?: DType,
): Tensor {
  if (dtype !== undefined) checkDType(dtype, "tensor");
  const s = shape === undefined ? undefined : checkShape(shape, "tensor");
  if (values instanceof Tensor) {
    return fromValues(
      values.data,
      "tensor",
      s ?? values.shape,
      dtype ?? values.dtype,
    );
  }
  return fromValues(values, "tensor", s, dtype);
}

/**
 * A rank-0 tensor.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.scalar(3.5).item()); // 3.5
 * ```
 */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new ValueError(
      `scalar: expected a number or a boolean, got ${show(value)}`,
    );
  }
  if (dtype !== undefined) checkDType(dtype, "scalar");
  const d = dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  return scalarOf(+value, d);
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.fill([2], 7).toArray()); // [ 7, 7 ]
 * ```
 */
export function fill(
  shape: readonly number[],
  value: number,
  dtype: DType = "float32",
): Tensor {
  return filled(shape, value, dtype, "fill");
}

/** fill, with errors that name the public op `where`. */
function filled(
  shape: readonly number[],
  value: number,
  dtype: DType,
  where: string,
): Tensor {
  const s = checkShape(shape, where);
  checkDType(dtype, where);
  const v = allocate(dtype, sizeOf(s));
  if (value !== 0) v.fill(dtype === "bool" ? 1 : value);
  return make(v, s, dtype);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.zeros([2, 2]).toArray()); // [ [ 0, 0 ], [ 0, 0 ] ]
 * ```
 */
export function zeros(
  shape: readonly number[],
  dtype: DType = "float32",
): Tensor {
  return filled(shape, 0, dtype, "zeros");
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.ones([3]).toArray()); // [ 1, 1, 1 ]
 * ```
 */
export function ones(
  shape: readonly number[],
  dtype: DType = "float32",
): Tensor {
  return filled(shape, 1, dtype, "ones");
}

/**
 * Zeros of the shape and dtype of `x`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.zerosLike([[1, 2]]).toArray()); // [ [ 0, 0 ] ]
 * ```
 */
export function zerosLike(x: TensorLike): Tensor {
  const t = toTensor(x, "zerosLike");
  return make(allocate(t.dtype, t.size), t.shape, t.dtype);
}

/**
 * Ones of the shape and dtype of `x`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.onesLike([[1, 2]]).toArray()); // [ [ 1, 1 ] ]
 * ```
 */
export function onesLike(x: TensorLike): Tensor {
  const t = toTensor(x, "onesLike");
  return fill(t.shape, 1, t.dtype);
}

/**
 * An identity matrix of `numRows` × `numColumns` (default square),
 * optionally repeated over `batchShape`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.eye(2).toArray()); // [ [ 1, 0 ], [ 0, 1 ] ]
 * ```
 */
export function eye(
  numRows: number,
  numColumns = numRows,
  batchShape: readonly number[] = [],
  dtype: DType = "float32",
): Tensor {
  const shape = checkShape([...batchShape, numRows, numColumns], "eye");
  checkDType(dtype, "eye");
  const v = allocate(dtype, sizeOf(shape));
  const block = numRows * numColumns;
  for (let b = 0; b < v.length; b += block) {
    for (let i = 0; i < Math.min(numRows, numColumns); i++) {
      v[b + i * numColumns + i] = 1;
    }
  }
  return make(v, shape, dtype);
}

/**
 * Evenly spaced values in [start, stop) with `step` (default 1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.range(0, 5, 2).toArray()); // [ 0, 2, 4 ]
 * ```
 */
export function range(
  start: number,
  stop: number,
  step = 1,
  dtype: DType = "float32",
): Tensor {
  if (step === 0 || !Number.isFinite(step)) {
    throw new ValueError(
      `range: expected a non-zero finite step, got ${show(step)}`,
    );
  }
  checkDType(dtype, "range");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const v = allocate(dtype, n);
  for (let i = 0; i < n; i++) v[i] = start + i * step;
  return make(v, [n], dtype);
}

/**
 * `num` evenly spaced values from `start` to `stop`, both included.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.linspace(0, 1, 5).toArray()); // [ 0, 0.25, 0.5, 0.75, 1 ]
 * ```
 */
export function linspace(
  start: number,
  stop: number,
  num: number,
  dtype: DType = "float32",
): Tensor {
  if (!Number.isInteger(num) || num < 0) {
    throw new ValueError(`linspace: expected a count >= 0, got ${show(num)}`);
  }
  checkDType(dtype, "linspace");
  const v = allocate(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++)
    v[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return make(v, [num], dtype);
}

/**
 * The single value of a one-element tensor (bool reads as 1 or 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.item([[5]])); // 5
 * ```
 */
export function item(x: TensorLike): number {
  const t = toTensor(x, "item");
  if (t.size !== 1) {
    throw new ValueError(
      `item: expected a tensor with one element, got shape ${show(t.shape)}`,
    );
  }
  return t.data[0]!;
}
