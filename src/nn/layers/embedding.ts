// SPDX-License-Identifier: Apache-2.0
/** Embedding: maps integer indices to dense vectors (rows of a table). */
import { isFloat } from "../../core/dtype.js";
import { DTypeError, ValueError, show } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { notEqual } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { gather } from "../../ops/shape.js";
import type { Variable } from "../../variables.js";
import * as constraints from "../constraints.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import { Layer, type LayerArgs, type SymbolicShape } from "./layer.js";

type ResolvedRegularizer =
  regularizers.Regularizer | regularizers.RegularizerFunction | null;
type ResolvedConstraint =
  constraints.Constraint | constraints.ConstraintFunction | null;

/** Options of Embedding, with Keras's names and defaults. */
export interface EmbeddingArgs extends LayerArgs {
  /** The size of the vocabulary: indices run over [0, inputDim). */
  inputDim: number;
  /** The length of each vector. */
  outputDim: number;
  /**
   * Initializes the table; default "uniform", which is Keras 3's
   * RandomUniform(minval -0.05, maxval 0.05).
   */
  embeddingsInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the table ("l2", ...). Default none. */
  embeddingsRegularizer?: regularizers.RegularizerIdentifier;
  /** A projection of the table after each update. Default none. */
  embeddingsConstraint?: constraints.ConstraintIdentifier;
  /**
   * Whether index 0 is padding: `computeMask` then marks it false. Index 0
   * still has a row (so inputDim counts it), as in Keras. Default false.
   */
  maskZero?: boolean;
}

function checkDim(value: unknown, name: string): number {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new ValueError(
      `Embedding: expected ${name} to be a positive integer, got ` +
        `${name}=${show(value)}`,
    );
  }
  return value as number;
}

function resolveInitializer(
  id: initializers.InitializerIdentifier | undefined,
): initializers.Initializer {
  // Keras's "uniform" is RandomUniform(-0.05, 0.05).
  if (id === undefined || id === "uniform") {
    return initializers.randomUniform({ minval: -0.05, maxval: 0.05 });
  }
  return initializers.get(id);
}

/**
 * Turns integer indices into dense vectors: `y[..., :] = embeddings[x[...]]`,
 * a lookup in a trainable table of shape [inputDim, outputDim]. The
 * gradient adds each output row's gradient into the row it came from
 * (rows looked up twice get both).
 *
 * Input shape: any, of indices (int32; float inputs are cast to int32,
 * dropping fractions, as in Keras). Output shape: the input's plus
 * [outputDim], in the layer's dtype. An index outside [0, inputDim) throws
 * a ValueError naming it (TensorFlow on CPU also throws; on GPU it gives
 * zeros).
 *
 * Options: `inputDim`, `outputDim`, `embeddingsInitializer` (default
 * "uniform": RandomUniform(-0.05, 0.05) as Keras 3; TensorFlow.js uses the
 * same bounds), `embeddingsRegularizer`, `embeddingsConstraint`,
 * `maskZero` (default false).
 *
 * With `maskZero: true`, `computeMask(x)` gives `x != 0`, and `apply`
 * attaches it to the output (see `tg.layers.getMask`), so that the layers
 * after it skip the padding: recurrent layers keep their state over masked
 * steps, attention gives masked values no weight, GlobalAveragePooling1D
 * averages the real steps only. The output itself is not changed.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.Embedding({
 *   inputDim: 3,
 *   outputDim: 2,
 *   embeddingsInitializer: "ones",
 * });
 * console.log(layer.apply(tg.tensor([[0, 2]], undefined, "int32")).shape); // [ 1, 2, 2 ]
 * console.log(layer.embeddings.shape); // [ 3, 2 ]
 * ```
 */
export class Embedding extends Layer {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: initializers.Initializer;
  readonly embeddingsRegularizer: ResolvedRegularizer;
  readonly embeddingsConstraint: ResolvedConstraint;
  readonly maskZero: boolean;
  #embeddings: Variable | null = null;

  constructor(args: EmbeddingArgs) {
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `Embedding: expected an options object, got ${show(args)}`,
      );
    }
    const inputDim = checkDim(args.inputDim, "inputDim");
    const outputDim = checkDim(args.outputDim, "outputDim");
    const maskZero = args.maskZero ?? false;
    if (typeof maskZero !== "boolean") {
      throw new ValueError(
        `Embedding: expected maskZero to be a boolean, got ` +
          `maskZero=${show(maskZero)}`,
      );
    }
    const init = resolveInitializer(args.embeddingsInitializer);
    const reg = regularizers.get(args.embeddingsRegularizer);
    const con = constraints.get(args.embeddingsConstraint);
    super(args);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.embeddingsInitializer = init;
    this.embeddingsRegularizer = reg;
    this.embeddingsConstraint = con;
    this.maskZero = maskZero;
  }

  /** The table, [inputDim, outputDim]. Exists once built. */
  get embeddings(): Variable {
    if (!this.#embeddings) {
      throw new ValueError(
        `Embedding "${this.name}": the embeddings do not exist until the ` +
          "layer is built; apply the layer to an input first",
      );
    }
    return this.#embeddings;
  }

  override build(inputShape: SymbolicShape): void {
    void inputShape;
    this.#embeddings = this.addWeight("embeddings", {
      shape: [this.inputDim, this.outputDim],
      initializer: this.embeddingsInitializer,
      regularizer: regularizers.toFunction(this.embeddingsRegularizer),
      constraint: constraints.toFunction(this.embeddingsConstraint),
    });
  }

  /** Float tensors are not cast to the layer's dtype: they are indices. */
  protected override castInput(t: Tensor): Tensor {
    return t;
  }

  #indices(x: Tensor): Tensor {
    if (!isFloat(x.dtype) && x.dtype !== "int32") {
      throw new DTypeError(
        `Embedding "${this.name}": expected integer or float indices, got ` +
          `dtype ${x.dtype}`,
      );
    }
    const idx = x.dtype === "int32" ? x : cast(x, "int32");
    const data = idx.data as Int32Array;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < 0 || v >= this.inputDim) {
        throw new ValueError(
          `Embedding "${this.name}": expected indices in [0, ` +
            `${this.inputDim}), got index ${v} at flat position ${i} of an ` +
            `input of shape ${show(x.shape)}`,
        );
      }
    }
    return idx;
  }

  override call(x: Tensor): Tensor {
    return gather(this.embeddings, this.#indices(x), 0);
  }

  /**
   * The mask of `inputs` (bool, the input's shape): `inputs != 0` when
   * maskZero is true, else null.
   */
  override computeMask(inputs: Tensor): Tensor | null {
    if (!this.maskZero) return null;
    return notEqual(inputs, 0);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return [...inputShape, this.outputDim];
  }

  override getConfig(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: initializers.serialize(this.embeddingsInitializer),
      maskZero: this.maskZero,
    };
    if (this.embeddingsRegularizer !== null) {
      out.embeddingsRegularizer = regularizers.serialize(
        this.embeddingsRegularizer,
      );
    }
    if (this.embeddingsConstraint !== null) {
      out.embeddingsConstraint = constraints.serialize(
        this.embeddingsConstraint,
      );
    }
    return out;
  }
}

/**
 * Creates an {@link Embedding} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.embedding({ inputDim: 10, outputDim: 4 });
 * console.log(layer.apply(tg.tensor([[1, 2, 3]], undefined, "int32")).shape); // [ 1, 3, 4 ]
 * ```
 */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args);
}
