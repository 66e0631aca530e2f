// SPDX-License-Identifier: Apache-2.0
/**
 * Crossentropy losses with Keras 3's formulas (as its TensorFlow backend
 * computes them): binary and categorical crossentropy, their focal forms,
 * and sparse categorical crossentropy.
 *
 * From probabilities, predictions are clipped to [ε, 1 − ε] with
 * ε = 1e-7 before the logarithm (and categorical predictions are first
 * divided by their sum). From logits, the losses use the stable forms:
 * `max(z, 0) − z·t + log(1 + e^(−|z|))` for sigmoid crossentropy and
 * `logSumExp(z) − z` for softmax crossentropy, so large logits stay
 * finite.
 *
 * Differences, where tensorgrad follows Keras's formulas:
 * - TensorFlow.js's `tf.losses.logLoss` adds ε inside the logarithms
 *   (`−t·log(p + ε) − (1 − t)·log(1 − p + ε)`) instead of clipping p; its
 *   `sigmoidCrossEntropy`, `softmaxCrossEntropy` (label smoothing
 *   included) and `tf.metrics` crossentropies agree with Keras.
 * - Keras's TensorFlow backend, given probabilities that a sigmoid or
 *   softmax layer produced, quietly computes from that layer's logits
 *   instead (its `_keras_logits`); tensorgrad computes from the
 *   probabilities it is given, clipped. Use `fromLogits: true` on a linear
 *   output for the stable form.
 * - Categorical label smoothing divides by the number of classes along
 *   `axis`; Keras divides by the size of the last axis whatever `axis` is
 *   (the same for the default −1).
 */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { warn } from "../../core/log.js";
import { shapesEqual } from "../../core/shape.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { add, div, maximum, mul, pow, sub } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { make, toTensor } from "../../ops/convert.js";
import { logSumExp, mean, sum } from "../../ops/reduction.js";
import { clip, where as select } from "../../ops/select.js";
import { expandDims, oneHot, squeeze } from "../../ops/shape.js";
import { exp, log, log1p, neg, sigmoid } from "../../ops/unary.js";
import { logSoftmax, softmax } from "../activations.js";
import { Loss, type LossArgs, type LossValues } from "./loss.js";
import {
  EPSILON,
  axisIn,
  checkAxisOption,
  checkBoolean,
  checkLabelSmoothing,
  checkNumber,
  optionsOf,
  predictions,
  samePair,
} from "./util.js";

/** Options of the binary and categorical crossentropies. */
export interface CrossentropyOptions {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /**
   * In [0, 1]; 0 (the default) leaves labels as they are. Binary: labels
   * become `t·(1 − s) + s / 2`; categorical: `t·(1 − s) + s / classes`.
   */
  labelSmoothing?: number;
  /** The axis of the classes (or of the mean, for binary). Default −1. */
  axis?: number;
}

const CE_KEYS = ["fromLogits", "labelSmoothing", "axis"] as const;

interface CheckedCE {
  fromLogits: boolean;
  labelSmoothing: number;
  axis: number;
}

function checkCE(o: CrossentropyOptions | undefined, where: string): CheckedCE {
  const a = optionsOf(o, CE_KEYS, where);
  return {
    fromLogits: checkBoolean(a.fromLogits ?? false, "fromLogits", where),
    labelSmoothing: checkLabelSmoothing(a.labelSmoothing ?? 0, where),
    axis: checkAxisOption(a.axis ?? -1, where),
  };
}

/** The mean along `axis`, a scalar staying as it is. */
function meanAlong(x: Tensor, axis: number, where: string): Tensor {
  return x.rank === 0 ? x : mean(x, axisIn(axis, x.rank, where));
}

/** Elementwise crossentropy of probabilities p (clipped) against t. */
function bceOfProbabilities(t: Tensor, p: Tensor): Tensor {
  const q = clip(p, EPSILON, 1 - EPSILON);
  const positive = mul(t, log(q));
  const negative = mul(sub(1, t), log(sub(1, q)));
  return neg(add(positive, negative));
}

