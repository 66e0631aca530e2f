// SPDX-License-Identifier: Apache-2.0
/**
 * The training API of Model, as in Keras 3: compile, then fit, evaluate,
 * predict and their one-batch forms.
 *
 * Phases of fit: check the arguments; turn x and y into batches (data-
 * adapter.ts), splitting off validation data; set up callbacks (the
 * user's, then History and ProgbarLogger); then for each epoch reset the
 * metrics, run `model.trainStep` on every batch, evaluate on the
 * validation data and report the epoch's logs. The loops live in loops.ts
 * and run synchronously, unless a dataset is asynchronous: then fit
 * returns a Promise.
 *
 * Keras 3's bookkeeping, kept here: the "loss" log is the mean of the
 * batches' total losses weighted by batch size; with several losses, each
 * output's unweighted loss is logged as "<output>_loss"; metrics given to
 * compile ignore sample weights (`weightedMetrics` use them); "accuracy"
 * becomes binary, categorical or sparse categorical accuracy by the shapes
 * of the first batch's targets and outputs, and the loss "crossentropy"
 * (or "ce") binary, categorical or sparse likewise; trainOnBatch and
 * testOnBatch do not reset the metrics; a step that returns other logs than
 * the metrics' (a custom trainStep) is reported as it returns them.
 *
 * Where tensorgrad differs: fit, evaluate and predict return Promises only
 * for asynchronous datasets (TensorFlow.js always returns them; Keras never
 * does); evaluate and predict print no progress bar (Keras does at verbose
 * 1); a subclassed model whose call returns several outputs compiles,
 * but its first training step throws NotImplementedError (make the model
 * functional); errors thrown in
 * the middle of fit leave the updates of the batches already trained, as in
 * Keras, while bad arguments throw before anything changes.
 */
import { NotImplementedError, ValueError, show } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { GradientTape, withoutRecording } from "../../autodiff/tape.js";
import { add, mul } from "../../ops/binary.js";
import { zip } from "../../utils.js";
import { Callback, CallbackList, type Logs } from "../callbacks/callback.js";
import { History } from "../callbacks/history.js";
import { ProgbarLogger } from "../callbacks/progbar.js";
import * as losses from "../losses.js";
import * as metricsModule from "../metrics/index.js";
import * as optimizers from "../optimizers/index.js";
import type { Layer, LayerInput, LayerOutput } from "../layers/layer.js";
import {
  ArrayData,
  DatasetData,
  arrayData,
  batchSize as samplesIn,
  checkClassWeight,
  isDataset,
  type Batch,
  type BatchSource,
  type ClassWeight,
  type DataSpec,
  type Structured,
} from "./data-adapter.js";
import { evaluateLoop, fitLoop, predictLoop, runLoop } from "./loops.js";

type LossId = losses.LossIdentifier | null;
type MetricId = metricsModule.MetricIdentifier;

/**
 * What compile accepts for the loss: one for every output, a list with one
 * per output (null: none), or a record keyed by output name.
 */
export type LossSpec =
  | losses.LossIdentifier
  | readonly LossId[]
  | { readonly [output: string]: LossId };

/**
 * What compile accepts for metrics: a list for a one-output model; for
 * several outputs, a list with one entry (a metric or a list) per output
 * or a record keyed by output name, as Keras.
 */
export type MetricsSpec =
  | readonly (MetricId | readonly MetricId[] | null)[]
  | { readonly [output: string]: MetricId | readonly MetricId[] | null };

/** Options of compile, with Keras's names. */
export interface CompileArgs {
  /** By name ("adam", "sgd", ...) or instance. Default "rmsprop", as Keras. */
  optimizer?: optimizers.OptimizerIdentifier;
  /** By name ("mse", "sparse_categorical_crossentropy", ...), instance or function. */
  loss?: LossSpec;
  /** By name ("accuracy", "mae", ...) or instance; unweighted. */
  metrics?: MetricsSpec;
  /** Metrics that use the sample (and class) weights. */
  weightedMetrics?: MetricsSpec;
  /** Weights of each output's loss in the total. Default 1 each. */
  lossWeights?:
    number | readonly number[] | { readonly [output: string]: number };
}

/** fit, evaluate and predict's verbosity: 0 silent, 1 bar, 2 a line. */
export type Verbosity = 0 | 1 | 2 | "auto";

