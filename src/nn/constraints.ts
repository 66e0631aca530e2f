// SPDX-License-Identifier: Apache-2.0
/**
 * Constraints, exported as `tg.constraints`: projections that optimizers
 * apply to a weight after each update, with Keras 3's classes, formulas,
 * defaults (axis 0: for a Dense kernel [inputDim, units], the vector of
 * weights into each unit) and config keys, and TensorFlow.js-style
 * factories.
 *
 * The norms are `sqrt(Σ w²)` over `axis`, kept as dimensions of 1, and
 * the rescaling divides by `ε + norm` with ε = 1e-7, so zero vectors stay
 * zero.
 */
import { isFloat } from "../core/dtype.js";
import { ValueError, show } from "../core/errors.js";
import { nameResolver, type Entry } from "./registry.js";
import { normalizeAxes } from "../core/shape.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { add, div, maximum, mul } from "../ops/binary.js";
import { cast } from "../ops/cast.js";
import { toTensor } from "../ops/convert.js";
import { sum } from "../ops/reduction.js";
import { clip } from "../ops/select.js";
import { sqrt, square } from "../ops/unary.js";

/** A constraint as a plain function: a weight in, its projection out. */
export type ConstraintFunction = (w: Tensor) => Tensor;

/** One axis or several. */
export type ConstraintAxis = number | readonly number[];

const EPSILON = 1e-7;

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

function checkValue(value: unknown, name: string, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ValueError(
      `${where}: expected ${name} to be a finite number >= 0, got ` +
        `${name}=${show(value)}`,
    );
  }
  return value;
}

function checkAxis(value: unknown, where: string): ConstraintAxis {
  const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);
  if (isInt(value)) return value as number;
  if (Array.isArray(value) && value.length > 0 && value.every(isInt)) {
    return (value as number[]).slice();
  }
  throw new ValueError(
    `${where}: expected axis to be an integer or a non-empty list of ` +
      `integers, got axis=${show(value)}`,
  );
}

function weight(w: TensorLike, where: string): Tensor {
  const t = toTensor(w, where);
  return isFloat(t.dtype) ? t : cast(t, "float32");
}

/** The l2 norms over `axis`, kept as dimensions of 1. */
function norms(w: Tensor, axis: ConstraintAxis, where: string): Tensor {
  const axes = normalizeAxes(axis, w.rank, where);
  return sqrt(sum(square(w), axes, true));
}

function axisConfig(axis: ConstraintAxis): number | number[] {
  return typeof axis === "number" ? axis : [...axis];
}

/**
 * The base class of constraints: `call(w)` gives the projected weight,
 * `getConfig()` the options that rebuild it, `className` Keras's class
 * name. The default projection returns w unchanged.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * class Halve extends tg.constraints.Constraint {
 *   override readonly className = "Halve";
 *   override call(w: tg.TensorLike): tg.Tensor {
 *     return tg.mul(w, 0.5);
 *   }
 * }
 * console.log(new Halve().call([2, 4]).toArray()); // [ 1, 2 ]
 * ```
 */
export class Constraint {
  /** Keras's class name, as saved in configs (e.g. "MaxNorm"). */
  readonly className: string = "Constraint";

  /** The projection of `w`; the base class returns it unchanged. */
  call(w: TensorLike): Tensor {
    return weight(w, this.className);
  }

  /** The options that rebuild this constraint, Keras's keys. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /**
   * Rebuilds a constraint of this class from `getConfig()` output:
   * `tg.constraints.MaxNorm.fromConfig({ maxValue: 1, axis: 0 })`.
   */
  static fromConfig<T extends Constraint>(
    this: new (args: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(config as never);
  }
}

/** Options of {@link MaxNorm}. */
export interface MaxNormArgs {
  /** The largest norm allowed, >= 0. Default 2. */
  maxValue?: number;
  /** The axis (or axes) of the norm. Default 0. */
  axis?: ConstraintAxis;
}

/**
 * Limits the norm of the weight vectors along `axis` to `maxValue`:
 * `w · clip(n, 0, maxValue) / (ε + n)` with n the norms. Defaults
 * maxValue 2, axis 0 (for a Dense kernel, the weights into each unit).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const c = new tg.constraints.MaxNorm({ maxValue: 1 });
 * const w = c.call([[3, 0.3], [4, 0.4]]); // column norms 5 and 0.5
 * console.log(Array.from(w.data, (v) => +v.toFixed(4))); // [ 0.6, 0.3, 0.8, 0.4 ]
 * ```
 */
export class MaxNorm extends Constraint {
  override readonly className = "MaxNorm";
  /** The largest norm allowed. */
  readonly maxValue: number;
  /** The axis (or axes) of the norm. */
  readonly axis: ConstraintAxis;

  constructor(args: MaxNormArgs = {}) {
    super();
    const a = optionsOf(args, ["maxValue", "axis"], "MaxNorm");
    this.maxValue = checkValue(a.maxValue ?? 2, "maxValue", "MaxNorm");
    this.axis = checkAxis(a.axis ?? 0, "MaxNorm");
  }

