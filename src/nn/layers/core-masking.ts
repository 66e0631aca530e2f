// SPDX-License-Identifier: Apache-2.0
/** Masking: marks timesteps whose features all equal a value as padding. */
import { ValueError, show } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { notEqual } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { max } from "../../ops/reduction.js";
import { where } from "../../ops/select.js";
import { Layer, type LayerArgs, type SymbolicShape } from "./layer.js";

/** Options of Masking. */
export interface MaskingArgs extends LayerArgs {
  /** The padding value: a timestep is masked when all its features equal it. Default 0. */
  maskValue?: number;
}

/**
 * Masks padded timesteps: a timestep (a position on the second-to-last
 * axis) whose features all equal `maskValue` is masked. The output is the
 * input with masked timesteps set to zero, as Keras's output is:
 * `y = any(x != maskValue, axis=-1, keepDims) ? x : 0` (Keras multiplies
 * by the mask, which gives -0 for negative values; here they are 0).
 *
 * `computeMask(x)` gives the boolean mask `any(x != maskValue, axis=-1)`,
 * of shape [batch, time] for an input [batch, time, features]; `apply`
 * attaches it to the output, so that the recurrent and attention layers
 * after it skip the masked steps (see `tg.layers.getMask`).
 *
 * Input shape: [batch, time, features] (any rank >= 1). Output shape: the
 * input's. Options: `maskValue` (default 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Masking({ maskValue: -1 });
 * const x = tg.tensor([[[1, 2], [-1, -1], [3, -1]]]);
 * console.log(layer.apply(x).toArray()); // [ [ [ 1, 2 ], [ 0, 0 ], [ 3, -1 ] ] ]
 * console.log(layer.computeMask(x).toArray()); // [ [ true, false, true ] ]
 * ```
 */
export class Masking extends Layer {
  /** The padding value. */
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `Masking: expected an options object, got ${show(args)}`,
      );
    }
    const maskValue = args.maskValue ?? 0;
    if (typeof maskValue !== "number" || Number.isNaN(maskValue)) {
      throw new ValueError(
        `Masking: expected maskValue to be a number (not NaN), got ` +
          `maskValue=${show(maskValue)}`,
      );
    }
    super(args);
    this.maskValue = maskValue;
  }

  #keep(x: Tensor, keepDims: boolean): Tensor {
    if (x.rank < 1) {
      throw new ValueError(
        `Masking "${this.name}": expected an input of rank >= 1, got ` +
          `shape ${show(x.shape)}`,
      );
    }
    return max(cast(notEqual(x, this.maskValue), x.dtype), -1, keepDims);
  }

  override call(x: Tensor): Tensor {
    // where, not a product: masked values become 0, never -0.
    return where(cast(this.#keep(x, true), "bool"), x, 0);
  }

  /**
   * The boolean mask of `inputs`: true where a timestep has a feature
   * different from `maskValue`; the input's shape without its last axis.
   */
  override computeMask(inputs: Tensor): Tensor {
    return cast(this.#keep(inputs, false), "bool");
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}

/**
 * Creates a {@link Masking} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.masking();
 * console.log(layer.apply([[0, 0], [1, 0]]).toArray()); // [ [ 0, 0 ], [ 1, 0 ] ]
 * ```
 */
export function masking(args: MaskingArgs = {}): Masking {
  return new Masking(args);
}
