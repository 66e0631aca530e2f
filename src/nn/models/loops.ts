// SPDX-License-Identifier: Apache-2.0
/**
 * The fit, evaluate and predict loops, each written once as a generator
 * that yields the iterator it wants the next batch from. `runLoop` drives
 * it: synchronously for in-memory data and synchronous datasets (so fit
 * returns a History, as in Keras), or with `await` for asynchronous
 * datasets (fit then returns a Promise, as in TensorFlow.js).
 *
 * The order of callback hooks is Keras 3's: onTrainBegin; per epoch
 * onEpochBegin, onTrainBatchBegin/End per batch, the validation's
 * onTestBegin, onTestBatchBegin/End, onTestEnd, then onEpochEnd; finally
 * onTrainEnd.
 */
import { ValueError } from "../../core/errors.js";
import { warn } from "../../core/log.js";
import { Tensor } from "../../core/tensor.js";
import { concat } from "../../ops/shape.js";
import type { CallbackList, Logs } from "../callbacks/callback.js";
import type { LayerOutput } from "../layers/layer.js";
import { closePass, type Batch, type BatchSource } from "./data-adapter.js";
import type { Trainer } from "./trainer.js";

type AnyIterator = Iterator<Batch> | AsyncIterator<Batch>;

/** A loop: yields iterators to pull from, receives their next result. */
export type Loop<T> = Generator<AnyIterator, T, IteratorResult<Batch>>;

/** Runs a loop synchronously, or returns a Promise when `async` is set. */
export function runLoop<T>(loop: Loop<T>, async: boolean): T | Promise<T> {
  return async ? runAsync(loop) : runSync(loop);
}

function runSync<T>(loop: Loop<T>): T {
  let step = loop.next();
  while (!step.done) {
    let pulled: IteratorResult<Batch>;
    try {
      pulled = (step.value as Iterator<Batch>).next();
    } catch (e) {
      step = loop.throw(e);
      continue;
    }
    step = loop.next(pulled);
  }
  return step.value;
}

async function runAsync<T>(loop: Loop<T>): Promise<T> {
  let step = loop.next();
  while (!step.done) {
    let pulled: IteratorResult<Batch>;
    try {
      pulled = await step.value.next();
    } catch (e) {
      step = loop.throw(e);
      continue;
    }
    step = loop.next(pulled);
  }
  return step.value;
}

/** What the fit loop needs. */
export interface FitPlan {
  train: BatchSource;
  validation: BatchSource | null;
  epochs: number;
  initialEpoch: number;
  stepsPerEpoch: number | null;
  validationSteps: number | null;
  validationFreq: number;
  callbacks: CallbackList;
  where: string;
}

const RAN_OUT =
  "Your input ran out of data; interrupting training. Make sure that " +
  "your dataset or generator can generate at least stepsPerEpoch * " +
  "epochs batches. You may need to use the repeat() function when " +
  "building your dataset.";

/**
 * Where an epoch's batches come from. Without `stepsPerEpoch`, each epoch
 * is one pass. With it, as Keras's EpochIterator, one pass continues
 * across epochs; an epoch that runs out of data ends early (with Keras's
 * warning) and the next starts a new pass.
 */
class EpochBatches {
  #iterator: AnyIterator | null = null;
  #seen = 0;

  constructor(
    readonly source: BatchSource,
    readonly steps: number | null,
  ) {}

  /** The iterator for the next epoch. */
  begin(): AnyIterator {
    if (this.steps === null || this.#iterator === null) {
      this.#iterator = this.source.pass();
      this.#seen = 0;
    }
    return this.#iterator;
  }

  /** Whether the pass is known to be over before pulling again. */
  exhausted(): boolean {
    const known = this.source.steps;
    return this.steps !== null && known !== null && this.#seen >= known;
  }

  /** Records a batch pulled (or the end of the pass). */
  pulled(done: boolean): void {
    if (done) this.#iterator = null;
    else this.#seen++;
  }

  /** Ends an epoch: a pass known to be over restarts next time. */
  end(): void {
    if (this.exhausted()) this.close();
  }

