// SPDX-License-Identifier: Apache-2.0
/** F-scores, as Keras 3's f_score_metrics.py: FBetaScore and F1Score. */
import { ValueError, show } from "../../core/errors.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { abs } from "../../ops/unary.js";
import { greater, greaterEqual, logicalAnd } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { expandDims } from "../../ops/shape.js";
import { max, mean, sum } from "../../ops/reduction.js";
import type { Variable } from "../../variables.js";
import { Metric, type MetricArgs, type SampleWeight } from "./metric.js";
import { EPSILON, checkOneOf, checkSameShape, tensorIn } from "./utils.js";

/** How FBetaScore combines the classes' scores. */
export type FScoreAverage = "micro" | "macro" | "weighted" | null;

const AVERAGES: readonly FScoreAverage[] = [null, "micro", "macro", "weighted"];

/** Options of {@link F1Score}. */
export interface F1ScoreArgs extends MetricArgs {
  /**
   * null (default): one score per class; "micro": one score from the
   * counts summed over classes; "macro": the mean of the classes' scores;
   * "weighted": their mean weighted by each class's number of positive
   * labels.
   */
  average?: FScoreAverage;
  /**
   * Predictions above it count as 1, in (0, 1]; null (default): the
   * largest prediction of each sample counts as 1 (ties all count, and a
   * row of zeros stays zeros).
   */
  threshold?: number | null;
}

/** Options of {@link FBetaScore}. */
export interface FBetaScoreArgs extends F1ScoreArgs {
  /** The weight of recall against precision, > 0. Default 1. */
  beta?: number;
}

interface FState {
  tp: Variable;
  fp: Variable;
  fn: Variable;
  support: Variable;
}

/**
 * The F-beta score of multi-class or multi-label predictions:
 * `(1 + β²)·P·R / (β²·P + R)` per class, with precision
 * `P = TP/(TP + FP + ε)`, recall `R = TP/(TP + FN + ε)` and ε = 1e-7 also
 * added to the denominator, accumulated over batches. Inputs have shape
 * [batch, classes]; sample weights shape [batch].
 *
 * Options: `average` (default null), `beta` (default 1), `threshold`
 * (default null), `name` (default "fbeta_score"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.FBetaScore({ beta: 2, threshold: 0.5, average: "macro" });
 * m.updateState([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0]]);
 * console.log(m.result().item().toFixed(4)); // 0.7090
 * ```
 */
export class FBetaScore extends Metric {
  override readonly direction = "up";
  /** How the classes' scores combine. */
  readonly average: FScoreAverage;
  /** The weight of recall. */
  readonly beta: number;
  /** The decision threshold, or null for the largest prediction. */
  readonly threshold: number | null;
  #state: FState | null = null;

  constructor(args: FBetaScoreArgs = {}, defaultName = "fbeta_score") {
    const where = new.target.name;
    const average = checkOneOf(
      args.average ?? null,
      AVERAGES,
      "average",
      where,
    );
    const beta = args.beta ?? 1;
    if (typeof beta !== "number" || !(beta > 0) || !Number.isFinite(beta)) {
      throw new ValueError(
        `${where}: expected beta to be a finite number > 0, got beta=${show(beta)}`,
      );
    }
    const threshold = args.threshold ?? null;
    if (
      threshold !== null &&
      (typeof threshold !== "number" || !(threshold > 0 && threshold <= 1))
    ) {
      throw new ValueError(
        `${where}: expected threshold in (0, 1] or null, got ` +
          `threshold=${show(threshold)}`,
      );
    }
    super(args, defaultName);
    this.average = average;
    this.beta = beta;
    this.threshold = threshold;
  }

