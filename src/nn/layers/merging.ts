// SPDX-License-Identifier: Apache-2.0
/**
 * Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum,
 * Concatenate and Dot. Each takes a list of tensors (or of symbolic
 * tensors) and returns one tensor.
 */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import * as binary from "../../ops/binary.js";
import { matMul } from "../../ops/linalg.js";
import { min, sum } from "../../ops/reduction.js";
import {
  broadcastTo,
  concat,
  expandDims,
  reshape,
  transpose,
} from "../../ops/shape.js";
import { onesLike } from "../../ops/creation.js";
import { cast } from "../../ops/cast.js";
import { rsqrt, square } from "../../ops/unary.js";
import {
  Layer,
  type LayerArgs,
  type Mask,
  type SymbolicShape,
} from "./layer.js";

/** Options of the element-wise merging layers (Add, Multiply, ...). */
export type MergeArgs = LayerArgs;

type Dim = number | null;

/** The shape list a merging layer was given, or a ValueError. */
function shapeList(
  shapes: SymbolicShape | readonly SymbolicShape[],
  where: string,
): readonly SymbolicShape[] {
  const list = shapes as readonly unknown[];
  if (list.length === 0 || !list.every((s) => Array.isArray(s))) {
    throw new ValueError(
      `${where}: expected a list of at least 1 input tensor, got one ` +
        `input of shape ${show(shapes)}`,
    );
  }
  const out = shapes as readonly SymbolicShape[];
  out.forEach((s, i) => {
    if (s.length < 1) {
      throw new ShapeError(
        `${where}: expected inputs of rank >= 1 (with a batch dimension), ` +
          `got shape ${show(s)} as input ${i}`,
      );
    }
  });
  return out;
}

/** Tensors as a list, or a ValueError. */
function tensorList(inputs: unknown, where: string): Tensor[] {
  if (
    !Array.isArray(inputs) ||
    inputs.length === 0 ||
    !inputs.every((x) => x instanceof Tensor)
  ) {
    throw new ValueError(
      `${where}: expected a list of at least 1 input tensor, got ` +
        show(inputs),
    );
  }
  return inputs;
}

/** The one batch size of `shapes` (null if unknown), or a ShapeError. */
function batchOf(shapes: readonly SymbolicShape[], where: string): Dim {
  const known = [...new Set(shapes.map((s) => s[0]))].filter(
    (d) => d !== null && d !== undefined,
  );
  if (known.length > 1) {
    throw new ShapeError(
      `${where}: expected tensors of the same batch size, got shapes ` +
        shapes.map(show).join(", "),
    );
  }
  return known[0] ?? null;
}

/**
 * Keras's element-wise rule: the dimensions after the batch broadcast as
 * in NumPy (aligned at the end; equal, or one of them 1; unknown stays
 * unknown).
 */
function broadcastRest(
  a: readonly Dim[],
  b: readonly Dim[],
  where: string,
  shapes: [SymbolicShape, SymbolicShape],
): Dim[] {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  const lead = long.length - short.length;
  const out: Dim[] = long.slice(0, lead);
  for (let k = 0; k < short.length; k++) {
    const i = long[lead + k]!;
    const j = short[k]!;
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1 || i === j) out.push(i);
    else {
      throw new ShapeError(
        `${where}: merging tensors of incompatible shapes: expected ` +
          "dimensions after the batch that are equal or 1, got shapes " +
          `${show(shapes[0])} and ${show(shapes[1])}`,
      );
    }
  }
  return out;
}

/**
 * The base of the element-wise merging layers. Inputs of lower rank get
 * dimensions of 1 inserted after the batch dimension, then the inputs
 * broadcast; the batch sizes must agree.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.add() instanceof tg.layers.Merge); // true
 * ```
 */
export abstract class Merge extends Layer {
  /** The element-wise operation of two tensors. @internal */
  protected abstract merge(inputs: readonly Tensor[]): Tensor;

  /** Checks the number of inputs (at least 1 by default). @internal */
  protected checkCount(count: number): void {
    void count;
  }

