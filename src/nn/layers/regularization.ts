// SPDX-License-Identifier: Apache-2.0
/**
 * Regularization layers: Dropout, SpatialDropout1D, SpatialDropout2D,
 * GaussianNoise, GaussianDropout, AlphaDropout (active only in training)
 * and ActivityRegularization (a penalty on its input).
 */
import { isFloat, type DType } from "../../core/dtype.js";
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { Generator } from "../../core/random.js";
import type { Tensor } from "../../core/tensor.js";
import { add, div, greaterEqual, mul, sub } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { randomNormal, randomUniform } from "../../ops/random.js";
import * as regularizers from "../regularizers.js";
import {
  Layer,
  type CallOptions,
  type LayerArgs,
  type SymbolicShape,
} from "./layer.js";

/** A non-negative integer seed, or a ValueError naming `where`. */
function checkSeed(seed: unknown, where: string): number | null {
  if (seed === undefined || seed === null) return null;
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0) {
    throw new ValueError(
      `${where}: expected seed to be an integer >= 0, got seed=${show(seed)}`,
    );
  }
  return seed;
}

/** A rate in [0, 1] (or [0, 1) when `open`), or a ValueError. */
function checkRate(rate: unknown, where: string, open = false): number {
  const ok =
    typeof rate === "number" && rate >= 0 && (open ? rate < 1 : rate <= 1);
  if (!ok) {
    throw new ValueError(
      `${where}: expected rate in [0, 1${open ? ")" : "]"}, got ` +
        `rate=${show(rate)}`,
    );
  }
  return rate;
}

function checkArgs(args: unknown, where: string): void {
  if (args === null || typeof args !== "object") {
    throw new ValueError(
      `${where}: expected an options object, got ${show(args)}`,
    );
  }
}

/**
 * The random stream of a layer: with a seed, its own generator, so that
 * the layer's sequence of masks repeats; without, the global generator
 * that `tg.setSeed` resets.
 */
class LayerRandom {
  readonly #generator: Generator | null;

  constructor(seed: number | null) {
    this.#generator = seed === null ? null : new Generator(seed);
  }

  /** The seed for the next draw (undefined: the global generator). */
  next(): number | undefined {
    return this.#generator?.nextUint32();
  }
}

/** The float dtype random draws for `x` use. */
function floatOf(x: Tensor): DType {
  return isFloat(x.dtype) ? x.dtype : "float32";
}

/** Options of Dropout. */
export interface DropoutArgs extends LayerArgs {
  /** The fraction of the input units to drop, in [0, 1]. */
  rate: number;
  /**
   * The shape of the binary mask, broadcast against the input; null
   * entries take the input's dimension. Default: the input's shape. For
   * example [null, 1, null] drops the same features at every timestep.
   */
  noiseShape?: readonly (number | null)[] | null;
  /** A seed for the layer's own random stream. Default none (global). */
  seed?: number | null;
}

/**
 * Sets input units to 0 with probability `rate` during training, and
 * scales the kept ones by `1 / (1 - rate)` so that the expected sum is
 * unchanged: `y = x · mask / (1 - rate)`, mask ~ Bernoulli(1 − rate).
 * Outside training (`training` false, the default; predict, evaluate),
 * it returns its input; fit calls it with `training: true`.
 *
 * With `seed`, the layer's sequence of masks repeats from construction;
 * without it, masks come from the global generator (`tg.setSeed`).
 *
 * Input shape: any. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Dropout({ rate: 0.5, seed: 1 });
 * const x = tg.ones([2, 4]);
 * console.log(layer.apply(x).toArray()); // [ [ 1, 1, 1, 1 ], [ 1, 1, 1, 1 ] ]
 * const y = layer.apply(x, { training: true }).toArray().flat();
 * console.log(y.every((v) => v === 0 || v === 2)); // true
 * ```
 */
