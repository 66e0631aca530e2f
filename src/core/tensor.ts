// SPDX-License-Identifier: Apache-2.0
/**
 * The Tensor: an immutable n-dimensional array of one dtype, kept in a typed
 * array in row-major order. Ops never change a tensor; they make new ones.
 * The methods below are shorthands for the top-level ops of the same name.
 */
import type { DType, TypedArray } from "./dtype.js";
import { formatValues } from "./format.js";
import type { Shape } from "./shape.js";
import * as ops from "../ops/index.js";

/** Nested arrays of numbers or booleans, as `toArray()` gives them. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Anything an op accepts where it takes a tensor. */
export type TensorLike = Tensor | NestedArray | TypedArray;

let nextId = 0;

/**
 * An immutable n-dimensional array.
 *
 * Create tensors with {@link tensor}, {@link zeros} and friends; read them
 * with `data`, `toArray()` and `item()`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([[1, 2], [3, 4]]);
 * console.log(x.shape, x.dtype); // [ 2, 2 ] float32
 * console.log(x.add(1).square().toArray()); // [ [ 4, 9 ], [ 16, 25 ] ]
 * ```
 */
export class Tensor {
  /** A number unique to this tensor, used by gradient tapes. */
  readonly id: number;
  /** The size of each dimension. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** The number of elements. */
  readonly size: number;
  /** @internal The values, row-major. Replaced (never written) by assign. */
  protected _values: TypedArray;

  /** @internal Use {@link tensor} to create tensors. */
  constructor(values: TypedArray, shape: Shape, dtype: DType) {
    this.id = nextId++;
    this._values = values;
    this.shape = shape;
    this.dtype = dtype;
    this.size = values.length;
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * The values as a typed array, row-major (bool as 0/1 bytes). This is the
   * tensor's own storage, not a copy: read it, don't write it.
   */
  get data(): TypedArray {
    return this._values;
  }

  /** @internal The immutable tensor that ops read; a variable's snapshot. */
  _read(): Tensor {
    return this;
  }

  /** The values as nested arrays (booleans for bool). */
  toArray(): NestedArray {
    const v = this._values;
    const bool = this.dtype === "bool";
    const shape = this.shape;
    if (shape.length === 0) return bool ? v[0] === 1 : v[0]!;
    let offset = 0;
    const build = (axis: number): NestedArray[] => {
      const n = shape[axis]!;
      const out: NestedArray[] = new Array<NestedArray>(n);
      for (let i = 0; i < n; i++) {
        if (axis === shape.length - 1) {
          const x = v[offset++]!;
          out[i] = bool ? x === 1 : x;
        } else {
          out[i] = build(axis + 1);
        }
      }
      return out;
    };
    return build(0);
  }

  /** The single value of a one-element tensor (bool reads as 1 or 0). */
  item(): number {
    return ops.item(this);
  }

  /** A NumPy-like rendering: shape and dtype, then the values. */
  toString(): string {
    const head = `Tensor(shape=[${this.shape.join(", ")}], dtype=${this.dtype})`;
    return `${head}\n${formatValues(this._values, this.shape, this.dtype)}`;
  }

  /** @internal How console.log and util.inspect show a tensor. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  add(b: TensorLike): Tensor {
    return ops.add(this, b);
  }
  sub(b: TensorLike): Tensor {
    return ops.sub(this, b);
  }
  mul(b: TensorLike): Tensor {
    return ops.mul(this, b);
  }
  div(b: TensorLike): Tensor {
    return ops.div(this, b);
  }
  pow(b: TensorLike): Tensor {
    return ops.pow(this, b);
  }
  maximum(b: TensorLike): Tensor {
    return ops.maximum(this, b);
  }
  minimum(b: TensorLike): Tensor {
    return ops.minimum(this, b);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  clip(min: number, max: number): Tensor {
    return ops.clip(this, min, max);
  }
  equal(b: TensorLike): Tensor {
    return ops.equal(this, b);
  }
  notEqual(b: TensorLike): Tensor {
    return ops.notEqual(this, b);
  }
  greater(b: TensorLike): Tensor {
    return ops.greater(this, b);
  }
  greaterEqual(b: TensorLike): Tensor {
    return ops.greaterEqual(this, b);
  }
  less(b: TensorLike): Tensor {
    return ops.less(this, b);
  }
  lessEqual(b: TensorLike): Tensor {
    return ops.lessEqual(this, b);
  }
  sum(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.sum(this, axis, keepDims);
  }
  mean(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.mean(this, axis, keepDims);
  }
  max(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.max(this, axis, keepDims);
  }
  min(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.min(this, axis, keepDims);
  }
  prod(axis?: number | number[] | null, keepDims = false): Tensor {
    return ops.prod(this, axis, keepDims);
  }
  argMax(axis = 0): Tensor {
    return ops.argMax(this, axis);
  }
  argMin(axis = 0): Tensor {
    return ops.argMin(this, axis);
  }
  matMul(b: TensorLike, transposeA = false, transposeB = false): Tensor {
    return ops.matMul(this, b, transposeA, transposeB);
  }
  dot(b: TensorLike): Tensor {
    return ops.dot(this, b);
  }
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  flatten(): Tensor {
    return ops.reshape(this, [-1]);
  }
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  expandDims(axis = 0): Tensor {
    return ops.expandDims(this, axis);
  }
  squeeze(axis?: number | number[]): Tensor {
    return ops.squeeze(this, axis);
  }
  slice(begin: number | number[], size?: number | number[]): Tensor {
    return ops.slice(this, begin, size);
  }
  gather(indices: TensorLike, axis = 0): Tensor {
    return ops.gather(this, indices, axis);
  }
  tile(reps: readonly number[]): Tensor {
    return ops.tile(this, reps);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
}
