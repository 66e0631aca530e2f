// SPDX-License-Identifier: Apache-2.0
/**
 * Loss conformance over 50 full-batch SGD steps of a 3-8-k tanh MLP (k = 1;
 * k = 3 for the categorical losses, and for cosine similarity, which is
 * constant for one-element vectors), from the same weights on the same 16
 * samples, in tensorgrad and in TensorFlow.js (cpu backend). The loss after
 * each step must agree within 1e-5 relative.
 *
 * TensorFlow.js's losses: meanSquaredError, absoluteDifference, huberLoss,
 * logLoss, sigmoidCrossEntropy and softmaxCrossEntropy (label smoothing
 * included: both smooth as Keras does), hingeLoss, cosineDistance; and
 * from tf.metrics, which follow Keras's formulas: meanAbsolutePercentageError,
 * binaryCrossentropy and categoricalCrossentropy (of probabilities, the
 * latter also for sparse labels given one-hot), cosineProximity.
 *
 * Reductions are matched: Keras's default "sum_over_batch_size" (the sum
 * over the number of values) is TensorFlow.js's default
 * SUM_BY_NONZERO_WEIGHTS when no weights are given; "sum" is
 * Reduction.SUM; "mean_with_sample_weight" is Reduction.MEAN with weights.
 *
 * Where TensorFlow.js departs from Keras 3, the test says how:
 * - hinge: TensorFlow.js maps every label t to 2t − 1, so it takes labels
 *   in {0, 1} only; Keras maps {0, 1} to {−1, 1} and keeps {−1, 1} labels
 *   as they are. Both conventions are trained against TensorFlow.js given
 *   {0, 1}, and TensorFlow.js given {−1, 1} is shown to depart.
 * - cosine similarity: cosineDistance is 1 − Σ t·p of vectors the caller
 *   normalises; Keras's loss is −cos. The TensorFlow.js side normalises as
 *   Keras does, and its loss minus 1 is compared (the gradients are the
 *   same).
 * - weighted "sum_over_batch_size" with some zero weights: Keras divides
 *   by the number of values, SUM_BY_NONZERO_WEIGHTS by the number of
 *   nonzero weights; Reduction.SUM / 16 expresses Keras's, and
 *   SUM_BY_NONZERO_WEIGHTS is shown to depart.
 * - binary crossentropy of probabilities: logLoss adds ε = 1e-7 inside the
 *   logarithms where Keras clips p to [ε, 1 − ε]. Away from 0 and 1 the
 *   two agree to about ε / p, so logLoss is compared directly; with
 *   saturated sigmoid outputs (p < ε for some positive labels) they part,
 *   and tensorgrad is checked against a float64 implementation of Keras's
 *   formula written here instead (in float32 within 1e-5, in float64
 *   within 1e-9), TensorFlow.js's logLoss being shown to depart. The
 *   formula is Keras's clipped one, as tensorgrad computes it; Keras's
 *   TensorFlow backend would use the sigmoid layer's logits instead (see
 *   src/nn/losses/crossentropy.ts).
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import * as tg from "tensorgrad";
import { loadTf } from "../../tfjs.js";

const STEPS = 50;
const N = 16;

/** mulberry32: a small seeded generator of floats in [0, 1). */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(rand: () => number, n: number, limit: number): number[] {
  return Array.from({ length: n }, () => (2 * rand() - 1) * limit);
}

const rand = generator(31337);
const X = Array.from({ length: N }, () => uniform(rand, 3, 1).map(Math.fround));

/** W1 [3, 8], b1 [8], W2 [8, k], b2 [k] (Keras's order), float32-rounded. */
function initialWeights(k: number): number[][] {
  return [
    uniform(rand, 24, Math.sqrt(6 / 11)),
    uniform(rand, 8, 0.1),
    uniform(rand, 8 * k, Math.sqrt(6 / (8 + k))),
    uniform(rand, k, 0.1),
  ].map((w) => w.map(Math.fround));
}

const INIT1 = initialWeights(1);
const INIT3 = initialWeights(3);

/** The same weights with the output layer scaled by 4 and biased by −14. */
const SATURATED = INIT1.map((w, i) =>
  i === 2 ? w.map((v) => Math.fround(4 * v)) : i === 3 ? [-14] : w,
);

