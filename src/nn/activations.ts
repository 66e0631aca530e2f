// SPDX-License-Identifier: Apache-2.0
/**
 * Activations: Keras 3's activation functions, elementwise (softmax and
 * logSoftmax along an axis), built from public ops so that gradients come
 * from the ops' own rules. Exported as `tg.activations`.
 *
 * Each takes a tensor (or anything an op accepts) and returns a tensor of
 * the same shape and float dtype; options come after the input, positional
 * as in Keras (`elu(x, 0.5)`), and as an object for relu's three.
 */
import { ValueError, show } from "../core/errors.js";
import { normalizeAxis } from "../core/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import * as ops from "../ops/index.js";

/** A function from a tensor to a tensor, as layers apply them. */
export type Activation = (x: Tensor) => Tensor;

/**
 * What {@link get} accepts: a name ("relu", "leaky_relu", "leakyRelu"), a
 * function, or null / undefined for {@link linear}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const id: tg.activations.ActivationIdentifier = "hard_sigmoid";
 * console.log(tg.activations.get(id)(tg.tensor([0])).toArray()); // [ 0.5 ]
 * ```
 */
export type ActivationIdentifier = string | Activation | null | undefined;

/** Options of {@link relu}. */
export interface ReluOptions {
  /** The slope below the threshold, >= 0. Default 0. */
  negativeSlope?: number;
  /** The largest output, >= 0, or null for none. Default null. */
  maxValue?: number | null;
  /** Inputs at or below it give 0 (or the negative slope). Default 0. */
  threshold?: number;
}

// Converts the input once, so plain numbers in the formulas take its dtype.
function input(x: TensorLike, name: string): Tensor {
  const t = ops.toTensor(x, `activations.${name}`);
  return t.dtype === "float32" || t.dtype === "float64"
    ? t
    : ops.cast(t, "float32");
}

function finiteNumber(value: unknown, key: string, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(
      `activations.${name}: expected ${key} to be a finite number, got ` +
        `${key}=${show(value)}`,
    );
  }
  return value;
}

/**
 * The identity: `linear(x) = x`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.linear([-1, 2]).toArray()); // [ -1, 2 ]
 * ```
 */
export function linear(x: TensorLike): Tensor {
  return input(x, "linear");
}

/**
 * The rectified linear unit: `relu(x) = max(x, 0)`. With options, as in
 * Keras 3: `x` above `threshold`, `negativeSlope · (x − threshold)` at or
 * below it, and at most `maxValue`. With the defaults it is the relu op,
 * whose gradient at 0 is 0, as in TensorFlow.
 *
 * Options: `negativeSlope` (default 0), `maxValue` (default null: no
 * limit), `threshold` (default 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = [-10, -5, 0, 5, 10];
 * console.log(tg.activations.relu(x).toArray()); // [ 0, 0, 0, 5, 10 ]
 * console.log(tg.activations.relu(x, { negativeSlope: 0.5 }).toArray());
 * // [ -5, -2.5, 0, 5, 10 ]
 * console.log(tg.activations.relu(x, { maxValue: 5 }).toArray());
 * // [ 0, 0, 0, 5, 5 ]
 * console.log(tg.activations.relu(x, { threshold: 5 }).toArray());
 * // [ -0, -0, 0, 0, 10 ]
 * ```
 */
export function relu(x: TensorLike, options: ReluOptions = {}): Tensor {
  const { slope, maxValue, threshold } = reluOptions(options);
  const t = input(x, "relu");
  if (slope === 0 && maxValue === null && threshold === 0) return ops.relu(t);
  if (slope !== 0 && maxValue === null && threshold === 0) {
    return leakyRelu(t, slope);
  }

  // Keras's order: the positive part, its limit, then the negative part.
  let y =
    threshold !== 0
      ? ops.mul(t, ops.cast(ops.greater(t, threshold), t.dtype))
      : maxValue === 6
        ? ops.relu6(t)
        : ops.relu(t);
  if (maxValue !== null && !(maxValue === 6 && threshold === 0)) {
    y = ops.clip(y, 0, maxValue);
  }
  if (slope !== 0) {
    y = ops.sub(y, ops.mul(ops.relu(ops.sub(threshold, t)), slope));
  }
  return y;
}

