// SPDX-License-Identifier: Apache-2.0
/**
 * Attention layers: Attention (Luong-style dot product), AdditiveAttention
 * (Bahdanau-style) and MultiHeadAttention, with Keras 3's formulas. They
 * take a list of tensors, `[query, value]` or `[query, value, key]`; masks
 * and the causal mask come through the call options.
 *
 * TensorFlow.js has no attention layers, so there is nothing to compare
 * with there; these follow Keras 3 (keras/src/layers/attention/).
 */
import { isFloat, type DType } from "../../core/dtype.js";
import { ShapeError, ValueError, show } from "../../core/errors.js";
import { Tensor, type TensorLike } from "../../core/tensor.js";
import { add, mul, notEqual, sub } from "../../ops/binary.js";
import { cast } from "../../ops/cast.js";
import { toTensor, make } from "../../ops/convert.js";
import { matMul } from "../../ops/linalg.js";
import { sum } from "../../ops/reduction.js";
import { expandDims, reshape, transpose } from "../../ops/shape.js";
import { tanh } from "../../ops/unary.js";
import type { Variable } from "../../variables.js";
import { softmax } from "../activations.js";
import * as constraints from "../constraints.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import type { SymbolicTensor } from "../models/symbolic.js";
import { isSymbolicInput } from "../models/symbolic.js";
import {
  Layer,
  type CallOptions,
  type Mask,
  type LayerArgs,
  type LayerInput,
  type SymbolicShape,
} from "./layer.js";
import { Dropout } from "./regularization.js";

type Dim = number | null;
type ResolvedRegularizer =
  regularizers.Regularizer | regularizers.RegularizerFunction | null;
type ResolvedConstraint =
  constraints.Constraint | constraints.ConstraintFunction | null;

/** Keras's bias for masked scores (its float16 value, 65504, is not used). */
const MASK_VALUE = 1e9;

/** Options of Attention. */
export interface AttentionArgs extends LayerArgs {
  /** Whether to learn a scalar that scales the scores. Default false. */
  useScale?: boolean;
  /** "dot" (query · key) or "concat" (Σ tanh(query + key)). Default "dot". */
  scoreMode?: "dot" | "concat";
  /** The fraction of the attention weights to drop in training. Default 0. */
  dropout?: number;
  /** A seed for the dropout. Default: the global generator. */
  seed?: number | null;
  /**
   * Whether every call masks the future (position i attends to j ≤ i)
   * unless its options say otherwise. Default false. Not in Keras 3 (whose
   * `use_causal_mask` is a call argument only); here it also lets a
   * functional model, whose graph replays calls without options, be causal.
   */
  useCausalMask?: boolean;
}

/** The call options of Attention and AdditiveAttention. */
export interface AttentionCallOptions extends Omit<CallOptions, "mask"> {
  /**
   * `[queryMask, valueMask]`, booleans (or 0/1) of shapes [batch, Tq] and
   * [batch, Tv], either null. Values where the value mask is false get no
   * weight; outputs where the query mask is false are zero. By default,
   * the masks that earlier layers attached to the query and the value
   * (an Embedding with maskZero, Masking), as in Keras.
   */
  mask?: Mask | readonly (TensorLike | null | undefined)[];
  /** Whether position i may attend only to positions j ≤ i. */
  useCausalMask?: boolean;
}

/** The call options of MultiHeadAttention. */
export interface MultiHeadAttentionCallOptions extends CallOptions {
  /**
   * Booleans (or 0/1) of shape [batch, T, S] (batch may be 1): where false,
   * the query position does not attend to the key position.
   */
  attentionMask?: TensorLike | null;
  /**
   * Booleans of shape [batch, T]: query positions to mask (their weights
   * are all zero). By default, the mask an earlier layer attached to the
   * query (Keras 3 takes it only from there, the query's `_keras_mask`);
   * likewise for valueMask and keyMask.
   */
  queryMask?: TensorLike | null;
  /** Booleans of shape [batch, S]: value positions to mask. */
  valueMask?: TensorLike | null;
  /**
   * Booleans of shape [batch, S]: key positions to mask; ignored, as in
   * Keras, when no separate key is given (the key is the value).
   */
  keyMask?: TensorLike | null;
  /** Whether position i may attend only to positions j ≤ i. */
  useCausalMask?: boolean;
}

function checkObject(args: unknown, where: string): void {
  if (args === null || typeof args !== "object") {
    throw new ValueError(
      `${where}: expected an options object, got ${show(args)}`,
    );
  }
}

function checkBool(value: unknown, name: string, where: string): boolean {
  if (value !== undefined && typeof value !== "boolean") {
    throw new ValueError(
      `${where}: expected ${name} to be a boolean, got ${name}=${show(value)}`,
    );
  }
  return value === true;
}

function checkDropout(rate: unknown, where: string): number {
  if (rate === undefined) return 0;
  if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) {
    throw new ValueError(
      `${where}: expected dropout in [0, 1), got dropout=${show(rate)}`,
    );
  }
  return rate;
}

