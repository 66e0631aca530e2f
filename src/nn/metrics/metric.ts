// SPDX-License-Identifier: Apache-2.0
/**
 * The Metric base class: state kept in non-trainable variables, updated by
 * `updateState` and read by `result`, as in Keras 3.
 *
 * Built-in metrics compute every new state value first and assign them
 * only when all are ready (a call that throws changes nothing), and they
 * do it with no gradient tape recording: a metric updated inside a
 * `GradientTape` block adds nothing to the tape and is never trained.
 */
import { withoutRecording } from "../../autodiff/tape.js";
import { checkDType, isFloat, type DType } from "../../core/dtype.js";
import { DTypeError, ValueError, show } from "../../core/errors.js";
import { shapesEqual } from "../../core/shape.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { cast } from "../../ops/cast.js";
import { zeros } from "../../ops/creation.js";
import { Variable } from "../../variables.js";
import { uniqueName } from "../layers/layer.js";

/** A sample weight: a tensor, nested arrays, or nothing. */
export type SampleWeight = TensorLike | null | undefined;

/** Options every metric takes. */
export interface MetricArgs {
  /** The name; default the metric's Keras name. */
  name?: string;
  /** The dtype of its state and result, float32 or float64. Default float32. */
  dtype?: DType;
}

/** Whether a larger value is better ("up"), worse ("down"), or neither. */
export type MetricDirection = "up" | "down" | null;

/**
 * Keras's to_snake_case: "TruePositives" → "true_positives", "AUC" → "auc",
 * "MeanIoU" → "mean_io_u".
 */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * The base of every metric: `updateState(yTrue, yPred, sampleWeight?)`
 * accumulates, `result()` reads the current value, `resetState()` starts
 * over. State lives in non-trainable variables (`variables`).
 *
 * A subclass creates its state with `addVariable` in its constructor and
 * implements `updateState` and `result`. Built-in metrics update through
 * `commit`, which runs with no gradient tape recording and assigns all new
 * values at once.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.Mean();
 * m.updateState([1, 3, 5, 7]);
 * console.log(m.result().item()); // 4
 * m.resetState();
 * console.log(m.result().item()); // 0
 * ```
 */
export abstract class Metric {
  /** The name, shown in logs and History keys. */
  name: string;
  /** The dtype of the state and of `result()`. */
  readonly dtype: DType;
  /** Whether larger is better, as Keras's `_direction`; null if neither. */
  readonly direction: MetricDirection = null;
  #variables: Variable[] = [];

  /**
   * @param args name and dtype.
   * @param defaultName the Keras default name; when absent the class name
   *   in snake_case, numbered to be unique (precision, precision_1, ...).
   */
  constructor(args: MetricArgs = {}, defaultName?: string | null) {
    const cls = new.target.name;
    if (args.name !== undefined && typeof args.name !== "string") {
      throw new ValueError(
        `${cls}: expected name to be a string, got name=${show(args.name)}`,
      );
    }
    const dtype = checkDType(args.dtype ?? "float32", cls);
    if (!isFloat(dtype)) {
      throw new DTypeError(
        `${cls}: expected dtype float32 or float64, got dtype=${show(dtype)}`,
      );
    }
    this.dtype = dtype;
    this.name = args.name ?? defaultName ?? uniqueName(toSnakeCase(cls));
  }

  /** The state variables (non-trainable), in creation order. */
  get variables(): Variable[] {
    return [...this.#variables];
  }

  /** Accumulates statistics from one batch. */
  abstract updateState(
    yTrue: TensorLike,
    yPred?: TensorLike,
    sampleWeight?: SampleWeight,
  ): void;

  /** The current value of the metric, in `dtype`. */
  abstract result(): Tensor;

  /** Sets every state variable back to zero. */
  resetState(): void {
    withoutRecording(() => {
      for (const v of this.#variables) v.assign(zeros(v.shape, v.dtype));
    });
  }

  /** Keras's `metric(yTrue, yPred)`: `updateState` then `result`. */
  call(
    yTrue: TensorLike,
    yPred?: TensorLike,
    sampleWeight?: SampleWeight,
  ): Tensor {
    this.updateState(yTrue, yPred, sampleWeight);
    return this.result();
  }

  /** The constructor options that rebuild this metric (Keras's keys). */
  getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }

  /** The options every metric has: name and dtype. */
  protected baseConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype };
  }

  /** Rebuilds a metric from `getConfig()`'s output. */
  static fromConfig<T extends Metric>(
    this: new (config: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(config as never);
  }

  /** Keras's repr: `<Precision name=precision>`. */
  toString(): string {
    return `<${this.constructor.name} name=${this.name}>`;
  }

  /** @internal How console.log shows a metric. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** A zero-filled, non-trainable state variable of `shape`. */
  protected addVariable(
    shape: readonly number[],
    name: string,
    dtype: DType = this.dtype,
  ): Variable {
    const v = new Variable(zeros([...shape], dtype), {
      name,
      trainable: false,
    });
    this.#variables.push(v);
    return v;
  }

  /**
   * Runs `compute` with no tape recording, then assigns the pairs it
   * returns. Nothing is assigned unless every value is ready and fits.
   */
  protected commit(
    compute: () => readonly (readonly [Variable, Tensor])[],
  ): void {
    withoutRecording(() => {
      const pairs = compute().map(
        ([v, t]) => [v, t.dtype === v.dtype ? t : cast(t, v.dtype)] as const,
      );
      for (const [v, t] of pairs) {
        if (!shapesEqual(v.shape, t.shape)) {
          throw new Error(
            `internal: ${this.constructor.name} computed a state of shape ` +
              `${show(t.shape)} for "${v.name}" of shape ${show(v.shape)}`,
          );
        }
      }
      for (const [v, t] of pairs) v.assign(t);
    });
  }

  /** Runs `fn` with no tape recording (for `result`). */
  protected read<T>(fn: () => T): T {
    return withoutRecording(fn);
  }

  /** The prefix of this metric's error messages: `Precision "precision"`. */
  protected get where(): string {
    return `${this.constructor.name} "${this.name}"`;
  }
}