  override call(w: TensorLike): Tensor {
    const t = weight(w, "MaxNorm");
    const n = norms(t, this.axis, "MaxNorm");
    const desired = clip(n, 0, this.maxValue);
    return mul(t, div(desired, add(n, EPSILON)));
  }

  override getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, axis: axisConfig(this.axis) };
  }
}

/** Options of {@link MinMaxNorm}. */
export interface MinMaxNormArgs {
  /** The smallest norm, >= 0. Default 0. */
  minValue?: number;
  /** The largest norm, >= minValue. Default 1. */
  maxValue?: number;
  /** How far to move towards the interval each time, in [0, 1]. Default 1. */
  rate?: number;
  /** The axis (or axes) of the norm. Default 0. */
  axis?: ConstraintAxis;
}

/**
 * Keeps the norm of the weight vectors along `axis` in
 * [minValue, maxValue]: with n the norms,
 * `desired = rate · clip(n, minValue, maxValue) + (1 − rate) · n` and
 * `w · desired / (ε + n)`. Defaults minValue 0, maxValue 1, rate 1 (strict),
 * axis 0.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const c = new tg.constraints.MinMaxNorm({ minValue: 1, maxValue: 2 });
 * const w = c.call([[0.3, 6], [0.4, 8]]); // column norms 0.5 and 10
 * console.log(Array.from(w.data, (v) => +v.toFixed(4))); // [ 0.6, 1.2, 0.8, 1.6 ]
 * ```
 */
export class MinMaxNorm extends Constraint {
  override readonly className = "MinMaxNorm";
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: ConstraintAxis;

  constructor(args: MinMaxNormArgs = {}) {
    super();
    const where = "MinMaxNorm";
    const a = optionsOf(args, ["minValue", "maxValue", "rate", "axis"], where);
    this.minValue = checkValue(a.minValue ?? 0, "minValue", where);
    this.maxValue = checkValue(a.maxValue ?? 1, "maxValue", where);
    if (this.minValue > this.maxValue) {
      throw new ValueError(
        `${where}: expected minValue <= maxValue, got minValue=` +
          `${this.minValue}, maxValue=${this.maxValue}`,
      );
    }
    const rate = checkValue(a.rate ?? 1, "rate", where);
    if (rate > 1) {
      throw new ValueError(
        `${where}: expected rate in [0, 1], got rate=${show(rate)}`,
      );
    }
    this.rate = rate;
    this.axis = checkAxis(a.axis ?? 0, where);
  }

  override call(w: TensorLike): Tensor {
    const t = weight(w, "MinMaxNorm");
    const n = norms(t, this.axis, "MinMaxNorm");
    const clipped = clip(n, this.minValue, this.maxValue);
    const desired = add(mul(clipped, this.rate), mul(n, 1 - this.rate));
    return mul(t, div(desired, add(n, EPSILON)));
  }

  override getConfig(): Record<string, unknown> {
    return {
      minValue: this.minValue,
      maxValue: this.maxValue,
      rate: this.rate,
      axis: axisConfig(this.axis),
    };
  }
}

/**
 * Sets negative weights to 0: `max(w, 0)`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(new tg.constraints.NonNeg().call([-1, 2]).toArray()); // [ 0, 2 ]
 * ```
 */
export class NonNeg extends Constraint {
  override readonly className = "NonNeg";

  override call(w: TensorLike): Tensor {
    return maximum(weight(w, "NonNeg"), 0);
  }
}

/** Options of {@link UnitNorm}. */
export interface UnitNormArgs {
  /** The axis (or axes) of the norm. Default 0. */
  axis?: ConstraintAxis;
}

/**
 * Scales the weight vectors along `axis` to norm 1: `w / (ε + n)` with n
 * the norms. Default axis 0.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const c = new tg.constraints.UnitNorm({ axis: 1 });
 * const w = c.call([[3, 4]]);
 * console.log(Array.from(w.data, (v) => +v.toFixed(4))); // [ 0.6, 0.8 ]
 * ```
 */
export class UnitNorm extends Constraint {
  override readonly className = "UnitNorm";
  /** The axis (or axes) of the norm. */
  readonly axis: ConstraintAxis;

  constructor(args: UnitNormArgs = {}) {
    super();
    const a = optionsOf(args, ["axis"], "UnitNorm");
    this.axis = checkAxis(a.axis ?? 0, "UnitNorm");
  }

  override call(w: TensorLike): Tensor {
    const t = weight(w, "UnitNorm");
    return div(t, add(norms(t, this.axis, "UnitNorm"), EPSILON));
  }

  override getConfig(): Record<string, unknown> {
    return { axis: axisConfig(this.axis) };
  }
}

/**
 * A {@link MaxNorm} constraint (defaults maxValue 2, axis 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.constraints.maxNorm({ maxValue: 3 }).getConfig()); // { maxValue: 3, axis: 0 }
 * ```
 */
