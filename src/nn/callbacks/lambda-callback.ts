// SPDX-License-Identifier: Apache-2.0
/** LambdaCallback: a callback made of plain functions. */
import { ValueError, show } from "../../core/errors.js";
import { Callback, type Logs } from "./callback.js";

/** The hooks a LambdaCallback accepts, with the arguments fit passes. */
export interface LambdaCallbackArgs {
  onTrainBegin?: (logs: Logs) => void;
  onTrainEnd?: (logs: Logs) => void;
  onEpochBegin?: (epoch: number, logs: Logs) => void;
  onEpochEnd?: (epoch: number, logs: Logs) => void;
  onTrainBatchBegin?: (batch: number, logs: Logs) => void;
  onTrainBatchEnd?: (batch: number, logs: Logs) => void;
  /** TensorFlow.js's and Keras's old name of onTrainBatchBegin. */
  onBatchBegin?: (batch: number, logs: Logs) => void;
  /** TensorFlow.js's and Keras's old name of onTrainBatchEnd. */
  onBatchEnd?: (batch: number, logs: Logs) => void;
  onTestBegin?: (logs: Logs) => void;
  onTestEnd?: (logs: Logs) => void;
  onTestBatchBegin?: (batch: number, logs: Logs) => void;
  onTestBatchEnd?: (batch: number, logs: Logs) => void;
  onPredictBegin?: (logs: Logs) => void;
  onPredictEnd?: (logs: Logs) => void;
  onPredictBatchBegin?: (batch: number, logs: Logs) => void;
  onPredictBatchEnd?: (batch: number, logs: Logs) => void;
}

type HookName = keyof LambdaCallbackArgs;

const HOOKS: readonly HookName[] = [
  "onTrainBegin",
  "onTrainEnd",
  "onEpochBegin",
  "onEpochEnd",
  "onTrainBatchBegin",
  "onTrainBatchEnd",
  "onBatchBegin",
  "onBatchEnd",
  "onTestBegin",
  "onTestEnd",
  "onTestBatchBegin",
  "onTestBatchEnd",
  "onPredictBegin",
  "onPredictEnd",
  "onPredictBatchBegin",
  "onPredictBatchEnd",
];

/** The aliases, and the hook each one stands for. */
const ALIASES = {
  onBatchBegin: "onTrainBatchBegin",
  onBatchEnd: "onTrainBatchEnd",
} as const;

/**
 * Validates the options: only known hooks, each a function, and not both
 * an alias and the hook it stands for.
 */
function checkHooks(args: LambdaCallbackArgs): void {
  const where = "LambdaCallback";
  for (const [name, fn] of Object.entries(args)) {
    if (!HOOKS.includes(name as HookName)) {
      throw new ValueError(
        `${where}: expected hooks among ${HOOKS.join(", ")}, got ${show(name)}`,
      );
    }
    if (fn !== undefined && typeof fn !== "function") {
      throw new ValueError(
        `${where}: expected ${name} to be a function, got ${show(fn)}`,
      );
    }
  }
  for (const [alias, hook] of Object.entries(ALIASES)) {
    if (args[alias as HookName] && args[hook]) {
      throw new ValueError(
        `${where}: expected one of ${alias} and ${hook} (the same hook), ` +
          `got both`,
      );
    }
  }
}

/** Wraps a hook so that it always receives a logs record. */
function withLogs(name: HookName, fn: (...a: never[]) => void) {
  const call = fn as (...a: unknown[]) => void;
  return /Epoch|Batch/.test(name)
    ? (index: number, logs: Logs = {}) => call(index, logs)
    : (logs: Logs = {}) => call(logs);
}

/**
 * A callback whose hooks are the functions given, as Keras 3's
 * `LambdaCallback` (and TensorFlow.js's `CustomCallback`). Every hook of
 * {@link Callback} may be given; `onBatchBegin` and `onBatchEnd` are
 * accepted as the train-batch hooks, as TensorFlow.js names them. Hooks
 * not given do nothing. Unlike Keras, which stores any extra keyword as an
 * attribute, an unknown name is a ValueError (it is most often a typo).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const seen: string[] = [];
 * const cb = tg.callbacks.lambdaCallback({
 *   onEpochBegin: (epoch) => seen.push(`epoch ${epoch}`),
 *   onTrainBatchEnd: (batch) => seen.push(`batch ${batch}`),
 * });
 * const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * model.fit([[1], [2], [3]], [[1], [2], [3]], {
 *   batchSize: 2, epochs: 2, verbose: 0, callbacks: [cb],
 * });
 * console.log(seen.join(", "));
 * // epoch 0, batch 0, batch 1, epoch 1, batch 0, batch 1
 * ```
 */
export class LambdaCallback extends Callback {
  constructor(args: LambdaCallbackArgs = {}) {
    super();
    checkHooks(args);
    const self = this as unknown as Record<string, unknown>;
    for (const name of HOOKS) {
      const fn = args[name];
      if (fn === undefined) continue;
      const target =
        name in ALIASES ? ALIASES[name as keyof typeof ALIASES] : name;
      self[target] = withLogs(name, fn);
    }
  }
}

/**
 * Creates a {@link LambdaCallback}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const ends: number[] = [];
 * const cb = tg.callbacks.lambdaCallback({ onEpochEnd: (e) => ends.push(e) });
 * cb.onEpochEnd(4, {});
 * console.log(ends); // [ 4 ]
 * ```
 */
export function lambdaCallback(args: LambdaCallbackArgs = {}): LambdaCallback {
  return new LambdaCallback(args);
}