/** Options of fit, with Keras's names in camelCase. */
export interface FitArgs {
  /** Default 32. Ignored for datasets (they yield batches). */
  batchSize?: number;
  /** The epoch to stop before (with initialEpoch, the last). Default 1. */
  epochs?: number;
  /**
   * 0: silent; 1: a progress bar on a terminal, one line per epoch
   * elsewhere; 2: one line per epoch. Default "auto" (1).
   */
  verbose?: Verbosity;
  /** Called around epochs and batches; History and ProgbarLogger are added. */
  callbacks?: readonly Callback[];
  /** The fraction of the samples (the last ones) kept for validation. */
  validationSplit?: number;
  /** Data to evaluate after each epoch: [x, y], [x, y, sampleWeight] or a dataset; overrides validationSplit. */
  validationData?: unknown;
  /** Shuffle the samples before each epoch (seeded by tg.setSeed). Default true. */
  shuffle?: boolean;
  /** Loss weights by class index (one-output models). */
  classWeight?: ClassWeight;
  /** A weight per sample, for the loss and weighted metrics. */
  sampleWeight?: unknown;
  /** The epoch to start at (to resume). Default 0. */
  initialEpoch?: number;
  /** Batches per epoch; one pass then continues across epochs. */
  stepsPerEpoch?: number;
  /** Validation batches per evaluation. */
  validationSteps?: number;
  /** Batch size of the validation data. Default batchSize. */
  validationBatchSize?: number;
  /** Evaluate after every this many epochs (counted from 1). Default 1. */
  validationFreq?: number;
}

/** Options of evaluate. */
export interface EvaluateArgs {
  /** Default 32. */
  batchSize?: number;
  /** Accepted as Keras does; evaluate prints no progress. */
  verbose?: Verbosity;
  sampleWeight?: unknown;
  /** Batches to evaluate; default all. */
  steps?: number;
  callbacks?: readonly Callback[];
  /** Return a record of metric values instead of a number or list. */
  returnDict?: boolean;
}

/** Options of predict. */
export interface PredictArgs {
  /** Default 32. */
  batchSize?: number;
  /** Accepted as Keras does; predict prints no progress. */
  verbose?: Verbosity;
  /** Batches to predict; default all. */
  steps?: number;
  callbacks?: readonly Callback[];
}

/** Options of trainOnBatch. */
export interface TrainOnBatchArgs {
  sampleWeight?: unknown;
  classWeight?: ClassWeight;
  returnDict?: boolean;
}

/** Options of testOnBatch. */
export interface TestOnBatchArgs {
  sampleWeight?: unknown;
  returnDict?: boolean;
}

/** What the trainer needs of its model. @internal */
export interface TrainableModel extends Layer<LayerOutput> {
  stopTraining: boolean;
  readonly outputNames: string[];
  /** The structure and dtypes of the data the model takes. */
  _dataSpec(): DataSpec;
  trainStep(batch: Batch): Logs;
  testStep(batch: Batch): Logs;
  predictStep(batch: Batch): LayerOutput;
}

/** One output's compiled loss. */
interface OutputPlan {
  name: string;
  loss: losses.Loss | null;
  /** "crossentropy" or "ce": resolved by the first batch's shapes. */
  pendingLoss: string | null;
  weight: number | null;
  /** Its unweighted loss, logged when there are several losses. */
  tracker: metricsModule.Mean | null;
}

/** A compiled metric: its log name, which output, whether weighted. */
interface MetricEntry {
  name: string;
  metric: metricsModule.Metric;
  output: number;
  weighted: boolean;
}

/** A metric identifier of compile, resolved when it can be. */
interface PendingMetric {
  id: MetricId;
  metric: metricsModule.Metric | null;
  output: number;
  weighted: boolean;
}

/** The compiled state: optimizer, per-output plans, loss tracker. */
interface Compiled {
  optimizer: optimizers.Optimizer;
  outputs: OutputPlan[];
  lossTracker: metricsModule.Mean;
  pending: PendingMetric[];
  /**
   * The metrics with their log names. Until the first batch resolves
   * "accuracy", it stands as a plain Accuracy (so callbacks can read its
   * direction).
   */
  entries: MetricEntry[];
  resolved: boolean;
}

