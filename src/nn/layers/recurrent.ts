// SPDX-License-Identifier: Apache-2.0
/**
 * Recurrent layers: SimpleRNN, LSTM and GRU, with Keras 3's weights, gate
 * order and defaults, masks, dropout and stateful states. The time loop is
 * written with ops (one slice, matMul and activation per step, then a
 * stack), so gradients flow through time.
 */
import {
  NotImplementedError,
  ShapeError,
  ValueError,
  show,
} from "../../core/errors.js";
import { Generator } from "../../core/random.js";
import { Tensor, type TensorLike } from "../../core/tensor.js";
import { add, div, greaterEqual, mul, sub } from "../../ops/binary.js";
import { cast, stopGradient } from "../../ops/cast.js";
import { toTensor } from "../../ops/convert.js";
import { zeros, ones } from "../../ops/creation.js";
import { matMul } from "../../ops/linalg.js";
import { randomUniform } from "../../ops/random.js";
import { where } from "../../ops/select.js";
import { concat, reshape, split, stack } from "../../ops/shape.js";
import type { Variable } from "../../variables.js";
import * as activations from "../activations.js";
import * as constraints from "../constraints.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import {
  Layer,
  type CallOptions,
  type LayerArgs,
  type Mask,
  type SymbolicShape,
} from "./layer.js";

type ResolvedRegularizer =
  regularizers.Regularizer | regularizers.RegularizerFunction | null;
type ResolvedConstraint =
  constraints.Constraint | constraints.ConstraintFunction | null;

/** What a recurrent layer returns: one tensor, or [output, ...states]. */
export type RNNOutput = Tensor | Tensor[];

/** Options every recurrent layer takes, with Keras's names and defaults. */
export interface RNNArgs extends LayerArgs {
  /** The size of the state (and of the output). */
  units: number;
  /** Applied to the candidate state and output; default "tanh". */
  activation?: activations.ActivationIdentifier;
  /** Whether to add biases. Default true. */
  useBias?: boolean;
  /** For the input kernel; default "glorot_uniform". */
  kernelInitializer?: initializers.InitializerIdentifier;
  /** For the recurrent kernel; default "orthogonal". */
  recurrentInitializer?: initializers.InitializerIdentifier;
  /** Default "zeros". */
  biasInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the input kernel. Default none. */
  kernelRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on the recurrent kernel. Default none. */
  recurrentRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on the bias. Default none. */
  biasRegularizer?: regularizers.RegularizerIdentifier;
  /** A projection of the input kernel after each update. */
  kernelConstraint?: constraints.ConstraintIdentifier;
  /** A projection of the recurrent kernel after each update. */
  recurrentConstraint?: constraints.ConstraintIdentifier;
  /** A projection of the bias after each update. */
  biasConstraint?: constraints.ConstraintIdentifier;
  /**
   * Whether to return the output of every step, [batch, time, units],
   * rather than the last one, [batch, units]. Default false.
   */
  returnSequences?: boolean;
  /**
   * Whether to return `[output, ...finalStates]` (a list) rather than the
   * output alone. Default false. With TypeScript, use the factories
   * (`tg.layers.lstm({ ..., returnState: true })` is typed to return a
   * list) or write the type: `new tg.layers.LSTM<tg.Tensor[]>(...)`.
   */
  returnState?: boolean;
  /**
   * Whether to read the sequence from its end. As in Keras, the returned
   * sequence is in processing order (reversed). Default false.
   */
  goBackwards?: boolean;
  /**
   * Whether the final states of a call are the initial states of the
   * next (sample i of a batch continues sample i of the previous batch).
   * The batch size is then fixed by the first call (or by
   * `resetStates(values)`); `resetStates()` sets the states back to zeros.
   * The states are not weights. Default false.
   */
  stateful?: boolean;
  /**
   * The fraction of the input units to drop, in [0, 1], in training only;
   * one mask per call, the same at every timestep. Default 0.
   */
  dropout?: number;
  /**
   * The fraction of the recurrent state's units to drop before the
   * recurrent product, in [0, 1], in training only; one mask per call,
   * the same at every timestep. Default 0.
   */
  recurrentDropout?: number;
  /** A seed for the dropout masks' own random stream. Default none (global). */
  seed?: number | null;
  /**
   * Whether the output at a masked timestep is zeros (rather than the
   * previous output). Bidirectional sets it to returnSequences, as Keras
   * does. Default false.
   */
  zeroOutputForMask?: boolean;
}

/** Options of SimpleRNN. */
export type SimpleRNNArgs = RNNArgs;

