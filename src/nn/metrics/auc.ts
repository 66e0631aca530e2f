// SPDX-License-Identifier: Apache-2.0
/**
 * AUC, as Keras 3's confusion_metrics.AUC: the area under the ROC or the
 * precision-recall curve, approximated from confusion counts at a fixed
 * set of thresholds, accumulated over batches.
 */
import { ValueError, show } from "../../core/errors.js";
import type { Tensor, TensorLike } from "../../core/tensor.js";
import { logicalAnd, maximum, minimum } from "../../ops/binary.js";
import { make } from "../../ops/convert.js";
import { mean, sum } from "../../ops/reduction.js";
import { where as select } from "../../ops/select.js";
import { slice } from "../../ops/shape.js";
import { log, sigmoid } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import {
  confusionCounts,
  isEvenlyDistributed,
  parseThresholds,
} from "./counts.js";
import { Metric, type MetricArgs, type SampleWeight } from "./metric.js";
import {
  EPSILON,
  checkBoolean,
  checkInteger,
  divideNoNan,
  tensorIn,
} from "./utils.js";

/** The curve AUC integrates. */
export type AUCCurve = "ROC" | "PR";

/** How AUC sums the area between thresholds. */
export type AUCSummationMethod = "interpolation" | "minoring" | "majoring";

/** Options of {@link AUC}. */
export interface AUCArgs extends MetricArgs {
  /** The number of thresholds, > 1. Default 200. */
  numThresholds?: number;
  /** "ROC" (default) or "PR"; "roc" and "pr" are accepted too. */
  curve?: AUCCurve | "roc" | "pr";
  /**
   * "interpolation" (default): trapezoids for ROC, and for PR Davis &
   * Goadrich's interpolation of TP and FP; "minoring": the lower of each
   * pair of heights (a lower bound); "majoring": the higher (an upper
   * bound). Capitalised spellings are accepted.
   */
  summationMethod?:
    AUCSummationMethod | "Interpolation" | "Minoring" | "Majoring";
  /** Explicit thresholds in [0, 1], replacing numThresholds. Default none. */
  thresholds?: readonly number[] | null;
  /** One AUC per label of [batch, labels] data, then their mean. Default false. */
  multiLabel?: boolean;
  /** The number of labels (multiLabel); default: read from the first batch. */
  numLabels?: number | null;
  /**
   * Non-negative weights of the labels: of the per-label AUCs when
   * multiLabel, of each entry's counts otherwise. Default none.
   */
  labelWeights?: readonly number[] | null;
  /** Whether yPred holds logits (a sigmoid is applied). Default false. */
  fromLogits?: boolean;
}

const CURVES: Record<string, AUCCurve> = {
  ROC: "ROC",
  roc: "ROC",
  PR: "PR",
  pr: "PR",
};

const METHODS: Record<string, AUCSummationMethod> = {
  interpolation: "interpolation",
  Interpolation: "interpolation",
  minoring: "minoring",
  Minoring: "minoring",
  majoring: "majoring",
  Majoring: "majoring",
};

interface AUCState {
  tp: Variable;
  fp: Variable;
  tn: Variable;
  fn: Variable;
}

/**
 * The area under the ROC curve (true positive rate against false positive
 * rate) or the precision-recall curve, from counts at `numThresholds`
 * thresholds: 0 − ε, (i+1)/(n−1) for i < n − 2, and 1 + ε (ε = 1e-7),
 * so that predictions of exactly 0 or 1 are counted.
 *
 * With summationMethod "interpolation" the ROC area is the sum of
 * trapezoids `(FPRᵢ − FPRᵢ₊₁)·(TPRᵢ + TPRᵢ₊₁)/2`; the PR area follows
 * Davis & Goadrich (2006) as Keras does: between thresholds, TP and
 * TP + FP vary linearly, which integrates in closed form to
 * `slope·(ΔTP + b·log(Pᵢ/Pᵢ₊₁)) / (TP + FN)` per interval. "minoring" and
 * "majoring" use the lower or upper of each pair of heights instead.
 * Predictions should lie in [0, 1] (or be logits with `fromLogits`); the
 * approximation is best when they spread evenly over the thresholds.
 *
 * Options: see {@link AUCArgs}; `name` defaults to "auc" (numbered when
 * taken).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const m = new tg.metrics.AUC({ numThresholds: 3 });
 * m.updateState([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]);
 * console.log(m.result().item()); // 0.75
 * ```
 */
export class AUC extends Metric {
  override readonly direction = "up";
  /** The number of thresholds, the two end points included. */
  readonly numThresholds: number;
  /** The curve integrated. */
  readonly curve: AUCCurve;
  /** The summation method. */
  readonly summationMethod: AUCSummationMethod;
  /** Whether labels are scored separately. */
  readonly multiLabel: boolean;
  /** The number of labels given to the constructor, or null. */
  readonly numLabels: number | null;
  /** The label weights, or null. */
  readonly labelWeights: readonly number[] | null;
  /** Whether yPred holds logits. */
  readonly fromLogits: boolean;
  readonly #given: number[] | null;
  readonly #thresholds: number[];
  readonly #evenly: boolean;
  #state: AUCState | null = null;