/** Elementwise sigmoid crossentropy of logits z against t, stably. */
function bceOfLogits(t: Tensor, z: Tensor): Tensor {
  // max(z, −z) and max(z, 0) send a tie's gradient to z, so the kinks
  // at 0 cancel and the gradient there is sigmoid(0) − t.
  const relu = maximum(z, 0);
  const negAbs = neg(maximum(z, neg(z)));
  return add(sub(relu, mul(z, t)), log1p(exp(negAbs)));
}

function smoothBinary(t: Tensor, s: number): Tensor {
  return s === 0 ? t : add(mul(t, 1 - s), 0.5 * s);
}

/**
 * Binary crossentropy per sample: with labels t (smoothed towards 0.5 by
 * `labelSmoothing`) and probabilities p clipped to [1e-7, 1 − 1e-7],
 * `mean(−(t·log p + (1 − t)·log(1 − p)), axis)`; from logits z,
 * `mean(max(z, 0) − z·t + log(1 + e^(−|z|)), axis)`. yTrue and yPred
 * must have one shape (after Keras's rank matching).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const v = tg.losses.binaryCrossentropy([[1, 0]], tg.tensor([[0.5, 0.5]], undefined, "float64"));
 * console.log(v.toArray()); // [ 0.6931471805599453 ]
 * const z = tg.losses.binaryCrossentropy([[1]], [[1000]], { fromLogits: true });
 * console.log(z.toArray()); // [ 0 ]
 * ```
 */
export function binaryCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  options?: CrossentropyOptions,
): Tensor {
  const where = "binaryCrossentropy";
  const o = checkCE(options, where);
  const [t0, p] = samePair(yTrue, yPred, where);
  const t = smoothBinary(t0, o.labelSmoothing);
  const values = o.fromLogits ? bceOfLogits(t, p) : bceOfProbabilities(t, p);
  return meanAlong(values, o.axis, where);
}

function warnOneClass(p: Tensor, where: string): void {
  if (p.rank > 0 && p.shape[p.rank - 1] === 1) {
    warn(
      `${where}: expected yPred of shape [batch, classes] with classes > 1, ` +
        `got shape ${show(p.shape)}; binaryCrossentropy fits two classes`,
    );
  }
}

/**
 * Smooths one-hot labels: t·(1 − s) + s / classes, with the classes
 * counted along `axis` (Keras counts the last axis whatever `axis` is;
 * the two agree for the default −1).
 */
function smoothCategorical(t: Tensor, s: number, axis: number): Tensor {
  if (s === 0) return t;
  return add(mul(t, 1 - s), s / t.shape[axis]!);
}

/** The categorical pair: same shapes, rank >= 1, the class axis. */
function categoricalPair(
  yTrue: TensorLike,
  yPred: TensorLike,
  axis: number,
  where: string,
): [Tensor, Tensor, number] {
  const [t, p] = samePair(yTrue, yPred, where);
  if (p.rank < 1) {
    throw new ShapeError(
      `${where}: expected yTrue and yPred of rank >= 1, got shape ` +
        show(p.shape),
    );
  }
  warnOneClass(p, where);
  return [t, p, axisIn(axis, p.rank, where)];
}

/** Probabilities divided by their sum along `axis`, then clipped. */
function normalizedProbabilities(p: Tensor, axis: number): Tensor {
  return clip(div(p, sum(p, axis, true)), EPSILON, 1 - EPSILON);
}

/**
 * Categorical crossentropy per sample: `−Σ t·log p` along `axis` (default
 * −1), with one-hot (or soft) labels t, smoothed by `labelSmoothing`
 * towards 1 / classes. Probabilities are divided by their sum and clipped
 * to [1e-7, 1 − 1e-7]; from logits, `log p` is `z − logSumExp(z)`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const yTrue = [[0, 1, 0], [0, 0, 1]];
 * const yPred = tg.tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], undefined, "float64");
 * console.log(tg.losses.categoricalCrossentropy(yTrue, yPred).toArray());
 * // [ 0.05129329438755058, 2.3025850929940455 ]
 * ```
 */
