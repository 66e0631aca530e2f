// SPDX-License-Identifier: Apache-2.0
/**
 * Wrappers: TimeDistributed applies a layer to every timestep;
 * Bidirectional runs a recurrent layer forwards and backwards.
 */
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { Tensor, type TensorLike } from "../../core/tensor.js";
import { add, div, mul } from "../../ops/binary.js";
import { concat, gather, reshape } from "../../ops/shape.js";
import { isShapeList } from "../models/symbolic.js";
import * as all from "./index.js";
import {
  Layer,
  type CallOptions,
  type LayerArgs,
  type LayerOutput,
  type Mask,
  type SymbolicShape,
} from "./layer.js";
import { RNN, type RNNOutput } from "./recurrent.js";

/** Options of TimeDistributed. */
export interface TimeDistributedArgs extends LayerArgs {
  /**
   * The layer applied to each timestep: a layer, or a `{ className,
   * config }` record as `getConfig` writes it.
   */
  layer: Layer | { className: string; config: Record<string, unknown> };
}

function resolveLayer(value: unknown, who = "TimeDistributed"): Layer {
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
    `${who}: expected layer to be a Layer (or a { className, ` +
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
 * and time together, where Keras uses each timestep's own. The input's
 * mask ([batch, time]) passes on to the output; a mask of higher rank is
 * folded like the input and given to the inner layer.
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
  /** The input's mask passes on to the output, as in Keras. */
  override supportsMasking = true;

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

  override call(x: Tensor, options: CallOptions = {}): Tensor {
    this.#check(x.shape);
    const [batch, time] = x.shape as [number, number];
    const folded = reshape(x, [batch * time, ...x.shape.slice(2)]);
    const mask = options.mask ?? null;
    if (
      mask instanceof Tensor &&
      (mask.rank < 2 || mask.shape[0] !== batch || mask.shape[1] !== time)
    ) {
      throw new ShapeError(
        `TimeDistributed "${this.name}": expected a mask of shape ` +
          `[batch, time, ...] = ${show([batch, time])}, got shape ` +
          show(mask.shape),
      );
    }
    // A mask of rank >= 3 has a part for each timestep: fold it with the
    // input. A [batch, time] mask says nothing inside a timestep.
    const inner =
      mask instanceof Tensor && mask.rank >= 3
        ? reshape(mask, [batch * time, ...mask.shape.slice(2)])
        : null;
    const y = this.layer.apply(folded, { ...options, mask: inner });
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
 * Creates a {@link TimeDistributed} layer: `timeDistributed(layer)` as
 * Keras, or `timeDistributed({ layer })` as TensorFlow.js.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.timeDistributed({
 *   layer: tg.layers.dense({ units: 5 }),
 * });
 * console.log(layer.apply(tg.zeros([2, 3, 4])).shape); // [ 2, 3, 5 ]
 * const same = tg.layers.timeDistributed(tg.layers.dense({ units: 5 }));
 * console.log(same.apply(tg.zeros([2, 3, 4])).shape); // [ 2, 3, 5 ]
 * ```
 */
export function timeDistributed(
  layerOrArgs: Layer | TimeDistributedArgs,
  args?: LayerArgs,
): TimeDistributed {
  return new TimeDistributed(layerOrArgs, args);
}

/** How Bidirectional combines the forward and backward outputs. */
export type MergeMode = "concat" | "sum" | "mul" | "ave" | null;

const MERGE_MODES: readonly MergeMode[] = ["concat", "sum", "mul", "ave", null];

/** Options of Bidirectional besides the wrapped layer (Keras's names). */
export interface BidirectionalOptions extends LayerArgs {
  /**
   * "concat" (default: the forward and backward outputs side by side on
   * the last axis), "sum", "mul", "ave", or null (the list [forward,
   * backward]).
   */
  mergeMode?: MergeMode;
  /**
   * The layer that reads backwards; default a copy of `layer`'s config
   * with goBackwards flipped. It must differ from `layer` in goBackwards
   * and agree in returnSequences, returnState and stateful.
   */
  backwardLayer?:
    RNN<RNNOutput> | { className: string; config: Record<string, unknown> };
  /**
   * Initial weights, forward then backward (the `weights` list Keras's
   * `get_weights()` returns); set when the layer builds.
   */
  weights?: readonly TensorLike[] | null;
}

/** Options of Bidirectional, TensorFlow.js style (the layer included). */
export interface BidirectionalArgs extends BidirectionalOptions {
  /** The recurrent layer (or its `{ className, config }` record). */
  layer:
    RNN<RNNOutput> | { className: string; config: Record<string, unknown> };
}

/** `name` without `prefix` at its start. */
function removePrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** `rnn` rebuilt from its config with `changes` (fresh weights). */
function recreate(
  rnn: RNN<RNNOutput>,
  changes: Record<string, unknown>,
): RNN<RNNOutput> {
  const cls = rnn.constructor as unknown as {
    fromConfig(c: Record<string, unknown>): RNN<RNNOutput>;
  };
  return cls.fromConfig({ ...rnn.getConfig(), ...changes });
}

/** `x` reversed along axis 1 (time). */
function reverseTime(x: Tensor): Tensor {
  const time = x.shape[1]!;
  const order = Array.from({ length: time }, (_, i) => time - 1 - i);
  return gather(x, new Int32Array(order), 1);
}

/**
 * Runs a recurrent layer over the sequence forwards and a copy of it
 * backwards, and merges their outputs (Keras 3's Bidirectional). The
 * forward layer is rebuilt from `layer`'s config, named
 * "forward_<name>"; the backward one is `backwardLayer`, or a copy with
 * goBackwards flipped named "backward_<name>". Neither shares weights
 * with the `layer` given (as in Keras, it is a template).
 *
 * With returnSequences, the backward outputs are put back in time order
 * before merging, and masked timesteps output zeros (Keras forces
 * zeroOutputForMask on both layers). With returnState, the output is
 * `[merged, ...forwardStates, ...backwardStates]` (mergeMode null:
 * `[forward, backward, ...states]`). Initial states come as the list
 * input `[x, ...forwardStates, ...backwardStates]`. Masks, training,
 * dropout and stateful pass to both layers.
 *
 * Weights: the forward layer's, then the backward layer's, as Keras's
 * `get_weights()` lists them, so `setWeights(keras.get_weights())` works.
 *
 * Input: [batch, time, features]. Output: the layer's output with the
 * last dimension doubled ("concat") or unchanged.
 *
 * The constructor takes the layer first, as Keras does, or
 * `{ layer, ...options }` (TensorFlow.js). TensorFlow.js does not zero the
 * masked outputs (it repeats the previous output there).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const lstm = tg.layers.lstm({ units: 3, returnSequences: true, name: "lstm" });
 * const bi = new tg.layers.Bidirectional(lstm);
 * console.log(bi.apply(tg.zeros([2, 5, 4])).shape); // [ 2, 5, 6 ]
 * console.log(bi.weights.map((w) => w.name).slice(2, 4)); // [ 'forward_lstm/bias', 'backward_lstm/kernel' ]
 * ```
 */
export class Bidirectional<Out extends RNNOutput = Tensor> extends Layer<Out> {
  /** The layer reading forwards. */
  readonly forwardLayer: RNN<RNNOutput>;
  /** The layer reading backwards. */
  readonly backwardLayer: RNN<RNNOutput>;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly stateful: boolean;
  override supportsMasking = true;
  #initialWeights: TensorLike[] | null;

  constructor(
    layerOrArgs: RNN<RNNOutput> | BidirectionalArgs,
    options: BidirectionalOptions = {},
  ) {
    let opts: BidirectionalArgs;
    if (layerOrArgs instanceof Layer) {
      if (options === null || typeof options !== "object") {
        throw new ValueError(
          `Bidirectional: expected an options object, got ${show(options)}`,
        );
      }
      opts = { ...options, layer: layerOrArgs };
    } else if (layerOrArgs !== null && typeof layerOrArgs === "object") {
      opts = layerOrArgs;
    } else {
      throw new ValueError(
        `Bidirectional: expected a recurrent layer or an options object, ` +
          `got ${show(layerOrArgs)}`,
      );
    }
    const layer = resolveLayer(opts.layer, "Bidirectional");
    if (!(layer instanceof RNN)) {
      throw new ValueError(
        `Bidirectional: expected layer to be a recurrent layer (SimpleRNN, ` +
          `LSTM, GRU), got ${layer.toString()}`,
      );
    }
    const mergeMode = opts.mergeMode === undefined ? "concat" : opts.mergeMode;
    if (!MERGE_MODES.includes(mergeMode)) {
      throw new ValueError(
        `Bidirectional: expected mergeMode to be one of "concat", "sum", ` +
          `"mul", "ave" or null, got mergeMode=${show(mergeMode)}`,
      );
    }
    let backward: Layer | null = null;
    if (opts.backwardLayer !== undefined && opts.backwardLayer !== null) {
      backward = resolveLayer(opts.backwardLayer, "Bidirectional");
      if (!(backward instanceof RNN)) {
        throw new ValueError(
          `Bidirectional: expected backwardLayer to be a recurrent layer, ` +
            `got ${backward.toString()}`,
        );
      }
    }
    const weights = opts.weights ?? null;
    if (weights !== null && !Array.isArray(weights)) {
      throw new ValueError(
        `Bidirectional: expected weights to be a list of arrays, got ` +
          `weights=${show(weights)}`,
      );
    }
    const rnn = layer as RNN<RNNOutput>;
    const forward = recreate(rnn, {
      name: "forward_" + removePrefix(rnn.name, "forward_"),
    });
    const back =
      (backward as RNN<RNNOutput> | null) ??
      recreate(rnn, {
        name: "backward_" + removePrefix(rnn.name, "backward_"),
        goBackwards: !rnn.goBackwards,
      });
    if (forward.goBackwards === back.goBackwards) {
      throw new ValueError(
        `Bidirectional: expected the forward and backward layers to differ ` +
          `in goBackwards, got goBackwards=${forward.goBackwards} for both`,
      );
    }
    for (const key of ["stateful", "returnSequences", "returnState"] as const) {
      if (forward[key] !== back[key]) {
        throw new ValueError(
          `Bidirectional: expected the forward and backward layers to agree ` +
            `in ${key}, got ${forward[key]} and ${back[key]}`,
        );
      }
    }
    const {
      layer: _l,
      backwardLayer: _b,
      mergeMode: _m,
      weights: _w,
      ...base
    } = opts;
    void _l;
    void _b;
    void _m;
    void _w;
    super({ dtype: rnn.dtype, ...base });
    forward.zeroOutputForMask = forward.returnSequences;
    back.zeroOutputForMask = back.returnSequences;
    this.forwardLayer = forward;
    this.backwardLayer = back;
    this.mergeMode = mergeMode;
    this.returnSequences = forward.returnSequences;
    this.returnState = forward.returnState;
    this.stateful = forward.stateful;
    this.#initialWeights =
      weights === null ? null : (weights as readonly TensorLike[]).slice();
    if (opts.trainable === false) this.trainable = false;
  }

  protected override sublayers(): readonly Layer<LayerOutput>[] {
    return [this.forwardLayer, this.backwardLayer];
  }

  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    const shape = isShapeList(inputShape) ? inputShape[0]! : inputShape;
    if (!this.forwardLayer.built) this.forwardLayer.build(shape);
    if (!this.backwardLayer.built) this.backwardLayer.build(shape);
    if (this.#initialWeights !== null) {
      const w = this.#initialWeights;
      this.#initialWeights = null;
      this.setWeights(w);
    }
  }

  /** The number of states of each direction (LSTM: 2). */
  #stateCount(): number {
    const shapes = this.forwardLayer.computeOutputShape([null, null, null]);
    return this.returnState ? shapes.length - 1 : 0;
  }

  override call(inputs: Tensor | Tensor[], options: CallOptions = {}): Out {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0]!;
    const states = list.slice(1);
    if (states.length % 2 !== 0) {
      throw new ValueError(
        `${this.toString()}: expected initial states for both directions ` +
          `(an even number), got ${states.length}`,
      );
    }
    const half = states.length / 2;
    const given = options.mask ?? null;
    const mask = given instanceof Tensor || given === null ? given : given[0];
    const inner: CallOptions = { ...options, mask: mask ?? null };
    const fIn = half > 0 ? [x, ...states.slice(0, half)] : x;
    const bIn = half > 0 ? [x, ...states.slice(half)] : x;
    let y = this.forwardLayer.apply(fIn, inner);
    let yRev = this.backwardLayer.apply(bIn, inner);
    let fStates: Tensor[] = [];
    let bStates: Tensor[] = [];
    if (this.returnState) {
      const fl = y as Tensor[];
      const bl = yRev as Tensor[];
      fStates = fl.slice(1);
      bStates = bl.slice(1);
      y = fl[0]!;
      yRev = bl[0]!;
    }
    const f = y as Tensor;
    let b = yRev as Tensor;
    if (this.returnSequences) b = reverseTime(b);
    let merged: Tensor[];
    switch (this.mergeMode) {
      case "concat":
        merged = [concat([f, b], -1)];
        break;
      case "sum":
        merged = [add(f, b)];
        break;
      case "mul":
        merged = [mul(f, b)];
        break;
      case "ave":
        merged = [div(add(f, b), 2)];
        break;
      default:
        merged = [f, b];
    }
    const out = [...merged, ...fStates, ...bStates];
    return (out.length === 1 ? out[0]! : out) as Out;
  }

  override computeOutputShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    const shape = isShapeList(inputShape) ? inputShape[0]! : inputShape;
    const inner = this.forwardLayer.computeOutputShape(shape);
    const [out, ...states] = (
      this.returnState ? inner : [inner]
    ) as SymbolicShape[];
    let merged: SymbolicShape[];
    if (this.mergeMode === "concat") {
      const last = out![out!.length - 1];
      merged = [[...out!.slice(0, -1), last === null ? null : last! * 2]];
    } else if (this.mergeMode === null) merged = [out!, out!];
    else merged = [out!];
    const all = [...merged, ...states, ...states];
    return all.length === 1 ? all[0]! : all;
  }

  /**
   * The output's mask: the input's with returnSequences (for each of the
   * two outputs when mergeMode is null), else none; states have none.
   */
  override computeMask(inputs: Tensor | Tensor[], mask: Mask): Mask {
    void inputs;
    const first = mask instanceof Tensor || mask === null ? mask : mask[0];
    const m = this.returnSequences ? (first ?? null) : null;
    const outs = this.mergeMode === null ? [m, m] : [m];
    const count = 2 * this.#stateCount();
    if (outs.length === 1 && count === 0) return m;
    return [...outs, ...Array.from({ length: count }, () => null)];
  }

  /** Resets both layers' states (stateful layers only). */
  resetStates(): void {
    if (!this.stateful) {
      throw new ValueError(
        `${this.toString()}.resetStates: expected a stateful layer, got ` +
          `stateful=false`,
      );
    }
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  /** The same as `resetStates` (Keras 3's name). */
  resetState(): void {
    this.resetStates();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      mergeMode: this.mergeMode,
      layer: {
        className: this.forwardLayer.className,
        config: this.forwardLayer.getConfig(),
      },
      backwardLayer: {
        className: this.backwardLayer.className,
        config: this.backwardLayer.getConfig(),
      },
    };
  }
}