export class Dropout extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | null;
  readonly seed: number | null;
  readonly #random: LayerRandom;

  constructor(args: DropoutArgs) {
    const where = new.target.name;
    checkArgs(args, where);
    const rate = checkRate(args.rate, where);
    const noiseShape = args.noiseShape ?? null;
    if (
      noiseShape !== null &&
      (!Array.isArray(noiseShape) ||
        !noiseShape.every(
          (d) => d === null || (Number.isInteger(d) && (d as number) >= 1),
        ))
    ) {
      throw new ValueError(
        `${where}: expected noiseShape to be a list of integers >= 1 or ` +
          `nulls, got noiseShape=${show(noiseShape)}`,
      );
    }
    const seed = checkSeed(args.seed, where);
    super(args);
    this.rate = rate;
    this.noiseShape =
      noiseShape === null ? null : [...(noiseShape as (number | null)[])];
    this.seed = seed;
    this.#random = new LayerRandom(seed);
  }

  /** The seed of the next draw (undefined: global). @internal */
  protected nextSeed(): number | undefined {
    return this.#random.next();
  }

  /** Checks the input's rank, in and out of training. @internal */
  protected checkShape(shape: SymbolicShape): void {
    void shape;
  }

  /** The mask's shape for input `x` (in training). @internal */
  protected maskShape(x: Tensor): number[] {
    const ns = this.noiseShape;
    if (ns === null) return [...x.shape];
    const fits =
      ns.length === x.rank &&
      ns.every((d, k) => d === null || d === 1 || d === x.shape[k]);
    if (!fits) {
      throw new ShapeError(
        `${this.toString()}: expected an input that noiseShape ` +
          `${show(ns)} broadcasts to, got shape ${show(x.shape)}`,
      );
    }
    return ns.map((d, k) => d ?? x.shape[k]!);
  }

  override call(x: Tensor, options: CallOptions = {}): Tensor {
    this.checkShape(x.shape);
    if (!options.training || this.rate === 0) return x;
    const shape = this.maskShape(x);
    const dtype = floatOf(x);
    if (this.rate === 1) return mul(x, 0);
    const u = randomUniform(shape, 0, 1, dtype, this.nextSeed());
    const keep = cast(greaterEqual(u, this.rate), dtype);
    return mul(x, div(keep, 1 - this.rate));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkShape(inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rate: this.rate,
      noiseShape: this.noiseShape === null ? null : [...this.noiseShape],
      seed: this.seed,
    };
  }
}

/** Options of SpatialDropout1D. */
export interface SpatialDropout1DArgs extends LayerArgs {
  /** The fraction of the channels to drop, in [0, 1]. */
  rate: number;
  /** A seed for the layer's own random stream. Default none (global). */
  seed?: number | null;
}

/**
 * Dropout of whole channels of a sequence: each of the [batch, steps,
 * channels] input's channels is dropped at every step together (mask
 * shape [batch, 1, channels]), the kept ones scaled by `1 / (1 - rate)`.
 * Active only in training.
 *
 * Input shape: [batch, steps, channels]. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.spatialDropout1D({ rate: 0.5, seed: 3 });
 * const y = layer.apply(tg.ones([1, 3, 4]), { training: true }).toArray();
 * console.log(y[0][0].join() === y[0][2].join()); // true
 * ```
 */
export class SpatialDropout1D extends Dropout {
  constructor(args: SpatialDropout1DArgs) {
    checkArgs(args, "SpatialDropout1D");
    super({ ...args, noiseShape: null });
  }

  protected override checkShape(shape: SymbolicShape): void {
    if (shape.length !== 3) {
      throw new ShapeError(
        `${this.toString()}: expected an input of rank 3 [batch, steps, ` +
          `channels], got shape ${show(shape)}`,
      );
    }
  }

  protected override maskShape(x: Tensor): number[] {
    return [x.shape[0]!, 1, x.shape[2]!];
  }

  override getConfig(): Record<string, unknown> {
    const { noiseShape, ...config } = super.getConfig();
    void noiseShape;
    return config;
  }
}

/** Options of SpatialDropout2D. */
export interface SpatialDropout2DArgs extends SpatialDropout1DArgs {
  /**
   * "channelsLast" ([batch, rows, cols, channels], the default) or
   * "channelsFirst" ([batch, channels, rows, cols]), as every layer spells
   * it.
   */
  dataFormat?: "channelsLast" | "channelsFirst";
}

/**
 * Dropout of whole feature maps: each channel of an image is dropped in
 * all its positions together (mask [batch, 1, 1, channels] for
 * "channelsLast"), the kept ones scaled by `1 / (1 - rate)`. Active only
 * in training.
 *
 * Input shape: [batch, rows, cols, channels] ("channelsLast", default)
 * or [batch, channels, rows, cols]. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.spatialDropout2D({ rate: 0.5, seed: 3 });
 * const y = layer.apply(tg.ones([1, 2, 2, 3]), { training: true }).toArray();
 * console.log(y[0][0][0].join() === y[0][1][1].join()); // true
 * ```
 */
export class SpatialDropout2D extends Dropout {
  readonly dataFormat: "channelsLast" | "channelsFirst";

  constructor(args: SpatialDropout2DArgs) {
    checkArgs(args, "SpatialDropout2D");
    const dataFormat = args.dataFormat ?? "channelsLast";
    if (dataFormat !== "channelsLast" && dataFormat !== "channelsFirst") {
      throw new ValueError(
        'SpatialDropout2D: expected dataFormat "channelsLast" or ' +
          `"channelsFirst", got dataFormat=${show(dataFormat)}`,
      );
    }
    super({ ...args, noiseShape: null });
    this.dataFormat = dataFormat;
  }

