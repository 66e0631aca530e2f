// SPDX-License-Identifier: Apache-2.0
/** Helpers the op families share. @internal */
import type { DType, TypedArray } from "../core/dtype.js";
import { promote } from "../core/dtype.js";
import { shapesEqual, type Shape } from "../core/shape.js";
import { Tensor, type TensorLike } from "../core/tensor.js";
import { isRecording, record, type Vjp } from "../autodiff/tape.js";
import { make, toTensor, weakDType } from "./convert.js";

export { isRecording, record };
export type { Vjp };

/** Wraps a kernel's output and records it when a tape is listening. */
export function output(
  values: TypedArray,
  shape: Shape,
  dtype: DType,
  inputs: readonly Tensor[],
  vjp: Vjp | null,
): Tensor {
  const y = make(values, shape, dtype);
  if (vjp !== null && isRecording()) record(inputs, y, vjp);
  return y;
}

/**
 * The two operands of a binary op. A plain value takes the dtype of the
 * tensor it meets; two tensors keep theirs (the op promotes them).
 */
export function operands(
  a: TensorLike,
  b: TensorLike,
  op: string,
): [Tensor, Tensor] {
  if (a instanceof Tensor) {
    const ta = a._read();
    return [ta, toTensor(b, op, weakDType(b, ta.dtype))];
  }
  if (b instanceof Tensor) {
    const tb = b._read();
    return [toTensor(a, op, weakDType(a, tb.dtype)), tb];
  }
  return [toTensor(a, op), toTensor(b, op)];
}

/** The dtype a set of tensors promotes to. */
export function promoted(xs: readonly Tensor[]): DType {
  let d = xs[0]!.dtype;
  for (const x of xs) d = promote(d, x.dtype);
  return d;
}

/** Re-exported for op files. */
export { shapesEqual };
