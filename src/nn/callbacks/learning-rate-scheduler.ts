// SPDX-License-Identifier: Apache-2.0
/** LearningRateScheduler: set the learning rate at each epoch's start. */
import { ValueError, show } from "../../core/errors.js";
import { Callback, type Logs } from "./callback.js";
import { checkCount, optimizerOf, pyFloat, say } from "./monitor.js";

/** A schedule: the epoch (from 0) and the current rate give the new rate. */
export type EpochSchedule = (epoch: number, learningRate: number) => number;

/**
 * Sets the optimizer's learning rate at the start of every epoch to
 * `schedule(epoch, currentRate)`, as Keras 3's `LearningRateScheduler`,
 * and adds the rate in use to the epoch's logs as "learning_rate" (so
 * History and CSVLogger record it).
 *
 * The optimizer stores the rate as float32, as Keras's variable does, so
 * the schedule receives float32-rounded rates. A schedule that returns
 * anything but a finite number >= 0 is a ValueError; so is a model without
 * an optimizer (not compiled). `verbose: 1` prints
 * `Epoch N: LearningRateScheduler setting learning rate to R.` each epoch.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * // Keep the rate for ten epochs, then decay it exponentially.
 * const scheduler = tg.callbacks.learningRateScheduler((epoch, lr) =>
 *   epoch < 10 ? lr : lr * Math.exp(-0.1),
 * );
 * const model = new tg.Sequential([tg.layers.dense({ units: 10 })]);
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * const x = [0, 1, 2, 3, 4].map((r) =>
 *   Array.from({ length: 20 }, (_, c) => r * 20 + c),
 * );
 * model.fit(x, [[0], [0], [0], [0], [0]], {
 *   epochs: 15, verbose: 0, callbacks: [scheduler],
 * });
 * console.log(model.optimizer!.learningRate.toFixed(5)); // 0.00607
 * ```
 */
export class LearningRateScheduler extends Callback {
  readonly schedule: EpochSchedule;
  readonly verbose: number;

  constructor(schedule: EpochSchedule, verbose = 0) {
    super();
    const where = "LearningRateScheduler";
    if (typeof schedule !== "function") {
      throw new ValueError(
        `${where}: expected schedule to be a function (epoch, lr) => lr, ` +
          `got schedule=${show(schedule)}`,
      );
    }
    this.schedule = schedule;
    this.verbose = checkCount(verbose, "verbose", where);
  }

  override onEpochBegin(epoch: number, _logs?: Logs): void {
    const where = "LearningRateScheduler";
    const optimizer = optimizerOf(this.model, where);
    const rate: unknown = this.schedule(epoch, optimizer.learningRate);
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0) {
      throw new ValueError(
        `${where}: expected the schedule to return a finite number >= 0, ` +
          `got ${show(rate)} at epoch ${epoch}`,
      );
    }
    optimizer.learningRate = rate;
    if (this.verbose > 0) {
      say(
        `\nEpoch ${epoch + 1}: LearningRateScheduler setting learning ` +
          `rate to ${pyFloat(rate)}.`,
      );
    }
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    logs.learning_rate = optimizerOf(
      this.model,
      "LearningRateScheduler",
    ).learningRate;
  }
}

/**
 * Creates a {@link LearningRateScheduler}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const s = tg.callbacks.learningRateScheduler((epoch) => 0.1 / (epoch + 1));
 * console.log(s.schedule(3, 0.1)); // 0.025
 * ```
 */
export function learningRateScheduler(
  schedule: EpochSchedule,
  verbose = 0,
): LearningRateScheduler {
  return new LearningRateScheduler(schedule, verbose);
}
