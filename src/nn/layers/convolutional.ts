// SPDX-License-Identifier: Apache-2.0
/**
 * Convolution layers: Conv1D, Conv2D, Conv3D, their transposes,
 * DepthwiseConv2D, SeparableConv1D and SeparableConv2D, with Keras's
 * arguments, defaults and weight shapes, on top of the im2col ops of
 * src/ops/conv.ts.
 */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { add, div, mul } from "../../ops/binary.js";
import * as convOps from "../../ops/conv.js";
import type { ConvPadding } from "../../ops/conv.js";
import { reshape, transpose } from "../../ops/shape.js";
import type { Variable } from "../../variables.js";
import * as activations from "../activations.js";
import * as constraints from "../constraints.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import {
  Layer,
  uniqueName,
  type LayerArgs,
  type SymbolicShape,
} from "./layer.js";
import type { DataFormat } from "./reshaping.js";

type ResolvedRegularizer =
  regularizers.Regularizer | regularizers.RegularizerFunction | null;
type ResolvedConstraint =
  constraints.Constraint | constraints.ConstraintFunction | null;

/** Options shared by the convolution layers, Keras's names and defaults. */
export interface BaseConvArgs extends LayerArgs {
  /** The number of output channels (filters). */
  filters: number;
  /** The window size: one number for every spatial axis, or one per axis. */
  kernelSize: number | readonly number[];
  /** The step between windows, one or one per axis. Default 1. */
  strides?: number | readonly number[];
  /** The spacing of the kernel taps, one or one per axis. Default 1. */
  dilationRate?: number | readonly number[];
  /**
   * Where the channels are: "channelsLast" (default, [batch, ...,
   * channels]) or "channelsFirst" ([batch, channels, ...]; the layer
   * transposes to channels last and back).
   */
  dataFormat?: DataFormat;
  /** Applied to the output; default none (linear). */
  activation?: activations.ActivationIdentifier;
  /** Whether to add a bias. Default true. */
  useBias?: boolean;
  /** Default "glorot_uniform". */
  kernelInitializer?: initializers.InitializerIdentifier;
  /** Default "zeros". */
  biasInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the kernel. Default none. */
  kernelRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on the bias. Default none. */
  biasRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on the output, divided by the batch size. Default none. */
  activityRegularizer?: regularizers.RegularizerIdentifier;
  /** A projection of the kernel after each update. */
  kernelConstraint?: constraints.ConstraintIdentifier;
  /** A projection of the bias after each update. */
  biasConstraint?: constraints.ConstraintIdentifier;
}

/** Options of Conv1D: "causal" padding is allowed. */
export interface Conv1DArgs extends BaseConvArgs {
  /** "valid" (default), "same" or "causal". */
  padding?: ConvPadding;
  /** The number of channel groups. Default 1. */
  groups?: number;
}

/** Options of Conv2D. */
export interface Conv2DArgs extends BaseConvArgs {
  /** "valid" (default) or "same". */
  padding?: "valid" | "same";
  /** The number of channel groups. Default 1. */
  groups?: number;
}

/** Options of Conv3D. */
export interface Conv3DArgs extends BaseConvArgs {
  /** "valid" (default) or "same". */
  padding?: "valid" | "same";
  /** The number of channel groups. Default 1. */
  groups?: number;
}

/** Options of Conv1DTranspose, Conv2DTranspose and Conv3DTranspose. */
export interface ConvTransposeArgs extends BaseConvArgs {
  /** "valid" (default) or "same". */
  padding?: "valid" | "same";
  /**
   * Extra output rows after the end, one or one per axis, each less than
   * its stride (Keras's output_padding). Default null: the sizes below.
   */
  outputPadding?: number | readonly number[] | null;
}

function intList(
  value: unknown,
  rank: number,
  name: string,
  cls: string,
): number[] {
  const list: unknown[] = Array.isArray(value)
    ? value
    : Array<unknown>(rank).fill(value);
  if (
    list.length !== rank ||
    !list.every((v) => Number.isInteger(v) && (v as number) >= 1)
  ) {
    throw new ValueError(
      `${cls}: expected ${name} to be an integer >= 1 or a list of ${rank}, ` +
        `got ${name}=${show(value)}`,
    );
  }
  return list as number[];
}