function reluOptions(options: ReluOptions) {
  if (typeof options !== "object" || options === null) {
    throw new ValueError(
      `activations.relu: expected an options object, got ${show(options)}`,
    );
  }
  const slope = finiteNumber(
    options.negativeSlope ?? 0,
    "negativeSlope",
    "relu",
  );
  const threshold = finiteNumber(options.threshold ?? 0, "threshold", "relu");
  const max = options.maxValue ?? null;
  const maxValue = max === null ? null : finiteNumber(max, "maxValue", "relu");
  if (slope < 0) {
    throw new ValueError(
      `activations.relu: expected negativeSlope >= 0, got ` +
        `negativeSlope=${slope}`,
    );
  }
  if (maxValue !== null && maxValue < 0) {
    throw new ValueError(
      `activations.relu: expected maxValue >= 0, got maxValue=${maxValue}`,
    );
  }
  return { slope, maxValue, threshold };
}

/**
 * ReLU capped at 6: `relu6(x) = min(max(x, 0), 6)`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.relu6([-1, 3, 8]).toArray()); // [ 0, 3, 6 ]
 * ```
 */
export function relu6(x: TensorLike): Tensor {
  return ops.relu6(input(x, "relu6"));
}

/**
 * The leaky ReLU: `leakyRelu(x) = x` for x ≥ 0, `negativeSlope · x`
 * otherwise. `negativeSlope` defaults to 0.2 as in Keras 3 (TensorFlow.js
 * and Keras 2 used 0.3 for the layer).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.leakyRelu([-10, 4]).toArray()); // [ -2, 4 ]
 * console.log(tg.activations.leakyRelu([-10, 4], 0.5).toArray()); // [ -5, 4 ]
 * ```
 */
export function leakyRelu(x: TensorLike, negativeSlope = 0.2): Tensor {
  finiteNumber(negativeSlope, "negativeSlope", "leakyRelu");
  const t = input(x, "leakyRelu");
  return ops.where(ops.greaterEqual(t, 0), t, ops.mul(t, negativeSlope));
}

/**
 * The exponential linear unit: `elu(x) = x` for x > 0,
 * `alpha · (eˣ − 1)` otherwise. `alpha` defaults to 1.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([-1, 2], undefined, "float64");
 * console.log(tg.activations.elu(x).toArray()); // [ -0.6321205588285577, 2 ]
 * ```
 */
export function elu(x: TensorLike, alpha = 1): Tensor {
  finiteNumber(alpha, "alpha", "elu");
  return eluOf(input(x, "elu"), alpha);
}

function eluOf(t: Tensor, alpha: number): Tensor {
  // expm1 sees only x ≤ 0: a large x in the branch `where` drops would
  // overflow and turn the dropped gradient 0 · ∞ into NaN.
  const negative = ops.mul(ops.expm1(ops.minimum(t, 0)), alpha);
  return ops.where(ops.greater(t, 0), t, negative);
}

const SELU_ALPHA = 1.6732632423543772; // 1.67326324235437728481704299…
const SELU_SCALE = 1.0507009873554805; // 1.05070098735548049341933498…

/**
 * The scaled exponential linear unit:
 * `selu(x) = scale · elu(x, alpha)` with `alpha = 1.67326324235437728`
 * and `scale = 1.05070098735548049`. Use it with the lecun_normal
 * initializer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([1], undefined, "float64");
 * console.log(tg.activations.selu(x).toArray()); // [ 1.0507009873554805 ]
 * ```
 */
export function selu(x: TensorLike): Tensor {
  return ops.mul(eluOf(input(x, "selu"), SELU_ALPHA), SELU_SCALE);
}

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * The Gaussian error linear unit: `gelu(x) = x · Φ(x)
 * = 0.5 · x · (1 + erf(x / √2))`. With `approximate` true, the tanh
 * approximation `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))`.
 * `approximate` defaults to false, as in Keras 3.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([1], undefined, "float64");
 * console.log(tg.activations.gelu(x).item().toFixed(6)); // 0.841345
 * console.log(tg.activations.gelu(x, true).item().toFixed(6)); // 0.841192
 * ```
 */
export function gelu(x: TensorLike, approximate = false): Tensor {
  if (typeof approximate !== "boolean") {
    throw new ValueError(
      `activations.gelu: expected approximate to be a boolean, got ` +
        `approximate=${show(approximate)}`,
    );
  }
  const t = input(x, "gelu");
  const inner = approximate
    ? ops.tanh(ops.mul(ops.add(t, ops.mul(cube(t), 0.044715)), SQRT_2_OVER_PI))
    : ops.erf(ops.mul(t, SQRT_HALF));
  return ops.mul(ops.mul(t, 0.5), ops.add(inner, 1));
}

function cube(t: Tensor): Tensor {
  return ops.mul(ops.square(t), t);
}

/**
 * The logistic function: `sigmoid(x) = 1 / (1 + e⁻ˣ)`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.sigmoid([0]).toArray()); // [ 0.5 ]
 * ```
 */
