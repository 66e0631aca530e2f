// SPDX-License-Identifier: Apache-2.0
/**
 * The seed's training step, timed in tensorgrad and in TensorFlow.js.
 *
 * One step is the loop body of examples/seed/bias.ts: apply the one-neuron
 * model to one sample, the MSE loss, the tape's gradient, the SGD update.
 * TensorFlow.js (cpu backend) runs the same step the way its users must:
 * inside `tf.tidy`, with `tf.variableGrads` and `optimizer.applyGradients`.
 *
 * Phases: set up both models from the same weights; warm up; time
 * interleaved rounds (the order alternates, weights are reset between
 * rounds, outside the timing) and report the median µs per step; then, on
 * the "js" and the "wasm" backend each, run 1,000,000 tensorgrad steps and
 * compare the heap (and on "wasm" the WebAssembly memory) after forced GCs
 * at 10,000 and at 1,000,000 steps.
 *
 * Run it with `npm run bench`, or alone with
 * `node --expose-gc --import tsx bench/seed-step.ts`. With `--profile N` it
 * runs only N tensorgrad steps, for `node --cpu-prof`.
 */
import { pathToFileURL } from "node:url";
import type * as TF from "@tensorflow/tfjs";
import * as tg from "tensorgrad";

export const name = "seed-step";

const X_TRAIN = [1.0, 2.0, 3.0, 4.0];
const Y_TRAIN = [0.0, 0.0, 0.0, 0.0];

/** Rounds timed per library; the median is reported. */
const ROUNDS = 15;
/** Wall time aimed at for one round of one library, in ms. */
const ROUND_MS = 50;
/** Steps between weight resets (see `resetEvery` below). */
const RESET_EVERY = 1000;
/** Target speed-up over TensorFlow.js, and heap growth tolerance. */
const TARGET_RATIO = 20;
const TARGET_HEAP = 0.05;

/** A model that can take steps and be put back to its initial weights. */
interface Trainer {
  step(i: number): void;
  reset(): void;
}

/** The seed's neuron in tensorgrad; `step` is bias.ts's loop body. */
function tensorgradTrainer(): Trainer & { initial: number[] } {
  tg.setSeed(42);
  const neuron = new tg.layers.Dense({
    units: 1,
    biasInitializer: tg.initializers.constant(1.0),
  });
  const model = new tg.Sequential([neuron]);
  const lossFn = new tg.losses.MeanSquaredError();
  const optimizer = new tg.optimizers.SGD({ learningRate: 0.1 });
  model.build([null, 1]);
  const initial = [neuron.kernel.data[0]!, neuron.bias.data[0]!];
  return {
    initial,
    step(i: number): void {
      const j = i & 3;
      using tape = new tg.GradientTape();
      const logits = model.apply(X_TRAIN[j]!);
      const lossValue = lossFn.call(Y_TRAIN[j]!, logits);
      const grads = tape.gradient(lossValue, model.trainableVariables);
      optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
    },
    reset(): void {
      model.setWeights([[[initial[0]!]], [initial[1]!]]);
    },
  };
}

/** The same neuron and step in TensorFlow.js, from the same weights. */
function tfjsTrainer(tf: typeof TF, initial: number[]): Trainer {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 1,
        inputShape: [1],
        biasInitializer: tf.initializers.constant({ value: 1.0 }),
      }),
    ],
  });
  const optimizer = tf.train.sgd(0.1);
  const vars = model.trainableWeights.map((w) => w.read() as TF.Variable);
  const reset = () =>
    tf.tidy(() =>
      model.setWeights([
        tf.tensor2d([[initial[0]!]]),
        tf.tensor1d([initial[1]!]),
      ]),
    );
  reset();
  return {
    step(i: number): void {
      const j = i & 3;
      tf.tidy(() => {
        const x = tf.tensor2d([[X_TRAIN[j]!]]);
        const y = tf.tensor2d([[Y_TRAIN[j]!]]);
        const { grads } = tf.variableGrads(
          () => tf.losses.meanSquaredError(y, model.apply(x) as TF.Tensor),
          vars,
        );
        optimizer.applyGradients(grads);
      });
    },
    reset,
  };
}