export function categoricalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  options?: CrossentropyOptions,
): Tensor {
  const where = "categoricalCrossentropy";
  const o = checkCE(options, where);
  const [t0, p, axis] = categoricalPair(yTrue, yPred, o.axis, where);
  const t = smoothCategorical(t0, o.labelSmoothing, axis);
  const logP = o.fromLogits
    ? logSoftmax(p, axis)
    : log(normalizedProbabilities(p, axis));
  return neg(sum(mul(t, logP), axis));
}

/** Options of {@link binaryFocalCrossentropy}. */
export interface BinaryFocalOptions extends CrossentropyOptions {
  /** Whether to weigh class 1 by alpha and class 0 by 1 − alpha. Default false. */
  applyClassBalancing?: boolean;
  /** The weight of class 1, in [0, 1]. Default 0.25. */
  alpha?: number;
  /** The focusing exponent, >= 0. Default 2. */
  gamma?: number;
}

const BINARY_FOCAL_KEYS = [
  ...CE_KEYS,
  "applyClassBalancing",
  "alpha",
  "gamma",
] as const;

interface CheckedBinaryFocal extends CheckedCE {
  applyClassBalancing: boolean;
  alpha: number;
  gamma: number;
}

function checkGamma(value: unknown, where: string): number {
  return checkNumber(value, "gamma", where, (v) => v >= 0, ">= 0");
}

function checkBinaryFocal(
  o: BinaryFocalOptions | undefined,
  where: string,
): CheckedBinaryFocal {
  const a = optionsOf(o, BINARY_FOCAL_KEYS, where);
  const { applyClassBalancing = false, alpha = 0.25, gamma = 2 } = a;
  return {
    ...checkCE(
      {
        fromLogits: a.fromLogits,
        labelSmoothing: a.labelSmoothing,
        axis: a.axis,
      },
      where,
    ),
    applyClassBalancing: checkBoolean(
      applyClassBalancing,
      "applyClassBalancing",
      where,
    ),
    alpha: checkNumber(
      alpha,
      "alpha",
      where,
      (v) => v >= 0 && v <= 1,
      "in [0, 1]",
    ),
    gamma: checkGamma(gamma, where),
  };
}

/**
 * Binary focal crossentropy per sample (Lin et al., 2018): the binary
 * crossentropy of probabilities p (sigmoid of yPred when `fromLogits`),
 * times the focal factor `(1 − pₜ)^γ` with `pₜ = t·p + (1 − t)·(1 − p)`,
 * and, with `applyClassBalancing`, times `t·α + (1 − t)·(1 − α)`; the
 * mean along `axis`. As in Keras, logits pass through the sigmoid and
 * then the clipped form.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const yPred = tg.tensor([[0.5]], undefined, "float64");
 * console.log(tg.losses.binaryFocalCrossentropy([[1]], yPred).toArray());
 * // [ 0.17328679513998632 ]
 * ```
 */
export function binaryFocalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  options?: BinaryFocalOptions,
): Tensor {
  const where = "binaryFocalCrossentropy";
  const o = checkBinaryFocal(options, where);
  const [t0, p0] = samePair(yTrue, yPred, where);
  const t = smoothBinary(t0, o.labelSmoothing);
  const p = o.fromLogits ? sigmoid(p0) : p0;
  const bce = bceOfProbabilities(t, p);
  const pT = add(mul(t, p), mul(sub(1, t), sub(1, p)));
  let focal = mul(pow(sub(1, pT), o.gamma), bce);
  if (o.applyClassBalancing) {
    const weight = add(mul(t, o.alpha), mul(sub(1, t), 1 - o.alpha));
    focal = mul(weight, focal);
  }
  return meanAlong(focal, o.axis, where);
}

/** Options of {@link categoricalFocalCrossentropy}. */
export interface CategoricalFocalOptions extends CrossentropyOptions {
  /**
   * The weight of every class (a number) or of each class (one number per
   * class), >= 0. Default 0.25.
   */
  alpha?: number | readonly number[];
  /** The focusing exponent, >= 0. Default 2. */
  gamma?: number;
}

