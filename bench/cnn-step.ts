// SPDX-License-Identifier: Apache-2.0
/**
 * A training step of a small MNIST-shaped CNN, timed in tensorgrad and in
 * TensorFlow.js (cpu backend).
 *
 * The model: 28×28×1 → Conv2D(32, 3×3, relu) → MaxPooling2D(2) →
 * Conv2D(64, 3×3, relu) → MaxPooling2D(2) → Flatten → Dense(10, softmax),
 * 34,826 parameters. Both libraries build it with their layers API, from
 * the same initial weights (tensorgrad's, copied into TF.js with
 * `setWeights` in Keras order), compile it with Adam (learning rate 1e-3,
 * epsilon 1e-12: see EPSILON) and sparse categorical cross-entropy
 * (TF.js: categorical cross-entropy on the one-hot labels, the same
 * value), and take steps with `model.trainOnBatch` on the same random
 * float32 batch of 64.
 *
 * Each library runs the same sequence of steps from the same start, so
 * the losses of step 1 (the forward pass) and of the later steps (after
 * identical Adam updates) must agree; they are printed side by side, and
 * the benchmark says whether they match to 1e-5 relative.
 *
 * tensorgrad: WARMUP steps, then TIMED steps, median reported. TF.js cpu
 * takes about a minute a step here, so it runs 1 warm-up step and 2 timed
 * ones (mean reported); `CNN_STEP_TFJS_STEPS=n` changes the timed count
 * (0 skips TF.js). Target: tensorgrad's step at least 10× faster.
 *
 * Run it with `npm run bench -- cnn-step`. With `--profile N` (compiled:
 * `node bench/build/cnn-step.js --profile 5`) it runs only N timed
 * tensorgrad steps after the warm-up, for `node --cpu-prof`.
 */
import { pathToFileURL } from "node:url";
import type * as TF from "@tensorflow/tfjs";
import * as tg from "tensorgrad";

export const name = "cnn-step";

const BATCH = 64;
const CLASSES = 10;
const LEARNING_RATE = 1e-3;
/**
 * Adam's epsilon, in both libraries. Keras adds epsilon to sqrt(v) before
 * the bias correction, TF.js after it, so with the default 1e-7 their
 * updates differ for weights whose gradient is below about 1e-5 (by up to
 * 1e-3 after two steps here, and the second loss by 3e-5 relative). With
 * 1e-12 both give the same weights to 1e-7, so the later losses check the
 * whole step too; the work timed is the same either way.
 */
const EPSILON = 1e-12;
/** tensorgrad steps: untimed warm-up, then timed (median reported). */
const WARMUP = 2;
const TIMED = 7;
/** TF.js cpu steps: about a minute each on this machine. */
const TF_WARMUP = 1;
const TF_TIMED_DEFAULT = 2;
/** Target speed-up over TensorFlow.js's cpu backend. */
const TARGET_RATIO = 10;
/** Loss agreement asked for (relative), both libraries in float32. */
const LOSS_RTOL = 1e-5;

/** The benchmark's model in tensorgrad, compiled, from seed 7. */
function tensorgradModel(): tg.Sequential {
  tg.setSeed(7);
  const model = new tg.Sequential([
    tg.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      activation: "relu",
      inputShape: [28, 28, 1],
    }),
    tg.layers.maxPooling2D({ poolSize: 2 }),
    tg.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }),
    tg.layers.maxPooling2D({ poolSize: 2 }),
    tg.layers.flatten(),
    tg.layers.dense({ units: CLASSES, activation: "softmax" }),
  ]);
  model.compile({
    optimizer: new tg.optimizers.Adam({
      learningRate: LEARNING_RATE,
      epsilon: EPSILON,
    }),
    loss: new tg.losses.SparseCategoricalCrossentropy(),
  });
  return model;
}

/** The same model in TensorFlow.js, with tensorgrad's initial weights. */
function tfjsModel(tf: typeof TF, weights: tg.Tensor[]): TF.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        activation: "relu",
        inputShape: [28, 28, 1],
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: CLASSES, activation: "softmax" }),
    ],
  });
  model.setWeights(
    weights.map((w) => tf.tensor(w.data as Float32Array, [...w.shape])),
  );
  model.compile({
    optimizer: tf.train.adam(LEARNING_RATE, 0.9, 0.999, EPSILON),
    loss: "categoricalCrossentropy",
  });
  return model;
}

/** The batch: uniform [0, 1) pixels and uniform labels, from seed 1. */
function makeBatch(): { x: tg.Tensor; y: tg.Tensor } {
  tg.setSeed(1);
  const x = tg.randomUniform([BATCH, 28, 28, 1]);
  const y = tg.cast(tg.randomUniform([BATCH], 0, CLASSES), "int32");
  return { x, y };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Losses of every step and wall times of the timed ones, in ms. */
interface Run {
  losses: number[];
  ms: number[];
}

/** tensorgrad: `warmup` untimed steps, then `timed` timed ones. */
function runTensorgrad(
  model: tg.Sequential,
  x: tg.Tensor,
  y: tg.Tensor,
  warmup: number,
  timed: number,
): Run {
  const out: Run = { losses: [], ms: [] };
  for (let i = 0; i < warmup + timed; i++) {
    // Keras 3's trainOnBatch reports the loss averaged over the calls
    // since the last reset; TF.js's, this batch's. Reset, untimed.
    model.resetMetrics();
    const t0 = performance.now();
    const loss = model.trainOnBatch(x, y) as number;
    const t1 = performance.now();
    out.losses.push(loss);
    if (i >= warmup) out.ms.push(t1 - t0);
  }
  return out;
}

/** TensorFlow.js: the same, with its trainOnBatch (a Promise). */
async function runTfjs(
  model: TF.Sequential,
  x: TF.Tensor,
  y: TF.Tensor,
  warmup: number,
  timed: number,
): Promise<Run> {
  const out: Run = { losses: [], ms: [] };
  for (let i = 0; i < warmup + timed; i++) {
    const t0 = performance.now();
    const loss = (await model.trainOnBatch(x, y)) as number;
    const t1 = performance.now();
    out.losses.push(loss);
    if (i >= warmup) out.ms.push(t1 - t0);
  }
  return out;
}

/** How many TF.js steps to time: CNN_STEP_TFJS_STEPS, default 2. */
function tfTimedSteps(): number {
  const v = process.env.CNN_STEP_TFJS_STEPS;
  if (v === undefined || v === "") return TF_TIMED_DEFAULT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`cnn-step: CNN_STEP_TFJS_STEPS must be >= 0, got ${v}`);
  }
  return n;
}

