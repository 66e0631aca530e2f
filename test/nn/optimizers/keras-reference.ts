// SPDX-License-Identifier: Apache-2.0
/**
 * An independent float64 implementation of Keras 3's published optimizer
 * updates (keras/src/optimizers/*.py, update_step), element by element on
 * plain arrays, and of a 3-8-1 tanh MLP with MSE and its gradient, written
 * out by hand. Tests train tensorgrad against it where TensorFlow.js's
 * formulas depart from Keras's, and in float64 for every optimizer.
 *
 * The learning rate is float32-rounded, as Keras keeps it in a float32
 * variable (float64 variables see float64(float32(lr))). Where Keras's
 * update casts a hyperparameter to the variable's dtype (β1, β2 in the
 * bias-correction powers, SGD's momentum, Nadam's and Lion's betas), the
 * `dtype` argument says which: for a float32 model β2 = float32(0.999)
 * makes 1 − β2^t differ from float64's by 1.3e-5 relative, which is
 * Keras's own behaviour, not rounding noise. Everything is then computed
 * in float64.
 */

/** One parameter: values (row-major) and shape. */
export interface Param {
  value: Float64Array;
  shape: number[];
}

/** Applies one step to `params` (in place), given their gradients. */
export type RefOptimizer = (params: Param[], grads: Float64Array[]) => void;

/** Per-parameter state arrays, created on first use (zeros or `init`). */
function stateOf(n: number, init = 0) {
  const states = new Map<string, Float64Array[]>();
  return (name: string, i: number, size: number): Float64Array => {
    let list = states.get(name);
    if (!list) {
      list = Array.from({ length: n }, () => new Float64Array(0));
      states.set(name, list);
    }
    if (list[i]!.length !== size) list[i] = new Float64Array(size).fill(init);
    return list[i]!;
  };
}

type Step = (
  w: Float64Array,
  g: Float64Array,
  state: (name: string) => Float64Array,
  t: number,
  param: Param,
) => void;

/** Wraps a per-parameter update into a RefOptimizer with a step count. */
function optimizer(
  step: Step,
  opts: { init?: Record<string, number>; before?: (t: number) => void } = {},
): RefOptimizer {
  let t = 0;
  const states = new Map<string, ReturnType<typeof stateOf>>();
  return (params, grads) => {
    t++;
    opts.before?.(t);
    params.forEach((p, i) => {
      const state = (name: string) => {
        let s = states.get(name);
        if (!s) {
          s = stateOf(params.length, opts.init?.[name] ?? 0);
          states.set(name, s);
        }
        return s(name, i, p.value.length);
      };
      step(p.value, grads[i]!, state, t, p);
    });
  };
}

const f32 = Math.fround;

/** The dtype Keras casts hyperparameters to: the model's. */
export type DType = "float32" | "float64";

function caster(dtype: DType): (x: number) => number {
  return dtype === "float32" ? f32 : (x) => x;
}

/** Keras's SGD (momentum, nesterov). */
export function sgd(
  lr: number,
  momentum = 0,
  nesterov = false,
  dtype: DType = "float64",
) {
  lr = f32(lr);
  momentum = caster(dtype)(momentum);
  return optimizer((w, g, state) => {
    if (momentum === 0) {
      for (let j = 0; j < w.length; j++) w[j]! -= lr * g[j]!;
      return;
    }
    const v = state("momentum");
    for (let j = 0; j < w.length; j++) {
      v[j] = momentum * v[j]! - lr * g[j]!;
      w[j]! += nesterov ? momentum * v[j]! - lr * g[j]! : v[j]!;
    }
  });
}

/** Keras's Adam (amsgrad), with AdamW's decoupled decay when `wd` > 0. */
export function adam(
  lr: number,
  o: { beta1?: number; beta2?: number; epsilon?: number; amsgrad?: boolean },
  wd = 0,
  dtype: DType = "float64",
) {
  lr = f32(lr);
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, amsgrad = false } = o;
  const k = caster(dtype);
  return optimizer((w, g, state, t) => {
    for (let j = 0; j < w.length; j++) w[j]! -= w[j]! * wd * lr;
    const m = state("m");
    const v = state("v");
    const vHat = state("vHat");
    const alpha = (lr * Math.sqrt(1 - k(beta2) ** t)) / (1 - k(beta1) ** t);
    for (let j = 0; j < w.length; j++) {
      m[j]! += (g[j]! - m[j]!) * (1 - beta1);
      v[j]! += (g[j]! ** 2 - v[j]!) * (1 - beta2);
      vHat[j] = Math.max(vHat[j]!, v[j]!);
      const vv = amsgrad ? vHat[j]! : v[j]!;
      w[j]! -= (m[j]! * alpha) / (Math.sqrt(vv) + epsilon);
    }
  });
}

