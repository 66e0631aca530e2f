// SPDX-License-Identifier: Apache-2.0
/** Sequential: a stack of layers, each feeding the next. */
import { ValueError, show } from "../../core/errors.js";
import { Tensor, type TensorLike } from "../../core/tensor.js";
import { withoutRecording } from "../../autodiff/tape.js";
import { sampleOf, toTensor } from "../../ops/convert.js";
import { concat, slice } from "../../ops/shape.js";
import type { Variable } from "../../variables.js";
import { Layer, type LayerArgs, type SymbolicShape } from "../layers/layer.js";
import { summaryTable } from "./summary.js";

/** Options of Sequential. */
export interface SequentialArgs extends Pick<LayerArgs, "name" | "trainable"> {
  layers?: readonly Layer[];
}

/**
 * A model that applies its layers in order.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * tg.setSeed(0);
 * const model = new tg.Sequential([
 *   tg.layers.dense({ units: 4, activation: "tanh" }),
 *   tg.layers.dense({ units: 1 }),
 * ]);
 * console.log(model.apply([[1, 2, 3]]).shape); // [ 1, 1 ]
 * console.log(model.trainableVariables.length); // 4
 * ```
 */
export class Sequential extends Layer {
  readonly #layers: Layer[] = [];

  constructor(layersOrArgs: readonly Layer[] | SequentialArgs = []) {
    const args: SequentialArgs = Array.isArray(layersOrArgs)
      ? { layers: layersOrArgs as readonly Layer[] }
      : (layersOrArgs as SequentialArgs);
    super({ name: args.name, trainable: args.trainable });
    for (const layer of args.layers ?? []) this.add(layer);
  }

  /** The layers, in order. */
  get layers(): Layer[] {
    return [...this.#layers];
  }

  /**
   * Appends a layer. When the first layer states an `inputShape`, the
   * model builds at once, as in TensorFlow.js.
   */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) {
      throw new ValueError(
        `Sequential "${this.name}".add: expected a Layer, got ${show(layer)}`,
      );
    }
    if (this.#layers.includes(layer)) {
      throw new ValueError(
        `Sequential "${this.name}".add: layer "${layer.name}" is already in the model`,
      );
    }
    this.#layers.push(layer);
    if (!this.trainable) layer.trainable = false;
    const first = this.#layers[0]!;
    if (first.inputShape) {
      this.built = false;
      this.build([null, ...first.inputShape]);
    }
  }

  /**
   * The model has no dtype of its own: numbers and arrays take the first
   * layer's, and tensors pass as they are, for each layer to cast. (The
   * base class would cast to float32 and round a float64 model's inputs.)
   */
  protected override convertInput(inputs: TensorLike): Tensor {
    const dtype = this.#layers[0]?.dtype ?? this.dtype;
    if (inputs instanceof Tensor) return inputs;
    if (typeof inputs === "number") {
      return sampleOf(inputs, dtype);
    }
    return toTensor(inputs, `Sequential "${this.name}"`, dtype);
  }

  protected override sublayers(): readonly Layer[] {
    return this.#layers;
  }

  override build(inputShape: SymbolicShape): void {
    // A rank-1 input is one sample, as Dense takes it: keep its features.
    let shape: SymbolicShape =
      inputShape.length > 1 ? [null, ...inputShape.slice(1)] : inputShape;
    for (const layer of this.#layers) {
      layer.build(shape);
      shape = layer.computeOutputShape(shape);
    }
  }

  override call(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.#layers) y = layer.apply(y);
    return y;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    let shape = inputShape;
    for (const layer of this.#layers) shape = layer.computeOutputShape(shape);
    return shape;
  }

  /**
   * The model's outputs for `x`, computed in batches of `batchSize`
   * (default 32) without recording on any tape.
   */
  predict(x: TensorLike, options: { batchSize?: number } = {}): Tensor {
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(
        `Sequential "${this.name}".predict: expected batchSize >= 1, got ${show(batchSize)}`,
      );
    }
    const t = this.convertInput(x);
    return withoutRecording(() => {
      const n = t.shape[0] ?? 1;
      if (t.rank === 0 || n <= batchSize) return this.apply(t);
      const parts: Tensor[] = [];
      for (let i = 0; i < n; i += batchSize) {
        parts.push(this.apply(slice(t, i, Math.min(batchSize, n - i))));
      }
      return concat(parts, 0);
    });
  }

  /**
   * Prints Keras's summary table: each layer with its output shape and
   * parameter count, then the totals.
   */
  summary(printFn: (line: string) => void = console.log): void {
    const rows = this.#layers.map((layer, i) => ({
      name: `${layer.name} (${layer.className})`,
      shape: this.built ? this.#outputShapeAt(i) : "?",
      params: layer.built ? layer.countParams() : 0,
    }));
    const tally = (vars: readonly Variable[]) => ({
      count: vars.reduce((n, v) => n + v.size, 0),
      bytes: vars.reduce(
        (n, v) =>
          n + v.size * (v.dtype === "float64" ? 8 : v.dtype === "bool" ? 1 : 4),
        0,
      ),
    });
    const trainable = tally(this.trainableWeights);
    const frozen = tally(this.nonTrainableWeights);
    for (const line of summaryTable(this.name, rows, trainable, frozen)) {
      printFn(line);
    }
  }

  #outputShapeAt(index: number): string {
    let shape: SymbolicShape = this._buildShape ?? [null];
    for (const layer of this.#layers.slice(0, index + 1)) {
      shape = layer.computeOutputShape(shape);
    }
    // Python's tuple syntax, as Keras prints it: (None, 8), (None,).
    const dims = shape.map((d) => (d === null ? "None" : String(d)));
    return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
  }

  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      trainable: this.trainable,
      layers: this.#layers.map((l) => ({
        className: l.className,
        config: l.getConfig(),
      })),
    };
  }
}
