// SPDX-License-Identifier: Apache-2.0
/**
 * Convolutions, channels last, with kernels laid out as Keras stores them.
 * Each is an im2col: the input patches are gathered into a matrix (pad,
 * reshape, gather) and multiplied with the kernel (matMul), so gradients
 * come from those ops' rules. The transposed convolutions run the same
 * steps backwards (matMul, then scatterAdd of the patches).
 */
import { promote } from "../core/dtype.js";
import { ShapeError, ValueError, show } from "../core/errors.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { cast } from "./cast.js";
import { make } from "./convert.js";
import { matMul } from "./linalg.js";
import { gather, pad, reshape, scatterAdd, slice, transpose } from "./shape.js";
import { operands } from "./util.js";

/** How a convolution treats the borders. */
export type ConvPadding = "valid" | "same" | "causal";

/** Options of conv1d / conv2d / conv3d, with Keras's names and defaults. */
export interface ConvOptions {
  /** The step between windows, one per spatial axis or one for all. Default 1. */
  strides?: number | readonly number[];
  /**
   * "valid" (default): windows inside the input only. "same": zeros
   * around the input so the output has ceil(size / stride) positions
   * (the extra zero goes after). "causal" (conv1d only): zeros before the
   * sequence only, so output t sees inputs up to t.
   */
  padding?: ConvPadding;
  /** The spacing of the kernel taps, per axis or one for all. Default 1. */
  dilationRate?: number | readonly number[];
  /**
   * The number of groups the channels split into; each group of
   * inChannels / groups inputs makes filters / groups outputs. Default 1.
   */
  groups?: number;
}

/** Options of conv1dTranspose / conv2dTranspose / conv3dTranspose. */
export interface ConvTransposeOptions {
  /** The step between windows of the matching convolution. Default 1. */
  strides?: number | readonly number[];
  /** "valid" (default) or "same", as for the matching convolution. */
  padding?: "valid" | "same";
  /** The spacing of the kernel taps. Default 1. */
  dilationRate?: number | readonly number[];
  /**
   * Extra output rows after the end, per axis or one for all, each less
   * than its stride (Keras's output_padding). Default none: the sizes
   * below.
   */
  outputPadding?: number | readonly number[] | null;
}

/** One spatial axis of a convolution. */
interface Axis {
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
  before: number;
  after: number;
  out: number;
}

function listOf(
  value: unknown,
  rank: number,
  name: string,
  op: string,
  min = 1,
): number[] {
  const v = value ?? 1;
  const list: unknown[] = Array.isArray(v) ? v : Array<unknown>(rank).fill(v);
  if (
    list.length !== rank ||
    !list.every((d) => Number.isInteger(d) && (d as number) >= min)
  ) {
    throw new ValueError(
      `${op}: expected ${name} to be an integer >= ${min} or ${rank} of ` +
        "them, " +
        `got ${name}=${show(value)}`,
    );
  }
  return list as number[];
}

function paddingOf(value: unknown, rank: number, op: string): ConvPadding {
  const p = value ?? "valid";
  const allowed = rank === 1 ? ["valid", "same", "causal"] : ["valid", "same"];
  if (!allowed.includes(p as string)) {
    throw new ValueError(
      `${op}: expected padding ${allowed.map((a) => `"${a}"`).join(", ")}, ` +
        `got padding=${show(value)}`,
    );
  }
  return p as ConvPadding;
}

function checkOptions(options: unknown, op: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object") {
    throw new ValueError(
      `${op}: expected an options object, got ${show(options)}`,
    );
  }
  return options as Record<string, unknown>;
}

/**
 * The geometry of one axis: Keras's output length and the zeros before
 * and after ("same" puts the odd one after, as TensorFlow does).
 */
