// SPDX-License-Identifier: Apache-2.0
/**
 * Layer parity with TensorFlow.js: for every layer both libraries have, the
 * same config, the same weights (copied into TF.js with `setWeights`, in
 * Keras order) and the same random input give the same outputs and the
 * same input gradients (of sum(output · R), R a fixed random tensor),
 * within rtol 1e-5 (atol 1e-6), in float32.
 *
 * Every layer's weights have Keras's order and shapes in both libraries,
 * so they are copied as they are. Where TF.js departs from Keras 3 (or its
 * cpu backend is wrong), tensorgrad follows Keras: the case then compares
 * against Keras's formula written in TF.js ops, and its test name says why
 * ("Keras, not TF.js: ..." for outputs, "(gradient: ...)" for input
 * gradients); a second group of tests checks that those departures still
 * hold, and docs/differences.md records them. After the table, the largest
 * relative error and the largest share of the tolerance used are printed.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const tf = await loadTf();

type Shape = readonly number[];
type AnyLayer = tg.layers.Layer<tg.layers.LayerOutput>;
type TfOut = TF.Tensor | TF.Tensor[];
/**
 * Keras's formula in TF.js ops, for where TF.js's layer is wrong or
 * missing: a function of the TF.js inputs and of our weights (converted).
 */
type TfFn = (xs: TF.Tensor[], ws: TF.Tensor[], training: boolean) => TfOut;

interface Case {
  name: string;
  ours: () => AnyLayer;
  /** The TF.js layer, or a formula (the case's name then says why). */
  theirs: () => TF.layers.Layer | TfFn;
  /** Input shapes, batch included (several for merge layers). */
  inputs: readonly Shape[];
  /** Makes input `i` (default: uniform in [-1, 1]). */
  input?: (shape: Shape, i: number) => tg.Tensor;
  /** Call in training mode (default inference). */
  training?: boolean;
  /** A [batch, time] mask passed to both calls. */
  mask?: boolean[][];
  /** Compare input gradients (default true). */
  grad?: boolean;
  /**
   * Where TF.js's gradient is missing or wrong while its output is right:
   * why, and the formula whose TF.js gradient the gradient is compared
   * with instead.
   */
  gradBy?: { why: string; f: TfFn };
}

// A small seeded generator (mulberry32), so every run draws the same data.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let seedCounter = 1;
function uniform(shape: Shape, lo = -1, hi = 1): tg.Tensor {
  const next = rng(seedCounter++ * 7919);
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, () => lo + (hi - lo) * next());
  return tg.tensor(flat, shape, "float32");
}

function toTf(t: tg.Tensor): TF.Tensor {
  const dtype = t.dtype === "int32" ? "int32" : "float32";
  return tf.tensor(
    Array.from(t.data as ArrayLike<number>),
    [...t.shape],
    dtype,
  );
}

function list<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

// The largest relative error seen, |a − e| / |e| over values with |e| ≥
// 1e-3, and the largest absolute error; reported after the tests.
// Also the largest share of the tolerance used, |a − e| / (atol + rtol·|e|).
const worst = { rel: 0, abs: 0, share: 0, where: "", compared: 0 };

function compare(actual: tg.Tensor, expected: TF.Tensor, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const e = expected.dataSync();
  const a = actual.data as ArrayLike<number>;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(a[i]! - e[i]!);
    if (d > worst.abs) worst.abs = d;
    worst.share = Math.max(worst.share, d / (1e-6 + 1e-5 * Math.abs(e[i]!)));
    if (Math.abs(e[i]!) >= 1e-3 && d / Math.abs(e[i]!) > worst.rel) {
      worst.rel = d / Math.abs(e[i]!);
      worst.where = what;
    }
  }
  worst.compared++;
  allclose(actual, expected.arraySync(), {
    rtol: 1e-5,
    atol: 1e-6,
  });
}

/** Random weights; moving variances positive. */
function randomWeights(layer: AnyLayer): tg.Tensor[] {
  return layer.weights.map((w) =>
    w.name.includes("variance")
      ? uniform(w.shape, 0.5, 1.5)
      : uniform(w.shape, -0.5, 0.5),
  );
}

function run(c: Case): void {
  const training = c.training ?? false;
  const mask = c.mask ? tg.tensor(c.mask, undefined, "bool") : undefined;
  const tfMask = c.mask ? tf.tensor(c.mask, undefined, "bool") : undefined;
  const xs = c.inputs.map((s, i) => c.input?.(s, i) ?? uniform(s));
  const arg = (ts: tg.Tensor[]) => (ts.length === 1 ? ts[0]! : ts);
  const ours = c.ours();
  ours.build(c.inputs.length === 1 ? c.inputs[0]! : c.inputs);
  const ws = randomWeights(ours);
  ours.setWeights(ws);
  const tfWs = ws.map(toTf);
  const theirs = c.theirs();
  const tfXs = xs.map(toTf);
  let tfApply: (ts: TF.Tensor[]) => TfOut;
  if (typeof theirs === "function") {
    tfApply = (ts) => theirs(ts, tfWs, training);
  } else {
    const call = (ts: TF.Tensor[], t: boolean) =>
      theirs.apply(ts.length === 1 ? ts[0]! : ts, {
        training: t,
        ...(tfMask ? { mask: tfMask } : {}),
      }) as TfOut;
    call(tfXs, false); // builds it
    theirs.setWeights(tfWs);
    tfApply = (ts) => call(ts, training);
  }

  // (a) outputs.
  const opts = { training, ...(mask ? { mask } : {}) };
  const ys = list(ours.apply(arg(xs), opts) as tg.Tensor | tg.Tensor[]);
  const tfYs = list(tfApply(tfXs));
  assert.equal(ys.length, tfYs.length, "number of outputs");
  ys.forEach((y, i) => compare(y, tfYs[i]!, `${c.name}: output ${i}`));
  if (c.grad === false) return;

  // (b) the gradient of sum(output · R) with respect to each input.
  const rs = ys.map((y) => uniform(y.shape));
  const grads = (() => {
    using tape = new tg.GradientTape();
    tape.watch(xs);
    const outs = list(ours.apply(arg(xs), opts) as tg.Tensor | tg.Tensor[]);
    const loss = outs
      .map((y, i) => tg.sum(y.mul(rs[i]!)))
      .reduce((a, b) => a.add(b));
    return tape.gradient(loss, xs, { unconnectedGradients: "zero" });
  })();
  const tfRs = rs.map(toTf);
  const gradBy = c.gradBy;
  const tfGradApply = gradBy
    ? (ts: TF.Tensor[]) => gradBy.f(ts, tfWs, training)
    : tfApply;
  if (gradBy) {
    // The formula must compute the layer before its gradient counts.
    const formula = list(tfGradApply(tfXs));
    ys.forEach((y, i) => compare(y, formula[i]!, `${c.name}: formula ${i}`));
  }
  const tfGrads = tf.grads((...ts: TF.Tensor[]) =>
    tf.addN(list(tfGradApply(ts)).map((y, i) => tf.sum(tf.mul(y, tfRs[i]!)))),
  )(tfXs);
  grads.forEach((g, i) =>
    compare(g as tg.Tensor, tfGrads[i]!, `${c.name}: gradient ${i}`),
  );
}

