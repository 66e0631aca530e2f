// SPDX-License-Identifier: Apache-2.0
/**
 * Elementwise functions of one tensor. Each has a kernel in the backend and
 * a gradient rule here, written with public ops so that it can itself be
 * differentiated.
 */
import { isFloat, type DType } from "../core/dtype.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import type { UnaryOp } from "../backend/backend.js";
import { backend } from "../backend/registry.js";
import { toTensor } from "./convert.js";
import { output } from "./util.js";
import { add, div, greater, less, logicalAnd, mul, sub } from "./binary.js";
import { cast } from "./cast.js";

/** d(op)/dx times dy, from the input x and the output y; null: no gradient. */
type UnaryGrad = ((x: Tensor, y: Tensor, dy: Tensor) => Tensor) | null;

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

const GRADS: Record<UnaryOp, UnaryGrad> = {
  neg: (_x, _y, dy) => neg(dy),
  abs: (x, _y, dy) => mul(dy, sign(x)),
  sign: (_x, _y, dy) => mul(dy, 0),
  exp: (_x, y, dy) => mul(dy, y),
  log: (x, _y, dy) => div(dy, x),
  log1p: (x, _y, dy) => div(dy, add(x, 1)),
  expm1: (x, _y, dy) => mul(dy, exp(x)),
  sqrt: (_x, y, dy) => div(dy, mul(y, 2)),
  rsqrt: (_x, y, dy) => mul(dy, mul(mul(y, square(y)), -0.5)),
  square: (x, _y, dy) => mul(dy, mul(x, 2)),
  reciprocal: (_x, y, dy) => neg(mul(dy, square(y))),
  sin: (x, _y, dy) => mul(dy, cos(x)),
  cos: (x, _y, dy) => neg(mul(dy, sin(x))),
  tanh: (_x, y, dy) => mul(dy, sub(1, square(y))),
  sigmoid: (_x, y, dy) => mul(dy, mul(y, sub(1, y))),
  relu: (x, _y, dy) => mul(dy, cast(greater(x, 0), dy.dtype)),
  relu6: (x, _y, dy) =>
    mul(dy, cast(logicalAnd(greater(x, 0), less(x, 6)), dy.dtype)),
  erf: (x, _y, dy) => mul(dy, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI)),
  floor: null,
  ceil: null,
  round: null,
  logicalNot: null,
  isNaN: null,
};

/** Ops that keep int32 inputs as int32; the rest compute in float. */
const KEEPS_INT: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  "neg",
  "abs",
  "sign",
  "square",
  "relu",
  "relu6",
  "floor",
  "ceil",
  "round",
]);

function outDType(op: UnaryOp, x: DType): DType {
  if (op === "logicalNot" || op === "isNaN") return "bool";
  if (isFloat(x)) return x;
  if (KEEPS_INT.has(op)) return "int32";
  return "float32";
}

function unary(op: UnaryOp, x: TensorLike): Tensor {
  const t = toTensor(x, op);
  const dtype = outDType(op, t.dtype);
  const input = isFloat(dtype) && !isFloat(t.dtype) ? cast(t, dtype) : t;
  const values = backend().unary(op, input, dtype);
  const grad = GRADS[op];
  return output(
    values,
    input.shape,
    dtype,
    [input],
    grad && isFloat(dtype) ? (dy, y) => [grad(input, y, dy)] : null,
  );
}

/**
 * −x, elementwise.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.neg([1, -2]).toArray()); // [ -1, 2 ]
 * ```
 */
export function neg(x: TensorLike): Tensor {
  return unary("neg", x);
}

/**
 * |x|, elementwise. The gradient at 0 is 0.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.abs([-1.5, 2]).toArray()); // [ 1.5, 2 ]
 * ```
 */
export function abs(x: TensorLike): Tensor {
  return unary("abs", x);
}

/**
 * −1, 0 or 1 by the sign of x (NaN stays NaN).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.sign([-3, 0, 2]).toArray()); // [ -1, 0, 1 ]
 * ```
 */
export function sign(x: TensorLike): Tensor {
  return unary("sign", x);
}

/**
 * eˣ, elementwise.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.exp(tg.tensor([0, 1], undefined, "float64")).toArray());
 * // [ 1, 2.718281828459045 ]
 * ```
 */
export function exp(x: TensorLike): Tensor {
  return unary("exp", x);
}