export function maxNorm(args: MaxNormArgs = {}): MaxNorm {
  return new MaxNorm(args);
}

/**
 * A {@link MinMaxNorm} constraint (defaults minValue 0, maxValue 1,
 * rate 1, axis 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.constraints.minMaxNorm({ rate: 0.5 }).rate); // 0.5
 * ```
 */
export function minMaxNorm(args: MinMaxNormArgs = {}): MinMaxNorm {
  return new MinMaxNorm(args);
}

/**
 * A {@link NonNeg} constraint.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.constraints.nonNeg().call([-3, 3]).toArray()); // [ 0, 3 ]
 * ```
 */
export function nonNeg(): NonNeg {
  return new NonNeg();
}

/**
 * A {@link UnitNorm} constraint (default axis 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.constraints.unitNorm({ axis: [0, 1] }).getConfig()); // { axis: [ 0, 1 ] }
 * ```
 */
export function unitNorm(args: UnitNormArgs = {}): UnitNorm {
  return new UnitNorm(args);
}

/** A saved constraint: Keras's class name and its config. */
export interface ConstraintConfig {
  /** A class name such as "MaxNorm" (or any name {@link get} knows). */
  className: string;
  /** The options, as `getConfig` gives them. Default {}. */
  config?: Record<string, unknown>;
}

/**
 * What {@link get} accepts: a name, a Constraint, a function, a
 * {@link ConstraintConfig}, or null / undefined for none.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const id: tg.constraints.ConstraintIdentifier = "non_neg";
 * console.log(tg.constraints.get(id) instanceof tg.constraints.NonNeg); // true
 * ```
 */
export type ConstraintIdentifier =
  | string
  | Constraint
  | ConstraintFunction
  | ConstraintConfig
  | null
  | undefined;

// Keras's snake_case names, in the order error messages list them.
const BY_NAME: Readonly<Record<string, Entry<Constraint>>> = {
  max_norm: ["MaxNorm", (c: MaxNormArgs) => new MaxNorm(c)],
  min_max_norm: ["MinMaxNorm", (c: MinMaxNormArgs) => new MinMaxNorm(c)],
  non_neg: ["NonNeg", () => new NonNeg()],
  unit_norm: ["UnitNorm", (c: UnitNormArgs) => new UnitNorm(c)],
};

const build = nameResolver("constraints.get", BY_NAME, "MaxNorm");

/**
 * The constraint an identifier names, as Keras's `constraints.get`: a name
 * ("max_norm", "min_max_norm", "non_neg", "unit_norm", their class names or
 * camelCase forms) gives that class with its default options; a
 * {@link ConstraintConfig} rebuilds a saved one; a Constraint or a
 * function is returned as it is; null and undefined give null.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const c = tg.constraints.get({ className: "MaxNorm", config: { maxValue: 1 } });
 * console.log(c instanceof tg.constraints.MaxNorm); // true
 * ```
 */
export function get(
  identifier: ConstraintIdentifier,
): Constraint | ConstraintFunction | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Constraint) return identifier;
  if (typeof identifier === "function") return identifier;
  if (typeof identifier === "string") return build(identifier, {});
  if (
    typeof identifier === "object" &&
    typeof identifier.className === "string"
  ) {
    return build(identifier.className, identifier.config ?? {});
  }
  throw new ValueError(
    `constraints.get: expected a name, a Constraint, a function or a ` +
      `{ className, config } object, got ${show(identifier)}`,
  );
}

/**
 * The projection function of a resolved constraint: `(w) => c.call(w)`
 * for a Constraint, the function itself otherwise; null stays null.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const f = tg.constraints.toFunction(tg.constraints.nonNeg());
 * console.log(f?.(tg.tensor([-1, 1])).toArray()); // [ 0, 1 ]
 * ```
 */
export function toFunction(
  constraint: Constraint | ConstraintFunction | null,
): ConstraintFunction | null {
  if (constraint === null) return null;
  if (constraint instanceof Constraint) return (w) => constraint.call(w);
  return constraint;
}

/**
 * The saved form of a constraint, `{ className, config }`, which
 * {@link get} turns back into an equal one. A plain function cannot be
 * saved: a ValueError.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.constraints.serialize(tg.constraints.unitNorm()));
 * // { className: 'UnitNorm', config: { axis: 0 } }
 * ```
 */
export function serialize(
  constraint: Constraint | ConstraintFunction,
): ConstraintConfig {
  if (constraint instanceof Constraint) {
    return { className: constraint.className, config: constraint.getConfig() };
  }
  const what =
    typeof constraint === "function"
      ? `function ${show(constraint.name || "(anonymous)")}`
      : show(constraint);
  throw new ValueError(
    `constraints.serialize: expected a Constraint (a function cannot be ` +
      `saved; subclass tg.constraints.Constraint), got ${what}`,
  );
}
