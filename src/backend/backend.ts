// SPDX-License-Identifier: Apache-2.0
/**
 * The Backend interface: the kernels ops call, by name. A backend computes
 * values only; shapes, dtypes, checks and gradients live in `src/ops/`.
 * Kernels take plain arrays and shapes and return new typed arrays.
 */
import type { DType, TypedArray } from "../core/dtype.js";
import type { Shape } from "../core/shape.js";

/** Elementwise functions of one argument. */
export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "exp"
  | "log"
  | "log1p"
  | "expm1"
  | "sqrt"
  | "rsqrt"
  | "square"
  | "reciprocal"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "relu6"
  | "erf"
  | "floor"
  | "ceil"
  | "round"
  | "logicalNot"
  | "isNaN";

/** Elementwise functions of two broadcast arguments. */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "equal"
  | "notEqual"
  | "less"
  | "lessEqual"
  | "greater"
  | "greaterEqual"
  | "logicalAnd"
  | "logicalOr"
  | "logicalXor";

/** Reductions over a set of axes. */
export type ReduceOp = "sum" | "prod" | "max" | "min";

/** A tensor's values with their shape, as kernels see them. */
export interface View {
  readonly data: TypedArray;
  readonly shape: Shape;
}

/** The kernels a backend supplies. */
export interface Backend {
  readonly name: string;
  unary(op: UnaryOp, x: View, out: DType): TypedArray;
  binary(
    op: BinaryOp,
    a: View,
    b: View,
    outShape: Shape,
    out: DType,
  ): TypedArray;
  /** Reduces `axes` (sorted, distinct) away. */
  reduce(
    op: ReduceOp,
    x: View,
    axes: readonly number[],
    out: DType,
  ): TypedArray;
  /** Index of the largest (or smallest) value along `axis`, as int32. */
  argReduce(op: "argMax" | "argMin", x: View, axis: number): Int32Array;
  /** Batched matrix product; batch dimensions already broadcast in shape. */
  matMul(
    a: View,
    b: View,
    transposeA: boolean,
    transposeB: boolean,
    outShape: Shape,
    out: DType,
  ): TypedArray;
  /**
   * Copies a strided window of `x` into a new array of `outShape`: element
   * `i` of the output reads `x.values[offset + sum_k i_k * strides[k]]`.
   * Transpose, slice, broadcastTo and reverse are all this one kernel.
   */
  strided(
    x: View,
    offset: number,
    strides: readonly number[],
    outShape: Shape,
    out: DType,
  ): TypedArray;
  pad(
    x: View,
    paddings: readonly (readonly [number, number])[],
    value: number,
    out: DType,
  ): TypedArray;
  concat(
    xs: readonly View[],
    axis: number,
    outShape: Shape,
    out: DType,
  ): TypedArray;
  tile(x: View, outShape: Shape, out: DType): TypedArray;
  gather(x: View, indices: Int32Array, axis: number, out: DType): TypedArray;
  /** Adds rows of `updates` into zeros of `shape` at `indices` along `axis`. */
  scatterAdd(
    updates: View,
    indices: Int32Array,
    axis: number,
    shape: Shape,
    out: DType,
  ): TypedArray;
  /** cond ? a : b, all three already of one shape. */
  where(cond: TypedArray, a: TypedArray, b: TypedArray, out: DType): TypedArray;
  cast(x: TypedArray, out: DType): TypedArray;
}