function checkSeed(seed: unknown, where: string): number | null {
  if (seed === undefined || seed === null) return null;
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0) {
    throw new ValueError(
      `${where}: expected seed to be an integer >= 0, got seed=${show(seed)}`,
    );
  }
  return seed;
}

/** A mask as a 0/1 tensor of `dtype` and exact `shape` (null: any size). */
function maskTensor(
  mask: TensorLike,
  shape: readonly Dim[],
  dtype: DType,
  name: string,
  where: string,
): Tensor {
  const m = mask instanceof Tensor ? mask : toTensor(mask, where);
  const fits =
    m.rank === shape.length &&
    m.shape.every((d, k) => shape[k] === null || d === shape[k]);
  if (!fits) {
    throw new ShapeError(
      `${where}: expected ${name} of shape ${show(shape.map((d) => d ?? 1))}` +
        `, got shape ${show(m.shape)}`,
    );
  }
  const on = m.dtype === "bool" ? m : notEqual(m, 0);
  return cast(on, dtype);
}

/** The causal mask [1, T, S]: 1 where column ≤ row. */
function causalMask(t: number, s: number, dtype: DType): Tensor {
  const values =
    dtype === "float64" ? new Float64Array(t * s) : new Float32Array(t * s);
  for (let i = 0; i < t; i++)
    for (let j = 0; j <= i && j < s; j++) values[i * s + j] = 1;
  return make(values, [1, t, s], dtype);
}

/** softmax(scores − 1e9·(1 − mask)) over the last axis (mask may be null). */
function maskedSoftmax(scores: Tensor, mask: Tensor | null): Tensor {
  if (mask === null) return softmax(scores, -1);
  return softmax(sub(scores, mul(sub(1, mask), MASK_VALUE)), -1);
}

/** The tensors of a [query, value(, key)] list, or a ValueError. */
function attentionInputs(
  inputs: unknown,
  where: string,
): [Tensor, Tensor, Tensor] {
  if (
    !Array.isArray(inputs) ||
    inputs.length < 2 ||
    inputs.length > 3 ||
    !inputs.every((x) => x instanceof Tensor)
  ) {
    throw new ValueError(
      `${where}: expected a list of 2 or 3 tensors, [query, value] or ` +
        `[query, value, key], got ${show(inputs)}`,
    );
  }
  const [q, v, k] = inputs;
  return [q!, v!, k ?? v!];
}

/**
 * Checks the shapes of [query, value, key] for Attention: rank 3, one
 * batch size, key and value of the same length, query and key of the same
 * dimension (for "dot").
 */
function checkAttentionShapes(
  shapes: readonly SymbolicShape[],
  where: string,
  sameDim: boolean,
): void {
  const [q, v, k = v] = shapes;
  if (
    shapes.length < 2 ||
    shapes.length > 3 ||
    !shapes.every((s) => Array.isArray(s))
  ) {
    throw new ValueError(
      `${where}: expected a list of 2 or 3 input shapes, [query, value] or ` +
        `[query, value, key], got ${show(shapes)}`,
    );
  }
  for (const [name, s] of [
    ["query", q],
    ["value", v],
    ["key", k],
  ] as const) {
    if (s!.length !== 3) {
      throw new ShapeError(
        `${where}: expected ${name} of rank 3, [batch, steps, dim], got ` +
          `shape ${show(s)}`,
      );
    }
  }
  const agree = (a: Dim | undefined, b: Dim | undefined) =>
    a === null || b === null || a === b;
  if (!agree(k![1], v![1])) {
    throw new ShapeError(
      `${where}: expected key and value of the same length, got key shape ` +
        `${show(k)} and value shape ${show(v)}`,
    );
  }
  if (!agree(q![0], v![0]) || !agree(q![0], k![0]) || !agree(v![0], k![0])) {
    throw new ShapeError(
      `${where}: expected inputs of the same batch size, got shapes ` +
        shapes.map(show).join(", "),
    );
  }
  if (sameDim && !agree(q![2], k![2])) {
    throw new ShapeError(
      `${where}: expected query and key of the same last dimension, got ` +
        `query shape ${show(q)} and key shape ${show(k)}`,
    );
  }
}

/**
 * Dot-product attention, a.k.a. Luong-style attention (Keras 3's
 * `Attention`). With query [batch, Tq, dim], value [batch, Tv, vdim] and
 * key [batch, Tv, dim] (default: the value):
 *
 *     scores = query · keyᵀ                      ("dot"; × scale if useScale)
 *     scores = c · Σ tanh(query_i + key_j)        ("concat"; tanh(scale·(…)))
 *     weights = softmax(scores − 1e9·(1 − mask))  (mask: value and causal)
 *     output = weights · value                    [batch, Tq, vdim]
 *
 * and outputs at query positions where the query mask is false are zero.
 * Like Keras, "dot" does not divide by √dim (MultiHeadAttention does);
 * `scale` and the concat weight `c` are scalars initialised to 1.
 *
 * Options: `useScale` (default false), `scoreMode` ("dot"), `dropout` (0,
 * on the weights, in training), `seed`, `useCausalMask` (false; an
 * addition to Keras, see {@link AttentionArgs}). Call options
 * ({@link AttentionCallOptions}): `mask: [queryMask, valueMask]`,
 * `useCausalMask`, `training`. `applyWithScores` also returns the weights
 * (Keras's `return_attention_scores=True`). TensorFlow.js has no attention
 * layers.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.attention();
 * const q = tg.tensor([[[1, 0]]]);
 * const v = tg.tensor([[[1, 0], [0, 1]]]);
 * const y = layer.apply([q, v]).toArray() as number[][][];
 * console.log(y[0]![0]!.map((x) => x.toFixed(4))); // [ '0.7311', '0.2689' ]
 * ```
 */