/** Options of LSTM. */
export interface LSTMArgs extends RNNArgs {
  /** Applied to the gates; default "sigmoid". */
  recurrentActivation?: activations.ActivationIdentifier;
  /**
   * Whether the forget gate's bias starts at 1 (the bias initializer
   * gives the other gates' biases). Default true.
   */
  unitForgetBias?: boolean;
}

/** Options of GRU. */
export interface GRUArgs extends RNNArgs {
  /** Applied to the gates; default "sigmoid". */
  recurrentActivation?: activations.ActivationIdentifier;
  /**
   * Whether the reset gate applies after the recurrent product (Keras 3's
   * and CuDNN's convention, two biases: shape [2, 3·units]) or before it
   * (one bias, [3·units]). Default true.
   */
  resetAfter?: boolean;
}

/** Keras options this implementation does not have. */
const UNSUPPORTED = ["unroll", "timeMajor"] as const;

/** A dropout rate in [0, 1], or a ValueError. */
function checkRate(value: unknown, key: string, cls: string): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new ValueError(
      `${cls}: expected ${key} to be a number in [0, 1], got ` +
        `${key}=${show(value)}`,
    );
  }
  return value;
}

/** The nesting depth of an array (by first elements). */
function depth(v: unknown): number {
  let d = 0;
  while (Array.isArray(v)) {
    d += 1;
    v = v[0];
  }
  return d;
}

/** What the step of a cell receives besides the input and states. */
export interface StepContext {
  /** The per-call constants from `prepare()`. */
  constants: Tensor[];
  /**
   * With recurrent dropout in training: one mask per gate block, each
   * [batch, units], applied to the previous output before that block's
   * recurrent product; else null.
   */
  recurrentMasks: Tensor[] | null;
}

/**
 * The shared part of SimpleRNN, LSTM and GRU: options, weights (kernel
 * [features, gates·units], recurrentKernel [units, gates·units], bias),
 * the time loop, masks, dropout, stateful states and the output shapes.
 * Subclasses give the cell's step.
 *
 * Input: [batch, time, features], or a list `[x, ...initialStates]` to
 * start from given states (each [batch, units]; LSTM takes [h, c]).
 * Output: [batch, units], or [batch, time, units] with returnSequences;
 * with returnState, the list `[output, ...finalStates]`.
 *
 * Keras 3 passes initial states as `layer(x, initial_state=[...])`; here
 * they are the list input `layer.apply([x, ...states])` (Keras 2's and
 * TensorFlow.js's list form).
 *
 * Masks (from Embedding with maskZero, Masking, or `apply(x, { mask })`,
 * a [batch, time] boolean tensor): a masked step keeps the previous
 * states, and its output is the previous output (zeros with
 * zeroOutputForMask); with goBackwards the mask is read backwards too.
 * The output mask is the input mask with returnSequences, else none.
 *
 * Dropout (in training only) follows Keras 3: one mask per call, shared
 * by all timesteps. Without recurrentDropout, one input mask serves all
 * gate blocks; with recurrentDropout, each gate block has its own input
 * mask and its own recurrent mask (Keras's "implementation 1"). As in
 * Keras, a rate of exactly 1 turns dropout off.
 *
 * Not done: unroll and timeMajor (NotImplementedError), custom cells
 * (Keras's generic `RNN(cell)`).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer: tg.layers.RNN = tg.layers.simpleRNN({ units: 2 });
 * const h0 = tg.ones([1, 2]);
 * console.log(layer.apply([tg.zeros([1, 3, 4]), h0]).shape); // [ 1, 2 ]
 * ```
 */
export abstract class RNN<Out extends RNNOutput = Tensor> extends Layer<Out> {
  readonly units: number;
  readonly activation: activations.Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: initializers.Initializer;
  readonly recurrentInitializer: initializers.Initializer;
  readonly biasInitializer: initializers.Initializer;
  readonly kernelRegularizer: ResolvedRegularizer;
  readonly recurrentRegularizer: ResolvedRegularizer;
  readonly biasRegularizer: ResolvedRegularizer;
  readonly kernelConstraint: ResolvedConstraint;
  readonly recurrentConstraint: ResolvedConstraint;
  readonly biasConstraint: ResolvedConstraint;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
  /** Whether masked steps output zeros (see RNNArgs). */
  zeroOutputForMask: boolean;
  /** RNN layers consume masks. */
  override supportsMasking = true;
  #kernel: Variable | null = null;
  #recurrentKernel: Variable | null = null;
  #bias: Variable | null = null;
  #states: Tensor[] | null = null;
  readonly #generator: Generator | null;

