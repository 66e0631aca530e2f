// SPDX-License-Identifier: Apache-2.0
/** Dense: the densely connected layer, y = activation(x · kernel + bias). */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { add, div, mul } from "../../ops/binary.js";
import { matMul } from "../../ops/linalg.js";
import type { Variable } from "../../variables.js";
import * as activations from "../activations.js";
import * as constraints from "../constraints.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import { Layer, type LayerArgs, type SymbolicShape } from "./layer.js";

type ResolvedRegularizer =
  regularizers.Regularizer | regularizers.RegularizerFunction | null;
type ResolvedConstraint =
  constraints.Constraint | constraints.ConstraintFunction | null;

/** Options of Dense, with Keras's names and defaults. */
export interface DenseArgs extends LayerArgs {
  /** The number of outputs. */
  units: number;
  /** Applied to the output; default none (linear). */
  activation?: activations.ActivationIdentifier;
  /** Whether to add a bias. Default true. */
  useBias?: boolean;
  /** Default "glorot_uniform". */
  kernelInitializer?: initializers.InitializerIdentifier;
  /** Default "zeros". */
  biasInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the kernel ("l2", an instance, a function...). Default none. */
  kernelRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on the bias. Default none. */
  biasRegularizer?: regularizers.RegularizerIdentifier;
  /**
   * A penalty on the output: each call adds penalty(output) / batch size
   * to `losses`, as Keras 3 does. Default none.
   */
  activityRegularizer?: regularizers.RegularizerIdentifier;
  /** A projection of the kernel after each update ("max_norm", ...). */
  kernelConstraint?: constraints.ConstraintIdentifier;
  /** A projection of the bias after each update. */
  biasConstraint?: constraints.ConstraintIdentifier;
}

/**
 * A densely connected layer: `activation(x · kernel + bias)`. The kernel
 * has shape [inputDim, units]; the bias [units]. The input has any rank
 * of 1 or more, and the product runs over its last axis.
 *
 * Input shape: [..., inputDim]. Output shape: [..., units].
 *
 * Regularizers and constraints are given by identifier (a name such as
 * "l2" or "max_norm", an instance, a `{ className, config }` object, or a
 * function). The weight penalties are in `losses` at any time; the
 * activity penalty of the latest call joins them.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Dense({
 *   units: 2,
 *   kernelInitializer: "ones",
 *   biasInitializer: tg.initializers.constant(0.5),
 * });
 * console.log(layer.apply([[1, 2, 3]]).toArray()); // [ [ 6.5, 6.5 ] ]
 * console.log(layer.kernel.shape, layer.bias.shape); // [ 3, 2 ] [ 2 ]
 * ```
 */
export class Dense extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly units: number;
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

  constructor(args: DenseArgs) {
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `Dense: expected an options object, got ${show(args)}`,
      );
    }
    const { units } = args;
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(
        `Dense: expected units to be a positive integer, got units=${show(units)}`,
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
    super(args);
    this.units = units;
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

  /** The weight matrix, [inputDim, units]. Exists once built. */
  get kernel(): Variable {
    if (!this.#kernel) {
      throw new ValueError(
        `Dense "${this.name}": the kernel does not exist until the layer is ` +
          "built; apply the layer to an input first",
      );
    }
    return this.#kernel;
  }

  /** The bias vector, [units]. Exists once built, when useBias is true. */
  get bias(): Variable {
    if (!this.useBias) {
      throw new ValueError(
        `Dense "${this.name}": has no bias (useBias is false)`,
      );
    }
    if (!this.#bias) {
      throw new ValueError(
        `Dense "${this.name}": the bias does not exist until the layer is ` +
          "built; apply the layer to an input first",
      );
    }
    return this.#bias;
  }

  override build(inputShape: SymbolicShape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (typeof inputDim !== "number" || inputDim < 1) {
      throw new ShapeError(
        `Dense "${this.name}": expected an input of rank >= 1 with a last ` +
          `dimension >= 1, got shape ${show(inputShape)}`,
      );
    }
    this.#kernel = this.addWeight("kernel", {
      shape: [inputDim, this.units],
      initializer: this.kernelInitializer,
      regularizer: regularizers.toFunction(this.kernelRegularizer),
      constraint: constraints.toFunction(this.kernelConstraint),
    });
    if (this.useBias) {
      this.#bias = this.addWeight("bias", {
        shape: [this.units],
        initializer: this.biasInitializer,
        regularizer: regularizers.toFunction(this.biasRegularizer),
        constraint: constraints.toFunction(this.biasConstraint),
      });
    }
  }

  override call(x: Tensor): Tensor {
    const kernel = this.kernel;
    const inputDim = kernel.shape[0]!;
    if (x.rank < 1 || x.shape[x.rank - 1] !== inputDim) {
      throw new ShapeError(
        `Dense "${this.name}": expected an input whose last dimension is ` +
          `${inputDim}, got shape ${show(x.shape)}`,
      );
    }
    let y = matMul(x, kernel);
    if (this.useBias) y = add(y, this.bias);
    y = this.activation(y);
    if (this.activityRegularizer !== null) this.#recordActivity(y);
    return y;
  }

  /** Keras 3: penalty(output) divided by the batch size (0 for none). */
  #recordActivity(y: Tensor): void {
    const penalty = regularizers.toFunction(this.activityRegularizer)!(y);
    const batch = y.rank > 0 ? y.shape[0]! : 1;
    const loss = batch === 0 ? mul(penalty, 0) : div(penalty, batch);
    this.#activityLosses = [loss];
  }

  /**
   * The penalties of the kernel and bias regularizers, computed now, then
   * the activity penalty of the latest call.
   */
  override get losses(): Tensor[] {
    return [...super.losses, ...this.#activityLosses];
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const last = inputShape[inputShape.length - 1];
    const inputDim = this.built ? (this.kernel.shape[0] ?? null) : null;
    if (inputDim !== null && last !== null && last !== inputDim) {
      throw new ShapeError(
        `Dense "${this.name}": expected an input whose last dimension is ` +
          `${inputDim}, got shape ${show(inputShape)}`,
      );
    }
    return [...inputShape.slice(0, -1), this.units];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: activations.serialize(this.activation),
      useBias: this.useBias,
      kernelInitializer: initializers.serialize(this.kernelInitializer),
      biasInitializer: initializers.serialize(this.biasInitializer),
      ...this.#hooksConfig(),
    };
  }

  /** The regularizers and constraints that are set, serialized. */
  #hooksConfig(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
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

/**
 * Creates a {@link Dense} layer (the TensorFlow.js-style factory).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.dense({ units: 4, activation: "relu" });
 * console.log(layer.apply(tg.zeros([2, 3])).shape); // [ 2, 4 ]
 * ```
 */
export function dense(args: DenseArgs): Dense {
  return new Dense(args);
}