const CATEGORICAL_FOCAL_KEYS = [...CE_KEYS, "alpha", "gamma"] as const;

interface CheckedCategoricalFocal extends CheckedCE {
  alpha: number | readonly number[];
  gamma: number;
}

function checkAlphaList(value: unknown, where: string): number | number[] {
  const ok = (v: unknown) =>
    typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (ok(value)) return value as number;
  if (Array.isArray(value) && value.length > 0 && value.every(ok)) {
    return [...(value as number[])];
  }
  throw new ValueError(
    `${where}: expected alpha to be a number >= 0 or a non-empty list of ` +
      `them, got alpha=${show(value)}`,
  );
}

function checkCategoricalFocal(
  o: CategoricalFocalOptions | undefined,
  where: string,
): CheckedCategoricalFocal {
  const a = optionsOf(o, CATEGORICAL_FOCAL_KEYS, where);
  return {
    ...checkCE(
      {
        fromLogits: a.fromLogits,
        labelSmoothing: a.labelSmoothing,
        axis: a.axis,
      },
      where,
    ),
    alpha: checkAlphaList(a.alpha ?? 0.25, where),
    gamma: checkGamma(a.gamma ?? 2, where),
  };
}

function alphaTensor(
  alpha: number | readonly number[],
  p: Tensor,
  where: string,
): Tensor | number {
  if (typeof alpha === "number") return alpha;
  const classes = p.shape[p.rank - 1];
  if (alpha.length !== classes) {
    throw new ShapeError(
      `${where}: expected one alpha per class (${classes}), got ` +
        `${alpha.length} values`,
    );
  }
  return toTensor(alpha, where, p.dtype);
}

/**
 * Categorical focal crossentropy per sample (Lin et al., 2018): with
 * probabilities p (softmax of yPred when `fromLogits`), divided by their
 * sum and clipped to [1e-7, 1 − 1e-7], `Σ α·(1 − p)^γ·(−t·log p)` along
 * `axis`. `alpha` is one weight or one per class (along the last axis).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const yPred = tg.tensor([[0.5, 0.5]], undefined, "float64");
 * console.log(tg.losses.categoricalFocalCrossentropy([[0, 1]], yPred).toArray());
 * // [ 0.04332169878499658 ]
 * ```
 */
export function categoricalFocalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  options?: CategoricalFocalOptions,
): Tensor {
  const where = "categoricalFocalCrossentropy";
  const o = checkCategoricalFocal(options, where);
  const [t0, p0, axis] = categoricalPair(yTrue, yPred, o.axis, where);
  const alpha = alphaTensor(o.alpha, p0, where);
  const t = smoothCategorical(t0, o.labelSmoothing, axis);
  const p = o.fromLogits ? softmax(p0, axis) : p0;
  const q = normalizedProbabilities(p, axis);
  const ce = neg(mul(t, log(q)));
  const weighting = mul(pow(sub(1, q), o.gamma), alpha);
  return sum(mul(weighting, ce), axis);
}

/** Options of {@link sparseCategoricalCrossentropy}. */
export interface SparseCrossentropyOptions {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /**
   * A label to leave out: its entries give 0 and, in a loss class, do not
   * count in the mean. Default null (none).
   */
  ignoreClass?: number | null;
  /** The axis of the classes: only −1 (the last), as in Keras. */
  axis?: number;
}

const SPARSE_KEYS = ["fromLogits", "ignoreClass", "axis"] as const;

interface CheckedSparse {
  fromLogits: boolean;
  ignoreClass: number | null;
  axis: number;
}

function checkIgnoreClass(value: unknown, where: string): number | null {
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ValueError(
      `${where}: expected ignoreClass to be an integer or null, got ` +
        `ignoreClass=${show(value)}`,
    );
  }
  return value;
}