  /** The number of gate blocks in the kernels (1, 4 or 3). */
  protected abstract readonly gates: number;
  /** The number of states (1; LSTM: 2). */
  protected abstract readonly stateCount: number;

  constructor(args: RNNArgs) {
    const cls = new.target.name;
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `${cls}: expected an options object, got ${show(args)}`,
      );
    }
    const { units } = args;
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(
        `${cls}: expected units to be a positive integer, got units=${show(units)}`,
      );
    }
    const record = args as unknown as Record<string, unknown>;
    for (const key of UNSUPPORTED) {
      const v = record[key];
      if (v !== undefined && v !== false && v !== 0) {
        throw new NotImplementedError(
          `${cls}: ${key} is not implemented, got ${key}=${show(v)}`,
        );
      }
    }
    const dropout = checkRate(args.dropout, "dropout", cls);
    const recurrentDropout = checkRate(
      args.recurrentDropout,
      "recurrentDropout",
      cls,
    );
    const seed = args.seed ?? null;
    if (seed !== null && !(Number.isInteger(seed) && seed >= 0)) {
      throw new ValueError(
        `${cls}: expected seed to be an integer >= 0, got seed=${show(seed)}`,
      );
    }
    const activation = activations.get(
      args.activation === undefined ? "tanh" : args.activation,
    );
    const kernelInitializer = initializers.get(
      args.kernelInitializer ?? "glorot_uniform",
    );
    const recurrentInitializer = initializers.get(
      args.recurrentInitializer ?? "orthogonal",
    );
    const biasInitializer = initializers.get(args.biasInitializer ?? "zeros");
    const kernelRegularizer = regularizers.get(args.kernelRegularizer);
    const recurrentRegularizer = regularizers.get(args.recurrentRegularizer);
    const biasRegularizer = regularizers.get(args.biasRegularizer);
    const kernelConstraint = constraints.get(args.kernelConstraint);
    const recurrentConstraint = constraints.get(args.recurrentConstraint);
    const biasConstraint = constraints.get(args.biasConstraint);
    super(args);
    this.units = units;
    this.activation = activation;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = kernelInitializer;
    this.recurrentInitializer = recurrentInitializer;
    this.biasInitializer = biasInitializer;
    this.kernelRegularizer = kernelRegularizer;
    this.recurrentRegularizer = recurrentRegularizer;
    this.biasRegularizer = biasRegularizer;
    this.kernelConstraint = kernelConstraint;
    this.recurrentConstraint = recurrentConstraint;
    this.biasConstraint = biasConstraint;
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.stateful = args.stateful ?? false;
    this.dropout = dropout;
    this.recurrentDropout = recurrentDropout;
    this.seed = seed;
    this.zeroOutputForMask = args.zeroOutputForMask ?? false;
    this.#generator = seed === null ? null : new Generator(seed);
  }

  /** The input kernel, [features, gates·units]. Exists once built. */
  get kernel(): Variable {
    return this.#need(this.#kernel, "kernel");
  }

  /** The recurrent kernel, [units, gates·units]. Exists once built. */
  get recurrentKernel(): Variable {
    return this.#need(this.#recurrentKernel, "recurrentKernel");
  }

  /** The bias. Exists once built, when useBias is true. */
  get bias(): Variable {
    if (!this.useBias) {
      throw new ValueError(
        `${this.toString()}: has no bias (useBias is false)`,
      );
    }
    return this.#need(this.#bias, "bias");
  }

  /**
   * A stateful layer's current states (LSTM: [h, c]), each
   * [batch, units]; null before its first call or when not stateful.
   */
  get states(): Tensor[] | null {
    return this.#states === null ? null : [...this.#states];
  }

  /**
   * Resets a stateful layer's states: to zeros (keeping the batch size),
   * or to `states` (one [batch, units] value per state; LSTM: [h, c]),
   * which also sets the batch size. Keras 3's `reset_state`. Without
   * values it does nothing on a layer that is not stateful.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const rnn = tg.layers.simpleRNN({ units: 1, stateful: true, kernelInitializer: "ones" });
   * rnn.apply(tg.ones([2, 3, 1]));
   * rnn.resetStates();
   * console.log(rnn.states?.[0]?.toArray()); // [ [ 0 ], [ 0 ] ]
   * rnn.resetStates([[[0.5]]]);
   * console.log(rnn.states?.[0]?.shape); // [ 1, 1 ]
   * ```
   */
  resetStates(states?: TensorLike | readonly TensorLike[]): void {
    const where = `${this.toString()}.resetStates`;
    if (states === undefined) {
      if (this.#states !== null) {
        this.#states = this.#states.map((s) => zeros(s.shape, this.dtype));
      }
      return;
    }
    if (!this.stateful) {
      throw new ValueError(
        `${where}: expected a stateful layer (stateful: true) to set ` +
          `states of, got stateful=false`,
      );
    }
    let list: unknown;
    if (states instanceof Tensor) list = [states];
    else if (
      this.stateCount === 1 &&
      Array.isArray(states) &&
      !states.every((s) => s instanceof Tensor) &&
      depth(states) === 2
    ) {
      list = [states];
    } else list = states;
    if (!Array.isArray(list) || list.length !== this.stateCount) {
      throw new ValueError(
        `${where}: expected ${this.stateCount} state value(s), got ` +
          (Array.isArray(list) ? list.length : show(list)),
      );
    }
    const ts = list.map((v) =>
      cast(toTensor(v, where, this.dtype), this.dtype),
    );
    const batch = ts[0]!.shape[0];
    for (const t of ts) {
      if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== this.units) {
        throw new ShapeError(
          `${where}: expected states of shape [batch, ${this.units}] with ` +
            `one batch size, got shapes ${show(ts.map((s) => s.shape))}`,
        );
      }
    }
    this.#states = ts.map((t) => stopGradient(t));
  }

  /** The same as `resetStates` (Keras 3's name, `reset_state`). */
  resetState(states?: TensorLike | readonly TensorLike[]): void {
    this.resetStates(states);
  }

  #need(v: Variable | null, what: string): Variable {
    if (!v) {
      throw new ValueError(
        `${this.toString()}: the ${what} does not exist until the layer is ` +
          "built; apply the layer to an input first",
      );
    }
    return v;
  }

  /** The bias's shape; GRU with resetAfter overrides it. @internal */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  /** The bias's initial value; LSTM's unitForgetBias overrides it. @internal */
  protected initialBias(shape: number[]): Tensor | null {
    void shape;
    return null;
  }

  /** The first shape of `inputShape`, checked to be rank 3. */
  #sequenceShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape {
    const first = (
      inputShape.length > 0 && Array.isArray(inputShape[0])
        ? inputShape[0]
        : inputShape
    ) as SymbolicShape;
    if (first.length !== 3) {
      throw new ShapeError(
        `${this.toString()}: expected an input of rank 3 [batch, time, ` +
          `features], got rank ${first.length} (shape ${show(first)})`,
      );
    }
    return first;
  }

  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    const shape = this.#sequenceShape(inputShape);
    const features = shape[2];
    if (typeof features !== "number" || features < 1) {
      throw new ShapeError(
        `${this.toString()}: expected a known number of features >= 1, got ` +
          `shape ${show(shape)}`,
      );
    }
    const width = this.gates * this.units;
    this.#kernel = this.addWeight("kernel", {
      shape: [features, width],
      initializer: this.kernelInitializer,
      regularizer: regularizers.toFunction(this.kernelRegularizer),
      constraint: constraints.toFunction(this.kernelConstraint),
    });
    this.#recurrentKernel = this.addWeight("recurrent_kernel", {
      shape: [this.units, width],
      initializer: this.recurrentInitializer,
      regularizer: regularizers.toFunction(this.recurrentRegularizer),
      constraint: constraints.toFunction(this.recurrentConstraint),
    });
    if (this.useBias) {
      const biasShape = this.biasShape();
      this.#bias = this.addWeight("bias", {
        shape: biasShape,
        initializer: this.biasInitializer,
        regularizer: regularizers.toFunction(this.biasRegularizer),
        constraint: constraints.toFunction(this.biasConstraint),
      });
      const initial = this.initialBias(biasShape);
      if (initial !== null) this.#bias.assign(initial);
    }
  }

  /**
   * The per-call constants of the step (slices of the weights); the
   * default is none.
   * @internal
   */
  protected prepare(): Tensor[] {
    return [];
  }

  /** The input bias added to x · kernel, or null. @internal */
  protected inputBias(): Tensor | null {
    return this.useBias ? this.bias : null;
  }

  /**
   * The recurrent products `h · U_g` of every gate block g, each [batch,
   * units]; with recurrent dropout, block g uses `h ⊙ mask_g`.
   * @internal
   */
  protected recurrentProducts(
    h: Tensor,
    ctx: StepContext,
    blocks = this.gates,
  ): Tensor[] {
    const u = this.units;
    const masks = ctx.recurrentMasks;
    if (masks === null) {
      const kernel =
        blocks === this.gates
          ? this.recurrentKernel
          : split(
              this.recurrentKernel,
              [blocks * u, (this.gates - blocks) * u],
              1,
            )[0]!;
      const product = matMul(h, kernel);
      return blocks === 1 ? [product] : split(product, blocks, 1);
    }
    const kernels = split(this.recurrentKernel, this.gates, 1);
    return Array.from({ length: blocks }, (_, g) =>
      matMul(mul(h, masks[g]!), kernels[g]!),
    );
  }

  /**
   * One step: `xw` is x_t · kernel (+ input bias), [batch, gates·units];
   * returns the new states, the first being the output.
   * @internal
   */
  protected abstract step(
    xw: Tensor,
    states: Tensor[],
    ctx: StepContext,
  ): Tensor[];

  /** `count` dropout masks of `shape` (kept: 1/(1 − rate), dropped: 0). */
  #dropoutMasks(rate: number, shape: number[], count: number): Tensor[] {
    return Array.from({ length: count }, () => {
      const u = randomUniform(
        shape,
        0,
        1,
        this.dtype,
        this.#generator?.nextUint32(),
      );
      return div(cast(greaterEqual(u, rate), this.dtype), 1 - rate);
    });
  }

  /** The [batch, time] mask of the call, checked, as bool; or null. */
  #callMask(mask: unknown, batch: number, time: number): Tensor | null {
    let m = mask;
    if (Array.isArray(m)) m = m.length > 0 ? m[0] : null;
    if (m === undefined || m === null) return null;
    const where = this.toString();
    const t = m instanceof Tensor ? m : toTensor(m, where, "bool");
    if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== time) {
      throw new ShapeError(
        `${where}: expected a mask of shape [batch, time] = ` +
          `${show([batch, time])}, got shape ${show(t.shape)}`,
      );
    }
    return cast(t, "bool");
  }

  /** The initial states of a call without given ones. */
  #startStates(batch: number, x: Tensor): Tensor[] {
    if (this.stateful && this.#states !== null) {
      const kept = this.#states[0]!.shape[0];
      if (kept !== batch) {
        throw new ValueError(
          `${this.toString()}: expected a batch of ${kept} (a stateful ` +
            `layer keeps the batch size of its first call; resetStates ` +
            `with new values changes it), got input shape ${show(x.shape)}`,
        );
      }
      return this.#states;
    }
    return Array.from({ length: this.stateCount }, () =>
      zeros([batch, this.units], this.dtype),
    );
  }

  override call(inputs: Tensor | Tensor[], options: CallOptions = {}): Out {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0]!;
    const given = list.slice(1);
    if (x.rank !== 3) {
      throw new ShapeError(
        `${this.toString()}: expected an input of rank 3 [batch, time, ` +
          `features], got rank ${x.rank} (shape ${show(x.shape)})`,
      );
    }
    const [batch, time, features] = x.shape as [number, number, number];
    const kernel = this.kernel;
    if (features !== kernel.shape[0]) {
      throw new ShapeError(
        `${this.toString()}: expected ${kernel.shape[0]} features (the ` +
          `last dimension), got shape ${show(x.shape)}`,
      );
    }
    if (time < 1) {
      throw new ShapeError(
        `${this.toString()}: expected at least one timestep, got shape ` +
          show(x.shape),
      );
    }
    if (given.length !== 0 && given.length !== this.stateCount) {
      throw new ValueError(
        `${this.toString()}: expected ${this.stateCount} initial state(s), ` +
          `got ${given.length}`,
      );
    }
    for (const s of given) {
      if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== this.units) {
        throw new ShapeError(
          `${this.toString()}: expected initial states of shape ` +
            `${show([batch, this.units])}, got shape ${show(s.shape)}`,
        );
      }
    }
    const mask = this.#callMask(options.mask, batch, time);
    let states = given.length > 0 ? given : this.#startStates(batch, x);
    const training = options.training === true;
    const dropIn = training && this.dropout > 0 && this.dropout < 1;
    const dropRec =
      training && this.recurrentDropout > 0 && this.recurrentDropout < 1;
    // Keras 3: recurrent dropout switches the cell to one mask per gate.
    const inMasks = dropIn
      ? this.#dropoutMasks(
          this.dropout,
          [batch, features],
          this.recurrentDropout > 0 ? this.gates : 1,
        )
      : null;
    const recurrentMasks = dropRec
      ? this.#dropoutMasks(
          this.recurrentDropout,
          [batch, this.units],
          this.gates,
        )
      : null;
    // The input projection of every step at once: [batch, time, width].
    let xw: Tensor;
    if (inMasks === null) {
      xw = matMul(x, kernel);
    } else if (inMasks.length === 1) {
      xw = matMul(mul(x, reshape(inMasks[0]!, [batch, 1, features])), kernel);
    } else {
      const blocks = split(kernel, this.gates, 1);
      xw = concat(
        blocks.map((k, g) =>
          matMul(mul(x, reshape(inMasks[g]!, [batch, 1, features])), k),
        ),
        2,
      );
    }
    const b = this.inputBias();
    if (b !== null) xw = add(xw, b);
    const width = this.gates * this.units;
    const steps = split(xw, time, 1).map((t) => reshape(t, [batch, width]));
    const stepMasks = mask === null ? null : split(mask, time, 1);
    if (this.goBackwards) {
      steps.reverse();
      stepMasks?.reverse();
    }
    const ctx: StepContext = { constants: this.prepare(), recurrentMasks };
    const outputs: Tensor[] = [];
    steps.forEach((xt, t) => {
      const next = this.step(xt, states, ctx);
      const m = stepMasks?.[t];
      if (m === undefined) {
        states = next;
        outputs.push(next[0]!);
        return;
      }
      const prev = states;
      states = next.map((s, i) => where(m, s, prev[i]!));
      outputs.push(this.zeroOutputForMask ? where(m, next[0]!, 0) : states[0]!);
    });
    if (this.stateful) this.#states = states.map((s) => stopGradient(s));
    const output = this.returnSequences
      ? stack(outputs, 1)
      : outputs[outputs.length - 1]!;
    return (this.returnState ? [output, ...states] : output) as Out;
  }

  override computeOutputShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    const shape = this.#sequenceShape(inputShape);
    const features = this.built ? this.kernel.shape[0]! : null;
    if (features !== null && shape[2] !== null && shape[2] !== features) {
      throw new ShapeError(
        `${this.toString()}: expected ${features} features (the last ` +
          `dimension), got shape ${show(shape)}`,
      );
    }
    const batch = shape[0] ?? null;
    const output: SymbolicShape = this.returnSequences
      ? [batch, shape[1] ?? null, this.units]
      : [batch, this.units];
    if (!this.returnState) return output;
    return [
      output,
      ...Array.from({ length: this.stateCount }, () => [batch, this.units]),
    ];
  }

  /**
   * The output's mask: the input's with returnSequences, else none; with
   * returnState, `[outputMask, null, ...]` (states have no mask).
   */
  override computeMask(inputs: Tensor | Tensor[], mask: Mask): Mask {
    void inputs;
    const first = mask instanceof Tensor || mask === null ? mask : mask[0];
    const out = this.returnSequences ? (first ?? null) : null;
    if (!this.returnState) return out;
    return [out, ...Array.from({ length: this.stateCount }, () => null)];
  }

  override getConfig(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      ...super.getConfig(),
      units: this.units,
      activation: activations.serialize(this.activation),
      useBias: this.useBias,
      kernelInitializer: initializers.serialize(this.kernelInitializer),
      recurrentInitializer: initializers.serialize(this.recurrentInitializer),
      biasInitializer: initializers.serialize(this.biasInitializer),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.stateful,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      seed: this.seed,
      zeroOutputForMask: this.zeroOutputForMask,
    };
    const regs = {
      kernelRegularizer: this.kernelRegularizer,
      recurrentRegularizer: this.recurrentRegularizer,
      biasRegularizer: this.biasRegularizer,
    };
    for (const [key, r] of Object.entries(regs)) {
      if (r !== null) out[key] = regularizers.serialize(r);
    }
    const cons = {
      kernelConstraint: this.kernelConstraint,
      recurrentConstraint: this.recurrentConstraint,
      biasConstraint: this.biasConstraint,
    };
    for (const [key, c] of Object.entries(cons)) {
      if (c !== null) out[key] = constraints.serialize(c);
    }
    return out;
  }
}