  protected override checkShape(shape: SymbolicShape): void {
    if (shape.length !== 4) {
      throw new ShapeError(
        `${this.toString()}: expected an input of rank 4, got shape ` +
          show(shape),
      );
    }
  }

  protected override maskShape(x: Tensor): number[] {
    const [b, d1, , d3] = x.shape as [number, number, number, number];
    return this.dataFormat === "channelsLast" ? [b, 1, 1, d3] : [b, d1, 1, 1];
  }

  override getConfig(): Record<string, unknown> {
    const { noiseShape, ...config } = super.getConfig();
    void noiseShape;
    return { ...config, dataFormat: this.dataFormat };
  }
}

/** Options of GaussianNoise. */
export interface GaussianNoiseArgs extends LayerArgs {
  /** The standard deviation of the noise, in [0, 1] as Keras 3. */
  stddev: number;
  /** A seed for the layer's own random stream. Default none (global). */
  seed?: number | null;
}

/**
 * Adds zero-centred Gaussian noise during training: `y = x + ε`,
 * ε ~ N(0, stddev²). Outside training it returns its input.
 *
 * Input shape: any. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.gaussianNoise({ stddev: 0.1, seed: 1 });
 * console.log(layer.apply([[1, 2]]).toArray()); // [ [ 1, 2 ] ]
 * const y = layer.apply(tg.zeros([1000]), { training: true });
 * console.log(Math.abs(y.mean().item()) < 0.02); // true
 * ```
 */
export class GaussianNoise extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly stddev: number;
  readonly seed: number | null;
  readonly #random: LayerRandom;

  constructor(args: GaussianNoiseArgs) {
    checkArgs(args, "GaussianNoise");
    const { stddev } = args;
    if (typeof stddev !== "number" || !(stddev >= 0 && stddev <= 1)) {
      throw new ValueError(
        `GaussianNoise: expected stddev in [0, 1], got stddev=${show(stddev)}`,
      );
    }
    const seed = checkSeed(args.seed, "GaussianNoise");
    super(args);
    this.stddev = stddev;
    this.seed = seed;
    this.#random = new LayerRandom(seed);
  }

  override call(x: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training || this.stddev === 0) return x;
    const noise = randomNormal(
      [...x.shape],
      0,
      this.stddev,
      floatOf(x),
      this.#random.next(),
    );
    return add(x, noise);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
}

/** Options of GaussianDropout and AlphaDropout. */
export interface GaussianDropoutArgs extends LayerArgs {
  /** The drop probability, in [0, 1). */
  rate: number;
  /** A seed for the layer's own random stream. Default none (global). */
  seed?: number | null;
}

/**
 * Multiplies by 1-centred Gaussian noise during training: `y = x · ε`,
 * ε ~ N(1, rate / (1 − rate)). Outside training it returns its input.
 * Keras 3 accepts rate = 1 (and then returns infinities or NaN);
 * tensorgrad requires rate < 1.
 *
 * Input shape: any. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.gaussianDropout({ rate: 0.2, seed: 1 });
 * const y = layer.apply(tg.ones([4000]), { training: true });
 * console.log(Math.abs(y.mean().item() - 1) < 0.05); // true
 * ```
 */
export class GaussianDropout extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly rate: number;
  readonly seed: number | null;
  readonly #random: LayerRandom;

  constructor(args: GaussianDropoutArgs) {
    checkArgs(args, "GaussianDropout");
    const rate = checkRate(args.rate, "GaussianDropout", true);
    const seed = checkSeed(args.seed, "GaussianDropout");
    super(args);
    this.rate = rate;
    this.seed = seed;
    this.#random = new LayerRandom(seed);
  }

  override call(x: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training || this.rate === 0) return x;
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    const noise = randomNormal(
      [...x.shape],
      1,
      stddev,
      floatOf(x),
      this.#random.next(),
    );
    return mul(x, noise);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

/** Options of AlphaDropout. */
export interface AlphaDropoutArgs extends GaussianDropoutArgs {
  /** The mask's shape, as Dropout's `noiseShape`. Default the input's. */
  noiseShape?: readonly (number | null)[] | null;
}

/** SELU's constants, as Keras 3's AlphaDropout. */
const ALPHA = 1.6732632423543772;
const SCALE = 1.0507009873554805;

/**
 * Dropout that keeps the mean and variance of SELU activations: dropped
 * units are set to α' = −α·λ (SELU's negative saturation), then
 * `y = a · x' + b` with `a = ((1 − rate)(1 + rate·α'²))^(−1/2)` and
 * `b = −a·α'·rate`, α and λ being SELU's constants. Active only in
 * training. Keras 3 accepts rate = 1 (giving NaN); tensorgrad requires
 * rate < 1.
 *
 * Input shape: any. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.alphaDropout({ rate: 0.1, seed: 1 });
 * console.log(layer.apply([[1, 2]]).toArray()); // [ [ 1, 2 ] ]
 * ```
 */
