// SPDX-License-Identifier: Apache-2.0
/**
 * Initializers: the first values of layer weights, with Keras 3's classes,
 * formulas, defaults and config keys (in camelCase), plus the camelCase
 * factories that TensorFlow.js users expect. Exported as `tg.initializers`.
 *
 * One deliberate difference from Keras 3: an initializer made without a
 * `seed` draws new values from the global generator at every call, so that
 * `tg.setSeed(n)` makes a whole program repeat (as in TensorFlow.js and
 * Keras 2). Keras 3 instead fixes a random seed when the initializer is
 * made. With a `seed`, every call gives the same values, as in Keras 3.
 */
import { checkDType, isFloat, type DType } from "../core/dtype.js";
import { DTypeError, ValueError, show } from "../core/errors.js";
import { checkShape } from "../core/shape.js";
import type { Tensor } from "../core/tensor.js";
import * as ops from "../ops/index.js";

// The standard deviation of a standard normal truncated to [-2, 2]; Keras
// divides by it so that truncated draws keep the variance asked for.
const TRUNCATED_STDDEV = 0.87962566103423978;

/**
 * The base class of every initializer: `call(shape, dtype)` makes a tensor,
 * `getConfig()` gives the options that rebuild it (Keras's config keys in
 * camelCase) and `className` is Keras's class name. Subclass it for a
 * custom initializer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * class Halves extends tg.initializers.Initializer {
 *   readonly className = "Halves";
 *   call(shape: readonly number[], dtype: tg.DType = "float32"): tg.Tensor {
 *     return tg.fill(shape, 0.5, dtype);
 *   }
 * }
 * console.log(new Halves().call([2]).toArray()); // [ 0.5, 0.5 ]
 * ```
 */
export abstract class Initializer {
  /** Keras's class name, as saved in configs (e.g. "GlorotUniform"). */
  abstract readonly className: string;

  /** A new tensor of `shape` and `dtype` (default float32). */
  abstract call(shape: readonly number[], dtype?: DType): Tensor;

  /** The options that rebuild this initializer, Keras's keys in camelCase. */
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** Options of the initializers whose only option is a seed. */
export interface SeedOptions {
  /**
   * An integer: every call then gives the same values. Default: none, each
   * call draws from the global generator that `tg.setSeed` resets.
   */
  seed?: number | null;
}

/** Options of {@link RandomNormal} and {@link TruncatedNormal}. */
export interface NormalOptions extends SeedOptions {
  /** The mean. Default 0. */
  mean?: number;
  /** The standard deviation, > 0. Default 0.05. */
  stddev?: number;
}

/** Options of {@link RandomUniform}. */
export interface UniformOptions extends SeedOptions {
  /** The lower bound (included). Default -0.05. */
  minval?: number;
  /** The upper bound (excluded), > minval. Default 0.05. */
  maxval?: number;
}

/** Which fan {@link VarianceScaling} divides the scale by. */
export type FanMode = "fan_in" | "fan_out" | "fan_avg";

/** The distribution {@link VarianceScaling} draws from. */
export type ScalingDistribution =
  "truncated_normal" | "untruncated_normal" | "uniform";

/** Options of {@link VarianceScaling}. */
export interface VarianceScalingOptions extends SeedOptions {
  /** The variance before dividing by the fan, > 0. Default 1. */
  scale?: number;
  /** "fan_in", "fan_out" or "fan_avg". Default "fan_in". */
  mode?: FanMode;
  /**
   * "truncated_normal", "untruncated_normal" or "uniform" ("normal" means
   * "truncated_normal", as in Keras). Default "truncated_normal".
   */
  distribution?: ScalingDistribution | "normal";
}

/** Options of {@link Orthogonal}. */
export interface OrthogonalOptions extends SeedOptions {
  /** The factor the orthogonal matrix is multiplied by. Default 1. */
  gain?: number;
}

/** Options of {@link Identity}. */
export interface IdentityOptions {
  /** The factor the identity matrix is multiplied by. Default 1. */
  gain?: number;
}

/** Options of {@link Constant}. */
export interface ConstantOptions {
  /** The value of every element. Default 0. */
  value?: number;
}

// ---------------------------------------------------------------------------
// Checking options and arguments

type Options = Record<string, unknown>;

function optionsOf(value: unknown, keys: readonly string[], name: string) {
  if (value === undefined) return {} as Options;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValueError(
      `${name}: expected an options object, got ${show(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new ValueError(
        `${name}: expected options among ${keys.map(show).join(", ")}, ` +
          `got ${show(key)}`,
      );
    }
  }
  return value as Options;
}

function numberOption(o: Options, key: string, fallback: number, name: string) {
  const v = o[key] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new ValueError(
      `${name}: expected ${key} to be a finite number, got ${key}=${show(v)}`,
    );
  }
  return v;
}

function seedOption(o: Options, name: string): number | undefined {
  const seed = o.seed;
  if (seed === undefined || seed === null) return undefined;
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    throw new ValueError(
      `${name}: expected seed to be an integer, got seed=${show(seed)}`,
    );
  }
  return seed;
}

function positive(value: number, key: string, name: string): number {
  if (!(value > 0)) {
    throw new ValueError(`${name}: expected ${key} > 0, got ${key}=${value}`);
  }
  return value;
}

function floatDType(dtype: unknown, name: string): DType {
  const d = checkDType(dtype, name);
  if (!isFloat(d)) {
    throw new DTypeError(`${name}: expected float32 or float64, got ${d}`);
  }
  return d;
}

// ---------------------------------------------------------------------------
// Constant initializers

/**
 * Fills with 0: `w = 0`. Works for every dtype.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.Zeros().call([2, 2]);
 * console.log(w.toArray()); // [ [ 0, 0 ], [ 0, 0 ] ]
 * ```
 */
export class Zeros extends Initializer {
  readonly className = "Zeros";

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return ops.fill(
      checkShape(shape, "Zeros.call"),
      0,
      checkDType(dtype, "Zeros.call"),
    );
  }
}

/**
 * Fills with 1: `w = 1`. Works for every dtype.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.Ones().call([3], "int32");
 * console.log(w.toArray(), w.dtype); // [ 1, 1, 1 ] int32
 * ```
 */
export class Ones extends Initializer {
  readonly className = "Ones";

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return ops.fill(
      checkShape(shape, "Ones.call"),
      1,
      checkDType(dtype, "Ones.call"),
    );
  }
}

/**
 * Fills with one number: `w = value`. Takes the number itself or
 * `{ value }` (default 0). Works for every dtype.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.Constant(1.5).call([2]);
 * console.log(w.toArray()); // [ 1.5, 1.5 ]
 * ```
 */
export class Constant extends Initializer {
  readonly className = "Constant";
  /** The value of every element. */
  readonly value: number;