function checkSparse(
  o: SparseCrossentropyOptions | undefined,
  where: string,
): CheckedSparse {
  const a = optionsOf(o, SPARSE_KEYS, where);
  return {
    fromLogits: checkBoolean(a.fromLogits ?? false, "fromLogits", where),
    ignoreClass: checkIgnoreClass(a.ignoreClass ?? null, where),
    axis: checkAxisOption(a.axis ?? -1, where),
  };
}

/** Integer labels of the shape yPred has without its last axis. */
function sparseLabels(yTrue: TensorLike, p: Tensor, where: string): Tensor {
  let labels = toTensor(yTrue, where);
  if (labels.rank === p.rank && labels.shape[labels.rank - 1] === 1) {
    labels = squeeze(labels, -1);
  }
  const expected = p.shape.slice(0, -1);
  if (!shapesEqual(labels.shape, expected)) {
    throw new ShapeError(
      `${where}: expected labels of shape ${show(expected)} (yPred's shape ` +
        `${show(p.shape)} without the class axis), got shape ` +
        show(labels.shape),
    );
  }
  return labels;
}

/** The labels as int32 with ignored ones set to 0, and the valid mask. */
function checkedLabels(
  labels: Tensor,
  classes: number,
  ignoreClass: number | null,
  where: string,
): { indices: Tensor; valid: Tensor | null } {
  const n = labels.size;
  const indices = new Int32Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels.data[i]!;
    if (ignoreClass !== null && v === ignoreClass) continue;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new ValueError(
        `${where}: expected labels that are integers in [0, ${classes}), ` +
          `got label ${show(v)} at index ${i}`,
      );
    }
    indices[i] = v;
    valid[i] = 1;
  }
  const shape = labels.shape;
  return {
    indices: make(indices, shape, "int32"),
    valid: ignoreClass === null ? null : make(valid, shape, "bool"),
  };
}

/** Sparse crossentropy values and the mask of labels that count. */
function sparseValues(
  yTrue: TensorLike,
  yPred: TensorLike,
  options: SparseCrossentropyOptions | undefined,
  where: string,
): LossValues {
  const o = checkSparse(options, where);
  let p = predictions(yPred, where);
  if (p.rank < 1) {
    throw new ShapeError(
      `${where}: expected yPred of rank >= 1 (classes last), got shape ` +
        show(p.shape),
    );
  }
  if (o.axis !== -1 && o.axis !== p.rank - 1) {
    throw new ValueError(
      `${where}: expected axis -1 (only the last axis is supported, as in ` +
        `Keras), got axis=${o.axis}`,
    );
  }
  const classes = p.shape[p.rank - 1]!;
  const labels = sparseLabels(yTrue, p, where);
  const { indices, valid } = checkedLabels(
    labels,
    classes,
    o.ignoreClass,
    where,
  );
  // Keras zeroes the ignored rows first, so that nothing of them (not even
  // a NaN) reaches the loss or its gradient.
  if (valid !== null) p = mul(p, cast(expandDims(valid, -1), p.dtype));
  const logits = o.fromLogits ? p : log(clip(p, EPSILON, 1 - EPSILON));
  const picked = sum(mul(oneHot(indices, classes, 1, 0, p.dtype), logits), -1);
  const values = sub(logSumExp(logits, -1), picked);
  if (valid === null) return { values, mask: null };
  return { values: select(valid, values, 0), mask: valid };
}

/**
 * Sparse categorical crossentropy per sample: with integer labels y in
 * [0, classes) and scores along the last axis of yPred,
 * `logSumExp(z) − z[y]` where z are the logits (`fromLogits`) or the logs
 * of the probabilities clipped to [1e-7, 1 − 1e-7] (so probabilities are
 * renormalised, as in Keras's TensorFlow backend). Labels of shape
 * [..., 1] are squeezed. A label outside [0, classes) is a ValueError,
 * except `ignoreClass`, whose entries give 0.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const yPred = tg.tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], undefined, "float64");
 * console.log(tg.losses.sparseCategoricalCrossentropy([1, 2], yPred).toArray());
 * // [ 0.05129339438754555, 2.3025850929940455 ]
 * ```
 */
