// SPDX-License-Identifier: Apache-2.0
/**
 * The Optimizer base, Keras 3's BaseOptimizer in TypeScript.
 *
 * One `applyGradients(pairs)` call runs these phases, in Keras's order:
 *
 * 1. validate every pair (nothing changes if one is bad); skip null
 *    gradients with one warning; all null is a ValueError;
 * 2. note the variables (Keras's `build`: slots appear on first sight);
 * 3. divide by `lossScaleFactor`, if set;
 * 4. gradient accumulation, if `gradientAccumulationSteps` = N: add the
 *    gradients to per-variable accumulators, and on every N-th call use
 *    (g + accumulated) / N and reset the accumulators; other calls stop
 *    here (but still update the EMA and count);
 * 5. clip: `clipnorm` (each gradient), `globalClipnorm` (all together) or
 *    `clipvalue`;
 * 6. decoupled weight decay: w −= w · weightDecay · lr, except for the
 *    variables excluded by {@link Optimizer.excludeFromWeightDecay};
 * 7. the subclass's `updateStep` for each variable;
 * 8. the EMA of the weights, if `useEma`, and the periodic overwrite of
 *    the weights by it (`emaOverwriteFrequency`);
 * 9. the step count; then each variable's constraint.
 *
 * The step is all or nothing: if any phase throws (a constraint, say), every
 * variable and slot goes back to its value before the call.
 *
 * Where tensorgrad differs from Keras: slots are made on a variable's first
 * step, so a variable first seen after the first step is accepted (Keras
 * raises "Unknown variable" once built); a learning rate is a number or a
 * LearningRateSchedule (Keras also takes a function of no arguments);
 * default names are not numbered (Keras names a second Adagrad
 * "adagrad_1"); `excludeFromWeightDecay`'s names match as substrings
 * (Keras joins them into a regular expression).
 *
 * The learning rate is kept as float32, as Keras keeps it in a float32
 * variable and casts it to each variable's dtype: float64 variables see
 * float64(float32(lr)) exactly as they do in Keras.
 */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { warn } from "../../core/log.js";
import { shapesEqual } from "../../core/shape.js";
import { Tensor, type TensorLike } from "../../core/tensor.js";
import { GradientTape, withoutRecording } from "../../autodiff/tape.js";
import { add, div, mul } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { make } from "../../ops/convert.js";
import { zerosLike } from "../../ops/creation.js";
import { sum } from "../../ops/reduction.js";
import { clip } from "../../ops/select.js";
import { square } from "../../ops/unary.js";
import { Variable } from "../../variables.js";
import {
  LearningRateSchedule,
  deserialize as deserializeSchedule,
  serialize as serializeSchedule,
  type ScheduleConfig,
} from "./schedules.js";
import {
  boolean,
  inRange,
  integerAtLeast,
  knownKeys,
  nonNegative,
  positive,
  roundTo,
  string,
} from "./validate.js";

/** Options every optimizer takes (Keras's, in camelCase). */
export interface OptimizerArgs {
  /**
   * The step size, or a schedule evaluated at each step. Default 0.001
   * (Keras); SGD's default is 0.01.
   */
  learningRate?: number | LearningRateSchedule;
  /** A name for slots and printing. Default: Keras's for the class. */
  name?: string;
  /** Decoupled weight decay (w −= w · weightDecay · lr). Default none. */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm. Default none. */
  clipnorm?: number | null;
  /** Clip each gradient element to [−clipvalue, clipvalue]. Default none. */
  clipvalue?: number | null;
  /** Clip all gradients together to this global L2 norm. Default none. */
  globalClipnorm?: number | null;
  /** Keep an exponential moving average of the weights. Default false. */
  useEma?: boolean;
  /** The EMA's momentum, in [0, 1]. Default 0.99. */
  emaMomentum?: number;
  /** Overwrite the weights by their EMA every this many steps. Default none. */
  emaOverwriteFrequency?: number | null;
  /** Divide gradients by this (the loss was multiplied by it). Default none. */
  lossScaleFactor?: number | null;
  /** Apply the mean gradient once every this many calls (>= 2). Default none. */
  gradientAccumulationSteps?: number | null;
}

/** What a subclass passes to the base constructor. */
export interface OptimizerDefaults {
  /** The default learning rate. */
  learningRate: number;
  /** The default name. */
  name: string;
  /** The default weight decay (AdamW's 0.004). Default none. */
  weightDecay?: number | null;
  /** The subclass's own option keys; given, unknown keys are rejected. */
  keys?: readonly string[];
}

