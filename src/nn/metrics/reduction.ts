// SPDX-License-Identifier: Apache-2.0
/**
 * The reducing metrics: Sum, Mean, and MeanMetricWrapper (the mean of a
 * per-sample function), with Keras 3's sample-weight rules
 * (reduce_to_samplewise_values):
 *
 * - sampleWeight is matched to the values' rank (a trailing 1 squeezed or
 *   added), axes of the values beyond the weight's rank are reduced (mean
 *   for Mean, sum for Sum), the weight is broadcast to the values and
 *   multiplies them, and both are reduced to one entry per sample.
 * - Mean adds the weighted values to `total` and the summed weights to
 *   `count` (the number of samples when unweighted); result = total/count,
 *   0 when count is 0.
 * - A scalar weight w counts the whole batch as one entry of weight w.
 */
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { toTensor } from "../../ops/convert.js";
import { sum } from "../../ops/reduction.js";
import type { Variable } from "../../variables.js";
import { ValueError, show } from "../../core/errors.js";
import { Metric, type MetricArgs, type SampleWeight } from "./metric.js";
import { divideNoNan, reduceToSamplewise, tensorIn } from "./utils.js";

/**
 * The weighted sum of the values seen: `total += Σ wᵢ·vᵢ`.
 *
 * Options: `name` (default "sum"), `dtype` (default float32).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.Sum();
 * m.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
 * console.log(m.result().item()); // 4
 * ```
 */
export class Sum extends Metric {
  /** The running sum. */
  protected readonly total: Variable;

  constructor(args: MetricArgs = {}) {
    super(args, "sum");
    this.total = this.addVariable([], "total");
  }

  /** Adds the (weighted) values. */
  override updateState(values: TensorLike, sampleWeight?: SampleWeight) {
    this.commit(() => {
      const where = `${this.where}.updateState`;
      const v = tensorIn(values, this.dtype, where);
      const r = reduceToSamplewise(v, sampleWeight, "sum", this.dtype, where);
      return [[this.total, this.total.add(sum(r.values))]];
    });
  }

  result(): Tensor {
    return this.total.value;
  }
}

/**
 * The weighted mean of the values seen: `Σ wᵢ·vᵢ / Σ wᵢ` (0 before any
 * value). Values with several entries per sample are first averaged per
 * sample.
 *
 * Options: `name` (default "mean"), `dtype` (default float32).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.Mean();
 * m.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
 * console.log(m.result().item()); // 2
 * ```
 */
export class Mean extends Metric {
  /** The running weighted sum. */
  protected readonly total: Variable;
  /** The running sum of weights. */
  protected readonly count: Variable;

  constructor(args: MetricArgs = {}, defaultName: string | null = "mean") {
    super(args, defaultName);
    this.total = this.addVariable([], "total");
    this.count = this.addVariable([], "count");
  }

  /** Adds the (weighted) values. */
  override updateState(values: TensorLike, sampleWeight?: SampleWeight) {
    this.commit(() => {
      const v = tensorIn(values, this.dtype, `${this.where}.updateState`);
      return this.meanUpdate(v, sampleWeight);
    });
  }

  result(): Tensor {
    return this.read(() => divideNoNan(this.total.value, this.count.value));
  }

  /** The new total and count after `values`. */
  protected meanUpdate(
    values: Tensor,
    sampleWeight: SampleWeight,
  ): [Variable, Tensor][] {
    const where = `${this.where}.updateState`;
    const r = reduceToSamplewise(
      values,
      sampleWeight,
      "mean",
      this.dtype,
      where,
    );
    const n =
      r.weight !== null
        ? sum(r.weight)
        : r.values.rank >= 1
          ? r.values.shape[0]!
          : 1;
    return [
      [this.total, this.total.add(sum(r.values))],
      [this.count, this.count.add(n)],
    ];
  }
}

/** A per-sample metric function: values with one entry per sample. */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Options of {@link MeanMetricWrapper}. */
export interface MeanMetricWrapperArgs extends MetricArgs {
  /** The function whose per-sample values are averaged. */
  fn: MetricFunction;
}

/**
 * The running mean of a per-sample function `fn(yTrue, yPred)`, weighted
 * by sampleWeight: how Keras turns functions into metrics.
 *
 * Options: `fn` (required), `name` (default "mean_metric_wrapper",
 * numbered when taken; `metrics.get(fn)` names it after the function, as
 * Keras's compile does), `dtype` (default float32). `getConfig()` holds the function
 * itself, so `fromConfig` works in memory but the config is not JSON.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const fn = (t: tg.Tensor, p: tg.Tensor) => tg.abs(t.sub(p)).max(-1);
 * const m = new tg.metrics.MeanMetricWrapper({ fn, name: "max_error" });
 * m.updateState([[0, 1], [2, 2]], [[1, 1], [2, 5]]);
 * console.log(m.name, m.result().item()); // max_error 2
 * ```
 */
export class MeanMetricWrapper extends Mean {
  /** The wrapped function. */
  readonly fn: MetricFunction;

  /**
   * @param args the function, name and dtype.
   * @param defaultName the name when `args.name` is absent; default
   *   "mean_metric_wrapper", numbered when taken (Keras's).
   */
  constructor(args: MeanMetricWrapperArgs, defaultName?: string) {
    const fn = (args as Partial<MeanMetricWrapperArgs> | undefined)?.fn;
    if (typeof fn !== "function") {
      throw new ValueError(
        `${new.target.name}: expected fn to be a function, got fn=${show(fn)}`,
      );
    }
    super(args, defaultName ?? null);
    this.fn = fn;
  }

  /** Adds `fn(yTrue, yPred)`, weighted by sampleWeight. */
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: SampleWeight,
  ): void {
    this.commit(() => {
      const where = `${this.where}.updateState`;
      const values = this.fn(toTensor(yTrue, where), toTensor(yPred, where));
      return this.meanUpdate(values, sampleWeight);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fn: this.fn };
  }
}