/**
 * Creates a {@link Bidirectional} layer: `bidirectional(layer, options)`
 * as Keras, or `bidirectional({ layer, ...options })` as TensorFlow.js;
 * typed to return a list with returnState or mergeMode null.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const bi = tg.layers.bidirectional(tg.layers.gru({ units: 2 }), { mergeMode: "sum" });
 * console.log(bi.apply(tg.ones([1, 4, 3])).shape); // [ 1, 2 ]
 * const [fwd, bwd] = tg.layers.bidirectional({ layer: tg.layers.gru({ units: 2 }), mergeMode: null }).apply(tg.ones([1, 4, 3]));
 * console.log(fwd.shape, bwd.shape); // [ 1, 2 ] [ 1, 2 ]
 * ```
 */
export function bidirectional(
  layer: RNN<Tensor[]>,
  options?: BidirectionalOptions,
): Bidirectional<Tensor[]>;
export function bidirectional(
  layer: RNN<RNNOutput>,
  options: BidirectionalOptions & { mergeMode: null },
): Bidirectional<Tensor[]>;
export function bidirectional(
  layer: RNN<RNNOutput>,
  options?: BidirectionalOptions,
): Bidirectional;
export function bidirectional(
  args: BidirectionalArgs & { layer: RNN<Tensor[]> },
): Bidirectional<Tensor[]>;
export function bidirectional(
  args: BidirectionalArgs & { mergeMode: null },
): Bidirectional<Tensor[]>;
export function bidirectional(args: BidirectionalArgs): Bidirectional;
export function bidirectional(
  layerOrArgs: RNN<RNNOutput> | BidirectionalArgs,
  options?: BidirectionalOptions,
): Bidirectional<RNNOutput> {
  return new Bidirectional<RNNOutput>(layerOrArgs, options);
}
