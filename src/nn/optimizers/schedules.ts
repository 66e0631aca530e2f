// SPDX-License-Identifier: Apache-2.0
/**
 * Learning-rate schedules: `tg.optimizers.schedules`. A schedule maps the
 * optimizer's step count to a learning rate; pass one as `learningRate` to
 * any optimizer and it is evaluated at `optimizer.iterations` before each
 * step (the real step count, also under gradient accumulation, as Keras).
 *
 * Keras 3's formulas, defaults and config keys (in camelCase). Keras
 * computes a schedule in float32; tensorgrad computes it in float64 and the
 * optimizer rounds the result to float32, as it rounds a constant rate:
 * the two agree to float32 rounding.
 */
import { ValueError, show } from "../../core/errors.js";
import {
  boolean,
  finite,
  knownKeys,
  nonNegative,
  positive,
  string,
} from "./validate.js";

/** A schedule's saved form: what {@link serialize} gives. */
export interface ScheduleConfig {
  className: string;
  config: Record<string, unknown>;
}

function checkStep(where: string, step: unknown): number {
  if (typeof step !== "number" || !Number.isFinite(step) || step < 0) {
    throw new ValueError(
      `${where}: expected a step that is a finite number >= 0, got ` +
        `step=${show(step)}`,
    );
  }
  return step;
}

/**
 * The base class of learning-rate schedules. Subclasses implement
 * `compute(step)` (and `getConfig()` to be serializable); `call(step)`
 * checks the step and calls it.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * class Halving extends tg.optimizers.schedules.LearningRateSchedule {
 *   readonly className = "Halving";
 *   protected compute(step: number): number {
 *     return 0.1 / 2 ** step;
 *   }
 *   getConfig() {
 *     return {};
 *   }
 * }
 * console.log(new Halving().call(2)); // 0.025
 * ```
 */
export abstract class LearningRateSchedule {
  /** Keras's class name, used by {@link serialize}. */
  abstract readonly className: string;

  /** The learning rate at `step` (a finite number >= 0). */
  call(step: number): number {
    return this.compute(checkStep(`${this.className}.call`, step));
  }

  /** The learning rate at a checked step. */
  protected abstract compute(step: number): number;

  /** The options that rebuild this schedule (Keras's keys, camelCase). */
  abstract getConfig(): Record<string, unknown>;

  /**
   * Builds a schedule from its config, as Keras's `from_config`.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const { ExponentialDecay } = tg.optimizers.schedules;
   * const s = new ExponentialDecay({
   *   initialLearningRate: 1,
   *   decaySteps: 1,
   *   decayRate: 0.5,
   * });
   * console.log(ExponentialDecay.fromConfig(s.getConfig()).call(3)); // 0.125
   * ```
   */
  static fromConfig<T extends LearningRateSchedule>(
    this: new (args: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(config as never);
  }
}

/** Options of {@link ExponentialDecay}. */
export interface ExponentialDecayArgs {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** Steps per decay period (> 0). */
  decaySteps: number;
  /** The factor applied per period. */
  decayRate: number;
  /** Decay in whole periods (floor(step / decaySteps)). Default false. */
  staircase?: boolean;
  /** Default "ExponentialDecay". */
  name?: string;
}

/**
 * Exponential decay:
 *
 *   lr(step) = initialLearningRate · decayRate ^ (step / decaySteps)
 *
 * with the exponent floored when `staircase` is true.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const s = new tg.optimizers.schedules.ExponentialDecay({
 *   initialLearningRate: 0.1,
 *   decaySteps: 10,
 *   decayRate: 0.5,
 *   staircase: true,
 * });
 * console.log(s.call(0), s.call(15), s.call(20)); // 0.1 0.05 0.025
 * ```
 */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className: string = "ExponentialDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(args: ExponentialDecayArgs) {
    super();
    const w = "ExponentialDecay";
    knownKeys(w, args, [
      "initialLearningRate",
      "decaySteps",
      "decayRate",
      "staircase",
      "name",
    ]);
    this.initialLearningRate = nonNegative(
      w,
      "initialLearningRate",
      args.initialLearningRate,
    );
    this.decaySteps = positive(w, "decaySteps", args.decaySteps);
    this.decayRate = nonNegative(w, "decayRate", args.decayRate);
    this.staircase = boolean(w, "staircase", args.staircase ?? false);
    this.name = string(w, "name", args.name ?? "ExponentialDecay");
  }

  protected compute(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * this.decayRate ** p;
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      decayRate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}

/** Options of {@link PiecewiseConstantDecay}. */
export interface PiecewiseConstantDecayArgs {
  /** Strictly increasing step boundaries. */
  boundaries: readonly number[];
  /** One more value than boundaries: the rate in each interval. */
  values: readonly number[];
  /** Default "PiecewiseConstant". */
  name?: string;
}