const Y_REG = X.map(([a, b, c]) => [
  Math.fround(Math.sin(2 * a!) + 0.5 * b! * c! - 0.25),
]);
const Y_VEC = X.map(([a, b, c]) =>
  [Math.sin(2 * a!) + 0.5, b! * c! - 0.3, a! - b! + 0.2].map(Math.fround),
);
const Y_BIN = X.map(([a, b, c]) => [a! + b! * c! > 0.1 ? 1 : 0]);
const Y_SIGNED = Y_BIN.map(([t]) => [2 * t! - 1]);
const LABELS = X.map(([a, b, c]) => {
  const scores = [a!, b! + 0.3 * c!, -a! - b!];
  return scores.indexOf(Math.max(...scores));
});
const Y_ONEHOT = LABELS.map((l) => [0, 1, 2].map((j) => (j === l ? 1 : 0)));
const WEIGHTS = X.map((_, i) => [0.25, 1, 2, 0.5][i % 4]!);
const WEIGHTS_ZEROS = X.map((_, i) => (i % 5 === 0 ? 0 : 1 + (i % 3)));

/** |a − b| / |b|; a NaN counts as an infinite error. */
function relativeError(a: number, b: number): number {
  const err = Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
  return Number.isNaN(err) ? Infinity : err;
}

/** The worst relative error of two loss curves of the same length. */
function worstError(actual: number[], expected: number[]): number {
  assert.equal(actual.length, expected.length);
  return Math.max(...actual.map((a, i) => relativeError(a, expected[i]!)));
}

/** Asserts two loss curves agree within `rtol`; returns the worst error. */
function agree(actual: number[], expected: number[], rtol: number): number {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, step) => {
    const err = relativeError(a, expected[step]!);
    assert.ok(
      err <= rtol,
      `loss after step ${step + 1}: ${a}, expected ${expected[step]} ` +
        `(relative error ${err.toExponential(2)} > ${rtol})`,
    );
  });
  return worstError(actual, expected);
}

/** Asserts that a loss curve moved, so that the comparison means something. */
function assertTrains(losses: number[]): void {
  const first = losses[0]!;
  const last = losses[losses.length - 1]!;
  assert.ok(
    Math.abs(last - first) > 0.01 * Math.abs(first),
    `expected training to change the loss, got ${first} → ${last}`,
  );
}

/** The model and its data, shared by both libraries. */
interface Setup {
  /** Output units. */
  k: number;
  /** The output layer's activation. */
  head: "linear" | "sigmoid" | "softmax";
  init: number[][];
  lr: number;
}

type OurLoss = (y: tg.Tensor, out: tg.Tensor) => tg.Tensor;
type TheirLoss = (y: TF.Tensor2D, out: TF.Tensor2D) => TF.Tensor;

/** The loss after each of STEPS SGD steps, trained in tensorgrad. */
function trainTensorgrad(
  s: Setup,
  target: number[][],
  lossOf: OurLoss,
  dtype: tg.DType = "float32",
): number[] {
  const model = new tg.Sequential([
    tg.layers.dense({ units: 8, activation: "tanh", dtype }),
    tg.layers.dense({ units: s.k, activation: s.head, dtype }),
  ]);
  model.build([null, 3]);
  const shapes = [[3, 8], [8], [8, s.k], [s.k]];
  model.setWeights(s.init.map((w, i) => tg.tensor(w, shapes[i], dtype)));
  const x = tg.tensor(X, undefined, dtype);
  const y = tg.tensor(target, undefined, dtype);
  const optimizer = new tg.optimizers.SGD({ learningRate: s.lr });
  const loss = () => lossOf(y, model.apply(x));
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const tape = new tg.GradientTape();
    const grads = tape.gradient(loss(), model.trainableVariables);
    optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
    const after = loss();
    assert.equal(after.dtype, dtype);
    losses.push(after.item());
  }
  return losses;
}

let tf: typeof TF;
before(async () => {
  tf = await loadTf();
});