/** Keras's default-name rule: "Conv2DTranspose" → "conv2d_transpose". */
function kerasSnakeCase(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** The output length of one axis, as Keras's compute_conv_output_shape. */
function convLength(
  size: number | null,
  kernel: number,
  stride: number,
  dilation: number,
  padding: ConvPadding,
): number | null {
  if (size === null) return null;
  if (padding === "valid") {
    return Math.floor((size - dilation * (kernel - 1) - 1) / stride) + 1;
  }
  return Math.floor((size - 1) / stride) + 1;
}

/** Keras's deconv_output_length. */
function deconvLength(
  size: number | null,
  kernel: number,
  stride: number,
  dilation: number,
  padding: ConvPadding,
  outputPadding: number | null,
): number | null {
  if (size === null) return null;
  const span = (kernel - 1) * dilation + 1;
  if (outputPadding !== null) {
    const pad = padding === "same" ? Math.floor(span / 2) : 0;
    return (size - 1) * stride + span - 2 * pad + outputPadding;
  }
  return padding === "valid"
    ? size * stride + Math.max(span - stride, 0)
    : size * stride;
}

/**
 * The shared machinery of the convolution layers: options, weights,
 * channelsFirst handling, bias, activation and the activity penalty.
 */
abstract class BaseConv extends Layer {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: ConvPadding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];
  readonly groups: number;
  readonly activation: activations.Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: initializers.Initializer;
  readonly biasInitializer: initializers.Initializer;
  readonly kernelRegularizer: ResolvedRegularizer;
  readonly biasRegularizer: ResolvedRegularizer;
  readonly activityRegularizer: ResolvedRegularizer;
  readonly kernelConstraint: ResolvedConstraint;
  readonly biasConstraint: ResolvedConstraint;
  #activityLosses: Tensor[] = [];
  #kernel: Variable | null = null;
  #bias: Variable | null = null;

  protected constructor(
    rank: number,
    args: BaseConvArgs & { padding?: string; groups?: number },
    /** Whether padding is "valid" or "same" only (no "causal"). */
    validOrSame: boolean,
  ) {
    const cls = new.target.name;
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `${cls}: expected an options object, got ${show(args)}`,
      );
    }
    const { filters } = args;
    if (!Number.isInteger(filters) || filters <= 0) {
      throw new ValueError(
        `${cls}: expected filters to be a positive integer, got ` +
          `filters=${show(filters)}`,
      );
    }
    const kernelSize = intList(args.kernelSize, rank, "kernelSize", cls);
    const strides = intList(args.strides ?? 1, rank, "strides", cls);
    const dilationRate = intList(
      args.dilationRate ?? 1,
      rank,
      "dilationRate",
      cls,
    );
    if (Math.max(...strides) > 1 && Math.max(...dilationRate) > 1) {
      throw new ValueError(
        `${cls}: expected strides of 1 when dilationRate is not 1 (as ` +
          `Keras), got strides=${show(args.strides)} and ` +
          `dilationRate=${show(args.dilationRate)}`,
      );
    }
    const padding = args.padding ?? "valid";
    const allowed =
      rank === 1 && !validOrSame
        ? ["valid", "same", "causal"]
        : ["valid", "same"];
    if (!allowed.includes(padding)) {
      throw new ValueError(
        `${cls}: expected padding ${allowed.map((a) => `"${a}"`).join(", ")}` +
          `, got padding=${show(args.padding)}`,
      );
    }
    const dataFormat = args.dataFormat ?? "channelsLast";
    if (dataFormat !== "channelsLast" && dataFormat !== "channelsFirst") {
      throw new ValueError(
        `${cls}: expected dataFormat "channelsLast" or "channelsFirst", got ` +
          `dataFormat=${show(args.dataFormat)}`,
      );
    }
    const groups = args.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || filters % groups !== 0) {
      throw new ValueError(
        `${cls}: expected groups to be an integer >= 1 that divides ` +
          `filters=${filters}, got groups=${show(args.groups)}`,
      );
    }
    const activation = activations.get(args.activation);
    const kernelInitializer = initializers.get(
      args.kernelInitializer ?? "glorot_uniform",
    );
    const biasInitializer = initializers.get(args.biasInitializer ?? "zeros");
    const kernelRegularizer = regularizers.get(args.kernelRegularizer);
    const biasRegularizer = regularizers.get(args.biasRegularizer);
    const activityRegularizer = regularizers.get(args.activityRegularizer);
    const kernelConstraint = constraints.get(args.kernelConstraint);
    const biasConstraint = constraints.get(args.biasConstraint);
    super({ ...args, name: args.name ?? uniqueName(kerasSnakeCase(cls)) });
    this.rank = rank;
    this.filters = filters;
    this.kernelSize = kernelSize;
    this.strides = strides;
    this.padding = padding as ConvPadding;
    this.dataFormat = dataFormat;
    this.dilationRate = dilationRate;
    this.groups = groups;
    this.activation = activation;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
    this.kernelRegularizer = kernelRegularizer;
    this.biasRegularizer = biasRegularizer;
    this.activityRegularizer = activityRegularizer;
    this.kernelConstraint = kernelConstraint;
    this.biasConstraint = biasConstraint;
  }

  /** The kernel. Exists once built. */
  get kernel(): Variable {
    if (!this.#kernel) {
      throw new ValueError(
        `${this.toString()}: the kernel does not exist until the layer is ` +
          "built; apply the layer to an input first",
      );
    }
    return this.#kernel;
  }

  /** The bias, [filters]. Exists once built, when useBias is true. */
  get bias(): Variable {
    if (!this.useBias) {
      throw new ValueError(
        `${this.toString()}: has no bias (useBias is false)`,
      );
    }
    if (!this.#bias) {
      throw new ValueError(
        `${this.toString()}: the bias does not exist until the layer is ` +
          "built; apply the layer to an input first",
      );
    }
    return this.#bias;
  }

  /** The kernel shape for `channels` input channels. */
  protected abstract kernelShape(channels: number): number[];

  /** The convolution on a channels-last input. */
  protected abstract convolve(x: Tensor, kernel: Tensor): Tensor;

  /** The output length of one spatial axis. */
  protected abstract outputLength(
    size: number | null,
    axis: number,
  ): number | null;

  /** The output channels for `channels` input channels (filters here). */
  protected outChannels(channels: number | null): number | null {
    void channels;
    return this.filters;
  }

  /** The name of the (first) kernel weight. */
  protected kernelName(): string {
    return "kernel";
  }

  /** Creates weights between the kernel and the bias (none here). */
  protected buildMore(channels: number): void {
    void channels;
  }

  /** The input channel count the kernel expects. */
  protected abstract kernelChannels(kernel: readonly number[]): number;

  #channelAxis(rank: number): number {
    return this.dataFormat === "channelsFirst" ? 1 : rank - 1;
  }

  /** Checks rank, channels and the spatial sizes; returns the channels. */
  #check(shape: SymbolicShape): number | null {
    const want = this.rank + 2;
    if (shape.length !== want) {
      throw new ShapeError(
        `${this.toString()}: expected an input of rank ${want} (batch, ` +
          `${this.rank} spatial, channels), got shape ${show(shape)}`,
      );
    }
    const channels = shape[this.#channelAxis(want)] ?? null;
    if (this.#kernel) {
      const expected = this.kernelChannels(this.#kernel.shape);
      if (channels !== null && channels !== expected) {
        throw new ShapeError(
          `${this.toString()}: expected an input with ${expected} channels ` +
            `(as built), got shape ${show(shape)}`,
        );
      }
    }
    const spatial = this.#spatial(shape);
    spatial.forEach((size, i) => {
      const out = this.outputLength(size, i);
      if (out !== null && out <= 0) {
        throw new ShapeError(
          `${this.toString()}: expected an input at least as large as the ` +
            `kernel with padding "${this.padding}", got input shape ` +
            `${show(shape)} and kernelSize ${show(this.kernelSize)} ` +
            `(dilationRate ${show(this.dilationRate)})`,
        );
      }
    });
    return channels;
  }

  #spatial(shape: SymbolicShape): (number | null)[] {
    return this.dataFormat === "channelsFirst"
      ? shape.slice(2)
      : shape.slice(1, -1);
  }

  override build(inputShape: SymbolicShape): void {
    const channels = this.#check(inputShape);
    if (channels === null || channels < 1) {
      throw new ShapeError(
        `${this.toString()}: expected the channel dimension of the input ` +
          `to be known and >= 1, got shape ${show(inputShape)}`,
      );
    }
    if (channels % this.groups !== 0) {
      throw new ShapeError(
        `${this.toString()}: expected a channel count divisible by ` +
          `groups=${this.groups}, got shape ${show(inputShape)}`,
      );
    }
    this.#kernel = this.addWeight(this.kernelName(), {
      shape: this.kernelShape(channels),
      initializer: this.kernelInitializer,
      regularizer: regularizers.toFunction(this.kernelRegularizer),
      constraint: constraints.toFunction(this.kernelConstraint),
    });
    this.buildMore(channels);
    if (this.useBias) {
      this.#bias = this.addWeight("bias", {
        shape: [this.outChannels(channels)!],
        initializer: this.biasInitializer,
        regularizer: regularizers.toFunction(this.biasRegularizer),
        constraint: constraints.toFunction(this.biasConstraint),
      });
    }
  }

  override call(x: Tensor): Tensor {
    this.#check(x.shape);
    const first = this.dataFormat === "channelsFirst";
    const n = x.rank;
    const toLast = [0, ...Array.from({ length: n - 2 }, (_, i) => i + 2), 1];
    const toFirst = [n - 1, ...Array.from({ length: n - 2 }, (_, i) => i + 1)];
    let y = this.convolve(first ? transpose(x, toLast) : x, this.kernel);
    if (this.useBias) y = add(y, this.bias);
    if (first) y = transpose(y, [0, ...toFirst]);
    y = this.activation(y);
    if (this.activityRegularizer !== null) {
      const penalty = regularizers.toFunction(this.activityRegularizer)!(y);
      const batch = y.shape[0]!;
      this.#activityLosses = [
        batch === 0 ? mul(penalty, 0) : div(penalty, batch),
      ];
    }
    return y;
  }

  /**
   * The penalties of the kernel and bias regularizers, computed now, then
   * the activity penalty of the latest call.
   */
  override get losses(): Tensor[] {
    return [...super.losses, ...this.#activityLosses];
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.#check(inputShape);
    const spatial = this.#spatial(inputShape).map((s, i) =>
      this.outputLength(s, i),
    );
    const axis = this.#channelAxis(inputShape.length);
    const out = this.outChannels(inputShape[axis] ?? null);
    return this.dataFormat === "channelsFirst"
      ? [inputShape[0] ?? null, out, ...spatial]
      : [inputShape[0] ?? null, ...spatial, out];
  }

  override getConfig(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      activation: activations.serialize(this.activation),
      useBias: this.useBias,
      kernelInitializer: initializers.serialize(this.kernelInitializer),
      biasInitializer: initializers.serialize(this.biasInitializer),
    };
    const regs = {
      kernelRegularizer: this.kernelRegularizer,
      biasRegularizer: this.biasRegularizer,
      activityRegularizer: this.activityRegularizer,
    };
    for (const [key, r] of Object.entries(regs)) {
      if (r !== null) out[key] = regularizers.serialize(r);
    }
    const cons = {
      kernelConstraint: this.kernelConstraint,
      biasConstraint: this.biasConstraint,
    };
    for (const [key, c] of Object.entries(cons)) {
      if (c !== null) out[key] = constraints.serialize(c);
    }
    return out;
  }
}