/**
 * A piecewise constant rate: `values[0]` while step <= boundaries[0],
 * `values[i]` while boundaries[i-1] < step <= boundaries[i], and the last
 * value after the last boundary.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const s = new tg.optimizers.schedules.PiecewiseConstantDecay({
 *   boundaries: [10, 20],
 *   values: [1, 0.5, 0.1],
 * });
 * console.log(s.call(10), s.call(11), s.call(21)); // 1 0.5 0.1
 * ```
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className: string = "PiecewiseConstantDecay";
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  readonly name: string;

  constructor(args: PiecewiseConstantDecayArgs) {
    super();
    const w = "PiecewiseConstantDecay";
    knownKeys(w, args, ["boundaries", "values", "name"]);
    const { boundaries, values } = args;
    if (!Array.isArray(boundaries) || !Array.isArray(values)) {
      throw new ValueError(
        `${w}: expected arrays of boundaries and values, got ` +
          `boundaries=${show(boundaries)}, values=${show(values)}`,
      );
    }
    if (boundaries.length !== values.length - 1) {
      throw new ValueError(
        `${w}: expected one more value than boundaries, got ` +
          `${boundaries.length} boundaries and ${values.length} values`,
      );
    }
    boundaries.forEach((b: unknown, i) => {
      finite(w, `boundaries[${i}]`, b);
      if (i > 0 && !((b as number) > boundaries[i - 1]!)) {
        throw new ValueError(
          `${w}: expected strictly increasing boundaries, got ` +
            `boundaries=${show(boundaries)}`,
        );
      }
    });
    values.forEach((v: unknown, i) => nonNegative(w, `values[${i}]`, v));
    this.boundaries = [...(boundaries as number[])];
    this.values = [...(values as number[])];
    this.name = string(w, "name", args.name ?? "PiecewiseConstant");
  }

  protected compute(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.boundaries.length : i]!;
  }

  getConfig(): Record<string, unknown> {
    return {
      boundaries: [...this.boundaries],
      values: [...this.values],
      name: this.name,
    };
  }
}

/** Options of {@link PolynomialDecay}. */
export interface PolynomialDecayArgs {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** Steps to reach the end rate (> 0). */
  decaySteps: number;
  /** The rate after `decaySteps`. Default 0.0001. */
  endLearningRate?: number;
  /** The polynomial's power. Default 1. */
  power?: number;
  /** Restart after each multiple of `decaySteps`. Default false. */
  cycle?: boolean;
  /** Default "PolynomialDecay". */
  name?: string;
}

/**
 * Polynomial decay from `initialLearningRate` to `endLearningRate`:
 *
 *   lr(step) = (initial − end) · (1 − s / d) ^ power + end
 *
 * with s = min(step, decaySteps) and d = decaySteps; with `cycle`,
 * s = step and d = decaySteps · ceil(step / decaySteps) (1 at step 0).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const s = new tg.optimizers.schedules.PolynomialDecay({
 *   initialLearningRate: 1,
 *   decaySteps: 4,
 *   endLearningRate: 0,
 *   power: 2,
 * });
 * console.log(s.call(2), s.call(8)); // 0.25 0
 * ```
 */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className: string = "PolynomialDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(args: PolynomialDecayArgs) {
    super();
    const w = "PolynomialDecay";
    knownKeys(w, args, [
      "initialLearningRate",
      "decaySteps",
      "endLearningRate",
      "power",
      "cycle",
      "name",
    ]);
    this.initialLearningRate = nonNegative(
      w,
      "initialLearningRate",
      args.initialLearningRate,
    );
    this.decaySteps = positive(w, "decaySteps", args.decaySteps);
    this.endLearningRate = nonNegative(
      w,
      "endLearningRate",
      args.endLearningRate ?? 0.0001,
    );
    this.power = finite(w, "power", args.power ?? 1);
    this.cycle = boolean(w, "cycle", args.cycle ?? false);
    this.name = string(w, "name", args.name ?? "PolynomialDecay");
  }

  protected compute(step: number): number {
    let decaySteps = this.decaySteps;
    if (this.cycle) {
      decaySteps *= step === 0 ? 1 : Math.ceil(step / this.decaySteps);
    } else {
      step = Math.min(step, decaySteps);
    }
    const p = step / decaySteps;
    const { initialLearningRate: a, endLearningRate: b } = this;
    return (a - b) * (1 - p) ** this.power + b;
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      endLearningRate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }
}

/** Options of {@link InverseTimeDecay}. */
export interface InverseTimeDecayArgs {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** Steps per decay unit (> 0). */
  decaySteps: number;
  /** The decay rate. */
  decayRate: number;
  /** Decay in whole units (floor(step / decaySteps)). Default false. */
  staircase?: boolean;
  /** Default "InverseTimeDecay". */
  name?: string;
}