/** The loss after each of STEPS SGD steps, trained in TensorFlow.js. */
function trainTf(
  s: Setup,
  target: number[][],
  lossOf: TheirLoss,
  leakCheck = true,
): number[] {
  tf.env().set("IS_TEST", leakCheck);
  const shapes = [[3, 8], [8], [8, s.k], [s.k]];
  const vars = s.init.map((w, i) => tf.variable(tf.tensor(w, shapes[i])));
  const [W1, b1, W2, b2] = vars as [
    TF.Variable,
    TF.Variable,
    TF.Variable,
    TF.Variable,
  ];
  const x = tf.tensor2d(X);
  const y = tf.tensor2d(target);
  const head = {
    linear: (z: TF.Tensor2D) => z,
    sigmoid: tf.sigmoid,
    softmax: tf.softmax,
  }[s.head];
  const loss = () =>
    lossOf(
      y,
      head(tf.tanh(x.matMul(W1).add(b1)).matMul(W2).add(b2)),
    ) as TF.Scalar;
  const optimizer = tf.train.sgd(s.lr);
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(loss, vars);
      optimizer.applyGradients(grads);
    });
    losses.push(tf.tidy(() => loss().dataSync()[0]!));
  }
  optimizer.dispose();
  tf.dispose([...vars, x, y]);
  tf.env().set("IS_TEST", true);
  return losses;
}

/** Keras-style l2 normalisation along the last axis, in TensorFlow.js. */
function normalizeTf(v: TF.Tensor): TF.Tensor {
  const inverse = tf.rsqrt(tf.sum(tf.square(v), -1, true));
  return tf.mul(v, tf.minimum(inverse, 1e7));
}

const L = tg.losses;

interface Case {
  name: string;
  setup: Setup;
  /** tensorgrad's labels. */
  target: number[][];
  ours: OurLoss;
  /** TensorFlow.js's labels, when they differ from tensorgrad's. */
  theirTarget?: number[][];
  theirs: () => TheirLoss;
  /** Maps TensorFlow.js's loss value to Keras's (default: as it is). */
  toKeras?: (v: number) => number;
  /**
   * false turns off TensorFlow.js's test-mode check for leaked tensors:
   * softmaxCrossEntropy's custom gradient trips it when recorded on a tape
   * (a false alarm of TensorFlow.js's; the values are unaffected).
   */
  leakCheck?: boolean;
}

const reg = (lr: number): Setup => ({ k: 1, head: "linear", init: INIT1, lr });
const bin = (lr: number, head: Setup["head"]): Setup => ({
  k: 1,
  head,
  init: INIT1,
  lr,
});
const cat = (lr: number, head: Setup["head"]): Setup => ({
  k: 3,
  head,
  init: INIT3,
  lr,
});