/** A convolution (Conv1D, Conv2D): kernel [...kernelSize, in/groups, filters]. */
abstract class Conv extends BaseConv {
  protected override kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels / this.groups, this.filters];
  }

  protected override kernelChannels(kernel: readonly number[]): number {
    return kernel[this.rank]! * this.groups;
  }

  protected override outputLength(
    size: number | null,
    axis: number,
  ): number | null {
    return convLength(
      size,
      this.kernelSize[axis]!,
      this.strides[axis]!,
      this.dilationRate[axis]!,
      this.padding,
    );
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), groups: this.groups };
  }
}

/** A transposed convolution: kernel [...kernelSize, filters, in]. */
abstract class ConvTranspose extends BaseConv {
  readonly outputPadding: number[] | null;

  protected constructor(rank: number, args: ConvTransposeArgs) {
    const cls = new.target.name;
    const given: unknown =
      args !== null && typeof args === "object" ? args.outputPadding : null;
    let outputPadding: number[] | null = null;
    if (given !== undefined && given !== null) {
      const strides = intList(args.strides ?? 1, rank, "strides", cls);
      const list: unknown[] = Array.isArray(given)
        ? given
        : Array<unknown>(rank).fill(given);
      if (
        list.length !== rank ||
        !list.every(
          (v, i) =>
            Number.isInteger(v) &&
            (v as number) >= 0 &&
            (v as number) < strides[i]!,
        )
      ) {
        throw new ValueError(
          `${cls}: expected outputPadding to be integers >= 0, each less ` +
            `than its stride, got outputPadding=${show(given)} and ` +
            `strides=${show(args.strides ?? 1)}`,
        );
      }
      outputPadding = list as number[];
    }
    super(rank, args, true);
    this.outputPadding = outputPadding;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      outputPadding: this.outputPadding ? [...this.outputPadding] : null,
    };
  }

  protected override kernelShape(channels: number): number[] {
    return [...this.kernelSize, this.filters, channels];
  }

  protected override kernelChannels(kernel: readonly number[]): number {
    return kernel[this.rank + 1]!;
  }

  protected override outputLength(
    size: number | null,
    axis: number,
  ): number | null {
    return deconvLength(
      size,
      this.kernelSize[axis]!,
      this.strides[axis]!,
      this.dilationRate[axis]!,
      this.padding,
      this.outputPadding?.[axis] ?? null,
    );
  }
}

