// SPDX-License-Identifier: Apache-2.0
/**
 * Regression metrics, as Keras 3's regression_metrics.py: running means of
 * the per-sample errors (MSE, MAE, MAPE, MSLE, log-cosh, cosine
 * similarity), RootMeanSquaredError, and R2Score.
 */
import { ValueError, show } from "../../core/errors.js";
import { warn } from "../../core/log.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { abs } from "../../ops/unary.js";
import { equal } from "../../ops/binary.js";
import { mean, sum } from "../../ops/reduction.js";
import { where as select } from "../../ops/select.js";
import { broadcastTo, expandDims } from "../../ops/shape.js";
import type { Variable } from "../../variables.js";
import {
  cosineSimilarity,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from "./functions.js";
import { Metric, type MetricArgs, type SampleWeight } from "./metric.js";
import { Mean, MeanMetricWrapper } from "./reduction.js";
import {
  broadcastsTo,
  checkInteger,
  checkOneOf,
  checkPairShapes,
  checkSameShape,
  squeezeOrExpand,
  tensorIn,
} from "./utils.js";

/**
 * The mean squared error: the weighted mean of
 * `mean((yTrue − yPred)², axis=−1)`.
 *
 * Options: `name` (default "mean_squared_error"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.MeanSquaredError();
 * m.updateState([[0, 1], [0, 0]], [[1, 1], [0, 0]]);
 * console.log(m.result().item()); // 0.25
 * ```
 */
export class MeanSquaredError extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: meanSquaredError }, "mean_squared_error");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/**
 * The mean absolute error: the weighted mean of
 * `mean(|yTrue − yPred|, axis=−1)`.
 *
 * Options: `name` (default "mean_absolute_error"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.MeanAbsoluteError();
 * m.updateState([[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0]);
 * console.log(m.result().item()); // 0.5
 * ```
 */
export class MeanAbsoluteError extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: meanAbsoluteError }, "mean_absolute_error");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/**
 * The mean absolute percentage error: the weighted mean of
 * `100 · mean(|yTrue − yPred| / max(|yTrue|, ε), axis=−1)`.
 *
 * Options: `name` (default "mean_absolute_percentage_error"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.MeanAbsolutePercentageError();
 * m.updateState([[2, 4], [1, 1]], [[1, 4], [1, 1]]);
 * console.log(m.result().item()); // 12.5
 * ```
 */
export class MeanAbsolutePercentageError extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super(
      { ...args, fn: meanAbsolutePercentageError },
      "mean_absolute_percentage_error",
    );
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/**
 * The mean squared logarithmic error: the weighted mean of
 * `mean((log(max(yPred, ε) + 1) − log(max(yTrue, ε) + 1))², axis=−1)`.
 *
 * Options: `name` (default "mean_squared_logarithmic_error"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.MeanSquaredLogarithmicError({ dtype: "float64" });
 * m.updateState([[0, 1], [0, 0]], [[1, 1], [0, 0]]);
 * console.log(m.result().item()); // 0.12011321634054184
 * ```
 */
export class MeanSquaredLogarithmicError extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super(
      { ...args, fn: meanSquaredLogarithmicError },
      "mean_squared_logarithmic_error",
    );
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/**
 * The log-cosh error: the weighted mean of
 * `mean(log(cosh(yPred − yTrue)), axis=−1)`.
 *
 * Options: `name` (default "logcosh", Keras's), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.LogCoshError();
 * m.updateState([[0, 1], [0, 0]], [[1, 1], [0, 0]]);
 * console.log(m.result().item()); // 0.1084451973438263
 * ```
 */
export class LogCoshError extends MeanMetricWrapper {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super({ ...args, fn: logCosh }, "logcosh");
  }

  override getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/** Options of {@link CosineSimilarity}. */
export interface CosineSimilarityArgs extends MetricArgs {
  /** The axis along which similarity is computed. Default −1. */
  axis?: number;
}

/**
 * The cosine similarity between labels and predictions: the weighted
 * mean of `Σ (yTrue/‖yTrue‖)·(yPred/‖yPred‖)` along `axis`.
 *
 * Options: `axis` (default −1), `name` (default "cosine_similarity"),
 * `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.CosineSimilarity({ axis: 1 });
 * m.updateState([[0, 1], [1, 1]], [[1, 0], [1, 1]], [0.3, 0.7]);
 * console.log(m.result().item().toFixed(6)); // 0.700000
 * ```
 */