/**
 * Runs `steps` steps and returns µs per step. Weights go back to their
 * initial values every RESET_EVERY steps, outside the timing: the seed's
 * training converges geometrically, and after some thousands of steps the
 * weights would sink into subnormal floats (and then zero), which times a
 * different computation.
 */
function time(t: Trainer, steps: number): number {
  let total = 0;
  for (let done = 0; done < steps; done += RESET_EVERY) {
    const n = Math.min(RESET_EVERY, steps - done);
    t.reset();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) t.step(i);
    total += Number(process.hrtime.bigint() - start);
  }
  return total / 1000 / steps;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Steps that take about ROUND_MS at `usPerStep`. */
function stepsFor(usPerStep: number): number {
  return Math.max(50, Math.round((ROUND_MS * 1000) / usPerStep));
}

interface Timing {
  tg: number[];
  tf: number[];
}

/** Warms both up, then times ROUNDS interleaved rounds. */
function timeBoth(ours: Trainer, theirs: Trainer): Timing {
  const tgSteps = stepsFor(time(ours, 5000));
  const tfSteps = stepsFor(time(theirs, 500));
  const out: Timing = { tg: [], tf: [] };
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      out.tg.push(time(ours, tgSteps));
      out.tf.push(time(theirs, tfSteps));
    } else {
      out.tf.push(time(theirs, tfSteps));
      out.tg.push(time(ours, tgSteps));
    }
  }
  return out;
}

function gcNow(): void {
  for (let i = 0; i < 3; i++) globalThis.gc!();
}

/** Steps before the first and the last memory reading. */
const HEAP_FIRST = 10_000;
const HEAP_LAST = 1_000_000;

/** Memory readings of one backend, in bytes; `wasm` is null on "js". */
interface Heap {
  backend: string;
  heap: [number, number];
  wasm: [number, number] | null;
}

/**
 * The size of the wasm backend's WebAssembly memory, read from the loaded
 * kernels module (the one the library itself imports: resolved next to
 * "tensorgrad"'s entry point, so dist/ when compiled, src/ under tsx), or
 * null when that module does not expose it in the expected shape.
 */
async function wasmMemoryReader(): Promise<() => number | null> {
  interface KernelsModule {
    kernels?: () => { exports?: { memory?: { buffer?: ArrayBuffer } } };
  }
  const url = new URL(
    "./backend/wasm/kernels.js",
    import.meta.resolve("tensorgrad"),
  );
  const mod = (await import(url.href)) as KernelsModule;
  return () => mod.kernels?.().exports?.memory?.buffer?.byteLength ?? null;
}

/**
 * tensorgrad's heap after forced GCs, at HEAP_FIRST and HEAP_LAST steps, on
 * `name`'s backend; on "wasm" also the WebAssembly memory.
 */
function measureHeap(
  name: "js" | "wasm",
  wasmMemory: () => number | null,
): Heap {
  const previous = tg.getBackend();
  tg.setBackend(name);
  try {
    const t = tensorgradTrainer();
    const run = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        if (i % RESET_EVERY === 0) t.reset();
        t.step(i);
      }
    };
    const read = (): [number, number | null] => {
      gcNow();
      return [
        process.memoryUsage().heapUsed,
        name === "wasm" ? wasmMemory() : null,
      ];
    };
    run(0, HEAP_FIRST);
    const [heap0, wasm0] = read();
    run(HEAP_FIRST, HEAP_LAST);
    const [heap1, wasm1] = read();
    return {
      backend: name,
      heap: [heap0, heap1],
      wasm: wasm0 === null || wasm1 === null ? null : [wasm0, wasm1],
    };
  } finally {
    tg.setBackend(previous);
  }
}