  constructor(value: number | ConstantOptions = {}) {
    super();
    const o =
      typeof value === "number"
        ? { value }
        : optionsOf(value, ["value"], "Constant");
    const v = o.value ?? 0;
    if (typeof v !== "number") {
      throw new ValueError(
        `Constant: expected value to be a number, got value=${show(v)}`,
      );
    }
    this.value = v;
  }

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    const s = checkShape(shape, "Constant.call");
    return ops.fill(s, this.value, checkDType(dtype, "Constant.call"));
  }

  override getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

/**
 * The identity matrix times `gain`: `w[i][j] = gain` where i = j, else 0.
 * Only for 2-D shapes; a non-square shape gets ones on its main diagonal.
 *
 * Options: `gain` (default 1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.Identity({ gain: 2 }).call([2, 3]);
 * console.log(w.toArray()); // [ [ 2, 0, 0 ], [ 0, 2, 0 ] ]
 * ```
 */
export class Identity extends Initializer {
  readonly className = "Identity";
  /** The factor the identity matrix is multiplied by. */
  readonly gain: number;

  constructor(options: IdentityOptions = {}) {
    super();
    const o = optionsOf(options, ["gain"], "Identity");
    this.gain = numberOption(o, "gain", 1, "Identity");
  }

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    const s = checkShape(shape, "Identity.call");
    const d = checkDType(dtype, "Identity.call");
    if (s.length !== 2) {
      throw new ValueError(
        `Identity.call: expected a 2-D shape, got ${show(s)} of rank ` +
          `${s.length}`,
      );
    }
    const e = ops.eye(s[0]!, s[1], [], d);
    return this.gain === 1 ? e : ops.cast(ops.mul(e, this.gain), d);
  }

  override getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }
}

// ---------------------------------------------------------------------------
// Random initializers

/**
 * Normal values: `w ~ N(mean, stddev²)`.
 *
 * Options: `mean` (default 0), `stddev` (default 0.05, > 0), `seed`
 * (default none: draw from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const init = new tg.initializers.RandomNormal({ stddev: 1, seed: 3 });
 * const w = init.call([10000], "float64");
 * console.log(Math.abs(w.mean().item()) < 0.05); // true
 * ```
 */
export class RandomNormal extends Initializer {
  readonly className = "RandomNormal";
  /** The mean. */
  readonly mean: number;
  /** The standard deviation. */
  readonly stddev: number;
  /** The seed, if any. */
  readonly seed: number | undefined;