/**
 * A 1D convolution layer (temporal convolution):
 * `activation(conv1d(x, kernel) + bias)`.
 *
 * Input [batch, steps, channels] (channelsLast) or [batch, channels,
 * steps]; kernel [kernelSize, channels / groups, filters]; bias
 * [filters]. Options: filters, kernelSize, strides (1), padding ("valid",
 * "same" or "causal"), dataFormat ("channelsLast"), dilationRate (1),
 * groups (1), activation, useBias (true), kernelInitializer
 * ("glorot_uniform"), biasInitializer ("zeros"), regularizers and
 * constraints as Dense. As Keras, strides > 1 with dilationRate > 1 is an
 * error. TensorFlow.js's conv1d layer does not implement "causal"
 * padding; here it follows Keras (zeros before the sequence only).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Conv1D({ filters: 4, kernelSize: 3 });
 * console.log(layer.apply(tg.zeros([2, 10, 3])).shape); // [ 2, 8, 4 ]
 * console.log(layer.kernel.shape); // [ 3, 3, 4 ]
 * ```
 */
export class Conv1D extends Conv {
  constructor(args: Conv1DArgs) {
    super(1, args, false);
  }

  protected override convolve(x: Tensor, kernel: Tensor): Tensor {
    return convOps.conv1d(x, kernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      groups: this.groups,
    });
  }
}

/**
 * A 2D convolution layer (spatial convolution over images):
 * `activation(conv2d(x, kernel) + bias)`.
 *
 * Input [batch, height, width, channels] (channelsLast) or [batch,
 * channels, height, width]; kernel [kh, kw, channels / groups, filters];
 * bias [filters]. Options as {@link Conv1D}, with padding "valid" or
 * "same".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Conv2D({
 *   filters: 1,
 *   kernelSize: 2,
 *   kernelInitializer: "ones",
 * });
 * const x = tg.reshape(tg.range(0, 9), [1, 3, 3, 1]);
 * console.log(layer.apply(x).reshape([2, 2]).toArray()); // [ [ 8, 12 ], [ 20, 24 ] ]
 * ```
 */
export class Conv2D extends Conv {
  constructor(args: Conv2DArgs) {
    super(2, args, false);
  }

  protected override convolve(x: Tensor, kernel: Tensor): Tensor {
    return convOps.conv2d(x, kernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      groups: this.groups,
    });
  }
}

/**
 * A transposed 1D convolution layer (the gradient of Conv1D with respect
 * to its input): `activation(conv1dTranspose(x, kernel) + bias)`.
 *
 * Kernel [kernelSize, filters, channels] (Keras's layout); output length
 * steps·stride + max(span − stride, 0) for "valid", steps·stride for
 * "same"; with `outputPadding`, (steps − 1)·stride + span − 2·pad +
 * outputPadding (pad = floor(span / 2) for "same", 0 for "valid").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Conv1DTranspose({ filters: 2, kernelSize: 3, strides: 2 });
 * console.log(layer.apply(tg.zeros([1, 4, 3])).shape); // [ 1, 9, 2 ]
 * console.log(layer.kernel.shape); // [ 3, 2, 3 ]
 * ```
 */
