// SPDX-License-Identifier: Apache-2.0
/**
 * The graph of a functional model: from its symbolic outputs back to its
 * inputs, the layer calls (nodes) to replay, and the layers in Keras's
 * order.
 *
 * Phases of `buildGraph`: flatten inputs and outputs; walk back from each
 * output, depth first, numbering layers as first met and listing nodes
 * after the nodes they need (the order calls run in); reject outputs that
 * need an input the model does not take ("graph disconnected"); give each
 * node and layer its depth (0 at the outputs, a parent deeper than its
 * children, a shared layer as deep as its deepest call) and order the
 * layers by decreasing depth, then by first meeting, as Keras 3's
 * `map_graph`.
 */
import { ValueError, show } from "../../core/errors.js";
import { InputLayer } from "../layers/input.js";
import type { Layer, LayerOutput, SymbolicShape } from "../layers/layer.js";
import { formatShape, type SummaryRow } from "./summary.js";
import {
  type Node,
  type OutputKeys,
  type Spec,
  type Specs,
  SymbolicTensor,
  isShapeList,
} from "./symbolic.js";

/** The graph of a functional model. */
export interface Graph {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** The inputs' names: the record keys, else their layers' names. */
  inputNames: string[];
  /** The outputs' names: the record keys, else their layers' names. */
  outputNames: string[];
  /** How outputs are returned: one, a list, or a record with these keys. */
  outputKeys: OutputKeys;
  /** The calls, each after those it needs. */
  nodes: Node[];
  /** The distinct layers, inputs included, in Keras's order. */
  layers: Layer<LayerOutput>[];
  /** Whether the graph is more than a chain (summary's "Connected to"). */
  branched: boolean;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return (
    x !== null &&
    typeof x === "object" &&
    Object.getPrototypeOf(x) === Object.prototype
  );
}

/** Symbolic tensors from one, a list or a record of them. */
function flatten(x: unknown, what: string, where: string): SymbolicTensor[] {
  if (x instanceof SymbolicTensor) return [x];
  const values = Array.isArray(x)
    ? (x as unknown[])
    : isRecord(x)
      ? Object.values(x)
      : null;
  if (values && values.length > 0) {
    const bad = values.findIndex((s) => !(s instanceof SymbolicTensor));
    if (bad < 0) return values as SymbolicTensor[];
  }
  throw new ValueError(
    `${where}: expected ${what} to be symbolic tensors from tg.input and ` +
      `layers (one, a list or a record), got ${show(x)}`,
  );
}

/** Orders the calls from inputs to outputs and checks every path. */
export function buildGraph(
  name: string,
  inputs: unknown,
  outputs: unknown,
): Graph {
  const where = `Model "${name}"`;
  const ins = flatten(inputs, "inputs", where);
  const outs = flatten(outputs, "outputs", where);
  for (const s of ins) {
    if (!(s.node.layer instanceof InputLayer)) {
      throw new ValueError(
        `${where}: expected inputs made by tg.input, got the output of ` +
          `layer "${s.node.layer.name}"`,
      );
    }
  }
  const { nodes, firstMet } = walk(outs);
  for (const node of nodes) {
    if (node.layer instanceof InputLayer && !ins.includes(node.outputs[0]!)) {
      throw new ValueError(
        `${where}: expected outputs computed from the model's inputs ` +
          `${show(ins.map((s) => s.node.layer.name))}, got outputs that ` +
          `need input "${node.layer.name}" (graph disconnected)`,
      );
    }
  }
  const layers = orderLayers(nodes, firstMet, ins);
  const names = (list: SymbolicTensor[], given: unknown) =>
    isRecord(given) ? Object.keys(given) : list.map((s) => s.node.layer.name);
  return {
    inputs: ins,
    outputs: outs,
    inputNames: names(ins, inputs),
    outputNames: names(outs, outputs),
    outputKeys:
      outputs instanceof SymbolicTensor
        ? "single"
        : isRecord(outputs)
          ? Object.keys(outputs)
          : "list",
    nodes,
    layers,
    branched:
      ins.length > 1 ||
      outs.length > 1 ||
      nodes.some((n) => n.inputs.length > 1 || n.outputs.length > 1) ||
      new Set(nodes.map((n) => n.layer)).size < nodes.length,
  };
}

