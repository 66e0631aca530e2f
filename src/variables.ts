// SPDX-License-Identifier: Apache-2.0
/** Variables: named, mutable tensors that layers and optimizers update. */
import { checkDType, type DType } from "./core/dtype.js";
import { ShapeError, show } from "./core/errors.js";
import { shapesEqual } from "./core/shape.js";
import { Tensor, type TensorLike } from "./core/tensor.js";
import { isRecording, noteVariableRead } from "./autodiff/tape.js";
import { add, sub } from "./ops/binary.js";
import { cast } from "./ops/cast.js";
import { fromValues, make } from "./ops/convert.js";

/** Options of a Variable. */
export interface VariableOptions {
  /** A name, shown when printed. Default "Variable". */
  name?: string;
  /** Whether tapes watch it and optimizers train it. Default true. */
  trainable?: boolean;
  /** A projection optimizers apply after each update. Default none. */
  constraint?: ((value: Tensor) => Tensor) | null;
  /** The dtype; default: that of the initial value. */
  dtype?: DType;
}

/**
 * A mutable tensor: `assign`, `assignAdd` and `assignSub` replace its
 * values; its shape and dtype never change. Usable wherever a tensor is:
 * ops read its current value. Gradient tapes watch trainable variables
 * automatically.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const v = new tg.Variable([1, 2], { name: "v" });
 * v.assignAdd([10, 10]);
 * console.log(v.toArray(), v.add(1).toArray()); // [ 11, 12 ] [ 12, 13 ]
 * ```
 */
export class Variable extends Tensor {
  /** The variable's name, for printing and saving. */
  name: string;
  /** Whether tapes watch it and optimizers update it. */
  trainable: boolean;
  /** A projection optimizers apply after each update, or null. */
  constraint: ((value: Tensor) => Tensor) | null;
  #snapshot: Tensor | null = null;

  constructor(initial: TensorLike, options: VariableOptions = {}) {
    if (options.dtype !== undefined) checkDType(options.dtype, "Variable");
    const t =
      initial instanceof Tensor
        ? cast(initial, options.dtype ?? initial.dtype)
        : fromValues(initial, "Variable", undefined, options.dtype);
    super(t.data, t.shape, t.dtype);
    this.name = options.name ?? "Variable";
    this.trainable = options.trainable ?? true;
    this.constraint = options.constraint ?? null;
  }

  /**
   * The current value as an immutable tensor. Reading it is a read of the
   * variable: recording tapes watch it as they watch ops' inputs.
   */
  get value(): Tensor {
    this.#snapshot ??= make(this._values, this.shape, this.dtype);
    if (isRecording()) noteVariableRead(this, this.#snapshot);
    return this.#snapshot;
  }

  /** @internal */
  override _read(): Tensor {
    return this.value;
  }

  /**
   * Replaces the values. The new value must have exactly this shape; it is
   * cast to this dtype. On error the variable keeps its value.
   */
  assign(value: TensorLike): this {
    const t =
      value instanceof Tensor
        ? value._read()
        : fromValues(
            value,
            `Variable "${this.name}".assign`,
            undefined,
            this.dtype,
          );
    if (!shapesEqual(t.shape, this.shape)) {
      throw new ShapeError(
        `Variable "${this.name}".assign: expected a value of shape ` +
          `${show(this.shape)}, got shape ${show(t.shape)}`,
      );
    }
    const v = t.dtype === this.dtype ? t.data : cast(t, this.dtype).data;
    this._values = v;
    this.#snapshot = null;
    return this;
  }

  /** Adds `delta` (same shape) to the value. */
  assignAdd(delta: TensorLike): this {
    return this.assign(this.#combine(delta, "assignAdd", add));
  }

  /** Subtracts `delta` (same shape) from the value. */
  assignSub(delta: TensorLike): this {
    return this.assign(this.#combine(delta, "assignSub", sub));
  }

  #combine(
    delta: TensorLike,
    op: string,
    f: (a: Tensor, b: Tensor) => Tensor,
  ): Tensor {
    const where = `Variable "${this.name}".${op}`;
    const d =
      delta instanceof Tensor
        ? delta._read()
        : fromValues(delta, where, undefined, this.dtype);
    if (!shapesEqual(d.shape, this.shape)) {
      throw new ShapeError(
        `${where}: expected a value of shape ${show(this.shape)}, got shape ` +
          show(d.shape),
      );
    }
    return f(this.value, d);
  }

  override toString(): string {
    const head =
      `Variable "${this.name}" shape=[${this.shape.join(", ")}] ` +
      `dtype=${this.dtype}`;
    return `${head}\n${super.toString().split("\n").slice(1).join("\n")}`;
  }
}

/** True for variables. @internal */
export function isVariable(x: unknown): x is Variable {
  return x instanceof Variable;
}