export class Conv1DTranspose extends ConvTranspose {
  constructor(args: ConvTransposeArgs) {
    super(1, args);
  }

  protected override convolve(x: Tensor, kernel: Tensor): Tensor {
    return convOps.conv1dTranspose(x, kernel, {
      strides: this.strides,
      padding: this.padding as "valid" | "same",
      dilationRate: this.dilationRate,
      outputPadding: this.outputPadding,
    });
  }
}

/**
 * A transposed 2D convolution layer ("deconvolution", the gradient of
 * Conv2D with respect to its input):
 * `activation(conv2dTranspose(x, kernel) + bias)`.
 *
 * Kernel [kh, kw, filters, channels] (Keras's layout); each output size
 * size·stride + max(span − stride, 0) for "valid", size·stride for
 * "same"; with `outputPadding`, (size − 1)·stride + span − 2·pad +
 * outputPadding (pad = floor(span / 2) for "same", 0 for "valid").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Conv2DTranspose({
 *   filters: 3,
 *   kernelSize: 2,
 *   strides: 2,
 *   padding: "same",
 * });
 * console.log(layer.apply(tg.zeros([1, 4, 4, 5])).shape); // [ 1, 8, 8, 3 ]
 * ```
 */
export class Conv2DTranspose extends ConvTranspose {
  constructor(args: ConvTransposeArgs) {
    super(2, args);
  }

  protected override convolve(x: Tensor, kernel: Tensor): Tensor {
    return convOps.conv2dTranspose(x, kernel, {
      strides: this.strides,
      padding: this.padding as "valid" | "same",
      dilationRate: this.dilationRate,
      outputPadding: this.outputPadding,
    });
  }
}

/**
 * A 3D convolution layer (spatial convolution over volumes):
 * `activation(conv3d(x, kernel) + bias)`.
 *
 * Input [batch, depth, height, width, channels] (channelsLast) or
 * [batch, channels, depth, height, width]; kernel [kd, kh, kw, channels /
 * groups, filters]; bias [filters]. Options as {@link Conv2D}: filters,
 * kernelSize, strides (1), padding ("valid" or "same"), dataFormat
 * ("channelsLast"), dilationRate (1), groups (1), activation, useBias
 * (true), kernelInitializer ("glorot_uniform"), biasInitializer
 * ("zeros"), regularizers and constraints.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Conv3D({ filters: 4, kernelSize: 3, strides: 2, padding: "same" });
 * console.log(layer.apply(tg.zeros([2, 5, 6, 7, 3])).shape); // [ 2, 3, 3, 4, 4 ]
 * console.log(layer.kernel.shape); // [ 3, 3, 3, 3, 4 ]
 * ```
 */
export class Conv3D extends Conv {
  constructor(args: Conv3DArgs) {
    super(3, args, false);
  }

  protected override convolve(x: Tensor, kernel: Tensor): Tensor {
    return convOps.conv3d(x, kernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      groups: this.groups,
    });
  }
}

/**
 * A transposed 3D convolution layer (the gradient of Conv3D with respect
 * to its input): `activation(conv3dTranspose(x, kernel) + bias)`.
 *
 * Kernel [kd, kh, kw, filters, channels] (Keras's layout); bias
 * [filters]; each output size size·stride + max(span − stride, 0) for
 * "valid", size·stride for "same"; with `outputPadding`, (size −
 * 1)·stride + span − 2·pad + outputPadding (pad = floor(span / 2) for
 * "same", 0 for "valid"). TensorFlow.js's conv3dTranspose layer has no
 * `outputPadding` and no dilation; here both follow Keras.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Conv3DTranspose({ filters: 2, kernelSize: 3, strides: 2 });
 * console.log(layer.apply(tg.zeros([1, 2, 3, 4, 5])).shape); // [ 1, 5, 7, 9, 2 ]
 * console.log(layer.kernel.shape); // [ 3, 3, 3, 2, 5 ]
 * ```
 */
export class Conv3DTranspose extends ConvTranspose {
  constructor(args: ConvTransposeArgs) {
    super(3, args);
  }

  protected override convolve(x: Tensor, kernel: Tensor): Tensor {
    return convOps.conv3dTranspose(x, kernel, {
      strides: this.strides,
      padding: this.padding as "valid" | "same",
      dilationRate: this.dilationRate,
      outputPadding: this.outputPadding,
    });
  }
}

/**
 * Creates a {@link Conv1D} layer (the TensorFlow.js-style factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.conv1d({ filters: 2, kernelSize: 2, padding: "causal" });
 * console.log(layer.apply(tg.zeros([1, 5, 1])).shape); // [ 1, 5, 2 ]
 * ```
 */
export function conv1d(args: Conv1DArgs): Conv1D {
  return new Conv1D(args);
}

/**
 * Creates a {@link Conv2D} layer (the TensorFlow.js-style factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: "same" });
 * console.log(layer.apply(tg.zeros([1, 7, 7, 3])).shape); // [ 1, 4, 4, 8 ]
 * ```
 */