export function sigmoid(x: TensorLike): Tensor {
  return ops.sigmoid(input(x, "sigmoid"));
}

/**
 * A piecewise linear sigmoid, as Keras 3 defines it:
 * `hardSigmoid(x) = relu6(x + 3) / 6`, that is 0 for x ≤ −3, 1 for
 * x ≥ 3 and `x / 6 + 0.5` between. (Keras 2 and TensorFlow.js used
 * `0.2 · x + 0.5`.)
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.hardSigmoid([-4, 0, 1.5, 4]).toArray());
 * // [ 0, 0.5, 0.75, 1 ]
 * ```
 */
export function hardSigmoid(x: TensorLike): Tensor {
  return hardSigmoidOf(input(x, "hardSigmoid"));
}

function hardSigmoidOf(t: Tensor): Tensor {
  return ops.div(ops.relu6(ops.add(t, 3)), 6);
}

/**
 * The hyperbolic tangent: `tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.tanh([0]).toArray()); // [ 0 ]
 * ```
 */
export function tanh(x: TensorLike): Tensor {
  return ops.tanh(input(x, "tanh"));
}

/**
 * The softmax along `axis` (default −1, the last):
 * `softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m)` with m the maximum, which
 * keeps large inputs finite. Each slice along the axis sums to 1.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.activations.softmax(tg.tensor([[1000, 1000]]));
 * console.log(y.toArray()); // [ [ 0.5, 0.5 ] ]
 * ```
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = input(x, "softmax");
  normalizeAxis(axis, t.rank, "activations.softmax");
  if (t.size === 0) return t;
  // The shift changes no value and no gradient, so the tape skips it.
  const shift = ops.stopGradient(ops.max(t, axis, true));
  const e = ops.exp(ops.sub(t, shift));
  return ops.div(e, ops.sum(e, axis, true));
}

/**
 * The logarithm of the softmax along `axis` (default −1):
 * `logSoftmax(x) = x − log Σⱼ exp(xⱼ)`, computed stably.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.activations.logSoftmax(tg.tensor([0, 0], undefined, "float64"));
 * console.log(y.toArray()); // [ -0.6931471805599453, -0.6931471805599453 ]
 * ```
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = input(x, "logSoftmax");
  normalizeAxis(axis, t.rank, "activations.logSoftmax");
  if (t.size === 0) return t;
  return ops.sub(t, ops.logSumExp(t, axis, true));
}

/**
 * The softplus: `softplus(x) = log(1 + eˣ)`, computed stably as
 * `log(1 + e^(−|x|)) + max(x, 0)`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([0, 1000], undefined, "float64");
 * console.log(tg.activations.softplus(x).toArray());
 * // [ 0.6931471805599453, 1000 ]
 * ```
 */
export function softplus(x: TensorLike): Tensor {
  return softplusOf(input(x, "softplus"));
}

function softplusOf(t: Tensor): Tensor {
  // |x| as maximum(x, −x) and max(x, 0) as maximum(x, 0): at a tie both
  // send the gradient to x, so the two kinks cancel and the gradient at 0
  // is the true 0.5.
  const absolute = ops.maximum(t, ops.neg(t));
  const tail = ops.log1p(ops.exp(ops.neg(absolute)));
  return ops.add(tail, ops.maximum(t, 0));
}

/**
 * The softsign: `softsign(x) = x / (1 + |x|)`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.softsign([-3, 1]).toArray()); // [ -0.75, 0.5 ]
 * ```
 */
export function softsign(x: TensorLike): Tensor {
  const t = input(x, "softsign");
  return ops.div(t, ops.add(ops.abs(t), 1));
}

