// SPDX-License-Identifier: Apache-2.0
/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter).
 *
 * Differences from TensorFlow.js: TensorFlow.js has no AdamW optimizer.
 */
import { ValueError } from "../../core/errors.js";
import { Adam, type AdamArgs } from "./adam.js";

/** Options of {@link AdamW}: Adam's, with `weightDecay` defaulting to 0.004. */
export type AdamWArgs = AdamArgs;

/**
 * AdamW, as Keras 3 computes it: before each Adam step (see {@link Adam}),
 *
 *   w −= w · weightDecay · lr
 *
 * for every variable not excluded by `excludeFromWeightDecay`. Options:
 * Adam's, with `weightDecay` defaulting to 0.004 (null is a ValueError,
 * as in Keras) and `learningRate` to 0.001.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([2], { dtype: "float64" });
 * const opt = new tg.optimizers.AdamW({ learningRate: 0.5, weightDecay: 0.1 });
 * // A zero gradient leaves only the decay: 2 − 2·0.1·0.5.
 * opt.applyGradients([[tg.tensor([0], undefined, "float64"), w]]);
 * console.log(w.toArray()); // [ 1.9 ]
 * ```
 */
export class AdamW extends Adam {
  constructor(args: AdamWArgs = {}) {
    if (args.weightDecay === null) {
      throw new ValueError(
        "AdamW: expected weightDecay to be a finite number >= 0, got " +
          "weightDecay=null",
      );
    }
    super({
      ...args,
      weightDecay: args.weightDecay ?? 0.004,
      name: args.name ?? "adamw",
    });
  }

  override get className(): string {
    return "AdamW";
  }
}