export class Attention extends Layer {
  readonly useScale: boolean;
  readonly scoreMode: "dot" | "concat";
  readonly dropout: number;
  readonly seed: number | null;
  readonly useCausalMask: boolean;
  /** The scale weight (when useScale). */
  scale: Variable | null = null;
  /** The concat score weight (scoreMode "concat"). */
  concatScoreWeight: Variable | null = null;
  readonly #dropoutLayer: Dropout | null;

  constructor(args: AttentionArgs = {}) {
    const where = new.target.name;
    checkObject(args, where);
    const useScale = checkBool(args.useScale, "useScale", where);
    const scoreMode = args.scoreMode ?? "dot";
    if (scoreMode !== "dot" && scoreMode !== "concat") {
      throw new ValueError(
        `${where}: expected scoreMode "dot" or "concat", got ` +
          `scoreMode=${show(scoreMode)}`,
      );
    }
    const dropout = checkDropout(args.dropout, where);
    const seed = checkSeed(args.seed, where);
    const useCausalMask = checkBool(args.useCausalMask, "useCausalMask", where);
    super(args);
    this.useScale = useScale;
    this.scoreMode = scoreMode;
    this.dropout = dropout;
    this.seed = seed;
    this.useCausalMask = useCausalMask;
    this.#dropoutLayer =
      dropout > 0
        ? new Dropout({ rate: dropout, seed, dtype: this.dtype })
        : null;
  }

  /** @internal */
  protected where(): string {
    return `${this.className} "${this.name}"`;
  }

  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    const shapes = inputShape as readonly SymbolicShape[];
    checkAttentionShapes(shapes, this.where(), true);
    this.buildScores(shapes);
  }

  /** Creates the score weights. @internal */
  protected buildScores(shapes: readonly SymbolicShape[]): void {
    void shapes;
    if (this.useScale) {
      this.scale = this.addWeight("scale", { shape: [], initializer: "ones" });
    }
    if (this.scoreMode === "concat") {
      this.concatScoreWeight = this.addWeight("concat_score_weight", {
        shape: [],
        initializer: "ones",
      });
    }
  }

  /** The scores [batch, Tq, Tv] of query and key. @internal */
  protected scores(query: Tensor, key: Tensor): Tensor {
    if (this.scoreMode === "dot") {
      const s = matMul(query, key, false, true);
      return this.scale ? mul(s, this.scale) : s;
    }
    let pair = add(expandDims(query, 2), expandDims(key, 1));
    if (this.scale) pair = mul(pair, this.scale);
    return mul(this.concatScoreWeight!, sum(tanh(pair), -1));
  }

  override apply(
    inputs: readonly SymbolicTensor[],
    options?: AttentionCallOptions,
  ): SymbolicTensor;
  override apply(inputs: LayerInput, options?: AttentionCallOptions): Tensor;
  override apply(
    inputs: LayerInput | readonly SymbolicTensor[],
    options: AttentionCallOptions = {},
  ): Tensor | SymbolicTensor {
    if (isSymbolicInput(inputs)) {
      if (options.mask || options.useCausalMask !== undefined) {
        throw new ValueError(
          `${this.where()}: masks and useCausalMask in the call options ` +
            "are not recorded in a functional model; pass useCausalMask " +
            "to the constructor instead",
        );
      }
      return super.apply(inputs);
    }
    return super.apply(inputs, options as CallOptions);
  }

  override call(inputs: Tensor[], options: AttentionCallOptions = {}): Tensor {
    return this.#attend(inputs, options)[0];
  }

  /** The query's mask (Keras: the output keeps the query's steps). */
  override computeMask(inputs: Tensor | Tensor[], mask: Mask): Mask {
    void inputs;
    return Array.isArray(mask) ? ((mask[0] as Tensor | null) ?? null) : null;
  }

  /**
   * Runs the layer and also returns the attention weights [batch, Tq, Tv]
   * (after masking and softmax, before dropout): Keras's
   * `return_attention_scores=True`.
   */
  applyWithScores(
    inputs: readonly Tensor[],
    options: AttentionCallOptions = {},
  ): [Tensor, Tensor] {
    const xs = inputs.map((x) => this.castInput(x));
    if (!this.built) this.build(xs.map((x) => x.shape));
    return this.#attend(xs, options);
  }

  #attend(inputs: unknown, options: AttentionCallOptions): [Tensor, Tensor] {
    const where = this.where();
    const [q, v, k] = attentionInputs(inputs, where);
    checkAttentionShapes([q.shape, v.shape, k.shape], where, true);
    const [batch, tq] = q.shape as [number, number];
    const tv = v.shape[1]!;
    const dtype = isFloat(q.dtype) ? q.dtype : this.dtype;
    const mask = options.mask ?? null;
    if (
      mask !== null &&
      (!Array.isArray(mask) || mask.length < 2 || mask.length > 3)
    ) {
      throw new ValueError(
        `${where}: expected mask to be a list [queryMask, valueMask], got ` +
          show(mask),
      );
    }
    const masks = (mask ?? []) as readonly (TensorLike | null | undefined)[];
    const [m0, m1] = [masks[0], masks[1]];
    const qMask =
      m0 == null
        ? null
        : maskTensor(m0, [batch, tq], dtype, "a query mask", where);
    let scoresMask =
      m1 == null
        ? null
        : expandDims(
            maskTensor(m1, [batch, tv], dtype, "a value mask", where),
            1,
          );
    if (options.useCausalMask ?? this.useCausalMask) {
      const causal = causalMask(tq, tv, dtype);
      scoresMask = scoresMask ? mul(scoresMask, causal) : causal;
    }
    const weights = maskedSoftmax(this.scores(q, k), scoresMask);
    const dropped = this.#dropoutLayer
      ? this.#dropoutLayer.call(weights, {
          training: options.training ?? false,
        })
      : weights;
    let out = matMul(dropped, v);
    if (qMask) out = mul(out, expandDims(qMask, 2));
    return [out, weights];
  }

  override computeOutputShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape {
    const shapes = inputShape as readonly SymbolicShape[];
    checkAttentionShapes(shapes, this.where(), true);
    return [...shapes[0]!.slice(0, -1), shapes[1]!.at(-1)!];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      useScale: this.useScale,
      scoreMode: this.scoreMode,
      dropout: this.dropout,
      seed: this.seed,
      useCausalMask: this.useCausalMask,
    };
  }
}

