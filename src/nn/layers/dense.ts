// SPDX-License-Identifier: Apache-2.0
/** Dense: the densely connected layer, y = activation(x · kernel + bias). */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { add } from "../../ops/binary.js";
import { matMul } from "../../ops/linalg.js";
import type { Variable } from "../../variables.js";
import * as activations from "../activations.js";
import * as initializers from "../initializers.js";
import {
  Layer,
  type Constraint,
  type LayerArgs,
  type Regularizer,
  type SymbolicShape,
} from "./layer.js";

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
  kernelRegularizer?: Regularizer | null;
  biasRegularizer?: Regularizer | null;
  kernelConstraint?: Constraint | null;
  biasConstraint?: Constraint | null;
}

/**
 * A densely connected layer: `activation(x · kernel + bias)`. The kernel
 * has shape [inputDim, units]; the bias [units]. The input has any rank
 * of 1 or more, and the product runs over its last axis.
 *
 * Input shape: [..., inputDim]. Output shape: [..., units].
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
  readonly units: number;
  readonly activation: activations.Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: initializers.Initializer;
  readonly biasInitializer: initializers.Initializer;
  readonly #args: DenseArgs;
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
    super(args);
    this.units = units;
    this.activation = activation;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
    this.#args = args;
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
      regularizer: this.#args.kernelRegularizer ?? null,
      constraint: this.#args.kernelConstraint ?? null,
    });
    if (this.useBias) {
      this.#bias = this.addWeight("bias", {
        shape: [this.units],
        initializer: this.biasInitializer,
        regularizer: this.#args.biasRegularizer ?? null,
        constraint: this.#args.biasConstraint ?? null,
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
    return this.activation(y);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
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
    };
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
