// SPDX-License-Identifier: Apache-2.0
/**
 * Optimizers by name and from configs: `tg.optimizers.get`, `serialize`
 * and `deserialize`, as Keras's `keras.optimizers.get`. Names are Keras's
 * (the lowercased class name: "sgd", "adam", "rmsprop", ...), matched
 * without regard to case, so class names work too.
 */
import { ValueError, show } from "../../core/errors.js";
import { Adadelta } from "./adadelta.js";
import { Adafactor } from "./adafactor.js";
import { Adagrad } from "./adagrad.js";
import { Adam } from "./adam.js";
import { Adamax } from "./adamax.js";
import { AdamW } from "./adamw.js";
import { Ftrl } from "./ftrl.js";
import { Lamb } from "./lamb.js";
import { Lion } from "./lion.js";
import { Nadam } from "./nadam.js";
import { Optimizer } from "./optimizer.js";
import { RMSprop } from "./rmsprop.js";
import { SGD } from "./sgd.js";

/** An optimizer's saved form: what {@link serialize} gives. */
export interface OptimizerConfig {
  className: string;
  config: Record<string, unknown>;
}

/** What {@link get} accepts. */
export type OptimizerIdentifier = string | Optimizer | OptimizerConfig;

type OptimizerClass = {
  new (args: never): Optimizer;
  fromConfig(config: Record<string, unknown>): Optimizer;
};

const BY_NAME: Readonly<Record<string, OptimizerClass>> = {
  sgd: SGD,
  adam: Adam,
  adamw: AdamW,
  adamax: Adamax,
  nadam: Nadam,
  rmsprop: RMSprop,
  adagrad: Adagrad,
  adadelta: Adadelta,
  adafactor: Adafactor,
  ftrl: Ftrl,
  lion: Lion,
  lamb: Lamb,
};

function lookup(where: string, name: string): OptimizerClass {
  const key = name.toLowerCase();
  const cls = Object.hasOwn(BY_NAME, key) ? BY_NAME[key] : undefined;
  if (cls === undefined) {
    throw new ValueError(
      `${where}: expected an optimizer name among ` +
        `${show(Object.keys(BY_NAME))} (or a class name such as "Adam"), ` +
        `got ${show(name)}`,
    );
  }
  return cls;
}

/**
 * The optimizer an identifier names: a Keras name or class name (a new
 * optimizer with default options), a `{ className, config }` object (as
 * {@link serialize} gives), or an optimizer, returned as it is. Anything
 * else is a ValueError that lists the names.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.optimizers.get("rmsprop").className); // RMSprop
 * const opt = tg.optimizers.get({ className: "SGD", config: { momentum: 0.5 } });
 * console.log(opt.getConfig().momentum); // 0.5
 * ```
 */
export function get(identifier: OptimizerIdentifier): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === "string") {
    const cls = lookup("optimizers.get", identifier);
    return new cls({} as never);
  }
  if (
    typeof identifier === "object" &&
    identifier !== null &&
    typeof identifier.className === "string"
  ) {
    return deserialize(identifier);
  }
  throw new ValueError(
    `optimizers.get: expected a name, an Optimizer or a { className, ` +
      `config } object, got ${show(identifier)}`,
  );
}

/**
 * The saved form of an optimizer: `{ className, config }` (its options, not
 * its state), which {@link get} and {@link deserialize} turn back into an
 * equal, fresh optimizer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const saved = tg.optimizers.serialize(new tg.optimizers.Lion());
 * console.log(saved.className, saved.config.beta2); // Lion 0.99
 * ```
 */
export function serialize(optimizer: Optimizer): OptimizerConfig {
  if (!(optimizer instanceof Optimizer)) {
    throw new ValueError(
      `optimizers.serialize: expected an Optimizer, got ${show(optimizer)}`,
    );
  }
  return { className: optimizer.className, config: optimizer.getConfig() };
}

/**
 * A new optimizer from `{ className, config }`; the class name is matched
 * without regard to case, as in Keras.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const opt = tg.optimizers.deserialize({
 *   className: "Adam",
 *   config: { learningRate: 0.01 },
 * });
 * console.log(opt.learningRate); // 0.009999999776482582
 * ```
 */
export function deserialize(config: OptimizerConfig): Optimizer {
  const where = "optimizers.deserialize";
  if (
    typeof config !== "object" ||
    config === null ||
    typeof config.className !== "string"
  ) {
    throw new ValueError(
      `${where}: expected a { className, config } object, got ${show(config)}`,
    );
  }
  return lookup(where, config.className).fromConfig(config.config ?? {});
}
