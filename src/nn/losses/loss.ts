// SPDX-License-Identifier: Apache-2.0
/**
 * The Loss base class and Keras 3's reductions: per-sample values are
 * weighed by `sampleWeight` (and by a mask, for losses that ignore some
 * entries), then reduced to a scalar.
 */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { broadcastShapes } from "../../core/shape.js";
import { Tensor, type TensorLike } from "../../core/tensor.js";
import { div, equal, logicalAnd, mul } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { toTensor } from "../../ops/convert.js";
import { sum } from "../../ops/reduction.js";
import { where } from "../../ops/select.js";
import { expandDims } from "../../ops/shape.js";
import { maskOf } from "../masks.js";
import { optionsOf, sameRank } from "./util.js";

/**
 * How a loss class reduces its per-sample values, as Keras 3 names them:
 *
 * - "sum_over_batch_size" (the default) and "mean": the weighted sum
 *   divided by the number of values (so a weight of 0 still counts in the
 *   divisor; in Keras 3 "mean" is the same as "sum_over_batch_size");
 * - "mean_with_sample_weight": the weighted sum divided by the sum of the
 *   sample weights (without weights, the same as "mean");
 * - "sum": the weighted sum;
 * - "none": the weighted values, unreduced.
 *
 * An empty batch reduces to 0 (Keras returns the empty values as they
 * are); a scalar loss (Dice and Tversky sum the whole batch by default)
 * is returned as it is, weighted.
 */
export type Reduction =
  "sum_over_batch_size" | "sum" | "mean" | "mean_with_sample_weight" | "none";

/** Every reduction, in the order error messages list them. */
export const REDUCTIONS: readonly Reduction[] = [
  "sum_over_batch_size",
  "sum",
  "mean",
  "mean_with_sample_weight",
  "none",
];

/** Options every loss class takes. */
export interface LossArgs {
  /**
   * Default "sum_over_batch_size", as Keras. null is "none" (Keras's
   * `reduction=None`).
   */
  reduction?: Reduction | null;
  /** A name; default the snake_case name of the loss. */
  name?: string;
}

/** The keys of {@link LossArgs}. @internal */
export const LOSS_KEYS = ["reduction", "name"] as const;

/** Per-sample values and, for losses that ignore entries, their mask. */
export interface LossValues {
  values: Tensor;
  /** 1 where a value counts, 0 where it is ignored; null: all count. */
  mask: Tensor | null;
}

/** The options object, its keys checked when `keys` is not null. */
function checkArgs(
  args: LossArgs,
  keys: readonly string[] | null,
  where: string,
): LossArgs {
  if (keys !== null) return optionsOf(args, keys, where);
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new ValueError(
      `${where}: expected an options object, got ${show(args)}`,
    );
  }
  return args;
}

/** Checks a reduction; null means "none". @internal */
export function checkReduction(value: unknown, where: string): Reduction {
  if (value === null) return "none";
  if (!REDUCTIONS.includes(value as Reduction)) {
    throw new ValueError(
      `${where}: expected reduction to be one of ${show(REDUCTIONS)}, ` +
        `got reduction=${show(value)}`,
    );
  }
  return value as Reduction;
}

/** a / b, or 0 where b is 0, with no NaN in the gradient (divide_no_nan). */
function divideNoNan(a: Tensor, b: Tensor): Tensor {
  const zero = equal(b, 0);
  return where(zero, 0, div(a, where(zero, 1, b)));
}

/**
 * Values and weights shaped to multiply: Keras's rank matching (which may
 * expand rank-1 values against [batch, 1] weights, as Keras does), then
 * broadcasting; where Keras's rule cannot broadcast but the weights' shape
 * is a leading part of the values' shape (weights [batch] against values
 * [batch, time]), the weights are expanded at the end.
 */
function matchWeights(
  values: Tensor,
  weights: Tensor,
  where: string,
): [Tensor, Tensor] {
  const [v, w] = sameRank(values, weights);
  if (broadcasts(v.shape, w.shape)) return [v, w];
  const prefix = w.shape.every((d, i) => d === v.shape[i] || d === 1);
  if (w.rank < v.rank && prefix) {
    let e = w;
    while (e.rank < v.rank) e = expandDims(e, -1);
    return [v, e];
  }
  throw new ShapeError(
    `${where}: expected sampleWeight of a shape that broadcasts against ` +
      `the losses' shape ${show(values.shape)}, got shape ` +
      show(weights.shape),
  );
}

function broadcasts(a: readonly number[], b: readonly number[]): boolean {
  try {
    broadcastShapes(a, b, "");
    return a.length >= b.length;
  } catch {
    return false;
  }
}

/**
 * Keras's apply_mask: the mask joins the sample weights; for the two
 * batch-size reductions it is scaled by total / valid so that the mean
 * runs over the entries that count.
 */
function applyMask(
  weights: Tensor | null,
  mask: Tensor,
  values: Tensor,
  reduction: Reduction,
): Tensor {
  let m = cast(mask, values.dtype);
  if (reduction === "mean" || reduction === "sum_over_batch_size") {
    let valid = 0;
    for (const v of m.data) valid += v;
    m = mul(m, valid === 0 ? 0 : m.size / valid);
  }
  if (weights === null) return m;
  const [a, b] = sameRank(m, weights);
  return mul(b, a);
}

