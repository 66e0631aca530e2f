// SPDX-License-Identifier: Apache-2.0
/** ReduceLROnPlateau: lower the learning rate when progress stalls. */
import { ValueError, show } from "../../core/errors.js";
import { warn } from "../../core/log.js";
import { Callback, type Logs } from "./callback.js";
import {
  checkCount,
  checkFinite,
  checkMode,
  checkName,
  optimizerOf,
  pyFloat,
  say,
  type MonitorMode,
} from "./monitor.js";

/** Options of {@link ReduceLROnPlateau}, with Keras's names and defaults. */
export interface ReduceLROnPlateauArgs {
  /** The logs key to watch. Default "val_loss". */
  monitor?: string;
  /** new rate = rate · factor; in [0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** 1: say when reducing. Default 0. */
  verbose?: number;
  /** "min", "max", or "auto": "max" if the monitor contains "acc". */
  mode?: MonitorMode;
  /** How much better a value must be to count as better. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** The rate never goes below this. Default 0. */
  minLr?: number;
}

/**
 * Multiplies the learning rate by `factor` when `monitor` has not improved
 * for `patience` epochs, as Keras 3's `ReduceLROnPlateau`. After each
 * epoch, with `current` the monitored value:
 *
 *   improved = current < best − minDelta   (min mode)
 *   improved = current > best + minDelta   (max mode)
 *
 * An improvement sets `best` and resets `wait`. Otherwise, outside a
 * cooldown, `wait` grows; at `wait >= patience`, if the rate is above
 * `minLr`, it becomes max(rate · factor, minLr), and a cooldown of
 * `cooldown` epochs starts, during which `wait` stays 0. The rate in use
 * during the epoch goes into the logs as "learning_rate".
 *
 * Mode "auto" is "max" when the monitor's name contains "acc" and "min"
 * otherwise: Keras 3 guesses from the name here (unlike its EarlyStopping).
 * A monitor missing from the logs is skipped, with one warning per fit. An
 * unknown mode throws (Keras warns and uses "auto").
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const reduce = tg.callbacks.reduceLROnPlateau({
 *   monitor: "loss", factor: 0.5, patience: 1,
 * });
 * const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
 * const sgd = tg.optimizers.sgd({ learningRate: 0.5 });
 * model.compile({ optimizer: sgd, loss: "mse" });
 * reduce.setModel(model);
 * reduce.onTrainBegin();
 * for (const [epoch, loss] of [1, 0.9, 0.95, 0.97].entries()) {
 *   reduce.onEpochEnd(epoch, { loss });
 * }
 * console.log(model.optimizer!.learningRate); // 0.125
 * ```
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;

  /** Epochs since the last improvement, outside cooldowns. */
  wait = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** The best monitored value so far. */
  best = Infinity;

  #warned = false;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    const where = "ReduceLROnPlateau";
    this.monitor = checkName(args.monitor ?? "val_loss", "monitor", where);
    const factor = checkFinite(args.factor ?? 0.1, "factor", where);
    if (factor >= 1 || factor < 0) {
      throw new ValueError(
        `${where}: expected factor in [0, 1) (a factor >= 1 would not ` +
          `reduce), got factor=${show(factor)}`,
      );
    }
    this.factor = factor;
    this.patience = checkCount(args.patience ?? 10, "patience", where);
    this.verbose = checkCount(args.verbose ?? 0, "verbose", where);
    this.mode = checkMode(args.mode ?? "auto", where);
    this.minDelta = checkFinite(args.minDelta ?? 1e-4, "minDelta", where);
    this.cooldown = checkCount(args.cooldown ?? 0, "cooldown", where);
    const minLr = checkFinite(args.minLr ?? 0, "minLr", where);
    if (minLr < 0) {
      throw new ValueError(
        `${where}: expected minLr >= 0, got minLr=${show(minLr)}`,
      );
    }
    this.minLr = minLr;
    this.#reset();
  }

  /** Whether larger values of the monitor are better. */
  get #maximize(): boolean {
    return (
      this.mode === "max" ||
      (this.mode === "auto" && this.monitor.includes("acc"))
    );
  }

  #reset(): void {
    this.best = this.#maximize ? -Infinity : Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
    this.#warned = false;
  }

  override onTrainBegin(_logs?: Logs): void {
    this.#reset();
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const optimizer = optimizerOf(this.model, "ReduceLROnPlateau");
    logs.learning_rate = optimizer.learningRate;
    const current = logs[this.monitor];
    if (current === undefined) {
      this.#warnMissing(logs);
      return;
    }

    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.#improves(current)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;

    this.wait += 1;
    if (this.wait < this.patience) return;
    const oldLr = optimizer.learningRate;
    // Keras compares the float32 rate with min_lr rounded to float32.
    if (!(oldLr > Math.fround(this.minLr))) return;
    const newLr = Math.max(oldLr * this.factor, this.minLr);
    optimizer.learningRate = newLr;
    if (this.verbose > 0) {
      say(
        `\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate ` +
          `to ${pyFloat(newLr)}.`,
      );
    }
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
  }

  #improves(current: number): boolean {
    return this.#maximize
      ? current > this.best + this.minDelta
      : current < this.best - this.minDelta;
  }

  #warnMissing(logs: Logs): void {
    if (this.#warned) return;
    this.#warned = true;
    warn(
      `ReduceLROnPlateau: learning rate reduction is conditioned on ` +
        `metric "${this.monitor}", which is not available. Available ` +
        `metrics are: ${Object.keys(logs).join(",")}.`,
    );
  }
}

/**
 * Creates a {@link ReduceLROnPlateau} callback.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const r = tg.callbacks.reduceLROnPlateau({ factor: 0.2, patience: 5 });
 * console.log(r.factor, r.patience, r.minDelta); // 0.2 5 0.0001
 * ```
 */
export function reduceLROnPlateau(
  args: ReduceLROnPlateauArgs = {},
): ReduceLROnPlateau {
  return new ReduceLROnPlateau(args);
}
