// SPDX-License-Identifier: Apache-2.0
/** History: what `fit` returns, each metric's value after every epoch. */
import { Callback, type Logs } from "./callback.js";

/**
 * Records the logs of every epoch. `fit` adds one to every run and returns
 * it: `history.history.loss[e]` is the loss of epoch `e`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * tg.setSeed(0);
 * const model = new tg.Sequential([tg.layers.dense({ units: 1 })]);
 * model.compile({ optimizer: "sgd", loss: "mse" });
 * const h = model.fit([[1], [2]], [[2], [4]], { epochs: 3, verbose: 0 });
 * console.log(h.epoch, h.history.loss!.length); // [ 0, 1, 2 ] 3
 * ```
 */
export class History extends Callback {
  /** The epochs run, by index. */
  epoch: number[] = [];
  /** Each metric's values, one per epoch. */
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    this.epoch = [];
    this.history = {};
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      (this.history[k] ??= []).push(v);
    }
  }
}