  #build(classes: number): FState {
    const shape = this.average === "micro" ? [] : [classes];
    this.#state = {
      tp: this.addVariable(shape, "true_positives"),
      fp: this.addVariable(shape, "false_positives"),
      fn: this.addVariable(shape, "false_negatives"),
      support: this.addVariable(shape, "intermediate_weights"),
    };
    return this.#state;
  }

  /** Adds this batch's per-class TP, FP, FN and positive labels. */
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: SampleWeight,
  ): void {
    this.read(() => this.#update(yTrue, yPred, sampleWeight));
  }

  #update(yTrue: TensorLike, yPred: TensorLike, sampleWeight: SampleWeight) {
    const where = `${this.where}.updateState`;
    const t = tensorIn(yTrue, this.dtype, where);
    const p0 = tensorIn(yPred, this.dtype, where);
    this.#checkInputs(t, p0, where);
    const w = this.#weights(sampleWeight, t, where);
    const state = this.#state ?? this.#build(p0.shape[1]!);
    this.commit(() => {
      const p = cast(this.#predicted(p0), this.dtype);
      const notP = p.neg().add(1);
      const notT = t.neg().add(1);
      const total = (x: Tensor) => {
        const weighted = w === null ? x : x.mul(expandDims(w, 1));
        return this.average === "micro" ? sum(weighted) : sum(weighted, 0);
      };
      return [
        [state.tp, state.tp.add(total(p.mul(t)))],
        [state.fp, state.fp.add(total(p.mul(notT)))],
        [state.fn, state.fn.add(total(notP.mul(t)))],
        [state.support, state.support.add(total(t))],
      ];
    });
  }

  #checkInputs(t: Tensor, p: Tensor, where: string): void {
    if (t.rank !== 2 || p.rank !== 2) {
      throw new ValueError(
        `${where}: expected yTrue and yPred of shape [batch, classes], got ` +
          `yTrue shape ${show(t.shape)} and yPred shape ${show(p.shape)}`,
      );
    }
    checkSameShape(t, p, where);
    const built = this.#state?.tp;
    const classes =
      built === undefined || built.rank === 0 ? null : built.shape[0];
    if (classes != null && classes !== p.shape[1]) {
      throw new ValueError(
        `${where}: expected ${classes} classes, as in earlier batches, got ` +
          `yPred shape ${show(p.shape)}`,
      );
    }
  }

  #weights(sampleWeight: SampleWeight, t: Tensor, where: string) {
    if (sampleWeight === undefined || sampleWeight === null) return null;
    const w = tensorIn(sampleWeight, this.dtype, where);
    if (w.rank !== 1 || w.shape[0] !== t.shape[0]) {
      throw new ValueError(
        `${where}: expected a sampleWeight of shape [${t.shape[0]}], got ` +
          `shape ${show(w.shape)}`,
      );
    }
    return w;
  }

  #predicted(p: Tensor): Tensor {
    if (this.threshold !== null) return greater(p, this.threshold);
    const top = max(p, -1, true);
    return logicalAnd(greaterEqual(p, top), greater(abs(p), 1e-9));
  }

  /**
   * The score per class, or averaged as `average` says; 0 before any
   * update (Keras has no state yet and fails).
   */
  result(): Tensor {
    const s = this.#state;
    if (s === null) return tensorIn(0, this.dtype, "FBetaScore");
    return this.read(() => {
      const [tp, fp, fn] = [s.tp.value, s.fp.value, s.fn.value];
      const precision = tp.div(tp.add(fp).add(EPSILON));
      const recall = tp.div(tp.add(fn).add(EPSILON));
      const b2 = this.beta ** 2;
      const harmonic = precision
        .mul(recall)
        .div(precision.mul(b2).add(recall).add(EPSILON));
      const f = harmonic.mul(1 + b2);
      if (this.average === "weighted") {
        const support = s.support.value;
        const weights = support.div(sum(support).add(EPSILON));
        return sum(f.mul(weights));
      }
      return this.average === null ? f : mean(f);
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      average: this.average,
      beta: this.beta,
      threshold: this.threshold,
    };
  }
}

/**
 * The F1 score, the harmonic mean of precision and recall:
 * {@link FBetaScore} with β = 1.
 *
 * Options: `average` (default null), `threshold` (default null), `name`
 * (default "f1_score"), `dtype`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.F1Score({ threshold: 0.5 });
 * m.updateState([[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0]]);
 * console.log(Array.from(m.result().data, (v) => v.toFixed(4))); // [ '0.5000', '0.8000', '0.6667' ]
 * ```
 */
export class F1Score extends FBetaScore {
  constructor(args: F1ScoreArgs = {}) {
    const a = args as FBetaScoreArgs;
    if (a.beta !== undefined && a.beta !== 1) {
      throw new ValueError(
        `F1Score: expected no beta (it is 1), got beta=${show(a.beta)}`,
      );
    }
    super({ ...args, beta: 1 }, "f1_score");
  }

  override getConfig(): Record<string, unknown> {
    const { beta: _beta, ...config } = super.getConfig();
    return config;
  }
}