  constructor(options: NormalOptions = {}) {
    super();
    const name = "RandomNormal";
    const o = optionsOf(options, ["mean", "stddev", "seed"], name);
    this.mean = numberOption(o, "mean", 0, name);
    this.stddev = positive(
      numberOption(o, "stddev", 0.05, name),
      "stddev",
      name,
    );
    this.seed = seedOption(o, name);
  }

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    const s = checkShape(shape, "RandomNormal.call");
    const d = floatDType(dtype, "RandomNormal.call");
    return ops.randomNormal(s, this.mean, this.stddev, d, this.seed);
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null, mean: this.mean, stddev: this.stddev };
  }
}

/**
 * Normal values redrawn until they lie within two standard deviations of
 * the mean: `w ~ N(mean, stddev²)` restricted to
 * `[mean − 2·stddev, mean + 2·stddev]`.
 *
 * Options: `mean` (default 0), `stddev` (default 0.05, > 0), `seed`
 * (default none: draw from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const init = new tg.initializers.TruncatedNormal({ stddev: 1, seed: 3 });
 * console.log(init.call([1000]).abs().max().item() <= 2); // true
 * ```
 */
export class TruncatedNormal extends Initializer {
  readonly className = "TruncatedNormal";
  /** The mean. */
  readonly mean: number;
  /** The standard deviation before truncation. */
  readonly stddev: number;
  /** The seed, if any. */
  readonly seed: number | undefined;

  constructor(options: NormalOptions = {}) {
    super();
    const name = "TruncatedNormal";
    const o = optionsOf(options, ["mean", "stddev", "seed"], name);
    this.mean = numberOption(o, "mean", 0, name);
    this.stddev = positive(
      numberOption(o, "stddev", 0.05, name),
      "stddev",
      name,
    );
    this.seed = seedOption(o, name);
  }

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    const s = checkShape(shape, "TruncatedNormal.call");
    const d = floatDType(dtype, "TruncatedNormal.call");
    return ops.truncatedNormal(s, this.mean, this.stddev, d, this.seed);
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null, mean: this.mean, stddev: this.stddev };
  }
}

/**
 * Uniform values: `w ~ U[minval, maxval)`.
 *
 * Options: `minval` (default -0.05), `maxval` (default 0.05, > minval),
 * `seed` (default none: draw from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const init = new tg.initializers.RandomUniform({ minval: 2, maxval: 3 });
 * const w = init.call([100]);
 * console.log(w.min().item() >= 2 && w.max().item() < 3); // true
 * ```
 */
export class RandomUniform extends Initializer {
  readonly className = "RandomUniform";
  /** The lower bound (included). */
  readonly minval: number;
  /** The upper bound (excluded). */
  readonly maxval: number;
  /** The seed, if any. */
  readonly seed: number | undefined;

  constructor(options: UniformOptions = {}) {
    super();
    const name = "RandomUniform";
    const o = optionsOf(options, ["minval", "maxval", "seed"], name);
    this.minval = numberOption(o, "minval", -0.05, name);
    this.maxval = numberOption(o, "maxval", 0.05, name);
    if (!(this.minval < this.maxval)) {
      throw new ValueError(
        `${name}: expected minval < maxval, got minval=${this.minval}, ` +
          `maxval=${this.maxval}`,
      );
    }
    this.seed = seedOption(o, name);
  }

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    const s = checkShape(shape, "RandomUniform.call");
    const d = floatDType(dtype, "RandomUniform.call");
    return ops.randomUniform(s, this.minval, this.maxval, d, this.seed);
  }

  override getConfig(): Record<string, unknown> {
    return {
      seed: this.seed ?? null,
      minval: this.minval,
      maxval: this.maxval,
    };
  }
}

/**
 * The fans of a weight shape, as Keras computes them: rank 0 gives
 * `[1, 1]`; rank 1 `[n, n]`; rank 2 `[rows, cols]`; a higher rank (a
 * convolution kernel `[...window, inChannels, outChannels]`) gives
 * `[inChannels · rf, outChannels · rf]` with the receptive field
 * `rf = prod(shape[:-2])`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.computeFans([3, 3, 16, 32])); // [ 144, 288 ]
 * ```
 */
export function computeFans(
  shape: readonly number[],
): [fanIn: number, fanOut: number] {
  const s = checkShape(shape, "initializers.computeFans");
  if (s.length === 0) return [1, 1];
  if (s.length === 1) return [s[0]!, s[0]!];
  if (s.length === 2) return [s[0]!, s[1]!];
  let receptiveField = 1;
  for (const d of s.slice(0, -2)) receptiveField *= d;
  return [s.at(-2)! * receptiveField, s.at(-1)! * receptiveField];
}

const MODES: readonly FanMode[] = ["fan_in", "fan_out", "fan_avg"];
const DISTRIBUTIONS: readonly ScalingDistribution[] = [
  "truncated_normal",
  "untruncated_normal",
  "uniform",
];

