// SPDX-License-Identifier: Apache-2.0
/** Sequential: a Model that applies its layers in order. */
import { ValueError, show } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { sampleOf, toTensor } from "../../ops/convert.js";
import { InputLayer } from "../layers/input.js";
import {
  Layer,
  type CallOptions,
  type LayerArgs,
  type LayerInput,
  type LayerOutput,
  type SymbolicShape,
} from "../layers/layer.js";
import type { DataSpec } from "./data-adapter.js";
import { Model } from "./model.js";
import { formatShape, modelSummary } from "./summary.js";
import { SymbolicTensor, isShapeList } from "./symbolic.js";

/** What Sequential takes in its list: layers, or a `tg.input` first. */
export type SequentialItem = Layer<LayerOutput> | SymbolicTensor;

/** Options of Sequential. */
export interface SequentialArgs extends Pick<LayerArgs, "name" | "trainable"> {
  layers?: readonly SequentialItem[];
}

/**
 * A model that applies its layers in order. The input shape comes from the
 * first call, from `build`, from an `inputShape` on the first layer
 * (TensorFlow.js style) or from a `tg.input` at the head of the list
 * (Keras style).
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
export class Sequential extends Model {
  readonly #layers: Layer<LayerOutput>[] = [];
  #inputShape: SymbolicShape | null = null;

  constructor(layersOrArgs: readonly SequentialItem[] | SequentialArgs = []) {
    const args: SequentialArgs = Array.isArray(layersOrArgs)
      ? { layers: layersOrArgs as readonly SequentialItem[] }
      : (layersOrArgs as SequentialArgs);
    super({ name: args.name, trainable: args.trainable });
    for (const item of args.layers ?? []) this.add(item);
  }

  /** The layers, in order. */
  override get layers(): Layer<LayerOutput>[] {
    return [...this.#layers];
  }

  /**
   * Appends a layer. When the model's input shape is known (a `tg.input`
   * first, or an `inputShape` on the first layer), it builds at once.
   */
  add(item: SequentialItem): void {
    const where = `Sequential "${this.name}".add`;
    if (item instanceof SymbolicTensor) {
      if (this.#layers.length > 0 || !(item.node.layer instanceof InputLayer)) {
        throw new ValueError(
          `${where}: expected a tg.input only at the head of the model, got ${show(item)}`,
        );
      }
      this.#inputShape = item.shape;
      return;
    }
    if (!(item instanceof Layer)) {
      throw new ValueError(`${where}: expected a Layer, got ${show(item)}`);
    }
    if (this.#layers.includes(item)) {
      throw new ValueError(
        `${where}: layer "${item.name}" is already in the model`,
      );
    }
    this.#layers.push(item);
    if (!this.trainable) item.trainable = false;
    const first = this.#layers[0]!;
    if (first.inputShape) this.#inputShape ??= [null, ...first.inputShape];
    if (this.#inputShape) {
      this.built = false;
      this.build(this.#inputShape);
    }
  }

  /**
   * The model has no dtype of its own: numbers and arrays take the first
   * layer's, and tensors pass as they are, for each layer to cast. (The
   * base class would cast to float32 and round a float64 model's inputs.)
   */
  protected override convertInput(inputs: LayerInput): Tensor | Tensor[] {
    const dtype = this.#layers[0]?.dtype ?? this.dtype;
    if (inputs instanceof Tensor) return inputs;
    if (typeof inputs === "number") return sampleOf(inputs, dtype);
    return toTensor(inputs, `Sequential "${this.name}"`, dtype);
  }

  protected override sublayers(): readonly Layer<LayerOutput>[] {
    return this.#layers;
  }

  /** One input in the first layer's dtype, one output in the last's. */
  override _dataSpec(): DataSpec {
    const first = this.#layers[0]?.dtype ?? this.dtype;
    const last = this.#layers[this.#layers.length - 1]?.dtype ?? first;
    return {
      inputNames: ["input"],
      inputDTypes: [first],
      outputNames: ["output"],
      outputDTypes: [last],
    };
  }

  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    if (isShapeList(inputShape)) {
      throw new ValueError(
        `Sequential "${this.name}": expected one input, got ${inputShape.length}`,
      );
    }
    // A rank-1 input is one sample, as Dense takes it: keep its features.
    let shape: SymbolicShape =
      inputShape.length > 1 ? [null, ...inputShape.slice(1)] : inputShape;
    for (const layer of this.#layers) {
      layer.build(shape);
      shape = single(layer.computeOutputShape(shape), layer);
    }
  }

  override call(x: unknown, options: CallOptions = {}): Tensor {
    let y = x as Tensor;
    // A mask given to the model goes to its first layer; the others get
    // the masks their predecessors attach.
    const { mask, ...rest } = options;
    this.#layers.forEach((layer, i) => {
      y = layer.apply(
        y,
        i === 0 && mask !== undefined ? options : rest,
      ) as Tensor;
    });
    return y;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    let shape = inputShape;
    for (const layer of this.#layers) {
      shape = single(layer.computeOutputShape(shape), layer);
    }
    return shape;
  }

  /**
   * Prints Keras's summary table: each layer with its output shape and
   * parameter count, then the totals.
   */
  override summary(printFn: (line: string) => void = console.log): void {
    const rows = this.#layers.map((layer, i) => ({
      name: `${layer.name} (${layer.className})`,
      shape: this.built ? formatShape(this.#outputShapeAt(i)) : "?",
      params: layer.built ? layer.countParams() : 0,
    }));
    for (const line of modelSummary(this, rows, false)) printFn(line);
  }

  #outputShapeAt(index: number): SymbolicShape {
    let shape: SymbolicShape = this._buildShape ?? [null];
    for (const layer of this.#layers.slice(0, index + 1)) {
      shape = single(layer.computeOutputShape(shape), layer);
    }
    return shape;
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

function single(
  shape: SymbolicShape | SymbolicShape[],
  layer: Layer<LayerOutput>,
): SymbolicShape {
  if (isShapeList(shape)) {
    throw new ValueError(
      `Sequential: expected layer "${layer.name}" to have one output, got ${shape.length}`,
    );
  }
  return shape;
}
