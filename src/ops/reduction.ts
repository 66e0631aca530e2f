// SPDX-License-Identifier: Apache-2.0
/**
 * Reductions over axes: sum, mean, max, min, prod, argMax, argMin and
 * logSumExp. `axis` may be a number, a list, or absent for every axis;
 * `keepDims` keeps reduced axes with size 1.
 */
import { isFloat } from "../core/dtype.js";
import { ValueError } from "../core/errors.js";
import { normalizeAxes, normalizeAxis, sizeOf } from "../core/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import type { ReduceOp } from "../backend/backend.js";
import { backend } from "../backend/registry.js";
import { add, div, equal, mul, sub } from "./binary.js";
import { cast } from "./cast.js";
import { make, toTensor } from "./convert.js";
import { eye } from "./creation.js";
import { exp, log } from "./unary.js";
import { broadcastTo, reshape, transpose } from "./shape.js";
import { where } from "./select.js";
import { output, type Vjp } from "./util.js";

/** An axis argument: one axis, several, or null/undefined for all. */
export type Axis = number | readonly number[] | null | undefined;

/** The output shape with reduced axes dropped or kept as 1. */
function reducedShape(shape: readonly number[], axes: number[], keep: boolean) {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return out;
}

/** Spreads a reduced gradient back over the input's shape. */
function spread(dy: Tensor, x: Tensor, axes: number[]): Tensor {
  const kept = reducedShape(x.shape, axes, true);
  return broadcastTo(reshape(dy, kept), x.shape);
}

function reduce(
  op: ReduceOp,
  name: string,
  x: TensorLike,
  axis: Axis,
  keepDims: boolean,
  grad: ((x: Tensor, y: Tensor, dy: Tensor, axes: number[]) => Tensor) | null,
): Tensor {
  let t = toTensor(x, name);
  if (t.dtype === "bool") t = cast(t, "int32");
  const axes = normalizeAxes(axis, t.rank, name);
  if ((op === "max" || op === "min") && t.size === 0) {
    throw new ValueError(
      `${name}: expected a non-empty tensor, got shape [${t.shape.join(",")}]`,
    );
  }
  const shape = reducedShape(t.shape, axes, keepDims);
  const values = backend().reduce(op, t, axes, t.dtype);
  const input = t;
  const vjp: Vjp | null =
    grad && isFloat(t.dtype) ? (dy, y) => [grad(input, y, dy, axes)] : null;
  return output(values, shape, t.dtype, [t], vjp);
}

/**
 * The sum over `axis` (every axis by default). bool sums as int32.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([[1, 2], [3, 4]]);
 * console.log(tg.sum(x).item(), tg.sum(x, 0).toArray()); // 10 [ 4, 6 ]
 * ```
 */
export function sum(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return reduce("sum", "sum", x, axis, keepDims, (t, _y, dy, axes) =>
    spread(dy, t, axes),
  );
}

/**
 * The mean over `axis` (every axis by default). Integers average as float32.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.mean([[1, 2], [3, 4]], 1).toArray()); // [ 1.5, 3.5 ]
 * ```
 */
export function mean(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  let t = toTensor(x, "mean");
  if (!isFloat(t.dtype)) t = cast(t, "float32");
  const axes = normalizeAxes(axis, t.rank, "mean");
  let count = 1;
  for (const a of axes) count *= t.shape[a]!;
  return div(sum(t, axes, keepDims), count);
}

function extremumGrad(x: Tensor, y: Tensor, dy: Tensor, axes: number[]) {
  const kept = reducedShape(x.shape, axes, true);
  const hits = cast(equal(x, reshape(y, kept)), x.dtype);
  const count = sum(hits, axes, true);
  return mul(div(hits, count), reshape(dy, kept));
}

/**
 * The largest value over `axis`. Ties share the gradient equally, as in
 * TensorFlow.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.max([[1, 5], [7, 2]], 1).toArray()); // [ 5, 7 ]
 * ```
 */
export function max(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return reduce("max", "max", x, axis, keepDims, extremumGrad);
}

/**
 * The smallest value over `axis`. Ties share the gradient equally.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.min([[1, 5], [7, 2]], 1).toArray()); // [ 1, 2 ]
 * ```
 */
export function min(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return reduce("min", "min", x, axis, keepDims, extremumGrad);
}

/**
 * The product over `axis`. Its gradient is exact where values are zero: it
 * multiplies the other entries rather than dividing by the zero one.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.prod([[1, 2], [3, 4]], 1).toArray()); // [ 2, 12 ]
 * ```
 */
export function prod(x: TensorLike, axis?: Axis, keepDims = false): Tensor {
  return reduce("prod", "prod", x, axis, keepDims, prodGrad);
}

/** d prod / dx_i = prod of the other entries of x_i's group. */
function prodGrad(x: Tensor, _y: Tensor, dy: Tensor, axes: number[]): Tensor {
  const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...keep, ...axes];
  const outer = sizeOf(keep.map((i) => x.shape[i]!));
  const r = sizeOf(axes.map((i) => x.shape[i]!));
  const rows = reshape(transpose(x, perm), [outer, 1, r]);
  // Row i of each r×r block holds x with entry i replaced by 1.
  const mask = cast(eye(r), "bool");
  const others = prod(where(mask, 1, broadcastTo(rows, [outer, r, r])), 2);
  const g = mul(others, reshape(dy, [outer, 1]));
  const permuted = reshape(
    g,
    perm.map((i) => x.shape[i]!),
  );
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return transpose(permuted, inverse);
}

function argReduce(op: "argMax" | "argMin", x: TensorLike, axis: number) {
  const t = toTensor(x, op);
  const a = normalizeAxis(axis, t.rank, op);
  if (t.shape[a] === 0) {
    throw new ValueError(
      `${op}: expected a non-empty axis ${axis}, got shape [${t.shape.join(",")}]`,
    );
  }
  const values = backend().argReduce(op, t, a);
  return make(values, reducedShape(t.shape, [a], false), "int32");
}

/**
 * The index of the largest value along `axis` (default 0), as int32. The
 * first wins a tie.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.argMax([[1, 5], [7, 2]], 1).toArray()); // [ 1, 0 ]
 * ```
 */
export function argMax(x: TensorLike, axis = 0): Tensor {
  return argReduce("argMax", x, axis);
}

/**
 * The index of the smallest value along `axis` (default 0), as int32.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.argMin([[1, 5], [7, 2]], 1).toArray()); // [ 0, 1 ]
 * ```
 */
export function argMin(x: TensorLike, axis = 0): Tensor {
  return argReduce("argMin", x, axis);
}

/**
 * log Σ exp(x) over `axis`, computed stably by shifting by the maximum.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([0, 0], undefined, "float64");
 * console.log(tg.logSumExp(x).item()); // 0.6931471805599453
 * ```
 */
export function logSumExp(
  x: TensorLike,
  axis?: Axis,
  keepDims = false,
): Tensor {
  let t = toTensor(x, "logSumExp");
  if (!isFloat(t.dtype)) t = cast(t, "float32");
  const axes = normalizeAxes(axis, t.rank, "logSumExp");
  const raw = max(t, axes, true);
  // The shift is a constant: its gradient terms cancel exactly.
  const m = make(
    raw.data.map((v) => (Number.isFinite(v) ? v : 0)),
    raw.shape,
    raw.dtype,
  );
  const s = log(sum(exp(sub(t, m)), axes, true));
  const y = add(s, m);
  if (keepDims) return y;
  return reshape(y, reducedShape(t.shape, axes, false));
}
