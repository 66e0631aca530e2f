// SPDX-License-Identifier: Apache-2.0
/**
 * Pooling layers: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D and the
 * global ones, GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D.
 * None has weights. Window pooling runs the pooling ops of
 * src/ops/pooling.ts (channels last; "channelsFirst" inputs are moved
 * there and back); global pooling is a max or mean over the spatial axes.
 */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import {
  avgPool1d,
  avgPool2d,
  avgPool3d,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  type PoolPadding,
} from "../../ops/pooling.js";
import { div, mul } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { max, mean, sum } from "../../ops/reduction.js";
import { expandDims, transpose } from "../../ops/shape.js";
import {
  Layer,
  type CallOptions,
  type LayerArgs,
  type Mask,
  type SymbolicShape,
} from "./layer.js";
import type { DataFormat } from "./reshaping.js";

function checkArgs(args: unknown, cls: string): void {
  if (args === null || typeof args !== "object") {
    throw new ValueError(
      `${cls}: expected an options object, got ${show(args)}`,
    );
  }
}

function dataFormatOf(value: unknown, cls: string): DataFormat {
  if (value === undefined) return "channelsLast";
  if (value === "channelsLast" || value === "channelsFirst") return value;
  throw new ValueError(
    `${cls}: expected dataFormat "channelsLast" or "channelsFirst", got ` +
      `dataFormat=${show(value)}`,
  );
}

/** A number n means n on every spatial axis; a list gives one per axis. */
function sizesOf(
  value: unknown,
  name: string,
  cls: string,
  d: number,
): number[] {
  const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (ok(value)) return new Array<number>(d).fill(value as number);
  if (Array.isArray(value) && value.length === d && value.every(ok)) {
    return [...(value as number[])];
  }
  throw new ValueError(
    `${cls}: expected ${name} to be an integer >= 1` +
      (d > 1 ? ` or a list of ${d} of them` : "") +
      `, got ${name}=${show(value)}`,
  );
}

function checkRank(layer: Layer, shape: SymbolicShape, d: number): void {
  if (shape.length !== d + 2) {
    throw new ShapeError(
      `${layer.toString()}: expected an input of rank ${d + 2} (batch, ` +
        `${d} spatial and a channel axis), got shape ${show(shape)}`,
    );
  }
}

/** The spatial axes of a rank d + 2 input. */
function spatialAxes(d: number, format: DataFormat): number[] {
  const first = format === "channelsLast" ? 1 : 2;
  return Array.from({ length: d }, (_, i) => first + i);
}

// ---------------------------------------------------------- window pooling

/** Options of the window pooling layers (MaxPooling2D, ...). */
export interface PoolingArgs extends LayerArgs {
  /**
   * The window size: an integer (every spatial axis) or one per axis.
   * Default 2.
   */
  poolSize?: number | readonly number[];
  /** The step between windows, like poolSize. Default: poolSize. */
  strides?: number | readonly number[] | null;
  /**
   * "valid" (windows inside the input) or "same" (padded so the output
   * has ceil(n / stride) positions; padding is ignored by max and not
   * counted by average). Default "valid".
   */
  padding?: PoolPadding;
  /** Where the channels are. Default "channelsLast". */
  dataFormat?: DataFormat;
}

type PoolOp = (
  x: Tensor,
  poolSize: readonly number[],
  strides: readonly number[],
  padding: PoolPadding,
) => Tensor;

/** Shared by the six window pooling layers. */
abstract class Pooling extends Layer {
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: PoolPadding;
  readonly dataFormat: DataFormat;
  readonly #d: number;
  readonly #op: PoolOp;

