// SPDX-License-Identifier: Apache-2.0
/**
 * A central-difference gradient check in float64: the test suite runs it
 * for every differentiable op.
 */
import { ValueError } from "../core/errors.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { grads } from "../autodiff/functional.js";
import { cast } from "../ops/cast.js";
import { make, toTensor } from "../ops/convert.js";
import { mul, sum } from "../ops/index.js";

/** Options of checkGradients. */
export interface CheckGradientsOptions {
  /** The finite-difference step. Default 1e-6. */
  epsilon?: number;
  /** Allowed |analytic − numeric| / max(1, |numeric|). Default 1e-6. */
  tolerance?: number;
  /** Seed of the random output weights. Default 0. */
  seed?: number;
}

/** What checkGradients found: the worst error and where. */
export interface GradientReport {
  maxError: number;
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

/**
 * Compares the tape's gradient of `f` with central differences, in
 * float64. Outputs are weighted by fixed pseudo-random numbers so that a
 * wrong gradient cannot hide in a sum. Throws a ValueError naming the input
 * and element when they disagree; returns the report otherwise.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const report = tg.testing.checkGradients(
 *   (a: tg.Tensor, b: tg.Tensor) => a.mul(b).sin(),
 *   [[1, 2, 3], [0.5]],
 * );
 * console.log(report.maxError < 1e-6); // true
 * ```
 */
export function checkGradients(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly TensorLike[],
  options: CheckGradientsOptions = {},
): GradientReport {
  const eps = options.epsilon ?? 1e-6;
  const tol = options.tolerance ?? 1e-6;
  const xs = inputs.map((x) =>
    cast(toTensor(x, "checkGradients", "float64"), "float64"),
  );
  const probe = f(...xs);
  const w = weights(probe, options.seed ?? 0);
  const objective = (...ys: Tensor[]) => sum(mul(f(...ys), w));
  const analytic = grads(objective)(xs);
  const report: GradientReport = {
    maxError: 0,
    input: 0,
    index: 0,
    analytic: 0,
    numeric: 0,
  };
  xs.forEach((x, i) => {
    for (let j = 0; j < x.size; j++) {
      const numeric = centralDifference(objective, xs, i, j, eps);
      const a = analytic[i]!.data[j]!;
      const err = Math.abs(a - numeric) / Math.max(1, Math.abs(numeric));
      if (!(err <= report.maxError)) {
        Object.assign(report, {
          maxError: err,
          input: i,
          index: j,
          analytic: a,
          numeric,
        });
      }
    }
  });
  if (!(report.maxError <= tol)) {
    throw new ValueError(
      `checkGradients: expected analytic and numeric gradients to agree ` +
        `within ${tol}, got ${report.analytic} against ${report.numeric} ` +
        `(input ${report.input}, element ${report.index}, error ` +
        `${report.maxError})`,
    );
  }
  return report;
}

function weights(y: Tensor, seed: number): Tensor {
  const v = new Float64Array(y.size);
  let s = seed * 7919 + 17;
  for (let i = 0; i < v.length; i++) {
    s = (s * 48271) % 2147483647;
    v[i] = 0.5 + s / 2147483647;
  }
  return make(v, y.shape, "float64");
}

function centralDifference(
  objective: (...ys: Tensor[]) => Tensor,
  xs: readonly Tensor[],
  i: number,
  j: number,
  eps: number,
): number {
  const at = (delta: number) => {
    const v = Float64Array.from(xs[i]!.data);
    v[j]! += delta;
    const moved = xs.map((x, k) => (k === i ? make(v, x.shape, "float64") : x));
    return objective(...moved).item();
  };
  return (at(eps) - at(-eps)) / (2 * eps);
}
