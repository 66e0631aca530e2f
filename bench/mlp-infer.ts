// SPDX-License-Identifier: Apache-2.0
/**
 * MLP inference, samples per second, side by side: the 784-256-128-10 MLP
 * of mlp-train (relu, relu, softmax), batch 1024 of random float32 inputs,
 * the same weights in every library.
 *
 * - tensorgrad (js, and wasm once it exists) and TensorFlow.js (cpu, wasm):
 *   `model.predict(x, { batchSize: 1024 })` (one batch; predict's default
 *   is 32), the result read (`data` / `dataSync()`).
 * - jax-js: the forward function (matMul, bias, relu, ..., softmax), eager
 *   and through `jit`, the result awaited with `blockUntilReady`.
 *
 * Every library's output is compared with tensorgrad (js)'s: the table's
 * last column is the largest absolute difference of the probabilities.
 *
 * Target (issue 5): tensorgrad >= 2x TF.js wasm.
 */
import type * as TF from "@tensorflow/tfjs";
import type * as JAX from "@jax-js/jax";
import * as tg from "tensorgrad";
import {
  type Batch,
  type Weights,
  initialWeights,
  jaxLogits,
  jaxParams,
  makeBatch,
  tfMlp,
  tgMlp,
} from "./mlp.js";
import {
  type Contender,
  type Jax,
  type Tf,
  hasTgBackend,
  loadJax,
  loadTf,
  measure,
  medianOf,
  num,
  table,
  targetLine,
  useTf,
} from "./peers.js";

export const name = "mlp-infer";

const BATCH = 1024;
const SCHEDULE = { rounds: 7, roundMs: 300, warmupMs: 600, budgetMs: 6000 };

/** A contender and its first output (for the comparison). */
interface Inferer extends Contender {
  output?: Float32Array;
}

function tgInferer(backend: string, w: Weights, b: Batch): Inferer {
  const label = `tensorgrad (${backend})`;
  if (backend === "wasm" && !hasTgBackend("wasm")) {
    return { label, missing: "no wasm backend", once: () => {} };
  }
  tg.setBackend(backend);
  const model = tgMlp(w);
  const x = tg.tensor(b.x, [b.size, 784]);
  const me: Inferer = {
    label,
    enter: () => tg.setBackend(backend),
    once: () => {
      const y = model.predict(x, { batchSize: BATCH });
      const data = y.data as Float32Array;
      me.output ??= Float32Array.from(data);
    },
  };
  return me;
}

function tfInferer(
  tf: Tf,
  backend: "cpu" | "wasm",
  w: Weights,
  b: Batch,
): Inferer {
  let model: TF.Sequential | undefined;
  let x: TF.Tensor | undefined;
  const me: Inferer = {
    label: `TF.js (${backend})`,
    enter: async () => {
      await useTf(tf, backend);
      if (model !== undefined) return;
      model = tfMlp(tf, w);
      x = tf.tensor2d(b.x, [b.size, 784]);
    },
    once: () => {
      const y = model!.predict(x!, { batchSize: BATCH }) as TF.Tensor;
      const data = y.dataSync() as Float32Array;
      me.output ??= Float32Array.from(data);
      y.dispose();
    },
  };
  return me;
}

function jaxInferer(jax: Jax, useJit: boolean, w: Weights, b: Batch): Inferer {
  const np = jax.numpy;
  const forward = (p: Params, x: JAX.Array): JAX.Array =>
    jax.nn.softmax(jaxLogits(jax, p, x), -1);
  const f = useJit ? jax.jit(forward) : forward;
  const p = jaxParams(jax, w);
  const x = np.array(b.x).reshape([b.size, 784]);
  const me: Inferer = {
    label: `jax-js (${useJit ? "jit" : "eager"})`,
    once: async () => {
      const y = f(jax.tree.ref(p), x.ref);
      await y.blockUntilReady();
      if (me.output === undefined) {
        me.output = Float32Array.from((await y.ref.data()) as Float32Array);
      }
      y.dispose();
    },
  };
  return me;
}

type Params = ReturnType<typeof jaxParams>;

function maxAbsDiff(a: Float32Array | undefined, b: Float32Array | undefined) {
  if (a === undefined || b === undefined || a.length !== b.length) {
    return undefined;
  }
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

export async function run(): Promise<void> {
  const tf = await loadTf();
  const jax = await loadJax();
  const w = initialWeights();
  const b = makeBatch(BATCH);
  const list: Inferer[] = [
    tgInferer("js", w, b),
    tgInferer("wasm", w, b),
    tfInferer(tf, "cpu", w, b),
    tfInferer(tf, "wasm", w, b),
    jaxInferer(jax, false, w, b),
    jaxInferer(jax, true, w, b),
  ];
  const t = await measure(list, SCHEDULE);
  tg.setBackend("js");
  await useTf(tf, "cpu");

  const rate = (label: string) => {
    const ms = medianOf(t, label);
    return ms === undefined ? undefined : (BATCH * 1000) / ms;
  };
  const reference = list[0]!.output;
  const rows = list.map((c) => {
    const xs = t.get(c.label) ?? [];
    const d = maxAbsDiff(c.output, reference);
    return [
      c.label,
      num(medianOf(t, c.label), 2),
      num(rate(c.label), 0),
      xs.length === 0
        ? "n/a"
        : `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} (${xs.length})`,
      d === undefined ? "n/a" : d.toExponential(1),
    ];
  });
  const lines = [
    `${name}: predict of a 784-256-128-10 MLP (relu, softmax), batch ` +
      `${BATCH}, float32, same weights and inputs;`,
    `  tensorgrad and TF.js: model.predict (batchSize ${BATCH}); jax-js: ` +
      `forward function, eager and jit;`,
    `  median of up to ${SCHEDULE.rounds} interleaved rounds after warm-up`,
    ``,
    ...table(
      ["library", "ms/batch", "samples/s", "rounds ms (n)", "max |Δ| vs tg js"],
      rows,
    ),
    ``,
    `  ratios of samples/s (issue 5 target; the js backend is not expected to meet it):`,
  ];
  for (const ours of ["tensorgrad (wasm)", "tensorgrad (js)"]) {
    lines.push(
      targetLine(`${ours} / TF.js (wasm)`, rate(ours), rate("TF.js (wasm)"), 2),
    );
  }
  console.log(lines.join("\n"));
}