  constructor(args: PoolingArgs, d: number, op: PoolOp, cls: string) {
    checkArgs(args, cls);
    const poolSize = sizesOf(args.poolSize ?? 2, "poolSize", cls, d);
    const strides =
      args.strides === undefined || args.strides === null
        ? poolSize
        : sizesOf(args.strides, "strides", cls, d);
    const padding: unknown = args.padding ?? "valid";
    if (padding !== "valid" && padding !== "same") {
      throw new ValueError(
        `${cls}: expected padding "valid" or "same", got ` +
          `padding=${show(padding)}`,
      );
    }
    const dataFormat = dataFormatOf(args.dataFormat, cls);
    super(args);
    this.poolSize = poolSize;
    this.strides = strides;
    this.padding = padding;
    this.dataFormat = dataFormat;
    this.#d = d;
    this.#op = op;
  }

  override call(x: Tensor): Tensor {
    this.computeOutputShape(x.shape);
    if (this.dataFormat === "channelsLast") {
      return this.#op(x, this.poolSize, this.strides, this.padding);
    }
    const d = this.#d;
    const last = [0, ...spatialAxes(d, "channelsLast").map((a) => a + 1), 1];
    const back = [0, d + 1, ...spatialAxes(d, "channelsLast")];
    const y = this.#op(
      transpose(x, last),
      this.poolSize,
      this.strides,
      this.padding,
    );
    return transpose(y, back);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    checkRank(this, inputShape, this.#d);
    const out = [...inputShape];
    spatialAxes(this.#d, this.dataFormat).forEach((a, i) => {
      const n = inputShape[a]!;
      if (n === null) return;
      const k = this.poolSize[i]!;
      const s = this.strides[i]!;
      if (this.padding === "same") {
        out[a] = Math.ceil(n / s);
      } else if (k > n) {
        throw new ShapeError(
          `${this.toString()}: expected each spatial dimension >= ` +
            `poolSize ${show(this.poolSize)} with padding "valid", got ` +
            `input shape ${show(inputShape)}`,
        );
      } else {
        out[a] = Math.floor((n - k) / s) + 1;
      }
    });
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      poolSize: [...this.poolSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
    };
  }
}

/**
 * Max pooling over windows of a sequence batch [batch, steps, channels]:
 * y = max over each window of poolSize steps, every `strides` steps.
 * Options: poolSize (default 2), strides (default poolSize), padding
 * ("valid"), dataFormat ("channelsLast").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.maxPooling1D({ poolSize: 2 });
 * console.log(layer.apply(tg.tensor([[[1], [3], [2], [5]]])).toArray());
 * // [ [ [ 3 ], [ 5 ] ] ]
 * ```
 */
export class MaxPooling1D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(args, 1, maxPool1d, "MaxPooling1D");
  }
}

/**
 * Max pooling over 2-D windows of an image batch: y = the largest value
 * of each poolSize window, every `strides`. Options: poolSize (default
 * [2, 2]), strides (default poolSize), padding ("valid"), dataFormat
 * ("channelsLast").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.maxPooling2D();
 * console.log(layer.apply(tg.zeros([1, 4, 6, 3])).shape); // [ 1, 2, 3, 3 ]
 * ```
 */
export class MaxPooling2D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(args, 2, maxPool2d, "MaxPooling2D");
  }
}

/**
 * Max pooling over 3-D windows of a volume batch: y = the largest value
 * of each poolSize window. Options: poolSize (default [2, 2, 2]), strides
 * (default poolSize), padding ("valid"), dataFormat ("channelsLast").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.maxPooling3D({ padding: "same" });
 * console.log(layer.apply(tg.zeros([1, 3, 4, 5, 2])).shape);
 * // [ 1, 2, 2, 3, 2 ]
 * ```
 */
export class MaxPooling3D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(args, 3, maxPool3d, "MaxPooling3D");
  }
}

/**
 * Average pooling over windows of a sequence batch: y = sum(window) /
 * count, count = the window's real (non-padded) elements, as Keras does
 * with "same" padding. Options: poolSize (default 2), strides (default
 * poolSize), padding ("valid"), dataFormat ("channelsLast").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.averagePooling1D({ padding: "same" });
 * console.log(layer.apply(tg.tensor([[[1], [3], [2]]])).toArray());
 * // [ [ [ 2 ], [ 2 ] ] ]
 * ```
 */