/** Options of AdditiveAttention. */
export interface AdditiveAttentionArgs extends LayerArgs {
  /** Whether to learn a scale vector [dim]. Default true. */
  useScale?: boolean;
  /** The fraction of the attention weights to drop in training. Default 0. */
  dropout?: number;
  /** A seed for the dropout. */
  seed?: number | null;
  /** Whether every call masks the future; see {@link AttentionArgs}. */
  useCausalMask?: boolean;
}

/**
 * Additive attention, a.k.a. Bahdanau-style attention (Keras 3's
 * `AdditiveAttention`): as {@link Attention}, with the scores
 *
 *     scores[b, i, j] = Σ_d scale_d · tanh(query[b, i, d] + key[b, j, d])
 *
 * where `scale` is a learned vector [dim] (initialised glorot_uniform) when
 * `useScale` (default true), else all ones. Query and key need the same
 * last dimension. Options and call options as Attention's, without
 * `scoreMode`. TensorFlow.js has no attention layers.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.additiveAttention({ useScale: false });
 * const q = tg.zeros([2, 3, 4]);
 * const v = tg.ones([2, 5, 4]);
 * console.log(layer.apply([q, v]).shape); // [ 2, 3, 4 ]
 * ```
 */
export class AdditiveAttention extends Attention {
  constructor(args: AdditiveAttentionArgs = {}) {
    checkObject(args, "AdditiveAttention");
    if ("scoreMode" in args) {
      throw new ValueError(
        "AdditiveAttention: expected no scoreMode option, got scoreMode=" +
          show((args as AttentionArgs).scoreMode),
      );
    }
    super({ ...args, useScale: args.useScale ?? true });
  }

  protected override buildScores(shapes: readonly SymbolicShape[]): void {
    const dim = shapes[0]!.at(-1);
    if (typeof dim !== "number") {
      throw new ShapeError(
        `${this.where()}: expected a query with a known last dimension, ` +
          `got shape ${show(shapes[0])}`,
      );
    }
    if (this.useScale) {
      this.scale = this.addWeight("scale", {
        shape: [dim],
        initializer: "glorot_uniform",
      });
    }
  }

  protected override scores(query: Tensor, key: Tensor): Tensor {
    const t = tanh(add(expandDims(query, 2), expandDims(key, 1)));
    return sum(this.scale ? mul(t, this.scale) : t, -1);
  }

  override getConfig(): Record<string, unknown> {
    const { scoreMode, ...rest } = super.getConfig();
    void scoreMode;
    return rest;
  }
}