  constructor(args: AUCArgs = {}) {
    const where = "AUC";
    const curve = CURVES[String(args.curve ?? "ROC")];
    if (curve === undefined) {
      throw new ValueError(
        `${where}: expected curve "ROC" or "PR", got curve=${show(args.curve)}`,
      );
    }
    const method = METHODS[String(args.summationMethod ?? "interpolation")];
    if (method === undefined) {
      throw new ValueError(
        `${where}: expected summationMethod "interpolation", "minoring" or ` +
          `"majoring", got summationMethod=${show(args.summationMethod)}`,
      );
    }
    const multiLabel = checkBoolean(
      args.multiLabel ?? false,
      "multiLabel",
      where,
    );
    const fromLogits = checkBoolean(
      args.fromLogits ?? false,
      "fromLogits",
      where,
    );
    const numLabels = args.numLabels ?? null;
    if (numLabels !== null) {
      if (!multiLabel) {
        throw new ValueError(
          `${where}: numLabels is used only with multiLabel: true, got ` +
            `numLabels=${show(numLabels)} with multiLabel=false`,
        );
      }
      checkInteger(numLabels, "numLabels", 1, where);
    }
    const labelWeights = checkLabelWeights(args.labelWeights ?? null, where);
    let inner: number[];
    let given: number[] | null = null;
    let evenly: boolean;
    if (args.thresholds !== undefined && args.thresholds !== null) {
      given = parseThresholds(args.thresholds, 0.5, where).sort(
        (a, b) => a - b,
      );
      inner = given;
      evenly = isEvenlyDistributed([0, ...given, 1]);
    } else {
      const n = args.numThresholds ?? 200;
      if (typeof n !== "number" || !Number.isInteger(n) || n <= 1) {
        throw new ValueError(
          `${where}: expected numThresholds to be an integer > 1, got ` +
            `numThresholds=${show(n)}`,
        );
      }
      inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
      evenly = true;
    }
    super(args);
    this.numThresholds = inner.length + 2;
    this.curve = curve;
    this.summationMethod = method;
    this.multiLabel = multiLabel;
    this.numLabels = numLabels;
    this.labelWeights = labelWeights;
    this.fromLogits = fromLogits;
    this.#given = given;
    this.#thresholds = [0 - EPSILON, ...inner, 1 + EPSILON];
    this.#evenly = evenly;
    if (!multiLabel) this.#build(null);
    else if (numLabels !== null) this.#build(numLabels);
  }