export class AveragePooling1D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(args, 1, avgPool1d, "AveragePooling1D");
  }
}

/**
 * Average pooling over 2-D windows of an image batch: y = sum(window) /
 * count, count = the window's real (non-padded) elements. Options:
 * poolSize (default [2, 2]), strides (default poolSize), padding
 * ("valid"), dataFormat ("channelsLast").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.reshape([1, 2, 3, 4], [1, 2, 2, 1]);
 * console.log(tg.layers.averagePooling2D().apply(x).reshape([-1]).toArray());
 * // [ 2.5 ]
 * ```
 */
export class AveragePooling2D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(args, 2, avgPool2d, "AveragePooling2D");
  }
}

/**
 * Average pooling over 3-D windows of a volume batch: y = sum(window) /
 * count, count = the window's real (non-padded) elements. Options:
 * poolSize (default [2, 2, 2]), strides (default poolSize), padding
 * ("valid"), dataFormat ("channelsLast").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.averagePooling3D({ dataFormat: "channelsFirst" });
 * console.log(layer.apply(tg.zeros([1, 3, 4, 4, 5])).shape);
 * // [ 1, 3, 2, 2, 2 ]
 * ```
 */
export class AveragePooling3D extends Pooling {
  constructor(args: PoolingArgs = {}) {
    super(args, 3, avgPool3d, "AveragePooling3D");
  }
}

/**
 * Creates a {@link MaxPooling1D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.maxPooling1D().apply(tg.zeros([2, 5, 3])).shape);
 * // [ 2, 2, 3 ]
 * ```
 */
export function maxPooling1D(args: PoolingArgs = {}): MaxPooling1D {
  return new MaxPooling1D(args);
}

/**
 * Creates a {@link MaxPooling2D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.maxPooling2D({ poolSize: 3, strides: 1 });
 * console.log(layer.apply(tg.zeros([1, 4, 5, 2])).shape); // [ 1, 2, 3, 2 ]
 * ```
 */
export function maxPooling2D(args: PoolingArgs = {}): MaxPooling2D {
  return new MaxPooling2D(args);
}

/**
 * Creates a {@link MaxPooling3D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.maxPooling3D().apply(tg.zeros([1, 2, 4, 6, 1])).shape);
 * // [ 1, 1, 2, 3, 1 ]
 * ```
 */
export function maxPooling3D(args: PoolingArgs = {}): MaxPooling3D {
  return new MaxPooling3D(args);
}

/**
 * Creates an {@link AveragePooling1D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.averagePooling1D({ poolSize: 3, strides: 1 });
 * console.log(layer.apply(tg.zeros([2, 5, 3])).shape); // [ 2, 3, 3 ]
 * ```
 */
export function averagePooling1D(args: PoolingArgs = {}): AveragePooling1D {
  return new AveragePooling1D(args);
}

/**
 * Creates an {@link AveragePooling2D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.averagePooling2D({ padding: "same" });
 * console.log(layer.apply(tg.zeros([1, 5, 5, 2])).shape); // [ 1, 3, 3, 2 ]
 * ```
 */
export function averagePooling2D(args: PoolingArgs = {}): AveragePooling2D {
  return new AveragePooling2D(args);
}

/**
 * Creates an {@link AveragePooling3D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.averagePooling3D();
 * console.log(layer.apply(tg.zeros([1, 2, 2, 4, 3])).shape); // [ 1, 1, 1, 2, 3 ]
 * ```
 */
export function averagePooling3D(args: PoolingArgs = {}): AveragePooling3D {
  return new AveragePooling3D(args);
}

// ---------------------------------------------------------- global pooling

/** Options of the global pooling layers. */
export interface GlobalPoolingArgs extends LayerArgs {
  /** Where the channels are. Default "channelsLast". */
  dataFormat?: DataFormat;
  /** Keep the spatial axes, with size 1. Default false. */
  keepdims?: boolean;
}

/** Shared by the six global pooling layers. */
abstract class GlobalPooling extends Layer {
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;
  readonly #d: number;
  readonly #reduce: typeof max;