  #where(): string {
    return `${this.className} "${this.name}"`;
  }

  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    this.computeOutputShape(inputShape);
  }

  override computeOutputShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape {
    const where = this.#where();
    const shapes = shapeList(inputShape, where);
    this.checkCount(shapes.length);
    const batch = batchOf(shapes, where);
    let rest: Dim[] = shapes[0]!.slice(1);
    let seen: SymbolicShape = shapes[0]!;
    for (const s of shapes.slice(1)) {
      rest = broadcastRest(rest, s.slice(1), where, [seen, s]);
      seen = s;
    }
    return [batch, ...rest];
  }

  /**
   * The inputs' masks combined (true where every input's mask is true),
   * as Keras; null when no input has one.
   */
  override computeMask(inputs: Tensor | Tensor[], mask: Mask): Mask {
    void inputs;
    if (!Array.isArray(mask)) return null;
    const given = (mask as readonly (Tensor | null)[]).filter(
      (m): m is Tensor => m !== null,
    );
    if (given.length === 0) return null;
    return given.slice(1).reduce((a, b) => binary.logicalAnd(a, b), given[0]!);
  }

  override call(inputs: readonly Tensor[]): Tensor {
    const xs = tensorList(inputs, this.#where());
    this.computeOutputShape(xs.map((x) => x.shape));
    const rank = Math.max(...xs.map((x) => x.rank));
    const expanded = xs.map((x) =>
      x.rank === rank
        ? x
        : reshape(x, [
            x.shape[0]!,
            ...new Array<number>(rank - x.rank).fill(1),
            ...x.shape.slice(1),
          ]),
    );
    return this.merge(expanded);
  }
}

/**
 * Adds a list of tensors element-wise: `y = x₁ + x₂ + ... + xₙ`.
 *
 * Input shapes: a list of [batch, ...] shapes that broadcast after the
 * batch dimension. Output shape: their broadcast.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Add();
 * const [a, b] = [tg.tensor([[1, 2]]), tg.tensor([[10, 20]])];
 * console.log(layer.apply([a, b]).toArray()); // [ [ 11, 22 ] ]
 * ```
 */
export class Add extends Merge {
  constructor(args: MergeArgs = {}) {
    super(args);
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return xs.slice(1).reduce((y, x) => binary.add(y, x), xs[0]!);
  }
}

/**
 * Subtracts two tensors element-wise: `y = x₁ − x₂`. Takes exactly 2
 * inputs.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.subtract();
 * const [a, b] = [tg.tensor([[5, 7]]), tg.tensor([[1, 2]])];
 * console.log(layer.apply([a, b]).toArray()); // [ [ 4, 5 ] ]
 * ```
 */
export class Subtract extends Merge {
  constructor(args: MergeArgs = {}) {
    super(args);
  }

  protected override checkCount(count: number): void {
    if (count !== 2) {
      throw new ValueError(
        `Subtract "${this.name}": expected exactly 2 inputs, got ${count}`,
      );
    }
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return binary.sub(xs[0]!, xs[1]!);
  }
}

/**
 * Multiplies a list of tensors element-wise: `y = x₁ · x₂ · ... · xₙ`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.multiply();
 * const [a, b] = [tg.tensor([[2, 3]]), tg.tensor([[4, 5]])];
 * console.log(layer.apply([a, b]).toArray()); // [ [ 8, 15 ] ]
 * ```
 */
export class Multiply extends Merge {
  constructor(args: MergeArgs = {}) {
    super(args);
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return xs.slice(1).reduce((y, x) => binary.mul(y, x), xs[0]!);
  }
}

/**
 * Averages a list of tensors element-wise: `y = (x₁ + ... + xₙ) / n`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.average();
 * const [a, b] = [tg.tensor([[1, 2]]), tg.tensor([[3, 5]])];
 * console.log(layer.apply([a, b]).toArray()); // [ [ 2, 3.5 ] ]
 * ```
 */
export class Average extends Merge {
  constructor(args: MergeArgs = {}) {
    super(args);
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    const total = xs.slice(1).reduce((y, x) => binary.add(y, x), xs[0]!);
    return binary.div(total, xs.length);
  }
}

/**
 * The element-wise maximum of a list of tensors.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.maximum();
 * const [a, b] = [tg.tensor([[1, 6]]), tg.tensor([[3, 2]])];
 * console.log(layer.apply([a, b]).toArray()); // [ [ 3, 6 ] ]
 * ```
 */
