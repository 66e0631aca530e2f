// SPDX-License-Identifier: Apache-2.0
/**
 * Symbolic tensors: what `tg.input` returns and what layers return when
 * applied to them. A symbolic tensor has a shape (null for unknown
 * dimensions, such as the batch) and a dtype, and remembers the layer call
 * (the node) that made it; a functional Model replays those calls.
 */
import type { DType } from "../../core/dtype.js";
import { ValueError, show } from "../../core/errors.js";
import { Tensor } from "../../core/tensor.js";
import { withoutRecording } from "../../autodiff/tape.js";
import { zeros } from "../../ops/creation.js";
import type { Layer, LayerOutput, SymbolicShape } from "../layers/layer.js";

const callCounts = new WeakMap<object, number>();

/** How a call returned its outputs: one, a list, or a record's keys. */
export type OutputKeys = "single" | "list" | readonly string[];

/** One call of a layer in a functional graph. */
export class Node {
  /** Which call of its layer this is: 0 for the first (Keras's node index). */
  readonly index: number;

  constructor(
    /** The layer called. */
    readonly layer: Layer<LayerOutput>,
    /** Its inputs, in order. */
    readonly inputs: readonly SymbolicTensor[],
    /** Whether the layer took one tensor (true) or a list. */
    readonly single: boolean,
  ) {
    this.index = callCounts.get(layer) ?? 0;
    callCounts.set(layer, this.index + 1);
  }

  /** Its outputs, set once the call's output specs are known. */
  outputs: SymbolicTensor[] = [];

  /** How the outputs were returned: one tensor, a list or a record. */
  outputKeys: OutputKeys = "single";
}

/**
 * A placeholder for a tensor in a functional model: a shape with null for
 * unknown dimensions, a dtype, and the layer call that makes it.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.input({ shape: [3] });
 * const y = tg.layers.dense({ units: 2 }).apply(x);
 * console.log(x.shape, y.shape); // [ null, 3 ] [ null, 2 ]
 * ```
 */
export class SymbolicTensor {
  constructor(
    /** The shape; null where unknown (the batch dimension always). */
    readonly shape: SymbolicShape,
    /** The dtype of the values it stands for. */
    readonly dtype: DType,
    /** The call that makes it. */
    readonly node: Node,
    /** Which output of that call it is. */
    readonly index: number,
    /** A name for summaries and errors. */
    readonly name: string,
  ) {}

  /** The rank. */
  get rank(): number {
    return this.shape.length;
  }

  /** How console.log shows it. */
  toString(): string {
    const dims = this.shape.map((d) => (d === null ? "None" : d));
    return `<SymbolicTensor shape=(${dims.join(", ")}) dtype=${this.dtype} name=${this.name}>`;
  }