/** Keras's Adamax. */
export function adamax(
  lr: number,
  beta1 = 0.9,
  beta2 = 0.999,
  eps = 1e-7,
  dtype: DType = "float64",
) {
  lr = f32(lr);
  const b1Cast = caster(dtype)(beta1);
  return optimizer((w, g, state, t) => {
    const m = state("m");
    const u = state("u");
    for (let j = 0; j < w.length; j++) {
      m[j]! += (g[j]! - m[j]!) * (1 - beta1);
      u[j] = Math.max(beta2 * u[j]!, Math.abs(g[j]!));
      w[j]! -= (lr * m[j]!) / ((1 - b1Cast ** t) * (u[j]! + eps));
    }
  });
}

/** Keras's Nadam. */
export function nadam(
  lr: number,
  beta1 = 0.9,
  beta2 = 0.999,
  eps = 1e-7,
  dtype: DType = "float64",
) {
  lr = f32(lr);
  const k = caster(dtype);
  [beta1, beta2] = [k(beta1), k(beta2)];
  const mu = (t: number) => beta1 * (1 - 0.5 * k(0.96) ** t);
  let product = 1;
  return optimizer(
    (w, g, state, t) => {
      const m = state("m");
      const v = state("v");
      const productNext = product * mu(t + 1);
      for (let j = 0; j < w.length; j++) {
        m[j]! += (g[j]! - m[j]!) * (1 - beta1);
        v[j]! += (g[j]! ** 2 - v[j]!) * (1 - beta2);
        const mHat =
          (mu(t + 1) * m[j]!) / (1 - productNext) +
          ((1 - mu(t)) * g[j]!) / (1 - product);
        const vHat = v[j]! / (1 - beta2 ** t);
        w[j]! -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    },
    { before: (t) => (product *= mu(t)) },
  );
}

/** Keras's RMSprop (momentum, centered). */
export function rmsprop(
  lr: number,
  o: { rho?: number; momentum?: number; epsilon?: number; centered?: boolean },
) {
  lr = f32(lr);
  const { rho = 0.9, momentum = 0, epsilon = 1e-7, centered = false } = o;
  return optimizer((w, g, state) => {
    const vel = state("velocity");
    const avg = state("average");
    const mom = state("momentum");
    for (let j = 0; j < w.length; j++) {
      vel[j] = rho * vel[j]! + (1 - rho) * g[j]! ** 2;
      avg[j] = rho * avg[j]! + (1 - rho) * g[j]!;
      const denominator = centered
        ? vel[j]! - avg[j]! ** 2 + epsilon
        : vel[j]! + epsilon;
      const increment = (lr * g[j]!) / Math.sqrt(denominator);
      mom[j] = momentum > 0 ? momentum * mom[j]! + increment : increment;
      w[j]! -= mom[j]!;
    }
  });
}

/** Keras's Adagrad. */
export function adagrad(lr: number, initial = 0.1, epsilon = 1e-7) {
  lr = f32(lr);
  return optimizer(
    (w, g, state) => {
      const a = state("accumulator");
      for (let j = 0; j < w.length; j++) {
        a[j]! += g[j]! ** 2;
        w[j]! -= (lr * g[j]!) / Math.sqrt(a[j]! + epsilon);
      }
    },
    { init: { accumulator: initial } },
  );
}

/** Keras's Adadelta. */
export function adadelta(lr: number, rho = 0.95, epsilon = 1e-7) {
  lr = f32(lr);
  return optimizer((w, g, state) => {
    const ag = state("grad");
    const ad = state("delta");
    for (let j = 0; j < w.length; j++) {
      ag[j] = rho * ag[j]! + (1 - rho) * g[j]! ** 2;
      const delta =
        -(Math.sqrt(ad[j]! + epsilon) * g[j]!) / Math.sqrt(ag[j]! + epsilon);
      ad[j] = rho * ad[j]! + (1 - rho) * delta ** 2;
      w[j]! += lr * delta;
    }
  });
}

/** Keras's Lion. */
export function lion(
  lr: number,
  beta1 = 0.9,
  beta2 = 0.99,
  dtype: DType = "float64",
) {
  lr = f32(lr);
  [beta1, beta2] = [caster(dtype)(beta1), caster(dtype)(beta2)];
  return optimizer((w, g, state) => {
    const m = state("m");
    for (let j = 0; j < w.length; j++) {
      w[j]! -= lr * Math.sign(beta1 * m[j]! + (1 - beta1) * g[j]!);
      m[j] = beta2 * m[j]! + (1 - beta2) * g[j]!;
    }
  });
}

/** Keras's Ftrl (no regularization beyond the options given). */
export function ftrl(
  lr: number,
  o: { power?: number; initial?: number; l1?: number; l2?: number } = {},
) {
  lr = f32(lr);
  const { power = -0.5, initial = 0.1, l1 = 0, l2 = 0 } = o;
  const p = -power;
  return optimizer(
    (w, g, state) => {
      const n = state("accumulator");
      const z = state("linear");
      for (let j = 0; j < w.length; j++) {
        const nNew = n[j]! + g[j]! ** 2;
        z[j]! += g[j]! - ((nNew ** p - n[j]! ** p) / lr) * w[j]!;
        const quadratic = nNew ** p / lr + 2 * l2;
        const clipped = Math.min(Math.max(z[j]!, -l1), l1);
        w[j] = (clipped - z[j]!) / quadratic;
        n[j] = nNew;
      }
    },
    { init: { accumulator: initial } },
  );
}

/** Keras's Lamb. */
export function lamb(
  lr: number,
  beta1 = 0.9,
  beta2 = 0.999,
  eps = 1e-7,
  dtype: DType = "float64",
) {
  lr = f32(lr);
  const k = caster(dtype);
  return optimizer((w, g, state, t) => {
    const m = state("m");
    const v = state("v");
    const u = new Float64Array(w.length);
    for (let j = 0; j < w.length; j++) {
      m[j]! += (g[j]! - m[j]!) * (1 - beta1);
      v[j]! += (g[j]! ** 2 - v[j]!) * (1 - beta2);
      const mHat = m[j]! / (1 - k(beta1) ** t);
      u[j] = mHat / (Math.sqrt(v[j]! / (1 - k(beta2) ** t)) + eps);
    }
    const wNorm = Math.hypot(...w);
    const uNorm = Math.hypot(...u);
    const ratio = wNorm > 0 && uNorm > 0 ? wNorm / uNorm : 1;
    for (let j = 0; j < w.length; j++) w[j]! -= ratio * lr * u[j]!;
  });
}

function rms(x: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += x[j]! ** 2;
  return Math.sqrt(s / x.length);
}

/** Keras's Adafactor (rank-2 parameters factored; rank 1 not). */
export function adafactor(
  lr: number,
  o: { decay?: number; eps1?: number; eps2?: number; clip?: number } = {},
) {
  lr = f32(lr);
  const { decay = -0.8, eps1 = 1e-30, eps2 = 1e-3, clip = 1 } = o;
  return optimizer((w, g, state, t, param) => {
    const alpha = Math.max(eps2, rms(w)) * Math.min(lr, 1 / Math.sqrt(t));
    const beta = 1 - t ** decay;
    const G = Array.from(g, (x) => x * x + eps1);
    const v = state("v");
    if (param.shape.length === 2) {
      const [rows, cols] = param.shape as [number, number];
      const r = state("r").subarray(0, rows);
      const c = state("c").subarray(0, cols);
      for (let i = 0; i < rows; i++) {
        let s = 0;
        for (let j = 0; j < cols; j++) s += G[i * cols + j]!;
        r[i] = beta * r[i]! + ((1 - beta) * s) / cols;
      }
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let i = 0; i < rows; i++) s += G[i * cols + j]!;
        c[j] = beta * c[j]! + ((1 - beta) * s) / rows;
      }
      const rMean = r.reduce((a, b) => a + b, 0) / rows;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++)
          v[i * cols + j] = (r[i]! / rMean) * c[j]!;
      }
    } else {
      for (let j = 0; j < w.length; j++)
        v[j] = beta * v[j]! + (1 - beta) * G[j]!;
    }
    const u = Array.from(g, (x, j) => x / Math.sqrt(v[j]!));
    const scale = Math.max(1, rms(u) / clip);
    for (let j = 0; j < w.length; j++) w[j]! -= (alpha * u[j]!) / scale;
  });
}