const fmt = (x: number, digits = 1) => x.toFixed(digits).padStart(9);
const mb = (bytes: number) => (bytes / 1048576).toFixed(2).padStart(9);

const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

function timingLines(timing: Timing): string[] {
  // Rounds run in pairs, so the ratio within a pair is the steadiest
  // figure when the machine's load drifts.
  const ratio = median(timing.tf.map((t, r) => t / timing.tg[r]!));
  const range = (xs: number[]) =>
    `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
  return [
    `seed-step: one per-sample training step of examples/seed/bias.ts`,
    `  (apply, MSE loss, tape gradient, SGD applyGradients), float32,`,
    `  median of ${ROUNDS} interleaved rounds after warm-up`,
    ``,
    `  library                 µs/step   rounds (min–max)`,
    `  tensorgrad            ${fmt(median(timing.tg), 2)}   ${range(timing.tg)}`,
    `  TensorFlow.js (cpu)   ${fmt(median(timing.tf), 2)}   ${range(timing.tf)}`,
    `  TF.js / tensorgrad, median of paired rounds: ${ratio.toFixed(2)}x`,
    `    (target >= ${TARGET_RATIO}x: ${verdict(ratio >= TARGET_RATIO)})`,
  ];
}

function heapLines(heaps: Heap[]): string[] {
  const columns: { title: string; at: [number, number] | null }[] = [];
  for (const h of heaps) {
    columns.push({ title: `${h.backend} heap`, at: h.heap });
    if (h.backend === "wasm") {
      columns.push({ title: "wasm memory", at: h.wasm });
    }
  }
  const cells = (f: (c: (typeof columns)[number]) => string) =>
    columns.map((c) => f(c).padStart(13)).join("");
  const ratio = (c: (typeof columns)[number]) =>
    c.at ? c.at[1] / c.at[0] : NaN;
  const ok = columns.every((c) => Math.abs(ratio(c) - 1) <= TARGET_HEAP);
  const row = (label: string, f: (c: (typeof columns)[number]) => string) =>
    `  ${label.padEnd(32)}${cells(f)}`;
  const after = (n: number) =>
    `after ${n.toLocaleString("en-US").padStart(9)} steps`;
  return [
    row("tensorgrad after forced GC, MB", (c) => c.title),
    row(after(HEAP_FIRST), (c) => (c.at ? mb(c.at[0]).trim() : "n/a")),
    row(after(HEAP_LAST), (c) => (c.at ? mb(c.at[1]).trim() : "n/a")),
    row("ratio 1M / 10k", (c) => (c.at ? ratio(c).toFixed(4) : "n/a")),
    `    (target: each within ${TARGET_HEAP * 100}%: ${verdict(ok)})`,
  ];
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

/** The benchmark: times both libraries, then measures the heap. */
export async function run(): Promise<void> {
  if (!globalThis.gc) {
    throw new Error("seed-step: run node with --expose-gc (npm run bench)");
  }
  const tf = await loadTf();
  const ours = tensorgradTrainer();
  const theirs = tfjsTrainer(tf, ours.initial);
  const timing = timeBoth(ours, theirs);
  const wasmMemory = await wasmMemoryReader();
  const heaps = [measureHeap("js", wasmMemory)];
  try {
    heaps.push(measureHeap("wasm", wasmMemory));
  } catch (e) {
    console.log(`seed-step: no "wasm" backend here: ${String(e)}`);
  }
  console.log([...timingLines(timing), "", ...heapLines(heaps)].join("\n"));
}

/** Only tensorgrad steps, for a profiler. */
function profile(steps: number): void {
  const t = tensorgradTrainer();
  const us = time(t, steps);
  console.log(`seed-step: ${steps} tensorgrad steps, ${us.toFixed(2)} µs/step`);
}

const isMain =
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const at = process.argv.indexOf("--profile");
  if (at >= 0) profile(Number(process.argv[at + 1] ?? 200_000));
  else await run();
}