/** Options of MultiHeadAttention. */
export interface MultiHeadAttentionArgs extends LayerArgs {
  /** The number of attention heads. */
  numHeads: number;
  /** The size of each head for query and key. */
  keyDim: number;
  /** The size of each head for value. Default keyDim. */
  valueDim?: number | null;
  /** The fraction of the attention weights to drop in training. Default 0. */
  dropout?: number;
  /** Whether the projections have biases. Default true. */
  useBias?: boolean;
  /**
   * The output's last dimensions (a number or a list). Default: the
   * query's last dimension.
   */
  outputShape?: number | readonly number[] | null;
  /**
   * The axes attention runs over. Default (null): every axis between the
   * batch and the features; only that is supported.
   */
  attentionAxes?: number | readonly number[] | null;
  /** The initializer of the kernels. Default "glorot_uniform". */
  kernelInitializer?: initializers.InitializerIdentifier;
  /** The initializer of the biases. Default "zeros". */
  biasInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the four kernels. Default none. */
  kernelRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on the four biases. Default none. */
  biasRegularizer?: regularizers.RegularizerIdentifier;
  /** A projection of the kernels after each update. Default none. */
  kernelConstraint?: constraints.ConstraintIdentifier;
  /** A projection of the biases after each update. Default none. */
  biasConstraint?: constraints.ConstraintIdentifier;
  /** A seed for the dropout. */
  seed?: number | null;
}

function positiveInt(value: unknown, name: string, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ValueError(
      `${where}: expected ${name} to be a positive integer, got ` +
        `${name}=${show(value)}`,
    );
  }
  return value;
}

interface Projection {
  kernel: Variable;
  bias: Variable | null;
}

/**
 * Multi-head attention as in "Attention Is All You Need" (Keras 3's
 * `MultiHeadAttention`). With query [batch, T, qdim], value [batch, S,
 * vdim] and key [batch, S, kdim] (default: the value), for each head h:
 *
 *     Q_h = query·Wq[:, h] + bq[h]     K_h, V_h likewise
 *     A_h = softmax(Q_h·K_hᵀ / √keyDim − 1e9·(1 − mask)) · mask
 *     output = Σ_h (A_h·V_h)·Wo[h] + bo            [batch, T, outDim]
 *
 * The weights are Keras's EinsumDense kernels, in Keras's order:
 * query/kernel [qdim, numHeads, keyDim], query/bias [numHeads, keyDim],
 * key/kernel [kdim, numHeads, keyDim], key/bias, value/kernel [vdim,
 * numHeads, valueDim], value/bias, attention_output/kernel [numHeads,
 * valueDim, ...outputShape], attention_output/bias [...outputShape]
 * (no biases when `useBias` is false). Inputs of rank > 3 attend over all
 * the axes between batch and features (Keras's default `attentionAxes`).
 *
 * Options: `numHeads`, `keyDim`, `valueDim` (keyDim), `dropout` (0, on the
 * weights, in training), `useBias` (true), `outputShape` (query's last
 * dimension), `attentionAxes` (null: only the default is supported),
 * `kernelInitializer` ("glorot_uniform"), `biasInitializer` ("zeros"),
 * `kernelRegularizer`, `biasRegularizer`, `kernelConstraint`,
 * `biasConstraint` (none; on all four kernels / biases), `seed`. Call options ({@link MultiHeadAttentionCallOptions}):
 * `attentionMask` [batch, T, S], `queryMask`, `valueMask`, `keyMask`,
 * `useCausalMask`, `training`. `applyWithScores` also returns the weights
 * [batch, numHeads, T, S]. Masked weights are multiplied by the mask after
 * the softmax, as Keras's Softmax layer does, so a fully masked row gives
 * zeros; Keras 3's fused path (`ops.dot_product_attention`, taken when the
 * scores are not returned and no dropout runs) instead gives such a row
 * uniform weights. Rows with at least one unmasked position agree on both
 * paths. TensorFlow.js has no attention layers.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const mha = tg.layers.multiHeadAttention({ numHeads: 2, keyDim: 3 });
 * const x = tg.ones([4, 5, 8]);
 * console.log(mha.apply([x, x]).shape); // [ 4, 5, 8 ]
 * const shapes = mha.weights.map((w) => w.shape.join("x"));
 * console.log(shapes.join(" ")); // 8x2x3 2x3 8x2x3 2x3 8x2x3 2x3 2x3x8 8
 * ```
 */