/**
 * The natural logarithm, elementwise.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.log([1]).toArray()); // [ 0 ]
 * ```
 */
export function log(x: TensorLike): Tensor {
  return unary("log", x);
}

/**
 * log(1 + x), accurate for small x.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.log1p([0]).toArray()); // [ 0 ]
 * ```
 */
export function log1p(x: TensorLike): Tensor {
  return unary("log1p", x);
}

/**
 * eˣ − 1, accurate for small x.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.expm1([0]).toArray()); // [ 0 ]
 * ```
 */
export function expm1(x: TensorLike): Tensor {
  return unary("expm1", x);
}

/**
 * √x, elementwise.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.sqrt([4, 9]).toArray()); // [ 2, 3 ]
 * ```
 */
export function sqrt(x: TensorLike): Tensor {
  return unary("sqrt", x);
}

/**
 * 1 / √x, elementwise.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.rsqrt([4]).toArray()); // [ 0.5 ]
 * ```
 */
export function rsqrt(x: TensorLike): Tensor {
  return unary("rsqrt", x);
}

/**
 * x², elementwise.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.square([3, -2]).toArray()); // [ 9, 4 ]
 * ```
 */
export function square(x: TensorLike): Tensor {
  return unary("square", x);
}

/**
 * 1 / x, elementwise.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.reciprocal([4]).toArray()); // [ 0.25 ]
 * ```
 */
export function reciprocal(x: TensorLike): Tensor {
  return unary("reciprocal", x);
}

/**
 * sin x, elementwise (radians).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.sin([0]).toArray()); // [ 0 ]
 * ```
 */
export function sin(x: TensorLike): Tensor {
  return unary("sin", x);
}

/**
 * cos x, elementwise (radians).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.cos([0]).toArray()); // [ 1 ]
 * ```
 */
export function cos(x: TensorLike): Tensor {
  return unary("cos", x);
}

/**
 * The hyperbolic tangent, elementwise.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.tanh([0]).toArray()); // [ 0 ]
 * ```
 */
export function tanh(x: TensorLike): Tensor {
  return unary("tanh", x);
}

/**
 * The logistic function 1 / (1 + e⁻ˣ), computed without overflow.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.sigmoid([0]).toArray()); // [ 0.5 ]
 * ```
 */
export function sigmoid(x: TensorLike): Tensor {
  return unary("sigmoid", x);
}

/**
 * max(x, 0). The gradient at 0 is 0, as in TensorFlow.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.relu([-1, 2]).toArray()); // [ 0, 2 ]
 * ```
 */
export function relu(x: TensorLike): Tensor {
  return unary("relu", x);
}

/**
 * min(max(x, 0), 6).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.relu6([-1, 3, 8]).toArray()); // [ 0, 3, 6 ]
 * ```
 */
export function relu6(x: TensorLike): Tensor {
  return unary("relu6", x);
}

/**
 * The error function, within a few units in the last place of float64.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.erf(tg.tensor([0], undefined, "float64")).toArray()); // [ 0 ]
 * ```
 */
export function erf(x: TensorLike): Tensor {
  return unary("erf", x);
}

/**
 * Rounds down. No gradient.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.floor([1.5, -1.5]).toArray()); // [ 1, -2 ]
 * ```
 */
export function floor(x: TensorLike): Tensor {
  return unary("floor", x);
}

/**
 * Rounds up. No gradient.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.ceil([1.5, -1.5]).toArray()); // [ 2, -1 ]
 * ```
 */
export function ceil(x: TensorLike): Tensor {
  return unary("ceil", x);
}

/**
 * Rounds to the nearest integer, halves to even (as NumPy). No gradient.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.round([0.5, 1.5, 2.4]).toArray()); // [ 0, 2, 2 ]
 * ```
 */
export function round(x: TensorLike): Tensor {
  return unary("round", x);
}

/**
 * Logical not, as a bool tensor.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.logicalNot([true, false]).toArray()); // [ false, true ]
 * ```
 */
export function logicalNot(x: TensorLike): Tensor {
  return unary("logicalNot", x);
}

/**
 * True where x is NaN.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.isNaN([NaN, 1]).toArray()); // [ true, false ]
 * ```
 */
export function isNaN(x: TensorLike): Tensor {
  return unary("isNaN", x);
}
