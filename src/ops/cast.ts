// SPDX-License-Identifier: Apache-2.0
/** Changing a tensor's dtype. */
import { checkDType, isFloat, type DType } from "../core/dtype.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { backend } from "../backend/registry.js";
import { make, toTensor } from "./convert.js";
import { output } from "./util.js";

/**
 * The values of `x` as `dtype`. Floats become int32 by truncation toward
 * zero; anything non-zero becomes true. The gradient flows back between
 * float dtypes only.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.cast([1.7, -1.7, 0], "int32").toArray()); // [ 1, -1, 0 ]
 * ```
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor(x, "cast");
  checkDType(dtype, "cast");
  if (t.dtype === dtype) return t;
  const values = backend().cast(t.data, dtype);
  const differentiable = isFloat(t.dtype) && isFloat(dtype);
  return output(
    values,
    t.shape,
    dtype,
    [t],
    differentiable ? (dy) => [cast(dy, t.dtype)] : null,
  );
}

/**
 * A tensor with the same values that gradients do not flow through.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.scalar(2);
 * const g = tg.grad((v: tg.Tensor) => v.mul(tg.stopGradient(v)))(x);
 * console.log(g.item()); // 2
 * ```
 */
export function stopGradient(x: TensorLike): Tensor {
  const t = toTensor(x, "stopGradient");
  return make(t.data, t.shape, t.dtype);
}