function axisOf(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: ConvPadding,
): Axis {
  const span = (kernel - 1) * dilation + 1;
  let before = 0;
  let after = 0;
  if (padding === "same") {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + span - size, 0);
    before = Math.floor(total / 2);
    after = total - before;
  } else if (padding === "causal") {
    before = span - 1;
  }
  const padded = size + before + after;
  const out = padded < span ? 0 : Math.floor((padded - span) / stride) + 1;
  return { size, kernel, stride, dilation, before, after, out };
}

/**
 * The flat index into the padded spatial positions of each (output
 * position, kernel tap) pair, output positions major.
 */
function patchIndices(axes: readonly Axis[]): Tensor {
  const padded = axes.map((a) => a.size + a.before + a.after);
  const outs = axes.map((a) => a.out);
  const taps = axes.map((a) => a.kernel);
  const nOut = outs.reduce((a, b) => a * b, 1);
  const nTap = taps.reduce((a, b) => a * b, 1);
  const idx = new Int32Array(nOut * nTap);
  const o = new Array<number>(axes.length).fill(0);
  const k = new Array<number>(axes.length).fill(0);
  let n = 0;
  for (let p = 0; p < nOut; p++) {
    let rest = p;
    for (let i = axes.length - 1; i >= 0; i--) {
      o[i] = rest % outs[i]!;
      rest = Math.floor(rest / outs[i]!);
    }
    for (let t = 0; t < nTap; t++) {
      rest = t;
      for (let i = axes.length - 1; i >= 0; i--) {
        k[i] = rest % taps[i]!;
        rest = Math.floor(rest / taps[i]!);
      }
      let flat = 0;
      for (let i = 0; i < axes.length; i++) {
        const a = axes[i]!;
        flat = flat * padded[i]! + o[i]! * a.stride + k[i]! * a.dilation;
      }
      idx[n++] = flat;
    }
  }
  return make(idx, [nOut * nTap], "int32");
}

/** Keras's deconv_output_length (span: the dilated kernel size). */
function deconvLength(
  size: number,
  span: number,
  stride: number,
  padding: "valid" | "same",
  outputPadding: number | null,
): number {
  if (outputPadding === null) {
    return padding === "valid"
      ? size * stride + Math.max(span - stride, 0)
      : size * stride;
  }
  const pad = padding === "same" ? Math.floor(span / 2) : 0;
  return (size - 1) * stride + span - 2 * pad + outputPadding;
}

function castBoth(x: Tensor, k: Tensor): [Tensor, Tensor] {
  const dtype = promote(x.dtype, k.dtype);
  return [cast(x, dtype), cast(k, dtype)];
}

