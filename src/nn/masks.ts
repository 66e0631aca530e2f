// SPDX-License-Identifier: Apache-2.0
/**
 * Where masks live: a weak map from a tensor to the boolean mask that the
 * layer which made it attached (Keras's `_keras_mask`). Layers read and
 * write it through `Layer.apply`; losses read the mask of a prediction.
 * @internal
 */
import type { Tensor } from "../core/tensor.js";

const masks = new WeakMap<Tensor, Tensor>();

/** The mask attached to `t`, or null. @internal */
export function maskOf(t: Tensor): Tensor | null {
  return masks.get(t) ?? null;
}

/** Attaches `mask` to `t`. @internal */
export function setMaskOf(t: Tensor, mask: Tensor): void {
  masks.set(t, mask);
}
