// SPDX-License-Identifier: Apache-2.0
/**
 * Factories for the optimizers, in camelCase as TensorFlow.js names them
 * (`tg.optimizers.adam({ ... })`); each takes the class's options object.
 */
import { SGD, type SGDArgs } from "./sgd.js";
import { Adam, type AdamArgs } from "./adam.js";
import { AdamW, type AdamWArgs } from "./adamw.js";
import { Adamax, type AdamaxArgs } from "./adamax.js";
import { Nadam, type NadamArgs } from "./nadam.js";
import { RMSprop, type RMSpropArgs } from "./rmsprop.js";
import { Adagrad, type AdagradArgs } from "./adagrad.js";
import { Adadelta, type AdadeltaArgs } from "./adadelta.js";
import { Adafactor, type AdafactorArgs } from "./adafactor.js";
import { Ftrl, type FtrlArgs } from "./ftrl.js";
import { Lion, type LionArgs } from "./lion.js";
import { Lamb, type LambArgs } from "./lamb.js";

/**
 * Creates an {@link SGD} optimizer; see the class for the update and
 * the options.
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

/**
 * Creates an {@link Adam} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.adam({ amsgrad: true }).amsgrad); // true
 * ```
 */
export function adam(args: AdamArgs = {}): Adam {
  return new Adam(args);
}

/**
 * Creates an {@link AdamW} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.adamw({}).weightDecay); // 0.004
 * ```
 */
export function adamw(args: AdamWArgs = {}): AdamW {
  return new AdamW(args);
}

/**
 * Creates an {@link Adamax} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.adamax({ beta2: 0.99 }).beta2); // 0.99
 * ```
 */
export function adamax(args: AdamaxArgs = {}): Adamax {
  return new Adamax(args);
}

/**
 * Creates an {@link Nadam} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.nadam({}).name); // nadam
 * ```
 */
export function nadam(args: NadamArgs = {}): Nadam {
  return new Nadam(args);
}

/**
 * Creates an {@link RMSprop} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.rmsprop({ centered: true }).centered); // true
 * ```
 */
export function rmsprop(args: RMSpropArgs = {}): RMSprop {
  return new RMSprop(args);
}

/**
 * Creates an {@link Adagrad} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.adagrad({}).initialAccumulatorValue); // 0.1
 * ```
 */
export function adagrad(args: AdagradArgs = {}): Adagrad {
  return new Adagrad(args);
}

/**
 * Creates an {@link Adadelta} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.adadelta({ learningRate: 1 }).rho); // 0.95
 * ```
 */
export function adadelta(args: AdadeltaArgs = {}): Adadelta {
  return new Adadelta(args);
}

/**
 * Creates an {@link Adafactor} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.adafactor({}).clipThreshold); // 1
 * ```
 */
export function adafactor(args: AdafactorArgs = {}): Adafactor {
  return new Adafactor(args);
}

/**
 * Creates an {@link Ftrl} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.ftrl({}).learningRatePower); // -0.5
 * ```
 */
export function ftrl(args: FtrlArgs = {}): Ftrl {
  return new Ftrl(args);
}

/**
 * Creates an {@link Lion} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.lion({}).beta2); // 0.99
 * ```
 */
export function lion(args: LionArgs = {}): Lion {
  return new Lion(args);
}

/**
 * Creates an {@link Lamb} optimizer; see the class for the update and
 * the options.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.lamb({}).epsilon); // 1e-7
 * ```
 */
export function lamb(args: LambArgs = {}): Lamb {
  return new Lamb(args);
}