/** A 3-8-1 MLP: W1 [3, 8], b1 [8], W2 [8, 1], b2 [1] (Keras's order). */
export function mlpParams(values: number[][]): Param[] {
  const shapes = [[3, 8], [8], [8, 1], [1]];
  return values.map((v, i) => ({
    value: Float64Array.from(v),
    shape: shapes[i]!,
  }));
}

/** MSE of the tanh MLP on (x, y), and its gradient, in float64. */
export function mlpLossAndGrads(
  params: Param[],
  x: number[][],
  y: number[],
): { loss: number; grads: Float64Array[] } {
  const [W1, b1, W2, b2] = params.map((p) => p.value) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const n = x.length;
  const grads = params.map((p) => new Float64Array(p.value.length));
  const [gW1, gb1, gW2, gb2] = grads as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  let loss = 0;
  for (let s = 0; s < n; s++) {
    const xs = x[s]!;
    const h = new Float64Array(8);
    let out = b2[0]!;
    for (let k = 0; k < 8; k++) {
      let z = b1[k]!;
      for (let i = 0; i < 3; i++) z += xs[i]! * W1[i * 8 + k]!;
      h[k] = Math.tanh(z);
      out += h[k]! * W2[k]!;
    }
    const err = out - y[s]!;
    loss += err * err;
    const dOut = (2 * err) / n;
    gb2[0]! += dOut;
    for (let k = 0; k < 8; k++) {
      gW2[k]! += h[k]! * dOut;
      const dz = dOut * W2[k]! * (1 - h[k]! ** 2);
      gb1[k]! += dz;
      for (let i = 0; i < 3; i++) gW1[i * 8 + k]! += xs[i]! * dz;
    }
  }
  return { loss: loss / n, grads };
}
