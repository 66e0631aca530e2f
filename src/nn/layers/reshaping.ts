// SPDX-License-Identifier: Apache-2.0
/**
 * Reshaping layers: Flatten, Reshape, Permute, RepeatVector, Cropping1D/2D,
 * ZeroPadding1D/2D and UpSampling1D/2D. None has weights; each is built
 * from public ops (reshape, transpose, slice, pad, tile; gather and
 * weighted sums for bilinear upsampling), so gradients come from those
 * ops.
 */
import {
  NotImplementedError,
  ShapeError,
  ValueError,
  show,
} from "../../core/errors.js";
import { isFloat } from "../../core/dtype.js";
import type { Tensor } from "../../core/tensor.js";
import { add, mul } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { tensor } from "../../ops/creation.js";
import {
  expandDims,
  gather,
  pad,
  reshape as reshapeOp,
  slice,
  tile,
  transpose,
} from "../../ops/shape.js";
import { Layer, type LayerArgs, type SymbolicShape } from "./layer.js";

/** The position of channels: last (Keras's default) or first. */
export type DataFormat = "channelsLast" | "channelsFirst";

/** A [before, after] pair. */
type Pair = [number, number];

function checkArgs(args: unknown, cls: string): void {
  if (args === null || typeof args !== "object") {
    throw new ValueError(
      `${cls}: expected an options object, got ${show(args)}`,
    );
  }
}

function isInt(v: unknown, min: number): v is number {
  return Number.isInteger(v) && (v as number) >= min;
}

function dataFormatOf(value: unknown, cls: string): DataFormat {
  if (value === undefined) return "channelsLast";
  if (value === "channelsLast" || value === "channelsFirst") return value;
  throw new ValueError(
    `${cls}: expected dataFormat "channelsLast" or "channelsFirst", got ` +
      `dataFormat=${show(value)}`,
  );
}

/** A number n means [n, n]; a pair stays. Both integers >= min. */
function pairOf(value: unknown, name: string, cls: string, min: number): Pair {
  if (isInt(value, min)) return [value, value];
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => isInt(v, min))
  ) {
    return [value[0] as number, value[1] as number];
  }
  throw new ValueError(
    `${cls}: expected ${name} to be an integer >= ${min} or a pair of them, ` +
      `got ${name}=${show(value)}`,
  );
}

/** n, [h, w] (symmetric) or [[top, bottom], [left, right]]. */
function pairsOf2D(value: unknown, name: string, cls: string): [Pair, Pair] {
  if (isInt(value, 0)) {
    return [
      [value, value],
      [value, value],
    ];
  }
  if (Array.isArray(value) && value.length === 2) {
    if (value.every((v) => isInt(v, 0))) {
      const [h, w] = value as [number, number];
      return [
        [h, h],
        [w, w],
      ];
    }
    if (value.every((v) => Array.isArray(v))) {
      try {
        return [pairOf(value[0], name, cls, 0), pairOf(value[1], name, cls, 0)];
      } catch {
        // Reported below with the whole value.
      }
    }
  }
  throw new ValueError(
    `${cls}: expected ${name} to be an integer >= 0, a pair of them, or ` +
      `a pair of pairs, got ${name}=${show(value)}`,
  );
}

function checkRank(
  layer: Layer,
  shape: SymbolicShape,
  rank: number,
  what: string,
): void {
  if (shape.length !== rank) {
    throw new ShapeError(
      `${layer.toString()}: expected an input of rank ${rank} (${what}), ` +
        `got shape ${show(shape)}`,
    );
  }
}

/** The spatial axes of a rank-4 image tensor. */
function spatialAxes(format: DataFormat): [number, number] {
  return format === "channelsLast" ? [1, 2] : [2, 3];
}

