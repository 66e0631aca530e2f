// SPDX-License-Identifier: Apache-2.0
/**
 * Probabilistic metrics, as Keras 3's probabilistic_metrics.py: running
 * means of the crossentropies, the Kullback-Leibler divergence and the
 * Poisson deviance.
 */
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { ValueError, show } from "../../core/errors.js";
import { notEqual } from "../../ops/binary.js";
import { toTensor } from "../../ops/convert.js";
import { squeeze } from "../../ops/shape.js";
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  klDivergence,
  poisson,
  sparseCategoricalCrossentropy,
  type CrossentropyOptions,
} from "./functions.js";
import type { MetricArgs, SampleWeight } from "./metric.js";
import { MeanMetricWrapper } from "./reduction.js";
import {
  checkBoolean,
  checkUnitInterval,
  squeezeOrExpand,
  tensorIn,
} from "./utils.js";

/** Options of {@link BinaryCrossentropy} and {@link CategoricalCrossentropy}. */
export interface CrossentropyArgs extends MetricArgs {
  /** Whether yPred holds logits. Default false. */
  fromLogits?: boolean;
  /** Label smoothing in [0, 1]. Default 0. */
  labelSmoothing?: number;
}

function crossentropyArgs(args: CrossentropyArgs, where: string) {
  return {
    fromLogits: checkBoolean(args.fromLogits ?? false, "fromLogits", where),
    labelSmoothing: checkUnitInterval(
      args.labelSmoothing ?? 0,
      "labelSmoothing",
      where,
    ),
  };
}

function checkAxis(axis: unknown, where: string): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw new ValueError(
      `${where}: expected axis to be an integer, got axis=${show(axis)}`,
    );
  }
  return axis;
}

/**
 * The binary crossentropy: the weighted mean of
 * {@link binaryCrossentropy} per sample.
 *
 * Options: `fromLogits` (default false), `labelSmoothing` (default 0),
 * `name` (default "binary_crossentropy"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.BinaryCrossentropy({ dtype: "float64" });
 * const p = tg.tensor([[0.6, 0.4], [0.4, 0.6]], undefined, "float64");
 * m.updateState([[0, 1], [0, 0]], p);
 * console.log(m.result().item()); // 0.814924454847114
 * ```
 */
export class BinaryCrossentropy extends MeanMetricWrapper {
  override readonly direction = "down";
  /** Whether yPred holds logits. */
  readonly fromLogits: boolean;
  /** Label smoothing. */
  readonly labelSmoothing: number;

  constructor(args: CrossentropyArgs = {}) {
    const o = crossentropyArgs(args, "BinaryCrossentropy");
    const fn = (t: Tensor, p: Tensor) => binaryCrossentropy(t, p, o);
    super({ ...args, fn }, "binary_crossentropy");
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
    };
  }
}

/** Options of {@link CategoricalCrossentropy}. */
export interface CategoricalCrossentropyArgs extends CrossentropyArgs {
  /** The class axis. Default −1. */
  axis?: number;
}

/**
 * The categorical crossentropy, for one-hot labels: the weighted mean of
 * {@link categoricalCrossentropy} per sample.
 *
 * Options: `fromLogits` (default false), `labelSmoothing` (default 0),
 * `axis` (default −1), `name` (default "categorical_crossentropy"),
 * `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.CategoricalCrossentropy({ dtype: "float64" });
 * const p = tg.tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], undefined, "float64");
 * m.updateState([[0, 1, 0], [0, 0, 1]], p);
 * console.log(m.result().item()); // 1.176939193690798
 * ```
 */
export class CategoricalCrossentropy extends MeanMetricWrapper {
  override readonly direction = "down";
  /** Whether yPred holds logits. */
  readonly fromLogits: boolean;
  /** Label smoothing. */
  readonly labelSmoothing: number;
  /** The class axis. */
  readonly axis: number;

