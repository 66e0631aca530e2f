// SPDX-License-Identifier: Apache-2.0
/**
 * Model: a layer with a training API. Three ways to make one, as in Keras:
 *
 * - functional: `new tg.Model({ inputs, outputs })` from symbolic tensors
 *   (`tg.input`), with several inputs and outputs and shared layers;
 * - subclassed: `class M extends tg.Model { call(x) {...} }`, its layers
 *   held in public fields (also in arrays or records), found without any
 *   registration; it builds by its first call;
 * - Sequential (sequential.ts), a Model that applies layers in order.
 *
 * The training API (compile, fit, evaluate, predict, trainOnBatch, ...)
 * lives in trainer.ts; the graph in graph.ts; this file holds the class.
 */
import type { DType } from "../../core/dtype.js";
import {
  NotImplementedError,
  ShapeError,
  ValueError,
  show,
} from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { withoutRecording } from "../../autodiff/tape.js";
import { zeros } from "../../ops/creation.js";
import { toTensor } from "../../ops/convert.js";
import { InputLayer } from "../layers/input.js";
import {
  Layer,
  type CallOptions,
  type LayerArgs,
  type LayerInput,
  type LayerOutput,
  type LayerWeight,
  type SymbolicOf,
  type SymbolicShape,
} from "../layers/layer.js";
import type { Logs } from "../callbacks/callback.js";
import type { History } from "../callbacks/history.js";
import type { Dataset } from "../data/dataset.js";
import type { Metric } from "../metrics/index.js";
import type { Optimizer } from "../optimizers/index.js";
import type { Batch, DataSpec, Structured } from "./data-adapter.js";
import {
  buildGraph,
  graphOutputSpecs,
  graphRows,
  type Graph,
} from "./graph.js";
import { formatShape, modelSummary } from "./summary.js";
import {
  SymbolicTensor,
  isShapeList,
  isSymbolicInput,
  probeOutputs,
  type Specs,
} from "./symbolic.js";
import {
  Trainer,
  type CompileArgs,
  type EvaluateArgs,
  type FitArgs,
  type PredictArgs,
  type TestOnBatchArgs,
  type TrainOnBatchArgs,
} from "./trainer.js";

/** A structure of symbolic tensors: one, a list, or a record. */
export type SymbolicStructure =
  | SymbolicTensor
  | readonly SymbolicTensor[]
  | { readonly [name: string]: SymbolicTensor };

/** The tensors a model returns for outputs of structure `S`. */
export type TensorsOf<S> = S extends SymbolicTensor
  ? Tensor
  : S extends readonly SymbolicTensor[]
    ? Tensor[]
    : { [K in keyof S]: Tensor };

/** Options of a functional Model. */
export interface ModelArgs<S extends SymbolicStructure> extends Pick<
  LayerArgs,
  "name" | "trainable"
> {
  /** The symbolic inputs (from `tg.input`): one, a list or a record. */
  inputs?: SymbolicStructure;
  /** The symbolic outputs, computed from the inputs by layers. */
  outputs?: S;
}

/** What evaluate returns: a number, a list, or a record with returnDict. */
export type EvaluateResult = number | number[] | Logs;

/** An asynchronous dataset, for which the training API returns Promises. */
type AsyncData = Dataset<unknown, true>;

/**
 * A trainable model. Build it functionally from `tg.input`, subclass it, or
 * use {@link Sequential}; then `compile` and `fit` it as in Keras.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * tg.setSeed(1);
 * const a = tg.input({ shape: [3], name: "a" });
 * const b = tg.input({ shape: [3], name: "b" });
 * const shared = tg.layers.dense({ units: 2, name: "shared" });
 * const out = tg.layers.dense({ units: 1 }).apply(shared.apply(a));
 * const model = new tg.Model({ inputs: [a, b], outputs: [out, shared.apply(b)] });
 * const [y1, y2] = model.apply([tg.ones([4, 3]), tg.ones([4, 3])]);
 * console.log(y1!.shape, y2!.shape); // [ 4, 1 ] [ 4, 2 ]
 * console.log(model.countParams()); // 11
 * ```
 */
export class Model<S extends SymbolicStructure = SymbolicTensor> extends Layer<
  TensorsOf<S>
