// SPDX-License-Identifier: Apache-2.0
/**
 * Pooling ops on channels-last batches: maxPool1d/2d/3d and
 * avgPool1d/2d/3d, with "valid" or "same" padding. Each window is read
 * through `gather` on the flattened input, so gradients come from gather:
 * max pooling sends a window's gradient to its first largest element (as
 * TensorFlow does), average pooling spreads it evenly over the window's
 * real (non-padded) elements.
 */
import { isFloat } from "../core/dtype.js";
import { DTypeError, ShapeError, ValueError, show } from "../core/errors.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { div } from "./binary.js";
import { make, toTensor } from "./convert.js";
import { sum } from "./reduction.js";
import { concat, gather, reshape } from "./shape.js";

/** "valid": windows inside the input; "same": padded to ceil(n / stride). */
export type PoolPadding = "valid" | "same";

/** One spatial axis of a pooling: sizes and the padding before it. */
interface Axis {
  n: number;
  k: number;
  s: number;
  out: number;
  before: number;
}

function intsOf(value: unknown, name: string, op: string, d: number): number[] {
  const ok = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (ok(value)) return new Array<number>(d).fill(value as number);
  if (Array.isArray(value) && value.length === d && value.every(ok)) {
    return value as number[];
  }
  throw new ValueError(
    `${op}: expected ${name} to be an integer >= 1 or ${d} of them, got ` +
      `${name}=${show(value)}`,
  );
}

/** The output length and padding of one axis, as TensorFlow computes them. */
function axisOf(
  n: number,
  k: number,
  s: number,
  padding: PoolPadding,
  op: string,
  shape: readonly number[],
): Axis {
  if (padding === "valid") {
    if (k > n) {
      throw new ShapeError(
        `${op}: expected each spatial dimension >= the pool size with ` +
          `padding "valid", got input shape ${show(shape)} and a pool of ${k}`,
      );
    }
    return { n, k, s, out: Math.floor((n - k) / s) + 1, before: 0 };
  }
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + k - n, 0);
  return { n, k, s, out, before: Math.floor(total / 2) };
}

/** Checks the arguments and lays out the windows (3 spatial axes). */
function plan(
  t: Tensor,
  d: number,
  poolSize: unknown,
  strides: unknown,
  padding: unknown,
  op: string,
): { axes: Axis[]; batch: number; channels: number; outShape: number[] } {
  const k = intsOf(poolSize, "poolSize", op, d);
  const s = strides === undefined ? k : intsOf(strides, "strides", op, d);
  if (padding !== "valid" && padding !== "same") {
    throw new ValueError(
      `${op}: expected padding "valid" or "same", got padding=${show(padding)}`,
    );
  }
  if (!isFloat(t.dtype)) {
    throw new DTypeError(`${op}: expected a float input, got ${t.dtype}`);
  }
  if (t.rank !== d + 2) {
    throw new ShapeError(
      `${op}: expected an input of rank ${d + 2} (batch, ${d} spatial, ` +
        `channels), got shape ${show(t.shape)}`,
    );
  }
  const spatial = t.shape.slice(1, d + 1);
  const axes = spatial.map((n, i) =>
    axisOf(n, k[i]!, s[i]!, padding, op, t.shape),
  );
  const outShape = [t.shape[0]!, ...axes.map((a) => a.out), t.shape[d + 1]!];
  // Pad to three spatial axes with trivial ones in front.
  while (axes.length < 3) axes.unshift({ n: 1, k: 1, s: 1, out: 1, before: 0 });
  return { axes, batch: t.shape[0]!, channels: t.shape[d + 1]!, outShape };
}

/**
 * Calls `visit(o, i)` for every output o and every input i of its window,
 * after `begin(o)`.
 */