export class Maximum extends Merge {
  constructor(args: MergeArgs = {}) {
    super(args);
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return xs.slice(1).reduce((y, x) => binary.maximum(y, x), xs[0]!);
  }
}

/**
 * The element-wise minimum of a list of tensors.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.minimum();
 * const [a, b] = [tg.tensor([[1, 6]]), tg.tensor([[3, 2]])];
 * console.log(layer.apply([a, b]).toArray()); // [ [ 1, 2 ] ]
 * ```
 */
export class Minimum extends Merge {
  constructor(args: MergeArgs = {}) {
    super(args);
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return xs.slice(1).reduce((y, x) => binary.minimum(y, x), xs[0]!);
  }
}

/** Options of Concatenate. */
export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along. Default -1 (the last). */
  axis?: number;
}

/**
 * Joins a list of tensors along `axis` (default -1). The inputs have the
 * same rank and the same dimensions except along `axis`.
 *
 * Output shape: the input shape with the `axis` dimension summed.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.concatenate();
 * const y = layer.apply([tg.tensor([[1, 2]]), tg.tensor([[3]])]);
 * console.log(y.toArray()); // [ [ 1, 2, 3 ] ]
 * ```
 */
export class Concatenate extends Layer {
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new ValueError(
        `Concatenate: expected axis to be an integer, got axis=${show(axis)}`,
      );
    }
    super(args);
    this.axis = axis;
  }

  #where(): string {
    return `Concatenate "${this.name}"`;
  }

  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    this.computeOutputShape(inputShape);
  }

  override computeOutputShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape {
    const where = this.#where();
    const shapes = shapeList(inputShape, where);
    const rank = shapes[0]!.length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 0 || axis >= rank) {
      throw new ValueError(
        `${where}: expected axis in [${-rank}, ${rank}) for inputs of rank ` +
          `${rank}, got axis=${this.axis}`,
      );
    }
    const out: Dim[] = [...shapes[0]!];
    for (const s of shapes.slice(1)) {
      const fits =
        s.length === rank &&
        s.every(
          (d, k) => k === axis || d === null || out[k] === null || d === out[k],
        );
      if (!fits) {
        throw new ShapeError(
          `${where}: expected inputs of matching shapes except along axis ` +
            `${this.axis}, got shapes ${shapes.map(show).join(", ")}`,
        );
      }
      s.forEach((d, k) => {
        if (k === axis) {
          const o = out[k]!;
          out[k] = o === null || d === null ? null : o + d;
        } else if (out[k] === null) out[k] = d;
      });
    }
    return out;
  }

  override call(inputs: readonly Tensor[]): Tensor {
    const xs = tensorList(inputs, this.#where());
    this.computeOutputShape(xs.map((x) => x.shape));
    const rank = xs[0]!.rank;
    return concat(xs, this.axis < 0 ? this.axis + rank : this.axis);
  }

  /**
   * The inputs' masks concatenated as Keras does: an input without a mask
   * counts as all true, a mask of lower rank is broadcast over the
   * input's last axis, and the result is reduced with `all` over the last
   * axis. Null when no input has a mask.
   */
  override computeMask(inputs: Tensor | Tensor[], mask: Mask): Mask {
    if (!Array.isArray(mask) || !Array.isArray(inputs)) return null;
    const list = mask as readonly (Tensor | null)[];
    if (list.every((m) => m === null)) return null;
    const rank = inputs[0]!.rank;
    const full = inputs.map((x, i) => {
      const m = list[i] ?? null;
      if (m === null) return cast(onesLike(x), "bool");
      return m.rank < x.rank ? broadcastTo(expandDims(m, -1), x.shape) : m;
    });
    const joined = concat(full, this.axis < 0 ? this.axis + rank : this.axis);
    return cast(min(cast(joined, "float32"), -1), "bool");
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** Options of Dot. */
export interface DotArgs extends LayerArgs {
  /**
   * The axis of each input to sum the products over: one number for both,
   * or [axis1, axis2]. Negative values count from the end; the batch axis
   * 0 cannot be one.
   */
  axes: number | readonly [number, number];
  /**
   * Whether to L2-normalize both inputs along their `axes` first, so that
   * the output is the cosine similarity. Default false.
   */
  normalize?: boolean;
}

/** Keras's epsilon for normalizing: 1/norm is capped at 1e7. */
const EPSILON = 1e-7;

/**
 * The dot product of the samples of two tensors along the given axes:
 * for each batch index b,
 * `y[b] = Σₖ x₁[b, ..., k, ...] · x₂[b, ..., k, ...]`
 * (Keras's `batch_dot`). The remaining dimensions of x₁ come first, then
 * those of x₂; an output of rank 1 becomes [batch, 1]. With `normalize`,
 * each input is first scaled along its axis by `min(1/‖x‖₂, 1e7)`, as
 * Keras 3's `normalize` (so a zero vector stays zero).
 *
 * Input shapes: two shapes [batch, ...] of rank >= 2. Output shape: x₁'s
 * shape without `axes[0]`, then x₂'s without the batch and `axes[1]`.
 *
 * Unlike Keras, whose axes are taken modulo the rank, an axis outside
 * [-rank, rank) is an error.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.dot({ axes: 1 });
 * const a = tg.tensor([[1, 2], [3, 4]]);
 * const y = layer.apply([a, tg.tensor([[5, 6], [7, 8]])]);
 * console.log(y.toArray()); // [ [ 17 ], [ 53 ] ]
 * ```
 */
export class Dot extends Layer {
  readonly axes: number | readonly [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `Dot: expected an options object, got ${show(args)}`,
      );
    }
    const { axes } = args;
    const valid =
      Number.isInteger(axes) ||
      (Array.isArray(axes) &&
        axes.length === 2 &&
        axes.every((a) => Number.isInteger(a)));
    if (!valid) {
      throw new ValueError(
        "Dot: expected axes to be an integer or a pair of integers, got " +
          `axes=${show(axes)}`,
      );
    }
    super(args);
    this.axes = Array.isArray(axes) ? [axes[0]!, axes[1]!] : axes;
    this.normalize = args.normalize ?? false;
  }

  #where(): string {
    return `Dot "${this.name}"`;
  }

  /** The two axes, non-negative, checked against the shapes. */
  #axesFor(shapes: readonly SymbolicShape[]): [number, number] {
    const where = this.#where();
    const pair =
      typeof this.axes === "number" ? [this.axes, this.axes] : this.axes;
    return [0, 1].map((i) => {
      const rank = shapes[i]!.length;
      const a = pair[i]!;
      const k = a < 0 ? a + rank : a;
      if (k < 1 || k >= rank) {
        throw new ValueError(
          `${where}: expected axes[${i}] in [1, ${rank}) or [${-rank + 1}, ` +
            `-1] (not the batch axis) for input ${i} of rank ${rank}, got ` +
            `axes=${show(this.axes)}`,
        );
      }
      return k;
    }) as [number, number];
  }

  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    this.computeOutputShape(inputShape);
  }

  override computeOutputShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape {
    const where = this.#where();
    const shapes = shapeList(inputShape, where);
    if (shapes.length !== 2) {
      throw new ValueError(
        `${where}: expected a list of exactly 2 inputs, got ${shapes.length}`,
      );
    }
    const [s1, s2] = shapes as [SymbolicShape, SymbolicShape];
    const batch = batchOf(shapes, where);
    const [a1, a2] = this.#axesFor(shapes);
    const d1 = s1[a1]!;
    const d2 = s2[a2]!;
    if (d1 !== null && d2 !== null && d1 !== d2) {
      throw new ShapeError(
        `${where}: expected the axes to have the same size, got ${d1} ` +
          `(axis ${a1} of shape ${show(s1)}) and ${d2} (axis ${a2} of shape ` +
          `${show(s2)})`,
      );
    }
    const rest1 = s1.filter((_, k) => k !== 0 && k !== a1);
    const rest2 = s2.filter((_, k) => k !== 0 && k !== a2);
    const out = [batch, ...rest1, ...rest2];
    return out.length === 1 ? [batch, 1] : out;
  }

  override call(inputs: readonly Tensor[]): Tensor {
    const xs = tensorList(inputs, this.#where());
    const outShape = this.computeOutputShape(xs.map((x) => x.shape));
    let [x1, x2] = xs as [Tensor, Tensor];
    const [a1, a2] = this.#axesFor([x1.shape, x2.shape]);
    if (this.normalize) {
      x1 = l2Normalize(x1, a1);
      x2 = l2Normalize(x2, a2);
    }
    // Bring x1 to [batch, rest1..., k] and x2 to [batch, k, rest2...],
    // then one batched matrix product.
    const others = (r: number, a: number) =>
      Array.from({ length: r }, (_, k) => k).filter((k) => k !== 0 && k !== a);
    const o1 = others(x1.rank, a1);
    const o2 = others(x2.rank, a2);
    const batch = x1.shape[0]!;
    const depth = x1.shape[a1]!;
    const size = (t: Tensor, ks: number[]) =>
      ks.reduce((n, k) => n * t.shape[k]!, 1);
    const m1 = reshape(transpose(x1, [0, ...o1, a1]), [
      batch,
      size(x1, o1),
      depth,
    ]);
    const m2 = reshape(transpose(x2, [0, a2, ...o2]), [
      batch,
      depth,
      size(x2, o2),
    ]);
    return reshape(matMul(m1, m2), outShape as number[]);
  }

  override getConfig(): Record<string, unknown> {
    const axes = typeof this.axes === "number" ? this.axes : [...this.axes];
    return { ...super.getConfig(), axes, normalize: this.normalize };
  }
}

