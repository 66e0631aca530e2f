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
export class Layer {
  /** The layer's unique name. */
  readonly name: string;
  /** The dtype of weights and computation. */
  readonly dtype: DType;
  /** Whether `build` has run. */
  built = false;
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
    this.build = (inputShape: SymbolicShape) => {
      if (this.built) return;
      withoutRecording(() => hook(inputShape));
      this._buildShape = [null, ...inputShape.slice(1)];
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
  build(inputShape: SymbolicShape): void {
    void inputShape;
  }

  /** The layer's computation. Override it; call `apply` to use it. */
  call(inputs: Tensor): Tensor {
    return inputs;
  }

  /** The output shape for `inputShape`; the default keeps it. */
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  /**
   * Runs the layer: converts the input (a number is one sample with one
   * feature, shape [1, 1]; nested arrays become tensors of the layer's
   * dtype), casts float inputs to the layer's dtype, builds on first use,
   * then calls `call`.
   */
  apply(inputs: TensorLike): Tensor {
    const x = this.convertInput(inputs);
    if (!this.built) this.build(x.shape);
    return this.call(x);
  }

  /** The tensor `apply` works on. @internal */
  protected convertInput(inputs: TensorLike): Tensor {
    if (typeof inputs === "number") {
      return sampleOf(inputs, this.dtype);
    }
    const t =
      inputs instanceof Tensor
        ? inputs
        : toTensor(inputs, `${this.className} "${this.name}"`, this.dtype);
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
  protected sublayers(): readonly Layer[] {
    return [];
  }

  /** Every weight, own and of sublayers, with hooks. @internal */
  allWeights(): LayerWeight[] {
    const out = [...this.#weights];
    for (const l of this.sublayers()) out.push(...l.allWeights());
    return out;
  }

  /** All variables: trainable first, then non-trainable, as in Keras. */
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** The variables an optimizer updates. */
  get trainableWeights(): Variable[] {
    return this.allWeights()
      .map((w) => w.variable)
      .filter((v) => v.trainable);
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

  /** Regularization penalties of the weights, computed now. */
  get losses(): Tensor[] {
    return this.allWeights().flatMap((w) =>
      w.regularizer ? [w.regularizer(w.variable)] : [],
    );
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