export function conv2d(args: Conv2DArgs): Conv2D {
  return new Conv2D(args);
}

/**
 * Creates a {@link Conv1DTranspose} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.conv1dTranspose({ filters: 1, kernelSize: 2 });
 * console.log(layer.apply(tg.zeros([1, 3, 2])).shape); // [ 1, 4, 1 ]
 * ```
 */
export function conv1dTranspose(args: ConvTransposeArgs): Conv1DTranspose {
  return new Conv1DTranspose(args);
}

/**
 * Creates a {@link Conv2DTranspose} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.conv2dTranspose({ filters: 1, kernelSize: 3 });
 * console.log(layer.apply(tg.zeros([1, 2, 2, 1])).shape); // [ 1, 4, 4, 1 ]
 * ```
 */
export function conv2dTranspose(args: ConvTransposeArgs): Conv2DTranspose {
  return new Conv2DTranspose(args);
}

/**
 * Creates a {@link Conv3D} layer (the TensorFlow.js-style factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.conv3d({ filters: 2, kernelSize: [1, 2, 3] });
 * console.log(layer.apply(tg.zeros([1, 4, 4, 4, 1])).shape); // [ 1, 4, 3, 2, 2 ]
 * ```
 */
export function conv3d(args: Conv3DArgs): Conv3D {
  return new Conv3D(args);
}

/**
 * Creates a {@link Conv3DTranspose} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.conv3dTranspose({ filters: 1, kernelSize: 2, strides: 2 });
 * console.log(layer.apply(tg.zeros([1, 2, 2, 2, 3])).shape); // [ 1, 4, 4, 4, 1 ]
 * ```
 */
export function conv3dTranspose(args: ConvTransposeArgs): Conv3DTranspose {
  return new Conv3DTranspose(args);
}

/** Options of DepthwiseConv2D, with Keras's names and defaults. */
export interface DepthwiseConv2DArgs extends Omit<
  BaseConvArgs,
  "filters" | "kernelInitializer" | "kernelRegularizer" | "kernelConstraint"
> {
  /** Output channels per input channel. Default 1. */
  depthMultiplier?: number;
  /** "valid" (default) or "same". */
  padding?: "valid" | "same";
  /** Default "glorot_uniform". */
  depthwiseInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the depthwise kernel. Default none. */
  depthwiseRegularizer?: regularizers.RegularizerIdentifier;
  /** A projection of the depthwise kernel after each update. */
  depthwiseConstraint?: constraints.ConstraintIdentifier;
}

/**
 * A depthwise 2D convolution: each input channel is convolved with its
 * own `depthMultiplier` filters, `y[..., c·m + j] = Σ_{ki, kj}
 * x[..., c] · kernel[ki, kj, c, j]`, then bias and activation.
 *
 * Kernel [kh, kw, channels, depthMultiplier] (named "kernel", as Keras 3
 * names it); bias [channels · depthMultiplier]. Options: kernelSize,
 * strides (1), padding ("valid"), depthMultiplier (1), dataFormat,
 * dilationRate (1), activation, useBias (true), depthwiseInitializer
 * ("glorot_uniform"), biasInitializer ("zeros"), depthwise/bias/activity
 * regularizers and depthwise/bias constraints. Runs as a grouped
 * convolution with one group per input channel.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 });
 * console.log(layer.apply(tg.zeros([1, 5, 5, 3])).shape); // [ 1, 3, 3, 6 ]
 * console.log(layer.kernel.shape); // [ 3, 3, 3, 2 ]
 * ```
 */
export class DepthwiseConv2D extends BaseConv {
  readonly depthMultiplier: number;

  constructor(args: DepthwiseConv2DArgs) {
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `DepthwiseConv2D: expected an options object, got ${show(args)}`,
      );
    }
    const depthMultiplier = args.depthMultiplier ?? 1;
    if (!Number.isInteger(depthMultiplier) || depthMultiplier < 1) {
      throw new ValueError(
        "DepthwiseConv2D: expected depthMultiplier to be a positive " +
          `integer, got depthMultiplier=${show(args.depthMultiplier)}`,
      );
    }
    const rest: Record<string, unknown> = { ...args };
    delete rest.filters;
    delete rest.groups;
    super(
      2,
      {
        ...(rest as unknown as BaseConvArgs),
        filters: depthMultiplier,
        kernelInitializer: args.depthwiseInitializer,
        kernelRegularizer: args.depthwiseRegularizer,
        kernelConstraint: args.depthwiseConstraint,
      },
      false,
    );
    this.depthMultiplier = depthMultiplier;
  }

  protected override kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels, this.depthMultiplier];
  }

  protected override kernelChannels(kernel: readonly number[]): number {
    return kernel[2]!;
  }

  protected override outChannels(channels: number | null): number | null {
    return channels === null ? null : channels * this.depthMultiplier;
  }

  protected override outputLength(
    size: number | null,
    axis: number,
  ): number | null {
    return convLength(
      size,
      this.kernelSize[axis]!,
      this.strides[axis]!,
      this.dilationRate[axis]!,
      this.padding,
    );
  }

  protected override convolve(x: Tensor, kernel: Tensor): Tensor {
    const channels = kernel.shape[2]!;
    // [kh, kw, c, m] and [kh, kw, 1, c·m] share one layout: filter c·m + j.
    const grouped = reshape(kernel, [
      ...this.kernelSize,
      1,
      channels * this.depthMultiplier,
    ]);
    return convOps.conv2d(x, grouped, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      groups: channels,
    });
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    const renamed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
      if (key === "filters") continue;
      const own = /^kernel(Initializer|Regularizer|Constraint)$/.test(key);
      renamed[own ? key.replace(/^kernel/, "depthwise") : key] = value;
    }
    renamed.depthMultiplier = this.depthMultiplier;
    return renamed;
  }
}