/**
 * A fully connected recurrent layer: `h_t = activation(x_t · kernel +
 * h_{t-1} · recurrentKernel + bias)`, from h_0 = 0.
 *
 * Weights (Keras's order): kernel [features, units], recurrentKernel
 * [units, units], bias [units]. Input: [batch, time, features]. Output:
 * [batch, units] (the last h), [batch, time, units] with returnSequences,
 * and `[output, h]` with returnState.
 *
 * Masks, dropout, recurrentDropout and stateful: see {@link RNN}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const rnn = new tg.layers.SimpleRNN({
 *   units: 1,
 *   activation: "linear",
 *   kernelInitializer: "ones",
 *   recurrentInitializer: tg.initializers.constant(0.5),
 *   returnSequences: true,
 * });
 * console.log(rnn.apply([[[1], [2], [3]]]).toArray()); // [ [ [ 1 ], [ 2.5 ], [ 4.25 ] ] ]
 * ```
 */
export class SimpleRNN<Out extends RNNOutput = Tensor> extends RNN<Out> {
  protected readonly gates = 1;
  protected readonly stateCount = 1;

  protected step(xw: Tensor, states: Tensor[], ctx: StepContext): Tensor[] {
    const [hu] = this.recurrentProducts(states[0]!, ctx) as [Tensor];
    return [this.activation(add(xw, hu))];
  }
}