function convNd(
  input: TensorLike,
  filter: TensorLike,
  rank: number,
  options: ConvOptions | undefined,
  op: string,
): Tensor {
  const opts = checkOptions(options, op);
  const strides = listOf(opts.strides, rank, "strides", op);
  const dilations = listOf(opts.dilationRate, rank, "dilationRate", op);
  const padding = paddingOf(opts.padding, rank, op);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || (groups as number) < 1) {
    throw new ValueError(
      `${op}: expected groups to be an integer >= 1, got groups=${show(groups)}`,
    );
  }
  const g = groups as number;
  let [x, w] = operands(input, filter, op);
  if (x.rank !== rank + 2 || w.rank !== rank + 2) {
    throw new ShapeError(
      `${op}: expected an input of rank ${rank + 2} (batch, ${rank} spatial, ` +
        `channels) and a kernel of rank ${rank + 2} (${rank} spatial, ` +
        `inChannels / groups, filters), got shapes ${show(x.shape)} and ` +
        `${show(w.shape)}`,
    );
  }
  const channels = x.shape[rank + 1]!;
  const perGroup = w.shape[rank]!;
  const filters = w.shape[rank + 1]!;
  if (channels !== perGroup * g || filters % g !== 0) {
    throw new ShapeError(
      `${op}: expected a kernel of shape [..., ${channels} / groups, ` +
        `filters] with filters divisible by groups=${g}, got input shape ` +
        `${show(x.shape)} and kernel shape ${show(w.shape)}`,
    );
  }
  const axes: Axis[] = [];
  for (let i = 0; i < rank; i++) {
    const a = axisOf(
      x.shape[i + 1]!,
      w.shape[i]!,
      strides[i]!,
      dilations[i]!,
      padding,
    );
    if (a.out === 0 && a.size + a.before + a.after > 0) {
      throw new ShapeError(
        `${op}: expected an input at least as large as the (dilated) ` +
          `kernel with padding "${padding}", got input shape ` +
          `${show(x.shape)} and kernel shape ${show(w.shape)}`,
      );
    }
    axes.push(a);
  }
  [x, w] = castBoth(x, w);
  const batch = x.shape[0]!;
  const outShape = [batch, ...axes.map((a) => a.out), filters];
  const nOut = axes.reduce((n, a) => n * a.out, 1);
  const nTap = axes.reduce((n, a) => n * a.kernel, 1);
  const padded = pad(x, [
    [0, 0],
    ...axes.map((a) => [a.before, a.after] as [number, number]),
    [0, 0],
  ]);
  const flat = reshape(padded, [batch, -1, channels]);
  // [batch, nOut * nTap, channels]: every window, tap by tap.
  const cols = gather(flat, patchIndices(axes), 1);
  if (g === 1) {
    const y = matMul(
      reshape(cols, [batch * nOut, nTap * channels]),
      reshape(w, [nTap * channels, filters]),
    );
    return reshape(y, outShape);
  }
  const grouped = transpose(
    reshape(cols, [batch * nOut, nTap, g, perGroup]),
    [2, 0, 1, 3],
  );
  const kernels = transpose(
    reshape(w, [nTap * perGroup, g, filters / g]),
    [1, 0, 2],
  );
  const y = matMul(
    reshape(grouped, [g, batch * nOut, nTap * perGroup]),
    kernels,
  );
  return reshape(transpose(y, [1, 0, 2]), outShape);
}

function convTransposeNd(
  input: TensorLike,
  filter: TensorLike,
  rank: number,
  options: ConvTransposeOptions | undefined,
  op: string,
): Tensor {
  const opts = checkOptions(options, op);
  const strides = listOf(opts.strides, rank, "strides", op);
  const dilations = listOf(opts.dilationRate, rank, "dilationRate", op);
  const padding = opts.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") {
    throw new ValueError(
      `${op}: expected padding "valid" or "same", got padding=${show(opts.padding)}`,
    );
  }
  const outPad =
    opts.outputPadding === undefined || opts.outputPadding === null
      ? null
      : listOf(opts.outputPadding, rank, "outputPadding", op, 0);
  if (outPad !== null && outPad.some((p, i) => p >= strides[i]!)) {
    throw new ValueError(
      `${op}: expected each outputPadding less than its stride, got ` +
        `outputPadding=${show(opts.outputPadding)} and ` +
        `strides=${show(opts.strides ?? 1)}`,
    );
  }
  let [x, w] = operands(input, filter, op);
  if (x.rank !== rank + 2 || w.rank !== rank + 2) {
    throw new ShapeError(
      `${op}: expected an input of rank ${rank + 2} (batch, ${rank} spatial, ` +
        `channels) and a kernel of rank ${rank + 2} (${rank} spatial, ` +
        `filters, inChannels), got shapes ${show(x.shape)} and ` +
        `${show(w.shape)}`,
    );
  }
  const channels = x.shape[rank + 1]!;
  const filters = w.shape[rank]!;
  if (w.shape[rank + 1] !== channels) {
    throw new ShapeError(
      `${op}: expected a kernel of shape [..., filters, ${channels}] for an ` +
        `input with ${channels} channels, got input shape ${show(x.shape)} ` +
        `and kernel shape ${show(w.shape)}`,
    );
  }
  const axes: Axis[] = [];
  for (let i = 0; i < rank; i++) {
    const size = x.shape[i + 1]!;
    const k = w.shape[i]!;
    const span = (k - 1) * dilations[i]! + 1;
    const s = strides[i]!;
    const length = deconvLength(size, span, s, padding, outPad?.[i] ?? null);
    const a = axisOf(length, k, s, dilations[i]!, padding);
    if (a.out !== size) {
      throw new ShapeError(
        `${op}: the output size ${length} on spatial axis ${i} does not ` +
          `map back to the input size ${size} (kernel ${k}, stride ${s}, ` +
          `padding "${padding}", outputPadding ` +
          `${show(opts.outputPadding)}); got input shape ${show(x.shape)}`,
      );
    }
    axes.push(a);
  }
  [x, w] = castBoth(x, w);
  const batch = x.shape[0]!;
  const nOut = axes.reduce((n, a) => n * a.out, 1);
  const nTap = axes.reduce((n, a) => n * a.kernel, 1);
  const nPadded = axes.reduce((n, a) => n * (a.size + a.before + a.after), 1);
  // The patches each input position spreads to, then added into place.
  const cols = matMul(
    reshape(x, [batch * nOut, channels]),
    reshape(w, [nTap * filters, channels]),
    false,
    true,
  );
  const spread = scatterAdd(
    reshape(cols, [batch, nOut * nTap, filters]),
    patchIndices(axes),
    1,
    [batch, nPadded, filters],
  );
  const padded = reshape(spread, [
    batch,
    ...axes.map((a) => a.size + a.before + a.after),
    filters,
  ]);
  return slice(
    padded,
    [0, ...axes.map((a) => a.before), 0],
    [batch, ...axes.map((a) => a.size), filters],
  );
}

