// SPDX-License-Identifier: Apache-2.0
/**
 * Normalization layers, as Keras 3 defines them: BatchNormalization,
 * LayerNormalization, GroupNormalization and UnitNormalization.
 */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { withoutRecording } from "../../autodiff/tape.js";
import { add, minimum, mul, sub } from "../../ops/binary.js";
import { mean, sum } from "../../ops/reduction.js";
import { reshape } from "../../ops/shape.js";
import { rsqrt, square } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import * as constraints from "../constraints.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import {
  Layer,
  type CallOptions,
  type LayerArgs,
  type SymbolicShape,
} from "./layer.js";

type ResolvedRegularizer =
  regularizers.Regularizer | regularizers.RegularizerFunction | null;
type ResolvedConstraint =
  constraints.Constraint | constraints.ConstraintFunction | null;

/** Options of the scale (gamma) and offset (beta) that several layers share. */
export interface AffineArgs {
  /** Whether to add the learned offset beta. Default true. */
  center?: boolean;
  /** Whether to multiply by the learned scale gamma. Default true. */
  scale?: boolean;
  /** Default "zeros". */
  betaInitializer?: initializers.InitializerIdentifier;
  /** Default "ones". */
  gammaInitializer?: initializers.InitializerIdentifier;
  /** A penalty on beta. Default none. */
  betaRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on gamma. Default none. */
  gammaRegularizer?: regularizers.RegularizerIdentifier;
  /** A projection of beta after each update. Default none. */
  betaConstraint?: constraints.ConstraintIdentifier;
  /** A projection of gamma after each update. Default none. */
  gammaConstraint?: constraints.ConstraintIdentifier;
}

interface Affine {
  center: boolean;
  scale: boolean;
  betaInitializer: initializers.Initializer;
  gammaInitializer: initializers.Initializer;
  betaRegularizer: ResolvedRegularizer;
  gammaRegularizer: ResolvedRegularizer;
  betaConstraint: ResolvedConstraint;
  gammaConstraint: ResolvedConstraint;
}

function checkArgs(args: unknown, where: string): void {
  if (args === null || typeof args !== "object") {
    throw new ValueError(
      `${where}: expected an options object, got ${show(args)}`,
    );
  }
}

function checkEpsilon(epsilon: unknown, where: string): number {
  if (typeof epsilon !== "number" || !(epsilon >= 0) || !isFinite(epsilon)) {
    throw new ValueError(
      `${where}: expected epsilon to be a finite number >= 0, got ` +
        `epsilon=${show(epsilon)}`,
    );
  }
  return epsilon;
}

function checkBool(value: unknown, name: string, where: string): boolean {
  if (typeof value !== "boolean") {
    throw new ValueError(
      `${where}: expected ${name} to be a boolean, got ${name}=${show(value)}`,
    );
  }
  return value;
}

function resolveAffine(args: AffineArgs, where: string): Affine {
  return {
    center: checkBool(args.center ?? true, "center", where),
    scale: checkBool(args.scale ?? true, "scale", where),
    betaInitializer: initializers.get(args.betaInitializer ?? "zeros"),
    gammaInitializer: initializers.get(args.gammaInitializer ?? "ones"),
    betaRegularizer: regularizers.get(args.betaRegularizer),
    gammaRegularizer: regularizers.get(args.gammaRegularizer),
    betaConstraint: constraints.get(args.betaConstraint),
    gammaConstraint: constraints.get(args.gammaConstraint),
  };
}

function affineConfig(a: Affine): Record<string, unknown> {
  const out: Record<string, unknown> = {
    center: a.center,
    scale: a.scale,
    betaInitializer: initializers.serialize(a.betaInitializer),
    gammaInitializer: initializers.serialize(a.gammaInitializer),
  };
  const regs = {
    betaRegularizer: a.betaRegularizer,
    gammaRegularizer: a.gammaRegularizer,
  };
  for (const [key, r] of Object.entries(regs)) {
    if (r !== null) out[key] = regularizers.serialize(r);
  }
  const cons = {
    betaConstraint: a.betaConstraint,
    gammaConstraint: a.gammaConstraint,
  };
  for (const [key, c] of Object.entries(cons)) {
    if (c !== null) out[key] = constraints.serialize(c);
  }
  return out;
}