/**
 * Creates a {@link DepthwiseConv2D} layer (the TensorFlow.js-style
 * factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.depthwiseConv2d({ kernelSize: 2, padding: "same" });
 * console.log(layer.apply(tg.zeros([1, 4, 4, 3])).shape); // [ 1, 4, 4, 3 ]
 * ```
 */
export function depthwiseConv2d(args: DepthwiseConv2DArgs): DepthwiseConv2D {
  return new DepthwiseConv2D(args);
}

/** Options of SeparableConv1D and SeparableConv2D, Keras's names and defaults. */
export interface SeparableConv2DArgs extends Omit<
  BaseConvArgs,
  "kernelInitializer" | "kernelRegularizer" | "kernelConstraint"
> {
  /** Depthwise output channels per input channel. Default 1. */
  depthMultiplier?: number;
  /** "valid" (default) or "same". */
  padding?: "valid" | "same";
  /** Default "glorot_uniform". */
  depthwiseInitializer?: initializers.InitializerIdentifier;
  /** Default "glorot_uniform". */
  pointwiseInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the depthwise kernel. Default none. */
  depthwiseRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on the pointwise kernel. Default none. */
  pointwiseRegularizer?: regularizers.RegularizerIdentifier;
  /** A projection of the depthwise kernel after each update. */
  depthwiseConstraint?: constraints.ConstraintIdentifier;
  /** A projection of the pointwise kernel after each update. */
  pointwiseConstraint?: constraints.ConstraintIdentifier;
}

/** Options of SeparableConv1D (the same as SeparableConv2D's). */
export type SeparableConv1DArgs = SeparableConv2DArgs;

/**
 * A depthwise separable convolution of any rank: a grouped convolution
 * with one group per input channel, then a pointwise (kernel size 1)
 * convolution.
 */
abstract class SeparableConv extends BaseConv {
  readonly depthMultiplier: number;
  readonly pointwiseInitializer: initializers.Initializer;
  readonly pointwiseRegularizer: ResolvedRegularizer;
  readonly pointwiseConstraint: ResolvedConstraint;
  #pointwise: Variable | null = null;

  protected constructor(rank: number, args: SeparableConv2DArgs) {
    const cls = new.target.name;
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `${cls}: expected an options object, got ${show(args)}`,
      );
    }
    const depthMultiplier = args.depthMultiplier ?? 1;
    if (!Number.isInteger(depthMultiplier) || depthMultiplier < 1) {
      throw new ValueError(
        `${cls}: expected depthMultiplier to be a positive integer, got ` +
          `depthMultiplier=${show(args.depthMultiplier)}`,
      );
    }
    const pointwiseInitializer = initializers.get(
      args.pointwiseInitializer ?? "glorot_uniform",
    );
    const pointwiseRegularizer = regularizers.get(args.pointwiseRegularizer);
    const pointwiseConstraint = constraints.get(args.pointwiseConstraint);
    const rest: Record<string, unknown> = { ...args };
    delete rest.groups;
    super(
      rank,
      {
        ...(rest as unknown as BaseConvArgs),
        kernelInitializer: args.depthwiseInitializer,
        kernelRegularizer: args.depthwiseRegularizer,
        kernelConstraint: args.depthwiseConstraint,
      },
      true,
    );
    this.depthMultiplier = depthMultiplier;
    this.pointwiseInitializer = pointwiseInitializer;
    this.pointwiseRegularizer = pointwiseRegularizer;
    this.pointwiseConstraint = pointwiseConstraint;
  }

  /** The depthwise kernel, [...kernelSize, channels, depthMultiplier]. */
  get depthwiseKernel(): Variable {
    return this.kernel;
  }

  /** The pointwise kernel, [1, (1,) channels · depthMultiplier, filters]. */
  get pointwiseKernel(): Variable {
    if (!this.#pointwise) {
      throw new ValueError(
        `${this.toString()}: the pointwise kernel does not exist until the ` +
          "layer is built; apply the layer to an input first",
      );
    }
    return this.#pointwise;
  }

  protected override kernelName(): string {
    return "depthwise_kernel";
  }

  protected override buildMore(channels: number): void {
    this.#pointwise = this.addWeight("pointwise_kernel", {
      shape: [
        ...Array<number>(this.rank).fill(1),
        channels * this.depthMultiplier,
        this.filters,
      ],
      initializer: this.pointwiseInitializer,
      regularizer: regularizers.toFunction(this.pointwiseRegularizer),
      constraint: constraints.toFunction(this.pointwiseConstraint),
    });
  }

  protected override kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels, this.depthMultiplier];
  }

  protected override kernelChannels(kernel: readonly number[]): number {
    return kernel[this.rank]!;
  }

  protected override outputLength(
    size: number | null,
    axis: number,
  ): number | null {
    return convLength(
      size,
      this.kernelSize[axis]!,
      this.strides[axis]!,
      this.dilationRate[axis]!,
      this.padding,
    );
  }

  /** conv1d or conv2d, by rank. */
  protected abstract convOp(
    x: Tensor,
    kernel: Tensor,
    options?: convOps.ConvOptions,
  ): Tensor;

  protected override convolve(x: Tensor, kernel: Tensor): Tensor {
    const channels = kernel.shape[this.rank]!;
    // [..., c, m] and [..., 1, c·m] share one layout: filter c·m + j.
    const grouped = reshape(kernel, [
      ...this.kernelSize,
      1,
      channels * this.depthMultiplier,
    ]);
    const depthwise = this.convOp(x, grouped, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      groups: channels,
    });
    return this.convOp(depthwise, this.pointwiseKernel);
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    const renamed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
      const own = /^kernel(Initializer|Regularizer|Constraint)$/.test(key);
      renamed[own ? key.replace(/^kernel/, "depthwise") : key] = value;
    }
    renamed.depthMultiplier = this.depthMultiplier;
    renamed.pointwiseInitializer = initializers.serialize(
      this.pointwiseInitializer,
    );
    if (this.pointwiseRegularizer !== null) {
      renamed.pointwiseRegularizer = regularizers.serialize(
        this.pointwiseRegularizer,
      );
    }
    if (this.pointwiseConstraint !== null) {
      renamed.pointwiseConstraint = constraints.serialize(
        this.pointwiseConstraint,
      );
    }
    return renamed;
  }
}