// ---------------------------------------------------------------------------
// Keras's formulas in TF.js ops, for where TF.js's layers depart.

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** y[..., i, ...] = Σ_j a[i][j] · x[..., j, ...] along `axis`. */
function alongAxis(x: TF.Tensor, axis: number, a: number[][]): TF.Tensor {
  const perm = [...range(x.rank).filter((i) => i !== axis), axis];
  const inverse = range(x.rank).map((i) => perm.indexOf(i));
  const xt = tf.transpose(x, perm);
  const n = xt.shape[x.rank - 1]!;
  const y = tf.matMul(xt.reshape([-1, n]), tf.tensor2d(a), false, true);
  return tf.transpose(y.reshape([...xt.shape.slice(0, -1), a.length]), inverse);
}

/** Nearest-neighbour upsampling of n values by s, as a matrix. */
function nearestMatrix(n: number, s: number): number[][] {
  return range(n * s).map((i) =>
    range(n).map((j) => (j === Math.floor(i / s) ? 1 : 0)),
  );
}

/** Keras's bilinear resize of n values to n·s, half-pixel centres. */
function bilinearMatrix(n: number, s: number): number[][] {
  return range(n * s).map((i) => {
    const row = new Array<number>(n).fill(0);
    const src = (i + 0.5) / s - 0.5;
    const f = Math.floor(src);
    const lerp = src - f;
    const clamp = (k: number) => Math.min(Math.max(k, 0), n - 1);
    row[clamp(f)]! += 1 - lerp;
    row[clamp(f + 1)]! += lerp;
    return row;
  });
}

/** UpSampling2D (channels last) by `size`, through matrices. */
function upSample(
  x: TF.Tensor,
  size: [number, number],
  m: typeof bilinearMatrix,
) {
  const h = alongAxis(x, 1, m(x.shape[1]!, size[0]));
  return alongAxis(h, 2, m(x.shape[2]!, size[1]));
}

/**
 * Keras 3's GRU with resetAfter (its default), returning the last output:
 * kernel [in, 3u], recurrent kernel [u, 3u], bias [2, 3u] (input, then
 * recurrent), gates in the order z, r, h.
 */