/** Creates gamma then beta (Keras's order), each when enabled. */
function addAffine(
  a: Affine,
  add: (
    name: string,
    init: initializers.Initializer,
    reg: ResolvedRegularizer,
    con: ResolvedConstraint,
  ) => Variable,
): { gamma: Variable | null; beta: Variable | null } {
  const gamma = a.scale
    ? add("gamma", a.gammaInitializer, a.gammaRegularizer, a.gammaConstraint)
    : null;
  const beta = a.center
    ? add("beta", a.betaInitializer, a.betaRegularizer, a.betaConstraint)
    : null;
  return { gamma, beta };
}

/** An axis given as a list or one number, as an array of ints. */
function axisList(axis: unknown, where: string): number[] {
  const list = typeof axis === "number" ? [axis] : axis;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((a) => Number.isInteger(a))
  ) {
    throw new ValueError(
      `${where}: expected axis to be an integer or a non-empty list of ` +
        `integers, got axis=${show(axis)}`,
    );
  }
  return [...(list as number[])];
}

/** Axes made non-negative for a rank, checked and deduplicated. */
function resolveAxes(
  axes: readonly number[],
  rank: number,
  where: string,
  shape: SymbolicShape,
): number[] {
  const out = axes.map((a) => (a < 0 ? a + rank : a));
  if (out.some((a) => a < 0 || a >= rank) || new Set(out).size < out.length) {
    throw new ShapeError(
      `${where}: expected axis ${show(axes.length === 1 ? axes[0] : axes)} ` +
        `to name distinct dimensions of the input, got an input of shape ` +
        `${show(shape)} (rank ${rank})`,
    );
  }
  return out;
}

/** `[1, ..., dim, ..., 1]`: a parameter of `axes` broadcast to a rank. */
function broadcastShape(
  shape: readonly number[],
  axes: readonly number[],
): number[] {
  return shape.map((d, i) => (axes.includes(i) ? d : 1));
}

/**
 * x * inv + (beta - mean * inv) with inv = rsqrt(variance + epsilon) *
 * gamma, Keras's `batch_normalization` arithmetic.
 */
function normalize(
  x: Tensor,
  m: Tensor,
  variance: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  epsilon: number,
): Tensor {
  let inv = rsqrt(add(variance, epsilon));
  if (gamma !== null) inv = mul(inv, gamma);
  let res = mul(m, inv);
  res = beta !== null ? sub(beta, res) : mul(res, -1);
  return add(mul(x, inv), res);
}

/** The biased moments of x over axes, keeping dimensions. */
function moments(x: Tensor, axes: readonly number[]): [Tensor, Tensor] {
  const m = mean(x, axes, true);
  const v = mean(square(sub(x, m)), axes, true);
  return [m, v];
}

function weightAdder(
  layer: Layer,
): (
  name: string,
  init: initializers.Initializer,
  reg: ResolvedRegularizer,
  con: ResolvedConstraint,
  shape: readonly number[],
) => Variable {
  return (name, init, reg, con, shape) =>
    layer.addWeight(name, {
      shape,
      initializer: init,
      regularizer: regularizers.toFunction(reg),
      constraint: constraints.toFunction(con),
    });
}

function notBuilt(layer: Layer, what: string): ValueError {
  return new ValueError(
    `${layer.className} "${layer.name}": ${what} does not exist until the ` +
      "layer is built; apply the layer to an input first",
  );
}

// ---------------------------------------------------------------------------
// BatchNormalization

/** Options of BatchNormalization, with Keras's names and defaults. */
export interface BatchNormalizationArgs extends LayerArgs, AffineArgs {
  /** The features axis (normalized per index along it). Default -1. */
  axis?: number;
  /** The moving averages' decay. Default 0.99. */
  momentum?: number;
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
  /** Default "zeros". */
  movingMeanInitializer?: initializers.InitializerIdentifier;
  /** Default "ones". */
  movingVarianceInitializer?: initializers.InitializerIdentifier;
}