/**
 * Long short-term memory (Hochreiter & Schmidhuber, 1997), Keras's gate
 * order i, f, c, o:
 *
 *   z = x_t · kernel + h_{t-1} · recurrentKernel + bias,
 *   split z into [i, f, g, o] (units each);
 *   c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ act(g);  h_t = σ(o) ⊙ act(c_t)
 *
 * with σ = recurrentActivation (default sigmoid; TensorFlow.js's default
 * is hard_sigmoid), act = activation (default tanh). Weights: kernel
 * [features, 4·units], recurrentKernel
 * [units, 4·units], bias [4·units] (with unitForgetBias, default true,
 * the forget block starts at 1). States [h, c]; returnState gives
 * `[output, h, c]`; an initial state is given as `apply([x, h0, c0])`.
 *
 * Masks, dropout, recurrentDropout and stateful: see {@link RNN}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const lstm = tg.layers.lstm({ units: 3, returnSequences: true });
 * console.log(lstm.apply(tg.zeros([2, 5, 4])).shape); // [ 2, 5, 3 ]
 * console.log(lstm.weights.map((w) => w.shape)); // [ [ 4, 12 ], [ 3, 12 ], [ 12 ] ]
 * ```
 */
export class LSTM<Out extends RNNOutput = Tensor> extends RNN<Out> {
  protected readonly gates = 4;
  protected readonly stateCount = 2;
  readonly recurrentActivation: activations.Activation;
  readonly unitForgetBias: boolean;