function modeOption(o: Options, name: string): FanMode {
  const mode = o.mode ?? "fan_in";
  if (!MODES.includes(mode as FanMode)) {
    throw new ValueError(
      `${name}: expected mode to be one of ${MODES.map(show).join(", ")}, ` +
        `got mode=${show(mode)}`,
    );
  }
  return mode as FanMode;
}

function distributionOption(o: Options, name: string): ScalingDistribution {
  const raw = o.distribution ?? "truncated_normal";
  const d = typeof raw === "string" ? raw.toLowerCase() : raw;
  if (d === "normal") return "truncated_normal";
  if (!DISTRIBUTIONS.includes(d as ScalingDistribution)) {
    throw new ValueError(
      `${name}: expected distribution to be one of ` +
        `${DISTRIBUTIONS.map(show).join(", ")}, got distribution=${show(raw)}`,
    );
  }
  return d as ScalingDistribution;
}

/**
 * Values whose variance adapts to the weight's shape. With
 * `n = max(1, fan)` (the fan chosen by `mode`, the mean of both for
 * "fan_avg", see {@link computeFans}):
 *
 * - "truncated_normal": a normal truncated at two standard deviations,
 *   with `stddev = sqrt(scale / n) / 0.87962566103423978` so that the
 *   truncated values have variance `scale / n`;
 * - "untruncated_normal": `N(0, scale / n)`;
 * - "uniform": `U[-limit, limit)` with `limit = sqrt(3 · scale / n)`.
 *
 * Options: `scale` (default 1, > 0), `mode` (default "fan_in"),
 * `distribution` (default "truncated_normal"), `seed` (default none: draw
 * from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const init = new tg.initializers.VarianceScaling({
 *   scale: 2,
 *   mode: "fan_out",
 *   distribution: "uniform",
 * });
 * const w = init.call([10, 8]);
 * console.log(w.abs().max().item() <= Math.sqrt((3 * 2) / 8)); // true
 * ```
 */
export class VarianceScaling extends Initializer {
  readonly className: string = "VarianceScaling";
  /** The variance before dividing by the fan. */
  readonly scale: number;
  /** Which fan divides the scale. */
  readonly mode: FanMode;
  /** The distribution drawn from. */
  readonly distribution: ScalingDistribution;
  /** The seed, if any. */
  readonly seed: number | undefined;

  constructor(options: VarianceScalingOptions = {}) {
    super();
    const name = "VarianceScaling";
    const keys = ["scale", "mode", "distribution", "seed"];
    const o = optionsOf(options, keys, name);
    this.scale = positive(numberOption(o, "scale", 1, name), "scale", name);
    this.mode = modeOption(o, name);
    this.distribution = distributionOption(o, name);
    this.seed = seedOption(o, name);
  }

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    const where = `${this.className}.call`;
    const s = checkShape(shape, where);
    const d = floatDType(dtype, where);
    const variance = this.scale / Math.max(1, this.fan(s));
    switch (this.distribution) {
      case "truncated_normal": {
        const stddev = Math.sqrt(variance) / TRUNCATED_STDDEV;
        return ops.truncatedNormal(s, 0, stddev, d, this.seed);
      }
      case "untruncated_normal":
        return ops.randomNormal(s, 0, Math.sqrt(variance), d, this.seed);
      case "uniform": {
        const limit = Math.sqrt(3 * variance);
        return ops.randomUniform(s, -limit, limit, d, this.seed);
      }
    }
  }

  private fan(shape: readonly number[]): number {
    const [fanIn, fanOut] = computeFans(shape);
    if (this.mode === "fan_in") return fanIn;
    if (this.mode === "fan_out") return fanOut;
    return (fanIn + fanOut) / 2;
  }

  override getConfig(): Record<string, unknown> {
    return {
      seed: this.seed ?? null,
      scale: this.scale,
      mode: this.mode,
      distribution: this.distribution,
    };
  }
}

/** The VarianceScaling options of a preset, after checking its own. */
function preset(
  name: string,
  options: SeedOptions,
  scale: number,
  mode: FanMode,
  distribution: ScalingDistribution,
): VarianceScalingOptions {
  const seed = seedOption(optionsOf(options, ["seed"], name), name);
  return { scale, mode, distribution, seed };
}

/**
 * Glorot (Xavier) uniform: `U[-limit, limit)` with
 * `limit = sqrt(6 / (fanIn + fanOut))`. VarianceScaling with scale 1,
 * "fan_avg", "uniform". The default kernel initializer of Dense.
 *
 * Options: `seed` (default none: draw from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.GlorotUniform({ seed: 1 }).call([4, 6]);
 * console.log(w.abs().max().item() <= Math.sqrt(6 / (4 + 6))); // true
 * ```
 */
