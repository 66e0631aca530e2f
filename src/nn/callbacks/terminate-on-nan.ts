// SPDX-License-Identifier: Apache-2.0
/** TerminateOnNaN: stop fit at the first batch whose loss is NaN or ±∞. */
import { ValueError, show } from "../../core/errors.js";
import { Callback, type Logs } from "./callback.js";
import { say } from "./monitor.js";

/** Options of {@link TerminateOnNaN}. */
export interface TerminateOnNaNArgs {
  /**
   * Throw a ValueError at once instead of stopping gracefully (then the
   * other callbacks' `onTrainEnd` does not run). Default false.
   */
  raiseError?: boolean;
}

/**
 * Stops training when a training batch reports a loss that is NaN or
 * infinite, as Keras 3's `TerminateOnNaN`. It prints
 * `Batch N: Invalid loss, terminating training` and sets
 * `model.stopTraining`, so fit ends after that batch, runs every
 * callback's `onTrainEnd` and returns its History. With `raiseError`, it
 * throws instead (Keras raises a RuntimeError; tensorgrad a ValueError).
 *
 * The loss checked is the batch logs' "loss", the running mean over the
 * epoch: once one batch is NaN, it stays NaN for the rest of the epoch.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * // The second target is NaN, so the second batch's loss is NaN.
 * const h = model.fit([[1], [2], [3], [4]], [[1], [NaN], [3], [4]], {
 *   batchSize: 1, epochs: 5, shuffle: false, verbose: 0,
 *   callbacks: [tg.callbacks.terminateOnNaN()],
 * });
 * // Prints: Batch 1: Invalid loss, terminating training
 * // h.epoch is [0]: fit stopped in the middle of the first epoch.
 * ```
 */
export class TerminateOnNaN extends Callback {
  readonly raiseError: boolean;

  constructor(args: TerminateOnNaNArgs = {}) {
    super();
    const raiseError = args.raiseError ?? false;
    if (typeof raiseError !== "boolean") {
      throw new ValueError(
        `TerminateOnNaN: expected raiseError to be a boolean, got ` +
          `raiseError=${show(raiseError)}`,
      );
    }
    this.raiseError = raiseError;
  }

  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) {
      throw new ValueError(
        `TerminateOnNaN: expected a finite loss, got loss=${show(loss)} ` +
          `at batch ${batch}; terminating training immediately`,
      );
    }
    say(`Batch ${batch}: Invalid loss, terminating training`);
    if (this.model) this.model.stopTraining = true;
  }
}

/**
 * Creates a {@link TerminateOnNaN} callback.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * try {
 *   model.fit([[1], [2]], [[NaN], [2]], {
 *     batchSize: 1, shuffle: false, verbose: 0,
 *     callbacks: [tg.callbacks.terminateOnNaN({ raiseError: true })],
 *   });
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // TerminateOnNaN: expected a finite loss, got loss=NaN at batch 0; terminating training immediately
 * }
 * ```
 */
export function terminateOnNaN(args: TerminateOnNaNArgs = {}): TerminateOnNaN {
  return new TerminateOnNaN(args);
}
