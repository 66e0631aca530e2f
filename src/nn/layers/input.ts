// SPDX-License-Identifier: Apache-2.0
/** InputLayer and `tg.input`: where a functional model's data enters. */
import { checkDType, type DType } from "../../core/dtype.js";
import { ValueError, show } from "../../core/errors.js";
import { Node, SymbolicTensor } from "../models/symbolic.js";
import { Layer, type SymbolicShape } from "./layer.js";

/** Options of `tg.input` and InputLayer. */
export interface InputArgs {
  /**
   * The shape of one sample, without the batch dimension; null for a
   * dimension of any size. Give this or `batchShape`.
   */
  shape?: readonly (number | null)[];
  /** A fixed batch size; default none (any). */
  batchSize?: number | null;
  /** The full shape, batch dimension first (instead of shape and batchSize). */
  batchShape?: readonly (number | null)[];
  /** The dtype of the data. Default "float32". */
  dtype?: DType;
  /** A name; default "input_layer", numbered. */
  name?: string;
}

const isDim = (d: unknown) =>
  d === null || (typeof d === "number" && Number.isInteger(d) && d >= 0);

/** The batch shape from `shape` and `batchSize`, or `batchShape`. */
function batchShapeOf(args: InputArgs, where: string): SymbolicShape {
  const { shape, batchShape, batchSize } = args;
  if ((shape === undefined) === (batchShape === undefined)) {
    throw new ValueError(
      `${where}: expected shape or batchShape (one of them), got ` +
        `shape=${show(shape)}, batchShape=${show(batchShape)}`,
    );
  }
  const dims: unknown = shape ?? batchShape;
  const name = shape !== undefined ? "shape" : "batchShape";
  if (!Array.isArray(dims) || !dims.every(isDim)) {
    throw new ValueError(
      `${where}: expected ${name} to be an array of integers >= 0 or null, ` +
        `got ${name}=${show(dims)}`,
    );
  }
  if (batchShape !== undefined) {
    if (batchShape.length === 0) {
      throw new ValueError(
        `${where}: expected batchShape to start with the batch dimension, ` +
          "got batchShape=[]",
      );
    }
    return [...batchShape];
  }
  const b = batchSize ?? null;
  if (b !== null && !(Number.isInteger(b) && b >= 1)) {
    throw new ValueError(
      `${where}: expected batchSize to be an integer >= 1 or null, got ` +
        `batchSize=${show(b)}`,
    );
  }
  return [b, ...(dims as (number | null)[])];
}

/**
 * The layer behind `tg.input`: it has no weights and stands for the data a
 * functional model receives.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = new tg.layers.InputLayer({ shape: [4] });
 * console.log(layer.output.shape, layer.output.dtype); // [ null, 4 ] float32
 * ```
 */
export class InputLayer extends Layer {
  /** The symbolic tensor this layer provides. */
  readonly output: SymbolicTensor;
  /** The full input shape, batch dimension first. */
  readonly batchShape: SymbolicShape;

  constructor(args: InputArgs) {
    const where = "InputLayer";
    if (args === null || typeof args !== "object") {
      throw new ValueError(
        `${where}: expected an options record with a shape, got ${show(args)}`,
      );
    }
    const batchShape = batchShapeOf(args, where);
    if (args.dtype !== undefined) checkDType(args.dtype, where);
    super({ name: args.name, dtype: args.dtype ?? "float32" });
    this.batchShape = batchShape;
    const node = new Node(this, [], true);
    this.output = new SymbolicTensor(
      this.batchShape,
      this.dtype,
      node,
      0,
      this.name,
    );
    node.outputs = [this.output];
    this.built = true;
  }

  override computeOutputShape(): SymbolicShape {
    return this.batchShape;
  }

  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      dtype: this.dtype,
      batchShape: this.batchShape,
    };
  }
}

/**
 * A symbolic input for a functional model (Keras's `keras.Input`):
 * apply layers to it, then make a `tg.Model` from inputs to outputs.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.input({ shape: [3], name: "features" });
 * const y = tg.layers.dense({ units: 1 }).apply(x);
 * const model = new tg.Model({ inputs: x, outputs: y });
 * console.log(model.apply([[1, 2, 3]]).shape); // [ 1, 1 ]
 * ```
 */
export function input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).output;
}