/**
 * Depth-first from each output: nodes after those they need, and each
 * layer's number in the order first met (before its parents).
 */
function walk(outs: readonly SymbolicTensor[]) {
  const nodes: Node[] = [];
  const done = new Set<Node>();
  const firstMet = new Map<Layer<LayerOutput>, number>();
  const visit = (s: SymbolicTensor) => {
    const node = s.node;
    if (done.has(node)) return;
    if (!firstMet.has(node.layer)) firstMet.set(node.layer, firstMet.size);
    done.add(node);
    node.inputs.forEach(visit);
    nodes.push(node);
  };
  outs.forEach(visit);
  return { nodes, firstMet };
}

/** Layers by decreasing depth, then first met; unused inputs last. */
function orderLayers(
  nodes: readonly Node[],
  firstMet: Map<Layer<LayerOutput>, number>,
  ins: readonly SymbolicTensor[],
): Layer<LayerOutput>[] {
  const nodeDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer<LayerOutput>, number>();
  for (const node of [...nodes].reverse()) {
    const depth = Math.max(
      nodeDepth.get(node) ?? 0,
      layerDepth.get(node.layer) ?? 0,
    );
    nodeDepth.set(node, depth);
    layerDepth.set(node.layer, depth);
    for (const parent of node.inputs.map((s) => s.node)) {
      nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
    }
  }
  for (const s of ins) {
    if (!layerDepth.has(s.node.layer)) {
      layerDepth.set(s.node.layer, 0);
      firstMet.set(s.node.layer, -1);
    }
  }
  return [...layerDepth.keys()].sort(
    (a, b) =>
      layerDepth.get(b)! - layerDepth.get(a)! ||
      firstMet.get(a)! - firstMet.get(b)!,
  );
}

/**
 * The output specs of a functional model applied to inputs of `shapes`:
 * each call's shape rule in graph order, dtypes from the graph.
 */
export function graphOutputSpecs(
  name: string,
  g: Graph,
  shapes: readonly SymbolicShape[],
): Specs {
  if (shapes.length !== g.inputs.length) {
    throw new ValueError(
      `Model "${name}": expected ${g.inputs.length} inputs ` +
        `${show(g.inputNames)}, got ${shapes.length}`,
    );
  }
  const known = new Map<SymbolicTensor, SymbolicShape>();
  g.inputs.forEach((s, i) => known.set(s, shapes[i]!));
  for (const node of g.nodes) {
    if (node.layer instanceof InputLayer) continue;
    const ins = node.inputs.map((s) => known.get(s)!);
    const rule = node.layer.computeOutputShape(node.single ? ins[0]! : ins);
    const list = isShapeList(rule) ? rule : [rule];
    node.outputs.forEach((s, i) => known.set(s, list[i] ?? s.shape));
  }
  const specs: Spec[] = g.outputs.map((s) => ({
    shape: known.get(s) ?? s.shape,
    dtype: s.dtype,
  }));
  if (g.outputKeys === "single") return specs[0]!;
  if (g.outputKeys === "list") return specs;
  const keys = g.outputKeys;
  return Object.fromEntries(keys.map((k, i) => [k, specs[i]!]));
}

/**
 * The summary's rows, one per layer as Keras prints them: the output
 * shape of its last call in this graph, its parameters, and "Connected
 * to" listing each call's inputs as `layer[node][tensor]`.
 */
export function graphRows(g: Graph): SummaryRow[] {
  return g.layers.map((layer) => {
    const calls = g.nodes
      .filter((n) => n.layer === layer)
      .sort((a, b) => a.index - b.index);
    const last = calls[calls.length - 1];
    const shapes = last ? last.outputs.map((s) => formatShape(s.shape)) : [];
    const connected = calls
      .flatMap((n) =>
        n.inputs.map(
          (s) => `${s.node.layer.name}[${s.node.index}][${s.index}]`,
        ),
      )
      .join(", ");
    return {
      name: `${layer.name} (${layer.className})`,
      shape: shapes.length === 1 ? shapes[0]! : `[${shapes.join(", ")}]`,
      params: layer instanceof InputLayer ? 0 : layer.countParams(),
      connected: connected || "-",
    };
  });
}