/**
 * Batch normalization: normalizes each feature (each index along `axis`)
 * with the batch's statistics while training, and with moving averages of
 * them at inference.
 *
 * Training (`training: true`, as in fit, and the layer trainable):
 * `y = gamma * (x - mean) / sqrt(var + epsilon) + beta`, with the mean and
 * the biased variance over every axis but `axis`; then, untaped,
 * `movingMean = movingMean * momentum + mean * (1 - momentum)` and the same
 * for `movingVariance`. Otherwise (predict, evaluate, a frozen layer):
 * the same formula with `movingMean` and `movingVariance`.
 *
 * Options: axis -1, momentum 0.99, epsilon 1e-3, center true, scale true,
 * betaInitializer "zeros", gammaInitializer "ones", movingMeanInitializer
 * "zeros", movingVarianceInitializer "ones"; regularizers and constraints
 * for beta and gamma. Weights, in Keras's order: gamma, beta (trainable),
 * movingMean, movingVariance (non-trainable), each of shape [dim].
 *
 * As in Keras 3, a BatchNormalization whose `trainable` is false always
 * uses the moving statistics. TensorFlow.js's layer keeps using the batch
 * statistics in training when frozen; this one follows Keras. Masks and
 * Keras's `synchronized` and `renorm` options are not supported.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const bn = tg.layers.batchNormalization({ momentum: 0.5, epsilon: 0 });
 * const x = tg.tensor([[1, 10], [3, 30]]);
 * console.log(bn.apply(x, { training: true }).toArray()); // [ [ -1, -1 ], [ 1, 1 ] ]
 * console.log(bn.movingMean.toArray(), bn.movingVariance.toArray()); // [ 1, 10 ] [ 1, 50.5 ]
 * ```
 */
