// SPDX-License-Identifier: Apache-2.0
/**
 * The Layer base class: a callable that owns weights. A layer builds its
 * weights on its first `apply`, from the input's shape; subclasses override
 * `build(inputShape)` and `call(x)`.
 */
import { checkDType, isFloat, type DType } from "../../core/dtype.js";
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { shapesEqual } from "../../core/shape.js";
import { Tensor, type TensorLike } from "../../core/tensor.js";
import { withoutRecording } from "../../autodiff/tape.js";
import { cast } from "../../ops/cast.js";
import { sampleOf, toTensor } from "../../ops/convert.js";
import { Variable } from "../../variables.js";
import { maskOf, setMaskOf } from "../masks.js";
import {
  type SymbolicTensor,
  applySymbolic,
  isShapeList,
  isSymbolicInput,
  probeOutputShape,
} from "../models/symbolic.js";
import {
  get as getInitializer,
  type InitializerIdentifier,
} from "../initializers.js";

/** A penalty on a weight, added to the layer's `losses`. */
export type Regularizer = (weight: Tensor) => Tensor;

/** A projection applied to a weight after each optimizer update. */
export type Constraint = (weight: Tensor) => Tensor;

/** Options every layer takes. */
export interface LayerArgs {
  /** A unique name; default: the class name in snake_case, numbered. */
  name?: string;
  /** Whether its weights train. Default true. */
  trainable?: boolean;
  /** The dtype of weights and computation. Default "float32". */
  dtype?: DType;
  /**
   * The shape of one sample, without the batch dimension (TensorFlow.js
   * style); lets a Sequential model build before it sees data.
   */
  inputShape?: readonly number[];
}

/** Options of `addWeight`. */
export interface AddWeightOptions {
  shape: readonly number[];
  initializer?: InitializerIdentifier;
  dtype?: DType;
  trainable?: boolean;
  regularizer?: Regularizer | null;
  constraint?: Constraint | null;
}

/** A variable a layer owns, with its regularizer and constraint. */
export interface LayerWeight {
  variable: Variable;
  /** Whether the weight trains while its layer does (addWeight's flag). */
  trainable: boolean;
  regularizer: Regularizer | null;
  constraint: Constraint | null;
}

/** A layer's output shape, with null for the unknown batch dimension. */
export type SymbolicShape = readonly (number | null)[];

/** Options every `call` receives. */
export interface CallOptions {
  /**
   * Whether the call is part of training (fit, trainOnBatch). Layers such
   * as Dropout behave differently; default false.
   */
  training?: boolean;
  /**
   * The mask of the inputs: booleans [batch, time] for a sequence (true
   * where a timestep is real, false where it is padding), or one per input
   * for a list. `apply` fills it from the masks that earlier layers
   * attached to the inputs (Embedding with maskZero, Masking), as Keras
   * does; pass it to override them. Layers that use masks (recurrent,
   * attention, GlobalAveragePooling1D) read it; others ignore it.
   */
  mask?: Mask;
}

/** A call's mask: one boolean tensor, one per input (null: none), or null. */
export type Mask = Tensor | readonly (Tensor | null)[] | null;

/**
 * The mask a layer attached to `t` (Keras's `_keras_mask`), or null: the
 * boolean tensor that says which timesteps of `t` are real.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const embed = tg.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true });
 * const y = embed.apply(tg.tensor([[3, 1, 0, 0]], undefined, "int32"));
 * console.log(tg.layers.getMask(y)?.toArray()); // [ [ true, true, false, false ] ]
 * ```
 */
export function getMask(t: Tensor): Tensor | null {
  return maskOf(t);
}

/** The masks attached to `inputs` (null when none has one). */
function maskOfInputs(inputs: unknown): Mask {
  if (inputs instanceof Tensor) return maskOf(inputs);
  if (!Array.isArray(inputs)) return null;
  let any = false;
  const out = (inputs as readonly unknown[]).map((t) => {
    const m = t instanceof Tensor ? maskOf(t) : null;
    if (m !== null) any = true;
    return m;
  });
  return any ? out : null;
}