export function sparseCategoricalCrossentropy(
  yTrue: TensorLike,
  yPred: TensorLike,
  options?: SparseCrossentropyOptions,
): Tensor {
  return sparseValues(yTrue, yPred, options, "sparseCategoricalCrossentropy")
    .values;
}

// ---------------------------------------------------------------------------
// Classes

/** Options of {@link BinaryCrossentropy} and {@link CategoricalCrossentropy}. */
export interface CrossentropyArgs extends LossArgs, CrossentropyOptions {}

/**
 * Binary crossentropy, reduced over the batch (see
 * {@link binaryCrossentropy} for the formula). Options: fromLogits
 * (default false), labelSmoothing (default 0), axis (default −1); default
 * name "binary_crossentropy".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const bce = new tg.losses.BinaryCrossentropy({ fromLogits: true });
 * const v = bce.call([[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]]);
 * console.log(v.item().toFixed(3)); // 0.865
 * ```
 */
export class BinaryCrossentropy extends Loss {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(args: CrossentropyArgs = {}) {
    super(args, "binary_crossentropy", CE_KEYS);
    const o = checkCE(pick(args, CE_KEYS), "BinaryCrossentropy");
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return binaryCrossentropy(yTrue, yPred, this.options());
  }

  /** The options the function form receives. */
  options(): CheckedCE {
    const { fromLogits, labelSmoothing, axis } = this;
    return { fromLogits, labelSmoothing, axis };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.options() };
  }
}

/** The keys of `args` among `keys`, for a function form's options. */
function pick<T extends object>(args: T, keys: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (args as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as Partial<T>;
}

/**
 * Categorical crossentropy, reduced over the batch (see
 * {@link categoricalCrossentropy}). Options: fromLogits (default false),
 * labelSmoothing (default 0), axis (default −1); default name
 * "categorical_crossentropy".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const cce = new tg.losses.CategoricalCrossentropy();
 * const v = cce.call([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
 * console.log(v.item().toFixed(3)); // 1.177
 * ```
 */
export class CategoricalCrossentropy extends Loss {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(args: CrossentropyArgs = {}) {
    super(args, "categorical_crossentropy", CE_KEYS);
    const o = checkCE(pick(args, CE_KEYS), "CategoricalCrossentropy");
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return categoricalCrossentropy(yTrue, yPred, this.options());
  }

  /** The options the function form receives. */
  options(): CheckedCE {
    const { fromLogits, labelSmoothing, axis } = this;
    return { fromLogits, labelSmoothing, axis };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.options() };
  }
}

/** Options of {@link BinaryFocalCrossentropy}. */
export interface BinaryFocalArgs extends LossArgs, BinaryFocalOptions {}

/**
 * Binary focal crossentropy, reduced over the batch (see
 * {@link binaryFocalCrossentropy}). Options: applyClassBalancing (default
 * false), alpha (0.25), gamma (2), fromLogits (false), labelSmoothing (0),
 * axis (−1); default name "binary_focal_crossentropy".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.BinaryFocalCrossentropy({ gamma: 2, fromLogits: true });
 * const v = loss.call([[0, 1, 0, 0]], [[-18.6, 0.51, 2.94, -12.8]]);
 * console.log(v.item().toFixed(3)); // 0.691
 * ```
 */
export class BinaryFocalCrossentropy extends Loss {
  readonly applyClassBalancing: boolean;
  readonly alpha: number;
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(args: BinaryFocalArgs = {}) {
    super(args, "binary_focal_crossentropy", BINARY_FOCAL_KEYS);
    const o = checkBinaryFocal(
      pick(args, BINARY_FOCAL_KEYS),
      "BinaryFocalCrossentropy",
    );
    this.applyClassBalancing = o.applyClassBalancing;
    this.alpha = o.alpha;
    this.gamma = o.gamma;
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return binaryFocalCrossentropy(yTrue, yPred, this.options());
  }