/**
 * The sigmoid linear unit (swish): `silu(x) = x · sigmoid(x)`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([0, 1], undefined, "float64");
 * console.log(tg.activations.silu(x).toArray()); // [ 0, 0.7310585786300049 ]
 * ```
 */
export function silu(x: TensorLike): Tensor {
  const t = input(x, "silu");
  return ops.mul(t, ops.sigmoid(t));
}

/**
 * Mish: `mish(x) = x · tanh(softplus(x))`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([1], undefined, "float64");
 * console.log(tg.activations.mish(x).toArray()); // [ 0.8650983882673103 ]
 * ```
 */
export function mish(x: TensorLike): Tensor {
  const t = input(x, "mish");
  return ops.mul(t, ops.tanh(softplusOf(t)));
}

/**
 * The exponential: `exponential(x) = eˣ`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.exponential([0]).toArray()); // [ 1 ]
 * ```
 */
export function exponential(x: TensorLike): Tensor {
  return ops.exp(input(x, "exponential"));
}

/**
 * The hard SiLU (hard swish): `hardSilu(x) = x · hardSigmoid(x)
 * = x · relu6(x + 3) / 6`: 0 for x ≤ −3, x for x ≥ 3.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.hardSilu([-4, 1.5, 4]).toArray());
 * // [ -0, 1.125, 4 ]
 * ```
 */
export function hardSilu(x: TensorLike): Tensor {
  const t = input(x, "hardSilu");
  return ops.mul(t, hardSigmoidOf(t));
}

// Keras's names, in the order error messages list them.
const BY_NAME: Readonly<Record<string, Activation>> = {
  linear,
  relu,
  relu6,
  leaky_relu: leakyRelu,
  elu,
  selu,
  gelu,
  sigmoid,
  hard_sigmoid: hardSigmoid,
  tanh,
  softmax,
  log_softmax: logSoftmax,
  softplus,
  softsign,
  silu,
  mish,
  exponential,
  hard_silu: hardSilu,
};

function camelCase(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Every accepted name → its function. */
const ALIASES: ReadonlyMap<string, Activation> = new Map([
  ...Object.entries(BY_NAME).flatMap(([name, fn]) => [
    [name, fn] as const,
    [camelCase(name), fn] as const,
  ]),
  ["swish", silu],
  ["hard_swish", hardSilu],
  ["hardSwish", hardSilu],
]);

/** Each built-in function → its Keras name. */
const NAMES: ReadonlyMap<Activation, string> = new Map(
  Object.entries(BY_NAME).map(([name, fn]) => [fn, name]),
);

/**
 * The activation an identifier names: a Keras name ("relu",
 * "leaky_relu", "hard_sigmoid", "log_softmax", "hard_silu", and the
 * aliases "swish" for silu and "hard_swish" for hard_silu), the same in
 * camelCase ("leakyRelu"), or a function, returned as it is. null and
 * undefined give {@link linear}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const f = tg.activations.get("leaky_relu");
 * console.log(f(tg.tensor([-1, 1])).toArray()); // [ -0.20000000298023224, 1 ]
 * console.log(tg.activations.get(undefined) === tg.activations.linear); // true
 * ```
 */
export function get(identifier: ActivationIdentifier): Activation {
  if (identifier === null || identifier === undefined) return linear;
  if (typeof identifier === "function") return identifier;
  if (typeof identifier === "string") {
    const fn = ALIASES.get(identifier);
    if (fn !== undefined) return fn;
  }
  const known = Object.keys(BY_NAME).map(show).join(", ");
  throw new ValueError(
    `activations.get: expected one of ${known} (or a function), got ` +
      show(identifier),
  );
}

/**
 * The Keras name of a built-in activation, as configs save it ("swish"
 * and silu both give "silu"). A function that is not built in has no
 * name: a ValueError, as in Keras.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.activations.serialize(tg.activations.leakyRelu));
 * // leaky_relu
 * console.log(tg.activations.serialize(tg.activations.get("swish"))); // silu
 * ```
 */
export function serialize(activation: Activation): string {
  const name = NAMES.get(activation);
  if (name === undefined) {
    const what =
      typeof activation === "function"
        ? `function ${show(activation.name || "(anonymous)")}`
        : show(activation);
    throw new ValueError(
      `activations.serialize: expected a built-in activation, got ${what}`,
    );
  }
  return name;
}
