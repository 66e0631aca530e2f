// SPDX-License-Identifier: Apache-2.0
/** Optimizers: `tg.optimizers`. */
export {
  Optimizer,
  type OptimizerArgs,
  type GradientPair,
} from "./optimizer.js";
export { SGD, type SGDArgs } from "./sgd.js";
export { sgd } from "./factories.js";