export class GlorotUniform extends VarianceScaling {
  override readonly className: string = "GlorotUniform";

  constructor(options: SeedOptions = {}) {
    super(preset("GlorotUniform", options, 1, "fan_avg", "uniform"));
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null };
  }
}

/**
 * Glorot (Xavier) normal: a normal truncated at two standard deviations,
 * with variance `2 / (fanIn + fanOut)` after truncation. VarianceScaling
 * with scale 1, "fan_avg", "truncated_normal".
 *
 * Options: `seed` (default none: draw from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.GlorotNormal({ seed: 1 }).call([4, 6]);
 * const bound = (2 * Math.sqrt(2 / (4 + 6))) / 0.87962566103423978;
 * console.log(w.abs().max().item() <= bound); // true
 * ```
 */
export class GlorotNormal extends VarianceScaling {
  override readonly className: string = "GlorotNormal";

  constructor(options: SeedOptions = {}) {
    super(preset("GlorotNormal", options, 1, "fan_avg", "truncated_normal"));
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null };
  }
}

/**
 * He uniform: `U[-limit, limit)` with `limit = sqrt(6 / fanIn)`.
 * VarianceScaling with scale 2, "fan_in", "uniform".
 *
 * Options: `seed` (default none: draw from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.HeUniform({ seed: 1 }).call([6, 2]);
 * console.log(w.abs().max().item() <= 1); // true
 * ```
 */
export class HeUniform extends VarianceScaling {
  override readonly className: string = "HeUniform";

  constructor(options: SeedOptions = {}) {
    super(preset("HeUniform", options, 2, "fan_in", "uniform"));
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null };
  }
}

/**
 * He normal: a normal truncated at two standard deviations, with variance
 * `2 / fanIn` after truncation. VarianceScaling with scale 2, "fan_in",
 * "truncated_normal".
 *
 * Options: `seed` (default none: draw from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.HeNormal({ seed: 1 }).call([200, 300]);
 * console.log(Math.abs(w.square().mean().item() - 2 / 200) < 0.0005); // true
 * ```
 */
export class HeNormal extends VarianceScaling {
  override readonly className: string = "HeNormal";

  constructor(options: SeedOptions = {}) {
    super(preset("HeNormal", options, 2, "fan_in", "truncated_normal"));
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null };
  }
}

/**
 * LeCun uniform: `U[-limit, limit)` with `limit = sqrt(3 / fanIn)`.
 * VarianceScaling with scale 1, "fan_in", "uniform".
 *
 * Options: `seed` (default none: draw from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.LecunUniform({ seed: 1 }).call([3, 5]);
 * console.log(w.abs().max().item() <= 1); // true
 * ```
 */
export class LecunUniform extends VarianceScaling {
  override readonly className: string = "LecunUniform";

  constructor(options: SeedOptions = {}) {
    super(preset("LecunUniform", options, 1, "fan_in", "uniform"));
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null };
  }
}

/**
 * LeCun normal: a normal truncated at two standard deviations, with
 * variance `1 / fanIn` after truncation. VarianceScaling with scale 1,
 * "fan_in", "truncated_normal". Made for the selu activation.
 *
 * Options: `seed` (default none: draw from the global generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.initializers.LecunNormal({ seed: 1 }).call([100, 600]);
 * console.log(Math.abs(w.square().mean().item() - 1 / 100) < 0.0005); // true
 * ```
 */
export class LecunNormal extends VarianceScaling {
  override readonly className: string = "LecunNormal";

  constructor(options: SeedOptions = {}) {
    super(preset("LecunNormal", options, 1, "fan_in", "truncated_normal"));
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null };
  }
}

// ---------------------------------------------------------------------------
// Orthogonal

/**
 * A random orthogonal matrix times `gain`, as Keras makes it: with
 * `rows = prod(shape[:-1])` and `cols = shape[-1]`, draw an
 * `max(rows, cols) × min(rows, cols)` standard normal matrix, take the Q
 * of its QR decomposition with each column multiplied by the sign of R's
 * diagonal, transpose it when `rows < cols`, multiply by `gain` and
 * reshape. The columns (or rows, when `rows < cols`) are orthonormal.
 * The decomposition runs in float64 whatever the dtype asked for.
 *
 * Options: `gain` (default 1), `seed` (default none: draw from the global
 * generator).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const init = new tg.initializers.Orthogonal({ seed: 0 });
 * const q = init.call([4, 3], "float64");
 * const error = tg.matMul(q, q, true).sub(tg.eye(3, 3, [], "float64"));
 * console.log(error.abs().max().item() < 1e-12); // true
 * ```
 */
export class Orthogonal extends Initializer {
  readonly className = "Orthogonal";
  /** The factor the orthogonal matrix is multiplied by. */
  readonly gain: number;
  /** The seed, if any. */
  readonly seed: number | undefined;

