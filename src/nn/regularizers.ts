// SPDX-License-Identifier: Apache-2.0
/**
 * Regularizers, exported as `tg.regularizers`: penalties on weights (or on
 * a layer's output) that are added to the loss, with Keras 3's classes,
 * formulas, defaults and config keys, and the factories TensorFlow.js
 * users expect.
 *
 * A layer takes a regularizer by identifier: an instance, a name
 * ("l1", "l2", "l1_l2", "orthogonal_regularizer", or a class name), a
 * `{ className, config }` object, or a function `(x) => Tensor`.
 */
import { isFloat } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import { nameResolver, type Entry } from "./registry.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { add, minimum, mul, sub } from "../ops/binary.js";
import { cast } from "../ops/cast.js";
import { scalarOf, toTensor } from "../ops/convert.js";
import { eye } from "../ops/creation.js";
import { matMul } from "../ops/linalg.js";
import { sum } from "../ops/reduction.js";
import { abs, rsqrt, square } from "../ops/unary.js";

/** A penalty as a plain function: a weight (or output) in, a scalar out. */
export type RegularizerFunction = (x: Tensor) => Tensor;

// Keras's backend.epsilon(), the floor of the norm in l2-normalisation.
const EPSILON = 1e-7;

function input(x: TensorLike, where: string): Tensor {
  const t = toTensor(x, where);
  return isFloat(t.dtype) ? t : cast(t, "float32");
}

function checkFactor(value: unknown, name: string, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValueError(
      `${where}: expected ${name} to be a finite number >= 0, got ` +
        `${name}=${show(value)}`,
    );
  }
  return value;
}