function windows(
  axes: Axis[],
  batch: number,
  channels: number,
  begin: (o: number) => void,
  visit: (o: number, i: number) => void,
): void {
  const [a0, a1, a2] = axes as [Axis, Axis, Axis];
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let p0 = 0; p0 < a0.out; p0++) {
      for (let p1 = 0; p1 < a1.out; p1++) {
        for (let p2 = 0; p2 < a2.out; p2++) {
          const s0 = p0 * a0.s - a0.before;
          const s1 = p1 * a1.s - a1.before;
          const s2 = p2 * a2.s - a2.before;
          for (let c = 0; c < channels; c++, o++) {
            begin(o);
            for (
              let i0 = Math.max(s0, 0);
              i0 < Math.min(s0 + a0.k, a0.n);
              i0++
            ) {
              const r0 = (b * a0.n + i0) * a1.n;
              for (
                let i1 = Math.max(s1, 0);
                i1 < Math.min(s1 + a1.k, a1.n);
                i1++
              ) {
                const r1 = (r0 + i1) * a2.n;
                for (
                  let i2 = Math.max(s2, 0);
                  i2 < Math.min(s2 + a2.k, a2.n);
                  i2++
                ) {
                  visit(o, (r1 + i2) * channels + c);
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The flat input index of each window's largest element: its first
 * element, replaced only by a strictly greater one, so the first of equal
 * values wins, as in TensorFlow. The same walk as `windows`, with the
 * comparison inline and all channels of a window position at once: this
 * runs on every max-pooling forward pass.
 */
function argMaxes(
  data: ArrayLike<number>,
  axes: Axis[],
  batch: number,
  channels: number,
  n: number,
): Int32Array {
  const [a0, a1, a2] = axes as [Axis, Axis, Axis];
  const arg = new Int32Array(n);
  const best = new Float64Array(channels);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let p0 = 0; p0 < a0.out; p0++) {
      const s0 = p0 * a0.s - a0.before;
      const lo0 = Math.max(s0, 0);
      const hi0 = Math.min(s0 + a0.k, a0.n);
      for (let p1 = 0; p1 < a1.out; p1++) {
        const s1 = p1 * a1.s - a1.before;
        const lo1 = Math.max(s1, 0);
        const hi1 = Math.min(s1 + a1.k, a1.n);
        for (let p2 = 0; p2 < a2.out; p2++, o += channels) {
          const s2 = p2 * a2.s - a2.before;
          const lo2 = Math.max(s2, 0);
          const hi2 = Math.min(s2 + a2.k, a2.n);
          let first = true;
          for (let i0 = lo0; i0 < hi0; i0++) {
            const r0 = (b * a0.n + i0) * a1.n;
            for (let i1 = lo1; i1 < hi1; i1++) {
              const r1 = (r0 + i1) * a2.n;
              for (let i2 = lo2; i2 < hi2; i2++) {
                const base = (r1 + i2) * channels;
                if (first) {
                  for (let c = 0; c < channels; c++) {
                    best[c] = data[base + c]!;
                    arg[o + c] = base + c;
                  }
                  first = false;
                  continue;
                }
                for (let c = 0; c < channels; c++) {
                  const v = data[base + c]!;
                  if (v > best[c]!) {
                    best[c] = v;
                    arg[o + c] = base + c;
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return arg;
}

function maxPool(
  x: TensorLike,
  d: number,
  poolSize: number | readonly number[],
  strides: number | readonly number[] | undefined,
  padding: PoolPadding,
  op: string,
): Tensor {
  const t = toTensor(x, op);
  const { axes, batch, channels, outShape } = plan(
    t,
    d,
    poolSize,
    strides,
    padding,
    op,
  );
  const n = outShape.reduce((a, b) => a * b, 1);
  const arg = argMaxes(t.data, axes, batch, channels, n);
  const flat = reshape(t, [t.size]);
  return reshape(gather(flat, make(arg, [n], "int32")), outShape);
}

function avgPool(
  x: TensorLike,
  d: number,
  poolSize: number | readonly number[],
  strides: number | readonly number[] | undefined,
  padding: PoolPadding,
  op: string,
): Tensor {
  const t = toTensor(x, op);
  const { axes, batch, channels, outShape } = plan(
    t,
    d,
    poolSize,
    strides,
    padding,
    op,
  );
  const n = outShape.reduce((a, b) => a * b, 1);
  const k = axes.reduce((a, ax) => a * ax.k, 1);
  // Padded slots read an extra zero appended after the input.
  const idx = new Int32Array(n * k).fill(t.size);
  const counts = new Int32Array(n);
  windows(
    axes,
    batch,
    channels,
    () => undefined,
    (o, i) => {
      idx[o * k + counts[o]!] = i;
      counts[o]! += 1;
    },
  );
  const zero = make(new Float64Array(1), [1], "float64").cast(t.dtype);
  const flat = concat([reshape(t, [t.size]), zero]);
  const win = reshape(gather(flat, make(idx, [n * k], "int32")), [n, k]);
  const count = make(counts, [n], "int32").cast(t.dtype);
  return reshape(div(sum(win, 1), count), outShape);
}

/** The pool's windows along each spatial axis: a number or one per axis. */
export type PoolSize = number | readonly number[];

/**
 * Max pooling over 1-D windows of a [batch, width, channels] tensor: the
 * largest value of each window. Strides default to `poolSize`; padded
 * slots of "same" are ignored. The gradient goes to the first largest
 * element of each window.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.maxPool1d([[[1], [3], [2], [5]]], 2).toArray());
 * // [ [ [ 3 ], [ 5 ] ] ]
 * ```
 */
export function maxPool1d(
  x: TensorLike,
  poolSize: PoolSize,
  strides?: PoolSize,
  padding: PoolPadding = "valid",
): Tensor {
  return maxPool(x, 1, poolSize, strides, padding, "maxPool1d");
}

/**
 * Max pooling over 2-D windows of a [batch, height, width, channels]
 * tensor (TensorFlow.js's `tf.maxPool`, channels last). Strides default to
 * `poolSize`; padded slots of "same" are ignored. The gradient goes to the
 * first largest element of each window.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.reshape([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1]);
 * console.log(tg.maxPool2d(x, 2).reshape([-1]).toArray()); // [ 6, 8 ]
 * ```
 */
export function maxPool2d(
  x: TensorLike,
  poolSize: PoolSize,
  strides?: PoolSize,
  padding: PoolPadding = "valid",
): Tensor {
  return maxPool(x, 2, poolSize, strides, padding, "maxPool2d");
}

/**
 * Max pooling over 3-D windows of a [batch, depth, height, width,
 * channels] tensor (TensorFlow.js's `tf.maxPool3d`, channels last).
 * Strides default to `poolSize`; padded slots of "same" are ignored.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.reshape([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2, 1]);
 * console.log(tg.maxPool3d(x, 2).reshape([-1]).toArray()); // [ 8 ]
 * ```
 */
export function maxPool3d(
  x: TensorLike,
  poolSize: PoolSize,
  strides?: PoolSize,
  padding: PoolPadding = "valid",
): Tensor {
  return maxPool(x, 3, poolSize, strides, padding, "maxPool3d");
}

/**
 * Average pooling over 1-D windows of a [batch, width, channels] tensor:
 * y = sum(window) / count, where count is the number of real (non-padded)
 * elements in the window, as in TensorFlow and Keras with "same" padding.
 * Strides default to `poolSize`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.avgPool1d([[[1], [3], [2]]], 2, 2, "same").toArray());
 * // [ [ [ 2 ], [ 2 ] ] ]
 * ```
 */
export function avgPool1d(
  x: TensorLike,
  poolSize: PoolSize,
  strides?: PoolSize,
  padding: PoolPadding = "valid",
): Tensor {
  return avgPool(x, 1, poolSize, strides, padding, "avgPool1d");
}

/**
 * Average pooling over 2-D windows of a [batch, height, width, channels]
 * tensor (TensorFlow.js's `tf.avgPool`, channels last):
 * y = sum(window) / count, count = the window's real (non-padded)
 * elements. Strides default to `poolSize`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.reshape([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 4, 1]);
 * console.log(tg.avgPool2d(x, 2).reshape([-1]).toArray()); // [ 3.5, 5.5 ]
 * ```
 */
export function avgPool2d(
  x: TensorLike,
  poolSize: PoolSize,
  strides?: PoolSize,
  padding: PoolPadding = "valid",
): Tensor {
  return avgPool(x, 2, poolSize, strides, padding, "avgPool2d");
}

/**
 * Average pooling over 3-D windows of a [batch, depth, height, width,
 * channels] tensor (TensorFlow.js's `tf.avgPool3d`, channels last):
 * y = sum(window) / count, count = the window's real (non-padded)
 * elements. Strides default to `poolSize`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.reshape([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2, 1]);
 * console.log(tg.avgPool3d(x, 2).reshape([-1]).toArray()); // [ 4.5 ]
 * ```
 */
export function avgPool3d(
  x: TensorLike,
  poolSize: PoolSize,
  strides?: PoolSize,
  padding: PoolPadding = "valid",
): Tensor {
  return avgPool(x, 3, poolSize, strides, padding, "avgPool3d");
}