const CASES: Case[] = [
  {
    name: "mean squared error (meanSquaredError)",
    setup: reg(0.1),
    target: Y_REG,
    ours: (y, out) => new L.MeanSquaredError().call(y, out),
    theirs: () => (y, out) => tf.losses.meanSquaredError(y, out),
  },
  {
    name: 'mean squared error, reduction "sum" (Reduction.SUM)',
    setup: reg(0.01),
    target: Y_REG,
    ours: (y, out) => new L.MeanSquaredError({ reduction: "sum" }).call(y, out),
    theirs: () => (y, out) =>
      tf.losses.meanSquaredError(y, out, undefined, tf.Reduction.SUM),
  },
  {
    name: 'mean squared error, weighted, "mean_with_sample_weight" (Reduction.MEAN)',
    setup: reg(0.1),
    target: Y_REG,
    ours: (y, out) =>
      new L.MeanSquaredError({ reduction: "mean_with_sample_weight" }).call(
        y,
        out,
        WEIGHTS,
      ),
    theirs: () => (y, out) =>
      tf.losses.meanSquaredError(
        y,
        out,
        tf.tensor2d(WEIGHTS, [N, 1]),
        tf.Reduction.MEAN,
      ),
  },
  {
    name: "mean squared error, weighted with zeros (Reduction.SUM / 16)",
    setup: reg(0.1),
    target: Y_REG,
    ours: (y, out) => new L.MeanSquaredError().call(y, out, WEIGHTS_ZEROS),
    theirs: () => (y, out) =>
      tf.div(
        tf.losses.meanSquaredError(
          y,
          out,
          tf.tensor2d(WEIGHTS_ZEROS, [N, 1]),
          tf.Reduction.SUM,
        ),
        N,
      ),
  },
  {
    name: "mean absolute error (absoluteDifference)",
    setup: reg(0.05),
    target: Y_REG,
    ours: (y, out) => new L.MeanAbsoluteError().call(y, out),
    theirs: () => (y, out) => tf.losses.absoluteDifference(y, out),
  },
  {
    name: "huber, delta 0.5 (huberLoss)",
    setup: reg(0.2),
    target: Y_REG,
    ours: (y, out) => new L.Huber({ delta: 0.5 }).call(y, out),
    theirs: () => (y, out) => tf.losses.huberLoss(y, out, undefined, 0.5),
  },
  {
    name: "mean absolute percentage error (tf.metrics.meanAbsolutePercentageError)",
    setup: reg(0.002),
    target: Y_REG,
    ours: (y, out) => new L.MeanAbsolutePercentageError().call(y, out),
    theirs: () => (y, out) =>
      tf.mean(tf.metrics.meanAbsolutePercentageError(y, out)),
  },
  {
    name: "binary crossentropy of sigmoid outputs (logLoss)",
    setup: bin(0.5, "sigmoid"),
    target: Y_BIN,
    ours: (y, out) => new L.BinaryCrossentropy().call(y, out),
    theirs: () => (y, out) => tf.losses.logLoss(y, out),
  },
  {
    name: "binary crossentropy of sigmoid outputs (tf.metrics.binaryCrossentropy)",
    setup: bin(0.5, "sigmoid"),
    target: Y_BIN,
    ours: (y, out) => new L.BinaryCrossentropy().call(y, out),
    theirs: () => (y, out) => tf.mean(tf.metrics.binaryCrossentropy(y, out)),
  },
  {
    name: "binary crossentropy from logits (sigmoidCrossEntropy)",
    setup: bin(0.5, "linear"),
    target: Y_BIN,
    ours: (y, out) =>
      new L.BinaryCrossentropy({ fromLogits: true }).call(y, out),
    theirs: () => (y, out) => tf.losses.sigmoidCrossEntropy(y, out),
  },
  {
    name: "binary crossentropy from logits, label smoothing 0.2",
    setup: bin(0.5, "linear"),
    target: Y_BIN,
    ours: (y, out) =>
      new L.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }).call(
        y,
        out,
      ),
    theirs: () => (y, out) =>
      tf.losses.sigmoidCrossEntropy(y, out, undefined, 0.2),
  },
  {
    name: "categorical crossentropy from logits (softmaxCrossEntropy)",
    setup: cat(0.5, "linear"),
    target: Y_ONEHOT,
    ours: (y, out) =>
      new L.CategoricalCrossentropy({ fromLogits: true }).call(y, out),
    theirs: () => (y, out) => tf.losses.softmaxCrossEntropy(y, out),
    leakCheck: false,
  },
  {
    name: "categorical crossentropy from logits, label smoothing 0.1",
    setup: cat(0.5, "linear"),
    target: Y_ONEHOT,
    ours: (y, out) =>
      new L.CategoricalCrossentropy({
        fromLogits: true,
        labelSmoothing: 0.1,
      }).call(y, out),
    theirs: () => (y, out) =>
      tf.losses.softmaxCrossEntropy(y, out, undefined, 0.1),
    leakCheck: false,
  },
  {
    name: "categorical crossentropy of softmax outputs (tf.metrics.categoricalCrossentropy)",
    setup: cat(0.5, "softmax"),
    target: Y_ONEHOT,
    ours: (y, out) => new L.CategoricalCrossentropy().call(y, out),
    theirs: () => (y, out) =>
      tf.mean(tf.metrics.categoricalCrossentropy(y, out)),
  },
  {
    name: "sparse categorical crossentropy from logits (softmaxCrossEntropy)",
    setup: cat(0.5, "linear"),
    target: LABELS.map((l) => [l]),
    ours: (y, out) =>
      new L.SparseCategoricalCrossentropy({ fromLogits: true }).call(y, out),
    theirTarget: Y_ONEHOT,
    theirs: () => (y, out) => tf.losses.softmaxCrossEntropy(y, out),
    leakCheck: false,
  },
  {
    name: "sparse categorical crossentropy of softmax outputs (tf.metrics.categoricalCrossentropy)",
    setup: cat(0.5, "softmax"),
    target: LABELS.map((l) => [l]),
    ours: (y, out) => new L.SparseCategoricalCrossentropy().call(y, out),
    theirTarget: Y_ONEHOT,
    theirs: () => (y, out) =>
      tf.mean(tf.metrics.categoricalCrossentropy(y, out)),
  },
  {
    name: "hinge, labels in {0, 1} (hingeLoss)",
    setup: reg(0.1),
    target: Y_BIN,
    ours: (y, out) => new L.Hinge().call(y, out),
    theirs: () => (y, out) => tf.losses.hingeLoss(y, out),
  },
  {
    name: "hinge, labels in {−1, 1} (hingeLoss given {0, 1})",
    setup: reg(0.1),
    target: Y_SIGNED,
    ours: (y, out) => new L.Hinge().call(y, out),
    theirTarget: Y_BIN,
    theirs: () => (y, out) => tf.losses.hingeLoss(y, out),
  },
  {
    name: "cosine similarity (cosineDistance − 1 of normalised vectors)",
    setup: cat(0.5, "linear"),
    target: Y_VEC,
    ours: (y, out) => new L.CosineSimilarity().call(y, out),
    theirs: () => (y, out) =>
      tf.losses.cosineDistance(normalizeTf(y), normalizeTf(out), -1),
    toKeras: (v) => v - 1,
  },
  {
    name: "cosine similarity (tf.metrics.cosineProximity)",
    setup: cat(0.5, "linear"),
    target: Y_VEC,
    ours: (y, out) => new L.CosineSimilarity().call(y, out),
    theirs: () => (y, out) => tf.mean(tf.metrics.cosineProximity(y, out)),
  },
];