  /** The thresholds in use, the end points 0 − ε and 1 + ε included. */
  get thresholds(): number[] {
    return [...this.#thresholds];
  }

  #build(labels: number | null): AUCState {
    if (
      labels !== null &&
      this.labelWeights !== null &&
      this.labelWeights.length !== labels
    ) {
      throw new ValueError(
        `${this.where}: expected ${this.labelWeights.length} labels, as ` +
          `labelWeights has, got ${labels}`,
      );
    }
    const shape =
      labels === null ? [this.numThresholds] : [this.numThresholds, labels];
    this.#state = {
      tp: this.addVariable(shape, "true_positives"),
      fp: this.addVariable(shape, "false_positives"),
      tn: this.addVariable(shape, "true_negatives"),
      fn: this.addVariable(shape, "false_negatives"),
    };
    return this.#state;
  }

  /** Adds this batch's confusion counts at every threshold. */
  override updateState(
    yTrue: TensorLike,
    yPred: TensorLike,
    sampleWeight?: SampleWeight,
  ): void {
    this.read(() => this.#update(yTrue, yPred, sampleWeight));
  }

  #update(yTrue: TensorLike, yPred: TensorLike, sampleWeight: SampleWeight) {
    const where = `${this.where}.updateState`;
    let p = tensorIn(yPred, this.dtype, where);
    const labels = this.multiLabel ? this.#labelsOf(p, where) : null;
    if (this.fromLogits) p = sigmoid(p);
    const counts = confusionCounts(yTrue, p, {
      thresholds: this.#thresholds,
      evenly: this.#evenly,
      sampleWeight,
      multiLabel: this.multiLabel,
      labelWeights: this.multiLabel ? null : this.labelWeights,
      dtype: this.dtype,
      where: this.where,
    });
    const state = this.#state ?? this.#build(labels);
    this.commit(() =>
      (["tp", "fp", "tn", "fn"] as const).map((k) => {
        const v = state[k];
        return [v, v.add(make(counts[k], v.shape, "float64").cast(this.dtype))];
      }),
    );
  }

  #labelsOf(p: Tensor, where: string): number {
    const built = this.#state?.tp.shape[1];
    const labels = p.rank === 2 ? p.shape[1]! : -1;
    if (labels < 0 || (built !== undefined && built !== labels)) {
      throw new ValueError(
        `${where}: with multiLabel, expected yPred of shape [batch, ` +
          `${built ?? "labels"}], got shape ${show(p.shape)}`,
      );
    }
    return labels;
  }

  /** The area; 0 before a multi-label AUC has seen data. */
  result(): Tensor {
    const s = this.#state;
    if (s === null) return tensorIn(0, this.dtype, "AUC");
    return this.read(() => {
      const [tp, fp, tn, fn] = [s.tp.value, s.fp.value, s.tn.value, s.fn.value];
      const areas =
        this.curve === "PR" && this.summationMethod === "interpolation"
          ? interpolatePR(tp, fp, fn)
          : this.#riemann(tp, fp, tn, fn);
      return this.#combine(areas);
    });
  }

  #riemann(tp: Tensor, fp: Tensor, tn: Tensor, fn: Tensor): Tensor {
    const recall = divideNoNan(tp, tp.add(fn));
    const [x, y] =
      this.curve === "ROC"
        ? [divideNoNan(fp, fp.add(tn)), recall]
        : [recall, divideNoNan(tp, tp.add(fp))];
    const heights =
      this.summationMethod === "interpolation"
        ? head(y).add(tail(y)).div(2)
        : this.summationMethod === "minoring"
          ? minimum(head(y), tail(y))
          : maximum(head(y), tail(y));
    return head(x).sub(tail(x)).mul(heights);
  }

  /** Sums the per-interval areas; averages labels when multiLabel. */
  #combine(areas: Tensor): Tensor {
    if (!this.multiLabel) return sum(areas);
    const byLabel = sum(areas, 0);
    if (this.labelWeights === null) return mean(byLabel);
    const w = tensorIn([...this.labelWeights], this.dtype, "AUC");
    return divideNoNan(sum(byLabel.mul(w)), sum(w));
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...this.baseConfig(),
      numThresholds: this.numThresholds,
      curve: this.curve,
      summationMethod: this.summationMethod,
      multiLabel: this.multiLabel,
      numLabels: this.numLabels,
      labelWeights: this.labelWeights === null ? null : [...this.labelWeights],
      fromLogits: this.fromLogits,
    };
    if (this.#given !== null) config.thresholds = [...this.#given];
    return config;
  }
}

function checkLabelWeights(
  weights: readonly number[] | null,
  where: string,
): number[] | null {
  if (weights === null) return null;
  const ok =
    Array.isArray(weights) &&
    weights.every((w) => typeof w === "number" && w >= 0 && Number.isFinite(w));
  if (!ok) {
    throw new ValueError(
      `${where}: expected labelWeights to be a list of finite numbers >= 0, ` +
        `got labelWeights=${show(weights)}`,
    );
  }
  return Array.from(weights as readonly number[]);
}

/** All but the last threshold's entries (rows of a [T, ...] tensor). */
function head(x: Tensor): Tensor {
  return slice(
    x,
    [0, ...x.shape.slice(1).map(() => 0)],
    [x.shape[0]! - 1, ...x.shape.slice(1)],
  );
}

/** All but the first threshold's entries. */
function tail(x: Tensor): Tensor {
  return slice(
    x,
    [1, ...x.shape.slice(1).map(() => 0)],
    [x.shape[0]! - 1, ...x.shape.slice(1)],
  );
}

/**
 * Keras's interpolate_pr_auc (after Davis & Goadrich 2006): with
 * P = TP + FP varying linearly between thresholds, precision TP/P
 * integrates over recall to
 * `slope·(ΔTP + intercept·log(Pᵢ/Pᵢ₊₁)) / (TP + FN)` per interval, where
 * slope = ΔTP/ΔP and intercept = TPᵢ₊₁ − slope·Pᵢ₊₁.
 */
function interpolatePR(tp: Tensor, fp: Tensor, fn: Tensor): Tensor {
  const dtp = head(tp).sub(tail(tp));
  const p = tp.add(fp);
  const dp = head(p).sub(tail(p));
  const slope = divideNoNan(dtp, maximum(dp, 0));
  const intercept = tail(tp).sub(slope.mul(tail(p)));
  const bothPositive = logicalAnd(head(p).greater(0), tail(p).greater(0));
  const ratio = select(
    bothPositive,
    divideNoNan(head(p), maximum(tail(p), 0)),
    1,
  );
  const numerator = slope.mul(dtp.add(intercept.mul(log(ratio))));
  return divideNoNan(numerator, maximum(tail(tp).add(tail(fn)), 0));
}