/** Loads TensorFlow.js on its cpu backend, without its Node.js hint. */
async function loadTf(): Promise<typeof TF> {
  const tf = await import("@tensorflow/tfjs");
  // Prod mode, as TensorFlow.js runs in production; it also silences the
  // "install tfjs-node" hint. (IS_TEST would silence it too, but it checks
  // every kernel for leaked tensors, which would slow TF.js down.)
  tf.enableProdMode();
  await tf.setBackend("cpu");
  return tf;
}

const fmt = (x: number, digits = 1) => x.toFixed(digits).padStart(10);

/** The benchmark: tensorgrad's steps, then TF.js's, then the table. */
export async function run(): Promise<void> {
  const tfTimed = tfTimedSteps();
  const model = tensorgradModel();
  const initial = model.getWeights();
  const { x, y } = makeBatch();
  const ours = runTensorgrad(model, x, y, WARMUP, TIMED);

  const lines = [
    `${name}: one trainOnBatch step of a CNN, both libraries, float32`,
    `  28x28x1 > Conv2D(32, 3x3, relu) > MaxPool(2) > Conv2D(64, 3x3, relu)`,
    `  > MaxPool(2) > Flatten > Dense(10, softmax); batch ${BATCH}, Adam ` +
      `(lr ${LEARNING_RATE}, epsilon ${EPSILON}),`,
    `  sparse categorical cross-entropy, model.trainOnBatch in both`,
    `  tensorgrad: ${WARMUP} warm-up + ${TIMED} timed steps (median); ` +
      `TF.js cpu: ${TF_WARMUP} warm-up + ${tfTimed} timed (mean)`,
    ``,
  ];
  const tgMs = median(ours.ms);
  const range = `${Math.min(...ours.ms).toFixed(0)}–${Math.max(...ours.ms).toFixed(0)}`;
  lines.push(
    `  library                 ms/step   samples/s   steps (ms)`,
    `  tensorgrad           ${fmt(tgMs)}  ${fmt((BATCH * 1000) / tgMs)}   ${range}`,
  );
  if (tfTimed === 0) {
    lines.push(`  TensorFlow.js (cpu): skipped (CNN_STEP_TFJS_STEPS=0)`);
    console.log(lines.join("\n"));
    return;
  }

  const tf = await loadTf();
  const theirs = tfjsModel(tf, initial);
  const tx = tf.tensor(x.data, [...x.shape]);
  const ty = tf.oneHot(tf.tensor1d(y.data as Int32Array, "int32"), CLASSES);
  const tfRun = await runTfjs(
    theirs,
    tx,
    tf.cast(ty, "float32"),
    TF_WARMUP,
    tfTimed,
  );
  const tfMs = mean(tfRun.ms);
  const ratio = tfMs / tgMs;
  lines.push(
    `  TensorFlow.js (cpu)  ${fmt(tfMs)}  ${fmt((BATCH * 1000) / tfMs)}   ` +
      tfRun.ms.map((t) => t.toFixed(0)).join(", "),
    `  TF.js / tensorgrad: ${ratio.toFixed(1)}x ` +
      `(target >= ${TARGET_RATIO}x: ${ratio >= TARGET_RATIO ? "met" : "NOT met"})`,
    ``,
    `  step   tensorgrad loss   TF.js loss      relative difference`,
  );
  let worst = 0;
  tfRun.losses.forEach((l, i) => {
    const d = Math.abs(ours.losses[i]! - l) / Math.abs(l);
    worst = Math.max(worst, d);
    lines.push(
      `  ${String(i + 1).padStart(4)}   ${ours.losses[i]!.toFixed(7).padEnd(15)}   ` +
        `${l.toFixed(7).padEnd(13)}   ${d.toExponential(2)}`,
    );
  });
  lines.push(
    `  losses agree to ${LOSS_RTOL} relative: ${worst <= LOSS_RTOL ? "yes" : "NO"}`,
  );
  console.log(lines.join("\n"));
}

/** Only tensorgrad steps, for a profiler. */
function profile(steps: number): void {
  const model = tensorgradModel();
  const { x, y } = makeBatch();
  const r = runTensorgrad(model, x, y, WARMUP, steps);
  console.log(
    `${name}: ${steps} timed tensorgrad steps, median ` +
      `${median(r.ms).toFixed(1)} ms/step (${r.ms.map((t) => t.toFixed(0)).join(", ")})`,
  );
}

const isMain =
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const at = process.argv.indexOf("--profile");
  if (at >= 0) profile(Number(process.argv[at + 1] ?? 5));
  else await run();
}
