// SPDX-License-Identifier: Apache-2.0
/**
 * Preprocessing layers: Normalization, which standardizes features with a
 * mean and variance given or learned by `adapt(data)`.
 */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { shapesEqual } from "../../core/shape.js";
import { Tensor, type TensorLike } from "../../core/tensor.js";
import { add, div, maximum, mul, sub } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { toTensor } from "../../ops/convert.js";
import { mean as meanOf } from "../../ops/reduction.js";
import { broadcastTo, reshape } from "../../ops/shape.js";
import { sqrt, square } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { Dataset } from "../data/dataset.js";
import { Layer, type LayerArgs, type SymbolicShape } from "./layer.js";

/** Keras's `backend.epsilon()`: the floor of the standard deviation. */
const EPSILON = 1e-7;

/** A mean or variance given to Normalization: a number or nested lists. */
export type NormalizationStat = number | readonly unknown[] | Tensor;

/** Options of Normalization, with Keras's names and defaults. */
export interface NormalizationArgs extends LayerArgs {
  /**
   * The axis or axes that keep their own statistics (features); the others
   * are reduced over. null: one mean and variance for everything. Default
   * -1 (one per feature of the last axis).
   */
  axis?: number | readonly number[] | null;
  /**
   * The mean: a number, or values whose axes match the kept axes from the
   * right (one per feature for axis -1), as in Keras. Give it with
   * `variance` (of the same shape), or call `adapt` instead.
   */
  mean?: NormalizationStat | null;
  /** The variance, shaped as `mean`. */
  variance?: NormalizationStat | null;
  /** Whether to undo the normalization: `mean + x · std`. Default false. */
  invert?: boolean;
}

/** What `adapt` takes: values, a tensor, or a tg.data dataset of batches. */
export type AdaptData = TensorLike | Dataset<unknown>;

function statToConfig(v: NormalizationStat | undefined): unknown {
  if (v === undefined) return null;
  return v instanceof Tensor ? v.toArray() : v;
}

/**
 * Standardizes features: `y = (x - mean) / max(sqrt(variance), 1e-7)`
 * (Keras 3's formula, whose 1e-7 is `backend.epsilon()`), or with `invert:
 * true`, `y = mean + x · max(sqrt(variance), 1e-7)`.
 *
 * The mean and variance are given as options (numbers or lists broadcast
 * to the kept axes), or learned by `adapt(data)`, which computes them over
 * the data's other axes (the population variance, dividing by the count),
 * then stores them in the layer's non-trainable weights, "mean"
 * (initially zeros) and "variance" (initially ones), which are followed,
 * as in Keras 3, by an int32 scalar "count" kept for compatibility (always
 * 0). `adapt` accepts an
 * array, a tensor, or a tg.data dataset of batches (or of (x, y) tuples
 * of batches, of which it reads x), which it combines batch by batch as
 * Keras does; as in Keras, dataset elements must be batches; the statistics are computed in float64
 * (Keras computes them in float32). A layer given mean and variance has no
 * weights.
 *
 * Input shape: any, with the kept axes known. Output shape: the input's,
 * in the layer's dtype. Options: `axis` (default -1), `mean`, `variance`,
 * `invert` (default false).
 *
 * TensorFlow.js has no Normalization layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Normalization();
 * layer.adapt([[0, 7], [2, 9], [0, 7], [2, 9]]);
 * console.log(layer.apply([[0, 9]]).toArray()); // [ [ -1, 1 ] ]
 * const fixed = new tg.layers.Normalization({ mean: 3, variance: 4 });
 * console.log(fixed.apply([[1], [5]]).toArray()); // [ [ -1 ], [ 1 ] ]
 * ```
 */