  constructor(options: OrthogonalOptions = {}) {
    super();
    const o = optionsOf(options, ["gain", "seed"], "Orthogonal");
    this.gain = numberOption(o, "gain", 1, "Orthogonal");
    this.seed = seedOption(o, "Orthogonal");
  }

  call(shape: readonly number[], dtype: DType = "float32"): Tensor {
    const s = checkShape(shape, "Orthogonal.call");
    const d = floatDType(dtype, "Orthogonal.call");
    if (s.length < 2) {
      throw new ValueError(
        `Orthogonal.call: expected a shape of rank >= 2, got ${show(s)} of ` +
          `rank ${s.length}`,
      );
    }

    // Flatten to a matrix that keeps the last dimension.
    const rows = s.slice(0, -1).reduce((a, b) => a * b, 1);
    const cols = s.at(-1)!;
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const a = ops.randomNormal([m, n], 0, 1, "float64", this.seed).data;

    // Orthonormal columns, transposed to rows for a wide matrix.
    let q = signedQ(Float64Array.from(a), m, n);
    if (rows < cols) q = transposed(q, m, n);
    if (this.gain !== 1) q = q.map((v) => v * this.gain);
    return ops.tensor(q, s, d);
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed ?? null, gain: this.gain };
  }
}

/**
 * The Q of the QR decomposition of the m×n row-major matrix `r` (m ≥ n),
 * by Householder reflections in float64, with each column multiplied by
 * the sign of R's diagonal (Keras's `q * sign(diag(r))`). That product
 * does not depend on the reflections' sign convention, so it matches
 * LAPACK's. Overwrites `r` with R.
 */
function signedQ(r: Float64Array, m: number, n: number): Float64Array {
  const reflectors: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = householderVector(r, m, n, k);
    reflect(r, n, k, v, k);
    reflectors.push(v);
  }

  // Q = H₀ H₁ ⋯ Hₙ₋₁ applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) reflect(q, n, k, reflectors[k]!, k);

  for (let j = 0; j < n; j++) {
    const sign = Math.sign(r[j * n + j]!);
    for (let i = 0; i < m; i++) q[i * n + j]! *= sign;
  }
  return q;
}

/**
 * The unit vector v (length m − k) whose reflection I − 2vvᵀ zeroes
 * column k of `r` below the diagonal; all zeros when that column already
 * is zero from row k down.
 */
function householderVector(
  r: Float64Array,
  m: number,
  n: number,
  k: number,
): Float64Array {
  const v = new Float64Array(m - k);
  for (let i = k; i < m; i++) v[i - k] = r[i * n + k]!;
  const norm = Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
  if (norm === 0) return v;

  // Reflect onto -sign(x₀)·‖x‖·e₀, which avoids cancellation.
  v[0]! += v[0]! >= 0 ? norm : -norm;
  const length = Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
  for (let i = 0; i < v.length; i++) v[i]! /= length;
  return v;
}

/** x[k:, c:] −= 2 v (vᵀ x[k:, c:]) for a row-major matrix with n columns. */
function reflect(
  x: Float64Array,
  n: number,
  k: number,
  v: Float64Array,
  c: number,
): void {
  for (let j = c; j < n; j++) {
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * x[(k + i) * n + j]!;
    if (dot === 0) continue;
    for (let i = 0; i < v.length; i++) x[(k + i) * n + j]! -= 2 * dot * v[i]!;
  }
}

/** The n×m transpose of an m×n row-major matrix. */
function transposed(x: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) out[j * m + i] = x[i * n + j]!;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Factories, as TensorFlow.js spells them

/**
 * A {@link Zeros} initializer: `w = 0`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.zeros().call([3]).toArray()); // [ 0, 0, 0 ]
 * ```
 */
export function zeros(): Zeros {
  return new Zeros();
}

/**
 * A {@link Ones} initializer: `w = 1`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.ones().call([3]).toArray()); // [ 1, 1, 1 ]
 * ```
 */
export function ones(): Ones {
  return new Ones();
}

/**
 * A {@link Constant} initializer: `w = value`. Takes the number itself or
 * `{ value }` (default 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.constant(1.0).call([2]).toArray()); // [ 1, 1 ]
 * console.log(tg.initializers.constant({ value: 3 }).getConfig());
 * // { value: 3 }
 * ```
 */
export function constant(value?: number | ConstantOptions): Constant {
  return new Constant(value);
}

/**
 * A {@link RandomNormal} initializer: `w ~ N(mean, stddev²)`; `mean`
 * default 0, `stddev` default 0.05, `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const init = tg.initializers.randomNormal({ mean: 1, stddev: 0.1, seed: 5 });
 * console.log(init.call([2, 2]).shape); // [ 2, 2 ]
 * ```
 */
