// SPDX-License-Identifier: Apache-2.0
/**
 * Data types and the rules that combine them.
 *
 * Promotion: bool < int32 < float32 < float64. A binary op between two
 * tensors computes in the larger of their dtypes. A plain JavaScript number
 * is "weak": it takes the dtype of the tensor it meets (so float64 stays
 * float64), except that a non-integer number meeting an int32 or bool tensor
 * promotes the result to float32. Numbers that meet nothing are float32.
 */
import { DTypeError, show } from "./errors.js";

/** The element types a tensor can hold. float32 is the default. */
export type DType = "float32" | "float64" | "int32" | "bool";

/** The typed arrays behind each dtype (bool is stored as 0/1 bytes). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Every dtype, in promotion order. */
export const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];

const RANK: Record<DType, number> = {
  bool: 0,
  int32: 1,
  float32: 2,
  float64: 3,
};

/** True for float32 and float64. */
export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

/** True when `x` names a dtype. */
export function isDType(x: unknown): x is DType {
  return typeof x === "string" && x in RANK;
}

/** Throws a DTypeError unless `x` names a dtype. */
export function checkDType(x: unknown, where: string): DType {
  if (!isDType(x)) {
    throw new DTypeError(
      `${where}: expected a dtype (${DTYPES.join(", ")}), got ${show(x)}`,
    );
  }
  return x;
}

/** The dtype two tensors' values combine into. */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** A zero-filled typed array for `n` values of `dtype`. */
export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "int32":
      return new Int32Array(n);
    case "bool":
      return new Uint8Array(n);
  }
}

/** The dtype a typed array holds. */
export function dtypeOfArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint8Array) return "bool";
  return undefined;
}