  /** The options the function form receives. */
  options(): CheckedBinaryFocal {
    const { applyClassBalancing, alpha, gamma } = this;
    const { fromLogits, labelSmoothing, axis } = this;
    return {
      applyClassBalancing,
      alpha,
      gamma,
      fromLogits,
      labelSmoothing,
      axis,
    };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.options() };
  }
}

/** Options of {@link CategoricalFocalCrossentropy}. */
export interface CategoricalFocalArgs
  extends LossArgs, CategoricalFocalOptions {}

/**
 * Categorical focal crossentropy, reduced over the batch (see
 * {@link categoricalFocalCrossentropy}). Options: alpha (default 0.25, or
 * one per class), gamma (2), fromLogits (false), labelSmoothing (0), axis
 * (−1); default name "categorical_focal_crossentropy".
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.CategoricalFocalCrossentropy();
 * const v = loss.call([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
 * console.log(v.item().toFixed(4)); // 0.2332
 * ```
 */
export class CategoricalFocalCrossentropy extends Loss {
  readonly alpha: number | readonly number[];
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(args: CategoricalFocalArgs = {}) {
    super(args, "categorical_focal_crossentropy", CATEGORICAL_FOCAL_KEYS);
    const o = checkCategoricalFocal(
      pick(args, CATEGORICAL_FOCAL_KEYS),
      "CategoricalFocalCrossentropy",
    );
    this.alpha = o.alpha;
    this.gamma = o.gamma;
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return categoricalFocalCrossentropy(yTrue, yPred, this.options());
  }

  /** The options the function form receives. */
  options(): CheckedCategoricalFocal {
    const { alpha, gamma, fromLogits, labelSmoothing, axis } = this;
    return { alpha, gamma, fromLogits, labelSmoothing, axis };
  }

  override getConfig(): Record<string, unknown> {
    const o = this.options();
    const alpha = typeof o.alpha === "number" ? o.alpha : [...o.alpha];
    return { ...super.getConfig(), ...o, alpha };
  }
}

/** Options of {@link SparseCategoricalCrossentropy}. */
export interface SparseCrossentropyArgs extends LossArgs {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** A label to leave out of the loss and of the mean. Default null. */
  ignoreClass?: number | null;
}

/**
 * Sparse categorical crossentropy, reduced over the batch (see
 * {@link sparseCategoricalCrossentropy}). Options: fromLogits (default
 * false), ignoreClass (default null); default name
 * "sparse_categorical_crossentropy". With ignoreClass, the ignored
 * entries give 0 and the "sum_over_batch_size" / "mean" reductions divide
 * by the number of entries that count, as Keras's mask does.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const loss = new tg.losses.SparseCategoricalCrossentropy({ fromLogits: true });
 * console.log(loss.call([0, 1], [[0, 0], [0, 0]]).item().toFixed(4)); // 0.6931
 * const ignoring = new tg.losses.SparseCategoricalCrossentropy({ ignoreClass: -1 });
 * console.log(ignoring.call([1, -1], [[0.5, 0.5], [0.9, 0.1]]).item().toFixed(4)); // 0.6931
 * ```
 */
export class SparseCategoricalCrossentropy extends Loss {
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;

  constructor(args: SparseCrossentropyArgs = {}) {
    super(args, "sparse_categorical_crossentropy", [
      "fromLogits",
      "ignoreClass",
    ]);
    const o = checkSparse(
      pick(args, ["fromLogits", "ignoreClass"]),
      "SparseCategoricalCrossentropy",
    );
    this.fromLogits = o.fromLogits;
    this.ignoreClass = o.ignoreClass;
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return this.compute(yTrue, yPred).values;
  }

  protected override compute(yTrue: TensorLike, yPred: TensorLike): LossValues {
    const { fromLogits, ignoreClass } = this;
    return sparseValues(
      yTrue,
      yPred,
      { fromLogits, ignoreClass },
      "SparseCategoricalCrossentropy",
    );
  }

  override getConfig(): Record<string, unknown> {
    const { fromLogits, ignoreClass } = this;
    return { ...super.getConfig(), fromLogits, ignoreClass };
  }
}