/** x · min(1/‖x‖₂, 1/ε) along `axis`, as Keras 3's `normalize`. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  const inv = binary.minimum(rsqrt(sum(square(x), axis, true)), 1 / EPSILON);
  return binary.mul(x, inv);
}

/**
 * Creates an {@link Add} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const a = tg.input({ shape: [3] });
 * const b = tg.input({ shape: [3] });
 * console.log(tg.layers.add().apply([a, b]).shape); // [ null, 3 ]
 * ```
 */
export function add(args: MergeArgs = {}): Add {
  return new Add(args);
}

/**
 * Creates a {@link Subtract} layer (exactly 2 inputs).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.layers.subtract().apply([tg.ones([1, 2]), tg.ones([1, 1])]);
 * console.log(y.toArray()); // [ [ 0, 0 ] ]
 * ```
 */
export function subtract(args: MergeArgs = {}): Subtract {
  return new Subtract(args);
}

/**
 * Creates a {@link Multiply} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.multiply();
 * const y = layer.apply([tg.fill([1, 2], 3), tg.fill([1, 2], 2)]);
 * console.log(y.toArray()); // [ [ 6, 6 ] ]
 * ```
 */
export function multiply(args: MergeArgs = {}): Multiply {
  return new Multiply(args);
}

/**
 * Creates an {@link Average} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.layers.average().apply([tg.zeros([1, 2]), tg.ones([1, 2])]);
 * console.log(y.toArray()); // [ [ 0.5, 0.5 ] ]
 * ```
 */