export class MultiHeadAttention extends Layer {
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputShape: readonly number[] | null;
  readonly kernelInitializer: initializers.Initializer;
  readonly biasInitializer: initializers.Initializer;
  readonly seed: number | null;
  readonly kernelRegularizer: ResolvedRegularizer;
  readonly biasRegularizer: ResolvedRegularizer;
  readonly kernelConstraint: ResolvedConstraint;
  readonly biasConstraint: ResolvedConstraint;
  readonly #dropoutLayer: Dropout | null;
  #proj: {
    query: Projection;
    key: Projection;
    value: Projection;
    output: Projection;
  } | null = null;

  constructor(args: MultiHeadAttentionArgs) {
    const where = "MultiHeadAttention";
    checkObject(args, where);
    const numHeads = positiveInt(args.numHeads, "numHeads", where);
    const keyDim = positiveInt(args.keyDim, "keyDim", where);
    const valueDim =
      args.valueDim == null
        ? keyDim
        : positiveInt(args.valueDim, "valueDim", where);
    const dropout = checkDropout(args.dropout, where);
    const useBias =
      args.useBias === undefined
        ? true
        : checkBool(args.useBias, "useBias", where);
    let outputShape: number[] | null = null;
    if (args.outputShape != null) {
      const list =
        typeof args.outputShape === "number"
          ? [args.outputShape]
          : args.outputShape;
      if (!Array.isArray(list) || list.length === 0) {
        throw new ValueError(
          `${where}: expected outputShape to be a positive integer or a ` +
            `list of them, got outputShape=${show(args.outputShape)}`,
        );
      }
      outputShape = list.map((d) => positiveInt(d, "outputShape", where));
    }
    if (args.attentionAxes != null) {
      throw new ValueError(
        `${where}: only the default attentionAxes (null: every axis between ` +
          `batch and features) is supported, got attentionAxes=` +
          show(args.attentionAxes),
      );
    }
    const kernelInitializer = initializers.get(
      args.kernelInitializer ?? "glorot_uniform",
    );
    const biasInitializer = initializers.get(args.biasInitializer ?? "zeros");
    const seed = checkSeed(args.seed, where);
    const kernelRegularizer = regularizers.get(args.kernelRegularizer);
    const biasRegularizer = regularizers.get(args.biasRegularizer);
    const kernelConstraint = constraints.get(args.kernelConstraint);
    const biasConstraint = constraints.get(args.biasConstraint);
    super(args);
    this.kernelRegularizer = kernelRegularizer;
    this.biasRegularizer = biasRegularizer;
    this.kernelConstraint = kernelConstraint;
    this.biasConstraint = biasConstraint;
    this.numHeads = numHeads;
    this.keyDim = keyDim;
    this.valueDim = valueDim;
    this.dropout = dropout;
    this.useBias = useBias;
    this.outputShape = outputShape;
    this.kernelInitializer = kernelInitializer;
    this.biasInitializer = biasInitializer;
    this.seed = seed;
    this.#dropoutLayer =
      dropout > 0
        ? new Dropout({ rate: dropout, seed, dtype: this.dtype })
        : null;
  }

  #where(): string {
    return `MultiHeadAttention "${this.name}"`;
  }

  /** Checks [query, value(, key)] shapes; returns them with key filled. */
  #shapes(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): [SymbolicShape, SymbolicShape, SymbolicShape] {
    const where = this.#where();
    const list = inputShape as readonly unknown[];
    if (
      !Array.isArray(list) ||
      list.length < 2 ||
      list.length > 3 ||
      !list.every((s) => Array.isArray(s))
    ) {
      throw new ValueError(
        `${where}: expected a list of 2 or 3 inputs, [query, value] or ` +
          `[query, value, key], got ${show(inputShape)}`,
      );
    }
    const [q, v, k = v] = list as SymbolicShape[];
    for (const [name, s] of [
      ["query", q],
      ["value", v],
      ["key", k],
    ] as const) {
      if (s!.length < 3) {
        throw new ShapeError(
          `${where}: expected ${name} of rank >= 3, [batch, ...steps, dim], ` +
            `got shape ${show(s)}`,
        );
      }
    }
    const same =
      v!.length === k!.length &&
      v!.slice(1, -1).every((d, i) => {
        const e = k![i + 1];
        return d === null || e === null || d === e;
      });
    if (!same) {
      throw new ShapeError(
        `${where}: expected key and value of the same shape except the last ` +
          `dimension, got value shape ${show(v)} and key shape ${show(k)}`,
      );
    }
    if (q!.length !== v!.length) {
      throw new ShapeError(
        `${where}: expected query and value of the same rank, got query ` +
          `shape ${show(q)} and value shape ${show(v)}`,
      );
    }
    return [q!, v!, k!];
  }

  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    const [q, v, k] = this.#shapes(inputShape);
    const dims = [q.at(-1), k.at(-1), v.at(-1)];
    if (!dims.every((d) => typeof d === "number")) {
      throw new ShapeError(
        `${this.#where()}: expected inputs with known last dimensions, got ` +
          `shapes ${show(q)}, ${show(v)}, ${show(k)}`,
      );
    }
    const [qd, kd, vd] = dims;
    const out = this.outputShape ?? [qd!];
    const proj = (
      name: string,
      kernelShape: number[],
      biasShape: number[],
    ): Projection => ({
      kernel: this.addWeight(`${name}/kernel`, {
        shape: kernelShape,
        initializer: this.kernelInitializer,
        regularizer: regularizers.toFunction(this.kernelRegularizer),
        constraint: constraints.toFunction(this.kernelConstraint),
      }),
      bias: this.useBias
        ? this.addWeight(`${name}/bias`, {
            shape: biasShape,
            initializer: this.biasInitializer,
            regularizer: regularizers.toFunction(this.biasRegularizer),
            constraint: constraints.toFunction(this.biasConstraint),
          })
        : null,
    });
    const h = this.numHeads;
    this.#proj = {
      query: proj("query", [qd!, h, this.keyDim], [h, this.keyDim]),
      key: proj("key", [kd!, h, this.keyDim], [h, this.keyDim]),
      value: proj("value", [vd!, h, this.valueDim], [h, this.valueDim]),
      output: proj("attention_output", [h, this.valueDim, ...out], [...out]),
    };
  }

  #built() {
    if (!this.#proj) {
      throw new ValueError(
        `${this.#where()}: the weights do not exist until the layer is ` +
          "built; apply the layer to an input first",
      );
    }
    return this.#proj;
  }

  /** query/kernel [qdim, numHeads, keyDim]. */
  get queryKernel(): Variable {
    return this.#built().query.kernel;
  }

  /** key/kernel [kdim, numHeads, keyDim]. */
  get keyKernel(): Variable {
    return this.#built().key.kernel;
  }

  /** value/kernel [vdim, numHeads, valueDim]. */
  get valueKernel(): Variable {
    return this.#built().value.kernel;
  }

  /** attention_output/kernel [numHeads, valueDim, ...outputShape]. */
  get outputKernel(): Variable {
    return this.#built().output.kernel;
  }

  override apply(
    inputs: readonly SymbolicTensor[],
    options?: MultiHeadAttentionCallOptions,
  ): SymbolicTensor;
  override apply(
    inputs: LayerInput,
    options?: MultiHeadAttentionCallOptions,
  ): Tensor;
  override apply(
    inputs: LayerInput | readonly SymbolicTensor[],
    options: MultiHeadAttentionCallOptions = {},
  ): Tensor | SymbolicTensor {
    if (isSymbolicInput(inputs)) {
      const { training, ...rest } = options;
      void training;
      if (Object.values(rest).some((x) => x !== undefined && x !== null)) {
        throw new ValueError(
          `${this.#where()}: masks and useCausalMask in the call options are ` +
            "not recorded in a functional model; apply the layer eagerly or " +
            "in a subclassed model",
        );
      }
      return super.apply(inputs);
    }
    return super.apply(inputs, options);
  }

  override call(
    inputs: Tensor[],
    options: MultiHeadAttentionCallOptions = {},
  ): Tensor {
    return this.#attend(inputs, options)[0];
  }

  /** The query's mask (Keras: the output keeps the query's steps). */
  override computeMask(inputs: Tensor | Tensor[], mask: Mask): Mask {
    void inputs;
    return Array.isArray(mask) ? ((mask[0] as Tensor | null) ?? null) : null;
  }

  /**
   * Runs the layer and also returns the attention weights [batch,
   * numHeads, T, S] (after masking and softmax, before dropout): Keras's
   * `return_attention_scores=True`. For inputs of rank > 3, T and S are
   * the products of the attention axes.
   */
  applyWithScores(
    inputs: readonly Tensor[],
    options: MultiHeadAttentionCallOptions = {},
  ): [Tensor, Tensor] {
    const xs = inputs.map((x) => this.castInput(x));
    if (!this.built) this.build(xs.map((x) => x.shape));
    return this.#attend(xs, options);
  }

  #attend(
    inputs: unknown,
    options: MultiHeadAttentionCallOptions,
  ): [Tensor, Tensor] {
    const where = this.#where();
    const [query, value, key] = attentionInputs(inputs, where);
    this.#shapes([query.shape, value.shape, key.shape]);
    const p = this.#built();
    const checkDim = (x: Tensor, kernel: Variable, name: string) => {
      if (x.shape.at(-1) !== kernel.shape[0]) {
        throw new ShapeError(
          `${where}: expected ${name} whose last dimension is ` +
            `${kernel.shape[0]}, got shape ${show(x.shape)}`,
        );
      }
    };
    checkDim(query, p.query.kernel, "a query");
    checkDim(key, p.key.kernel, "a key");
    checkDim(value, p.value.kernel, "a value");
    const batch = query.shape[0]!;
    if (value.shape[0] !== batch || key.shape[0] !== batch) {
      throw new ShapeError(
        `${where}: expected inputs of the same batch size, got shapes ` +
          `${show(query.shape)}, ${show(value.shape)}, ${show(key.shape)}`,
      );
    }
    const qSteps = query.shape.slice(1, -1);
    const t = qSteps.reduce((a, b) => a * b, 1);
    const s = value.shape.slice(1, -1).reduce((a, b) => a * b, 1);
    const dtype = isFloat(query.dtype) ? query.dtype : this.dtype;
    const mask = this.#mask(options, batch, t, s, dtype, key !== value);
    const h = this.numHeads;
    // [batch, steps, dim] → [batch, heads, steps, size]
    const project = (
      x: Tensor,
      pr: Projection,
      steps: number,
      size: number,
    ) => {
      const dim = x.shape.at(-1)!;
      let y = matMul(
        reshape(x, [batch, steps, dim]),
        reshape(pr.kernel, [dim, h * size]),
      );
      if (pr.bias) y = add(y, reshape(pr.bias, [h * size]));
      return transpose(reshape(y, [batch, steps, h, size]), [0, 2, 1, 3]);
    };
    const q = mul(
      project(query, p.query, t, this.keyDim),
      1 / Math.sqrt(this.keyDim),
    );
    const k = project(key, p.key, s, this.keyDim);
    const v = project(value, p.value, s, this.valueDim);
    let weights = maskedSoftmax(matMul(q, k, false, true), mask);
    if (mask) weights = mul(weights, mask);
    const dropped = this.#dropoutLayer
      ? this.#dropoutLayer.call(weights, {
          training: options.training ?? false,
        })
      : weights;
    // [batch, heads, T, valueDim] → [batch, T, heads·valueDim]
    const context = reshape(transpose(matMul(dropped, v), [0, 2, 1, 3]), [
      batch,
      t,
      h * this.valueDim,
    ]);
    const outShape = p.output.kernel.shape.slice(2);
    const outSize = outShape.reduce((a, b) => a * b, 1);
    let y = matMul(
      context,
      reshape(p.output.kernel, [h * this.valueDim, outSize]),
    );
    if (p.output.bias) y = add(y, reshape(p.output.bias, [outSize]));
    return [reshape(y, [batch, ...qSteps, ...outShape]), weights];
  }

  /** The combined mask [batch or 1, 1, T, S] (null: none). */
  #mask(
    options: MultiHeadAttentionCallOptions,
    batch: number,
    t: number,
    s: number,
    dtype: DType,
    separateKey: boolean,
  ): Tensor | null {
    const where = this.#where();
    const parts: Tensor[] = [];
    // The masks earlier layers attached to query, value and key, unless
    // given.
    const attached: readonly (Tensor | null)[] = Array.isArray(options.mask)
      ? options.mask
      : [];
    options = {
      ...options,
      queryMask: options.queryMask ?? attached[0] ?? null,
      valueMask: options.valueMask ?? attached[1] ?? null,
      keyMask: options.keyMask ?? attached[2] ?? null,
    };
    if (options.queryMask != null) {
      parts.push(
        reshape(
          maskTensor(
            options.queryMask,
            [batch, t],
            dtype,
            "a queryMask",
            where,
          ),
          [batch, t, 1],
        ),
      );
    }
    if (options.valueMask != null) {
      parts.push(
        reshape(
          maskTensor(
            options.valueMask,
            [batch, s],
            dtype,
            "a valueMask",
            where,
          ),
          [batch, 1, s],
        ),
      );
    }
    if (options.keyMask != null && separateKey) {
      parts.push(
        reshape(
          maskTensor(options.keyMask, [batch, s], dtype, "a keyMask", where),
          [batch, 1, s],
        ),
      );
    }
    if (options.attentionMask != null) {
      const m = options.attentionMask;
      const mt = m instanceof Tensor ? m : toTensor(m, where);
      const b = mt.shape[0] === 1 ? 1 : batch;
      parts.push(maskTensor(mt, [b, t, s], dtype, "an attentionMask", where));
    }
    if (options.useCausalMask) parts.push(causalMask(t, s, dtype));
    if (parts.length === 0) return null;
    const combined = parts.slice(1).reduce((a, b) => mul(a, b), parts[0]!);
    return expandDims(combined, 1);
  }

  override computeOutputShape(
    inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape {
    const [q] = this.#shapes(inputShape);
    return [...q.slice(0, -1), ...(this.outputShape ?? [q.at(-1)!])];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      outputShape: this.outputShape === null ? null : [...this.outputShape],
      attentionAxes: null,
      kernelInitializer: initializers.serialize(this.kernelInitializer),
      biasInitializer: initializers.serialize(this.biasInitializer),
      seed: this.seed,
      ...this.#hooksConfig(),
    };
  }

  /** The regularizers and constraints that are set, serialized. */
  #hooksConfig(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.kernelRegularizer !== null)
      out.kernelRegularizer = regularizers.serialize(this.kernelRegularizer);
    if (this.biasRegularizer !== null)
      out.biasRegularizer = regularizers.serialize(this.biasRegularizer);
    if (this.kernelConstraint !== null)
      out.kernelConstraint = constraints.serialize(this.kernelConstraint);
    if (this.biasConstraint !== null)
      out.biasConstraint = constraints.serialize(this.biasConstraint);
    return out;
  }
}

/**
 * Creates an {@link Attention} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.attention({ useScale: true });
 * console.log(layer.apply([tg.ones([1, 2, 3]), tg.ones([1, 4, 3])]).shape); // [ 1, 2, 3 ]
 * ```
 */
export function attention(args: AttentionArgs = {}): Attention {
  return new Attention(args);
}

/**
 * Creates an {@link AdditiveAttention} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const layer = tg.layers.additiveAttention();
 * layer.apply([tg.ones([1, 2, 3]), tg.ones([1, 4, 3])]);
 * console.log(layer.scale!.shape); // [ 3 ]
 * ```
 */
export function additiveAttention(
  args: AdditiveAttentionArgs = {},
): AdditiveAttention {
  return new AdditiveAttention(args);
}

/**
 * Creates a {@link MultiHeadAttention} layer.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const mha = tg.layers.multiHeadAttention({ numHeads: 2, keyDim: 4, outputShape: 6 });
 * console.log(mha.apply([tg.ones([1, 3, 5]), tg.ones([1, 7, 2])]).shape); // [ 1, 3, 6 ]
 * ```
 */
export function multiHeadAttention(
  args: MultiHeadAttentionArgs,
): MultiHeadAttention {
  return new MultiHeadAttention(args);
}
