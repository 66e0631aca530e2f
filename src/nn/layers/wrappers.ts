// SPDX-License-Identifier: Apache-2.0
/** Wrappers: TimeDistributed applies a layer to every timestep. */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { reshape } from "../../ops/shape.js";
import { isShapeList } from "../models/symbolic.js";
import * as all from "./index.js";
import {
  Layer,
  type CallOptions,
  type LayerArgs,
  type LayerOutput,
  type SymbolicShape,
} from "./layer.js";

/** Options of TimeDistributed. */
export interface TimeDistributedArgs extends LayerArgs {
  /**
   * The layer applied to each timestep: a layer, or a `{ className,
   * config }` record as `getConfig` writes it.
   */
  layer: Layer | { className: string; config: Record<string, unknown> };
}

function resolveLayer(value: unknown): Layer {
  if (value instanceof Layer) return value as Layer;
  if (value !== null && typeof value === "object" && "className" in value) {
    const { className, config } = value as {
      className: unknown;
      config: unknown;
    };
    const cls = (all as Record<string, unknown>)[String(className)];
    if (
      typeof cls === "function" &&
      cls.prototype instanceof Layer &&
      config !== null &&
      typeof config === "object"
    ) {
      return (cls as unknown as typeof Layer).fromConfig(
        config as Record<string, unknown>,
      );
    }
  }
  throw new ValueError(
    `TimeDistributed: expected layer to be a Layer (or a { className, ` +
      `config } record of a tg.layers class), got layer=${show(value)}`,
  );
}

/**
 * Applies a layer to every timestep of its input: for an input [batch,
 * time, ...rest], `y[:, t] = layer(x[:, t])` for each t. It folds time
 * into the batch, `layer(x.reshape([batch · time, ...rest]))`, and
 * unfolds the result. Its weights are the inner layer's, shared by all
 * timesteps.
 *
 * Input shape: [batch, time, ...rest] (rank >= 3). Output shape: [batch,
 * time, ...the inner layer's output for [batch, ...rest] without its
 * batch].
 *
 * Keras 3 calls the inner layer once per timestep; folding gives the same
 * numbers for layers that treat samples independently (Dense, Conv, ...),
 * but a BatchNormalization in training here uses statistics over batch
 * and time together, where Keras uses each timestep's own. Masks are not
 * passed on yet.
 *
 * The constructor takes the layer, as Keras does, or `{ layer, ...options }`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const dense = tg.layers.dense({ units: 2, kernelInitializer: "ones" });
 * const layer = new tg.layers.TimeDistributed(dense);
 * console.log(layer.apply(tg.ones([1, 3, 4])).toArray()); // [ [ [ 4, 4 ], [ 4, 4 ], [ 4, 4 ] ] ]
 * console.log(layer.weights.length); // 2
 * ```
 */
export class TimeDistributed extends Layer {
  /** The wrapped layer. */
  readonly layer: Layer;

  constructor(layerOrArgs: Layer | TimeDistributedArgs, args: LayerArgs = {}) {
    let opts: TimeDistributedArgs;
    if (layerOrArgs instanceof Layer) {
      if (args === null || typeof args !== "object") {
        throw new ValueError(
          `TimeDistributed: expected an options object, got ${show(args)}`,
        );
      }
      opts = { ...args, layer: layerOrArgs };
    } else if (layerOrArgs !== null && typeof layerOrArgs === "object") {
      opts = layerOrArgs;
    } else {
      throw new ValueError(
        `TimeDistributed: expected a layer or an options object, got ` +
          show(layerOrArgs),
      );
    }
    const layer = resolveLayer(opts.layer);
    super(opts);
    this.layer = layer;
    // A frozen wrapper freezes the inner layer, as setting trainable does.
    if (opts.trainable === false) this.trainable = false;
  }

  protected override sublayers(): readonly Layer<LayerOutput>[] {
    return [this.layer];
  }

  #check(shape: SymbolicShape | readonly SymbolicShape[]): SymbolicShape {
    if (isShapeList(shape) || shape.length < 3) {
      throw new ShapeError(
        `TimeDistributed "${this.name}": expected one input of rank >= 3 ` +
          `([batch, time, ...]), got shape ${show(shape)}`,
      );
    }
    return shape;
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.#check(inputShape);
    if (!this.layer.built) this.layer.build([null, ...shape.slice(2)]);
  }

  override call(x: Tensor, options?: CallOptions): Tensor {
    this.#check(x.shape);
    const [batch, time] = x.shape as [number, number];
    const folded = reshape(x, [batch * time, ...x.shape.slice(2)]);
    const y = this.layer.apply(folded, options);
    if (!(y instanceof Tensor)) {
      throw new ValueError(
        `TimeDistributed "${this.name}": expected the inner layer to ` +
          `return one tensor`,
      );
    }
    return reshape(y, [batch, time, ...y.shape.slice(1)]);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const shape = this.#check(inputShape);
    const inner = this.layer.computeOutputShape([null, ...shape.slice(2)]);
    if (isShapeList(inner)) {
      throw new ValueError(
        `TimeDistributed "${this.name}": expected the inner layer to ` +
          `have one output, got ${inner.length}`,
      );
    }
    return [shape[0] ?? null, shape[1] ?? null, ...inner.slice(1)];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      layer: {
        className: this.layer.className,
        config: this.layer.getConfig(),
      },
    };
  }
}

/**
 * Creates a {@link TimeDistributed} layer (TensorFlow.js style).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.timeDistributed({
 *   layer: tg.layers.dense({ units: 5 }),
 * });
 * console.log(layer.apply(tg.zeros([2, 3, 4])).shape); // [ 2, 3, 5 ]
 * ```
 */
export function timeDistributed(args: TimeDistributedArgs): TimeDistributed {
  return new TimeDistributed(args);
}