> {
  readonly #graph: Graph | null;
  /** @internal The compiled training state (see trainer.ts). */
  readonly _trainer: Trainer;
  /** Set to true (by a callback) to stop `fit` after the current batch. */
  stopTraining = false;

  constructor(args: ModelArgs<S> = {}) {
    super({ name: args?.name, trainable: args?.trainable });
    this._trainer = new Trainer(this);
    if (args?.inputs === undefined && args?.outputs === undefined) {
      this.#graph = null;
      return;
    }
    this.#graph = buildGraph(this.name, args.inputs, args.outputs);
    this.built = true;
    this._buildShape = this.#graph.inputs[0]?.shape ?? null;
  }

  /** Whether this is a functional model (made from inputs and outputs). */
  get isFunctional(): boolean {
    return this.#graph !== null;
  }

  /** The symbolic inputs of a functional model. */
  get inputs(): SymbolicTensor[] {
    return [...(this.#graph?.inputs ?? [])];
  }

  /** The symbolic outputs of a functional model. */
  get outputs(): SymbolicTensor[] {
    return [...(this.#graph?.outputs ?? [])];
  }

  /** The names of the inputs: record keys, else their layers' names. */
  get inputNames(): string[] {
    const g = this.#graph;
    return g ? [...g.inputNames] : [];
  }

  /**
   * The names of the outputs: the record keys when outputs were given as a
   * record, else the names of the layers that make them.
   */
  get outputNames(): string[] {
    const g = this.#graph;
    return g ? [...g.outputNames] : [];
  }

  /**
   * The model's layers: a functional model's in Keras's order (by depth
   * from the inputs, inputs included), else those its fields hold.
   */
  get layers(): Layer<LayerOutput>[] {
    return this.#graph ? [...this.#graph.layers] : [...this.sublayers()];
  }

  /** The layer called `name`, or at position `index` in `layers`. */
  getLayer(nameOrIndex: string | number): Layer<LayerOutput> {
    const layers = this.layers;
    const layer =
      typeof nameOrIndex === "number"
        ? layers[nameOrIndex]
        : layers.find((l) => l.name === nameOrIndex);
    if (!layer) {
      throw new ValueError(
        `${this.className} "${this.name}".getLayer: expected a layer name ` +
          `among ${show(layers.map((l) => l.name))} or an index below ` +
          `${layers.length}, got ${show(nameOrIndex)}`,
      );
    }
    return layer;
  }

  /**
   * Sublayers: a functional model's graph layers, or the layers a subclass
   * holds in its public fields (directly, or in arrays and plain records,
   * at any depth).
   */
  protected override sublayers(): readonly Layer<LayerOutput>[] {
    if (this.#graph) {
      return this.#graph.layers.filter((l) => !(l instanceof InputLayer));
    }
    return discoverLayers(this);
  }

  /** Every weight once, even when layers are shared or nested twice. */
  override allWeights(): LayerWeight[] {
    const seen = new Set<unknown>();
    return super.allWeights().filter((w) => {
      if (seen.has(w.variable)) return false;
      seen.add(w.variable);
      return true;
    });
  }

  /**
   * The regularization and activity losses of every layer, each layer
   * once even when it is reached twice (shared through nested models).
   */
  override get losses(): Tensor[] {
    const seen = new Set<Layer<LayerOutput>>();
    const out: Tensor[] = [];
    const visit = (layer: Layer<LayerOutput>) => {
      if (seen.has(layer)) return;
      seen.add(layer);
      if (!(layer instanceof Model)) {
        out.push(...layer.losses);
        return;
      }
      const model = layer as this;
      for (const w of model.ownWeights()) {
        if (w.regularizer) out.push(w.regularizer(w.variable));
      }
      model.sublayers().forEach(visit);
    };
    visit(this);
    return out;
  }

  /**
   * Runs the model. A subclass that does not override `build` is built by
   * its first call, as in Keras: its layers build as `call` reaches them.
   */
  override apply(
    inputs:
      | SymbolicTensor
      | readonly SymbolicTensor[]
      | { readonly [name: string]: SymbolicTensor },
    options?: CallOptions,
  ): SymbolicOf<TensorsOf<S>>;
  override apply(inputs: LayerInput, options?: CallOptions): TensorsOf<S>;
  override apply(
    inputs: unknown,
    options: CallOptions = {},
  ): TensorsOf<S> | SymbolicOf<TensorsOf<S>> {
    const byCall =
      !this.built &&
      this.#graph === null &&
      (Object.getPrototypeOf(this) as { build?: unknown }).build ===
        Model.prototype.build &&
      !isSymbolicInput(inputs);
    if (!byCall) return super.apply(inputs as LayerInput, options);
    this.built = true;
    try {
      return super.apply(inputs as LayerInput, options);
    } catch (e) {
      this.built = false;
      throw e;
    }
  }

  /**
   * Builds a subclassed model by running `call` once on zeros of
   * `inputShape` (unknown dimensions as 1), which builds its layers.
   */
  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    if (this.#graph) return;
    const several = isShapeList(inputShape);
    const shapes = several ? inputShape : [inputShape];
    withoutRecording(() => {
      const xs = shapes.map((s) =>
        zeros(
          s.map((d) => d ?? 1),
          this.dtype,
        ),
      );
      this.call(several ? xs : xs[0]!, { training: false });
    });
  }

  /**
   * A functional model replays its graph; a subclass overrides this with
   * its own computation.
   */
  override call(inputs: unknown, options: CallOptions = {}): TensorsOf<S> {
    const g = this.#graph;
    if (!g) {
      throw new NotImplementedError(
        `${this.className} "${this.name}": a subclassed Model must override ` +
          "call(inputs)",
      );
    }
    const given = isTensors(inputs, g.inputs.length)
      ? inputs
      : structureToInputs(this, g, inputs);
    const xs = given instanceof Tensor ? [given] : given;
    const values = new Map<SymbolicTensor, Tensor>();
    g.inputs.forEach((s, i) => values.set(s, checkInput(this, s, xs[i]!)));
    // Each layer gets the masks its inputs carry, not the model's.
    const { mask, ...rest } = options;
    void mask;
    for (const node of g.nodes) {
      if (node.layer instanceof InputLayer) continue;
      const args = node.inputs.map((s) => values.get(s)!);
      const out = node.layer.apply(node.single ? args[0]! : args, rest);
      const outs =
        node.outputKeys === "single"
          ? [out as Tensor]
          : node.outputKeys === "list"
            ? (out as Tensor[])
            : node.outputKeys.map((k) => (out as Record<string, Tensor>)[k]!);
      node.outputs.forEach((s, i) => values.set(s, outs[i]!));
    }
    const ys = g.outputs.map((s) => values.get(s)!);
    if (g.outputKeys === "single") return ys[0]! as TensorsOf<S>;
    if (g.outputKeys === "list") return ys as TensorsOf<S>;
    const keys = g.outputKeys;
    return Object.fromEntries(keys.map((k, i) => [k, ys[i]!])) as TensorsOf<S>;
  }

  /**
   * Converts inputs. A functional model takes one tensor per input, as a
   * list in input order or a record keyed by input name (one input may be
   * given alone). A subclass receives lists and records as given, their
   * values converted to tensors.
   * @internal
   */
  protected override convertInput(inputs: LayerInput): Tensor | Tensor[] {
    const g = this.#graph;
    if (g) return structureToInputs(this, g, inputs);
    if (isPlainRecord(inputs)) {
      const where = `${this.className} "${this.name}"`;
      const rec = inputs as Record<string, unknown>;
      const out = Object.fromEntries(
        Object.keys(rec).map((k) => [k, asTensor(rec[k], where, this.dtype)]),
      );
      // A record passes through apply as it is: call receives it.
      return out as unknown as Tensor;
    }
    return super.convertInput(inputs);
  }

  /** The output shapes for `inputShape`: the graph's, or by running call. */
  override computeOutputShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    const several = isShapeList(inputShape);
    const specs = this._symbolicOutputs(
      several ? inputShape : [inputShape],
      !several,
    );
    if ("shape" in specs && Array.isArray(specs.shape)) {
      return specs.shape as SymbolicShape;
    }
    return Object.values(specs as Record<string, { shape: SymbolicShape }>).map(
      (s) => s.shape,
    );
  }

  /** Output specs of a symbolic call, in the output structure. @internal */
  _symbolicOutputs(shapes: readonly SymbolicShape[], single: boolean): Specs {
    const g = this.#graph;
    if (g) return graphOutputSpecs(this.name, g, shapes);
    if (this.computeOutputShape !== Model.prototype.computeOutputShape) {
      const rule = this.computeOutputShape(single ? shapes[0]! : shapes);
      const dtype = this._dataSpec().outputDTypes[0] ?? this.dtype;
      return isShapeList(rule)
        ? rule.map((shape) => ({ shape, dtype }))
        : { shape: rule, dtype };
    }
    return probeOutputs(this, shapes, single);
  }

  /** The structure and dtypes of the data this model takes. @internal */
  _dataSpec(): DataSpec {
    const g = this.#graph;
    if (g) {
      return {
        inputNames: g.inputNames,
        inputDTypes: g.inputs.map((s) => s.dtype),
        outputNames: g.outputNames,
        outputDTypes: g.outputs.map((s) => s.dtype),
      };
    }
    const dtype: DType = this.dtype;
    return {
      inputNames: null,
      inputDTypes: [dtype],
      outputNames: null,
      outputDTypes: [dtype],
    };
  }

  /**
   * Prints Keras's summary table: each layer with its output shape and
   * parameter count; a branching functional model adds a "Connected to"
   * column (`layer[node][tensor]`), as Keras.
   */
  summary(printFn: (line: string) => void = console.log): void {
    const g = this.#graph;
    const rows = g ? graphRows(g) : this.sublayers().map((l) => layerRow(l));
    const connected = g !== null && g.branched;
    for (const line of modelSummary(this, rows, connected)) printFn(line);
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable };
  }

  // The training API: trainer.ts does the work.

  /**
   * Configures training: the optimizer, the loss (per output, or one for
   * all), the metrics and each output's loss weight. By name, as Keras
   * takes them, or by instance.
   */
  compile(args: CompileArgs = {}): void {
    this._trainer.compile(args);
  }

  /** The optimizer set by compile, or null before compile. */
  get optimizer(): Optimizer | null {
    return this._trainer.optimizer;
  }

  /**
   * The metrics fit reports, in log order: the loss tracker, the compiled
   * metrics (once the first batch has built them), each output's loss.
   */
  get metrics(): Metric[] {
    return this._trainer.metrics;
  }

  /** The names fit logs the metrics under, in `metrics` order. */
  get metricsNames(): string[] {
    return this._trainer.metricsNames;
  }

  /** Resets every metric's state. */
  resetMetrics(): void {
    this._trainer.resetMetrics();
  }

  /**
   * Trains for `epochs` on x and y (tensors, nested arrays, lists or
   * records keyed by input and output names) or on a dataset of
   * `[x, y]` batches. Returns the History; with an asynchronous dataset, a
   * Promise of it.
   */
  fit(x: AsyncData, y?: null, args?: FitArgs): Promise<History>;
  fit(x: unknown, y?: unknown, args?: FitArgs): History;
  fit(x: unknown, y?: unknown, args: FitArgs = {}): History | Promise<History> {
    return this._trainer.fit(x, y, args);
  }

  /**
   * The loss and metrics on x and y: a number when there is only the loss,
   * else a list in `metricsNames` order, or a record with `returnDict`.
   */
  evaluate(
    x: AsyncData,
    y?: null,
    args?: EvaluateArgs,
  ): Promise<EvaluateResult>;
  evaluate(
    x: unknown,
    y: unknown,
    args: EvaluateArgs & { returnDict: true },
  ): Logs;
  evaluate(x: unknown, y?: unknown, args?: EvaluateArgs): number | number[];
  evaluate(
    x: unknown,
    y?: unknown,
    args?: EvaluateArgs,
  ): EvaluateResult | Promise<EvaluateResult> {
    return this._trainer.evaluate(x, y, args);
  }

  /** The outputs for x, computed in batches (default 32) on no tape. */
  predict(x: AsyncData, args?: PredictArgs): Promise<TensorsOf<S>>;
  predict(x: unknown, args?: PredictArgs): TensorsOf<S>;
  predict(
    x: unknown,
    args?: PredictArgs,
  ): TensorsOf<S> | Promise<TensorsOf<S>> {
    return this._trainer.predict(x, args) as TensorsOf<S>;
  }

  /**
   * One training step on one batch. Returns the logs as evaluate does;
   * metrics accumulate across calls until `resetMetrics`, as in Keras 3.
   */
  trainOnBatch(
    x: unknown,
    y?: unknown,
    args?: TrainOnBatchArgs,
  ): EvaluateResult {
    return this._trainer.trainOnBatch(x, y, args);
  }

  /** The loss and metrics of one batch (metrics accumulate, as Keras 3). */
  testOnBatch(x: unknown, y?: unknown, args?: TestOnBatchArgs): EvaluateResult {
    return this._trainer.testOnBatch(x, y, args);
  }

  /** The outputs for one batch. */
  predictOnBatch(x: unknown): TensorsOf<S> {
    return this._trainer.predictOnBatch(x) as TensorsOf<S>;
  }

  /**
   * One training step, as fit runs it: override it for custom training
   * (Keras 3's `train_step`), using `computeLoss`, `optimizer` and
   * `computeMetrics`. Returns the logs.
   */
  trainStep(batch: Batch): Logs {
    return this._trainer.trainStep(batch);
  }

  /** One evaluation step: forward, loss, metrics. */
  testStep(batch: Batch): Logs {
    return this._trainer.testStep(batch);
  }

  /** One prediction step: the forward pass with training false. */
  predictStep(batch: Batch): LayerOutput {
    return this._trainer.predictStep(batch);
  }

  /**
   * The total loss: each output's loss (times its loss weight) plus
   * `this.losses`. Updates the per-output loss logs, not "loss".
   */
  computeLoss(
    x: Structured,
    y: Structured | undefined,
    yPred: LayerOutput,
    sampleWeight?: Tensor,
  ): Tensor {
    return this._trainer.computeLoss(x, y, yPred, sampleWeight);
  }

  /** Updates the compiled metrics; returns every metric's value. */
  computeMetrics(
    x: Structured,
    y: Structured | undefined,
    yPred: LayerOutput,
    sampleWeight?: Tensor,
  ): Logs {
    return this._trainer.computeMetrics(x, y, yPred, sampleWeight);
  }
}

function isPlainRecord(x: unknown): x is Record<string, unknown> {
  return (
    x !== null &&
    typeof x === "object" &&
    Object.getPrototypeOf(x) === Object.prototype
  );
}

function asTensor(x: unknown, where: string, dtype: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") return toTensor([[x]], where, dtype);
  return toTensor(x, where, dtype);
}

/** True when `x` is already one tensor per input. */
function isTensors(x: unknown, n: number): x is Tensor | Tensor[] {
  if (n === 1) return x instanceof Tensor;
  return (
    Array.isArray(x) && x.length === n && x.every((t) => t instanceof Tensor)
  );
}

/** Maps a user's model inputs to one tensor per graph input. */
function structureToInputs(
  model: Layer<LayerOutput>,
  g: Graph,
  inputs: unknown,
): Tensor | Tensor[] {
  const where = `${model.className} "${model.name}"`;
  const names = g.inputNames;
  const n = names.length;
  let list: unknown[];
  if (isPlainRecord(inputs) && names.every((k) => k in inputs)) {
    list = names.map((k) => inputs[k]);
  } else if (n === 1) {
    const one =
      Array.isArray(inputs) &&
      inputs.length === 1 &&
      inputs[0] instanceof Tensor;
    list = [one ? (inputs as unknown[])[0] : inputs];
  } else if (Array.isArray(inputs) && inputs.length === n) {
    list = [...(inputs as unknown[])];
  } else {
    const got = isPlainRecord(inputs)
      ? `a record with keys ${show(Object.keys(inputs))}`
      : Array.isArray(inputs)
        ? `a list of ${inputs.length}`
        : show(inputs);
    throw new ValueError(
      `${where}: expected ${n} inputs ${show(names)} as a list in that ` +
        `order or a record keyed by name, got ${got}`,
    );
  }
  const xs = list.map((x, i) => asTensor(x, where, g.inputs[i]!.dtype));
  return n === 1 ? xs[0]! : xs;
}

/** Checks a value fed to a symbolic input against its shape. */
function checkInput(
  model: Layer<LayerOutput>,
  s: SymbolicTensor,
  x: Tensor,
): Tensor {
  const ok =
    x.rank === s.rank &&
    s.shape.every((d, i) => d === null || d === x.shape[i]);
  if (!ok) {
    throw new ShapeError(
      `${model.className} "${model.name}": expected input ` +
        `"${s.node.layer.name}" of shape ${formatShape(s.shape)}, got ` +
        `shape ${formatShape(x.shape)}`,
    );
  }
  return x;
}

/**
 * Layers held in an object's own fields, in arrays and in plain records,
 * at any depth, in the order of the fields (Keras's attribute tracking).
 */
function discoverLayers(owner: object): Layer<LayerOutput>[] {
  const found: Layer<LayerOutput>[] = [];
  const seen = new Set<unknown>([owner]);
  const visit = (v: unknown) => {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Layer) found.push(v as Layer<LayerOutput>);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (Object.getPrototypeOf(v) === Object.prototype) {
      Object.values(v).forEach(visit);
    }
  };
  Object.values(owner).forEach(visit);
  return found;
}

/** A subclass's summary row: from the layer's last output. */
function layerRow(layer: Layer<LayerOutput>) {
  const last = layer.lastOutputShape;
  return {
    name: `${layer.name} (${layer.className})`,
    shape: last ? formatShape([null, ...last.slice(1)]) : "?",
    params: layer.built ? layer.countParams() : 0,
  };
}