function gruResetAfter(x: TF.Tensor, ws: TF.Tensor[], units: number) {
  const [kernel, recurrent, bias] = ws as [TF.Tensor, TF.Tensor, TF.Tensor];
  const [inputBias, recurrentBias] = tf.unstack(bias);
  const [batch, steps] = x.shape as [number, number, number];
  let h: TF.Tensor = tf.zeros([batch, units]);
  for (let t = 0; t < steps; t++) {
    const xt = tf.slice(x, [0, t, 0], [batch, 1, -1]).reshape([batch, -1]);
    const [xz, xr, xh] = tf.split(tf.matMul(xt, kernel).add(inputBias!), 3, 1);
    const [hz, hr, hh] = tf.split(
      tf.matMul(h, recurrent).add(recurrentBias!),
      3,
      1,
    );
    const z = tf.sigmoid(tf.add(xz!, hz!));
    const r = tf.sigmoid(tf.add(xr!, hr!));
    const candidate = tf.tanh(tf.add(xh!, tf.mul(r, hh!)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
  }
  return h;
}

/** "same" padding of one spatial axis, as TensorFlow splits it. */
function samePads(n: number, k: number, s: number): [number, number] {
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Average pooling, "same" padding (Keras: padded positions are not
 * counted), as valid pooling of zero-padded sums over valid pooling of
 * zero-padded ones. 1, 2 or 3 spatial axes, channels last.
 */
function avgPoolSame(x: TF.Tensor, pool: number[], strides: number[]) {
  const d = pool.length;
  const pads: [number, number][] = [
    [0, 0],
    ...range(d).map((i) => samePads(x.shape[i + 1]!, pool[i]!, strides[i]!)),
    [0, 0],
  ];
  const valid = (t: TF.Tensor): TF.Tensor => {
    if (d === 3) {
      return tf.avgPool3d(
        t as TF.Tensor5D,
        pool as never,
        strides as never,
        "valid",
      );
    }
    const t4 = (d === 1 ? t.expandDims(1) : t) as TF.Tensor4D;
    const y = tf.avgPool(
      t4,
      (d === 1 ? [1, pool[0]!] : pool) as [number, number],
      (d === 1 ? [1, strides[0]!] : strides) as [number, number],
      "valid",
    );
    return d === 1 ? y.squeeze([1]) : y;
  };
  return tf.div(valid(tf.pad(x, pads)), valid(tf.pad(tf.onesLike(x), pads)));
}

/**
 * A stride-1 convolution as a sum over the kernel's taps of shifted
 * slices times the tap's [in, out] matrix (channels last, 1 or 2 spatial
 * axes, explicit padding, any dilation): TF.js has no gradient for
 * dilated convolutions.
 */
function convByTaps(
  x: TF.Tensor,
  kernel: TF.Tensor,
  bias: TF.Tensor,
  dilation: number[],
  pads: [number, number][],
): TF.Tensor {
  const d = dilation.length;
  const xp = tf.pad(x, [[0, 0], ...pads, [0, 0]]);
  const k = kernel.shape.slice(0, d);
  const [cin, cout] = kernel.shape.slice(d) as [number, number];
  const out = range(d).map(
    (i) => xp.shape[i + 1]! - (k[i]! - 1) * dilation[i]!,
  );
  const b = x.shape[0];
  let taps: number[][] = [[]];
  for (let i = 0; i < d; i++) {
    taps = taps.flatMap((t) => range(k[i]!).map((j) => [...t, j]));
  }
  const terms = taps.map((tap) => {
    const slice = tf.slice(
      xp,
      [0, ...tap.map((j, i) => j * dilation[i]!), 0],
      [b, ...out, cin],
    );
    const w = tf.slice(
      kernel,
      [...tap, 0, 0],
      [...tap.map(() => 1), cin, cout],
    );
    return tf.matMul(slice.reshape([-1, cin]), w.reshape([cin, cout]));
  });
  return tf
    .addN(terms)
    .reshape([b, ...out, cout])
    .add(bias);
}

// ---------------------------------------------------------------------------
// The table.

const L = tg.layers;
const T = tf.layers;

function dense(activation: string, useBias = true): Case {
  return {
    name: `dense ${activation}${useBias ? "" : " no bias"}`,
    ours: () => L.dense({ units: 3, activation, useBias }),
    theirs: () =>
      T.dense({ units: 3, activation: activation as "relu", useBias }),
    inputs: [[4, 5]],
  };
}

function activation(name: string, tfName = name): Case {
  return {
    name: `activation ${name}`,
    ours: () => L.activation({ activation: name }),
    theirs: () => T.activation({ activation: tfName as "relu" }),
    inputs: [[3, 6]],
    input: (s) => uniform(s, -3, 3),
  };
}

function noise(
  name: string,
  ours: () => AnyLayer,
  theirs: Case["theirs"],
): Case {
  return { name: `${name} (inference)`, ours, theirs, inputs: [[3, 4, 5]] };
}

function merge(
  name: string,
  ours: () => AnyLayer,
  theirs: Case["theirs"],
  inputs: readonly Shape[] = [
    [3, 4],
    [3, 4],
    [3, 4],
  ],
): Case {
  return { name, ours, theirs, inputs };
}

const AVG_SAME =
  "TF.js's avgPool gradient with same padding divides by the whole " +
  "window, where its output (and Keras) count only the input's " +
  "positions; compared with pooled sums over pooled counts";

const CASES: Case[] = [
  // Core.
  dense("linear"),
  dense("relu"),
  dense("tanh"),
  dense("sigmoid"),
  dense("softmax"),
  dense("elu", false),
  dense("selu"),
  dense("softplus"),
  dense("softsign"),
  dense("swish"),
  dense("mish"),
  dense("relu6"),
  activation("relu"),
  activation("gelu"),
  activation("logSoftmax"),
  activation("linear"),
  {
    name:
      "activation hardSigmoid (Keras, not TF.js: relu6(x + 3) / 6, " +
      "compared with that formula in TF.js ops)",
    ours: () => L.activation({ activation: "hardSigmoid" }),
    theirs: () => (xs) => tf.div(tf.relu6(tf.add(xs[0]!, 3)), 6),
    inputs: [[3, 6]],
    input: (s) => uniform(s, -5, 5),
  },
  {
    name: "dense on rank 3",
    ours: () => L.dense({ units: 2, activation: "tanh" }),
    theirs: () => T.dense({ units: 2, activation: "tanh" }),
    inputs: [[2, 3, 4]],
  },
  {
    name: "rescaling",
    ours: () => L.rescaling({ scale: 0.5, offset: -1 }),
    theirs: () => T.rescaling({ scale: 0.5, offset: -1 }),
    inputs: [[3, 4]],
  },
  {
    name: "embedding",
    ours: () => L.embedding({ inputDim: 7, outputDim: 3 }),
    theirs: () => T.embedding({ inputDim: 7, outputDim: 3 }),
    inputs: [[2, 5]],
    input: (s) => tg.tensor([0, 3, 6, 1, 1, 2, 5, 4, 0, 6], s, "int32"),
    grad: false,
  },
  {
    name: "masking",
    ours: () => L.masking({ maskValue: 0 }),
    theirs: () => T.masking({ maskValue: 0 }),
    gradBy: {
      why: "TF.js has no gradient for its any op; compared with x · mask",
      f: ([x]) => {
        const fixed = tf.tensor(x!.dataSync(), x!.shape);
        return tf.mul(x!, tf.notEqual(fixed, 0).any(-1, true).cast("float32"));
      },
    },
    inputs: [[2, 4, 3]],
    input: (s) => {
      const keep = tg.tensor([1, 0, 1, 1, 0, 1, 1, 0], [2, 4, 1]);
      return uniform(s).mul(keep);
    },
  },

  // Regularization layers in inference: the identity.
  noise(
    "dropout",
    () => L.dropout({ rate: 0.3 }),
    () => T.dropout({ rate: 0.3 }),
  ),
  noise(
    "spatialDropout1d",
    () => L.spatialDropout1d({ rate: 0.3 }),
    () => T.spatialDropout1d({ rate: 0.3 }),
  ),
  noise(
    "gaussianNoise",
    () => L.gaussianNoise({ stddev: 0.5 }),
    () => T.gaussianNoise({ stddev: 0.5 }),
  ),
  noise(
    "gaussianDropout",
    () => L.gaussianDropout({ rate: 0.3 }),
    () => T.gaussianDropout({ rate: 0.3 }),
  ),
  noise(
    "alphaDropout",
    () => L.alphaDropout({ rate: 0.3 }),
    () => T.alphaDropout({ rate: 0.3 }),
  ),

  // Normalization.
  {
    name: "batchNormalization (inference)",
    ours: () => L.batchNormalization({}),
    theirs: () => T.batchNormalization({}),
    inputs: [[4, 5]],
  },
  {
    name:
      "batchNormalization axis 1 of rank 4 (inference; TF.js cpu's " +
      "batchNorm kernel broadcasts along the last axis only: compared " +
      "with Keras's formula in TF.js ops)",
    ours: () => L.batchNormalization({ axis: 1, epsilon: 0.01 }),
    theirs: () => (xs, ws) => {
      const [gamma, beta, mean, variance] = ws.map((w) =>
        w.reshape([1, -1, 1, 1]),
      );
      return tf.add(
        tf.mul(
          tf.div(tf.sub(xs[0]!, mean!), tf.sqrt(tf.add(variance!, 0.01))),
          gamma!,
        ),
        beta!,
      );
    },
    inputs: [[2, 3, 4, 2]],
  },
  {
    name: "batchNormalization (training)",
    ours: () => L.batchNormalization({}),
    theirs: () => T.batchNormalization({}),
    inputs: [[6, 5]],
    training: true,
  },
  {
    name: "batchNormalization rank 4 (training)",
    ours: () => L.batchNormalization({ momentum: 0.9 }),
    theirs: () => T.batchNormalization({ momentum: 0.9 }),
    inputs: [[2, 3, 3, 4]],
    training: true,
  },
  {
    name: "layerNormalization",
    ours: () => L.layerNormalization({}),
    theirs: () => T.layerNormalization({}),
    inputs: [[3, 6]],
  },
  {
    name: "layerNormalization rank 3",
    ours: () => L.layerNormalization({ epsilon: 1e-5 }),
    theirs: () => T.layerNormalization({ epsilon: 1e-5 }),
    inputs: [[2, 3, 4]],
  },

  // Reshaping.
  {
    name: "flatten",
    ours: () => L.flatten(),
    theirs: () => T.flatten(),
    inputs: [[2, 3, 4]],
  },
  {
    name: "flatten channelsFirst",
    ours: () => L.flatten({ dataFormat: "channelsFirst" }),
    theirs: () => T.flatten({ dataFormat: "channelsFirst" }),
    inputs: [[2, 3, 2, 2]],
  },
  {
    name: "reshape",
    ours: () => L.reshape({ targetShape: [6, -1] }),
    theirs: () => T.reshape({ targetShape: [6, -1] }),
    inputs: [[2, 3, 4]],
  },
  {
    name: "permute",
    ours: () => L.permute({ dims: [3, 1, 2] }),
    theirs: () => T.permute({ dims: [3, 1, 2] }),
    inputs: [[2, 3, 4, 2]],
  },
  {
    name: "repeatVector",
    ours: () => L.repeatVector({ n: 3 }),
    theirs: () => T.repeatVector({ n: 3 }),
    inputs: [[2, 4]],
  },
  {
    name: "cropping2D",
    ours: () =>
      L.cropping2D({
        cropping: [
          [1, 0],
          [0, 2],
        ],
      }),
    theirs: () =>
      T.cropping2D({
        cropping: [
          [1, 0],
          [0, 2],
        ],
      }),
    inputs: [[2, 4, 5, 3]],
  },
  {
    name: "cropping2D channelsFirst",
    ours: () => L.cropping2D({ cropping: [1, 2], dataFormat: "channelsFirst" }),
    theirs: () =>
      T.cropping2D({ cropping: [1, 2], dataFormat: "channelsFirst" }),
    inputs: [[2, 2, 4, 5]],
  },
  {
    name: "zeroPadding2D",
    ours: () =>
      L.zeroPadding2d({
        padding: [
          [1, 2],
          [0, 1],
        ],
      }),
    theirs: () =>
      T.zeroPadding2d({
        padding: [
          [1, 2],
          [0, 1],
        ],
      }),
    inputs: [[2, 3, 2, 2]],
  },
  {
    name: "upSampling2D nearest",
    ours: () => L.upSampling2d({ size: [2, 3] }),
    theirs: () => T.upSampling2d({ size: [2, 3] }),
    gradBy: {
      why:
        "TF.js cpu's resizeNearestNeighbor gradient is wrong past the " +
        "first batch item; compared with repetition as a matrix product",
      f: ([x]) => upSample(x!, [2, 3], nearestMatrix),
    },
    inputs: [[2, 3, 2, 2]],
  },
  {
    name:
      "upSampling2D bilinear (Keras, not TF.js: half-pixel centres, " +
      "compared with tf.image.resizeBilinear(halfPixelCenters))",
    ours: () => L.upSampling2d({ size: [2, 3], interpolation: "bilinear" }),
    theirs: () => (xs) =>
      tf.image.resizeBilinear(xs[0] as TF.Tensor4D, [6, 6], false, true),
    gradBy: {
      why:
        "TF.js's resizeBilinear gradient fails with halfPixelCenters; " +
        "compared with interpolation as a matrix product",
      f: ([x]) => upSample(x!, [2, 3], bilinearMatrix),
    },
    inputs: [[2, 3, 2, 2]],
  },

  // Merging.
  merge(
    "add",
    () => L.add(),
    () => T.add(),
  ),
  merge(
    "average",
    () => L.average(),
    () => T.average(),
  ),
  merge(
    "multiply",
    () => L.multiply(),
    () => T.multiply(),
  ),
  merge(
    "maximum",
    () => L.maximum(),
    () => T.maximum(),
  ),
  merge(
    "minimum",
    () => L.minimum(),
    () => T.minimum(),
  ),
  merge(
    "concatenate",
    () => L.concatenate({ axis: -1 }),
    () => T.concatenate({ axis: -1 }),
    [
      [2, 3, 2],
      [2, 3, 4],
    ],
  ),
  merge(
    "concatenate axis 1",
    () => L.concatenate({ axis: 1 }),
    () => T.concatenate({ axis: 1 }),
    [
      [2, 1, 2],
      [2, 3, 2],
    ],
  ),
  merge(
    "dot",
    () => L.dot({ axes: 1 }),
    () => T.dot({ axes: 1 }),
    [
      [3, 4],
      [3, 4],
    ],
  ),
  merge(
    "dot normalize",
    () => L.dot({ axes: 1, normalize: true }),
    () => T.dot({ axes: 1, normalize: true }),
    [
      [3, 4],
      [3, 4],
    ],
  ),
  merge(
    "dot rank 3, axes [2, 2]",
    () => L.dot({ axes: [2, 2] }),
    () => T.dot({ axes: [2, 2] }),
    [
      [2, 3, 4],
      [2, 5, 4],
    ],
  ),

  // Convolution.
  {
    name: "conv1d valid",
    ours: () => L.conv1d({ filters: 3, kernelSize: 3, activation: "relu" }),
    theirs: () => T.conv1d({ filters: 3, kernelSize: 3, activation: "relu" }),
    inputs: [[2, 7, 2]],
  },
  {
    name: "conv1d same, strides 2",
    ours: () =>
      L.conv1d({ filters: 2, kernelSize: 3, strides: 2, padding: "same" }),
    theirs: () =>
      T.conv1d({ filters: 2, kernelSize: 3, strides: 2, padding: "same" }),
    inputs: [[2, 8, 3]],
  },
  {
    name:
      "conv1d causal, dilation 2 (TF.js's layer has no causal padding: " +
      "compared with left padding and tf.conv1d)",
    ours: () =>
      L.conv1d({
        filters: 2,
        kernelSize: 2,
        padding: "causal",
        dilationRate: 2,
      }),
    theirs: () => (xs, ws) =>
      tf
        .conv1d(
          tf.pad(xs[0]!, [
            [0, 0],
            [2, 0],
            [0, 0],
          ]) as TF.Tensor3D,
          ws[0] as TF.Tensor3D,
          1,
          "valid",
          "NWC",
          2,
        )
        .add(ws[1]!),
    gradBy: {
      why: "TF.js has no gradient for dilated convolutions; compared with a sum over taps",
      f: ([x], [kernel, bias]) => convByTaps(x!, kernel!, bias!, [2], [[2, 0]]),
    },
    inputs: [[2, 6, 3]],
  },
  {
    name: "conv2d same, strides 2",
    ours: () =>
      L.conv2d({
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        activation: "tanh",
      }),
    theirs: () =>
      T.conv2d({
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        activation: "tanh",
      }),
    inputs: [[2, 7, 6, 2]],
  },
  {
    name: "conv2d valid, strides [1, 2]",
    ours: () => L.conv2d({ filters: 2, kernelSize: [2, 3], strides: [1, 2] }),
    theirs: () => T.conv2d({ filters: 2, kernelSize: [2, 3], strides: [1, 2] }),
    inputs: [[2, 5, 7, 3]],
  },
  {
    name: "conv2d dilation 2, same",
    ours: () =>
      L.conv2d({
        filters: 2,
        kernelSize: 2,
        dilationRate: 2,
        padding: "same",
      }),
    theirs: () =>
      T.conv2d({
        filters: 2,
        kernelSize: 2,
        dilationRate: 2,
        padding: "same",
      }),
    gradBy: {
      why: "TF.js has no gradient for dilated convolutions; compared with a sum over taps",
      f: ([x], [kernel, bias]) =>
        convByTaps(
          x!,
          kernel!,
          bias!,
          [2, 2],
          [
            [1, 1],
            [1, 1],
          ],
        ),
    },
    inputs: [[2, 5, 5, 2]],
  },
  {
    name: "conv2d channelsFirst",
    ours: () =>
      L.conv2d({
        filters: 2,
        kernelSize: 3,
        padding: "same",
        dataFormat: "channelsFirst",
      }),
    theirs: () =>
      T.conv2d({
        filters: 2,
        kernelSize: 3,
        padding: "same",
        dataFormat: "channelsFirst",
      }),
    inputs: [[2, 3, 4, 5]],
  },
  {
    name: "conv3d",
    ours: () => L.conv3d({ filters: 2, kernelSize: 2, padding: "same" }),
    theirs: () => T.conv3d({ filters: 2, kernelSize: 2, padding: "same" }),
    inputs: [[2, 3, 4, 3, 2]],
  },
  {
    name: "conv3d strides 2, valid",
    ours: () => L.conv3d({ filters: 2, kernelSize: [2, 3, 2], strides: 2 }),
    theirs: () => T.conv3d({ filters: 2, kernelSize: [2, 3, 2], strides: 2 }),
    inputs: [[1, 5, 5, 4, 2]],
  },
  {
    name: "conv2dTranspose same, strides 2",
    ours: () =>
      L.conv2dTranspose({
        filters: 2,
        kernelSize: 3,
        strides: 2,
        padding: "same",
      }),
    theirs: () =>
      T.conv2dTranspose({
        filters: 2,
        kernelSize: 3,
        strides: 2,
        padding: "same",
      }),
    inputs: [[2, 3, 4, 3]],
  },
  {
    name: "conv2dTranspose valid",
    ours: () => L.conv2dTranspose({ filters: 3, kernelSize: [2, 3] }),
    theirs: () => T.conv2dTranspose({ filters: 3, kernelSize: [2, 3] }),
    inputs: [[2, 3, 3, 2]],
  },
  {
    name: "conv3dTranspose strides 2",
    ours: () =>
      L.conv3dTranspose({
        filters: 2,
        kernelSize: 2,
        strides: 2,
        padding: "same",
      }),
    theirs: () =>
      T.conv3dTranspose({
        filters: 2,
        kernelSize: 2,
        strides: 2,
        padding: "same",
      }),
    gradBy: {
      why:
        "TF.js has no gradient for conv3dTranspose; compared with its " +
        "adjoint, tf.conv3d of the output gradient",
      f: ([x], [kernel, bias]) =>
        tf.customGrad(((t: TF.Tensor) => ({
          value: tf
            .conv3dTranspose(
              t as TF.Tensor5D,
              kernel as TF.Tensor5D,
              [1, 4, 6, 4, 2],
              2,
              "same",
            )
            .add(bias!),
          gradFunc: (dy: TF.Tensor) =>
            tf.conv3d(dy as TF.Tensor5D, kernel as TF.Tensor5D, 2, "same"),
        })) as never)(x!),
    },
    inputs: [[1, 2, 3, 2, 2]],
  },
  {
    name: "depthwiseConv2d",
    ours: () => L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }),
    theirs: () => T.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }),
    inputs: [[2, 5, 4, 3]],
  },
  {
    name: "depthwiseConv2d same, strides 2",
    ours: () =>
      L.depthwiseConv2d({ kernelSize: 2, strides: 2, padding: "same" }),
    theirs: () =>
      T.depthwiseConv2d({ kernelSize: 2, strides: 2, padding: "same" }),
    inputs: [[2, 5, 5, 2]],
  },
  {
    name: "separableConv2d",
    ours: () =>
      L.separableConv2d({
        filters: 3,
        kernelSize: 3,
        depthMultiplier: 2,
        padding: "same",
      }),
    theirs: () =>
      T.separableConv2d({
        filters: 3,
        kernelSize: 3,
        depthMultiplier: 2,
        padding: "same",
      }),
    inputs: [[2, 5, 4, 2]],
  },

  // Pooling.
  {
    name: "maxPooling1d",
    ours: () => L.maxPooling1d({ poolSize: 2 }),
    theirs: () => T.maxPooling1d({ poolSize: 2 }),
    inputs: [[2, 7, 3]],
  },
  {
    name: "maxPooling1d same, strides 1",
    ours: () => L.maxPooling1d({ poolSize: 3, strides: 1, padding: "same" }),
    theirs: () => T.maxPooling1d({ poolSize: 3, strides: 1, padding: "same" }),
    inputs: [[2, 6, 2]],
  },
  {
    name: "averagePooling1d same",
    ours: () => L.averagePooling1d({ poolSize: 3, padding: "same" }),
    theirs: () => T.averagePooling1d({ poolSize: 3, padding: "same" }),
    gradBy: {
      why: AVG_SAME,
      f: ([x]) => avgPoolSame(x!, [3], [3]),
    },
    inputs: [[2, 7, 3]],
  },
  {
    name: "maxPooling2d",
    ours: () => L.maxPooling2d({ poolSize: 2 }),
    theirs: () => T.maxPooling2d({ poolSize: 2 }),
    inputs: [[2, 5, 4, 3]],
  },
  {
    name: "maxPooling2d same, strides 2, pool 3",
    ours: () => L.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }),
    theirs: () => T.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }),
    inputs: [[2, 5, 6, 2]],
  },
  {
    name: "averagePooling2d",
    ours: () => L.averagePooling2d({ poolSize: [2, 3] }),
    theirs: () => T.averagePooling2d({ poolSize: [2, 3] }),
    inputs: [[2, 5, 6, 2]],
  },
  {
    name: "averagePooling2d same, strides 1",
    ours: () =>
      L.averagePooling2d({ poolSize: 3, strides: 1, padding: "same" }),
    theirs: () =>
      T.averagePooling2d({ poolSize: 3, strides: 1, padding: "same" }),
    gradBy: {
      why: AVG_SAME,
      f: ([x]) => avgPoolSame(x!, [3, 3], [1, 1]),
    },
    inputs: [[2, 4, 5, 2]],
  },
  {
    name: "maxPooling3d",
    ours: () => L.maxPooling3d({ poolSize: 2 }),
    theirs: () => T.maxPooling3d({ poolSize: 2 }),
    inputs: [[1, 4, 5, 4, 2]],
  },
  {
    name: "averagePooling3d same",
    ours: () => L.averagePooling3d({ poolSize: 2, padding: "same" }),
    theirs: () => T.averagePooling3d({ poolSize: 2, padding: "same" }),
    gradBy: {
      why: AVG_SAME,
      f: ([x]) => avgPoolSame(x!, [2, 2, 2], [2, 2, 2]),
    },
    inputs: [[1, 3, 5, 4, 2]],
  },
  {
    name: "globalMaxPooling1d",
    ours: () => L.globalMaxPooling1d(),
    theirs: () => T.globalMaxPooling1d(),
    inputs: [[2, 5, 3]],
  },
  {
    name: "globalAveragePooling1d",
    ours: () => L.globalAveragePooling1d(),
    theirs: () => T.globalAveragePooling1d(),
    inputs: [[2, 5, 3]],
  },
  {
    name: "maxPooling2d channelsFirst",
    ours: () => L.maxPooling2d({ poolSize: 2, dataFormat: "channelsFirst" }),
    theirs: () => T.maxPooling2d({ poolSize: 2, dataFormat: "channelsFirst" }),
    inputs: [[2, 3, 4, 5]],
  },
  {
    name: "globalAveragePooling2d channelsFirst",
    ours: () => L.globalAveragePooling2d({ dataFormat: "channelsFirst" }),
    theirs: () => T.globalAveragePooling2d({ dataFormat: "channelsFirst" }),
    inputs: [[2, 3, 4, 2]],
  },
  {
    name: "globalMaxPooling2d",
    ours: () => L.globalMaxPooling2d(),
    theirs: () => T.globalMaxPooling2d({}),
    inputs: [[2, 4, 3, 2]],
  },
  {
    name: "globalAveragePooling2d",
    ours: () => L.globalAveragePooling2d(),
    theirs: () => T.globalAveragePooling2d({}),
    inputs: [[2, 4, 3, 2]],
  },

  // Recurrent.
  {
    name: "simpleRNN",
    ours: () => L.simpleRNN({ units: 3 }),
    theirs: () => T.simpleRNN({ units: 3 }),
    inputs: [[2, 5, 4]],
  },
  {
    name: "simpleRNN returnSequences, goBackwards",
    ours: () =>
      L.simpleRNN({ units: 3, returnSequences: true, goBackwards: true }),
    theirs: () =>
      T.simpleRNN({ units: 3, returnSequences: true, goBackwards: true }),
    inputs: [[2, 4, 3]],
  },
  {
    name: "lstm",
    ours: () => L.lstm({ units: 3, recurrentActivation: "sigmoid" }),
    theirs: () => T.lstm({ units: 3, recurrentActivation: "sigmoid" }),
    inputs: [[2, 5, 4]],
  },
  {
    name: "lstm returnSequences, returnState",
    ours: () =>
      L.lstm({
        units: 3,
        recurrentActivation: "sigmoid",
        returnSequences: true,
        returnState: true,
      }),
    theirs: () =>
      T.lstm({
        units: 3,
        recurrentActivation: "sigmoid",
        returnSequences: true,
        returnState: true,
      }),
    inputs: [[2, 4, 3]],
  },
  {
    name: "gru (resetAfter false)",
    ours: () =>
      L.gru({ units: 3, recurrentActivation: "sigmoid", resetAfter: false }),
    theirs: () => T.gru({ units: 3, recurrentActivation: "sigmoid" }),
    inputs: [[2, 5, 4]],
  },
  {
    name: "gru (resetAfter false) returnSequences",
    ours: () =>
      L.gru({
        units: 2,
        recurrentActivation: "sigmoid",
        resetAfter: false,
        returnSequences: true,
      }),
    theirs: () =>
      T.gru({
        units: 2,
        recurrentActivation: "sigmoid",
        returnSequences: true,
      }),
    inputs: [[2, 4, 3]],
  },

  {
    name:
      "gru resetAfter true (Keras 3's default; TF.js has only resetAfter " +
      "false: compared with Keras's cell in TF.js ops)",
    ours: () => L.gru({ units: 3 }),
    theirs: () => (xs, ws) => gruResetAfter(xs[0]!, ws, 3),
    inputs: [[2, 4, 3]],
  },
  {
    name: "lstm with a mask, returnSequences",
    ours: () =>
      L.lstm({
        units: 2,
        recurrentActivation: "sigmoid",
        returnSequences: true,
      }),
    theirs: () =>
      T.lstm({
        units: 2,
        recurrentActivation: "sigmoid",
        returnSequences: true,
      }),
    inputs: [[2, 4, 3]],
    mask: [
      [true, true, false, true],
      [true, false, false, false],
    ],
  },
  {
    name: "gru (resetAfter false) with a mask",
    ours: () =>
      L.gru({ units: 2, recurrentActivation: "sigmoid", resetAfter: false }),
    theirs: () => T.gru({ units: 2, recurrentActivation: "sigmoid" }),
    inputs: [[2, 4, 3]],
    mask: [
      [true, true, true, false],
      [false, true, true, true],
    ],
  },
  {
    name: "simpleRNN with a mask, returnSequences",
    ours: () => L.simpleRNN({ units: 2, returnSequences: true }),
    theirs: () => T.simpleRNN({ units: 2, returnSequences: true }),
    inputs: [[2, 4, 3]],
    mask: [
      [true, false, true, true],
      [true, true, true, false],
    ],
  },

  // Wrappers.
  {
    name: "bidirectional lstm concat",
    ours: () =>
      L.bidirectional(L.lstm({ units: 2, recurrentActivation: "sigmoid" })),
    theirs: () =>
      T.bidirectional({
        layer: T.lstm({ units: 2, recurrentActivation: "sigmoid" }),
      }),
    inputs: [[2, 4, 3]],
  },
  {
    name: "bidirectional simpleRNN sum, returnSequences",
    ours: () =>
      L.bidirectional(L.simpleRNN({ units: 3, returnSequences: true }), {
        mergeMode: "sum",
      }),
    theirs: () =>
      T.bidirectional({
        layer: T.simpleRNN({ units: 3, returnSequences: true }),
        mergeMode: "sum",
      }),
    inputs: [[2, 4, 3]],
  },
  {
    name: "timeDistributed dense",
    ours: () => L.timeDistributed(L.dense({ units: 3, activation: "relu" })),
    theirs: () =>
      T.timeDistributed({
        layer: T.dense({ units: 3, activation: "relu" }),
      }),
    inputs: [[2, 4, 5]],
  },
  {
    name: "timeDistributed conv2d",
    ours: () => L.timeDistributed(L.conv2d({ filters: 2, kernelSize: 2 })),
    theirs: () =>
      T.timeDistributed({ layer: T.conv2d({ filters: 2, kernelSize: 2 }) }),
    inputs: [[2, 3, 4, 4, 2]],
  },
];

