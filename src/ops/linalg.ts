// SPDX-License-Identifier: Apache-2.0
/** Matrix products. */
import { isFloat, promote } from "../core/dtype.js";
import { ShapeError, show } from "../core/errors.js";
import { broadcastShapes } from "../core/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { backend } from "../backend/registry.js";
import { cast } from "./cast.js";
import { sum } from "./reduction.js";
import { reshape } from "./shape.js";
import { operands, output } from "./util.js";

/**
 * The matrix product of the last two dimensions of `a` and `b`, with
 * `transposeA` / `transposeB` applied first and the leading (batch)
 * dimensions broadcast. A rank-1 operand counts as a row (for `a`) or a
 * column (for `b`) and that dimension is dropped from the result, as in
 * NumPy.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const a = tg.tensor([[1, 2], [3, 4]]);
 * console.log(tg.matMul(a, [[1], [1]]).toArray()); // [ [ 3 ], [ 7 ] ]
 * console.log(tg.matMul(a, a, true).toArray()); // [ [ 10, 14 ], [ 14, 20 ] ]
 * ```
 */
export function matMul(
  a: TensorLike,
  b: TensorLike,
  transposeA = false,
  transposeB = false,
): Tensor {
  let [ta, tb] = operands(a, b, "matMul");
  if (ta.rank === 0 || tb.rank === 0) {
    throw new ShapeError(
      `matMul: expected tensors of rank >= 1, got shapes ${show(ta.shape)} ` +
        `and ${show(tb.shape)}`,
    );
  }
  const vectorA = ta.rank === 1;
  const vectorB = tb.rank === 1;
  if (vectorA) ta = reshape(ta, [1, ta.size]);
  if (vectorB) tb = reshape(tb, [tb.size, 1]);
  const dtype = promote(ta.dtype, tb.dtype);
  if (ta.dtype !== dtype) ta = cast(ta, dtype);
  if (tb.dtype !== dtype) tb = cast(tb, dtype);
  const y = product(ta, tb, transposeA && !vectorA, transposeB && !vectorB);
  if (!vectorA && !vectorB) return y;
  const shape = [...y.shape];
  if (vectorB) shape.pop();
  if (vectorA) shape.splice(shape.length - (vectorB ? 1 : 2), 1);
  return reshape(y, shape);
}

function product(a: Tensor, b: Tensor, tA: boolean, tB: boolean): Tensor {
  const ar = a.rank;
  const br = b.rank;
  const [m, ka] = tA
    ? [a.shape[ar - 1]!, a.shape[ar - 2]!]
    : [a.shape[ar - 2]!, a.shape[ar - 1]!];
  const [kb, n] = tB
    ? [b.shape[br - 1]!, b.shape[br - 2]!]
    : [b.shape[br - 2]!, b.shape[br - 1]!];
  if (ka !== kb) {
    throw new ShapeError(
      `matMul: expected the inner dimensions to match, got shapes ` +
        `${show(a.shape)} and ${show(b.shape)} (transposeA=${tA}, ` +
        `transposeB=${tB}): ${ka} against ${kb}`,
    );
  }
  const batch = broadcastShapes(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
    "matMul",
  );
  const shape = [...batch, m, n];
  const values = backend().matMul(a, b, tA, tB, shape, a.dtype);
  const vjp = (dy: Tensor, _y: Tensor, needs: readonly boolean[]) => [
    needs[0] ? sumToBatch(gradA(b, dy, tA, tB), a.shape) : null,
    needs[1] ? sumToBatch(gradB(a, dy, tA, tB), b.shape) : null,
  ];
  return output(values, shape, a.dtype, [a, b], isFloat(a.dtype) ? vjp : null);
}

/** d(op(A)·op(B))/dA for each combination of transposes. */
function gradA(b: Tensor, dy: Tensor, tA: boolean, tB: boolean): Tensor {
  if (!tA) return tB ? matMul(dy, b) : matMul(dy, b, false, true);
  return tB ? matMul(b, dy, true, true) : matMul(b, dy, false, true);
}

/** d(op(A)·op(B))/dB for each combination of transposes. */
function gradB(a: Tensor, dy: Tensor, tA: boolean, tB: boolean): Tensor {
  if (!tB) return tA ? matMul(a, dy) : matMul(a, dy, true, false);
  return tA ? matMul(dy, a, true, true) : matMul(dy, a, true, false);
}

/** Sums a gradient over the batch dimensions that were broadcast. */
function sumToBatch(g: Tensor, shape: readonly number[]): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i]))
    return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank - 2; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes), shape);
}

/**
 * The dot product of vectors, or the matrix product of matrices and
 * vectors (ranks 1 and 2, as in TensorFlow.js).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.dot([1, 2, 3], [4, 5, 6]).item()); // 32
 * ```
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands(a, b, "dot");
  if (ta.rank < 1 || ta.rank > 2 || tb.rank < 1 || tb.rank > 2) {
    throw new ShapeError(
      `dot: expected tensors of rank 1 or 2, got shapes ${show(ta.shape)} ` +
        `and ${show(tb.shape)}`,
    );
  }
  return matMul(ta, tb);
}