  constructor(args: LSTMArgs) {
    super(args);
    this.recurrentActivation = activations.get(
      args.recurrentActivation === undefined
        ? "sigmoid"
        : args.recurrentActivation,
    );
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected override initialBias(): Tensor | null {
    if (!this.unitForgetBias) return null;
    const u = this.units;
    return concat(
      [
        this.biasInitializer.call([u], this.dtype),
        ones([u], this.dtype),
        this.biasInitializer.call([2 * u], this.dtype),
      ],
      0,
    );
  }

  protected step(xw: Tensor, states: Tensor[], ctx: StepContext): Tensor[] {
    const [h, c] = states as [Tensor, Tensor];
    const hu = this.recurrentProducts(h, ctx);
    const z = add(xw, hu.length === 1 ? hu[0]! : concat(hu, 1));
    const [i, f, g, o] = split(z, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const rec = this.recurrentActivation;
    const cNext = add(mul(rec(f), c), mul(rec(i), this.activation(g)));
    const hNext = mul(rec(o), this.activation(cNext));
    return [hNext, cNext];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: activations.serialize(this.recurrentActivation),
      unitForgetBias: this.unitForgetBias,
    };
  }
}

/**
 * Gated recurrent unit (Cho et al., 2014), Keras's gate order z, r, h:
 *
 *   z = σ(x·Wz + bz + h·Uz + b'z),  r = σ(x·Wr + br + h·Ur + b'r)
 *   resetAfter (default): ĥ = act(x·Wh + bh + r ⊙ (h·Uh + b'h))
 *   otherwise:            ĥ = act(x·Wh + bh + (r ⊙ h)·Uh)
 *   h_t = z ⊙ h_{t-1} + (1 − z) ⊙ ĥ
 *
 * with σ = recurrentActivation (default sigmoid), act = activation
 * (default tanh). Weights: kernel [features, 3·units], recurrentKernel
 * [units, 3·units], bias [2, 3·units] (row 0 the input bias, row 1 the
 * recurrent bias) with resetAfter, else [3·units].
 *
 * TensorFlow.js's GRU has only resetAfter false (it rejects true) and
 * defaults recurrentActivation to hard_sigmoid; Keras 3 (followed here)
 * defaults to resetAfter true and sigmoid.
 *
 * Masks, dropout, recurrentDropout and stateful: see {@link RNN}.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const gru = tg.layers.gru({ units: 5 });
 * console.log(gru.apply(tg.zeros([2, 7, 4])).shape); // [ 2, 5 ]
 * console.log(gru.weights.map((w) => w.shape)); // [ [ 4, 15 ], [ 5, 15 ], [ 2, 15 ] ]
 * ```
 */
export class GRU<Out extends RNNOutput = Tensor> extends RNN<Out> {
  protected readonly gates = 3;
  protected readonly stateCount = 1;
  readonly recurrentActivation: activations.Activation;
  readonly resetAfter: boolean;