export function randomNormal(options?: NormalOptions): RandomNormal {
  return new RandomNormal(options);
}

/**
 * A {@link RandomUniform} initializer: `w ~ U[minval, maxval)`; `minval`
 * default -0.05, `maxval` default 0.05, `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const init = tg.initializers.randomUniform({ minval: 0, maxval: 1 });
 * console.log(init.getConfig()); // { seed: null, minval: 0, maxval: 1 }
 * ```
 */
export function randomUniform(options?: UniformOptions): RandomUniform {
  return new RandomUniform(options);
}

/**
 * A {@link TruncatedNormal} initializer: `N(mean, stddev²)` redrawn
 * outside two standard deviations; `mean` default 0, `stddev` default
 * 0.05, `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const init = tg.initializers.truncatedNormal({ stddev: 1, seed: 2 });
 * console.log(init.call([500]).abs().max().item() <= 2); // true
 * ```
 */
export function truncatedNormal(options?: NormalOptions): TruncatedNormal {
  return new TruncatedNormal(options);
}

/**
 * A {@link VarianceScaling} initializer: variance `scale / n` for the fan
 * n chosen by `mode`; `scale` default 1, `mode` default "fan_in",
 * `distribution` default "truncated_normal", `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const init = tg.initializers.varianceScaling({ mode: "fan_avg" });
 * console.log(init.getConfig().mode); // fan_avg
 * ```
 */
export function varianceScaling(
  options?: VarianceScalingOptions,
): VarianceScaling {
  return new VarianceScaling(options);
}

/**
 * A {@link GlorotUniform} initializer: `U[-limit, limit)`,
 * `limit = sqrt(6 / (fanIn + fanOut))`; `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = tg.initializers.glorotUniform({ seed: 42 }).call([2, 3]);
 * console.log(w.shape, w.dtype); // [ 2, 3 ] float32
 * ```
 */
export function glorotUniform(options?: SeedOptions): GlorotUniform {
  return new GlorotUniform(options);
}

/**
 * A {@link GlorotNormal} initializer: truncated normal with variance
 * `2 / (fanIn + fanOut)`; `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.glorotNormal().className); // GlorotNormal
 * ```
 */
export function glorotNormal(options?: SeedOptions): GlorotNormal {
  return new GlorotNormal(options);
}

/**
 * A {@link HeUniform} initializer: `U[-limit, limit)`,
 * `limit = sqrt(6 / fanIn)`; `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.heUniform({ seed: 1 }).getConfig());
 * // { seed: 1 }
 * ```
 */
export function heUniform(options?: SeedOptions): HeUniform {
  return new HeUniform(options);
}

/**
 * A {@link HeNormal} initializer: truncated normal with variance
 * `2 / fanIn`; `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.heNormal().className); // HeNormal
 * ```
 */
export function heNormal(options?: SeedOptions): HeNormal {
  return new HeNormal(options);
}

/**
 * A {@link LecunUniform} initializer: `U[-limit, limit)`,
 * `limit = sqrt(3 / fanIn)`; `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.lecunUniform().className); // LecunUniform
 * ```
 */
export function lecunUniform(options?: SeedOptions): LecunUniform {
  return new LecunUniform(options);
}

/**
 * A {@link LecunNormal} initializer: truncated normal with variance
 * `1 / fanIn`; `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.lecunNormal().className); // LecunNormal
 * ```
 */
export function lecunNormal(options?: SeedOptions): LecunNormal {
  return new LecunNormal(options);
}

/**
 * An {@link Orthogonal} initializer: a random orthogonal matrix times
 * `gain`; `gain` default 1, `seed` default none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = tg.initializers.orthogonal({ gain: 2, seed: 1 }).call([3, 3]);
 * console.log(w.shape); // [ 3, 3 ]
 * ```
 */
export function orthogonal(options?: OrthogonalOptions): Orthogonal {
  return new Orthogonal(options);
}

/**
 * An {@link Identity} initializer: the identity matrix times `gain`
 * (default 1), for 2-D shapes.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.identity().call([2, 2]).toArray());
 * // [ [ 1, 0 ], [ 0, 1 ] ]
 * ```
 */
export function identity(options?: IdentityOptions): Identity {
  return new Identity(options);
}

// ---------------------------------------------------------------------------
// Names, get and serialize

/** A saved initializer: Keras's class name and its config. */
export interface InitializerConfig {
  /** A class name such as "GlorotUniform" (or any name {@link get} knows). */
  className: string;
  /** The options, as {@link Initializer.getConfig} gives them. Default {}. */
  config?: Record<string, unknown>;
}