  constructor(
    args: GlobalPoolingArgs,
    d: number,
    reduce: typeof max,
    cls: string,
  ) {
    checkArgs(args, cls);
    const dataFormat = dataFormatOf(args.dataFormat, cls);
    const keepdims: unknown = args.keepdims ?? false;
    if (typeof keepdims !== "boolean") {
      throw new ValueError(
        `${cls}: expected keepdims to be a boolean, got ` +
          `keepdims=${show(keepdims)}`,
      );
    }
    super(args);
    this.dataFormat = dataFormat;
    this.keepdims = keepdims;
    this.#d = d;
    this.#reduce = reduce;
  }

  override call(x: Tensor): Tensor {
    checkRank(this, x.shape, this.#d);
    const axes = spatialAxes(this.#d, this.dataFormat);
    return this.#reduce(x, axes, this.keepdims);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    checkRank(this, inputShape, this.#d);
    const axes = spatialAxes(this.#d, this.dataFormat);
    if (this.keepdims) {
      return inputShape.map((n, i) => (axes.includes(i) ? 1 : n));
    }
    return inputShape.filter((_, i) => !axes.includes(i));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      dataFormat: this.dataFormat,
      keepdims: this.keepdims,
    };
  }
}

/**
 * The largest value over the steps of a sequence batch, per channel:
 * [batch, steps, channels] → [batch, channels]. Options: dataFormat
 * ("channelsLast"), keepdims (false).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([[[1, 6], [4, 2]]]);
 * console.log(tg.layers.globalMaxPooling1D().apply(x).toArray()); // [ [ 4, 6 ] ]
 * ```
 */
export class GlobalMaxPooling1D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 1, max, "GlobalMaxPooling1D");
  }
}

/**
 * The largest value over the height and width of an image batch, per
 * channel. Options: dataFormat ("channelsLast"), keepdims (false).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.globalMaxPooling2D({ keepdims: true });
 * console.log(layer.apply(tg.zeros([2, 4, 5, 3])).shape); // [ 2, 1, 1, 3 ]
 * ```
 */
export class GlobalMaxPooling2D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 2, max, "GlobalMaxPooling2D");
  }
}

/**
 * The largest value over the three spatial axes of a volume batch, per
 * channel. Options: dataFormat ("channelsLast"), keepdims (false).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.globalMaxPooling3D();
 * console.log(layer.apply(tg.zeros([2, 3, 4, 5, 6])).shape); // [ 2, 6 ]
 * ```
 */
export class GlobalMaxPooling3D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 3, max, "GlobalMaxPooling3D");
  }
}

/**
 * The mean over the steps of a sequence batch, per channel:
 * [batch, steps, channels] → [batch, channels]. Options: dataFormat
 * ("channelsLast"), keepdims (false).
 *
 * With a mask [batch, steps] (attached by an Embedding with maskZero or by
 * Masking, or given as `apply(x, { mask })`), the mean is over the real
 * steps only, as in Keras: Σ x·m / Σ m (a row with every step masked gives
 * NaN, as Keras's does). The output carries no mask.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([[[1, 6], [4, 2]]]);
 * console.log(tg.layers.globalAveragePooling1D().apply(x).toArray());
 * // [ [ 2.5, 4 ] ]
 * ```
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 1, mean, "GlobalAveragePooling1D");
  }

  override call(x: Tensor, options: CallOptions = {}): Tensor {
    const mask = options.mask ?? null;
    if (mask === null) return super.call(x);
    checkRank(this, x.shape, 1);
    if (
      !(mask instanceof Tensor) ||
      mask.rank !== 2 ||
      mask.shape[0] !== x.shape[0] ||
      mask.shape[1] !== x.shape[this.dataFormat === "channelsLast" ? 1 : 2]
    ) {
      const steps = this.dataFormat === "channelsLast" ? 1 : 2;
      throw new ShapeError(
        `${this.toString()}: expected a mask of shape ` +
          `${show([x.shape[0], x.shape[steps]])}, got ` +
          (mask instanceof Tensor ? `shape ${show(mask.shape)}` : show(mask)),
      );
    }
    const channelsLast = this.dataFormat === "channelsLast";
    const m = expandDims(cast(mask, x.dtype), channelsLast ? 2 : 1);
    const axis = channelsLast ? 1 : 2;
    return div(
      sum(mul(x, m), axis, this.keepdims),
      sum(m, axis, this.keepdims),
    );
  }

  /** No mask: the steps are gone. */
  override computeMask(): Mask {
    return null;
  }
}