describe("against TensorFlow.js, the loss after each of 50 steps (1e-5)", () => {
  for (const c of CASES) {
    test(c.name, (t) => {
      const ours = trainTensorgrad(c.setup, c.target, c.ours);
      assertTrains(ours);
      const theirs = trainTf(
        c.setup,
        c.theirTarget ?? c.target,
        c.theirs(),
        c.leakCheck,
      ).map(c.toKeras ?? ((v) => v));
      const worst = agree(ours, theirs, 1e-5);
      t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
    });
  }
});

describe("where TensorFlow.js departs from Keras", () => {
  test("hingeLoss maps {−1, 1} labels to {−3, 1}", () => {
    const s = reg(0.1);
    const keras = trainTensorgrad(s, Y_SIGNED, (y, out) =>
      new L.Hinge().call(y, out),
    );
    const tfSigned = trainTf(s, Y_SIGNED, (y, out) =>
      tf.losses.hingeLoss(y, out),
    );
    assert.ok(worstError(tfSigned, keras) > 1e-2);
  });

  test("SUM_BY_NONZERO_WEIGHTS divides by the nonzero weights, not 16", () => {
    const s = reg(0.1);
    const keras = trainTensorgrad(s, Y_REG, (y, out) =>
      new L.MeanSquaredError().call(y, out, WEIGHTS_ZEROS),
    );
    const tfNonzero = trainTf(s, Y_REG, (y, out) =>
      tf.losses.meanSquaredError(y, out, tf.tensor2d(WEIGHTS_ZEROS, [N, 1])),
    );
    assert.ok(worstError(tfNonzero, keras) > 1e-2);
  });
});

// ---------------------------------------------------------------------------
// Binary crossentropy of saturated sigmoid outputs: a float64 reference.

/** Per-sample loss and its gradient with respect to the output logit. */
type RefLoss = (z: number, t: number) => { loss: number; dz: number };

/**
 * Keras's binary crossentropy of p = sigmoid(z), clipped to [lo, hi] (the
 * bounds ε and 1 − ε in the model's dtype, as Keras casts them); the
 * clipped entries have no gradient, as with Keras's clip.
 */
function kerasBce(dtype: "float32" | "float64"): RefLoss {
  const cast = dtype === "float32" ? Math.fround : (v: number) => v;
  const lo = cast(1e-7);
  const hi = cast(1 - 1e-7);
  return (z, t) => {
    const p = 1 / (1 + Math.exp(-z));
    const q = Math.min(Math.max(p, lo), hi);
    const loss = -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
    const dp = p < lo || p > hi ? 0 : -t / q + (1 - t) / (1 - q);
    return { loss, dz: dp * p * (1 - p) };
  };
}