/** Attaches `mask` to `output` (element-wise for lists). */
function attachMask(output: LayerOutput, mask: Mask): void {
  if (mask === null) return;
  if (output instanceof Tensor) {
    const m = mask instanceof Tensor ? mask : (mask[0] ?? null);
    if (m !== null) setMaskOf(output, m);
    return;
  }
  if (!Array.isArray(output)) return;
  const list = output as readonly Tensor[];
  list.forEach((t, i) => {
    const m = mask instanceof Tensor ? (i === 0 ? mask : null) : mask[i];
    if (m != null) setMaskOf(t, m);
  });
}

/** What a layer returns: one tensor, a list of tensors, or a record. */
export type LayerOutput =
  Tensor | readonly Tensor[] | { readonly [name: string]: Tensor };

/**
 * What a layer accepts: a tensor (or values), or a list of tensors; models
 * of several inputs also take a record keyed by input name.
 */
export type LayerInput =
  TensorLike | readonly Tensor[] | { readonly [name: string]: TensorLike };

/** The symbolic counterpart of a layer's output type. */
export type SymbolicOf<Out> = Out extends Tensor
  ? SymbolicTensor
  : Out extends readonly Tensor[]
    ? SymbolicTensor[]
    : { [K in keyof Out]: SymbolicTensor };

const nameCounts = new Map<string, number>();

/** The next unique name for `base`: dense, dense_1, dense_2, ... */
export function uniqueName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/**
 * Forgets the names given so far, so that the next Dense is "dense" again
 * (Keras's `clear_session`).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * tg.clearSession();
 * console.log(tg.layers.dense({ units: 1 }).name); // dense
 * ```
 */
export function clearSession(): void {
  nameCounts.clear();
}