/**
 * The mean over the height and width of an image batch, per channel.
 * Options: dataFormat ("channelsLast"), keepdims (false).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.globalAveragePooling2D({ dataFormat: "channelsFirst" });
 * console.log(layer.apply(tg.zeros([2, 3, 4, 5])).shape); // [ 2, 3 ]
 * ```
 */
export class GlobalAveragePooling2D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 2, mean, "GlobalAveragePooling2D");
  }
}

/**
 * The mean over the three spatial axes of a volume batch, per channel.
 * Options: dataFormat ("channelsLast"), keepdims (false).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.globalAveragePooling3D({ keepdims: true });
 * console.log(layer.apply(tg.zeros([2, 3, 4, 5, 6])).shape);
 * // [ 2, 1, 1, 1, 6 ]
 * ```
 */
export class GlobalAveragePooling3D extends GlobalPooling {
  constructor(args: GlobalPoolingArgs = {}) {
    super(args, 3, mean, "GlobalAveragePooling3D");
  }
}

/**
 * Creates a {@link GlobalMaxPooling1D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.globalMaxPooling1D().apply(tg.zeros([2, 5, 3])).shape);
 * // [ 2, 3 ]
 * ```
 */
export function globalMaxPooling1D(
  args: GlobalPoolingArgs = {},
): GlobalMaxPooling1D {
  return new GlobalMaxPooling1D(args);
}

/**
 * Creates a {@link GlobalMaxPooling2D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.globalMaxPooling2D();
 * console.log(layer.apply(tg.zeros([2, 4, 5, 3])).shape); // [ 2, 3 ]
 * ```
 */
export function globalMaxPooling2D(
  args: GlobalPoolingArgs = {},
): GlobalMaxPooling2D {
  return new GlobalMaxPooling2D(args);
}

/**
 * Creates a {@link GlobalMaxPooling3D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.globalMaxPooling3D({ keepdims: true });
 * console.log(layer.apply(tg.zeros([2, 3, 4, 5, 6])).shape);
 * // [ 2, 1, 1, 1, 6 ]
 * ```
 */
export function globalMaxPooling3D(
  args: GlobalPoolingArgs = {},
): GlobalMaxPooling3D {
  return new GlobalMaxPooling3D(args);
}

/**
 * Creates a {@link GlobalAveragePooling1D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.globalAveragePooling1D({ keepdims: true });
 * console.log(layer.apply(tg.zeros([2, 5, 3])).shape); // [ 2, 1, 3 ]
 * ```
 */
export function globalAveragePooling1D(
  args: GlobalPoolingArgs = {},
): GlobalAveragePooling1D {
  return new GlobalAveragePooling1D(args);
}

/**
 * Creates a {@link GlobalAveragePooling2D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.globalAveragePooling2D();
 * console.log(layer.apply(tg.zeros([2, 4, 5, 3])).shape); // [ 2, 3 ]
 * ```
 */
export function globalAveragePooling2D(
  args: GlobalPoolingArgs = {},
): GlobalAveragePooling2D {
  return new GlobalAveragePooling2D(args);
}

/**
 * Creates a {@link GlobalAveragePooling3D} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.globalAveragePooling3D();
 * console.log(layer.apply(tg.zeros([2, 3, 4, 5, 6])).shape); // [ 2, 6 ]
 * ```
 */
export function globalAveragePooling3D(
  args: GlobalPoolingArgs = {},
): GlobalAveragePooling3D {
  return new GlobalAveragePooling3D(args);
}