/**
 * A 1D convolution (cross-correlation, as in Keras and TensorFlow):
 * `y[b, t, f] = Σ_{k, c} x[b, t·stride + k·dilation − padBefore, c] ·
 * kernel[k, c, f]` (within each group).
 *
 * `x` is [batch, steps, channels]; `kernel` is [kernelSize,
 * channels / groups, filters]; the result is [batch, outSteps, filters].
 * Options: `strides` (1), `padding` ("valid"; "same"; "causal"),
 * `dilationRate` (1), `groups` (1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([[[1], [2], [3], [4]]]);
 * console.log(tg.conv1d(x, [[[1]], [[-1]]]).toArray()); // [ [ [ -1 ], [ -1 ], [ -1 ] ] ]
 * ```
 */
export function conv1d(
  x: TensorLike,
  kernel: TensorLike,
  options?: ConvOptions,
): Tensor {
  return convNd(x, kernel, 1, options, "conv1d");
}

/**
 * A 2D convolution (cross-correlation, as in Keras and TensorFlow):
 * `y[b, i, j, f] = Σ_{ki, kj, c} x[b, i·s0 + ki·d0, j·s1 + kj·d1, c] ·
 * kernel[ki, kj, c, f]` over the padded input (within each group).
 *
 * `x` is [batch, height, width, channels]; `kernel` is [kernelHeight,
 * kernelWidth, channels / groups, filters]. Options: `strides` (1),
 * `padding` ("valid" or "same"), `dilationRate` (1), `groups` (1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.reshape(tg.range(0, 9), [1, 3, 3, 1]);
 * const y = tg.conv2d(x, tg.ones([2, 2, 1, 1]));
 * console.log(y.reshape([2, 2]).toArray()); // [ [ 8, 12 ], [ 20, 24 ] ]
 * ```
 */
export function conv2d(
  x: TensorLike,
  kernel: TensorLike,
  options?: ConvOptions,
): Tensor {
  return convNd(x, kernel, 2, options, "conv2d");
}

/**
 * The transposed 1D convolution: the gradient of {@link conv1d} with
 * respect to its input. `x` is [batch, steps, channels]; `kernel` is
 * [kernelSize, filters, channels] (Keras's Conv1DTranspose layout). The
 * output length is Keras's: steps·stride + max(span − stride, 0) for
 * "valid", steps·stride for "same" (span = (kernelSize − 1)·dilation + 1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.conv1dTranspose([[[1], [2]]], [[[1]], [[10]]]);
 * console.log(y.toArray()); // [ [ [ 1 ], [ 12 ], [ 20 ] ] ]
 * ```
 */