function optionsOf(
  value: unknown,
  keys: readonly string[],
  where: string,
): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValueError(
      `${where}: expected an options object, got ${show(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new ValueError(
        `${where}: expected options among ${keys.map(show).join(", ")}, ` +
          `got ${show(key)}`,
      );
    }
  }
  return value as Record<string, unknown>;
}

/**
 * The base class of regularizers: `call(x)` gives the penalty (a scalar),
 * `getConfig()` the options that rebuild it, `className` Keras's class
 * name. Subclass it for a penalty of your own.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * class SumOfValues extends tg.regularizers.Regularizer {
 *   readonly className = "SumOfValues";
 *   call(x: tg.TensorLike): tg.Tensor {
 *     return tg.sum(x);
 *   }
 * }
 * console.log(new SumOfValues().call([1, 2, 3]).item()); // 6
 * ```
 */
export abstract class Regularizer {
  /** Keras's class name, as saved in configs (e.g. "L2"). */
  abstract readonly className: string;

  /** The penalty of `x`, a scalar of x's dtype. */
  abstract call(x: TensorLike): Tensor;

  /** The options that rebuild this regularizer, Keras's keys. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /**
   * Rebuilds a regularizer of this class from `getConfig()` output:
   * `tg.regularizers.L2.fromConfig({ l2: 0.1 })`.
   */
  static fromConfig<T extends Regularizer>(
    this: new (args: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(config as never);
  }
}

/** Options of {@link L1}. */
export interface L1Args {
  /** The factor, >= 0. Default 0.01. */
  l1?: number;
}

/**
 * The L1 penalty: `l1 · Σ|x|`. Default l1 = 0.01.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const reg = new tg.regularizers.L1({ l1: 0.5 });
 * console.log(reg.call([[1, -2], [3, -4]]).item()); // 5
 * ```
 */
export class L1 extends Regularizer {
  readonly className = "L1";
  /** The factor. */
  readonly l1: number;

  constructor(args: L1Args = {}) {
    super();
    const a = optionsOf(args, ["l1"], "L1");
    this.l1 = checkFactor(a.l1 ?? 0.01, "l1", "L1");
  }

  call(x: TensorLike): Tensor {
    return mul(sum(abs(input(x, "L1"))), this.l1);
  }

  override getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }
}

/** Options of {@link L2}. */
export interface L2Args {
  /** The factor, >= 0. Default 0.01. */
  l2?: number;
}

/**
 * The L2 penalty: `l2 · Σx²`. Default l2 = 0.01.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const reg = new tg.regularizers.L2({ l2: 2 });
 * console.log(reg.call(tg.ones([5, 5])).item()); // 50
 * ```
 */
export class L2 extends Regularizer {
  readonly className = "L2";
  /** The factor. */
  readonly l2: number;

  constructor(args: L2Args = {}) {
    super();
    const a = optionsOf(args, ["l2"], "L2");
    this.l2 = checkFactor(a.l2 ?? 0.01, "l2", "L2");
  }

  call(x: TensorLike): Tensor {
    return mul(sum(square(input(x, "L2"))), this.l2);
  }

  override getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

/** Options of {@link L1L2}. */
export interface L1L2Args {
  /** The L1 factor, >= 0. Default 0. */
  l1?: number;
  /** The L2 factor, >= 0. Default 0. */
  l2?: number;
}

/**
 * The sum of the L1 and L2 penalties: `l1 · Σ|x| + l2 · Σx²`. Defaults
 * l1 = l2 = 0, as Keras 3's class (so the name "l1_l2" alone gives no
 * penalty, as in Keras 3; TensorFlow.js's `l1l2` defaults both to 0.01).
 * A factor of 0 adds no term.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const reg = new tg.regularizers.L1L2({ l1: 0.5, l2: 1 });
 * console.log(reg.call([1, -2]).item()); // 6.5
 * ```
 */
export class L1L2 extends Regularizer {
  readonly className = "L1L2";
  /** The L1 factor. */
  readonly l1: number;
  /** The L2 factor. */
  readonly l2: number;

  constructor(args: L1L2Args = {}) {
    super();
    const a = optionsOf(args, ["l1", "l2"], "L1L2");
    this.l1 = checkFactor(a.l1 ?? 0, "l1", "L1L2");
    this.l2 = checkFactor(a.l2 ?? 0, "l2", "L1L2");
  }

  call(x: TensorLike): Tensor {
    const t = input(x, "L1L2");
    let penalty = scalarOf(0, t.dtype);
    if (this.l1 !== 0) penalty = add(penalty, mul(sum(abs(t)), this.l1));
    if (this.l2 !== 0) penalty = add(penalty, mul(sum(square(t)), this.l2));
    return penalty;
  }

  override getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** Which vectors {@link OrthogonalRegularizer} pushes apart. */
export type OrthogonalMode = "rows" | "columns";

/** Options of {@link OrthogonalRegularizer}. */
export interface OrthogonalRegularizerArgs {
  /** The factor, >= 0. Default 0.01. */
  factor?: number;
  /** "rows" (the default) or "columns". */
  mode?: OrthogonalMode;
}

/**
 * A penalty that pushes the rows (or columns) of a matrix towards being
 * orthogonal, Keras 3's formula: with the n rows l2-normalised to v₁…vₙ,
 * `factor · ½ · Σ_{i≠j} |vᵢ·vⱼ| / (n(n − 1)/2)`, that is factor times the
 * mean |cosine| over pairs. Defaults factor 0.01, mode "rows". Takes
 * rank-2 inputs; a matrix with one row (or column) has no pair and gives
 * 0 (Keras divides by zero pairs and gives NaN).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const reg = new tg.regularizers.OrthogonalRegularizer({ factor: 1 });
 * console.log(reg.call([[1, 0], [1, 0]]).item()); // 1
 * console.log(reg.call([[1, 0], [0, 3]]).item()); // 0
 * ```
 */
export class OrthogonalRegularizer extends Regularizer {
  readonly className = "OrthogonalRegularizer";
  /** The factor. */
  readonly factor: number;
  /** Whether rows or columns are compared. */
  readonly mode: OrthogonalMode;

  constructor(args: OrthogonalRegularizerArgs = {}) {
    super();
    const where = "OrthogonalRegularizer";
    const a = optionsOf(args, ["factor", "mode"], where);
    this.factor = checkFactor(a.factor ?? 0.01, "factor", where);
    const mode = a.mode ?? "rows";
    if (mode !== "rows" && mode !== "columns") {
      throw new ValueError(
        `${where}: expected mode "rows" or "columns", got mode=${show(mode)}`,
      );
    }
    this.mode = mode;
  }

  call(x: TensorLike): Tensor {
    const t = input(x, "OrthogonalRegularizer");
    if (t.rank !== 2) {
      throw new ValueError(
        `OrthogonalRegularizer: expected an input of rank 2, got shape ` +
          show(t.shape),
      );
    }
    const rows = this.mode === "rows";
    const v = l2Normalize(t, rows ? 1 : 0);
    const product = rows ? matMul(v, v, false, true) : matMul(v, v, true);
    const size = t.shape[rows ? 0 : 1]!;
    if (size < 2) return scalarOf(0, t.dtype);
    const offDiagonal = mul(product, sub(1, eye(size, size, [], t.dtype)));
    const pairs = (size * (size - 1)) / 2;
    return mul(sum(abs(offDiagonal)), (this.factor * 0.5) / pairs);
  }

  override getConfig(): Record<string, unknown> {
    return { factor: this.factor, mode: this.mode };
  }
}

/** Keras's l2-normalisation: x · min(1 / sqrt(Σx²), 1 / ε) along `axis`. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return mul(x, minimum(rsqrt(sum(square(x), axis, true)), 1 / EPSILON));
}

/**
 * An {@link L1} penalty with factor `l1` (default 0.01); the shortcut of
 * Keras and TensorFlow.js.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.regularizers.l1(0.1).call([1, -1]).item()); // 0.20000000298023224
 * ```
 */
export function l1(l1 = 0.01): L1 {
  return new L1({ l1 });
}

/**
 * An {@link L2} penalty with factor `l2` (default 0.01).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.regularizers.l2(0.5).call([2]).item()); // 2
 * ```
 */
export function l2(l2 = 0.01): L2 {
  return new L2({ l2 });
}

/**
 * An {@link L1L2} penalty (defaults l1 = l2 = 0, as Keras 3's `l1_l2`).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.regularizers.l1l2({ l1: 1, l2: 1 }).call([-2]).item()); // 6
 * ```
 */
export function l1l2(args: L1L2Args = {}): L1L2 {
  return new L1L2(args);
}

/**
 * An {@link OrthogonalRegularizer} (defaults factor 0.01, mode "rows").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const reg = tg.regularizers.orthogonalRegularizer({ mode: "columns" });
 * console.log(reg.mode, reg.factor); // columns 0.01
 * ```
 */
export function orthogonalRegularizer(
  args: OrthogonalRegularizerArgs = {},
): OrthogonalRegularizer {
  return new OrthogonalRegularizer(args);
}

/** A saved regularizer: Keras's class name and its config. */
export interface RegularizerConfig {
  /** A class name such as "L2" (or any name {@link get} knows). */
  className: string;
  /** The options, as `getConfig` gives them. Default {}. */
  config?: Record<string, unknown>;
}

/**
 * What {@link get} accepts: a name, a Regularizer, a function, a
 * {@link RegularizerConfig}, or null / undefined for none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const id: tg.regularizers.RegularizerIdentifier = "l2";
 * console.log(tg.regularizers.get(id)); // L2 { className: 'L2', l2: 0.01 }
 * ```
 */
export type RegularizerIdentifier =
  | string
  | Regularizer
  | RegularizerFunction
  | RegularizerConfig
  | null
  | undefined;

// Keras's snake_case names, in the order error messages list them.
const BY_NAME: Readonly<Record<string, Entry<Regularizer>>> = {
  l1: ["L1", (c: L1Args) => new L1(c)],
  l2: ["L2", (c: L2Args) => new L2(c)],
  l1_l2: ["L1L2", (c: L1L2Args) => new L1L2(c)],
  orthogonal_regularizer: [
    "OrthogonalRegularizer",
    (c: OrthogonalRegularizerArgs) => new OrthogonalRegularizer(c),
  ],
};

const build = nameResolver("regularizers.get", BY_NAME, "L2", {
  l1l2: "l1_l2",
});

/**
 * The regularizer an identifier names, as Keras's `regularizers.get`: a
 * name ("l1", "l2", "l1_l2" or "l1l2", "orthogonal_regularizer", or the
 * class names "L1", "L2", "L1L2", "OrthogonalRegularizer") gives that
 * class with its default options; a {@link RegularizerConfig} rebuilds a
 * saved one; a Regularizer or a function is returned as it is; null and
 * undefined give null (no penalty).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const reg = tg.regularizers.get({ className: "L1", config: { l1: 0.5 } });
 * console.log(reg instanceof tg.regularizers.L1); // true
 * console.log(tg.regularizers.get(null)); // null
 * ```
 */
export function get(
  identifier: RegularizerIdentifier,
): Regularizer | RegularizerFunction | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Regularizer) return identifier;
  if (typeof identifier === "function") return identifier;
  if (typeof identifier === "string") return build(identifier, {});
  if (
    typeof identifier === "object" &&
    typeof identifier.className === "string"
  ) {
    return build(identifier.className, identifier.config ?? {});
  }
  throw new ValueError(
    `regularizers.get: expected a name, a Regularizer, a function or a ` +
      `{ className, config } object, got ${show(identifier)}`,
  );
}

/**
 * The penalty function of a resolved regularizer: `(x) => reg.call(x)`
 * for a Regularizer, the function itself otherwise; null stays null.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const f = tg.regularizers.toFunction(tg.regularizers.l2(1));
 * console.log(f?.(tg.tensor([3])).item()); // 9
 * ```
 */
export function toFunction(
  regularizer: Regularizer | RegularizerFunction | null,
): RegularizerFunction | null {
  if (regularizer === null) return null;
  if (regularizer instanceof Regularizer) return (x) => regularizer.call(x);
  return regularizer;
}

/**
 * The saved form of a regularizer, `{ className, config }`, which
 * {@link get} turns back into an equal one. A plain function cannot be
 * saved: a ValueError, as for custom activations.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.regularizers.serialize(tg.regularizers.l1l2({ l2: 0.1 })));
 * // { className: 'L1L2', config: { l1: 0, l2: 0.1 } }
 * ```
 */
export function serialize(
  regularizer: Regularizer | RegularizerFunction,
): RegularizerConfig {
  if (regularizer instanceof Regularizer) {
    return {
      className: regularizer.className,
      config: regularizer.getConfig(),
    };
  }
  const what =
    typeof regularizer === "function"
      ? `function ${show(regularizer.name || "(anonymous)")}`
      : show(regularizer);
  throw new ValueError(
    `regularizers.serialize: expected a Regularizer (a function cannot be ` +
      `saved; subclass tg.regularizers.Regularizer), got ${what}`,
  );
}
