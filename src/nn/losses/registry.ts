// SPDX-License-Identifier: Apache-2.0
/**
 * Losses by name: Keras's LossFunctionWrapper, `get`, `serialize`, and
 * Keras's short aliases of the function forms (mse, mae, kld, ...).
 */
import { ValueError, show } from "../../core/errors.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import {
  BinaryCrossentropy,
  BinaryFocalCrossentropy,
  CategoricalCrossentropy,
  CategoricalFocalCrossentropy,
  SparseCategoricalCrossentropy,
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  sparseCategoricalCrossentropy,
} from "./crossentropy.js";
import {
  CategoricalHinge,
  Hinge,
  SquaredHinge,
  categoricalHinge,
  hinge,
  squaredHinge,
} from "./hinge.js";
import { Loss, type LossArgs } from "./loss.js";
import {
  KLDivergence,
  Poisson,
  klDivergence,
  poisson,
} from "./probabilistic.js";
import {
  CosineSimilarity,
  Huber,
  LogCosh,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredError,
  MeanSquaredLogarithmicError,
  cosineSimilarity,
  huber,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from "./regression.js";
import { Dice, Tversky, dice, tversky } from "./segmentation.js";

/** A per-sample loss function: (yTrue, yPred) → one value per sample. */
export type LossFunction = (yTrue: TensorLike, yPred: TensorLike) => Tensor;

/**
 * Keras's short name for {@link meanSquaredError}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.mse([[0, 0]], [[1, 3]]).toArray()); // [ 5 ]
 * ```
 */
export const mse = meanSquaredError;

/**
 * Keras's short name for {@link meanAbsoluteError}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.mae([[0, 0]], [[1, 3]]).toArray()); // [ 2 ]
 * ```
 */
export const mae = meanAbsoluteError;

/**
 * Keras's short name for {@link meanAbsolutePercentageError}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.mape([[4]], [[3]]).toArray()); // [ 25 ]
 * ```
 */
export const mape = meanAbsolutePercentageError;

/**
 * Keras's short name for {@link meanSquaredLogarithmicError}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.msle([[1]], [[1]]).toArray()); // [ 0 ]
 * ```
 */
export const msle = meanSquaredLogarithmicError;

/**
 * Keras's short name for {@link klDivergence}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.kld([[1, 0]], [[1, 0]]).toArray()); // [ 0 ]
 * ```
 */
export const kld = klDivergence;

/**
 * Keras's legacy name for {@link klDivergence}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.kullbackLeiblerDivergence === tg.losses.kld); // true
 * ```
 */
export const kullbackLeiblerDivergence = klDivergence;

/**
 * Keras's legacy name for {@link logCosh}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.logcosh([[0]], [[0]]).toArray()); // [ 0 ]
 * ```
 */
export const logcosh = logCosh;

/**
 * Keras's short name for {@link binaryCrossentropy}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.losses.bce === tg.losses.binaryCrossentropy); // true
 * ```
 */
export const bce = binaryCrossentropy;

type LossClass = new (args?: never) => Loss;
type AnyFunction = (yTrue: TensorLike, yPred: TensorLike) => Tensor;

interface Entry {
  /** The function form; called with two arguments, its defaults apply. */
  fn: AnyFunction;
  /** The class. */
  cls: LossClass;
}

// Keras's snake_case names of the function forms, in the order error
// messages list them.
const BY_NAME: Readonly<Record<string, Entry>> = {
  mean_squared_error: { fn: meanSquaredError, cls: MeanSquaredError },
  mean_absolute_error: { fn: meanAbsoluteError, cls: MeanAbsoluteError },
  mean_absolute_percentage_error: {
    fn: meanAbsolutePercentageError,
    cls: MeanAbsolutePercentageError,
  },
  mean_squared_logarithmic_error: {
    fn: meanSquaredLogarithmicError,
    cls: MeanSquaredLogarithmicError,
  },
  huber: { fn: huber, cls: Huber },
  log_cosh: { fn: logCosh, cls: LogCosh },
  cosine_similarity: {
    fn: cosineSimilarity,
    cls: CosineSimilarity,
  },
  binary_crossentropy: {
    fn: binaryCrossentropy,
    cls: BinaryCrossentropy,
  },
  binary_focal_crossentropy: {
    fn: binaryFocalCrossentropy,
    cls: BinaryFocalCrossentropy,
  },
  categorical_crossentropy: {
    fn: categoricalCrossentropy,
    cls: CategoricalCrossentropy,
  },
  categorical_focal_crossentropy: {
    fn: categoricalFocalCrossentropy,
    cls: CategoricalFocalCrossentropy,
  },
  sparse_categorical_crossentropy: {
    fn: sparseCategoricalCrossentropy,
    cls: SparseCategoricalCrossentropy,
  },
  hinge: { fn: hinge, cls: Hinge },
  squared_hinge: { fn: squaredHinge, cls: SquaredHinge },
  categorical_hinge: { fn: categoricalHinge, cls: CategoricalHinge },
  kl_divergence: { fn: klDivergence, cls: KLDivergence },
  poisson: { fn: poisson, cls: Poisson },
  dice: { fn: dice, cls: Dice },
  tversky: { fn: tversky, cls: Tversky },
};

// Keras's aliases (and legacy names) of the function forms.
const KERAS_ALIASES: Readonly<Record<string, string>> = {
  mse: "mean_squared_error",
  MSE: "mean_squared_error",
  mae: "mean_absolute_error",
  MAE: "mean_absolute_error",
  mape: "mean_absolute_percentage_error",
  MAPE: "mean_absolute_percentage_error",
  msle: "mean_squared_logarithmic_error",
  MSLE: "mean_squared_logarithmic_error",
  kld: "kl_divergence",
  KLD: "kl_divergence",
  kullback_leibler_divergence: "kl_divergence",
  bce: "binary_crossentropy",
  BCE: "binary_crossentropy",
  logcosh: "log_cosh",
};

function camelCase(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Every name of a function form → its snake_case name. */
const FUNCTION_NAMES: ReadonlyMap<string, string> = new Map([
  ...Object.keys(BY_NAME).flatMap((snake) => [
    [snake, snake] as const,
    [camelCase(snake), snake] as const,
  ]),
  ...Object.entries(KERAS_ALIASES),
]);

/** Class names → the class. */
const CLASSES: ReadonlyMap<string, LossClass> = new Map(
  Object.values(BY_NAME).map((e) => [e.cls.name, e.cls] as const),
);

/** Built-in function forms → their snake_case name, for serialize. */
const SNAKE_OF: ReadonlyMap<AnyFunction, string> = new Map(
  Object.entries(BY_NAME).map(([snake, e]) => [e.fn, snake] as const),
);

/** Options of {@link LossFunctionWrapper}: those of every loss. */
export type LossFunctionWrapperArgs = LossArgs;

/**
 * A loss class around a per-sample function (Keras's LossFunctionWrapper):
 * `call` reduces what the function gives. `get` makes one for the name of
 * a function form ("mse", "huber", ...), and for a function of your own.
 * Default name: the function's name.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const cube = (t: tg.TensorLike, p: tg.TensorLike) => tg.sub(p, t).pow(3).mean(-1);
 * const loss = new tg.losses.LossFunctionWrapper(cube, { reduction: "sum" });
 * console.log(loss.call([[0], [0]], [[1], [2]]).item(), loss.name); // 9 cube
 * ```
 */
export class LossFunctionWrapper extends Loss {
  /** The per-sample function. */
  readonly lossFn: LossFunction;

  constructor(fn: LossFunction, args: LossFunctionWrapperArgs = {}) {
    if (typeof fn !== "function") {
      throw new ValueError(
        `LossFunctionWrapper: expected a function (yTrue, yPred) => Tensor, ` +
          `got ${show(fn)}`,
      );
    }
    super(args, SNAKE_OF.get(fn) ?? (fn.name || "loss"), []);
    this.lossFn = fn;
  }

  fn(yTrue: TensorLike, yPred: TensorLike): Tensor {
    return this.lossFn(yTrue, yPred);
  }

  /** The config, with `fn` the Keras name of a built-in function form. */
  override getConfig(): Record<string, unknown> {
    const fn = SNAKE_OF.get(this.lossFn);
    if (fn === undefined) {
      throw new ValueError(
        `LossFunctionWrapper: a function of your own cannot be serialized ` +
          `(got function ${show(this.lossFn.name || "(anonymous)")}); ` +
          `subclass tg.losses.Loss and give it a getConfig instead`,
      );
    }
    return { ...super.getConfig(), fn };
  }

  /** Rebuilds a wrapper from its config (`fn`: a function form's name). */
  static override fromConfig<T extends Loss>(
    this: new (args: never) => T,
    config: Record<string, unknown>,
  ): T {
    const { fn, ...args } = config;
    const snake = typeof fn === "string" ? FUNCTION_NAMES.get(fn) : undefined;
    if (snake === undefined) throw unknownName(fn);
    return new LossFunctionWrapper(BY_NAME[snake]!.fn, args) as unknown as T;
  }
}

/** A saved loss: Keras's class name and its config. */
export interface LossConfig {
  /** A class name such as "Huber", or "LossFunctionWrapper". */
  className: string;
  /** The options, as `getConfig` gives them. Default {}. */
  config?: Record<string, unknown>;
}

/**
 * What {@link get} accepts: a name ("mse", "huber", "Huber",
 * "sparse_categorical_crossentropy", "sparseCategoricalCrossentropy"), a
 * Loss, a per-sample function, or a {@link LossConfig}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const id: tg.losses.LossIdentifier = "categorical_crossentropy";
 * console.log(tg.losses.get(id).name); // categorical_crossentropy
 * ```
 */
export type LossIdentifier = string | Loss | LossFunction | LossConfig;

function unknownName(name: unknown): ValueError {
  const known = Object.keys(BY_NAME).map(show).join(", ");
  return new ValueError(
    `losses.get: expected one of ${known} (or an alias such as "mse", or a ` +
      `class name such as "MeanSquaredError"), got ${show(name)}`,
  );
}

function fromName(name: string, config: Record<string, unknown>): Loss {
  const cls = CLASSES.get(name);
  if (cls !== undefined) return new cls(config as never);
  if (name === "LossFunctionWrapper") {
    return LossFunctionWrapper.fromConfig(config);
  }
  const snake = FUNCTION_NAMES.get(name);
  if (snake === undefined) throw unknownName(name);
  return new LossFunctionWrapper(BY_NAME[snake]!.fn, { name, ...config });
}

/**
 * The loss an identifier names, as a Loss: a class name ("Huber") gives
 * that class with default options; the name of a function form
 * (Keras's snake_case "mean_squared_error", its aliases "mse", "mae",
 * "mape", "msle", "kld", "bce", "logcosh", or the camelCase
 * "meanSquaredError") gives a {@link LossFunctionWrapper} around it, named
 * as given, with the default reduction (as Keras's compile does); a
 * function of your own is wrapped the same way; a Loss is returned as it
 * is; a {@link LossConfig} rebuilds a saved loss. Anything else is a
 * ValueError listing the names.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const mse = tg.losses.get("mse");
 * console.log(mse.name, mse.call([[0], [0]], [[1], [3]]).item()); // mse 5
 * const h = tg.losses.get({ className: "Huber", config: { delta: 0.5 } });
 * console.log(h instanceof tg.losses.Huber, (h as tg.losses.Huber).delta); // true 0.5
 * ```
 */
export function get(identifier: LossIdentifier): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === "string") return fromName(identifier, {});
  if (typeof identifier === "function") {
    return new LossFunctionWrapper(identifier);
  }
  if (
    typeof identifier === "object" &&
    identifier !== null &&
    typeof identifier.className === "string"
  ) {
    return fromName(identifier.className, identifier.config ?? {});
  }
  throw new ValueError(
    `losses.get: expected a name, a Loss, a function or a ` +
      `{ className, config } object, got ${show(identifier)}`,
  );
}

/**
 * The saved form of a loss: `{ className, config }`, which {@link get}
 * turns back into an equal loss.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const saved = tg.losses.serialize(new tg.losses.Huber({ delta: 2 }));
 * console.log(saved.className, saved.config); // Huber { name: 'huber_loss', reduction: 'sum_over_batch_size', delta: 2 }
 * ```
 */
export function serialize(loss: Loss): LossConfig {
  if (!(loss instanceof Loss)) {
    throw new ValueError(
      `losses.serialize: expected a Loss, got ${show(loss)}`,
    );
  }
  return { className: loss.className, config: loss.getConfig() };
}