/** A gradient (or null: skipped) and the variable it belongs to. */
export type GradientPair = readonly [Tensor | null | undefined, Variable];

/** Variables excluded from weight decay; see excludeFromWeightDecay. */
export interface WeightDecayExclusion {
  /** These variables. */
  varList?: readonly Variable[];
  /** Variables whose name contains any of these strings. */
  varNames?: readonly string[];
}

const BASE_KEYS = [
  "learningRate",
  "name",
  "weightDecay",
  "clipnorm",
  "clipvalue",
  "globalClipnorm",
  "useEma",
  "emaMomentum",
  "emaOverwriteFrequency",
  "lossScaleFactor",
  "gradientAccumulationSteps",
] as const;

function checkLearningRate(lr: unknown, where: string): number {
  if (typeof lr !== "number" || !Number.isFinite(lr) || lr < 0) {
    throw new ValueError(
      `${where}: expected a learning rate that is a finite number >= 0, ` +
        `got learningRate=${show(lr)}`,
    );
  }
  return Math.fround(lr);
}

/**
 * The class name an optimizer class reports, read before its constructor
 * has run (for messages in subclass constructors). @internal
 */
export function classNameOf(ctor: abstract new (...args: never) => Optimizer) {
  return (ctor.prototype as Optimizer).className;
}

function optional<T>(
  value: T | null | undefined,
  check: (x: T) => number,
): number | null {
  return value === null || value === undefined ? null : check(value);
}

/**
 * The base class of optimizers: Keras 3's BaseOptimizer (see the file
 * header for the phases of a step). Subclasses implement `updateStep` and
 * keep per-variable state in slots (`this.slot(variable, name)`).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const w = new tg.Variable([1.0]);
 * const opt = new tg.optimizers.SGD({ learningRate: 0.5 });
 * opt.minimize(() => w.square().sum(), [w]);
 * console.log(w.toArray(), opt.iterations); // [ 0 ] 1
 * ```
 */
export abstract class Optimizer {
  readonly name: string;
  /** Decoupled weight decay, or null. */
  readonly weightDecay: number | null;
  /** Per-gradient norm clipping, or null. */
  readonly clipnorm: number | null;
  /** Per-element value clipping, or null. */
  readonly clipvalue: number | null;
  /** Global norm clipping, or null. */
  readonly globalClipnorm: number | null;
  /** Whether an EMA of the weights is kept. */
  readonly useEma: boolean;
  /** The EMA's momentum. */
  readonly emaMomentum: number;
  /** Steps between overwrites of the weights by their EMA, or null. */
  readonly emaOverwriteFrequency: number | null;
  /** The loss scale that gradients are divided by, or null. */
  readonly lossScaleFactor: number | null;
  /** Calls per applied step under gradient accumulation, or null. */
  readonly gradientAccumulationSteps: number | null;
  #learningRate: number | LearningRateSchedule;
  /** Calls applied so far: Keras's `_iterations`. */
  #calls = 0;
  /** The variables seen, in order: what Keras builds the optimizer on. */
  readonly #known: Variable[] = [];
  readonly #knownSet = new Set<Variable>();
  /** Slots and accumulators, in creation order. */
  readonly #variables: Variable[] = [];
  readonly #slots = new Map<Variable, Map<string, Variable>>();
  readonly #own = new Map<string, Variable>();
  #excludeVars = new Set<Variable>();
  #excludeNames: readonly string[] = [];

  constructor(args: OptimizerArgs, defaults: OptimizerDefaults) {
    const w = this.className;
    if (defaults.keys) knownKeys(w, args, [...BASE_KEYS, ...defaults.keys]);
    const lr = args.learningRate ?? defaults.learningRate;
    this.#learningRate =
      lr instanceof LearningRateSchedule ? lr : checkLearningRate(lr, w);
    this.name = string(w, "name", args.name ?? defaults.name);
    const wd =
      args.weightDecay === undefined ? defaults.weightDecay : args.weightDecay;
    this.weightDecay = optional(wd, (x) => nonNegative(w, "weightDecay", x));
    this.clipnorm = optional(args.clipnorm, (x) => positive(w, "clipnorm", x));
    this.clipvalue = optional(args.clipvalue, (x) =>
      positive(w, "clipvalue", x),
    );
    this.globalClipnorm = optional(args.globalClipnorm, (x) =>
      positive(w, "globalClipnorm", x),
    );
    this.#checkOneClip();
    this.useEma = boolean(w, "useEma", args.useEma ?? false);
    this.emaMomentum = inRange(
      w,
      "emaMomentum",
      args.emaMomentum ?? 0.99,
      0,
      1,
    );
    this.emaOverwriteFrequency = optional(args.emaOverwriteFrequency, (x) =>
      integerAtLeast(w, "emaOverwriteFrequency", x, 1),
    );
    this.lossScaleFactor = optional(args.lossScaleFactor, (x) =>
      positive(w, "lossScaleFactor", x),
    );
    this.gradientAccumulationSteps = optional(
      args.gradientAccumulationSteps,
      (x) => integerAtLeast(w, "gradientAccumulationSteps", x, 2),
    );
  }