  constructor(args: GRUArgs) {
    super(args);
    this.recurrentActivation = activations.get(
      args.recurrentActivation === undefined
        ? "sigmoid"
        : args.recurrentActivation,
    );
    this.resetAfter = args.resetAfter ?? true;
  }

  protected override biasShape(): number[] {
    const width = 3 * this.units;
    return this.resetAfter ? [2, width] : [width];
  }

  protected override inputBias(): Tensor | null {
    if (!this.useBias) return null;
    if (!this.resetAfter) return this.bias;
    return reshape(split(this.bias, 2, 0)[0]!, [3 * this.units]);
  }

  /** resetAfter: [recurrent bias]; else [U_zr, U_h]. @internal */
  protected override prepare(): Tensor[] {
    const u = this.units;
    if (this.resetAfter) {
      return this.useBias ? [reshape(split(this.bias, 2, 0)[1]!, [3 * u])] : [];
    }
    return split(this.recurrentKernel, [2 * u, u], 1);
  }

  protected step(xw: Tensor, states: Tensor[], ctx: StepContext): Tensor[] {
    const h = states[0]!;
    const rec = this.recurrentActivation;
    const [xz, xr, xh] = split(xw, 3, 1) as [Tensor, Tensor, Tensor];
    let z: Tensor;
    let hh: Tensor;
    if (this.resetAfter) {
      let [rz, rr, rh] = this.recurrentProducts(h, ctx) as [
        Tensor,
        Tensor,
        Tensor,
      ];
      const rb = ctx.constants[0];
      if (rb !== undefined) {
        const [bz, br, bh] = split(rb, 3, 0) as [Tensor, Tensor, Tensor];
        rz = add(rz, bz);
        rr = add(rr, br);
        rh = add(rh, bh);
      }
      z = rec(add(xz, rz));
      const r = rec(add(xr, rr));
      hh = this.activation(add(xh, mul(r, rh)));
    } else {
      const [rz, rr] = this.recurrentProducts(h, ctx, 2) as [Tensor, Tensor];
      z = rec(add(xz, rz));
      const r = rec(add(xr, rr));
      const uh = ctx.constants[1]!;
      const masks = ctx.recurrentMasks;
      const hForH = masks === null ? h : mul(h, masks[2]!);
      hh = this.activation(add(xh, matMul(mul(r, hForH), uh)));
    }
    return [add(mul(z, h), mul(sub(1, z), hh))];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: activations.serialize(this.recurrentActivation),
      resetAfter: this.resetAfter,
    };
  }
}

