// SPDX-License-Identifier: Apache-2.0
/**
 * The 784-256-128-10 MLP of the mlp-train and mlp-infer benchmarks, built
 * the same way in each library from the same float32 weights: tensorgrad
 * and TensorFlow.js through their layers API (Dense relu, Dense relu,
 * Dense softmax), jax-js as a parameter tree and a forward function.
 *
 * Not a benchmark itself: it exports no `run`, so run.ts skips it.
 */
import type * as TF from "@tensorflow/tfjs";
import type * as JAX from "@jax-js/jax";
import * as tg from "tensorgrad";
import type { Jax, Tf } from "./peers.js";

export const UNITS = [784, 256, 128, 10] as const;
export const CLASSES = 10;
export const LEARNING_RATE = 1e-3;

/** Weights in Keras order: kernel [in, out], bias [out], per layer. */
export interface Weights {
  data: Float32Array[];
  shapes: number[][];
}

/** tensorgrad's MLP (not compiled), built; seed 7 gives the weights. */
export function tgModel(): tg.Sequential {
  const model = new tg.Sequential([
    tg.layers.dense({ units: 256, activation: "relu", inputShape: [784] }),
    tg.layers.dense({ units: 128, activation: "relu" }),
    tg.layers.dense({ units: CLASSES, activation: "softmax" }),
  ]);
  model.build([null, 784]);
  return model;
}

/** The initial weights every library starts from (tensorgrad's, seed 7). */
export function initialWeights(): Weights {
  tg.setSeed(7);
  const ws = tgModel().getWeights();
  return {
    data: ws.map((w) => Float32Array.from(w.data as Float32Array)),
    shapes: ws.map((w) => [...w.shape]),
  };
}

/** A random float32 batch: normal inputs, uniform labels (and one-hot). */
export interface Batch {
  size: number;
  x: Float32Array;
  labels: Int32Array;
  oneHot: Float32Array;
}

export function makeBatch(size: number): Batch {
  tg.setSeed(1);
  const x = Float32Array.from(tg.randomNormal([size, 784]).data);
  const labels = new Int32Array(size);
  const oneHot = new Float32Array(size * CLASSES);
  const u = tg.randomUniform([size]).data;
  for (let i = 0; i < size; i++) {
    labels[i] = Math.min(CLASSES - 1, Math.floor(u[i]! * CLASSES));
    oneHot[i * CLASSES + labels[i]!] = 1;
  }
  return { size, x, labels, oneHot };
}

/** tensorgrad's MLP on the current backend, with weights `w`. */
export function tgMlp(w: Weights): tg.Sequential {
  const model = tgModel();
  model.setWeights(w.data.map((d, i) => tg.tensor(d, w.shapes[i])));
  return model;
}

/** TensorFlow.js's MLP on its current backend, with weights `w`. */
export function tfMlp(tf: Tf, w: Weights): TF.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 256, activation: "relu", inputShape: [784] }),
      tf.layers.dense({ units: 128, activation: "relu" }),
      tf.layers.dense({ units: CLASSES, activation: "softmax" }),
    ],
  });
  model.setWeights(w.data.map((d, i) => tf.tensor(d, w.shapes[i])));
  return model;
}

export const KEYS = ["w1", "b1", "w2", "b2", "w3", "b3"] as const;
export type Key = (typeof KEYS)[number];
/** jax-js parameters (a `type`, not an interface, to be a JsTree). */
export type Params = Record<Key, JAX.Array>;

/** jax-js parameters holding weights `w`. */
export function jaxParams(jax: Jax, w: Weights): Params {
  const out = {} as Params;
  KEYS.forEach((k, i) => {
    out[k] = jax.numpy.array(w.data[i]!).reshape(w.shapes[i]!);
  });
  return out;
}

/** The MLP's logits in jax-js; consumes `p` and `x`. */
export function jaxLogits(jax: Jax, p: Params, x: JAX.Array): JAX.Array {
  const { numpy: np, nn } = jax;
  const h1 = nn.relu(np.matmul(x, p.w1).add(p.b1));
  const h2 = nn.relu(np.matmul(h1, p.w2).add(p.b2));
  return np.matmul(h2, p.w3).add(p.b3);
}
