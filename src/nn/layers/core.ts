// SPDX-License-Identifier: Apache-2.0
/**
 * Core layers without weights: Activation (applies a function), Identity
 * (returns its input) and Rescaling (x · scale + offset).
 */
import { ValueError, show } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { add, mul } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { tensor } from "../../ops/creation.js";
import * as activations from "../activations.js";
import { Layer, type LayerArgs, type SymbolicShape } from "./layer.js";

function checkArgs(args: unknown, cls: string): void {
  if (args === null || typeof args !== "object") {
    throw new ValueError(
      `${cls}: expected an options object, got ${show(args)}`,
    );
  }
}

/** Options of Activation. */
export interface ActivationArgs extends LayerArgs {
  /** The function to apply: a name ("relu", "softmax", ...) or a function. */
  activation: activations.ActivationIdentifier;
}

/**
 * Applies an activation function to its input, elementwise (or along the
 * last axis for softmax): `y = activation(x)`.
 *
 * Input shape: any. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Activation({ activation: "relu" });
 * console.log(layer.apply([[-1, 2]]).toArray()); // [ [ 0, 2 ] ]
 * ```
 */
export class Activation extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  /** The function applied. */
  readonly activation: activations.Activation;

  constructor(args: ActivationArgs) {
    checkArgs(args, "Activation");
    if (args.activation === undefined || args.activation === null) {
      throw new ValueError(
        `Activation: expected an activation (a name or a function), got ` +
          `activation=${show(args.activation)}`,
      );
    }
    const activation = activations.get(args.activation);
    super(args);
    this.activation = activation;
  }

  override call(x: Tensor): Tensor {
    return this.activation(x);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      activation: activations.serialize(this.activation),
    };
  }
}

/**
 * Creates an {@link Activation} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.activation({ activation: "tanh" });
 * console.log(layer.apply([[0]]).toArray()); // [ [ 0 ] ]
 * ```
 */
export function activation(args: ActivationArgs): Activation {
  return new Activation(args);
}

/**
 * Returns its input unchanged: `y = x`. A placeholder, for example where
 * a model's structure expects a layer.
 *
 * Input shape: any. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Identity();
 * console.log(layer.apply([[1, 2]]).toArray()); // [ [ 1, 2 ] ]
 * ```
 */
export class Identity extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  constructor(args: LayerArgs = {}) {
    checkArgs(args, "Identity");
    super(args);
  }

  override call(x: Tensor): Tensor {
    return x;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }
}

/**
 * Creates an {@link Identity} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.layers.identity().apply([[3]]).toArray()); // [ [ 3 ] ]
 * ```
 */
export function identity(args: LayerArgs = {}): Identity {
  return new Identity(args);
}

/** Options of Rescaling. */
export interface RescalingArgs extends LayerArgs {
  /**
   * The factor: a number, or one number per channel (the last axis,
   * broadcast as usual).
   */
  scale: number | readonly number[];
  /** Added after scaling: a number or one per channel. Default 0. */
  offset?: number | readonly number[];
}

function checkFactor(value: unknown, name: string): void {
  const ok =
    (typeof value === "number" && Number.isFinite(value)) ||
    (Array.isArray(value) &&
      value.length > 0 &&
      value.every((v) => typeof v === "number" && Number.isFinite(v)));
  if (!ok) {
    throw new ValueError(
      `Rescaling: expected ${name} to be a finite number or a non-empty ` +
        `list of them, got ${name}=${show(value)}`,
    );
  }
}

/**
 * Rescales its input: `y = x · scale + offset`, computed in the layer's
 * dtype (integer inputs are cast to it first, as in Keras). For example
 * `scale: 1 / 255` maps [0, 255] to [0, 1], and `scale: 1 / 127.5,
 * offset: -1` maps it to [-1, 1]. It has no weights.
 * As in Keras, `scale` and `offset` may be lists, one number per channel
 * (the last axis); TensorFlow.js takes numbers only.
 *
 * Input shape: any. Output shape: the input's.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Rescaling({ scale: 0.5, offset: -1 });
 * console.log(layer.apply([[0, 2, 4]]).toArray()); // [ [ -1, 0, 1 ] ]
 * ```
 */
export class Rescaling extends Layer {
  /** Passes the input's mask on (see `tg.layers.getMask`). */
  override supportsMasking = true;
  readonly scale: number | readonly number[];
  readonly offset: number | readonly number[];

  constructor(args: RescalingArgs) {
    checkArgs(args, "Rescaling");
    checkFactor(args.scale, "scale");
    const offset = args.offset ?? 0;
    checkFactor(offset, "offset");
    super(args);
    this.scale = typeof args.scale === "number" ? args.scale : [...args.scale];
    this.offset = typeof offset === "number" ? offset : [...offset];
  }

  override call(x: Tensor): Tensor {
    const y = cast(x, this.dtype);
    const scale = this.#factor(this.scale);
    const offset = this.#factor(this.offset);
    return add(mul(y, scale), offset);
  }

  #factor(v: number | readonly number[]): Tensor | number {
    return typeof v === "number" ? v : tensor([...v], undefined, this.dtype);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

/**
 * Creates a {@link Rescaling} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.rescaling({ scale: 2 });
 * console.log(layer.apply([[1, 2]]).toArray()); // [ [ 2, 4 ] ]
 * ```
 */
export function rescaling(args: RescalingArgs): Rescaling {
  return new Rescaling(args);
}
