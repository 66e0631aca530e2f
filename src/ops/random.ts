// SPDX-License-Identifier: Apache-2.0
/**
 * Random tensors. Without `seed` they draw from the global generator that
 * `setSeed` resets; with `seed` each call gives the same values.
 */
import { allocate, checkDType, isFloat, type DType } from "../core/dtype.js";
import { DTypeError, ValueError, show } from "../core/errors.js";
import { generatorFor } from "../core/random.js";
import { checkShape, sizeOf } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";
import { make } from "./convert.js";

function floatDType(dtype: DType, op: string): DType {
  checkDType(dtype, op);
  if (!isFloat(dtype)) {
    throw new DTypeError(`${op}: expected float32 or float64, got ${dtype}`);
  }
  return dtype;
}

/**
 * Uniform values in [minval, maxval).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.randomUniform([1000], -1, 1, "float32", 42);
 * console.log(x.min().item() >= -1 && x.max().item() < 1); // true
 * ```
 */
export function randomUniform(
  shape: readonly number[],
  minval = 0,
  maxval = 1,
  dtype: DType = "float32",
  seed?: number,
): Tensor {
  const s = checkShape(shape, "randomUniform");
  const d = floatDType(dtype, "randomUniform");
  if (!(minval < maxval)) {
    throw new ValueError(
      `randomUniform: expected minval < maxval, got ${show(minval)} and ${show(maxval)}`,
    );
  }
  const g = generatorFor(seed);
  const v = allocate(d, sizeOf(s));
  for (let i = 0; i < v.length; i++)
    v[i] = minval + (maxval - minval) * g.uniform();
  return make(v, s, d);
}

/**
 * Normal values with `mean` and `stdDev`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.randomNormal([10000], 0, 1, "float64", 1);
 * console.log(Math.abs(x.mean().item()) < 0.05); // true
 * ```
 */
export function randomNormal(
  shape: readonly number[],
  mean = 0,
  stdDev = 1,
  dtype: DType = "float32",
  seed?: number,
): Tensor {
  const s = checkShape(shape, "randomNormal");
  const d = floatDType(dtype, "randomNormal");
  const g = generatorFor(seed);
  const v = allocate(d, sizeOf(s));
  for (let i = 0; i < v.length; i++) v[i] = mean + stdDev * g.normal();
  return make(v, s, d);
}

/**
 * Normal values redrawn until they fall within two standard deviations of
 * the mean (as TensorFlow's truncated_normal).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.truncatedNormal([1000], 0, 1, "float32", 3);
 * console.log(x.abs().max().item() <= 2); // true
 * ```
 */
export function truncatedNormal(
  shape: readonly number[],
  mean = 0,
  stdDev = 1,
  dtype: DType = "float32",
  seed?: number,
): Tensor {
  const s = checkShape(shape, "truncatedNormal");
  const d = floatDType(dtype, "truncatedNormal");
  const g = generatorFor(seed);
  const v = allocate(d, sizeOf(s));
  for (let i = 0; i < v.length; i++) {
    let z = g.normal();
    while (z < -2 || z > 2) z = g.normal();
    v[i] = mean + stdDev * z;
  }
  return make(v, s, d);
}