export class CosineSimilarity extends MeanMetricWrapper {
  override readonly direction = "up";
  /** The axis along which similarity is computed. */
  readonly axis: number;

  constructor(args: CosineSimilarityArgs = {}) {
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new ValueError(
        `CosineSimilarity: expected axis to be an integer, got axis=${show(axis)}`,
      );
    }
    const fn = (t: Tensor, p: Tensor) => cosineSimilarity(t, p, axis);
    super({ ...args, fn }, "cosine_similarity");
    this.axis = axis;
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), axis: this.axis };
  }
}
/**
 * The square root of the mean squared error:
 * `sqrt(Σ wᵢ·mean((yPredᵢ − yTrueᵢ)²) / Σ wᵢ)`.
 *
 * Options: `name` (default "root_mean_squared_error"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.RootMeanSquaredError();
 * m.updateState([[0, 1], [0, 0]], [[1, 1], [0, 0]]);
 * console.log(m.result().item()); // 0.5
 * ```
 */
export class RootMeanSquaredError extends Mean {
  override readonly direction = "down";

  constructor(args: MetricArgs = {}) {
    super(args, "root_mean_squared_error");
  }

  /** Adds the squared errors of one batch. */
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: SampleWeight,
  ): void {
    this.commit(() => {
      const where = `${this.where}.updateState`;
      const yt = tensorIn(yTrue, this.dtype, where);
      const yp = tensorIn(yPred, this.dtype, where);
      const [t, p] = squeezeOrExpand(yt, yp);
      checkPairShapes(t, p, yt, yp, where);
      return this.meanUpdate(p.sub(t).square(), sampleWeight);
    });
  }

  override result(): Tensor {
    return this.read(() => super.result().sqrt());
  }
}

/** How R2Score combines the scores of several outputs. */
export type R2ClassAggregation =
  "uniform_average" | "variance_weighted_average" | null;

/** Options of {@link R2Score}. */
export interface R2ScoreArgs extends MetricArgs {
  /**
   * "uniform_average" (default): the mean of the outputs' scores;
   * "variance_weighted_average": weighted by each output's variance; null:
   * one score per output.
   */
  classAggregation?: R2ClassAggregation;
  /** Regressors p for the adjusted R²; 0 (default) is plain R². */
  numRegressors?: number;
}

const AGGREGATIONS: readonly R2ClassAggregation[] = [
  "uniform_average",
  "variance_weighted_average",
  null,
];

/**
 * The coefficient of determination, per output:
 * `R² = 1 − Σ w(yTrue − yPred)² / Σ w(yTrue − ȳ)²` with ȳ the weighted
 * mean of yTrue, accumulated over batches. With `numRegressors` p > 0,
 * the adjusted `1 − (1 − R²)(n − 1)/(n − p − 1)`, where n counts every
 * entry of yTrue (as Keras counts it); when p ≥ n − 1 it warns and gives
 * plain R². A score whose denominator is 0 is 0 (NaN when the errors are
 * 0 too), as in Keras. Inputs have shape [batch, outputs]; sample weights
 * [batch] or [batch, outputs]. Before any update the result is 0.
 *
 * Options: `classAggregation` (default "uniform_average"),
 * `numRegressors` (default 0), `name` (default "r2_score"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.R2Score({ dtype: "float64" });
 * m.updateState([[1], [4], [3]], [[2], [4], [4]]);
 * console.log(m.result().item()); // 0.5714285714285716
 * ```
 */