/**
 * What {@link get} accepts: a name ("glorot_uniform", "GlorotUniform",
 * "glorotUniform"), an initializer, or an {@link InitializerConfig}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const id: tg.initializers.InitializerIdentifier = "he_normal";
 * console.log(tg.initializers.get(id).className); // HeNormal
 * ```
 */
export type InitializerIdentifier = string | Initializer | InitializerConfig;

type Make = (config: never) => Initializer;

// Keras's snake_case names, in the order error messages list them.
const BY_NAME: Readonly<Record<string, [className: string, make: Make]>> = {
  zeros: ["Zeros", () => new Zeros()],
  ones: ["Ones", () => new Ones()],
  constant: ["Constant", (c: ConstantOptions) => new Constant(c)],
  random_normal: ["RandomNormal", (c: NormalOptions) => new RandomNormal(c)],
  random_uniform: [
    "RandomUniform",
    (c: UniformOptions) => new RandomUniform(c),
  ],
  truncated_normal: [
    "TruncatedNormal",
    (c: NormalOptions) => new TruncatedNormal(c),
  ],
  variance_scaling: [
    "VarianceScaling",
    (c: VarianceScalingOptions) => new VarianceScaling(c),
  ],
  glorot_uniform: ["GlorotUniform", (c: SeedOptions) => new GlorotUniform(c)],
  glorot_normal: ["GlorotNormal", (c: SeedOptions) => new GlorotNormal(c)],
  he_uniform: ["HeUniform", (c: SeedOptions) => new HeUniform(c)],
  he_normal: ["HeNormal", (c: SeedOptions) => new HeNormal(c)],
  lecun_uniform: ["LecunUniform", (c: SeedOptions) => new LecunUniform(c)],
  lecun_normal: ["LecunNormal", (c: SeedOptions) => new LecunNormal(c)],
  orthogonal: ["Orthogonal", (c: OrthogonalOptions) => new Orthogonal(c)],
  identity: ["Identity", (c: IdentityOptions) => new Identity(c)],
};

// Keras's extra aliases, besides each class name and its snake_case.
const KERAS_ALIASES: Readonly<Record<string, string>> = {
  zero: "zeros",
  one: "ones",
  normal: "random_normal",
  uniform: "random_uniform",
  OrthogonalInitializer: "orthogonal",
  IdentityInitializer: "identity",
};

function camelCase(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Every accepted name → the snake_case name. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ...Object.entries(BY_NAME).flatMap(([snake, [className]]) => [
    [snake, snake] as const,
    [className, snake] as const,
    [camelCase(snake), snake] as const,
  ]),
  ...Object.entries(KERAS_ALIASES),
]);

function unknownName(name: unknown): ValueError {
  const known = Object.keys(BY_NAME).map(show).join(", ");
  return new ValueError(
    `initializers.get: expected one of ${known} (or a class name such as ` +
      `"GlorotUniform"), got ${show(name)}`,
  );
}

function build(name: string, config: Record<string, unknown>): Initializer {
  const snake = ALIASES.get(name);
  if (snake === undefined) throw unknownName(name);
  const make = BY_NAME[snake]![1] as (c: unknown) => Initializer;
  return make(config);
}

/**
 * The initializer an identifier names: a name as Keras accepts it (the
 * snake_case name, the class name, or TensorFlow.js's camelCase name; also
 * Keras's aliases "zero", "one", "normal", "uniform"), an
 * {@link InitializerConfig} (`{ className, config }`, as {@link serialize}
 * gives), or an initializer, returned as it is. A name makes a new
 * initializer with default options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.initializers.get("glorot_uniform").className);
 * // GlorotUniform
 * const config = { className: "Constant", config: { value: 2 } };
 * const c = tg.initializers.get(config);
 * console.log(c.call([2]).toArray()); // [ 2, 2 ]
 * ```
 */
export function get(identifier: InitializerIdentifier): Initializer {
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === "string") return build(identifier, {});
  if (
    typeof identifier === "object" &&
    identifier !== null &&
    typeof identifier.className === "string"
  ) {
    return build(identifier.className, identifier.config ?? {});
  }
  throw new ValueError(
    `initializers.get: expected a name, an Initializer or a ` +
      `{ className, config } object, got ${show(identifier)}`,
  );
}

/**
 * The saved form of an initializer: `{ className, config }`, which
 * {@link get} turns back into an equal initializer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const he = tg.initializers.heNormal({ seed: 7 });
 * console.log(tg.initializers.serialize(he));
 * // { className: 'HeNormal', config: { seed: 7 } }
 * ```
 */
export function serialize(initializer: Initializer): InitializerConfig {
  if (!(initializer instanceof Initializer)) {
    throw new ValueError(
      `initializers.serialize: expected an Initializer, got ` +
        show(initializer),
    );
  }
  return { className: initializer.className, config: initializer.getConfig() };
}