/**
 * Inverse time decay:
 *
 *   lr(step) = initialLearningRate / (1 + decayRate · step / decaySteps)
 *
 * with step / decaySteps floored when `staircase` is true.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const s = new tg.optimizers.schedules.InverseTimeDecay({
 *   initialLearningRate: 0.1,
 *   decaySteps: 1,
 *   decayRate: 0.5,
 * });
 * console.log(s.call(2), s.call(6)); // 0.05 0.025
 * ```
 */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly className: string = "InverseTimeDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(args: InverseTimeDecayArgs) {
    super();
    const w = "InverseTimeDecay";
    knownKeys(w, args, [
      "initialLearningRate",
      "decaySteps",
      "decayRate",
      "staircase",
      "name",
    ]);
    this.initialLearningRate = nonNegative(
      w,
      "initialLearningRate",
      args.initialLearningRate,
    );
    this.decaySteps = positive(w, "decaySteps", args.decaySteps);
    this.decayRate = nonNegative(w, "decayRate", args.decayRate);
    this.staircase = boolean(w, "staircase", args.staircase ?? false);
    this.name = string(w, "name", args.name ?? "InverseTimeDecay");
  }

  protected compute(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate / (1 + this.decayRate * p);
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      decayRate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}

/** Options of {@link CosineDecay}. */
export interface CosineDecayArgs {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** Steps of the cosine decay (> 0), after the warmup. */
  decaySteps: number;
  /** The final rate as a fraction of the decay's start. Default 0. */
  alpha?: number;
  /** Default "CosineDecay". */
  name?: string;
  /** The rate the warmup reaches; null: no warmup. Default null. */
  warmupTarget?: number | null;
  /** Steps of the linear warmup. Default 0. */
  warmupSteps?: number;
}

/**
 * Cosine decay, after an optional linear warmup. Without warmup, with
 * s = min(step, decaySteps):
 *
 *   lr(step) = initial · ((1 − alpha) · ½(1 + cos(π s / decaySteps)) + alpha)
 *
 * With `warmupTarget` set, the rate first rises linearly from
 * `initialLearningRate` to `warmupTarget` over `warmupSteps` steps, then
 * decays as above from `warmupTarget` (s counted from the warmup's end).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const s = new tg.optimizers.schedules.CosineDecay({
 *   initialLearningRate: 0,
 *   decaySteps: 10,
 *   warmupTarget: 0.2,
 *   warmupSteps: 4,
 * });
 * console.log(s.call(2), s.call(4), s.call(9), s.call(14)); // 0.1 0.2 0.1 0
 * ```
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className: string = "CosineDecay";
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(args: CosineDecayArgs) {
    super();
    const w = "CosineDecay";
    knownKeys(w, args, [
      "initialLearningRate",
      "decaySteps",
      "alpha",
      "name",
      "warmupTarget",
      "warmupSteps",
    ]);
    this.initialLearningRate = nonNegative(
      w,
      "initialLearningRate",
      args.initialLearningRate,
    );
    this.decaySteps = positive(w, "decaySteps", args.decaySteps);
    this.alpha = finite(w, "alpha", args.alpha ?? 0);
    this.name = string(w, "name", args.name ?? "CosineDecay");
    const target = args.warmupTarget ?? null;
    this.warmupTarget =
      target === null ? null : nonNegative(w, "warmupTarget", target);
    this.warmupSteps = nonNegative(w, "warmupSteps", args.warmupSteps ?? 0);
  }

  #decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * step) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  protected compute(step: number): number {
    const target = this.warmupTarget;
    if (target === null) {
      return this.#decay(
        Math.min(step, this.decaySteps),
        this.initialLearningRate,
      );
    }
    const warmup = this.warmupSteps;
    step = Math.min(step, this.decaySteps + warmup);
    if (step < warmup) {
      const start = this.initialLearningRate;
      return (target - start) * (step / warmup) + start;
    }
    return this.#decay(step - warmup, target);
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      alpha: this.alpha,
      name: this.name,
      warmupTarget: this.warmupTarget,
      warmupSteps: this.warmupSteps,
    };
  }
}

/** Options of {@link CosineDecayRestarts}. */
export interface CosineDecayRestartsArgs {
  /** The rate at step 0. */
  initialLearningRate: number;
  /** Steps of the first period (> 0). */
  firstDecaySteps: number;
  /** Each period is `tMul` times longer than the last. Default 2. */
  tMul?: number;
  /** Each restart starts `mMul` times lower than the last. Default 1. */
  mMul?: number;
  /** The final rate as a fraction of the initial one. Default 0. */
  alpha?: number;
  /** Default "SGDRDecay". */
  name?: string;
}