  #checkOneClip(): void {
    const { clipnorm, clipvalue, globalClipnorm } = this;
    const set = [clipnorm, clipvalue, globalClipnorm].filter((x) => x !== null);
    if (set.length > 1) {
      throw new ValueError(
        `${this.className}: expected at most one of clipnorm, clipvalue and ` +
          `globalClipnorm, got clipnorm=${show(clipnorm)}, ` +
          `clipvalue=${show(clipvalue)}, globalClipnorm=${show(globalClipnorm)}`,
      );
    }
  }

  /** Keras's class name ("Adam", "SGD", ...), for configs and messages. */
  get className(): string {
    return this.constructor.name;
  }

  /**
   * The current learning rate: the constant (as float32), or the schedule's
   * value at the current step (as float32).
   */
  get learningRate(): number {
    const lr = this.#learningRate;
    return typeof lr === "number" ? lr : Math.fround(lr.call(this.#calls));
  }

  /**
   * Sets a new constant rate, or a new schedule. Setting a number while a
   * schedule is in use is a ValueError, as in Keras (a TypeError there).
   */
  set learningRate(value: number | LearningRateSchedule) {
    const where = `${this.className}.learningRate`;
    if (value instanceof LearningRateSchedule) {
      this.#learningRate = value;
      return;
    }
    if (this.#learningRate instanceof LearningRateSchedule) {
      throw new ValueError(
        `${where}: expected a LearningRateSchedule (this optimizer was ` +
          `created with one, so a number cannot be set, as in Keras), got ` +
          show(value),
      );
    }
    this.#learningRate = checkLearningRate(value, where);
  }

  /** The schedule in use, or null for a constant rate. */
  get learningRateSchedule(): LearningRateSchedule | null {
    const lr = this.#learningRate;
    return lr instanceof LearningRateSchedule ? lr : null;
  }

  /**
   * The number of steps applied so far. Under gradient accumulation it
   * counts applied steps, floor(calls / N), as Keras's `iterations`.
   */
  get iterations(): number {
    const n = this.gradientAccumulationSteps;
    return n === null ? this.#calls : Math.floor(this.#calls / n);
  }

  /**
   * The optimizer's own variables (slots, gradient accumulators, EMA
   * averages), in creation order. Keras's list also holds the step count
   * and the learning rate, which are plain numbers here.
   */
  get variables(): Variable[] {
    return [...this.#variables];
  }

  /**
   * Excludes variables from weight decay: those in `varList`, and those
   * whose name contains one of `varNames`. A new call replaces the last
   * one's exclusions, as in Keras.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const bias = new tg.Variable([1], { name: "dense/bias" });
   * const opt = new tg.optimizers.SGD({ learningRate: 0.5, weightDecay: 0.1 });
   * opt.excludeFromWeightDecay({ varNames: ["bias"] });
   * opt.applyGradients([[tg.tensor([0]), bias]]);
   * console.log(bias.toArray()); // [ 1 ]
   * ```
   */
  excludeFromWeightDecay(exclusion: WeightDecayExclusion): void {
    const where = `${this.className}.excludeFromWeightDecay`;
    const { varList = [], varNames = [] } = exclusion;
    if (!Array.isArray(varList) || !varList.every((v) => v instanceof Variable))
      throw new ValueError(
        `${where}: expected varList to be an array of Variables, got ` +
          show(varList),
      );
    if (
      !Array.isArray(varNames) ||
      !varNames.every((n) => typeof n === "string")
    )
      throw new ValueError(
        `${where}: expected varNames to be an array of strings, got ` +
          show(varNames),
      );
    this.#excludeVars = new Set(varList);
    this.#excludeNames = [...varNames];
  }

  #usesWeightDecay(v: Variable): boolean {
    if (this.#excludeVars.has(v)) return false;
    return !this.#excludeNames.some((n) => v.name.includes(n));
  }

  /**
   * Applies one step (see the file header). Pairs with a null gradient are
   * skipped, as in Keras (with a warning when some, but not all, are null).
   * Every pair is checked first, and a step that throws changes nothing.
   */
  applyGradients(pairs: Iterable<GradientPair>): void {
    const where = `${this.className}.applyGradients`;
    const all = [...pairs];
    const list = this.#validate(all, where);
    const lr = this.#stepLearningRate(where);
    withoutRecording(() =>
      this.#atomically(all, () => {
        for (const [, v] of all) this.#note(v);
        this.#apply(list, lr);
      }),
    );
  }

  #stepLearningRate(where: string): number {
    const lr = this.#learningRate;
    if (typeof lr === "number") return lr;
    const value = lr.call(this.#calls);
    if (!Number.isFinite(value) || value < 0) {
      throw new ValueError(
        `${where}: expected the schedule ${lr.className} to give a finite ` +
          `learning rate >= 0 at step ${this.#calls}, got ${show(value)}`,
      );
    }
    return Math.fround(value);
  }

  #note(v: Variable): void {
    if (this.#knownSet.has(v)) return;
    this.#knownSet.add(v);
    this.#known.push(v);
  }

  #apply(list: [Tensor, Variable][], lr: number): void {
    const vars = list.map(([, v]) => v);
    let grads = list.map(([g, v]) =>
      g.dtype === v.dtype ? g : cast(g, v.dtype),
    );
    const scale = this.lossScaleFactor;
    if (scale !== null) grads = grads.map((g) => div(g, scale));
    const n = this.gradientAccumulationSteps;
    if (n === null) {
      this.#update(grads, vars, lr);
    } else if ((this.#calls + 1) % n === 0) {
      const acc = vars.map((v) => this.slot(v, "gradient_accumulator"));
      this.#update(
        grads.map((g, i) => div(add(g, acc[i]!), n)),
        vars,
        lr,
      );
      for (const v of this.#known) {
        const a = this.#slots.get(v)?.get("gradient_accumulator");
        if (a) a.assign(zerosLike(a.value));
      }
    } else {
      vars.forEach((v, i) => {
        const a = this.slot(v, "gradient_accumulator");
        a.assign(add(a, grads[i]!));
      });
    }
    if (this.useEma) this.#updateEma();
    this.#calls++;
    for (const v of vars) {
      if (v.constraint) v.assign(v.constraint(v.value));
    }
  }

  /** Clipping, weight decay, then the subclass's update. */
  #update(grads: Tensor[], vars: Variable[], lr: number): void {
    grads = this.#clip(grads);
    const wd = this.weightDecay;
    if (wd !== null) {
      for (const v of vars) {
        if (this.#usesWeightDecay(v)) v.assignSub(mul(mul(v, wd), lr));
      }
    }
    this.beforeUpdates(vars);
    vars.forEach((v, i) => this.updateStep(grads[i]!, v, lr));
  }

  #clip(grads: Tensor[]): Tensor[] {
    const { clipnorm, clipvalue, globalClipnorm } = this;
    if (clipnorm !== null) {
      return grads.map((g) => {
        const norm = Math.sqrt(sum(square(g)).item());
        return div(mul(g, clipnorm), Math.max(norm, clipnorm));
      });
    }
    if (globalClipnorm !== null) {
      let total = 0;
      for (const g of grads) total += sum(square(g)).item();
      const norm = Math.sqrt(total);
      // NaN for a non-finite norm, as Keras's clip_by_global_norm.
      const s =
        globalClipnorm * Math.min(1 / norm, 1 / globalClipnorm) + (norm - norm);
      return grads.map((g) => mul(g, s));
    }
    if (clipvalue !== null)
      return grads.map((g) => clip(g, -clipvalue, clipvalue));
    return grads;
  }

  #updateEma(): void {
    const first = this.iterations === 0;
    for (const v of this.#known) {
      // Keras starts the average at zeros; the first step (momentum 0)
      // copies the variable anyway, and a variable first seen later starts
      // at its own value rather than at zero.
      const avg = this.slot(v, "average", v.value);
      const m = first ? 0 : roundTo(v.dtype, this.emaMomentum);
      avg.assign(add(mul(avg, m), mul(v, roundTo(v.dtype, 1 - m))));
    }
    const f = this.emaOverwriteFrequency;
    if (f !== null && (this.iterations + 1) % f === 0) {
      for (const v of this.#known) v.assign(this.slot(v, "average").value);
    }
  }

  /**
   * Runs `step`; if it throws, puts every variable and slot back, forgets
   * slots and variables it added, and rethrows. Saving costs one reference
   * per variable: `assign` replaces a variable's values, never writes them.
   */
  #atomically(pairs: GradientPair[], step: () => void): void {
    const vars = [...this.#known, ...this.#variables];
    for (const [, v] of pairs) if (!this.#knownSet.has(v)) vars.push(v);
    const saved = vars.map((v) => v.data);
    const [known, owned, calls] = [
      this.#known.length,
      this.#variables.length,
      this.#calls,
    ];
    try {
      step();
    } catch (e) {
      vars.forEach((v, i) => v.assign(make(saved[i]!, v.shape, v.dtype)));
      for (const v of this.#known.splice(known)) this.#knownSet.delete(v);
      const added = new Set(this.#variables.splice(owned));
      for (const slots of this.#slots.values()) {
        for (const [k, s] of slots) if (added.has(s)) slots.delete(k);
      }
      for (const [k, s] of this.#own) if (added.has(s)) this.#own.delete(k);
      this.#calls = calls;
      throw e;
    }
  }

  #validate(pairs: GradientPair[], where: string): [Tensor, Variable][] {
    const out: [Tensor, Variable][] = [];
    const skipped: string[] = [];
    pairs.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new ValueError(
          `${where}: expected [gradient, variable] pairs, got ${show(pair)} at ${i}`,
        );
      }
      const [g, v] = pair;
      if (!(v instanceof Variable)) {
        throw new ValueError(
          `${where}: expected a Variable in pair ${i}, got ${show(v)}`,
        );
      }
      if (g === null || g === undefined) {
        skipped.push(v.name);
        return;
      }
      if (!(g instanceof Tensor)) {
        throw new ValueError(
          `${where}: expected a tensor gradient for "${v.name}", got ${show(g)}`,
        );
      }
      if (!shapesEqual(g.shape, v.shape)) {
        throw new ShapeError(
          `${where}: expected a gradient of shape ${show(v.shape)} for ` +
            `variable "${v.name}", got shape ${show(g.shape)}`,
        );
      }
      out.push([g._read(), v]);
    });
    if (out.length === 0) {
      throw new ValueError(
        `${where}: expected at least one gradient, got none (all null)`,
      );
    }
    if (skipped.length > 0) {
      warn(
        `Gradients do not exist for variables ${show(skipped)} when minimizing the loss.`,
      );
    }
    return out;
  }

  /**
   * Computes the gradient of `loss` (a function returning the loss) with
   * respect to `variables` and applies it.
   */
  minimize(loss: () => Tensor, variables: readonly Variable[]): Tensor {
    const tape = new GradientTape();
    try {
      const value = loss();
      const grads = tape.gradient(value, [...variables]);
      this.applyGradients(grads.map((g, i) => [g, variables[i]!] as const));
      return value;
    } finally {
      tape.dispose();
    }
  }

  /** The loss multiplied by `lossScaleFactor` (unchanged without one). */
  scaleLoss(loss: Tensor): Tensor {
    const s = this.lossScaleFactor;
    return s === null ? loss : mul(loss, s);
  }

  /**
   * Overwrites `variables` (default: every variable this optimizer has
   * stepped) by their moving averages, when `useEma` is set; Keras calls
   * this at the end of `fit`. Without `useEma` it does nothing.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const w = new tg.Variable([0], { dtype: "float64" });
   * const opt = new tg.optimizers.SGD({
   *   learningRate: 1,
   *   useEma: true,
   *   emaMomentum: 0.5,
   * });
   * const g = tg.tensor([-1], undefined, "float64");
   * opt.applyGradients([[g, w]]); // w = 1, average = 1 (the first step copies)
   * opt.applyGradients([[g, w]]); // w = 2, average = 0.5·1 + 0.5·2
   * opt.finalizeVariableValues();
   * console.log(w.toArray()); // [ 1.5 ]
   * ```
   */
  finalizeVariableValues(variables?: readonly Variable[]): void {
    if (!this.useEma) return;
    const averages = this.#averages(variables, "finalizeVariableValues");
    withoutRecording(() => {
      for (const [v, avg] of averages) v.assign(avg.value);
    });
  }

  /**
   * Swaps the values of `variables` (default: every variable this optimizer
   * has stepped) with their moving averages, as Keras's SwapEMAWeights
   * callback does around evaluation; a second call swaps them back.
   */
  swapEmaWeights(variables?: readonly Variable[]): void {
    const where = "swapEmaWeights";
    if (!this.useEma) {
      throw new ValueError(
        `${this.className}.${where}: expected an optimizer with useEma: ` +
          `true, got useEma=false`,
      );
    }
    const averages = this.#averages(variables, where);
    withoutRecording(() => {
      for (const [v, avg] of averages) {
        const value = v.value;
        v.assign(avg.value);
        avg.assign(value);
      }
    });
  }

  #averages(
    variables: readonly Variable[] | undefined,
    method: string,
  ): [Variable, Variable][] {
    return (variables ?? this.#known).map((v) => {
      const avg = this.#slots.get(v)?.get("average");
      if (!avg) {
        throw new ValueError(
          `${this.className}.${method}: expected variables this optimizer ` +
            `has stepped, got ${show(v instanceof Variable ? v.name : v)}, ` +
            `which has no moving average`,
        );
      }
      return [v, avg];
    });
  }

  /**
   * A slot kept for `variable` under `name`, created on first use: zeros
   * like `variable`, or `init` (a value, or a function that makes it), in
   * the variable's dtype.
   */
  protected slot(
    variable: Variable,
    name: string,
    init?: TensorLike | (() => TensorLike),
  ): Variable {
    let slots = this.#slots.get(variable);
    if (!slots) {
      slots = new Map();
      this.#slots.set(variable, slots);
    }
    let s = slots.get(name);
    if (!s) {
      const value = typeof init === "function" ? init() : init;
      s = new Variable(value ?? zerosLike(variable.value), {
        name: `${this.name}/${variable.name}_${name}`,
        trainable: false,
        dtype: variable.dtype,
      });
      slots.set(name, s);
      this.#variables.push(s);
    }
    return s;
  }

  /**
   * An optimizer variable that belongs to no one model variable (Nadam's
   * running product), created from `init` on first use.
   */
  protected ownVariable(name: string, init: () => Variable): Variable {
    let v = this.#own.get(name);
    if (!v) {
      v = init();
      this.#own.set(name, v);
      this.#variables.push(v);
    }
    return v;
  }

  /**
   * Runs once per applied step, after clipping and weight decay and before
   * the per-variable updates (Keras's `_backend_update_step`).
   */
  protected beforeUpdates(variables: readonly Variable[]): void {
    void variables;
  }

  /**
   * The update for one variable. `gradient` has the variable's dtype;
   * `learningRate` is float32-rounded; `this.iterations` is the number of
   * steps before this one.
   */
  protected abstract updateStep(
    gradient: Tensor,
    variable: Variable,
    learningRate: number,
  ): void;

  /** Keras's config keys, in camelCase. */
  getConfig(): Record<string, unknown> {
    const lr = this.#learningRate;
    const learningRate: number | ScheduleConfig =
      typeof lr === "number" ? lr : serializeSchedule(lr);
    return {
      name: this.name,
      learningRate,
      weightDecay: this.weightDecay,
      clipnorm: this.clipnorm,
      globalClipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      useEma: this.useEma,
      emaMomentum: this.emaMomentum,
      emaOverwriteFrequency: this.emaOverwriteFrequency,
      lossScaleFactor: this.lossScaleFactor,
      gradientAccumulationSteps: this.gradientAccumulationSteps,
    };
  }

  /**
   * A new optimizer of this class from a config (what `getConfig` gives; a
   * learning rate given as `{ className, config }` becomes a schedule).
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const adam = new tg.optimizers.Adam({ learningRate: 0.5, amsgrad: true });
   * const copy = tg.optimizers.Adam.fromConfig(adam.getConfig());
   * console.log(copy.amsgrad, copy.learningRate); // true 0.5
   * ```
   */
  static fromConfig<T extends Optimizer>(
    this: new (args: never) => T,
    config: Record<string, unknown>,
  ): T {
    const c = { ...config };
    const lr = c.learningRate;
    if (
      typeof lr === "object" &&
      lr !== null &&
      !(lr instanceof LearningRateSchedule)
    ) {
      c.learningRate = deserializeSchedule(lr as ScheduleConfig);
    }
    return new this(c as never);
  }
}