  /** @internal */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function isSymbolicRecord(x: unknown): x is Record<string, SymbolicTensor> {
  if (x === null || typeof x !== "object") return false;
  if (Object.getPrototypeOf(x) !== Object.prototype) return false;
  const values = Object.values(x);
  return values.length > 0 && values.every((v) => v instanceof SymbolicTensor);
}

/**
 * True for a symbolic tensor, a non-empty list holding one, or a record of
 * them (the inputs of a model that names its inputs).
 */
export function isSymbolicInput(
  x: unknown,
): x is SymbolicTensor | readonly SymbolicTensor[] {
  if (x instanceof SymbolicTensor) return true;
  if (isSymbolicRecord(x)) return true;
  return (
    Array.isArray(x) &&
    x.length > 0 &&
    (x as unknown[]).some((v) => v instanceof SymbolicTensor)
  );
}

/** True when `s` is a list of shapes rather than one shape. */
export function isShapeList(
  s: SymbolicShape | readonly SymbolicShape[],
): s is readonly SymbolicShape[] {
  return s.length > 0 && s.every((d) => Array.isArray(d));
}

/** What a call returns for each output: its shape and dtype. */
export interface Spec {
  shape: SymbolicShape;
  dtype: DType;
}

/** Output specs in the structure the call returns them. */
export type Specs = Spec | Spec[] | { [key: string]: Spec };

/**
 * What a layer may offer symbolic calls (models do): the names of its
 * inputs, to read a record of inputs, and its outputs' specs in their
 * structure, with their dtypes.
 */
interface SymbolicHooks {
  readonly inputNames?: readonly string[];
  _symbolicOutputs?(shapes: readonly SymbolicShape[], single: boolean): Specs;
}

/**
 * Records a call of `layer` on symbolic inputs: builds the layer, works out
 * the output specs and returns symbolic outputs in the layer's structure.
 */
export function applySymbolic(
  layer: Layer<LayerOutput>,
  inputs: unknown,
): SymbolicTensor | SymbolicTensor[] | Record<string, SymbolicTensor> {
  const where = `${layer.className} "${layer.name}"`;
  const hooks = layer as unknown as SymbolicHooks;
  let list: readonly unknown[];
  let single = false;
  if (isSymbolicRecord(inputs)) {
    const names = hooks.inputNames ?? [];
    const missing = names.filter((k) => !(k in inputs));
    if (names.length === 0 || missing.length > 0) {
      throw new ValueError(
        `${where}: expected a list of symbolic tensors, or a record keyed ` +
          `by its input names ${show(names)}, got a record with keys ` +
          show(Object.keys(inputs)),
      );
    }
    list = names.map((k) => inputs[k]);
  } else if (Array.isArray(inputs)) {
    list = inputs;
  } else {
    list = [inputs];
    single = true;
  }
  list.forEach((x, i) => {
    if (!(x instanceof SymbolicTensor)) {
      throw new ValueError(
        `${where}: expected only symbolic tensors in a functional model, ` +
          `got ${show(x)} as input ${i}`,
      );
    }
  });
  const xs = list as SymbolicTensor[];
  const shapes = xs.map((x) => x.shape);
  if (!layer.built) layer.build(single ? shapes[0]! : shapes);
  const out = hooks._symbolicOutputs
    ? hooks._symbolicOutputs(shapes, single)
    : ruleSpecs(layer, shapes, single);
  const node = new Node(layer, xs, single);
  const make = (spec: Spec, i: number) =>
    new SymbolicTensor(spec.shape, spec.dtype, node, i, `${layer.name}/${i}`);
  if (isSpec(out)) {
    node.outputs = [make(out, 0)];
    return node.outputs[0]!;
  }
  if (Array.isArray(out)) {
    node.outputs = out.map(make);
    node.outputKeys = "list";
    return [...node.outputs];
  }
  const keys = Object.keys(out);
  node.outputs = keys.map((k, i) => make(out[k]!, i));
  node.outputKeys = keys;
  return Object.fromEntries(keys.map((k, i) => [k, node.outputs[i]!]));
}

function isSpec(x: unknown): x is Spec {
  return x !== null && typeof x === "object" && "shape" in x && "dtype" in x;
}

/** Output specs from the layer's shape rule, in the layer's dtype. */
function ruleSpecs(
  layer: Layer<LayerOutput>,
  shapes: readonly SymbolicShape[],
  single: boolean,
): Spec | Spec[] {
  const rule = layer.computeOutputShape(single ? shapes[0]! : shapes);
  // Layers compute in their own dtype (Keras's compute dtype).
  const dtype = layer.dtype;
  if (isShapeList(rule)) return rule.map((shape) => ({ shape, dtype }));
  return { shape: rule, dtype };
}

/**
 * Runs `layer.call` on zeros twice, with each unknown dimension set to 2
 * and then to 3: output dimensions that differ between the runs are
 * unknown. The first dimension is the batch: unknown unless the first
 * input's batch size is fixed. Returns specs (with the outputs' real
 * dtypes) in the structure the call returns.
 */
export function probeOutputs(
  layer: Layer<LayerOutput>,
  shapes: readonly SymbolicShape[],
  single: boolean,
): Specs {
  const run = (fill: number) =>
    withoutRecording(() => {
      const xs = shapes.map((s) =>
        zeros(
          s.map((d) => d ?? fill),
          layer.dtype,
        ),
      );
      return layer.call(single ? xs[0] : xs, { training: false });
    });
  const a = run(2);
  const b = run(3);
  const batchKnown = shapes[0]?.[0] !== null && shapes[0]?.[0] !== undefined;
  const merge = (x: unknown, y: unknown): Spec => {
    if (!(x instanceof Tensor) || !(y instanceof Tensor)) {
      throw new ValueError(
        `${layer.className} "${layer.name}": expected call to return a ` +
          `tensor, a list or a record of tensors, got ${show(x)}`,
      );
    }
    const shape = x.shape.map((d, k) =>
      (k === 0 && !batchKnown) || d !== y.shape[k] ? null : d,
    );
    return { shape, dtype: x.dtype };
  };
  if (a instanceof Tensor) return merge(a, b);
  if (Array.isArray(a)) return a.map((x, i) => merge(x, (b as Tensor[])[i]));
  const rec = a as Record<string, Tensor>;
  const other = b as Record<string, Tensor>;
  return Object.fromEntries(
    Object.keys(rec).map((k) => [k, merge(rec[k], other[k])]),
  );
}

/**
 * The default output-shape rule of layers: {@link probeOutputs}, as
 * shapes. A layer returning a record has no shape list: it throws.
 */
export function probeOutputShape(
  layer: Layer<LayerOutput>,
  inputShape: SymbolicShape | readonly SymbolicShape[],
): SymbolicShape | SymbolicShape[] {
  const several = isShapeList(inputShape);
  const specs = probeOutputs(
    layer,
    several ? inputShape : [inputShape],
    !several,
  );
  if (isSpec(specs)) return specs.shape;
  if (Array.isArray(specs)) return specs.map((s) => s.shape);
  throw new ValueError(
    `${layer.className} "${layer.name}": expected call to return a tensor ` +
      "or a list of tensors for computeOutputShape, got a record",
  );
}
