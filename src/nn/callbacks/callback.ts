// SPDX-License-Identifier: Apache-2.0
/**
 * Callbacks: objects whose hooks `fit`, `evaluate` and `predict` call at the
 * start and end of training, of each epoch and of each batch, as in Keras.
 * Logs are records of numbers ("loss", "accuracy", "val_loss", ...).
 */

/** What the hooks receive: metric values by name. */
export type Logs = Record<string, number>;

/** What `fit` tells its callbacks before training. */
export interface CallbackParams {
  /** The number of epochs asked for. */
  epochs?: number;
  /** Batches per epoch, or null when unknown (a dataset of unknown size). */
  steps?: number | null;
  /** The verbosity fit was given (0, 1 or 2). */
  verbose?: number;
}

/** What a callback may know of the model it serves. */
export interface CallbackModel {
  stopTraining: boolean;
  readonly name: string;
}

/**
 * The base of callbacks: override the hooks you need. `model` and `params`
 * are set before training starts.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * class CountBatches extends tg.callbacks.Callback {
 *   batches = 0;
 *   override onTrainBatchEnd(): void {
 *     this.batches++;
 *   }
 * }
 * const counter = new CountBatches();
 * const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * model.fit([[1], [2], [3]], [[1], [2], [3]], {
 *   batchSize: 2, epochs: 2, verbose: 0, callbacks: [counter],
 * });
 * console.log(counter.batches); // 4
 * ```
 */
export class Callback {
  /** The model being trained; set by fit before training. */
  model: CallbackModel | null = null;
  /** fit's parameters; set by fit before training. */
  params: CallbackParams = {};

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  setParams(params: CallbackParams): void {
    this.params = params;
  }

  onTrainBegin(logs?: Logs): void {
    void logs;
  }
  onTrainEnd(logs?: Logs): void {
    void logs;
  }
  onEpochBegin(epoch: number, logs?: Logs): void {
    void epoch;
    void logs;
  }
  onEpochEnd(epoch: number, logs?: Logs): void {
    void epoch;
    void logs;
  }
  onTrainBatchBegin(batch: number, logs?: Logs): void {
    void batch;
    void logs;
  }
  onTrainBatchEnd(batch: number, logs?: Logs): void {
    void batch;
    void logs;
  }
  onTestBegin(logs?: Logs): void {
    void logs;
  }
  onTestEnd(logs?: Logs): void {
    void logs;
  }
  onTestBatchBegin(batch: number, logs?: Logs): void {
    void batch;
    void logs;
  }
  onTestBatchEnd(batch: number, logs?: Logs): void {
    void batch;
    void logs;
  }
  onPredictBegin(logs?: Logs): void {
    void logs;
  }
  onPredictEnd(logs?: Logs): void {
    void logs;
  }
  onPredictBatchBegin(batch: number, logs?: Logs): void {
    void batch;
    void logs;
  }
  onPredictBatchEnd(batch: number, logs?: Logs): void {
    void batch;
    void logs;
  }
}

/** The hooks, by name. */
type Hook = {
  [K in keyof Callback]: Callback[K] extends (...args: never[]) => void
    ? K extends `on${string}`
      ? K
      : never
    : never;
}[keyof Callback];

/** Calls one hook on each callback in order. @internal */
export class CallbackList {
  constructor(readonly callbacks: readonly Callback[]) {}

  configure(model: CallbackModel, params: CallbackParams): void {
    for (const c of this.callbacks) {
      c.setModel(model);
      c.setParams(params);
    }
  }

  call<K extends Hook>(hook: K, ...args: Parameters<Callback[K]>): void {
    for (const c of this.callbacks) {
      (c[hook] as (...a: Parameters<Callback[K]>) => void)(...args);
    }
  }
}