/** The loss after each SGD step of the 3-8-1 tanh MLP, in float64. */
function trainReference(s: Setup, target: number[][], lossOf: RefLoss) {
  const params = s.init.map((w) => Float64Array.from(w));
  type Four = [Float64Array, Float64Array, Float64Array, Float64Array];
  const [W1, b1, W2, b2] = params as Four;
  const lr = Math.fround(s.lr);
  const step = (update: boolean): number => {
    const grads = params.map((p) => new Float64Array(p.length));
    const [gW1, gb1, gW2, gb2] = grads as Four;
    let total = 0;
    X.forEach((xs, n) => {
      const h = new Float64Array(8);
      let z = b2[0]!;
      for (let j = 0; j < 8; j++) {
        let a = b1[j]!;
        for (let i = 0; i < 3; i++) a += xs[i]! * W1[i * 8 + j]!;
        h[j] = Math.tanh(a);
        z += h[j]! * W2[j]!;
      }
      const { loss, dz } = lossOf(z, target[n]![0]!);
      total += loss;
      const d = dz / N;
      gb2[0]! += d;
      for (let j = 0; j < 8; j++) {
        gW2[j]! += h[j]! * d;
        const da = d * W2[j]! * (1 - h[j]! ** 2);
        gb1[j]! += da;
        for (let i = 0; i < 3; i++) gW1[i * 8 + j]! += xs[i]! * da;
      }
    });
    if (update) {
      params.forEach((p, i) => {
        for (let j = 0; j < p.length; j++) p[j]! -= lr * grads[i]![j]!;
      });
    }
    return total / N;
  };
  const losses: number[] = [];
  for (let k = 0; k < STEPS; k++) {
    step(true);
    losses.push(step(false));
  }
  return losses;
}

describe("binary crossentropy of saturated sigmoid outputs: against Keras's formula in float64", () => {
  // The output layer starts scaled up and biased to −14, so that several
  // positive samples start with p < 1e-7: Keras clips them (no gradient),
  // TensorFlow.js's logLoss takes log(p + 1e-7) (some gradient).
  const s: Setup = { k: 1, head: "sigmoid", init: SATURATED, lr: 0.5 };
  const ours = (y: tg.Tensor, out: tg.Tensor) =>
    new L.BinaryCrossentropy().call(y, out);

  test("the start is saturated", () => {
    const model = new tg.Sequential([
      tg.layers.dense({ units: 8, activation: "tanh" }),
      tg.layers.dense({ units: 1, activation: "sigmoid" }),
    ]);
    model.build([null, 3]);
    const shapes = [[3, 8], [8], [8, 1], [1]];
    model.setWeights(SATURATED.map((w, i) => tg.tensor(w, shapes[i])));
    const p = model.apply(tg.tensor(X)).data;
    const clipped = Y_BIN.filter(([t], i) => t === 1 && p[i]! < 1e-7).length;
    assert.ok(clipped >= 2, `expected saturated positives, got ${clipped}`);
  });

  test("float32, within 1e-5; TensorFlow.js's logLoss departs", (t) => {
    const expected = trainReference(s, Y_BIN, kerasBce("float32"));
    const actual = trainTensorgrad(s, Y_BIN, ours);
    assertTrains(actual);
    const worst = agree(actual, expected, 1e-5);
    const logLoss = trainTf(s, Y_BIN, (y, out) => tf.losses.logLoss(y, out));
    const tfWorst = worstError(logLoss, expected);
    assert.ok(
      tfWorst > 10 * Math.max(worst, 1e-6),
      `TensorFlow.js's logLoss should depart from Keras here, but its ` +
        `worst relative error is only ${tfWorst.toExponential(2)}`,
    );
    t.diagnostic(
      `worst relative error ${worst.toExponential(2)}; logLoss departs ` +
        `by up to ${tfWorst.toExponential(2)}`,
    );
  });

  test("float64, within 1e-9", (t) => {
    const expected = trainReference(s, Y_BIN, kerasBce("float64"));
    const worst = agree(
      trainTensorgrad(s, Y_BIN, ours, "float64"),
      expected,
      1e-9,
    );
    t.diagnostic(`worst relative error ${worst.toExponential(2)}`);
  });
});
