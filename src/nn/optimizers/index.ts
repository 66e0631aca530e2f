// SPDX-License-Identifier: Apache-2.0
/** Optimizers: `tg.optimizers`. */
export {
  Optimizer,
  type OptimizerArgs,
  type OptimizerDefaults,
  type GradientPair,
  type WeightDecayExclusion,
} from "./optimizer.js";
export { SGD, type SGDArgs } from "./sgd.js";
export { Adam, type AdamArgs } from "./adam.js";
export { AdamW, type AdamWArgs } from "./adamw.js";
export { Adamax, type AdamaxArgs } from "./adamax.js";
export { Nadam, type NadamArgs } from "./nadam.js";
export { RMSprop, type RMSpropArgs } from "./rmsprop.js";
export { Adagrad, type AdagradArgs } from "./adagrad.js";
export { Adadelta, type AdadeltaArgs } from "./adadelta.js";
export { Adafactor, type AdafactorArgs } from "./adafactor.js";
export { Ftrl, type FtrlArgs } from "./ftrl.js";
export { Lion, type LionArgs } from "./lion.js";
export { Lamb, type LambArgs } from "./lamb.js";
export {
  sgd,
  adam,
  adamw,
  adamax,
  nadam,
  rmsprop,
  adagrad,
  adadelta,
  adafactor,
  ftrl,
  lion,
  lamb,
} from "./factories.js";
export {
  get,
  serialize,
  deserialize,
  type OptimizerConfig,
  type OptimizerIdentifier,
} from "./registry.js";
export * as schedules from "./schedules.js";