export function conv1dTranspose(
  x: TensorLike,
  kernel: TensorLike,
  options?: ConvTransposeOptions,
): Tensor {
  return convTransposeNd(x, kernel, 1, options, "conv1dTranspose");
}

/**
 * The transposed 2D convolution: the gradient of {@link conv2d} with
 * respect to its input. `x` is [batch, height, width, channels];
 * `kernel` is [kernelHeight, kernelWidth, filters, channels] (Keras's
 * Conv2DTranspose layout). Each output size is Keras's: size·stride +
 * max(span − stride, 0) for "valid", size·stride for "same".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.conv2dTranspose(tg.ones([1, 1, 1, 1]), tg.ones([2, 2, 1, 1]), {
 *   strides: 2,
 * });
 * console.log(y.shape); // [ 1, 2, 2, 1 ]
 * ```
 */
export function conv2dTranspose(
  x: TensorLike,
  kernel: TensorLike,
  options?: ConvTransposeOptions,
): Tensor {
  return convTransposeNd(x, kernel, 2, options, "conv2dTranspose");
}

/**
 * A 3D convolution (cross-correlation, as in Keras and TensorFlow):
 * `y[b, i, j, l, f] = Σ_{ki, kj, kl, c} x[b, i·s0 + ki·d0, j·s1 + kj·d1,
 * l·s2 + kl·d2, c] · kernel[ki, kj, kl, c, f]` over the padded input
 * (within each group).
 *
 * `x` is [batch, depth, height, width, channels] (NDHWC); `kernel` is
 * [kernelDepth, kernelHeight, kernelWidth, channels / groups, filters].
 * Options: `strides` (1), `padding` ("valid" or "same"), `dilationRate`
 * (1), `groups` (1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.reshape(tg.range(0, 8), [1, 2, 2, 2, 1]);
 * const y = tg.conv3d(x, tg.ones([2, 2, 2, 1, 1]));
 * console.log(y.shape, y.reshape([-1]).toArray()); // [ 1, 1, 1, 1, 1 ] [ 28 ]
 * console.log(tg.conv3d(tg.zeros([2, 5, 6, 7, 3]), tg.zeros([3, 3, 3, 3, 4]), {
 *   strides: 2,
 *   padding: "same",
 * }).shape); // [ 2, 3, 3, 4, 4 ]
 * ```
 */
export function conv3d(
  x: TensorLike,
  kernel: TensorLike,
  options?: ConvOptions,
): Tensor {
  return convNd(x, kernel, 3, options, "conv3d");
}

/**
 * The transposed 3D convolution: the gradient of {@link conv3d} with
 * respect to its input. `x` is [batch, depth, height, width, channels];
 * `kernel` is [kernelDepth, kernelHeight, kernelWidth, filters, channels]
 * (Keras's Conv3DTranspose layout). Each output size is Keras's:
 * size·stride + max(span − stride, 0) for "valid", size·stride for
 * "same"; with `outputPadding`, (size − 1)·stride + span − 2·pad +
 * outputPadding (pad = floor(span / 2) for "same", 0 for "valid").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.conv3dTranspose(tg.ones([1, 1, 1, 1, 1]), tg.ones([2, 2, 2, 3, 1]), {
 *   strides: 2,
 * });
 * console.log(y.shape); // [ 1, 2, 2, 2, 3 ]
 * console.log(tg.sum(y).item()); // 24
 * ```
 */
export function conv3dTranspose(
  x: TensorLike,
  kernel: TensorLike,
  options?: ConvTransposeOptions,
): Tensor {
  return convTransposeNd(x, kernel, 3, options, "conv3dTranspose");
}