function checkPositiveInt(v: unknown, name: string, where: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new ValueError(
      `${where}: expected ${name} to be an integer >= 1, got ${name}=${show(v)}`,
    );
  }
  return v;
}

function optionalPositiveInt(
  v: unknown,
  name: string,
  where: string,
): number | null {
  return v === undefined || v === null
    ? null
    : checkPositiveInt(v, name, where);
}

function verbosity(v: unknown, where: string): 0 | 1 | 2 {
  if (v === undefined || v === "auto") return 1;
  if (v !== 0 && v !== 1 && v !== 2) {
    throw new ValueError(
      `${where}: expected verbose 0, 1, 2 or "auto", got verbose=${show(v)}`,
    );
  }
  return v;
}

function checkCallbacks(v: unknown, where: string): Callback[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((c) => c instanceof Callback)) {
    throw new ValueError(
      `${where}: expected callbacks to be a list of Callback instances, ` +
        `got callbacks=${show(v)}`,
    );
  }
  return [...v];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return (
    x !== null &&
    typeof x === "object" &&
    !Array.isArray(x) &&
    Object.getPrototypeOf(x) === Object.prototype
  );
}

const isCrossentropy = (id: unknown) =>
  typeof id === "string" && ["crossentropy", "ce"].includes(id.toLowerCase());

/**
 * Keras's choice for the loss "crossentropy": binary for one output unit,
 * sparse for labels of lower rank (or a last dimension of 1 against
 * several units), else categorical.
 */
function crossentropyFor(
  label: readonly number[],
  pred: readonly number[],
): string {
  const last = pred[pred.length - 1];
  if (last === 1) return "binary_crossentropy";
  const sparse =
    label.length < pred.length ||
    (label[label.length - 1] === 1 && (last ?? 0) > 1);
  return sparse
    ? "sparse_categorical_crossentropy"
    : "categorical_crossentropy";
}

const isAccuracy = (id: unknown) =>
  typeof id === "string" && ["accuracy", "acc"].includes(id.toLowerCase());

/**
 * Holds what compile sets up and runs the loops. Each Model owns one; its
 * methods are the Model's training API. @internal
 */
export class Trainer {
  #compiled: Compiled | null = null;

  constructor(readonly model: TrainableModel) {}

