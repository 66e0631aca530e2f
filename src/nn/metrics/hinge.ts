// SPDX-License-Identifier: Apache-2.0
/** Hinge metrics, as Keras 3's hinge_metrics.py. */
import { categoricalHinge, hinge, squaredHinge } from "./functions.js";
import type { MetricArgs } from "./metric.js";
import { MeanMetricWrapper } from "./reduction.js";

/**
 * The hinge loss as a metric: the weighted mean of {@link hinge} per
 * sample (labels in {0, 1} are mapped to {−1, 1}).
 *
 * Options: `name` (default "hinge"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.Hinge({ dtype: "float64" });
 * const p = tg.tensor([[0.6, 0.4], [0.4, 0.6]], undefined, "float64");
 * m.updateState([[0, 1], [0, 0]], p);
 * console.log(m.result().item()); // 1.3
 * ```
 */
export class Hinge extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: hinge }, "hinge");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/**
 * The squared hinge loss as a metric: the weighted mean of
 * {@link squaredHinge} per sample.
 *
 * Options: `name` (default "squared_hinge"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.SquaredHinge({ dtype: "float64" });
 * const p = tg.tensor([[0.6, 0.4], [0.4, 0.6]], undefined, "float64");
 * m.updateState([[0, 1], [0, 0]], p);
 * console.log(m.result().item()); // 1.8600000000000003
 * ```
 */
export class SquaredHinge extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: squaredHinge }, "squared_hinge");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/**
 * The categorical hinge loss as a metric: the weighted mean of
 * {@link categoricalHinge} per sample.
 *
 * Options: `name` (default "categorical_hinge"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.CategoricalHinge({ dtype: "float64" });
 * const p = tg.tensor([[0.6, 0.4], [0.4, 0.6]], undefined, "float64");
 * m.updateState([[0, 1], [0, 0]], p);
 * console.log(m.result().item()); // 1.4
 * ```
 */
export class CategoricalHinge extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: categoricalHinge }, "categorical_hinge");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}
