// SPDX-License-Identifier: Apache-2.0
/** Turning numbers, nested arrays and typed arrays into tensors. */
import {
  allocate,
  dtypeOfArray,
  isFloat,
  type DType,
  type TypedArray,
} from "../core/dtype.js";
import { ShapeError, ValueError, show } from "../core/errors.js";
import type { Shape } from "../core/shape.js";
import { Tensor, type NestedArray, type TensorLike } from "../core/tensor.js";

/** Wraps values in a tensor without copying. @internal */
export function make(values: TypedArray, shape: Shape, dtype: DType): Tensor {
  return new Tensor(values, shape, dtype);
}

/** A one-element tensor of `dtype`. @internal */
export function scalarOf(value: number, dtype: DType): Tensor {
  const v = allocate(dtype, 1);
  v[0] = dtype === "bool" ? (value !== 0 ? 1 : 0) : value;
  return new Tensor(v, [], dtype);
}

/** One sample with one feature, shape [1, 1]: how layers read a number. */
export function sampleOf(value: number, dtype: DType): Tensor {
  const v = allocate(dtype, 1);
  v[0] = value;
  return new Tensor(v, [1, 1], dtype);
}

/**
 * The tensor an op reads for `x`. Numbers and nested arrays take `dtype`
 * when given (the dtype of the tensor they meet), else float32; booleans
 * make bool tensors; typed arrays keep their own dtype.
 */
export function toTensor(x: unknown, where: string, dtype?: DType): Tensor {
  if (x instanceof Tensor) return x._read();
  if (typeof x === "number") return scalarOf(x, dtype ?? "float32");
  if (typeof x === "boolean") return scalarOf(x ? 1 : 0, dtype ?? "bool");
  return fromValues(x, where, undefined, dtype);
}

/** The dtype a plain value takes when it meets a tensor of `dtype`. */
export function weakDType(x: unknown, dtype: DType): DType | undefined {
  if (x instanceof Tensor || ArrayBuffer.isView(x)) return undefined;
  if (isFloat(dtype)) return dtype;
  if (!every(x, (v) => typeof v === "boolean" || Number.isInteger(v))) {
    return "float32";
  }
  if (dtype === "bool" && !every(x, (v) => typeof v === "boolean")) {
    return "int32";
  }
  return dtype;
}

function every(x: unknown, test: (v: unknown) => boolean): boolean {
  return Array.isArray(x) ? x.every((v) => every(v, test)) : test(x);
}

/** Converts nested arrays or a typed array, checking shape and contents. */
export function fromValues(
  x: unknown,
  where: string,
  shape?: Shape,
  dtype?: DType,
): Tensor {
  let flat: ArrayLike<number | boolean>;
  let inferred: number[];
  let natural: DType;
  if (ArrayBuffer.isView(x)) {
    const d = dtypeOfArray(x);
    if (!d) {
      throw new ValueError(
        `${where}: expected a Float32Array, Float64Array, Int32Array or ` +
          `Uint8Array, got ${x.constructor.name}`,
      );
    }
    flat = x as TypedArray;
    inferred = [flat.length];
    natural = d;
  } else if (
    Array.isArray(x) ||
    typeof x === "number" ||
    typeof x === "boolean"
  ) {
    inferred = inferShape(x, where);
    const out: (number | boolean)[] = [];
    flatten(x as NestedArray, inferred, 0, where, out, "");
    flat = out;
    natural =
      out.length > 0 && out.every((v) => typeof v === "boolean")
        ? "bool"
        : "float32";
  } else {
    throw new ValueError(
      `${where}: expected a tensor, a number, a boolean, nested arrays or ` +
        `a typed array, got ${show(x)}`,
    );
  }
  const finalShape = shape ?? inferred;
  let n = 1;
  for (const d of finalShape) n *= d;
  if (n !== flat.length) {
    throw new ShapeError(
      `${where}: expected ${n} values for shape ${show(finalShape)}, got ` +
        `${flat.length}`,
    );
  }
  const finalDType = dtype ?? natural;
  const values = allocate(finalDType, flat.length);
  if (finalDType === "bool") {
    // NaN counts as true: only 0 and false are false, as in NumPy.
    for (let i = 0; i < flat.length; i++) values[i] = +flat[i]! !== 0 ? 1 : 0;
  } else if (finalDType === "int32") {
    for (let i = 0; i < flat.length; i++) values[i] = Math.trunc(+flat[i]!);
  } else {
    for (let i = 0; i < flat.length; i++) values[i] = +flat[i]!;
  }
  return new Tensor(values, finalShape.slice(), finalDType);
}

function inferShape(x: unknown, where: string): number[] {
  const shape: number[] = [];
  let v = x;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  void where;
  return shape;
}

function flatten(
  x: NestedArray,
  shape: readonly number[],
  axis: number,
  where: string,
  out: (number | boolean)[],
  path: string,
): void {
  if (axis === shape.length) {
    if (Array.isArray(x)) {
      throw new ShapeError(
        `${where}: expected a nested array of shape ${show(shape)}, got a ` +
          `ragged one (an array at index ${path || "[]"})`,
      );
    }
    if (typeof x !== "number" && typeof x !== "boolean") {
      throw new ValueError(
        `${where}: expected numbers or booleans, got ${show(x)} at index ` +
          `${path || "[]"}`,
      );
    }
    out.push(x);
    return;
  }
  if (!Array.isArray(x) || x.length !== shape[axis]) {
    throw new ShapeError(
      `${where}: expected a nested array of shape ${show(shape)}, got a ` +
        `ragged one (${Array.isArray(x) ? `length ${x.length}` : show(x)} ` +
        `at index ${path || "[]"})`,
    );
  }
  for (let i = 0; i < x.length; i++) {
    flatten(x[i] as NestedArray, shape, axis + 1, where, out, `${path}[${i}]`);
  }
}

/** Type guard for Tensor. @internal */
export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}

export type { TensorLike };
