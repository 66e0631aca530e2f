// SPDX-License-Identifier: Apache-2.0
/** Choosing between values: where and clip. */
import { isFloat, promote } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import { broadcastShapes } from "../core/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { backend } from "../backend/registry.js";
import { unbroadcast, maximum, minimum } from "./binary.js";
import { cast } from "./cast.js";
import { scalarOf, toTensor } from "./convert.js";
import { broadcastTo } from "./shape.js";
import { operands, output } from "./util.js";

/**
 * `condition ? a : b`, elementwise, with all three broadcast together.
 * The gradient flows to a where the condition holds and to b elsewhere.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.where([true, false], [1, 2], [10, 20]).toArray()); // [ 1, 20 ]
 * ```
 */
export function where(
  condition: TensorLike,
  a: TensorLike,
  b: TensorLike,
): Tensor {
  let [ta, tb] = operands(a, b, "where");
  const cond = cast(toTensor(condition, "where"), "bool");
  const dtype = promote(ta.dtype, tb.dtype);
  ta = cast(ta, dtype);
  tb = cast(tb, dtype);
  const shape = broadcastShapes(
    broadcastShapes(cond.shape, ta.shape, "where"),
    tb.shape,
    "where",
  );
  const values = backend().where(
    broadcastTo(cond, shape).data,
    broadcastTo(ta, shape).data,
    broadcastTo(tb, shape).data,
    dtype,
  );
  const zero = scalarOf(0, dtype);
  return output(
    values,
    shape,
    dtype,
    [ta, tb],
    isFloat(dtype)
      ? (dy) => [
          unbroadcast(where(cond, dy, zero), ta.shape),
          unbroadcast(where(cond, zero, dy), tb.shape),
        ]
      : null,
  );
}

/**
 * Limits values to [min, max]. The gradient passes where min ≤ x ≤ max.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.clip([-2, 0.5, 3], 0, 1).toArray()); // [ 0, 0.5, 1 ]
 * ```
 */
export function clip(x: TensorLike, min: number, max: number): Tensor {
  if (!(min <= max)) {
    throw new ValueError(
      `clip: expected min <= max, got min=${show(min)}, max=${show(max)}`,
    );
  }
  return minimum(maximum(x, min), max);
}