/**
 * Cosine decay with warm restarts (SGDR). With f = step / firstDecaySteps,
 * restart i and fraction r of the current period are
 *
 *   tMul = 1: i = floor(f), r = f − i
 *   else:     i = floor(log(1 − f (1 − tMul)) / log(tMul)),
 *             r = (f − (1 − tMul^i) / (1 − tMul)) / tMul^i
 *
 * and lr = initial · ((1 − alpha) · mMul^i · ½(1 + cos(π r)) + alpha).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const s = new tg.optimizers.schedules.CosineDecayRestarts({
 *   initialLearningRate: 1,
 *   firstDecaySteps: 10,
 *   mMul: 0.5,
 * });
 * console.log(s.call(5), s.call(10), s.call(20)); // 0.5 0.5 0.25
 * ```
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly className: string = "CosineDecayRestarts";
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(args: CosineDecayRestartsArgs) {
    super();
    const w = "CosineDecayRestarts";
    knownKeys(w, args, [
      "initialLearningRate",
      "firstDecaySteps",
      "tMul",
      "mMul",
      "alpha",
      "name",
    ]);
    this.initialLearningRate = nonNegative(
      w,
      "initialLearningRate",
      args.initialLearningRate,
    );
    this.firstDecaySteps = positive(w, "firstDecaySteps", args.firstDecaySteps);
    this.tMul = positive(w, "tMul", args.tMul ?? 2);
    this.mMul = nonNegative(w, "mMul", args.mMul ?? 1);
    this.alpha = finite(w, "alpha", args.alpha ?? 0);
    this.name = string(w, "name", args.name ?? "SGDRDecay");
  }

  /** The restart index and the fraction of its period completed. */
  #position(fraction: number): [number, number] {
    const t = this.tMul;
    if (t === 1) {
      const i = Math.floor(fraction);
      return [i, fraction - i];
    }
    const i = Math.floor(Math.log(1 - fraction * (1 - t)) / Math.log(t));
    const before = (1 - t ** i) / (1 - t);
    return [i, (fraction - before) / t ** i];
  }

  protected compute(step: number): number {
    const [i, r] = this.#position(step / this.firstDecaySteps);
    const cosine = 0.5 * this.mMul ** i * (1 + Math.cos(Math.PI * r));
    const decayed = (1 - this.alpha) * cosine + this.alpha;
    return this.initialLearningRate * decayed;
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate,
      firstDecaySteps: this.firstDecaySteps,
      tMul: this.tMul,
      mMul: this.mMul,
      alpha: this.alpha,
      name: this.name,
    };
  }
}

type ScheduleClass = new (args: never) => LearningRateSchedule;

const BY_NAME: Readonly<Record<string, ScheduleClass>> = {
  ExponentialDecay,
  PiecewiseConstantDecay,
  PolynomialDecay,
  InverseTimeDecay,
  CosineDecay,
  CosineDecayRestarts,
};

/**
 * The saved form of a schedule: `{ className, config }`, which
 * {@link deserialize} turns back into an equal schedule.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const { schedules } = tg.optimizers;
 * const s = new schedules.InverseTimeDecay({
 *   initialLearningRate: 1,
 *   decaySteps: 1,
 *   decayRate: 1,
 * });
 * console.log(schedules.serialize(s).className); // InverseTimeDecay
 * ```
 */
export function serialize(schedule: LearningRateSchedule): ScheduleConfig {
  if (!(schedule instanceof LearningRateSchedule)) {
    throw new ValueError(
      `schedules.serialize: expected a LearningRateSchedule, got ` +
        show(schedule),
    );
  }
  return { className: schedule.className, config: schedule.getConfig() };
}

/**
 * The schedule a `{ className, config }` object describes (Keras's class
 * names; unknown names are a ValueError that lists the known ones).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const s = tg.optimizers.schedules.deserialize({
 *   className: "PiecewiseConstantDecay",
 *   config: { boundaries: [1], values: [0.1, 0.01] },
 * });
 * console.log(s.call(5)); // 0.01
 * ```
 */
export function deserialize(config: ScheduleConfig): LearningRateSchedule {
  const where = "schedules.deserialize";
  if (
    typeof config !== "object" ||
    config === null ||
    typeof config.className !== "string"
  ) {
    throw new ValueError(
      `${where}: expected a { className, config } object, got ${show(config)}`,
    );
  }
  const cls = Object.hasOwn(BY_NAME, config.className)
    ? BY_NAME[config.className]
    : undefined;
  if (cls === undefined) {
    throw new ValueError(
      `${where}: expected a className among ${show(Object.keys(BY_NAME))}, ` +
        `got ${show(config.className)}`,
    );
  }
  return new cls((config.config ?? {}) as never);
}