export class Normalization extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly axis: readonly number[] | null;
  readonly invert: boolean;
  readonly #axisArg: number | readonly number[] | null;
  readonly #mean: NormalizationStat | undefined;
  readonly #variance: NormalizationStat | undefined;
  #keep: number[] = [];
  #reduce: number[] = [];
  #broadcastShape: number[] = [];
  #statShape: number[] = [];
  #meanValue: Tensor | null = null;
  #varianceValue: Tensor | null = null;
  #meanWeight: Variable | null = null;
  #varianceWeight: Variable | null = null;

  constructor(args: NormalizationArgs = {}) {
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `Normalization: expected an options object, got ${show(args)}`,
      );
    }
    const axis = args.axis === undefined ? -1 : args.axis;
    const axes =
      axis === null ? null : typeof axis === "number" ? [axis] : axis;
    if (
      axes !== null &&
      (!Array.isArray(axes) || !axes.every((a) => Number.isInteger(a)))
    ) {
      throw new ValueError(
        `Normalization: expected axis to be an integer, a list of them or ` +
          `null, got axis=${show(axis)}`,
      );
    }
    if (((args.mean ?? null) === null) !== ((args.variance ?? null) === null)) {
      throw new ValueError(
        `Normalization: expected both mean and variance, or neither, got ` +
          `mean=${show(args.mean)}, variance=${show(args.variance)}`,
      );
    }
    const invert = args.invert ?? false;
    if (typeof invert !== "boolean") {
      throw new ValueError(
        `Normalization: expected invert to be a boolean, got ` +
          `invert=${show(invert)}`,
      );
    }
    if (args.mean !== undefined && args.mean !== null) {
      const m = toTensor(args.mean, "Normalization");
      const v = toTensor(args.variance, "Normalization");
      if (!shapesEqual(m.shape, v.shape)) {
        throw new ShapeError(
          `Normalization: expected mean and variance of the same shape, got ` +
            `shapes ${show(m.shape)} and ${show(v.shape)}`,
        );
      }
      const kept = axes === null ? 0 : axes.length;
      if (m.rank > kept) {
        throw new ShapeError(
          `Normalization: expected mean of rank <= ${kept} (the number of ` +
            `kept axes), got shape ${show(m.shape)}`,
        );
      }
    }
    super(args);
    this.#axisArg = axis;
    this.axis = axes === null ? null : [...(axes as readonly number[])];
    this.invert = invert;
    this.#mean = args.mean ?? undefined;
    this.#variance = args.variance ?? undefined;
  }

  /** The mean used, in the broadcast shape. Exists once built. */
  get mean(): Tensor {
    return this.#stats()[0];
  }

  /** The variance used, in the broadcast shape. Exists once built. */
  get variance(): Tensor {
    return this.#stats()[1];
  }

  #stats(): [Tensor, Tensor] {
    if (!this.built) {
      throw new ValueError(
        `Normalization "${this.name}": the statistics do not exist until the ` +
          "layer is built; apply or adapt it first",
      );
    }
    if (this.#meanWeight && this.#varianceWeight) {
      return [
        reshape(this.#meanWeight, this.#broadcastShape),
        reshape(this.#varianceWeight, this.#broadcastShape),
      ];
    }
    return [this.#meanValue!, this.#varianceValue!];
  }

  #axes(inputShape: SymbolicShape): number[] {
    const rank = inputShape.length;
    const keep = (this.axis ?? []).map((a) => {
      if (a < -rank || a >= rank) {
        throw new ValueError(
          `Normalization "${this.name}": expected axis in [${-rank}, ` +
            `${rank}) for an input of shape ${show(inputShape)}, got ` +
            `axis=${a}`,
        );
      }
      return a < 0 ? a + rank : a;
    });
    for (const a of keep) {
      if (inputShape[a] === null || inputShape[a] === undefined) {
        throw new ValueError(
          `Normalization "${this.name}": expected the kept axis ${a} to have ` +
            `a known size, got shape ${show(inputShape)}`,
        );
      }
    }
    return [...new Set(keep)].sort((a, b) => a - b);
  }

  override build(inputShape: SymbolicShape): void {
    const keep = this.#axes(inputShape);
    const broadcastShape = inputShape.map((d, i) =>
      keep.includes(i) ? (d as number) : 1,
    );
    const statShape = keep.map((a) => inputShape[a] as number);
    let meanValue: Tensor | null = null;
    let varianceValue: Tensor | null = null;
    if (this.#mean !== undefined && this.#variance !== undefined) {
      const where = `Normalization "${this.name}"`;
      // As Keras: the stat's axes align with the kept axes, right to left.
      const fit = (v: NormalizationStat, key: string): Tensor => {
        const t = cast(toTensor(v, where, this.dtype), this.dtype);
        const expanded = inputShape.map(() => 1);
        for (let i = 1; i <= t.rank; i++) {
          expanded[keep[keep.length - i]!] = t.shape[t.rank - i]!;
        }
        try {
          return broadcastTo(reshape(t, expanded), broadcastShape);
        } catch {
          throw new ShapeError(
            `${where}: expected ${key} to broadcast to the kept axes, of ` +
              `sizes ${show(statShape)}, got shape ${show(t.shape)}`,
          );
        }
      };
      meanValue = fit(this.#mean, "mean");
      varianceValue = fit(this.#variance, "variance");
    }
    this.#keep = keep;
    this.#reduce = inputShape.map((_, i) => i).filter((i) => !keep.includes(i));
    this.#broadcastShape = broadcastShape;
    this.#statShape = statShape;
    this.#meanValue = meanValue;
    this.#varianceValue = varianceValue;
    if (meanValue === null) {
      this.#meanWeight = this.addWeight("mean", {
        shape: statShape,
        initializer: "zeros",
        trainable: false,
      });
      this.#varianceWeight = this.addWeight("variance", {
        shape: statShape,
        initializer: "ones",
        trainable: false,
      });
      // Keras 3 keeps an int "count" weight (always 0) for old saved models;
      // it is here too, so that weight lists match Keras's.
      this.addWeight("count", {
        shape: [],
        dtype: "int32",
        initializer: "zeros",
        trainable: false,
      });
    }
  }

  #checkShape(shape: readonly (number | null)[], what: string): void {
    const built = this._buildShape;
    const ok =
      built !== null &&
      shape.length === built.length &&
      this.#keep.every((a) => shape[a] === this.#broadcastShape[a]);
    if (!ok) {
      throw new ShapeError(
        `Normalization "${this.name}": expected ${what} of rank ` +
          `${built?.length ?? "?"} with sizes ${show(this.#statShape)} on ` +
          `axes ${show(this.#keep)}, got shape ${show(shape)}`,
      );
    }
  }

  override call(x: Tensor): Tensor {
    this.#checkShape(x.shape, "an input");
    const y = cast(x, this.dtype);
    const [m, v] = this.#stats();
    const std = maximum(sqrt(v), EPSILON);
    return this.invert ? add(m, mul(y, std)) : div(sub(y, m), std);
  }

  /**
   * Computes the mean and variance of `data` over the axes not kept, and
   * stores them. `data` is an array, a tensor, or a tg.data dataset of
   * batches (an async dataset makes `adapt` return a Promise). Builds the
   * layer from the data's shape if needed. Throws, changing nothing, for
   * data of the wrong shape, an empty dataset, or a layer given mean and
   * variance.
   */
  adapt(data: AdaptData): void | Promise<void> {
    if (this.#mean !== undefined) {
      throw new ValueError(
        `Normalization "${this.name}".adapt: cannot adapt a layer given ` +
          "mean and variance",
      );
    }
    if (data instanceof Dataset) {
      if (data.isAsync) {
        return (async () => {
          const batches: Tensor[] = [];
          for await (const b of data) batches.push(this.#batch(b));
          this.#adaptBatches(batches);
        })();
      }
      const batches: Tensor[] = [];
      for (const b of data as Iterable<unknown>) {
        batches.push(this.#batch(b));
      }
      this.#adaptBatches(batches);
      return;
    }
    this.#adaptBatches([this.#batch(data)]);
  }

  #batch(b: unknown): Tensor {
    // A dataset of (x, y) tuples: adapt reads x, as Keras does.
    if (Array.isArray(b) && b.length > 0 && b[0] instanceof Tensor) {
      b = b[0];
    }
    return cast(toTensor(b, `Normalization "${this.name}".adapt`), "float64");
  }

  #adaptBatches(batches: readonly Tensor[]): void {
    const where = `Normalization "${this.name}".adapt`;
    if (batches.length === 0) {
      throw new ValueError(`${where}: expected data, got an empty dataset`);
    }
    const first = batches[0]!.shape;
    if (!this.built) this.#axes(first);
    const ref = this.built ? null : first;
    for (const b of batches) {
      if (this.built) this.#checkShape(b.shape, "data");
      else if (
        b.shape.length !== ref!.length ||
        (this.axis ?? []).some((a) => {
          const i = a < 0 ? a + b.shape.length : a;
          return b.shape[i] !== ref![i];
        })
      ) {
        throw new ShapeError(
          `${where}: expected every batch to match the first, of shape ` +
            `${show(ref)} on the kept axes, got shape ${show(b.shape)}`,
        );
      }
    }
    if (!this.built) this.build([null, ...first.slice(1)]);
    let totalMean: Tensor | null = null;
    let totalVar: Tensor | null = null;
    let totalCount = 0;
    for (const b of batches) {
      const axes = this.#reduce;
      const m = meanOf(b, axes, true);
      const v = meanOf(square(sub(b, m)), axes, true);
      const count = axes.reduce((n, a) => n * b.shape[a]!, 1);
      if (count === 0) continue;
      totalCount += count;
      const w = count / totalCount;
      if (totalMean === null || totalVar === null) {
        totalMean = m;
        totalVar = v;
        continue;
      }
      const newMean = add(mul(totalMean, 1 - w), mul(m, w));
      totalVar = add(
        mul(add(totalVar, square(sub(totalMean, newMean))), 1 - w),
        mul(add(v, square(sub(m, newMean))), w),
      );
      totalMean = newMean;
    }
    if (totalMean === null || totalVar === null) {
      throw new ValueError(`${where}: expected data, got no values`);
    }
    this.#meanWeight!.assign(
      cast(reshape(totalMean, this.#statShape), this.dtype),
    );
    this.#varianceWeight!.assign(
      cast(reshape(totalVar, this.#statShape), this.dtype),
    );
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.#axisArg,
      mean: statToConfig(this.#mean),
      variance: statToConfig(this.#variance),
      invert: this.invert,
    };
  }
}

/**
 * Creates a {@link Normalization} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.normalization({ mean: [1, 2], variance: [1, 4] });
 * console.log(layer.apply([[2, 6]]).toArray()); // [ [ 1, 2 ] ]
 * ```
 */
export function normalization(args: NormalizationArgs = {}): Normalization {
  return new Normalization(args);
}
