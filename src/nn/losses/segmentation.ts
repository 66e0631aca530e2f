// SPDX-License-Identifier: Apache-2.0
/**
 * Segmentation losses, with Keras 3's formulas: Dice and Tversky. Their
 * sums run over `axis`; with the default (null) they run over every axis,
 * so the whole batch gives one value.
 */
import { ValueError, show } from "../../core/errors.js";
import { normalizeAxes } from "../../core/shape.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { add, div, mul, sub } from "../../ops/binary.js";
import { sum } from "../../ops/reduction.js";
import { Loss, type LossArgs } from "./loss.js";
import { EPSILON, checkNumber, optionsOf, pair } from "./util.js";

/** The axes the sums of Dice and Tversky run over; null: all of them. */
export type SegmentationAxis = number | readonly number[] | null;

function checkAxes(value: unknown, where: string): SegmentationAxis {
  const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);
  if (value === null || isInt(value)) return value as number | null;
  if (Array.isArray(value) && value.every(isInt)) {
    return (value as number[]).slice();
  }
  throw new ValueError(
    `${where}: expected axis to be an integer, a list of integers or null, ` +
      `got axis=${show(value)}`,
  );
}

/** The sum over `axis` (null: all axes), checked against the rank. */
function sumOver(x: Tensor, axis: SegmentationAxis, where: string): Tensor {
  return sum(x, normalizeAxes(axis, x.rank, where));
}

/**
 * The Dice loss: `1 − 2·Σ(yTrue·yPred) / (Σ yTrue + Σ yPred + 1e-7)`, the
 * sums over `axis` (default null: every axis, one value for the batch).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const yTrue = [[1, 1, 0, 0], [1, 1, 0, 0]];
 * const yPred = [[0, 1, 0, 1], [0.4, 0, 0, 0.9]];
 * console.log(tg.losses.dice(yTrue, yPred, 1).toArray()); // [ 0.5, 0.7575757503509521 ]
 * ```
 */
export function dice(
  yTrue: TensorLike,
  yPred: TensorLike,
  axis: SegmentationAxis = null,
): Tensor {
  const a = checkAxes(axis, "dice");
  const [t, p] = pair(yTrue, yPred, "dice");
  const intersection = sumOver(mul(t, p), a, "dice");
  const total = add(add(sumOver(t, a, "dice"), sumOver(p, a, "dice")), EPSILON);
  return sub(1, div(mul(intersection, 2), total));
}

/** Options of {@link tversky}. */
export interface TverskyOptions {
  /** The weight of Σ(1 − yPred)·yTrue, >= 0. Default 0.5. */
  alpha?: number;
  /** The weight of Σ yPred·(1 − yTrue), >= 0. Default 0.5. */
  beta?: number;
  /** The axes of the sums; null (the default) sums every axis. */
  axis?: SegmentationAxis;
}

const TVERSKY_KEYS = ["alpha", "beta", "axis"] as const;

interface CheckedTversky {
  alpha: number;
  beta: number;
  axis: SegmentationAxis;
}

function checkTversky(
  o: TverskyOptions | undefined,
  where: string,
): CheckedTversky {
  const a = optionsOf(o, TVERSKY_KEYS, where);
  const weight = (v: unknown, name: string) =>
    checkNumber(v, name, where, (x) => x >= 0, ">= 0");
  return {
    alpha: weight(a.alpha ?? 0.5, "alpha"),
    beta: weight(a.beta ?? 0.5, "beta"),
    axis: checkAxes(a.axis ?? null, where),
  };
}

/**
 * The Tversky loss, Keras 3's formula: with I = Σ yTrue·yPred,
 * `1 − I / (I + α·Σ(1 − yPred)·yTrue + β·Σ yPred·(1 − yTrue) + 1e-7)`, the
 * sums over `axis` (default null: every axis). α = β = 0.5 gives Dice.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const yTrue = [[1, 1, 0, 0]];
 * const yPred = [[0, 1, 0, 1]];
 * console.log(tg.losses.tversky(yTrue, yPred, { alpha: 0.7, beta: 0.3 }).toArray());
 * // 0.5
 * ```
 */
export function tversky(
  yTrue: TensorLike,
  yPred: TensorLike,
  options?: TverskyOptions,
): Tensor {
  const o = checkTversky(options, "tversky");
  const [t, p] = pair(yTrue, yPred, "tversky");
  const intersection = sumOver(mul(t, p), o.axis, "tversky");
  const missed = sumOver(mul(sub(1, p), t), o.axis, "tversky");
  const extra = sumOver(mul(p, sub(1, t)), o.axis, "tversky");
  const denominator = add(
    add(add(intersection, mul(missed, o.alpha)), mul(extra, o.beta)),
    EPSILON,
  );
  return sub(1, div(intersection, denominator));
}

/** Options of {@link Dice}. */
export interface DiceArgs extends LossArgs {
  /** The axes of the sums; null (the default) sums every axis. */
  axis?: SegmentationAxis;
}

function configAxis(axis: SegmentationAxis): number | number[] | null {
  return axis === null || typeof axis === "number" ? axis : [...axis];
}

/**
 * The Dice loss as a class (see {@link dice}). Default axis null (one
 * value for the whole batch, which the reduction leaves as it is); name
 * "dice".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.Dice({ axis: 1 });
 * console.log(loss.call([[1, 0], [1, 1]], [[1, 0], [0, 0]]).item()); // 0.5
 * ```
 */
export class Dice extends Loss {
  /** The axes of the sums. */
  readonly axis: SegmentationAxis;

  constructor(args: DiceArgs = {}) {
    super(args, "dice", ["axis"]);
    this.axis = checkAxes(args.axis ?? null, "Dice");
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return dice(yTrue, yPred, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: configAxis(this.axis) };
  }
}

/** Options of {@link Tversky}. */
export interface TverskyArgs extends LossArgs, TverskyOptions {}

/**
 * The Tversky loss as a class (see {@link tversky}). Defaults alpha 0.5,
 * beta 0.5, axis null; name "tversky".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.Tversky({ alpha: 0, beta: 1 });
 * console.log(loss.call([[1, 1, 0, 0]], [[0, 1, 0, 1]]).item()); // 0.5
 * ```
 */
export class Tversky extends Loss {
  readonly alpha: number;
  readonly beta: number;
  readonly axis: SegmentationAxis;

  constructor(args: TverskyArgs = {}) {
    super(args, "tversky", TVERSKY_KEYS);
    const { alpha, beta, axis } = args;
    const o = checkTversky({ alpha, beta, axis }, "Tversky");
    this.alpha = o.alpha;
    this.beta = o.beta;
    this.axis = o.axis;
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    const { alpha, beta, axis } = this;
    return tversky(yTrue, yPred, { alpha, beta, axis });
  }

  override getConfig(): Record<string, unknown> {
    const { alpha, beta } = this;
    return { ...super.getConfig(), alpha, beta, axis: configAxis(this.axis) };
  }
}