describe("layers agree with TensorFlow.js: outputs and input gradients", () => {
  for (const c of CASES) {
    const name = c.gradBy ? `${c.name} (gradient: ${c.gradBy.why})` : c.name;
    test(name, () => run(c));
  }

  after(() => {
    console.log(
      `tfjs-parity: ${CASES.length} cases, ${worst.compared} comparisons; ` +
        `max relative error ${worst.rel.toExponential(2)} (${worst.where}), ` +
        `max absolute error ${worst.abs.toExponential(2)}, ` +
        `max share of the tolerance used ${worst.share.toFixed(2)}`,
    );
  });
});

/** The largest |a − e| between our tensor and TF.js's. */
function maxDiff(a: tg.Tensor, e: TF.Tensor): number {
  assert.deepEqual(a.shape, e.shape);
  const x = a.data as ArrayLike<number>;
  const y = e.dataSync();
  let m = 0;
  for (let i = 0; i < y.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

/** Our input gradient of sum(layer(x) · r), and TF.js's. */
function bothGrads(
  ours: AnyLayer,
  theirs: TF.layers.Layer,
  x: tg.Tensor,
  r: tg.Tensor,
): [tg.Tensor, TF.Tensor] {
  const g = tg.grad((t: tg.Tensor) =>
    tg.sum((ours.apply(t) as tg.Tensor).mul(r)),
  )(x);
  const tr = toTf(r);
  const tfG = tf.grad((t: TF.Tensor) =>
    tf.sum(tf.mul(theirs.apply(t) as TF.Tensor, tr)),
  )(toTf(x));
  return [g, tfG];
}

// The cases above work around these departures of TF.js (docs/
// differences.md lists them); these tests fail when TF.js changes, so that
// the workarounds and the docs can go.
describe("TF.js's departures worked around above", () => {
  test("UpSampling2D bilinear: TF.js's layer samples without half-pixel centres", () => {
    const x = uniform([2, 3, 2, 2]);
    const ours = L.upSampling2d({ size: [2, 3], interpolation: "bilinear" });
    const theirs = T.upSampling2d({ size: [2, 3], interpolation: "bilinear" });
    assert.ok(
      maxDiff(ours.apply(x), theirs.apply(toTf(x)) as TF.Tensor) > 0.05,
    );
  });

  test("BatchNormalization on axis 1: TF.js cpu's values differ", () => {
    const ours = L.batchNormalization({ axis: 1 });
    const theirs = T.batchNormalization({ axis: 1 });
    const x = uniform([2, 3, 2, 2]);
    ours.build(x.shape);
    theirs.build([...x.shape]);
    const ws = randomWeights(ours);
    ours.setWeights(ws);
    theirs.setWeights(ws.map(toTf));
    assert.ok(
      maxDiff(ours.apply(x), theirs.apply(toTf(x)) as TF.Tensor) > 0.05,
    );
  });

  test("AveragePooling same: TF.js's gradient divides by the whole window", () => {
    const ours = L.averagePooling1d({ poolSize: 3, padding: "same" });
    const theirs = T.averagePooling1d({ poolSize: 3, padding: "same" });
    const x = tg.ones([1, 4, 1]);
    const [g, tfG] = bothGrads(ours, theirs, x, tg.ones([1, 2, 1]));
    assert.deepEqual(g.toArray(), [[[0.5], [0.5], [0.5], [0.5]]]);
    allclose(tfG.arraySync(), [[[1 / 3], [1 / 3], [1 / 3], [1 / 3]]], {
      rtol: 1e-6,
    });
  });

  test("UpSampling2D nearest: TF.js cpu's gradient is wrong past the first batch item", () => {
    const ours = L.upSampling2d({ size: [2, 3] });
    const theirs = T.upSampling2d({ size: [2, 3] });
    const x = uniform([2, 3, 2, 2]);
    const [g, tfG] = bothGrads(ours, theirs, x, uniform([2, 6, 6, 2]));
    assert.ok(maxDiff(g.slice([0], [1]), tfG.slice([0], [1])) < 1e-6);
    assert.ok(maxDiff(g.slice([1], [1]), tfG.slice([1], [1])) > 0.05);
  });

  test("GRU: TF.js has only resetAfter false, and defaults recurrent activations to hardSigmoid", () => {
    assert.throws(() =>
      T.gru({ units: 2, resetAfter: true } as { units: number }),
    );
    assert.equal(
      T.lstm({ units: 2 }).getConfig().recurrentActivation,
      "hardSigmoid",
    );
    assert.equal(
      T.gru({ units: 2 }).getConfig().recurrentActivation,
      "hardSigmoid",
    );
    assert.equal(L.gru({ units: 2 }).getConfig().resetAfter, true);
    assert.equal(
      L.lstm({ units: 2 }).getConfig().recurrentActivation,
      "sigmoid",
    );
  });

  test("TF.js throws where the cases above use formulas", () => {
    const x4 = tf.ones([1, 4, 4, 1]);
    const throwsIn: [string, () => unknown][] = [
      [
        "conv1d causal",
        () =>
          T.conv1d({ filters: 1, kernelSize: 2, padding: "causal" }).apply(
            tf.ones([1, 4, 1]),
          ),
      ],
      [
        "masking gradient",
        () =>
          tf.grad((t: TF.Tensor) => tf.sum(T.masking().apply(t) as TF.Tensor))(
            x4,
          ),
      ],
      [
        "dilated conv2d gradient",
        () => {
          const conv = T.conv2d({ filters: 1, kernelSize: 2, dilationRate: 2 });
          return tf.grad((t: TF.Tensor) => tf.sum(conv.apply(t) as TF.Tensor))(
            x4,
          );
        },
      ],
      [
        "conv3dTranspose gradient",
        () => {
          const conv = T.conv3dTranspose({ filters: 1, kernelSize: 2 });
          return tf.grad((t: TF.Tensor) => tf.sum(conv.apply(t) as TF.Tensor))(
            tf.ones([1, 2, 2, 2, 1]),
          );
        },
      ],
      [
        "resizeBilinear(halfPixelCenters) gradient",
        () =>
          tf.grad((t: TF.Tensor) =>
            tf.sum(
              tf.image.resizeBilinear(t as TF.Tensor4D, [8, 6], false, true),
            ),
          )(tf.ones([1, 4, 3, 1])),
      ],
    ];
    for (const [what, f] of throwsIn) assert.throws(f, Error, what);
  });
});

test("BatchNormalization's moving statistics after a training call agree with TF.js", () => {
  const ours = L.batchNormalization({ momentum: 0.8 });
  const theirs = T.batchNormalization({ momentum: 0.8 });
  const x = uniform([5, 4]);
  ours.build(x.shape);
  theirs.build([...x.shape]);
  const ws = randomWeights(ours);
  ours.setWeights(ws);
  theirs.setWeights(ws.map(toTf));
  ours.apply(x, { training: true });
  theirs.apply(toTf(x), { training: true });
  const mine = ours.getWeights();
  theirs
    .getWeights()
    .forEach((w, i) => compare(mine[i]!, w, `moving statistics ${i}`));
  assert.ok(maxDiff(mine[3]!, toTf(ws[3]!)) > 1e-3, "the variance moved");
});