function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * The base of every layer and model.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * class Scale extends tg.layers.Layer {
 *   factor!: tg.Variable;
 *   override build(): void {
 *     this.factor = this.addWeight("factor", { shape: [1], initializer: "ones" });
 *   }
 *   override call(x: tg.Tensor): tg.Tensor {
 *     return x.mul(this.factor);
 *   }
 * }
 * const layer = new Scale();
 * console.log(layer.apply([[2, 3]]).toArray()); // [ [ 2, 3 ] ]
 * ```
 */
export class Layer<Out extends LayerOutput = Tensor> {
  /** The layer's unique name. */
  readonly name: string;
  /** The dtype of weights and computation. */
  readonly dtype: DType;
  /** Whether `build` has run. */
  built = false;
  /**
   * Whether the layer passes its input's mask on to its output unchanged
   * (Keras's `supports_masking`). Layers that change the mask override
   * `computeMask` instead.
   */
  supportsMasking = false;
  /** The input shape seen when built, batch dimension null. */
  protected _buildShape: SymbolicShape | null = null;
  readonly #weights: LayerWeight[] = [];
  #trainable: boolean;
  /** The sample shape given by `inputShape`, if any. */
  readonly inputShape: readonly number[] | null;

  constructor(args: LayerArgs = {}) {
    if (args.dtype !== undefined) checkDType(args.dtype, this.className);
    this.name = args.name ?? uniqueName(snakeCase(this.className));
    this.dtype = args.dtype ?? "float32";
    this.#trainable = args.trainable ?? true;
    this.inputShape = args.inputShape ? [...args.inputShape] : null;
    // As in Keras, build may be called by users and runs only once: wrap
    // the subclass's build so that it marks the layer built.
    const hook = this.build.bind(this);
    this.build = (inputShape: SymbolicShape | readonly SymbolicShape[]) => {
      if (this.built) return;
      withoutRecording(() => hook(inputShape));
      const first = isShapeList(inputShape) ? inputShape[0] : inputShape;
      this._buildShape = first ? [null, ...first.slice(1)] : null;
      this.built = true;
    };
  }

  /** The class name, as Keras writes it in configs. */
  get className(): string {
    return this.constructor.name;
  }

  /**
   * Whether the layer's weights train; setting it applies to them all and
   * to sublayers, as in Keras. A weight created with `trainable: false`
   * stays frozen when the layer is unfrozen.
   */
  get trainable(): boolean {
    return this.#trainable;
  }

  set trainable(value: boolean) {
    this.#trainable = value;
    for (const w of this.#weights) w.variable.trainable = value && w.trainable;
    for (const l of this.sublayers()) l.trainable = value;
  }

  /**
   * Creates the layer's weights for inputs of `inputShape` (null for an
   * unknown dimension, such as the batch). Runs once: the first `apply`
   * calls it, or call it yourself to create the weights before any data.
   * Subclasses override it; the default creates nothing.
   */
  build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    void inputShape;
  }

  /**
   * The layer's computation. Override it; call `apply` to use it. It
   * receives a tensor, or a list of tensors for layers of several inputs.
   * The default returns its input.
   */
  call(inputs: unknown, options?: CallOptions): Out {
    void options;
    return inputs as Out;
  }

  /**
   * The output shape for `inputShape` (null: unknown dimension). The
   * default finds it by running the layer on zeros; layers override it
   * when a formula is cheaper.
   */
  computeOutputShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    return probeOutputShape(this, inputShape);
  }

  /**
   * Runs the layer. Values are converted first (a number is one sample
   * with one feature, shape [1, 1]; nested arrays become tensors of the
   * layer's dtype; float tensors are cast to it); the layer builds on
   * first use; then `call` runs. Given symbolic tensors (from `tg.input`),
   * it records the call in a functional model's graph instead and returns
   * symbolic outputs.
   */
  apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    options?: CallOptions,
  ): SymbolicOf<Out>;
  apply(inputs: LayerInput, options?: CallOptions): Out;
  apply(
    inputs: LayerInput | SymbolicTensor | readonly SymbolicTensor[],
    options: CallOptions = {},
  ): Out | SymbolicOf<Out> {
    if (isSymbolicInput(inputs)) {
      return applySymbolic(this, inputs) as SymbolicOf<Out>;
    }
    const mask =
      options.mask === undefined ? maskOfInputs(inputs) : options.mask;
    const x = this.convertInput(inputs);
    if (!this.built) {
      this.build(Array.isArray(x) ? x.map((t) => t.shape) : x.shape);
    }
    const y = this.call(
      x,
      mask === (options.mask ?? null) ? options : { ...options, mask },
    );
    attachMask(y, this.computeMask(x, mask));
    this.lastOutputShape = y instanceof Tensor ? y.shape : null;
    return y;
  }

  /**
   * The mask of the output for `inputs` with `mask` (Keras's
   * `compute_mask`): by default the input's mask when `supportsMasking`,
   * else null. `apply` attaches it to the output, where the next layer
   * finds it.
   */
  computeMask(inputs: Tensor | Tensor[], mask: Mask): Mask {
    void inputs;
    return this.supportsMasking ? mask : null;
  }

  /** The shape of the last output (of a single-output call), for summaries. */
  lastOutputShape: readonly number[] | null = null;

  /**
   * The tensors `apply` works on: a list of tensors stays a list (each
   * cast to the layer's dtype); anything else becomes one tensor.
   * @internal
   */
  protected convertInput(inputs: LayerInput): Tensor | Tensor[] {
    if (Array.isArray(inputs) && inputs.length > 0) {
      const list = inputs as readonly unknown[];
      if (list.every((x) => x instanceof Tensor)) {
        return (list as Tensor[]).map((t) => this.castInput(t));
      }
    }
    const one = inputs as unknown as TensorLike;
    if (typeof one === "number") return sampleOf(one, this.dtype);
    const where = `${this.className} "${this.name}"`;
    return this.castInput(
      one instanceof Tensor ? one : toTensor(one, where, this.dtype),
    );
  }

  /** Casts a float tensor to the layer's dtype. @internal */
  protected castInput(t: Tensor): Tensor {
    return isFloat(t.dtype) && t.dtype !== this.dtype ? cast(t, this.dtype) : t;
  }

  /**
   * Creates a weight of this layer, named `<layer>/<name>`, initialised by
   * `initializer` (default "glorot_uniform" as Keras).
   */
  addWeight(name: string, options: AddWeightOptions): Variable {
    const init = getInitializer(options.initializer ?? "glorot_uniform");
    const dtype = options.dtype ?? this.dtype;
    const trainable = options.trainable ?? true;
    const variable = new Variable(init.call(options.shape, dtype), {
      name: `${this.name}/${name}`,
      trainable: trainable && this.#trainable,
      constraint: options.constraint ?? null,
    });
    this.#weights.push({
      variable,
      trainable,
      regularizer: options.regularizer ?? null,
      constraint: options.constraint ?? null,
    });
    return variable;
  }

  /** The layer's own weights with their hooks, in creation order. */
  protected ownWeights(): readonly LayerWeight[] {
    return this.#weights;
  }

  /** Sublayers whose weights count as this layer's; none by default. */
  protected sublayers(): readonly Layer<LayerOutput>[] {
    return [];
  }

  /** Every weight, own and of sublayers, with hooks. @internal */
  allWeights(): LayerWeight[] {
    const out = [...this.#weights];
    for (const l of this.sublayers()) out.push(...l.allWeights());
    return out;
  }

  /**
   * All variables, as Keras orders them: the layer's own weights created
   * trainable, then its own non-trainable ones, then each sublayer's
   * `weights` in turn (so a model lists its layers' weights layer by layer,
   * and freezing a layer does not reorder them).
   */
  get weights(): Variable[] {
    const own = this.#weights;
    const out = [
      ...own.filter((w) => w.trainable),
      ...own.filter((w) => !w.trainable),
    ].map((w) => w.variable);
    for (const l of this.sublayers()) out.push(...l.weights);
    return [...new Set(out)];
  }

  /** The variables an optimizer updates. */
  get trainableWeights(): Variable[] {
    // A plain loop: training loops read this every step.
    const out: Variable[] = [];
    for (const w of this.allWeights())
      if (w.variable.trainable) out.push(w.variable);
    return out;
  }

  /** The variables that do not train. */
  get nonTrainableWeights(): Variable[] {
    return this.allWeights()
      .map((w) => w.variable)
      .filter((v) => !v.trainable);
  }

  /** The same as `trainableWeights` (Keras 3's name). */
  get trainableVariables(): Variable[] {
    return this.trainableWeights;
  }

  /** The same as `nonTrainableWeights`. */
  get nonTrainableVariables(): Variable[] {
    return this.nonTrainableWeights;
  }

  /** Every variable. */
  get variables(): Variable[] {
    return this.weights;
  }

  /**
   * The layer's losses: its weights' regularization penalties, computed
   * now, then each sublayer's losses (which include activity penalties
   * from their latest call).
   */
  get losses(): Tensor[] {
    const own = this.#weights.flatMap((w) =>
      w.regularizer ? [w.regularizer(w.variable)] : [],
    );
    return [...own, ...this.sublayers().flatMap((l) => l.losses)];
  }

  /** The number of scalars in the layer's weights. */
  countParams(): number {
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /** Copies of the weights' values, in `weights` order. */
  getWeights(): Tensor[] {
    return this.weights.map((v) => v.value);
  }

  /**
   * Sets every weight, in `weights` order. All shapes are checked before
   * any is set, so a bad list changes nothing.
   */
  setWeights(values: readonly TensorLike[]): void {
    const where = `${this.className} "${this.name}".setWeights`;
    const vars = this.weights;
    if (!Array.isArray(values) || values.length !== vars.length) {
      throw new ValueError(
        `${where}: expected ${vars.length} arrays, got ` +
          (Array.isArray(values) ? values.length : show(values)),
      );
    }
    const ts = values.map((v, i) => toTensor(v, where, vars[i]!.dtype));
    ts.forEach((t, i) => {
      if (!shapesEqual(t.shape, vars[i]!.shape)) {
        throw new ShapeError(
          `${where}: expected weight ${i} (${vars[i]!.name}) of shape ` +
            `${show(vars[i]!.shape)}, got shape ${show(t.shape)}`,
        );
      }
    });
    ts.forEach((t, i) => vars[i]!.assign(t));
  }

  /** The constructor options that rebuild this layer, Keras's keys. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, dtype: this.dtype };
  }

  /**
   * Rebuilds a layer of this class from `getConfig()` output (Keras's
   * `from_config`): `tg.layers.Dense.fromConfig(dense.getConfig())`.
   */
  static fromConfig<T extends Layer>(
    this: new (args: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(config as never);
  }

  /** The layer's name and class, as printed. */
  toString(): string {
    return `${this.className} "${this.name}"`;
  }
}