export function average(args: MergeArgs = {}): Average {
  return new Average(args);
}

/**
 * Creates a {@link Maximum} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.layers.maximum().apply([tg.zeros([1, 2]), tg.ones([1, 2])]);
 * console.log(y.toArray()); // [ [ 1, 1 ] ]
 * ```
 */
export function maximum(args: MergeArgs = {}): Maximum {
  return new Maximum(args);
}

/**
 * Creates a {@link Minimum} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const y = tg.layers.minimum().apply([tg.zeros([1, 2]), tg.ones([1, 2])]);
 * console.log(y.toArray()); // [ [ 0, 0 ] ]
 * ```
 */
export function minimum(args: MergeArgs = {}): Minimum {
  return new Minimum(args);
}

/**
 * Creates a {@link Concatenate} layer (default axis -1).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.concatenate({ axis: 0 });
 * const y = layer.apply([tg.ones([1, 2]), tg.zeros([1, 2])]);
 * console.log(y.toArray()); // [ [ 1, 1 ], [ 0, 0 ] ]
 * ```
 */
export function concatenate(args: ConcatenateArgs = {}): Concatenate {
  return new Concatenate(args);
}

/**
 * Creates a {@link Dot} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.dot({ axes: -1 });
 * const y = layer.apply([tg.ones([2, 3]), tg.ones([2, 3])]);
 * console.log(y.toArray()); // [ [ 3 ], [ 3 ] ]
 * ```
 */
export function dot(args: DotArgs): Dot {
  return new Dot(args);
}
