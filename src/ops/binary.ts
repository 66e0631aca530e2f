// SPDX-License-Identifier: Apache-2.0
/**
 * Elementwise functions of two tensors, with NumPy broadcasting. The
 * operands promote to a common dtype first (see core/dtype.ts); gradients
 * are summed back over broadcast dimensions.
 */
import { isFloat, promote } from "../core/dtype.js";
import { broadcastShapes, shapesEqual, type Shape } from "../core/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import type { BinaryOp } from "../backend/backend.js";
import { backend } from "../backend/registry.js";
import { cast } from "./cast.js";
import { isRecording, output, operands, type Vjp } from "./util.js";
import { log } from "./unary.js";
import { reshape } from "./shape.js";
import { sum } from "./reduction.js";
import { where } from "./select.js";

/** Sums a broadcast gradient back to `shape`. @internal */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes, true), shape);
}

/** The gradient with respect to a (`wrtB` false) or b (`wrtB` true). */
type BinaryGrad = (
  a: Tensor,
  b: Tensor,
  dy: Tensor,
  y: Tensor,
  wrtB: boolean,
) => Tensor;

const GRADS = {
  add: (_a, _b, dy) => dy,
  sub: (_a, _b, dy, _y, wrtB) => (wrtB ? neg(dy) : dy),
  mul: (a, b, dy, _y, wrtB) => mul(dy, wrtB ? a : b),
  div: (a, b, dy, _y, wrtB) =>
    wrtB ? mul(dy, div(div(neg(a), b), b)) : div(dy, b),
  pow: (a, b, dy, y, wrtB) =>
    wrtB
      ? mul(dy, mul(y, where(greater(a, 0), log(a), 0)))
      : mul(dy, mul(b, pow(a, sub(b, 1)))),
  maximum: (a, b, dy, _y, wrtB) =>
    where(greaterEqual(a, b), wrtB ? 0 : dy, wrtB ? dy : 0),
  minimum: (a, b, dy, _y, wrtB) =>
    where(lessEqual(a, b), wrtB ? 0 : dy, wrtB ? dy : 0),
} satisfies Record<string, BinaryGrad>;

type Arithmetic = keyof typeof GRADS;

function neg(x: Tensor): Tensor {
  return sub(0, x);
}

function arithmetic(op: Arithmetic, x: TensorLike, z: TensorLike): Tensor {
  let [a, b] = operands(x, z, op);
  let dtype = a.dtype === b.dtype ? a.dtype : promote(a.dtype, b.dtype);
  if (op === "div" && !isFloat(dtype)) dtype = "float32";
  // Bools add and multiply as int32 (as sum does): a bool holds only 0, 1.
  else if (dtype === "bool" && op !== "maximum" && op !== "minimum") {
    dtype = "int32";
  }
  if (a.dtype !== dtype) a = cast(a, dtype);
  if (b.dtype !== dtype) b = cast(b, dtype);
  const shape =
    a.size === b.size && shapesEqual(a.shape, b.shape)
      ? a.shape
      : broadcastShapes(a.shape, b.shape, op);
  const values = backend().binary(op, a, b, shape, dtype);
  const grad: BinaryGrad = GRADS[op];
  const vjp: Vjp | null =
    isFloat(dtype) && isRecording()
      ? (dy, y, needs) => [
          needs[0] ? unbroadcast(grad(a, b, dy, y, false), a.shape) : null,
          needs[1] ? unbroadcast(grad(a, b, dy, y, true), b.shape) : null,
        ]
      : null;
  return output(values, shape, dtype, [a, b], vjp);
}

type Predicate = Exclude<BinaryOp, Arithmetic>;

function predicate(op: Predicate, x: TensorLike, z: TensorLike): Tensor {
  let [a, b] = operands(x, z, op);
  const logical = op.startsWith("logical");
  if (logical) {
    a = cast(a, "bool");
    b = cast(b, "bool");
  } else if (a.dtype !== b.dtype) {
    const d = promote(a.dtype, b.dtype);
    a = cast(a, d);
    b = cast(b, d);
  }
  const shape = broadcastShapes(a.shape, b.shape, op);
  return output(
    backend().binary(op, a, b, shape, "bool"),
    shape,
    "bool",
    [],
    null,
  );
}

/**
 * a + b, elementwise with broadcasting.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.add([[1], [2]], [10, 20]).toArray()); // [ [ 11, 21 ], [ 12, 22 ] ]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic("add", a, b);
}

/**
 * a − b, elementwise with broadcasting.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.sub([5, 6], 1).toArray()); // [ 4, 5 ]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic("sub", a, b);
}

/**
 * a · b, elementwise with broadcasting.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.mul([1, 2], [3, 4]).toArray()); // [ 3, 8 ]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic("mul", a, b);
}

/**
 * a / b, elementwise with broadcasting. Integer operands divide as floats
 * (true division, as NumPy and Keras), giving float32.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.div([1, 3], 2).toArray()); // [ 0.5, 1.5 ]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic("div", a, b);
}

/**
 * aᵇ, elementwise with broadcasting. The gradient with respect to b is
 * taken as 0 where a ≤ 0, as TensorFlow does.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.pow([2, 3], 2).toArray()); // [ 4, 9 ]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic("pow", a, b);
}

/**
 * The larger of a and b, elementwise. Where they tie, the gradient goes
 * to a, as in TensorFlow.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.maximum([1, 5], [3, 2]).toArray()); // [ 3, 5 ]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic("maximum", a, b);
}

/**
 * The smaller of a and b, elementwise. Where they tie, the gradient goes
 * to a.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.minimum([1, 5], [3, 2]).toArray()); // [ 1, 2 ]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic("minimum", a, b);
}

/**
 * a == b, elementwise, as bool.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.equal([1, 2], 2).toArray()); // [ false, true ]
 * ```
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return predicate("equal", a, b);
}

/**
 * a != b, elementwise, as bool.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.notEqual([1, 2], 2).toArray()); // [ true, false ]
 * ```
 */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return predicate("notEqual", a, b);
}

/**
 * a < b, elementwise, as bool.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.less([1, 2], 2).toArray()); // [ true, false ]
 * ```
 */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return predicate("less", a, b);
}

/**
 * a ≤ b, elementwise, as bool.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.lessEqual([1, 3], 2).toArray()); // [ true, false ]
 * ```
 */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return predicate("lessEqual", a, b);
}

/**
 * a > b, elementwise, as bool.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.greater([1, 3], 2).toArray()); // [ false, true ]
 * ```
 */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return predicate("greater", a, b);
}

/**
 * a ≥ b, elementwise, as bool.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.greaterEqual([1, 2], 2).toArray()); // [ false, true ]
 * ```
 */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return predicate("greaterEqual", a, b);
}

/**
 * Logical and; non-zero values count as true.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.logicalAnd([true, true], [true, false]).toArray()); // [ true, false ]
 * ```
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return predicate("logicalAnd", a, b);
}

/**
 * Logical or; non-zero values count as true.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.logicalOr([false, true], false).toArray()); // [ false, true ]
 * ```
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return predicate("logicalOr", a, b);
}

/**
 * Logical exclusive or; non-zero values count as true.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.logicalXor([true, true], [true, false]).toArray()); // [ false, true ]
 * ```
 */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return predicate("logicalXor", a, b);
}