export class BatchNormalization extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly movingMeanInitializer: initializers.Initializer;
  readonly movingVarianceInitializer: initializers.Initializer;
  readonly #affine: Affine;
  #gamma: Variable | null = null;
  #beta: Variable | null = null;
  #movingMean: Variable | null = null;
  #movingVariance: Variable | null = null;
  #axis = -1;

  constructor(args: BatchNormalizationArgs = {}) {
    checkArgs(args, "BatchNormalization");
    const where = "BatchNormalization";
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new ValueError(
        `${where}: expected axis to be an integer, got axis=${show(axis)}`,
      );
    }
    const momentum = args.momentum ?? 0.99;
    if (typeof momentum !== "number" || !(momentum >= 0 && momentum <= 1)) {
      throw new ValueError(
        `${where}: expected momentum in [0, 1], got momentum=${show(momentum)}`,
      );
    }
    const epsilon = checkEpsilon(args.epsilon ?? 1e-3, where);
    const affine = resolveAffine(args, where);
    const movingMeanInitializer = initializers.get(
      args.movingMeanInitializer ?? "zeros",
    );
    const movingVarianceInitializer = initializers.get(
      args.movingVarianceInitializer ?? "ones",
    );
    super(args);
    this.axis = axis;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.#affine = affine;
    this.center = affine.center;
    this.scale = affine.scale;
    this.movingMeanInitializer = movingMeanInitializer;
    this.movingVarianceInitializer = movingVarianceInitializer;
  }

  /** The learned scale, [dim]; exists once built when `scale` is true. */
  get gamma(): Variable | null {
    if (!this.built) throw notBuilt(this, "gamma");
    return this.#gamma;
  }

  /** The learned offset, [dim]; exists once built when `center` is true. */
  get beta(): Variable | null {
    if (!this.built) throw notBuilt(this, "beta");
    return this.#beta;
  }

  /** The moving mean used at inference, [dim]. */
  get movingMean(): Variable {
    if (!this.#movingMean) throw notBuilt(this, "movingMean");
    return this.#movingMean;
  }

  /** The moving (biased) variance used at inference, [dim]. */
  get movingVariance(): Variable {
    if (!this.#movingVariance) throw notBuilt(this, "movingVariance");
    return this.#movingVariance;
  }

  override build(inputShape: SymbolicShape): void {
    const where = `BatchNormalization "${this.name}"`;
    const [axis] = resolveAxes(
      [this.axis],
      inputShape.length,
      where,
      inputShape,
    );
    const dim = inputShape[axis!];
    if (typeof dim !== "number" || dim < 1) {
      throw new ShapeError(
        `${where}: expected the dimension of axis ${this.axis} to be known ` +
          `and >= 1, got an input of shape ${show(inputShape)}`,
      );
    }
    this.#axis = axis!;
    const add = weightAdder(this);
    const shape = [dim];
    const { gamma, beta } = addAffine(this.#affine, (n, i, r, c) =>
      add(n, i, r, c, shape),
    );
    this.#gamma = gamma;
    this.#beta = beta;
    this.#movingMean = this.addWeight("moving_mean", {
      shape,
      initializer: this.movingMeanInitializer,
      trainable: false,
    });
    this.#movingVariance = this.addWeight("moving_variance", {
      shape,
      initializer: this.movingVarianceInitializer,
      trainable: false,
    });
  }

  override call(x: Tensor, options: CallOptions = {}): Tensor {
    const where = `BatchNormalization "${this.name}"`;
    const dim = this.movingMean.shape[0]!;
    const axis = this.#axis;
    if (
      x.rank !== (this._buildShape?.length ?? x.rank) ||
      x.shape[axis] !== dim
    ) {
      throw new ShapeError(
        `${where}: expected an input of rank ${this._buildShape?.length} ` +
          `with dimension ${dim} on axis ${this.axis}, got shape ` +
          `${show(x.shape)}`,
      );
    }
    const pshape = broadcastShape(x.shape, [axis]);
    const gamma = this.#gamma ? reshape(this.#gamma, pshape) : null;
    const beta = this.#beta ? reshape(this.#beta, pshape) : null;
    if (options.training === true && this.trainable) {
      const reduce = x.shape.map((_, i) => i).filter((i) => i !== axis);
      const [m, v] = moments(x, reduce);
      withoutRecording(() => {
        const k = this.momentum;
        const mm = this.movingMean;
        const mv = this.movingVariance;
        mm.assign(add(mul(mm, k), mul(reshape(m, [dim]), 1 - k)));
        mv.assign(add(mul(mv, k), mul(reshape(v, [dim]), 1 - k)));
      });
      return normalize(x, m, v, gamma, beta, this.epsilon);
    }
    return normalize(
      x,
      reshape(this.movingMean, pshape),
      reshape(this.movingVariance, pshape),
      gamma,
      beta,
      this.epsilon,
    );
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      ...affineConfig(this.#affine),
      movingMeanInitializer: initializers.serialize(this.movingMeanInitializer),
      movingVarianceInitializer: initializers.serialize(
        this.movingVarianceInitializer,
      ),
    };
  }
}

/**
 * Creates a {@link BatchNormalization} layer (the TensorFlow.js-style
 * factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const bn = tg.layers.batchNormalization();
 * console.log(bn.apply(tg.zeros([2, 3])).shape, bn.weights.length); // [ 2, 3 ] 4
 * ```
 */
export function batchNormalization(
  args: BatchNormalizationArgs = {},
): BatchNormalization {
  return new BatchNormalization(args);
}

// ---------------------------------------------------------------------------
// LayerNormalization

/** Options of LayerNormalization, with Keras's names and defaults. */
export interface LayerNormalizationArgs extends LayerArgs, AffineArgs {
  /** The axis or axes to normalize over. Default -1. */
  axis?: number | readonly number[];
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
}