export class AlphaDropout extends Dropout {
  constructor(args: AlphaDropoutArgs) {
    checkArgs(args, "AlphaDropout");
    checkRate(args.rate, "AlphaDropout", true);
    super(args);
  }

  override call(x: Tensor, options: CallOptions = {}): Tensor {
    this.checkShape(x.shape);
    if (!options.training || this.rate === 0) return x;
    const shape = this.maskShape(x);
    const dtype = floatOf(x);
    const rate = this.rate;
    const alphaP = -ALPHA * SCALE;
    const u = randomUniform(shape, 0, 1, dtype, this.nextSeed());
    const kept = cast(greaterEqual(u, rate), dtype);
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    const dropped = mul(sub(1, kept), alphaP);
    return add(mul(add(mul(x, kept), dropped), a), b);
  }
}

/** Options of ActivityRegularization. */
export interface ActivityRegularizationArgs extends LayerArgs {
  /** The L1 factor, >= 0. Default 0. */
  l1?: number;
  /** The L2 factor, >= 0. Default 0. */
  l2?: number;
}

/**
 * Returns its input unchanged and adds a penalty on it to `losses`:
 * `(l1 · Σ|x| + l2 · Σx²) / batch`, from the latest call (divided by the
 * batch size, as Dense's activity regularizer, following Keras 3).
 *
 * Input shape: any. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.activityRegularization({ l1: 0.5, l2: 1 });
 * console.log(layer.apply([[1, -2]]).toArray()); // [ [ 1, -2 ] ]
 * console.log(layer.losses[0].item()); // 6.5
 * ```
 */
export class ActivityRegularization extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly l1: number;
  readonly l2: number;
  readonly #regularizer: regularizers.L1L2;
  #activityLosses: Tensor[] = [];

  constructor(args: ActivityRegularizationArgs = {}) {
    checkArgs(args, "ActivityRegularization");
    const l1 = args.l1 ?? 0;
    const l2 = args.l2 ?? 0;
    for (const [key, v] of [
      ["l1", l1],
      ["l2", l2],
    ] as const) {
      if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) {
        throw new ValueError(
          `ActivityRegularization: expected ${key} to be a number >= 0, ` +
            `got ${key}=${show(v)}`,
        );
      }
    }
    super(args);
    this.l1 = l1;
    this.l2 = l2;
    this.#regularizer = new regularizers.L1L2({ l1, l2 });
  }

  override call(x: Tensor): Tensor {
    const penalty = this.#regularizer.call(x);
    const batch = x.rank > 0 ? x.shape[0]! : 1;
    this.#activityLosses = [
      batch === 0 ? mul(penalty, 0) : div(penalty, batch),
    ];
    return x;
  }

  /** The penalty of the latest call. */
  override get losses(): Tensor[] {
    return [...super.losses, ...this.#activityLosses];
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
}

/**
 * Creates a {@link Dropout} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.dropout({ rate: 0.3 }).rate); // 0.3
 * ```
 */
export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args);
}

/**
 * Creates a {@link SpatialDropout1D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.spatialDropout1D({ rate: 0.2 }).rate); // 0.2
 * ```
 */
export function spatialDropout1D(args: SpatialDropout1DArgs): SpatialDropout1D {
  return new SpatialDropout1D(args);
}

/**
 * Creates a {@link SpatialDropout2D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.spatialDropout2D({ rate: 0.2 });
 * console.log(layer.dataFormat); // channelsLast
 * ```
 */
export function spatialDropout2D(args: SpatialDropout2DArgs): SpatialDropout2D {
  return new SpatialDropout2D(args);
}

/**
 * Creates a {@link GaussianNoise} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.gaussianNoise({ stddev: 0.1 }).stddev); // 0.1
 * ```
 */
export function gaussianNoise(args: GaussianNoiseArgs): GaussianNoise {
  return new GaussianNoise(args);
}

/**
 * Creates a {@link GaussianDropout} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.gaussianDropout({ rate: 0.1 }).rate); // 0.1
 * ```
 */
export function gaussianDropout(args: GaussianDropoutArgs): GaussianDropout {
  return new GaussianDropout(args);
}

/**
 * Creates an {@link AlphaDropout} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.alphaDropout({ rate: 0.1 }).rate); // 0.1
 * ```
 */
export function alphaDropout(args: AlphaDropoutArgs): AlphaDropout {
  return new AlphaDropout(args);
}

/**
 * Creates an {@link ActivityRegularization} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.activityRegularization({ l2: 0.01 }).l2); // 0.01
 * ```
 */
export function activityRegularization(
  args: ActivityRegularizationArgs = {},
): ActivityRegularization {
  return new ActivityRegularization(args);
}