/** Keras's reduce_values, on weighted values. */
function reduceValues(
  values: Tensor,
  weights: Tensor | null,
  reduction: Reduction,
): Tensor {
  if (reduction === "none" || values.rank === 0) return values;
  const total = sum(values);
  if (reduction === "sum") return total;
  if (reduction === "mean_with_sample_weight" && weights !== null) {
    return divideNoNan(total, sum(weights));
  }
  return values.size === 0 ? mul(total, 0) : div(total, values.size);
}

/**
 * Weighs per-sample losses and reduces them as Keras 3's
 * reduce_weighted_values does. `where` names the loss in errors.
 * @internal
 */
export function reduceWeightedValues(
  values: Tensor,
  sampleWeight: TensorLike | null | undefined,
  reduction: Reduction,
  mask: Tensor | null = null,
  where = "loss",
): Tensor {
  let w =
    sampleWeight === undefined || sampleWeight === null
      ? null
      : cast(toTensor(sampleWeight, where, values.dtype), values.dtype);
  if (mask !== null) w = applyMask(w, mask, values, reduction);
  let v = values;
  if (w !== null) {
    [v, w] = matchWeights(v, w, where);
    v = mul(v, w);
  }
  return reduceValues(v, w, reduction);
}

/**
 * Weighs per-sample losses and reduces them (the reduction of a loss
 * class, without a mask). @internal
 */
export function reduceLosses(
  values: Tensor,
  sampleWeight: TensorLike | undefined,
  reduction: Reduction,
): Tensor {
  return reduceWeightedValues(values, sampleWeight, reduction);
}

/**
 * The base of loss classes. `call(yTrue, yPred, sampleWeight?)` gives the
 * reduced loss; `fn(yTrue, yPred)` the per-sample values. Subclass it and
 * override `fn` for a custom loss (as Keras's `Loss.call`).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * class Quartic extends tg.losses.Loss {
 *   constructor(args: tg.losses.LossArgs = {}) {
 *     super(args, "quartic");
 *   }
 *   fn(yTrue: tg.TensorLike, yPred: tg.TensorLike): tg.Tensor {
 *     return tg.sub(yPred, yTrue).pow(4).mean(-1);
 *   }
 * }
 * const loss = new Quartic({ reduction: "sum" });
 * console.log(loss.call([[0], [0]], [[1], [2]]).item()); // 17
 * ```
 */
export abstract class Loss {
  /** How `call` reduces the per-sample values. */
  readonly reduction: Reduction;
  /** The loss's name. */
  readonly name: string;

  /**
   * `defaultName` is the name when `args.name` is absent. `optionKeys`, when
   * given, lists the subclass's own options: any other key of `args` (a
   * typo such as `from_logits`) is then a ValueError. A subclass of your
   * own that leaves it out may pass any options.
   */
  constructor(
    args: LossArgs = {},
    defaultName: string,
    optionKeys: readonly string[] | null = null,
  ) {
    const where = new.target.name;
    const keys = optionKeys === null ? null : [...LOSS_KEYS, ...optionKeys];
    const a = checkArgs(args, keys, where);
    this.reduction =
      a.reduction === undefined
        ? "sum_over_batch_size"
        : checkReduction(a.reduction, where);
    if (a.name !== undefined && typeof a.name !== "string") {
      throw new ValueError(
        `${where}: expected name to be a string, got name=${show(a.name)}`,
      );
    }
    this.name = a.name ?? defaultName;
  }

  /** The class name, as Keras writes it in configs. */
  get className(): string {
    return this.constructor.name;
  }

  /** The per-sample losses. */
  abstract fn(yTrue: TensorLike, yPred: TensorLike): Tensor;

  /** The per-sample losses and their mask; the default has no mask. */
  protected compute(yTrue: TensorLike, yPred: TensorLike): LossValues {
    return { values: this.fn(yTrue, yPred), mask: null };
  }

  /** The loss, weighed by `sampleWeight` and reduced. */
  call(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: TensorLike | null,
  ): Tensor {
    const computed = this.compute(yTrue, yPred);
    const values = computed.values;
    // As Keras 3: the mask a layer attached to the prediction (padding
    // of a sequence) joins the loss's own.
    const attached = yPred instanceof Tensor ? maskOf(yPred) : null;
    const mask =
      attached === null
        ? computed.mask
        : computed.mask === null
          ? attached
          : logicalAnd(attached, computed.mask);
    return reduceWeightedValues(
      values,
      sampleWeight,
      this.reduction,
      mask,
      this.className,
    );
  }

  /** The options that rebuild this loss, Keras's keys in camelCase. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: this.reduction };
  }

  /**
   * Rebuilds a loss of this class from `getConfig()` output (Keras's
   * `from_config`): `tg.losses.Huber.fromConfig(huber.getConfig())`.
   */
  static fromConfig<T extends Loss>(
    this: new (args: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(config as never);
  }
}