  /** `Sequential "m".fit` and the like. */
  #where(method: string): string {
    return `${this.model.className} "${this.model.name}".${method}`;
  }

  /** The optimizer set by compile. */
  get optimizer(): optimizers.Optimizer | null {
    return this.#compiled?.optimizer ?? null;
  }

  /** Whether compile has run. */
  get isCompiled(): boolean {
    return this.#compiled !== null;
  }

  /** The metrics, in log order: loss, compiled metrics, per-output losses. */
  get metrics(): metricsModule.Metric[] {
    return this.#named().map(([, m]) => m);
  }

  /** The log names of `metrics`, in order. */
  get metricsNames(): string[] {
    return this.#named().map(([name]) => name);
  }

  #named(): [string, metricsModule.Metric][] {
    const c = this.#compiled;
    if (!c) return [];
    const out: [string, metricsModule.Metric][] = [["loss", c.lossTracker]];
    for (const e of c.entries) out.push([e.name, e.metric]);
    for (const o of c.outputs)
      if (o.tracker) out.push([o.tracker.name, o.tracker]);
    return out;
  }

  compile(args: CompileArgs = {}): void {
    const where = this.#where("compile");
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `${where}: expected an options record, got ${show(args)}`,
      );
    }
    const optimizer = optimizers.get(args.optimizer ?? "rmsprop");
    const names = this.#outputNames();
    const lossIds = this.#lossIds(args.loss, names, where);
    const weights = this.#lossWeights(args.lossWeights, names, where);
    const outputs: OutputPlan[] = names.map((name, i) => {
      const id = lossIds[i];
      return {
        name,
        loss:
          id === undefined || id === null || isCrossentropy(id)
            ? null
            : losses.get(id),
        pendingLoss: isCrossentropy(id) ? (id as string) : null,
        weight: weights[i] ?? null,
        tracker: null,
      };
    });
    const hasLoss = (o: OutputPlan) =>
      o.loss !== null || o.pendingLoss !== null;
    if (outputs.filter(hasLoss).length > 1) {
      for (const o of outputs) {
        if (hasLoss(o))
          o.tracker = new metricsModule.Mean({ name: `${o.name}_loss` });
      }
    }
    const pending = [
      ...this.#pendingMetrics(args.metrics, names, false, where),
      ...this.#pendingMetrics(args.weightedMetrics, names, true, where),
    ];
    // Nothing above assigned anything: a bad argument changed nothing.
    const c: Compiled = {
      optimizer,
      outputs,
      lossTracker: new metricsModule.Mean({ name: "loss" }),
      pending,
      entries: [],
      resolved: pending.every((p) => p.metric !== null),
    };
    this.#compiled = c;
    c.entries = this.#entries(null, null);
  }

  /** Output names: a functional model's, else one output. */
  #outputNames(): string[] {
    const names = this.model.outputNames;
    return names.length > 0 ? names : ["output"];
  }

  #lossIds(spec: unknown, names: readonly string[], where: string): LossId[] {
    if (spec === undefined || spec === null) return names.map(() => null);
    if (Array.isArray(spec)) {
      if (spec.length !== names.length) {
        throw new ValueError(
          `${where}: expected one loss per output ${show(names)}, got a list ` +
            `of ${spec.length}`,
        );
      }
      return [...(spec as LossId[])];
    }
    if (
      isRecord(spec) &&
      !("className" in spec && !names.includes("className"))
    ) {
      return this.#byOutput(spec, names, where, "loss") as LossId[];
    }
    return names.map(() => spec as LossId);
  }

  #byOutput(
    rec: Record<string, unknown>,
    names: readonly string[],
    where: string,
    what: string,
  ): unknown[] {
    const unknown = Object.keys(rec).filter((k) => !names.includes(k));
    if (unknown.length > 0) {
      throw new ValueError(
        `${where}: expected ${what} keys among the outputs ${show(names)}, ` +
          `got ${show(unknown)}`,
      );
    }
    return names.map((n) => rec[n] ?? null);
  }

  #lossWeights(
    spec: unknown,
    names: readonly string[],
    where: string,
  ): (number | null)[] {
    if (spec === undefined || spec === null) return names.map(() => null);
    let list: unknown[];
    if (typeof spec === "number") list = names.map(() => spec);
    else if (Array.isArray(spec)) {
      if (spec.length !== names.length) {
        throw new ValueError(
          `${where}: expected one loss weight per output ${show(names)}, got ` +
            `a list of ${spec.length}`,
        );
      }
      list = spec;
    } else if (isRecord(spec))
      list = this.#byOutput(spec, names, where, "lossWeights");
    else {
      throw new ValueError(
        `${where}: expected lossWeights as a number, a list or a record, got ${show(spec)}`,
      );
    }
    return list.map((w, i) => {
      if (w === null) return null;
      if (typeof w !== "number" || !Number.isFinite(w)) {
        throw new ValueError(
          `${where}: expected a finite loss weight for output ` +
            `"${names[i]!}", got ${show(w)}`,
        );
      }
      return w;
    });
  }

  /**
   * The metric identifiers per output, resolved now (so that unknown names
   * fail in compile) except "accuracy", which waits for data shapes.
   */
  #pendingMetrics(
    spec: unknown,
    names: readonly string[],
    weighted: boolean,
    where: string,
  ): PendingMetric[] {
    if (spec === undefined || spec === null) return [];
    const what = weighted ? "weightedMetrics" : "metrics";
    let perOutput: unknown[];
    if (isRecord(spec)) perOutput = this.#byOutput(spec, names, where, what);
    else if (!Array.isArray(spec)) {
      throw new ValueError(
        `${where}: expected ${what} as a list or a record keyed by output, ` +
          `got ${what}=${show(spec)}`,
      );
    } else if (names.length === 1) perOutput = [spec];
    else if (spec.length !== names.length) {
      throw new ValueError(
        `${where}: expected ${what} with one entry per output ` +
          `${show(names)}, got a list of ${spec.length}`,
      );
    } else perOutput = [...(spec as unknown[])];
    const out: PendingMetric[] = [];
    perOutput.forEach((ids, output) => {
      const list = ids === null ? [] : Array.isArray(ids) ? ids : [ids];
      for (const id of list as MetricId[]) {
        if (id === null || id === undefined) continue;
        const metric = isAccuracy(id) ? null : metricsModule.get(id);
        if (metric && typeof id === "string") metricsModule.rename(metric, id);
        out.push({ id, metric, output, weighted });
      }
    });
    return out;
  }

  /**
   * Resolves the pending metrics into entries with their log names:
   * "<output>_<name>" for several outputs; a repeated name gets "_1", a
   * weighted one clashing with an unweighted one "weighted_", as Keras.
   */
  #entries(trues: Tensor[] | null, preds: Tensor[] | null): MetricEntry[] {
    const c = this.#compiled!;
    const several = c.outputs.length > 1;
    const used = new Map<string, number>();
    return c.pending.map((p) => {
      if (p.metric === null && trues && preds) {
        p.metric = this.#accuracy(p, trues, preds);
      }
      const metric =
        p.metric ??
        metricsModule.rename(metricsModule.get("accuracy"), p.id as string);
      const prefix = several ? `${c.outputs[p.output]!.name}_` : "";
      let name = prefix + metric.name;
      if (used.has(name) && p.weighted)
        name = `${prefix}weighted_${metric.name}`;
      const n = used.get(name);
      used.set(name, (n ?? 0) + 1);
      if (n !== undefined) name = `${name}_${n}`;
      return { name, metric, output: p.output, weighted: p.weighted };
    });
  }

  #accuracy(
    p: PendingMetric,
    trues: Tensor[],
    preds: Tensor[],
  ): metricsModule.Metric {
    const pred = preds[p.output]!;
    const label = trues[p.output] ?? pred;
    const lossName = this.#compiled!.outputs[p.output]!.loss?.name ?? null;
    const name = metricsModule.resolveAccuracy(
      p.id as string,
      lossName,
      pred.shape,
      label.shape,
    );
    return metricsModule.rename(metricsModule.get(name), p.id as string);
  }

  #requireCompiled(where: string): Compiled {
    if (!this.#compiled) {
      throw new ValueError(
        `${where}: expected a compiled model; call compile() first`,
      );
    }
    return this.#compiled;
  }

  /** The total loss of a batch: each output's weighted loss, plus `model.losses`. */
  computeLoss(
    _x: Structured,
    y: Structured | undefined,
    yPred: LayerOutput,
    sampleWeight?: Tensor,
  ): Tensor {
    const where = this.#where("computeLoss");
    const c = this.#requireCompiled(where);
    const preds = this.#outputsOf(yPred, where);
    const trues = y === undefined ? [] : this.#outputsOf(y, where);
    let total: Tensor | null = null;
    c.outputs.forEach((o, i) => {
      if (!o.loss && !o.pendingLoss) return;
      const t = trues[i];
      if (t === undefined) {
        throw new ValueError(
          `${where}: expected targets y for output "${o.name}", got none`,
        );
      }
      o.loss ??= losses.get(crossentropyFor(t.shape, preds[i]!.shape));
      o.pendingLoss = null;
      const value = o.loss.call(t, preds[i]!, sampleWeight);
      o.tracker?.updateState(value, preds[i]!.shape[0] ?? 1);
      const weighted = o.weight === null ? value : mul(value, o.weight);
      total = total ? add(total, weighted) : weighted;
    });
    for (const penalty of this.model.losses) {
      total = total ? add(total, penalty) : penalty;
    }
    if (!total) {
      throw new ValueError(`${where}: expected a loss; pass one to compile()`);
    }
    return total;
  }

  /** Updates the compiled metrics and returns the current logs. */
  computeMetrics(
    _x: Structured,
    y: Structured | undefined,
    yPred: LayerOutput,
    sampleWeight?: Tensor,
  ): Logs {
    const where = this.#where("computeMetrics");
    const c = this.#requireCompiled(where);
    if (y !== undefined && c.pending.length > 0) {
      const preds = this.#outputsOf(yPred, where);
      const trues = this.#outputsOf(y, where);
      if (!c.resolved) {
        c.entries = this.#entries(trues, preds);
        c.resolved = true;
      }
      for (const e of c.entries) {
        const w = e.weighted ? sampleWeight : undefined;
        e.metric.updateState(trues[e.output]!, preds[e.output], w);
      }
    }
    return this.logs();
  }

  /** The metrics' current values, by log name. */
  logs(): Logs {
    const out: Logs = {};
    for (const [name, m] of this.#named()) {
      const r = m.result();
      out[name] = r.size === 1 ? r.item() : r.mean().item();
    }
    return out;
  }

  /**
   * The metrics' values when a step's logs have the same keys (the
   * default steps), else the step's own logs (a custom step), as Keras's
   * `_get_metrics_result_or_logs`.
   */
  metricsResultOrLogs(logs: Logs | null): Logs {
    const own = this.logs();
    if (logs === null) return own;
    const a = Object.keys(logs);
    const b = new Set(Object.keys(own));
    return a.length === b.size && a.every((k) => b.has(k)) ? own : logs;
  }

  resetMetrics(): void {
    const c = this.#compiled;
    if (!c) return;
    for (const m of this.metrics) m.resetState();
  }

  /** A structure of outputs as a list in output order. */
  #outputsOf(y: LayerOutput, where: string): Tensor[] {
    const names = this.#outputNames();
    let list: Tensor[];
    if (y instanceof Tensor) list = [y];
    else if (Array.isArray(y)) list = [...(y as Tensor[])];
    else {
      const rec = y as Record<string, Tensor>;
      list =
        names.length === 1 && !(names[0]! in rec)
          ? Object.values(rec)
          : names.map((n) => rec[n]!);
    }
    if (list.length > names.length) {
      throw new NotImplementedError(
        `${where}: expected ${names.length} output(s) ${show(names)}, got ` +
          `${list.length}; compile a subclassed model of several outputs is ` +
          "not supported, make it functional",
      );
    }
    return list;
  }

  /** Keras's default train step: forward, loss, gradients, update, metrics. */
  trainStep(batch: Batch): Logs {
    const c = this.#requireCompiled(this.#where("trainStep"));
    const model = this.model;
    const tape = new GradientTape();
    let yPred: LayerOutput;
    let loss: Tensor;
    try {
      yPred = model.apply(batch.x as LayerInput, { training: true });
      loss = this.computeLoss(batch.x, batch.y, yPred, batch.sampleWeight);
      const vars = model.trainableVariables;
      const grads = tape.gradient(loss, vars);
      c.optimizer.applyGradients(zip(grads, vars));
    } finally {
      tape.dispose();
    }
    return withoutRecording(() => {
      c.lossTracker.updateState(loss, samplesIn(batch.x));
      return this.computeMetrics(batch.x, batch.y, yPred, batch.sampleWeight);
    });
  }

  /** Keras's default test step: forward, loss, metrics. */
  testStep(batch: Batch): Logs {
    const c = this.#requireCompiled(this.#where("testStep"));
    return withoutRecording(() => {
      const yPred = this.model.apply(batch.x as LayerInput, {
        training: false,
      });
      const loss = this.computeLoss(
        batch.x,
        batch.y,
        yPred,
        batch.sampleWeight,
      );
      c.lossTracker.updateState(loss, samplesIn(batch.x));
      return this.computeMetrics(batch.x, batch.y, yPred, batch.sampleWeight);
    });
  }

  /** Keras's default predict step: the forward pass. */
  predictStep(batch: Batch): LayerOutput {
    return withoutRecording(() =>
      this.model.apply(batch.x as LayerInput, { training: false }),
    );
  }

  #source(
    x: unknown,
    y: unknown,
    sampleWeight: unknown,
    batchSize: number,
    shuffle: boolean,
    where: string,
    classWeight: ClassWeight | null = null,
  ): BatchSource {
    const spec = this.model._dataSpec();
    if (isDataset(x)) {
      for (const [name, v] of [
        ["y", y],
        ["sampleWeight", sampleWeight],
      ] as const) {
        if (v !== undefined && v !== null) {
          throw new ValueError(
            `${where}: expected no ${name} with a dataset (its elements ` +
              `hold it: [x, y, sampleWeight]), got ${name}=${show(v)}`,
          );
        }
      }
      return new DatasetData(x, spec, where, classWeight);
    }
    const data = arrayData(
      x,
      y,
      sampleWeight,
      spec,
      { batchSize, shuffle },
      where,
    );
    return classWeight ? data.withClassWeight(classWeight, where) : data;
  }

  fit(x: unknown, y?: unknown, args: FitArgs = {}): History | Promise<History> {
    const where = this.#where("fit");
    this.#requireCompiled(where);
    const epochs = checkPositiveInt(args.epochs ?? 1, "epochs", where);
    const batchSize = checkPositiveInt(
      args.batchSize ?? 32,
      "batchSize",
      where,
    );
    const verbose = verbosity(args.verbose, where);
    const split = args.validationSplit ?? 0;
    if (typeof split !== "number" || !(split >= 0 && split < 1)) {
      throw new ValueError(
        `${where}: expected validationSplit in [0, 1), got validationSplit=${show(split)}`,
      );
    }
    const initialEpoch = args.initialEpoch ?? 0;
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0) {
      throw new ValueError(
        `${where}: expected initialEpoch to be an integer >= 0, got initialEpoch=${show(initialEpoch)}`,
      );
    }
    const stepsPerEpoch = optionalPositiveInt(
      args.stepsPerEpoch,
      "stepsPerEpoch",
      where,
    );
    const validationSteps = optionalPositiveInt(
      args.validationSteps,
      "validationSteps",
      where,
    );
    const validationFreq = checkPositiveInt(
      args.validationFreq ?? 1,
      "validationFreq",
      where,
    );
    const valBatchSize = checkPositiveInt(
      args.validationBatchSize ?? batchSize,
      "validationBatchSize",
      where,
    );
    const shuffle = args.shuffle ?? true;
    if (typeof shuffle !== "boolean") {
      throw new ValueError(
        `${where}: expected shuffle to be a boolean, got shuffle=${show(shuffle)}`,
      );
    }
    const userCallbacks = checkCallbacks(args.callbacks, where);
    const classWeight =
      args.classWeight === undefined || args.classWeight === null
        ? null
        : checkClassWeight(args.classWeight, where);

    // The data: validationData overrides validationSplit, as in Keras.
    const hasValidationData =
      args.validationData !== undefined && args.validationData !== null;
    let train: BatchSource;
    let validation: BatchSource | null = null;
    if (split > 0 && !hasValidationData) {
      if (isDataset(x)) {
        throw new ValueError(
          `${where}: expected arrays or tensors with validationSplit, got a ` +
            "dataset; pass validationData instead",
        );
      }
      const all = this.#source(
        x,
        y,
        args.sampleWeight,
        batchSize,
        shuffle,
        where,
      ) as ArrayData;
      const [t, v] = all.split(split, where);
      train = classWeight ? t.withClassWeight(classWeight, where) : t;
      validation = v.withOptions({ shuffle: false, batchSize: valBatchSize });
    } else {
      train = this.#source(
        x,
        y,
        args.sampleWeight,
        batchSize,
        shuffle,
        where,
        classWeight,
      );
    }
    if (hasValidationData) {
      validation = this.#validationSource(
        args.validationData,
        valBatchSize,
        where,
      );
    }

    // Callbacks: the user's first, then History and the progress bar.
    const history =
      userCallbacks.find((cb): cb is History => cb instanceof History) ??
      new History();
    const callbacks = new CallbackList([
      ...userCallbacks,
      ...(userCallbacks.includes(history) ? [] : [history]),
      ...(verbose === 0 ||
      userCallbacks.some((cb) => cb instanceof ProgbarLogger)
        ? []
        : [new ProgbarLogger()]),
    ]);
    callbacks.configure(this.model, {
      epochs,
      steps: stepsPerEpoch ?? train.steps,
      verbose,
    });
    const loop = fitLoop(this, {
      train,
      validation,
      epochs,
      initialEpoch,
      stepsPerEpoch,
      validationSteps,
      validationFreq,
      callbacks,
      where,
    });
    const result = runLoop(
      loop,
      train.isAsync || (validation?.isAsync ?? false),
    );
    return result instanceof Promise ? result.then(() => history) : history;
  }

  #validationSource(
    data: unknown,
    batchSize: number,
    where: string,
  ): BatchSource {
    if (isDataset(data))
      return new DatasetData(data, this.model._dataSpec(), where);
    if (!Array.isArray(data) || data.length < 2 || data.length > 3) {
      throw new ValueError(
        `${where}: expected validationData as [x, y], [x, y, sampleWeight] ` +
          `or a dataset, got ${show(data)}`,
      );
    }
    const [vx, vy, vw] = data as unknown[];
    return this.#source(vx, vy, vw, batchSize, false, where);
  }

  evaluate(
    x: unknown,
    y?: unknown,
    args: EvaluateArgs = {},
  ): number | number[] | Logs | Promise<number | number[] | Logs> {
    const where = this.#where("evaluate");
    this.#requireCompiled(where);
    const batchSize = checkPositiveInt(
      args.batchSize ?? 32,
      "batchSize",
      where,
    );
    verbosity(args.verbose, where);
    const steps = optionalPositiveInt(args.steps, "steps", where);
    const callbacks = new CallbackList(checkCallbacks(args.callbacks, where));
    const source = this.#source(
      x,
      y,
      args.sampleWeight,
      batchSize,
      false,
      where,
    );
    callbacks.configure(this.model, {
      steps: steps ?? source.steps,
      verbose: 0,
    });
    const loop = evaluateLoop(this, source, steps, callbacks);
    const finish = (logs: Logs) =>
      this.#flatLogs(logs, args.returnDict === true);
    const result = runLoop(loop, source.isAsync);
    return result instanceof Promise ? result.then(finish) : finish(result);
  }

  predict(
    x: unknown,
    args: PredictArgs = {},
  ): LayerOutput | Promise<LayerOutput> {
    const where = this.#where("predict");
    const batchSize = checkPositiveInt(
      args.batchSize ?? 32,
      "batchSize",
      where,
    );
    verbosity(args.verbose, where);
    const steps = optionalPositiveInt(args.steps, "steps", where);
    const callbacks = new CallbackList(checkCallbacks(args.callbacks, where));
    const source = this.#source(
      x,
      undefined,
      undefined,
      batchSize,
      false,
      where,
    );
    callbacks.configure(this.model, {
      steps: steps ?? source.steps,
      verbose: 0,
    });
    return runLoop(
      predictLoop(this, source, steps, callbacks, where),
      source.isAsync,
    );
  }

  trainOnBatch(
    x: unknown,
    y?: unknown,
    args: TrainOnBatchArgs = {},
  ): number | number[] | Logs {
    const where = this.#where("trainOnBatch");
    this.#requireCompiled(where);
    const cw =
      args.classWeight === undefined || args.classWeight === null
        ? null
        : checkClassWeight(args.classWeight, where);
    const batch = this.#wholeBatch(x, y, args.sampleWeight, where, cw);
    return this.#flatLogs(
      this.model.trainStep(batch),
      args.returnDict === true,
    );
  }

  testOnBatch(
    x: unknown,
    y?: unknown,
    args: TestOnBatchArgs = {},
  ): number | number[] | Logs {
    const where = this.#where("testOnBatch");
    this.#requireCompiled(where);
    const batch = this.#wholeBatch(x, y, args.sampleWeight, where, null);
    return this.#flatLogs(this.model.testStep(batch), args.returnDict === true);
  }

  predictOnBatch(x: unknown): LayerOutput {
    const where = this.#where("predictOnBatch");
    return this.model.predictStep(
      this.#wholeBatch(x, undefined, undefined, where, null),
    );
  }

  #wholeBatch(
    x: unknown,
    y: unknown,
    sampleWeight: unknown,
    where: string,
    classWeight: ClassWeight | null,
  ): Batch {
    const spec = this.model._dataSpec();
    const opts = { batchSize: 1, shuffle: false };
    const data = arrayData(x, y, sampleWeight, spec, opts, where);
    return (
      classWeight ? data.withClassWeight(classWeight, where) : data
    ).whole();
  }

  /**
   * Logs as Keras's `_flatten_metrics_in_order`: the metrics' values in
   * `metricsNames` order, then other keys sorted; one value alone as a
   * number. With `asDict`, the logs themselves.
   */
  #flatLogs(logs: Logs, asDict: boolean): number | number[] | Logs {
    if (asDict) return logs;
    const names = this.metricsNames;
    const values = names.filter((n) => n in logs).map((n) => logs[n]!);
    for (const k of Object.keys(logs).sort()) {
      if (!names.includes(k)) values.push(logs[k]!);
    }
    return values.length === 1 ? values[0]! : values;
  }
}