  constructor(args: CategoricalCrossentropyArgs = {}) {
    const where = "CategoricalCrossentropy";
    const o: Required<CrossentropyOptions> = {
      ...crossentropyArgs(args, where),
      axis: checkAxis(args.axis ?? -1, where),
    };
    const fn = (t: Tensor, p: Tensor) => categoricalCrossentropy(t, p, o);
    super({ ...args, fn }, "categorical_crossentropy");
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

/** Options of {@link SparseCategoricalCrossentropy}. */
export interface SparseCategoricalCrossentropyArgs extends MetricArgs {
  /** Whether yPred holds logits. Default false. */
  fromLogits?: boolean;
  /** A label whose samples are left out of the mean. Default none. */
  ignoreClass?: number | null;
  /** The class axis of yPred: only −1 (the default). */
  axis?: number;
}

/**
 * The sparse categorical crossentropy, for integer labels: the weighted
 * mean of {@link sparseCategoricalCrossentropy} per sample. Samples
 * labelled `ignoreClass` get weight 0, so they count neither in the sum
 * nor in the count (Keras's mask).
 *
 * Options: `fromLogits` (default false), `ignoreClass` (default null),
 * `axis` (only −1, the default), `name` (default
 * "sparse_categorical_crossentropy"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.SparseCategoricalCrossentropy({ dtype: "float64" });
 * const p = tg.tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], undefined, "float64");
 * m.updateState([1, 2], p);
 * console.log(m.result().item()); // 1.1769392436907955
 * ```
 */
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  override readonly direction = "down";
  /** Whether yPred holds logits. */
  readonly fromLogits: boolean;
  /** The label left out, or null. */
  readonly ignoreClass: number | null;
  /** The class axis. */
  readonly axis: number;

  constructor(args: SparseCategoricalCrossentropyArgs = {}) {
    const where = "SparseCategoricalCrossentropy";
    const fromLogits = checkBoolean(
      args.fromLogits ?? false,
      "fromLogits",
      where,
    );
    const ignoreClass = args.ignoreClass ?? null;
    if (ignoreClass !== null && !Number.isInteger(ignoreClass)) {
      throw new ValueError(
        `${where}: expected ignoreClass to be an integer or null, got ` +
          `ignoreClass=${show(ignoreClass)}`,
      );
    }
    const axis = checkAxis(args.axis ?? -1, where);
    if (axis !== -1) {
      throw new ValueError(
        `${where}: expected axis -1 (only the last axis is supported, as in ` +
          `the loss), got axis=${axis}`,
      );
    }
    const o = { fromLogits, ignoreClass };
    const fn = (t: Tensor, p: Tensor) => sparseCategoricalCrossentropy(t, p, o);
    super({ ...args, fn }, "sparse_categorical_crossentropy");
    this.fromLogits = fromLogits;
    this.ignoreClass = ignoreClass;
    this.axis = axis;
  }

  /** Adds the crossentropies; ignored samples get weight 0. */
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: SampleWeight,
  ): void {
    if (this.ignoreClass === null) {
      super.updateState(yTrue, yPred, sampleWeight);
      return;
    }
    const ignore = this.ignoreClass;
    this.commit(() => {
      const where = `${this.where}.updateState`;
      const t = toTensor(yTrue, where);
      const p = toTensor(yPred, where);
      const values = this.fn(t, p);
      // Keras's mask: the ignored samples weigh 0.
      const labels =
        t.rank === p.rank && t.shape[t.rank - 1] === 1 ? squeeze(t, -1) : t;
      const mask = tensorIn(notEqual(labels, ignore), this.dtype, where);
      let weight = mask;
      if (sampleWeight !== undefined && sampleWeight !== null) {
        const [m, w] = squeezeOrExpand(
          mask,
          tensorIn(sampleWeight, this.dtype, where),
        );
        weight = w.mul(m);
      }
      return this.meanUpdate(values, weight);
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      fromLogits: this.fromLogits,
      ignoreClass: this.ignoreClass,
      axis: this.axis,
    };
  }
}

/**
 * The Kullback-Leibler divergence: the weighted mean of
 * {@link klDivergence} per sample.
 *
 * Options: `name` (default "kl_divergence"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.KLDivergence({ dtype: "float64" });
 * m.updateState([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]);
 * console.log(m.result().item().toFixed(6)); // 0.458143
 * ```
 */
export class KLDivergence extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: klDivergence }, "kl_divergence");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/**
 * The Poisson deviance: the weighted mean of {@link poisson} per sample.
 *
 * Options: `name` (default "poisson"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.Poisson();
 * m.updateState([[0, 1], [0, 0]], [[1, 1], [0, 0]]);
 * console.log(m.result().item().toFixed(6)); // 0.500000
 * ```
 */
export class Poisson extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: poisson }, "poisson");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}
