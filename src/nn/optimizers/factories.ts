// SPDX-License-Identifier: Apache-2.0
/** TensorFlow.js-style factories for the optimizers. */
import { SGD, type SGDArgs } from "./sgd.js";

/**
 * Creates an {@link SGD} optimizer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.sgd({ learningRate: 0.1 }).learningRate); // 0.10000000149011612
 * ```
 */
export function sgd(args: SGDArgs = {}): SGD {
  return new SGD(args);
}