function product(dims: readonly (number | null)[]): number | null {
  let n = 1;
  for (const d of dims) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

// ---------------------------------------------------------------- Flatten

/** Options of Flatten. */
export interface FlattenArgs extends LayerArgs {
  /**
   * Where the channels are; "channelsFirst" inputs are moved to channels
   * last before flattening, so that the order matches. Default
   * "channelsLast".
   */
  dataFormat?: DataFormat;
}

/**
 * Flattens each sample to one axis: [batch, d1, ..., dk] → [batch, d1 ·
 * ... · dk]. A rank-1 input [batch] becomes [batch, 1], as in Keras.
 * With dataFormat "channelsFirst", the channel axis is moved last first.
 * TensorFlow.js requires inputs of rank 3 or more; tensorgrad follows
 * Keras 3 and accepts ranks 1 and 2.
 *
 * Input shape: [batch, ...]. Output shape: [batch, product of the rest].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Flatten();
 * console.log(layer.apply(tg.zeros([2, 3, 4])).shape); // [ 2, 12 ]
 * ```
 */
export class Flatten extends Layer {
  readonly dataFormat: DataFormat;

  constructor(args: FlattenArgs = {}) {
    checkArgs(args, "Flatten");
    const dataFormat = dataFormatOf(args.dataFormat, "Flatten");
    super(args);
    this.dataFormat = dataFormat;
  }

  override call(x: Tensor): Tensor {
    this.#check(x.shape);
    let y = x;
    if (this.dataFormat === "channelsFirst" && x.rank > 2) {
      const rest = x.shape.slice(2).map((_, i) => i + 2);
      y = transpose(x, [0, ...rest, 1]);
    }
    return reshapeOp(y, [x.shape[0]!, product(x.shape.slice(1))!]);
  }

  #check(shape: SymbolicShape): void {
    if (shape.length < 1) {
      throw new ShapeError(
        `${this.toString()}: expected an input of rank >= 1 (a batch ` +
          `dimension), got shape ${show(shape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.#check(inputShape);
    return [inputShape[0]!, product(inputShape.slice(1))];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}

/**
 * Creates a {@link Flatten} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.flatten().apply([[[1, 2], [3, 4]]]).toArray());
 * // [ [ 1, 2, 3, 4 ] ]
 * ```
 */
export function flatten(args: FlattenArgs = {}): Flatten {
  return new Flatten(args);
}

// ---------------------------------------------------------------- Reshape

/** Options of Reshape. */
export interface ReshapeArgs extends LayerArgs {
  /**
   * The shape of each sample, without the batch dimension; one entry may
   * be -1, inferred from the sample's size.
   */
  targetShape: readonly number[];
}

/**
 * Reshapes each sample to `targetShape`, keeping the batch dimension:
 * [batch, ...] → [batch, ...targetShape]. The sample's size must match.
 *
 * Input shape: [batch, ...]. Output shape: [batch, ...targetShape].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Reshape({ targetShape: [-1, 2] });
 * console.log(layer.apply([[1, 2, 3, 4]]).toArray()); // [ [ [ 1, 2 ], [ 3, 4 ] ] ]
 * ```
 */
export class Reshape extends Layer {
  readonly targetShape: readonly number[];

  constructor(args: ReshapeArgs) {
    checkArgs(args, "Reshape");
    const t: unknown = args.targetShape;
    const ok =
      Array.isArray(t) &&
      t.every((d) => isInt(d, 1) || d === -1) &&
      t.filter((d) => d === -1).length <= 1;
    if (!ok) {
      throw new ValueError(
        "Reshape: expected targetShape to be a list of integers >= 1 with " +
          `at most one -1, got targetShape=${show(t)}`,
      );
    }
    super(args);
    this.targetShape = [...args.targetShape];
  }

  /** The sample shape for a sample of `size` values (null: unknown). */
  #resolve(inputShape: SymbolicShape): (number | null)[] {
    if (inputShape.length < 1) {
      throw new ShapeError(
        `${this.toString()}: expected an input of rank >= 1 (a batch ` +
          `dimension), got shape ${show(inputShape)}`,
      );
    }
    const size = product(inputShape.slice(1));
    const known = this.targetShape.reduce((n, d) => (d === -1 ? n : n * d), 1);
    const hasUnknown = this.targetShape.includes(-1);
    if (size === null) {
      return this.targetShape.map((d) => (d === -1 ? null : d));
    }
    const fits = hasUnknown ? size % known === 0 : size === known;
    if (!fits) {
      throw new ShapeError(
        `${this.toString()}: cannot reshape samples of shape ` +
          `${show(inputShape.slice(1))} (${size} values) to targetShape ` +
          show(this.targetShape),
      );
    }
    return this.targetShape.map((d) => (d === -1 ? size / known : d));
  }

  override call(x: Tensor): Tensor {
    const sample = this.#resolve(x.shape) as number[];
    return reshapeOp(x, [x.shape[0]!, ...sample]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [inputShape[0] ?? null, ...this.#resolve(inputShape)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}

/**
 * Creates a {@link Reshape} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.reshape({ targetShape: [3, 2] });
 * console.log(layer.apply(tg.zeros([4, 6])).shape); // [ 4, 3, 2 ]
 * ```
 */
export function reshape(args: ReshapeArgs): Reshape {
  return new Reshape(args);
}

// ---------------------------------------------------------------- Permute

/** Options of Permute. */
export interface PermuteArgs extends LayerArgs {
  /**
   * The new order of the sample's axes, numbered from 1 as in Keras (the
   * batch axis 0 stays first): [2, 1] swaps the two axes of each sample.
   */
  dims: readonly number[];
}

/**
 * Permutes the axes of each sample: output axis i + 1 is input axis
 * `dims[i]`; the batch axis stays first.
 *
 * Input shape: [batch, d1, ..., dk]. Output shape: [batch, d_dims[0],
 * ..., d_dims[k-1]].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Permute({ dims: [2, 1] });
 * console.log(layer.apply(tg.zeros([5, 3, 4])).shape); // [ 5, 4, 3 ]
 * ```
 */
export class Permute extends Layer {
  readonly dims: readonly number[];

  constructor(args: PermuteArgs) {
    checkArgs(args, "Permute");
    const d: unknown = args.dims;
    const ok =
      Array.isArray(d) &&
      d.length > 0 &&
      [...(d as unknown[])]
        .sort((a, b) => (a as number) - (b as number))
        .every((v, i) => v === i + 1);
    if (!ok) {
      throw new ValueError(
        "Permute: expected dims to be a permutation of 1, ..., k (the " +
          `sample's axes, numbered from 1), got dims=${show(d)}`,
      );
    }
    super(args);
    this.dims = [...args.dims];
  }

  override call(x: Tensor): Tensor {
    this.#check(x.shape);
    return transpose(x, [0, ...this.dims]);
  }

  #check(shape: SymbolicShape): void {
    checkRank(this, shape, this.dims.length + 1, "batch and dims axes");
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.#check(inputShape);
    return [inputShape[0]!, ...this.dims.map((d) => inputShape[d]!)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}

/**
 * Creates a {@link Permute} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.permute({ dims: [2, 1] });
 * console.log(layer.apply([[[1, 2], [3, 4]]]).toArray()); // [ [ [ 1, 3 ], [ 2, 4 ] ] ]
 * ```
 */
export function permute(args: PermuteArgs): Permute {
  return new Permute(args);
}

// ----------------------------------------------------------- RepeatVector

/** Options of RepeatVector. */
export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat each sample. */
  n: number;
}

/**
 * Repeats each sample vector `n` times: [batch, features] → [batch, n,
 * features].
 *
 * Input shape: [batch, features]. Output shape: [batch, n, features].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.RepeatVector({ n: 2 });
 * console.log(layer.apply([[1, 2]]).toArray()); // [ [ [ 1, 2 ], [ 1, 2 ] ] ]
 * ```
 */
export class RepeatVector extends Layer {
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    checkArgs(args, "RepeatVector");
    if (!isInt(args.n, 1)) {
      throw new ValueError(
        `RepeatVector: expected n to be a positive integer, got n=${show(args.n)}`,
      );
    }
    super(args);
    this.n = args.n;
  }

  override call(x: Tensor): Tensor {
    checkRank(this, x.shape, 2, "batch, features");
    return tile(expandDims(x, 1), [1, this.n, 1]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    checkRank(this, inputShape, 2, "batch, features");
    return [inputShape[0]!, this.n, inputShape[1]!];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}

/**
 * Creates a {@link RepeatVector} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.repeatVector({ n: 3 }).apply(tg.zeros([2, 4])).shape);
 * // [ 2, 3, 4 ]
 * ```
 */
export function repeatVector(args: RepeatVectorArgs): RepeatVector {
  return new RepeatVector(args);
}

// ------------------------------------------------------------- Cropping

/** Crops `before` and `after` from a dimension; null stays null. */
function cropped(
  layer: Layer,
  dim: number | null,
  [before, after]: Pair,
): number | null {
  if (dim === null) return null;
  const left = dim - before - after;
  if (left <= 0) {
    throw new ShapeError(
      `${layer.toString()}: expected cropping ${show([before, after])} to ` +
        `leave at least one step of a dimension of ${dim}, got ${left}`,
    );
  }
  return left;
}

/** Options of Cropping1D. */
export interface Cropping1DArgs extends LayerArgs {
  /**
   * How many steps to remove at the start and end of the sequence: n (both)
   * or [start, end]. Default [1, 1].
   */
  cropping?: number | readonly [number, number];
}

/**
 * Crops a sequence along its steps axis: [batch, steps, features] →
 * [batch, steps - start - end, features].
 *
 * Input shape: [batch, steps, features]. Output shape: [batch, steps -
 * cropping[0] - cropping[1], features].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Cropping1D({ cropping: [1, 0] });
 * console.log(layer.apply([[[1], [2], [3]]]).toArray()); // [ [ [ 2 ], [ 3 ] ] ]
 * ```
 */
export class Cropping1D extends Layer {
  readonly cropping: readonly [number, number];

  constructor(args: Cropping1DArgs = {}) {
    checkArgs(args, "Cropping1D");
    const cropping = pairOf(args.cropping ?? 1, "cropping", "Cropping1D", 0);
    super(args);
    this.cropping = cropping;
  }

  override call(x: Tensor): Tensor {
    const [b, s, f] = this.computeOutputShape(x.shape) as number[];
    return slice(x, [0, this.cropping[0], 0], [b!, s!, f!]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    checkRank(this, inputShape, 3, "batch, steps, features");
    const [b, s, f] = inputShape;
    return [b!, cropped(this, s!, [...this.cropping]), f!];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: [...this.cropping] };
  }
}

/**
 * Creates a {@link Cropping1D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.cropping1D().apply(tg.zeros([2, 5, 3])).shape);
 * // [ 2, 3, 3 ]
 * ```
 */
export function cropping1D(args: Cropping1DArgs = {}): Cropping1D {
  return new Cropping1D(args);
}

/** Options of Cropping2D. */
export interface Cropping2DArgs extends LayerArgs {
  /**
   * What to remove from the image's edges: n (all four), [h, w] (top and
   * bottom h, left and right w) or [[top, bottom], [left, right]].
   * Default [[0, 0], [0, 0]].
   */
  cropping?:
    | number
    | readonly [number, number]
    | readonly [readonly [number, number], readonly [number, number]];
  /** Where the channels are. Default "channelsLast". */
  dataFormat?: DataFormat;
}

/**
 * Crops an image along its height and width.
 *
 * Input shape: [batch, rows, cols, channels] ("channelsLast") or [batch,
 * channels, rows, cols]. Output shape: the same with rows - top - bottom
 * and cols - left - right.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Cropping2D({ cropping: [[1, 0], [0, 1]] });
 * console.log(layer.apply(tg.zeros([1, 4, 4, 2])).shape); // [ 1, 3, 3, 2 ]
 * ```
 */
export class Cropping2D extends Layer {
  readonly cropping: readonly [Pair, Pair];
  readonly dataFormat: DataFormat;

  constructor(args: Cropping2DArgs = {}) {
    checkArgs(args, "Cropping2D");
    const cropping = pairsOf2D(args.cropping ?? 0, "cropping", "Cropping2D");
    const dataFormat = dataFormatOf(args.dataFormat, "Cropping2D");
    super(args);
    this.cropping = cropping;
    this.dataFormat = dataFormat;
  }

  override call(x: Tensor): Tensor {
    const size = this.computeOutputShape(x.shape) as number[];
    const begin = [0, 0, 0, 0];
    const [h, w] = spatialAxes(this.dataFormat);
    begin[h] = this.cropping[0][0];
    begin[w] = this.cropping[1][0];
    return slice(x, begin, size);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    checkRank(this, inputShape, 4, this.#axesName());
    const out = [...inputShape];
    const [h, w] = spatialAxes(this.dataFormat);
    out[h] = cropped(this, inputShape[h]!, this.cropping[0]);
    out[w] = cropped(this, inputShape[w]!, this.cropping[1]);
    return out;
  }

  #axesName(): string {
    return this.dataFormat === "channelsLast"
      ? "batch, rows, cols, channels"
      : "batch, channels, rows, cols";
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      cropping: this.cropping.map((p) => [...p]),
      dataFormat: this.dataFormat,
    };
  }
}

/**
 * Creates a {@link Cropping2D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.cropping2D({ cropping: 1 });
 * console.log(layer.apply(tg.zeros([1, 4, 5, 3])).shape); // [ 1, 2, 3, 3 ]
 * ```
 */
export function cropping2D(args: Cropping2DArgs = {}): Cropping2D {
  return new Cropping2D(args);
}

// ------------------------------------------------------------ ZeroPadding

function padded(dim: number | null, [before, after]: Pair): number | null {
  return dim === null ? null : dim + before + after;
}

/** Options of ZeroPadding1D. */
export interface ZeroPadding1DArgs extends LayerArgs {
  /** Zeros to add at the start and end: n (both) or [start, end]. Default 1. */
  padding?: number | readonly [number, number];
}

/**
 * Pads a sequence with zeros along its steps axis.
 *
 * Input shape: [batch, steps, features]. Output shape: [batch, steps +
 * padding[0] + padding[1], features].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.ZeroPadding1D({ padding: [1, 0] });
 * console.log(layer.apply([[[1], [2]]]).toArray()); // [ [ [ 0 ], [ 1 ], [ 2 ] ] ]
 * ```
 */
export class ZeroPadding1D extends Layer {
  readonly padding: readonly [number, number];

  constructor(args: ZeroPadding1DArgs = {}) {
    checkArgs(args, "ZeroPadding1D");
    const padding = pairOf(args.padding ?? 1, "padding", "ZeroPadding1D", 0);
    super(args);
    this.padding = padding;
  }

  override call(x: Tensor): Tensor {
    checkRank(this, x.shape, 3, "batch, steps, features");
    return pad(x, [[0, 0], [...this.padding], [0, 0]]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    checkRank(this, inputShape, 3, "batch, steps, features");
    const [b, s, f] = inputShape;
    return [b!, padded(s!, [...this.padding]), f!];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: [...this.padding] };
  }
}

/**
 * Creates a {@link ZeroPadding1D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.zeroPadding1D().apply(tg.zeros([2, 3, 4])).shape);
 * // [ 2, 5, 4 ]
 * ```
 */
export function zeroPadding1D(args: ZeroPadding1DArgs = {}): ZeroPadding1D {
  return new ZeroPadding1D(args);
}

/** Options of ZeroPadding2D. */
export interface ZeroPadding2DArgs extends LayerArgs {
  /**
   * Zeros to add at the image's edges: n (all four), [h, w] (top and bottom
   * h, left and right w) or [[top, bottom], [left, right]]. Default [1, 1].
   */
  padding?:
    | number
    | readonly [number, number]
    | readonly [readonly [number, number], readonly [number, number]];
  /** Where the channels are. Default "channelsLast". */
  dataFormat?: DataFormat;
}

/**
 * Pads an image with zeros along its height and width.
 *
 * Input shape: [batch, rows, cols, channels] ("channelsLast") or [batch,
 * channels, rows, cols]. Output shape: the same with rows + top + bottom
 * and cols + left + right.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.ZeroPadding2D({ padding: [[1, 0], [0, 0]] });
 * const y = layer.apply([[[[1], [2]]]]); // one 1×2 image, one channel
 * console.log(y.shape, y.reshape([2, 2]).toArray());
 * // [ 1, 2, 2, 1 ] [ [ 0, 0 ], [ 1, 2 ] ]
 * ```
 */
export class ZeroPadding2D extends Layer {
  readonly padding: readonly [Pair, Pair];
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding2DArgs = {}) {
    checkArgs(args, "ZeroPadding2D");
    const padding = pairsOf2D(args.padding ?? 1, "padding", "ZeroPadding2D");
    const dataFormat = dataFormatOf(args.dataFormat, "ZeroPadding2D");
    super(args);
    this.padding = padding;
    this.dataFormat = dataFormat;
  }

  override call(x: Tensor): Tensor {
    checkRank(this, x.shape, 4, "an image batch");
    const pads: Pair[] = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    const [h, w] = spatialAxes(this.dataFormat);
    pads[h] = [...this.padding[0]];
    pads[w] = [...this.padding[1]];
    return pad(x, pads);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    checkRank(this, inputShape, 4, "an image batch");
    const out = [...inputShape];
    const [h, w] = spatialAxes(this.dataFormat);
    out[h] = padded(inputShape[h]!, this.padding[0]);
    out[w] = padded(inputShape[w]!, this.padding[1]);
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      padding: this.padding.map((p) => [...p]),
      dataFormat: this.dataFormat,
    };
  }
}

/**
 * Creates a {@link ZeroPadding2D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.zeroPadding2D().apply(tg.zeros([1, 2, 3, 4])).shape);
 * // [ 1, 4, 5, 4 ]
 * ```
 */
export function zeroPadding2D(args: ZeroPadding2DArgs = {}): ZeroPadding2D {
  return new ZeroPadding2D(args);
}

// ------------------------------------------------------------- UpSampling

function scaled(dim: number | null, factor: number): number | null {
  return dim === null ? null : dim * factor;
}

/**
 * Repeats every element of `x` along `axes[i]` `factors[i]` times, as
 * nearest-neighbour upsampling does: a unit axis is inserted after each
 * upsampled axis, tiled, then merged into it.
 */
function repeatElements(
  x: Tensor,
  axes: readonly number[],
  factors: readonly number[],
): Tensor {
  const split: number[] = [];
  const reps: number[] = [];
  const out: number[] = [];
  x.shape.forEach((d, i) => {
    const k = axes.indexOf(i);
    split.push(d);
    reps.push(1);
    out.push(k < 0 ? d : d * factors[k]!);
    if (k >= 0) {
      split.push(1);
      reps.push(factors[k]!);
    }
  });
  return reshapeOp(tile(reshapeOp(x, split), reps), out);
}

/** Options of UpSampling1D. */
export interface UpSampling1DArgs extends LayerArgs {
  /** How many times to repeat each step. Default 2. */
  size?: number;
}

/**
 * Upsamples a sequence by repeating each step `size` times: steps [a, b]
 * become [a, a, b, b] for size 2.
 *
 * Input shape: [batch, steps, features]. Output shape: [batch, steps ·
 * size, features].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.UpSampling1D({ size: 2 });
 * console.log(layer.apply([[[1], [2]]]).toArray()); // [ [ [ 1 ], [ 1 ], [ 2 ], [ 2 ] ] ]
 * ```
 */
export class UpSampling1D extends Layer {
  readonly size: number;

  constructor(args: UpSampling1DArgs = {}) {
    checkArgs(args, "UpSampling1D");
    const size = args.size ?? 2;
    if (!isInt(size, 1)) {
      throw new ValueError(
        `UpSampling1D: expected size to be a positive integer, got size=${show(size)}`,
      );
    }
    super(args);
    this.size = size;
  }

  override call(x: Tensor): Tensor {
    checkRank(this, x.shape, 3, "batch, steps, features");
    return repeatElements(x, [1], [this.size]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    checkRank(this, inputShape, 3, "batch, steps, features");
    const [b, s, f] = inputShape;
    return [b!, scaled(s!, this.size), f!];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size };
  }
}

/**
 * Creates an {@link UpSampling1D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.upSampling1D().apply(tg.zeros([2, 3, 4])).shape);
 * // [ 2, 6, 4 ]
 * ```
 */
export function upSampling1D(args: UpSampling1DArgs = {}): UpSampling1D {
  return new UpSampling1D(args);
}

/** Keras 3's other interpolations, which tensorgrad does not have yet. */
const UNSUPPORTED_INTERPOLATIONS = ["bicubic", "lanczos3", "lanczos5", "area"];

/**
 * Linear interpolation along `axis` to `factor` times its length, with
 * half-pixel centres (TensorFlow's resize_bilinear with
 * half_pixel_centers, as Keras 3's image.resize without antialiasing):
 * output i samples input position (i + 0.5) / factor − 0.5, between the
 * two nearest inputs (clamped to the edges). Two gathers and a weighted
 * sum, so gradients flow through the ops.
 */
function linearResize(x: Tensor, axis: number, factor: number): Tensor {
  const n = x.shape[axis]!;
  if (factor === 1 || n === 0) return x;
  const m = n * factor;
  const lo: number[] = [];
  const hi: number[] = [];
  const frac: number[] = [];
  for (let i = 0; i < m; i++) {
    const src = (i + 0.5) / factor - 0.5;
    const f = Math.floor(src);
    lo.push(Math.max(f, 0));
    hi.push(Math.min(Math.ceil(src), n - 1));
    frac.push(src - f);
  }
  const shape = new Array<number>(x.rank).fill(1);
  shape[axis] = m;
  const w1 = tensor(frac, shape, x.dtype);
  const w0 = tensor(
    frac.map((f) => 1 - f),
    shape,
    x.dtype,
  );
  const a = gather(x, tensor(lo, [m], "int32"), axis);
  const b = gather(x, tensor(hi, [m], "int32"), axis);
  return add(mul(a, w0), mul(b, w1));
}

/** Options of UpSampling2D. */
export interface UpSampling2DArgs extends LayerArgs {
  /** The factors for rows and columns: n (both) or [rows, cols]. Default [2, 2]. */
  size?: number | readonly [number, number];
  /** Where the channels are. Default "channelsLast". */
  dataFormat?: DataFormat;
  /**
   * How new pixels are computed: "nearest" (the default, repeating each
   * pixel) or "bilinear" (half-pixel centres, as Keras 3). Keras's
   * "bicubic", "lanczos3", "lanczos5" and "area" throw a
   * NotImplementedError.
   */
  interpolation?: "nearest" | "bilinear";
}

/**
 * Upsamples an image `size[0]` times in rows and `size[1]` times in
 * columns. "nearest" (the default) repeats each pixel; "bilinear"
 * interpolates linearly in both directions with half-pixel centres:
 * output row i samples input row (i + 0.5) / size[0] − 0.5, clamped to
 * the edges, as Keras 3 does (image.resize without antialiasing; TF.js's
 * `tf.image.resizeBilinear` with halfPixelCenters). TensorFlow.js's
 * upSampling2d layer leaves halfPixelCenters off and gives other values
 * for "bilinear"; this follows Keras. Keras's "bicubic",
 * "lanczos3", "lanczos5" and "area" are not implemented
 * (NotImplementedError).
 *
 * Input shape: [batch, rows, cols, channels] ("channelsLast") or [batch,
 * channels, rows, cols]. Output shape: the same with rows · size[0] and
 * cols · size[1].
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.UpSampling2D({ size: [2, 2] });
 * const y = layer.apply([[[[1], [2]]]]); // one 1×2 image, one channel
 * console.log(y.shape, y.reshape([2, 4]).toArray());
 * // [ 1, 2, 4, 1 ] [ [ 1, 1, 2, 2 ], [ 1, 1, 2, 2 ] ]
 * const smooth = new tg.layers.UpSampling2D({ size: [1, 2], interpolation: "bilinear" });
 * console.log(smooth.apply([[[[1], [2]]]]).reshape([4]).toArray()); // [ 1, 1.25, 1.75, 2 ]
 * ```
 */
export class UpSampling2D extends Layer {
  readonly size: readonly [number, number];
  readonly dataFormat: DataFormat;
  readonly interpolation: "nearest" | "bilinear";

  constructor(args: UpSampling2DArgs = {}) {
    checkArgs(args, "UpSampling2D");
    const size = pairOf(args.size ?? 2, "size", "UpSampling2D", 1);
    const dataFormat = dataFormatOf(args.dataFormat, "UpSampling2D");
    const interpolation: unknown = args.interpolation ?? "nearest";
    if (
      typeof interpolation === "string" &&
      UNSUPPORTED_INTERPOLATIONS.includes(interpolation)
    ) {
      throw new NotImplementedError(
        `UpSampling2D: interpolation ${show(interpolation)} is not ` +
          'implemented; only "nearest" and "bilinear" are (Keras\'s ' +
          '"bicubic", "lanczos3", "lanczos5" and "area" are not)',
      );
    }
    if (interpolation !== "nearest" && interpolation !== "bilinear") {
      throw new ValueError(
        'UpSampling2D: expected interpolation "nearest" or "bilinear", got ' +
          `interpolation=${show(interpolation)}`,
      );
    }
    super(args);
    this.size = size;
    this.dataFormat = dataFormat;
    this.interpolation = interpolation;
  }

  override call(x: Tensor): Tensor {
    checkRank(this, x.shape, 4, "an image batch");
    const axes = spatialAxes(this.dataFormat);
    if (this.interpolation === "nearest") {
      return repeatElements(x, axes, this.size);
    }
    const y = isFloat(x.dtype) ? x : cast(x, "float32");
    return linearResize(
      linearResize(y, axes[0], this.size[0]),
      axes[1],
      this.size[1],
    );
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    checkRank(this, inputShape, 4, "an image batch");
    const out = [...inputShape];
    const [h, w] = spatialAxes(this.dataFormat);
    out[h] = scaled(inputShape[h]!, this.size[0]);
    out[w] = scaled(inputShape[w]!, this.size[1]);
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      size: [...this.size],
      dataFormat: this.dataFormat,
      interpolation: this.interpolation,
    };
  }
}

/**
 * Creates an {@link UpSampling2D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.upSampling2D().apply(tg.zeros([1, 2, 3, 4])).shape);
 * // [ 1, 4, 6, 4 ]
 * ```
 */
export function upSampling2D(args: UpSampling2DArgs = {}): UpSampling2D {
  return new UpSampling2D(args);
}