export class R2Score extends Metric {
  override readonly direction = "up";
  /** How the outputs' scores combine. */
  readonly classAggregation: R2ClassAggregation;
  /** Regressors of the adjusted score (0: plain R²). */
  readonly numRegressors: number;
  readonly #numSamples: Variable;
  #state: {
    sum: Variable;
    squaredSum: Variable;
    residual: Variable;
    count: Variable;
  } | null = null;

  constructor(args: R2ScoreArgs = {}) {
    const aggregation = checkOneOf(
      args.classAggregation === undefined
        ? "uniform_average"
        : args.classAggregation,
      AGGREGATIONS,
      "classAggregation",
      "R2Score",
    );
    const p = checkInteger(
      args.numRegressors ?? 0,
      "numRegressors",
      0,
      "R2Score",
    );
    super(args, "r2_score");
    this.classAggregation = aggregation;
    this.numRegressors = p;
    this.#numSamples = this.addVariable([], "num_samples");
  }

  /** Accumulates sums of yTrue, yTrue², squared errors and weights. */
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: SampleWeight,
  ): void {
    this.read(() => this.#update(yTrue, yPred, sampleWeight));
  }

  #update(yTrue: TensorLike, yPred: TensorLike, sampleWeight: SampleWeight) {
    const where = `${this.where}.updateState`;
    const yt = tensorIn(yTrue, this.dtype, where);
    const yp = tensorIn(yPred, this.dtype, where);
    const [t, p] = squeezeOrExpand(yt, yp);
    if (t.rank !== 2 || p.rank !== 2) {
      throw new ValueError(
        `${where}: expected yTrue and yPred of shape [batch, outputs], got ` +
          `yTrue shape ${show(yt.shape)} and yPred shape ${show(yp.shape)}`,
      );
    }
    checkSameShape(t, p, where);
    const outputs = p.shape[1]!;
    const built = this.#state?.sum.shape[0];
    if (built !== undefined && built !== outputs) {
      throw new ValueError(
        `${where}: expected ${built} outputs, as in earlier batches, got ` +
          `yPred shape ${show(yp.shape)}`,
      );
    }
    const w = this.#weights(sampleWeight, t, where);
    const state = this.#state ?? this.#build(outputs);
    this.commit(() => {
      const wt = t.mul(w);
      return [
        [state.sum, state.sum.add(sum(wt, 0))],
        [state.squaredSum, state.squaredSum.add(sum(t.mul(wt), 0))],
        [state.residual, state.residual.add(sum(t.sub(p).square().mul(w), 0))],
        [state.count, state.count.add(sum(w, 0))],
        [this.#numSamples, this.#numSamples.add(t.size)],
      ];
    });
  }

  #weights(sampleWeight: SampleWeight, t: Tensor, where: string): Tensor {
    if (sampleWeight === undefined || sampleWeight === null) {
      return broadcastTo(tensorIn(1, this.dtype, where), t.shape);
    }
    const given = tensorIn(sampleWeight, this.dtype, where);
    const w = given.rank === 1 ? expandDims(given, 1) : given;
    if (!broadcastsTo(w.shape, t.shape)) {
      throw new ValueError(
        `${where}: expected a sampleWeight of shape [batch] or ` +
          `${show(t.shape)}, got shape ${show(given.shape)}`,
      );
    }
    return broadcastTo(w, t.shape);
  }

  #build(outputs: number) {
    this.#state = {
      squaredSum: this.addVariable([outputs], "squared_sum"),
      sum: this.addVariable([outputs], "sum"),
      residual: this.addVariable([outputs], "residual"),
      count: this.addVariable([outputs], "count"),
    };
    return this.#state;
  }

  result(): Tensor {
    const state = this.#state;
    if (state === null) return tensorIn(0, this.dtype, "R2Score");
    return this.read(() => {
      const mu = state.sum.div(state.count);
      const total = state.squaredSum.sub(state.sum.mul(mu));
      const raw0 = state.residual.div(total).neg().add(1);
      const raw = select(equal(abs(raw0), Infinity), 0, raw0);
      const score =
        this.classAggregation === "uniform_average"
          ? mean(raw)
          : this.classAggregation === "variance_weighted_average"
            ? sum(total.mul(raw)).div(sum(total))
            : raw;
      return this.#adjusted(score);
    });
  }

  #adjusted(score: Tensor): Tensor {
    const p = this.numRegressors;
    if (p === 0) return score;
    const n = this.#numSamples.value.item();
    if (p > n - 1) {
      warn(
        `${this.where}: more independent predictors than data points in ` +
          "the adjusted R2 score; falling back to the standard R2 score",
      );
      return score;
    }
    if (p === n - 1) {
      warn(
        `${this.where}: division by zero in the adjusted R2 score; falling ` +
          "back to the standard R2 score",
      );
      return score;
    }
    return score
      .neg()
      .add(1)
      .mul(n - 1)
      .div(n - p - 1)
      .neg()
      .add(1);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      classAggregation: this.classAggregation,
      numRegressors: this.numRegressors,
    };
  }
}
