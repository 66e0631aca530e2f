// SPDX-License-Identifier: Apache-2.0
/** EarlyStopping: stop fit when a monitored quantity stops improving. */
import { ValueError, show } from "../../core/errors.js";
import { warn } from "../../core/log.js";
import type { Tensor } from "../../core/tensor.js";
import { Callback, type Logs } from "./callback.js";
import {
  checkCount,
  checkFinite,
  checkMode,
  checkName,
  directionOf,
  say,
  weightsOf,
  type MonitorMode,
} from "./monitor.js";

/** Options of {@link EarlyStopping}, with Keras's names and defaults. */
export interface EarlyStoppingArgs {
  /** The logs key to watch. Default "val_loss". */
  monitor?: string;
  /** The smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** 1: say when stopping and restoring. Default 0. */
  verbose?: number;
  /** "min", "max", or "auto" (from the metric; see the class). */
  mode?: MonitorMode;
  /** A value to beat; until it is beaten, patience keeps running. */
  baseline?: number | null;
  /** Restore the best epoch's weights when training ends. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to train before watching starts (a warm-up). Default 0. */
  startFromEpoch?: number;
}

/**
 * Stops training when `monitor` has not improved for `patience` epochs,
 * as Keras 3's `EarlyStopping`. After each epoch, with `current` the
 * monitored value and δ = |minDelta|:
 *
 *   improved = current − δ > best   (max mode)
 *   improved = current + δ < best   (min mode)
 *
 * The first watched epoch always improves. An improvement sets
 * `best = current` and, if it also beats `baseline` (when given), resets
 * `wait` to 0; otherwise `wait` grows by one, and once `wait >= patience`
 * (past epoch 0) fit stops after this epoch: `stoppedEpoch` is set and
 * `model.stopTraining = true`.
 *
 * Mode "auto" takes the direction of the model's metric of that name
 * (accuracy, AUC, F1 ... go up; errors go down), and "min" for "loss" and
 * "val_loss"; a monitor whose direction can't be told is a ValueError at
 * the first epoch's end, as in Keras. TensorFlow.js guesses instead ("max"
 * when the name contains "acc"). A monitor missing from the logs is
 * skipped, with one warning per fit that lists the keys there are.
 *
 * With `restoreBestWeights`, the weights of the best epoch are put back
 * when training ends, however it ends; if no epoch beat `baseline`, the
 * best epoch among those run is restored, as in Keras.
 *
 * Unlike Keras, an unknown `mode` throws (Keras warns and uses "auto").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const stopper = tg.callbacks.earlyStopping({ monitor: "loss", patience: 3 });
 * const model = new tg.Sequential([tg.layers.dense({ units: 10 })]);
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * // The features are large, so SGD diverges and the loss never improves.
 * const x = [0, 1, 2, 3, 4].map((r) =>
 *   Array.from({ length: 20 }, (_, c) => r * 20 + c),
 * );
 * const h = model.fit(x, [[0], [0], [0], [0], [0]], {
 *   epochs: 10, batchSize: 1, verbose: 0, callbacks: [stopper],
 * });
 * console.log(h.history.loss!.length, stopper.stoppedEpoch); // 4 3
 * ```
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  /** |minDelta|: Keras takes the absolute value. */
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;

  /** Epochs since the last improvement (that beat the baseline). */
  wait = 0;
  /** The epoch at which this callback stopped training, or 0. */
  stoppedEpoch = 0;
  /** The best monitored value so far, or null before the first. */
  best: number | null = null;
  /** The epoch of `best`. */
  bestEpoch = 0;
  /** The weights at the end of `bestEpoch` (with restoreBestWeights). */
  bestWeights: Tensor[] | null = null;

  #direction: "min" | "max" | null = null;
  #warned = false;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    const where = "EarlyStopping";
    this.monitor = checkName(args.monitor ?? "val_loss", "monitor", where);
    this.minDelta = Math.abs(
      checkFinite(args.minDelta ?? 0, "minDelta", where),
    );
    this.patience = checkCount(args.patience ?? 0, "patience", where);
    this.verbose = checkCount(args.verbose ?? 0, "verbose", where);
    this.mode = checkMode(args.mode ?? "auto", where);
    const baseline = args.baseline ?? null;
    this.baseline =
      baseline === null ? null : checkFinite(baseline, "baseline", where);
    const restore = args.restoreBestWeights ?? false;
    if (typeof restore !== "boolean") {
      throw new ValueError(
        `${where}: expected restoreBestWeights to be a boolean, got ` +
          `restoreBestWeights=${show(restore)}`,
      );
    }
    this.restoreBestWeights = restore;
    this.startFromEpoch = checkCount(
      args.startFromEpoch ?? 0,
      "startFromEpoch",
      where,
    );
  }

  override onTrainBegin(_logs?: Logs): void {
    // Reset, so that one instance can serve several fits.
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestEpoch = 0;
    this.bestWeights = null;
    this.#warned = false;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    // Resolved late, as Keras does: metrics are built by the first batch.
    this.#direction ??= this.#resolveDirection();
    const current = this.#monitorValue(logs);
    if (current === undefined || epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = weightsOf(this.model, "EarlyStopping").getWeights();
      this.bestEpoch = epoch;
    }

    this.wait += 1;
    if (this.#improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.bestWeights = weightsOf(this.model, "EarlyStopping").getWeights();
      }
      if (this.baseline === null || this.#improves(current, this.baseline)) {
        this.wait = 0;
      }
      return;
    }

    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  override onTrainEnd(_logs?: Logs): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) {
      say(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    }
    if (!this.restoreBestWeights || this.bestWeights === null) return;
    if (this.verbose > 0) {
      say(
        "Restoring model weights from the end of the best epoch: " +
          `${this.bestEpoch + 1}.`,
      );
    }
    weightsOf(this.model, "EarlyStopping").setWeights(this.bestWeights);
  }

  #resolveDirection(): "min" | "max" {
    if (this.mode !== "auto") return this.mode;
    const name = this.monitor.startsWith("val_")
      ? this.monitor.slice(4)
      : this.monitor;
    const direction = directionOf(this.model, name);
    if (direction !== null) return direction === "up" ? "max" : "min";
    if (name === "loss") return "min";
    throw new ValueError(
      `EarlyStopping: expected a monitor whose direction mode "auto" can ` +
        `tell (the loss, or a compiled metric that goes up or down), got ` +
        `monitor=${show(this.monitor)}; pass mode "max" to keep the ` +
        `highest value or mode "min" to keep the lowest`,
    );
  }

  #monitorValue(logs: Logs): number | undefined {
    const value = logs[this.monitor];
    if (value === undefined && !this.#warned) {
      this.#warned = true;
      warn(
        `EarlyStopping: conditioned on metric "${this.monitor}", which is ` +
          `not available. Available metrics are: ` +
          Object.keys(logs).join(","),
      );
    }
    return value;
  }

  #improves(value: number, reference: number | null): boolean {
    if (reference === null) return true;
    return this.#direction === "max"
      ? value - this.minDelta > reference
      : value + this.minDelta < reference;
  }
}

/**
 * Creates an {@link EarlyStopping} callback, as TensorFlow.js's
 * `tf.callbacks.earlyStopping`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const stopper = tg.callbacks.earlyStopping({ patience: 2 });
 * console.log(stopper.monitor, stopper.patience); // val_loss 2
 * ```
 */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}
