// SPDX-License-Identifier: Apache-2.0
/** Gradients as functions: grad, valueAndGrad, grads, customGrad. */
import { ValueError, show } from "../core/errors.js";
import { Tensor, type TensorLike } from "../core/tensor.js";
import { toTensor } from "../ops/convert.js";
import { GradientTape, isRecording, record } from "./tape.js";

function run<T extends readonly Tensor[]>(
  f: (...xs: Tensor[]) => Tensor,
  xs: T,
  dy: TensorLike | undefined,
  where: string,
): { value: Tensor; grads: Tensor[] } {
  const tape = new GradientTape();
  try {
    tape.watch([...xs]);
    const value = f(...xs);
    if (!(value instanceof Tensor)) {
      throw new ValueError(
        `${where}: expected f to return a tensor, got ${show(value)}`,
      );
    }
    const options =
      dy === undefined
        ? {}
        : { outputGradients: toTensor(dy, where, value.dtype) };
    const gs = tape.gradient(value, [...xs], options);
    const grads = gs.map(
      (g, i) => g ?? toTensor(0, where, xs[i]!.dtype).broadcastTo(xs[i]!.shape),
    );
    return { value, grads };
  } finally {
    tape.dispose();
  }
}

/**
 * The gradient of `f` as a function: `grad(f)(x)` is d f(x) / dx, the sum
 * of the output's elements when f returns more than a scalar (or weighted by
 * `dy` when given). An input that f ignores gets zeros.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const df = tg.grad((x: tg.Tensor) => x.pow(3));
 * console.log(df(tg.tensor([2], undefined, "float64")).toArray()); // [ 12 ]
 * ```
 */
export function grad(
  f: (x: Tensor) => Tensor,
): (x: TensorLike, dy?: TensorLike) => Tensor {
  return (x, dy) => run(f, [toTensor(x, "grad")], dy, "grad").grads[0]!;
}

/**
 * Like {@link grad}, for a function of several tensors: one gradient each.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const [da, db] = tg.grads((a: tg.Tensor, b: tg.Tensor) => a.mul(b))([2, 3]);
 * console.log(da!.item(), db!.item()); // 3 2
 * ```
 */
export function grads(
  f: (...xs: Tensor[]) => Tensor,
): (xs: readonly TensorLike[], dy?: TensorLike) => Tensor[] {
  return (xs, dy) =>
    run(
      f,
      xs.map((x) => toTensor(x, "grads")),
      dy,
      "grads",
    ).grads;
}

/**
 * f(x) and its gradient, from one evaluation.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const { value, grad } = tg.valueAndGrad((x: tg.Tensor) => x.square())(3);
 * console.log(value.item(), grad.item()); // 9 6
 * ```
 */
export function valueAndGrad(
  f: (x: Tensor) => Tensor,
): (x: TensorLike, dy?: TensorLike) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const { value, grads: g } = run(
      f,
      [toTensor(x, "valueAndGrad")],
      dy,
      "valueAndGrad",
    );
    return { value, grad: g[0]! };
  };
}

/**
 * f(xs) and the gradient with respect to each of xs.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const r = tg.valueAndGrads((a: tg.Tensor, b: tg.Tensor) => a.mul(b))([2, 3]);
 * console.log(r.value.item(), r.grads.map((g) => g.item())); // 6 [ 3, 2 ]
 * ```
 */
export function valueAndGrads(
  f: (...xs: Tensor[]) => Tensor,
): (
  xs: readonly TensorLike[],
  dy?: TensorLike,
) => { value: Tensor; grads: Tensor[] } {
  return (xs, dy) =>
    run(
      f,
      xs.map((x) => toTensor(x, "valueAndGrads")),
      dy,
      "valueAndGrads",
    );
}

/** What a customGrad function returns. */
export interface CustomGradResult {
  /** The forward value. */
  value: Tensor;
  /** Maps the output's gradient to one gradient per input. */
  gradFunc: (dy: Tensor) => Tensor | readonly Tensor[];
}

/**
 * Wraps `f` so that tapes use `gradFunc` instead of differentiating f's own
 * ops. The gradient function is written with ops, so it can itself be
 * differentiated.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * // Identity forward, gradient clipped to [-1, 1].
 * const clipGrad = tg.customGrad((x: tg.Tensor) => ({
 *   value: x.mul(1),
 *   gradFunc: (dy: tg.Tensor) => dy.clip(-1, 1),
 * }));
 * console.log(tg.grad((x: tg.Tensor) => clipGrad(x).mul(5))(1).item()); // 1
 * ```
 */
export function customGrad(
  f: (...xs: Tensor[]) => CustomGradResult,
): (...xs: TensorLike[]) => Tensor {
  return (...inputs) => {
    const xs = inputs.map((x) => toTensor(x, "customGrad"));
    // f's own ops are recorded too, as TensorFlow does: a tape then sees
    // how the values gradFunc keeps depend on xs, and a second derivative
    // through gradFunc is right. Only `y` below carries the first-order
    // gradient, so nothing is counted twice.
    const { value, gradFunc } = f(...xs);
    if (!(value instanceof Tensor) || typeof gradFunc !== "function") {
      throw new ValueError(
        "customGrad: expected f to return { value: Tensor, gradFunc }, got " +
          show(value),
      );
    }
    const y = new Tensor(value.data, value.shape, value.dtype);
    if (isRecording()) {
      record(xs, y, (dy) => {
        const g = gradFunc(dy);
        return g instanceof Tensor ? [g] : g;
      });
    }
    return y;
  };
}