/**
 * Layer normalization: normalizes each sample over `axis` (the same in
 * training and inference).
 *
 * `y = gamma * (x - mean) / sqrt(var + epsilon) + beta`, with the mean and
 * biased variance over the axes in `axis`; gamma and beta have the shape
 * of those axes' dimensions.
 *
 * Options: axis -1 (an integer or a list), epsilon 1e-3, center true,
 * scale true, betaInitializer "zeros", gammaInitializer "ones";
 * regularizers and constraints for beta and gamma. Weights, in Keras's
 * order: gamma, then beta. Keras's `rms_scaling` is not supported.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const ln = tg.layers.layerNormalization({ epsilon: 0 });
 * console.log(ln.apply([[1, 3], [10, 30]]).toArray()); // [ [ -1, 1 ], [ -1, 1 ] ]
 * ```
 */
export class LayerNormalization extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly #axes: number[];
  readonly #affine: Affine;
  #resolved: number[] = [];
  #gamma: Variable | null = null;
  #beta: Variable | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    checkArgs(args, "LayerNormalization");
    const where = "LayerNormalization";
    const given = args.axis ?? -1;
    const axes = axisList(given, where);
    const epsilon = checkEpsilon(args.epsilon ?? 1e-3, where);
    const affine = resolveAffine(args, where);
    super(args);
    this.axis = typeof given === "number" ? given : [...given];
    this.#axes = axes;
    this.epsilon = epsilon;
    this.#affine = affine;
    this.center = affine.center;
    this.scale = affine.scale;
  }

  /** The learned scale; exists once built when `scale` is true. */
  get gamma(): Variable | null {
    if (!this.built) throw notBuilt(this, "gamma");
    return this.#gamma;
  }

  /** The learned offset; exists once built when `center` is true. */
  get beta(): Variable | null {
    if (!this.built) throw notBuilt(this, "beta");
    return this.#beta;
  }

  override build(inputShape: SymbolicShape): void {
    const where = `LayerNormalization "${this.name}"`;
    const axes = resolveAxes(this.#axes, inputShape.length, where, inputShape);
    const dims = axes.map((a) => inputShape[a]);
    if (!dims.every((d): d is number => typeof d === "number" && d >= 1)) {
      throw new ShapeError(
        `${where}: expected the dimensions of axis ${show(this.axis)} to be ` +
          `known and >= 1, got an input of shape ${show(inputShape)}`,
      );
    }
    if (axes.some((a, i) => i > 0 && a < axes[i - 1]!)) {
      // gamma's dimensions follow the axes; reshaping them onto the input
      // needs the axes in order.
      throw new ValueError(
        `${where}: expected the axes of axis ${show(this.axis)} in ` +
          `increasing order, got an input of shape ${show(inputShape)}`,
      );
    }
    this.#resolved = axes;
    const add = weightAdder(this);
    const { gamma, beta } = addAffine(this.#affine, (n, i, r, c) =>
      add(n, i, r, c, dims),
    );
    this.#gamma = gamma;
    this.#beta = beta;
  }

  override call(x: Tensor): Tensor {
    const where = `LayerNormalization "${this.name}"`;
    const axes = this.#resolved;
    const rank = this._buildShape?.length ?? x.rank;
    const expected = axes.map((a) => this._buildShape?.[a]);
    if (x.rank !== rank || axes.some((a, i) => x.shape[a] !== expected[i])) {
      throw new ShapeError(
        `${where}: expected an input of rank ${rank} with dimensions ` +
          `${show(expected)} on axis ${show(this.axis)}, got shape ` +
          `${show(x.shape)}`,
      );
    }
    const pshape = broadcastShape(x.shape, axes);
    const param = (p: Variable | null) => (p ? reshape(p, pshape) : null);
    const [m, v] = moments(x, axes);
    return normalize(
      x,
      m,
      v,
      param(this.#gamma),
      param(this.#beta),
      this.epsilon,
    );
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      epsilon: this.epsilon,
      ...affineConfig(this.#affine),
    };
  }
}

/**
 * Creates a {@link LayerNormalization} layer (the TensorFlow.js-style
 * factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const ln = tg.layers.layerNormalization({ axis: [1, 2] });
 * console.log(ln.apply(tg.ones([2, 3, 4])).shape, ln.gamma?.shape); // [ 2, 3, 4 ] [ 3, 4 ]
 * ```
 */
export function layerNormalization(
  args: LayerNormalizationArgs = {},
): LayerNormalization {
  return new LayerNormalization(args);
}

// ---------------------------------------------------------------------------
// UnitNormalization

/** Options of UnitNormalization. */
export interface UnitNormalizationArgs extends LayerArgs {
  /** The axis or axes whose L2 norm becomes 1. Default -1. */
  axis?: number | readonly number[];
}

/**
 * Scales each sample to unit L2 norm over `axis`, as Keras 3's
 * `ops.normalize(x, axis, order=2, epsilon=1e-12)`:
 * `y = x * min(1 / sqrt(sum(x², axis)), 1e12)`. It has no weights.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const un = tg.layers.unitNormalization();
 * console.log(un.apply([[3, 4]]).toArray()); // [ [ 0.6000000238418579, 0.800000011920929 ] ]
 * ```
 */
export class UnitNormalization extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly axis: number | number[];
  readonly #axes: number[];

  constructor(args: UnitNormalizationArgs = {}) {
    checkArgs(args, "UnitNormalization");
    const given = args.axis ?? -1;
    const axes = axisList(given, "UnitNormalization");
    super(args);
    this.axis = typeof given === "number" ? given : [...given];
    this.#axes = axes;
  }

  override call(x: Tensor): Tensor {
    const where = `UnitNormalization "${this.name}"`;
    const axes = resolveAxes(this.#axes, x.rank, where, x.shape);
    const inv = minimum(rsqrt(sum(square(x), axes, true)), 1e12);
    return mul(x, inv);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/**
 * Creates a {@link UnitNormalization} layer (the TensorFlow.js-style
 * factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const un = tg.layers.unitNormalization({ axis: 0 });
 * console.log(un.apply(tg.tensor([[0, 2], [0, 0]])).toArray()); // [ [ 0, 1 ], [ 0, 0 ] ]
 * ```
 */
export function unitNormalization(
  args: UnitNormalizationArgs = {},
): UnitNormalization {
  return new UnitNormalization(args);
}

// ---------------------------------------------------------------------------
// GroupNormalization

/** Options of GroupNormalization, with Keras's names and defaults. */
export interface GroupNormalizationArgs extends LayerArgs, AffineArgs {
  /** The number of groups the channels split into. Default 32. */
  groups?: number;
  /** The channels axis. Default -1. */
  axis?: number;
  /** Added to the variance. Default 1e-3. */
  epsilon?: number;
}

/**
 * Group normalization: splits the channels (the dimension of `axis`) into
 * `groups` groups of consecutive channels and normalizes each sample over
 * each group and all other non-batch axes (the same in training and
 * inference).
 *
 * `y = gamma * (x - mean) / sqrt(var + epsilon) + beta`, with the mean and
 * biased variance of each (sample, group); gamma and beta are per channel.
 * With `groups` equal to the channels it is instance normalization; with 1
 * group, layer normalization over all non-batch axes.
 *
 * Options: groups 32, axis -1, epsilon 1e-3, center true, scale true,
 * betaInitializer "zeros", gammaInitializer "ones"; regularizers and
 * constraints for beta and gamma. Weights, in Keras's order: gamma, then
 * beta, each of shape [channels]. The channels must be a multiple of
 * `groups`. TensorFlow.js has no such layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const gn = tg.layers.groupNormalization({ groups: 2, epsilon: 0 });
 * console.log(gn.apply([[1, 3, 10, 30]]).toArray()); // [ [ -1, 1, -1, 1 ] ]
 * ```
 */
export class GroupNormalization extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly groups: number;
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly #affine: Affine;
  #axis = -1;
  #dim = 0;
  #gamma: Variable | null = null;
  #beta: Variable | null = null;

  constructor(args: GroupNormalizationArgs = {}) {
    checkArgs(args, "GroupNormalization");
    const where = "GroupNormalization";
    const groups = args.groups ?? 32;
    if (!Number.isInteger(groups) || groups < 1) {
      throw new ValueError(
        `${where}: expected groups to be a positive integer, got ` +
          `groups=${show(groups)}`,
      );
    }
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new ValueError(
        `${where}: expected axis to be an integer, got axis=${show(axis)}`,
      );
    }
    const epsilon = checkEpsilon(args.epsilon ?? 1e-3, where);
    const affine = resolveAffine(args, where);
    super(args);
    this.groups = groups;
    this.axis = axis;
    this.epsilon = epsilon;
    this.#affine = affine;
    this.center = affine.center;
    this.scale = affine.scale;
  }

  /** The learned scale, [channels]; exists once built when `scale` is true. */
  get gamma(): Variable | null {
    if (!this.built) throw notBuilt(this, "gamma");
    return this.#gamma;
  }

  /** The learned offset, [channels]; exists once built when `center` is true. */
  get beta(): Variable | null {
    if (!this.built) throw notBuilt(this, "beta");
    return this.#beta;
  }

  override build(inputShape: SymbolicShape): void {
    const where = `GroupNormalization "${this.name}"`;
    const [axis] = resolveAxes(
      [this.axis],
      inputShape.length,
      where,
      inputShape,
    );
    if (axis === 0) {
      throw new ShapeError(
        `${where}: expected axis to name a non-batch dimension, got ` +
          `axis=${this.axis} for an input of shape ${show(inputShape)}`,
      );
    }
    const dim = inputShape[axis!];
    if (typeof dim !== "number" || dim < 1) {
      throw new ShapeError(
        `${where}: expected the dimension of axis ${this.axis} to be known ` +
          `and >= 1, got an input of shape ${show(inputShape)}`,
      );
    }
    if (dim % this.groups !== 0) {
      throw new ValueError(
        `${where}: expected the number of channels to be a multiple of ` +
          `groups=${this.groups}, got ${dim} channels (input shape ` +
          `${show(inputShape)})`,
      );
    }
    this.#axis = axis!;
    this.#dim = dim;
    const add = weightAdder(this);
    const shape = [dim];
    const { gamma, beta } = addAffine(this.#affine, (n, i, r, c) =>
      add(n, i, r, c, shape),
    );
    this.#gamma = gamma;
    this.#beta = beta;
  }

  override call(x: Tensor): Tensor {
    const where = `GroupNormalization "${this.name}"`;
    const axis = this.#axis;
    const rank = this._buildShape?.length ?? x.rank;
    const dim = this.#dim;
    if (x.rank !== rank || x.shape[axis] !== dim) {
      throw new ShapeError(
        `${where}: expected an input of rank ${rank} with dimension ` +
          `${dim} on axis ${this.axis}, got shape ${show(x.shape)}`,
      );
    }
    const g = this.groups;
    const size = dim / g;
    const grouped = [...x.shape];
    grouped.splice(axis, 1, g, size);
    const xg = reshape(x, grouped);
    const reduce = grouped.map((_, i) => i).filter((i) => i > 0 && i !== axis);
    const [m, v] = moments(xg, reduce);
    const pshape = grouped.map((d, i) =>
      i === axis || i === axis + 1 ? d : 1,
    );
    const param = (p: Variable | null) => (p ? reshape(p, pshape) : null);
    const y = normalize(
      xg,
      m,
      v,
      param(this.#gamma),
      param(this.#beta),
      this.epsilon,
    );
    return reshape(y, x.shape);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      ...affineConfig(this.#affine),
    };
  }
}

/**
 * Creates a {@link GroupNormalization} layer (the TensorFlow.js-style
 * factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const gn = tg.layers.groupNormalization({ groups: 4 });
 * console.log(gn.apply(tg.ones([2, 5, 8])).shape, gn.gamma?.shape); // [ 2, 5, 8 ] [ 8 ]
 * ```
 */
export function groupNormalization(
  args: GroupNormalizationArgs = {},
): GroupNormalization {
  return new GroupNormalization(args);
}