/**
 * A depthwise separable 1D convolution: a depthwise convolution (each
 * channel on its own, `depthMultiplier` outputs each) followed by a
 * pointwise (kernel size 1) convolution that mixes them into `filters`
 * channels, then bias and activation.
 *
 * Input [batch, steps, channels] (channelsLast) or [batch, channels,
 * steps]. Weights, in Keras's order: depthwiseKernel [kernelSize,
 * channels, depthMultiplier], pointwiseKernel [1, channels ·
 * depthMultiplier, filters], bias [filters]. Strides, padding ("valid" or
 * "same", as Keras 3: no "causal") and dilation apply to the depthwise
 * step. Options as {@link SeparableConv2D}. TensorFlow.js has no
 * separableConv1d layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.SeparableConv1D({ filters: 4, kernelSize: 3, depthMultiplier: 2 });
 * console.log(layer.apply(tg.zeros([2, 10, 3])).shape); // [ 2, 8, 4 ]
 * console.log(layer.weights.map((w) => w.shape)); // [ [ 3, 3, 2 ], [ 1, 6, 4 ], [ 4 ] ]
 * ```
 */
export class SeparableConv1D extends SeparableConv {
  constructor(args: SeparableConv1DArgs) {
    super(1, args);
  }

  protected override convOp(
    x: Tensor,
    kernel: Tensor,
    options?: convOps.ConvOptions,
  ): Tensor {
    return convOps.conv1d(x, kernel, options);
  }
}

/**
 * A depthwise separable 2D convolution: a depthwise convolution (each
 * channel on its own, `depthMultiplier` outputs each) followed by a 1×1
 * pointwise convolution that mixes them into `filters` channels, then
 * bias and activation.
 *
 * Weights, in Keras's order: depthwiseKernel [kh, kw, channels,
 * depthMultiplier], pointwiseKernel [1, 1, channels · depthMultiplier,
 * filters], bias [filters]. Strides, padding and dilation apply to the
 * depthwise step. Options as {@link DepthwiseConv2D} plus filters and the
 * pointwise initializer ("glorot_uniform"), regularizer and constraint.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.SeparableConv2D({ filters: 4, kernelSize: 3 });
 * console.log(layer.apply(tg.zeros([1, 5, 5, 2])).shape); // [ 1, 3, 3, 4 ]
 * console.log(layer.weights.map((w) => w.shape)); // [ [ 3, 3, 2, 1 ], [ 1, 1, 2, 4 ], [ 4 ] ]
 * ```
 */
export class SeparableConv2D extends SeparableConv {
  constructor(args: SeparableConv2DArgs) {
    super(2, args);
  }

  protected override convOp(
    x: Tensor,
    kernel: Tensor,
    options?: convOps.ConvOptions,
  ): Tensor {
    return convOps.conv2d(x, kernel, options);
  }
}

/**
 * Creates a {@link SeparableConv1D} layer (the TensorFlow.js-style
 * spelling; TensorFlow.js itself has no such layer).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.separableConv1d({ filters: 2, kernelSize: 3, padding: "same" });
 * console.log(layer.apply(tg.zeros([1, 6, 3])).shape); // [ 1, 6, 2 ]
 * ```
 */
export function separableConv1d(args: SeparableConv1DArgs): SeparableConv1D {
  return new SeparableConv1D(args);
}

/**
 * Creates a {@link SeparableConv2D} layer (the TensorFlow.js-style
 * factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.separableConv2d({ filters: 2, kernelSize: 3, padding: "same" });
 * console.log(layer.apply(tg.zeros([1, 4, 4, 3])).shape); // [ 1, 4, 4, 2 ]
 * ```
 */
export function separableConv2d(args: SeparableConv2DArgs): SeparableConv2D {
  return new SeparableConv2D(args);
}