/**
 * Creates a {@link SimpleRNN} layer; typed to return a list when
 * `returnState` is true.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const rnn = tg.layers.simpleRNN({ units: 2, returnState: true });
 * const [out, h] = rnn.apply(tg.ones([1, 3, 2]));
 * console.log(out.shape, h.shape); // [ 1, 2 ] [ 1, 2 ]
 * ```
 */
export function simpleRNN(
  args: SimpleRNNArgs & { returnState: true },
): SimpleRNN<Tensor[]>;
export function simpleRNN(args: SimpleRNNArgs): SimpleRNN;
export function simpleRNN(args: SimpleRNNArgs): SimpleRNN<RNNOutput> {
  return new SimpleRNN<RNNOutput>(args);
}

/**
 * Creates an {@link LSTM} layer; typed to return a list when
 * `returnState` is true.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const lstm = tg.layers.lstm({ units: 2, returnState: true });
 * const [out, h, c] = lstm.apply(tg.ones([1, 3, 2]));
 * console.log(out.shape, h.shape, c.shape); // [ 1, 2 ] [ 1, 2 ] [ 1, 2 ]
 * ```
 */
export function lstm(args: LSTMArgs & { returnState: true }): LSTM<Tensor[]>;
export function lstm(args: LSTMArgs): LSTM;
export function lstm(args: LSTMArgs): LSTM<RNNOutput> {
  return new LSTM<RNNOutput>(args);
}

/**
 * Creates a {@link GRU} layer; typed to return a list when `returnState`
 * is true.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const gru = tg.layers.gru({ units: 3, returnSequences: true });
 * console.log(gru.apply(tg.ones([2, 4, 1])).shape); // [ 2, 4, 3 ]
 * ```
 */
export function gru(args: GRUArgs & { returnState: true }): GRU<Tensor[]>;
export function gru(args: GRUArgs): GRU;
export function gru(args: GRUArgs): GRU<RNNOutput> {
  return new GRU<RNNOutput>(args);
}
