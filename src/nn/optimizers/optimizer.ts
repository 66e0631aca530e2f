// SPDX-License-Identifier: Apache-2.0
/**
 * The Optimizer base: validates a step completely before changing anything,
 * creates per-variable slots on first sight, then runs each subclass's
 * update in Keras 3's order (update, then constraints, then the iteration
 * count).
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
import { cast } from "../../ops/cast.js";
import { zerosLike } from "../../ops/creation.js";
import { Variable } from "../../variables.js";

/** Options every optimizer takes. */
export interface OptimizerArgs {
  /** The step size. Default 0.001 (Keras); SGD's default is 0.01. */
  learningRate?: number;
  /** A name for slots and printing. */
  name?: string;
}

/** A gradient (or null: skipped) and the variable it belongs to. */
export type GradientPair = readonly [Tensor | null | undefined, Variable];

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
 * The base class of optimizers.
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
  #learningRate: number;
  #iterations = 0;
  readonly #slots = new Map<Variable, Map<string, Variable>>();

  constructor(
    args: OptimizerArgs,
    defaults: { learningRate: number; name: string },
  ) {
    this.name = args.name ?? defaults.name;
    this.#learningRate = checkLearningRate(
      args.learningRate ?? defaults.learningRate,
      this.constructor.name,
    );
  }

  /** The step size (stored as float32, as in Keras). */
  get learningRate(): number {
    return this.#learningRate;
  }

  set learningRate(value: number) {
    this.#learningRate = checkLearningRate(
      value,
      `${this.constructor.name}.learningRate`,
    );
  }

  /** The number of steps applied so far. */
  get iterations(): number {
    return this.#iterations;
  }

  /**
   * Applies one step. Pairs with a null gradient are skipped, as in Keras
   * (with a warning when some, but not all, are null). Every pair is checked
   * first, so a bad one leaves every variable unchanged.
   */
  applyGradients(pairs: Iterable<GradientPair>): void {
    const where = `${this.constructor.name}.applyGradients`;
    const list = this.#validate([...pairs], where);
    withoutRecording(() => {
      for (const [g, v] of list) {
        const grad = g.dtype === v.dtype ? g : cast(g, v.dtype);
        this.updateStep(grad, v, this.#learningRate);
      }
      for (const [, v] of list) {
        if (v.constraint) v.assign(v.constraint(v.value));
      }
    });
    this.#iterations++;
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

  /** A slot (zeros like `variable`, or `init`) kept for `variable`. */
  protected slot(
    variable: Variable,
    name: string,
    init?: TensorLike,
  ): Variable {
    let slots = this.#slots.get(variable);
    if (!slots) {
      slots = new Map();
      this.#slots.set(variable, slots);
    }
    let s = slots.get(name);
    if (!s) {
      s = new Variable(init ?? zerosLike(variable.value), {
        name: `${this.name}/${variable.name}_${name}`,
        trainable: false,
        dtype: variable.dtype,
      });
      slots.set(name, s);
    }
    return s;
  }

  /** The update for one variable; `learningRate` is float32-rounded. */
  protected abstract updateStep(
    gradient: Tensor,
    variable: Variable,
    learningRate: number,
  ): void;

  /** Keras's config keys. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.#learningRate };
  }
}