  /** Closes the pass in progress, if any. */
  close(): void {
    if (this.#iterator) closePass(this.#iterator);
    this.#iterator = null;
  }
}

/**
 * fit: for each epoch, reset metrics, train on each batch, then evaluate
 * on the validation data and report.
 */
export function* fitLoop(trainer: Trainer, plan: FitPlan): Loop<void> {
  const model = trainer.model;
  const { callbacks } = plan;
  const batches = new EpochBatches(plan.train, plan.stepsPerEpoch);
  model.stopTraining = false;
  callbacks.call("onTrainBegin", {});
  let trainingLogs: Logs = {};
  for (let epoch = plan.initialEpoch; epoch < plan.epochs; epoch++) {
    trainer.resetMetrics();
    callbacks.call("onEpochBegin", epoch, {});
    const logs = yield* trainEpoch(trainer, plan, batches);
    if (logs === null) {
      throw new ValueError(
        `${plan.where}: expected at least one batch of training data in ` +
          `epoch ${epoch + 1}, got none (is the data empty?)`,
      );
    }
    const epochLogs = { ...trainer.metricsResultOrLogs(logs) };
    if (plan.validation && (epoch + 1) % plan.validationFreq === 0) {
      const val = yield* evaluateLoop(
        trainer,
        plan.validation,
        plan.validationSteps,
        callbacks,
      );
      for (const [k, v] of Object.entries(val)) epochLogs[`val_${k}`] = v;
    }
    callbacks.call("onEpochEnd", epoch, epochLogs);
    trainingLogs = epochLogs;
    if (model.stopTraining) break;
  }
  batches.close();
  // As Keras's fit: with useEma, the weights become their moving averages.
  trainer.optimizer?.finalizeVariableValues(model.trainableVariables);
  callbacks.call("onTrainEnd", trainingLogs);
}

/** One epoch of training steps; the last step's logs, or null if none. */
function* trainEpoch(
  trainer: Trainer,
  plan: FitPlan,
  batches: EpochBatches,
): Generator<AnyIterator, Logs | null, IteratorResult<Batch>> {
  const model = trainer.model;
  const { callbacks } = plan;
  let iterator = batches.begin();
  let logs: Logs | null = null;
  for (
    let step = 0;
    plan.stepsPerEpoch === null || step < plan.stepsPerEpoch;
    step++
  ) {
    if (batches.exhausted()) {
      warn(RAN_OUT);
      break;
    }
    let next = yield iterator;
    batches.pulled(next.done === true);
    if (next.done && plan.stepsPerEpoch !== null && step === 0) {
      // A pass of unknown length ended exactly at the epoch's start.
      iterator = batches.begin();
      next = yield iterator;
      batches.pulled(next.done === true);
    }
    if (next.done) {
      if (plan.stepsPerEpoch !== null) warn(RAN_OUT);
      break;
    }
    callbacks.call("onTrainBatchBegin", step, {});
    logs = model.trainStep(next.value);
    callbacks.call("onTrainBatchEnd", step, logs);
    if (model.stopTraining) break;
  }
  if (plan.stepsPerEpoch === null) batches.close();
  else batches.end();
  return logs;
}

/** evaluate: reset metrics, test on each batch, return the final logs. */
export function* evaluateLoop(
  trainer: Trainer,
  source: BatchSource,
  steps: number | null,
  callbacks: CallbackList,
): Loop<Logs> {
  callbacks.call("onTestBegin", {});
  trainer.resetMetrics();
  const iterator = source.pass();
  let logs: Logs | null = null;
  for (let step = 0; steps === null || step < steps; step++) {
    const next = yield iterator;
    if (next.done) break;
    callbacks.call("onTestBatchBegin", step, {});
    logs = trainer.model.testStep(next.value);
    callbacks.call("onTestBatchEnd", step, logs);
  }
  closePass(iterator);
  const result = trainer.metricsResultOrLogs(logs);
  callbacks.call("onTestEnd", result);
  return result;
}

/** predict: run the predict step on each batch and join the outputs. */
export function* predictLoop(
  trainer: Trainer,
  source: BatchSource,
  steps: number | null,
  callbacks: CallbackList,
  where: string,
): Loop<LayerOutput> {
  callbacks.call("onPredictBegin", {});
  const iterator = source.pass();
  const parts: LayerOutput[] = [];
  for (let step = 0; steps === null || step < steps; step++) {
    const next = yield iterator;
    if (next.done) break;
    callbacks.call("onPredictBatchBegin", step, {});
    parts.push(trainer.model.predictStep(next.value));
    callbacks.call("onPredictBatchEnd", step, {});
  }
  closePass(iterator);
  callbacks.call("onPredictEnd", {});
  if (parts.length === 0) {
    throw new ValueError(
      `${where}: expected at least one batch of data, got none`,
    );
  }
  return joinOutputs(parts);
}

/** Concatenates per-batch outputs along the batch axis, per output. */
function joinOutputs(parts: LayerOutput[]): LayerOutput {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  if (first instanceof Tensor) return concat(parts as Tensor[], 0);
  if (Array.isArray(first)) {
    return first.map((_, i) =>
      concat(
        parts.map((p) => (p as Tensor[])[i]!),
        0,
      ),
    );
  }
  const keys = Object.keys(first);
  return Object.fromEntries(
    keys.map((k) => [
      k,
      concat(
        parts.map((p) => (p as Record<string, Tensor>)[k]!),
        0,
      ),
    ]),
  );
}
