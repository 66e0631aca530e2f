// SPDX-License-Identifier: Apache-2.0
/**
 * What `fit` costs over a hand-written training loop.
 *
 * The same 784-256-128-10 MLP (relu, softmax cross-entropy from logits,
 * Adam, batch 128) trains for one epoch on the same batches twice: once
 * through `model.fit` (shuffle off, verbose 0, so both see the batches in
 * the same order) and once through a loop of tape, loss, gradient and
 * `applyGradients`. Both start from the same weights and optimizer state.
 * The rounds alternate and the median is reported; target: fit at most 5%
 * slower.
 *
 * The data are random (8,192 samples, 64 batches): the work per batch is
 * that of MNIST, the epoch shorter, since the reference backend runs the
 * matrix products in plain TypeScript.
 */
import * as tg from "tensorgrad";

export const name = "fit-overhead";

const SAMPLES = 8192;
const BATCH = 128;
const ROUNDS = 3;

function makeModel(): tg.Sequential {
  tg.setSeed(7);
  return new tg.Sequential([
    tg.layers.dense({ units: 256, activation: "relu", inputShape: [784] }),
    tg.layers.dense({ units: 128, activation: "relu" }),
    tg.layers.dense({ units: 10 }),
  ]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** One epoch through fit, in seconds. */
function viaFit(x: tg.Tensor, y: tg.Tensor, weights: tg.Tensor[]): number {
  const model = makeModel();
  model.setWeights(weights);
  model.compile({
    optimizer: new tg.optimizers.Adam({ learningRate: 1e-3 }),
    loss: new tg.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  });
  const t0 = performance.now();
  model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
  return (performance.now() - t0) / 1000;
}

/** One epoch through a hand-written loop over the same batches, in seconds. */
function viaLoop(x: tg.Tensor, y: tg.Tensor, weights: tg.Tensor[]): number {
  const model = makeModel();
  model.setWeights(weights);
  const optimizer = new tg.optimizers.Adam({ learningRate: 1e-3 });
  const lossFn = new tg.losses.SparseCategoricalCrossentropy({
    fromLogits: true,
  });
  const t0 = performance.now();
  for (let start = 0; start < SAMPLES; start += BATCH) {
    const size = Math.min(BATCH, SAMPLES - start);
    const xb = tg.slice(x, start, size);
    const yb = tg.slice(y, start, size);
    const tape = new tg.GradientTape();
    const loss = lossFn.call(yb, model.apply(xb));
    const grads = tape.gradient(loss, model.trainableVariables);
    optimizer.applyGradients(tg.zip(grads, model.trainableVariables));
  }
  return (performance.now() - t0) / 1000;
}

export function run(): Promise<void> {
  tg.setSeed(1);
  const x = tg.randomNormal([SAMPLES, 784]);
  const y = tg.cast(tg.randomUniform([SAMPLES], 0, 10), "int32");
  const weights = makeModel().getWeights();
  const fit: number[] = [];
  const loop: number[] = [];
  viaLoop(x, y, weights); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      fit.push(viaFit(x, y, weights));
      loop.push(viaLoop(x, y, weights));
    } else {
      loop.push(viaLoop(x, y, weights));
      fit.push(viaFit(x, y, weights));
    }
  }
  const overhead = median(fit) / median(loop) - 1;
  console.log(
    `${name}: one epoch of a 784-256-128-10 MLP (relu, Adam, batch ${BATCH},\n` +
      `  ${SAMPLES} random samples), median of ${ROUNDS} alternating rounds\n`,
  );
  console.log(`  hand-written loop   ${median(loop).toFixed(2)} s/epoch`);
  console.log(`  model.fit           ${median(fit).toFixed(2)} s/epoch`);
  console.log(
    `  fit overhead: ${(overhead * 100).toFixed(1)}% ` +
      `(target <= 5%: ${overhead <= 0.05 ? "met" : "NOT met"})`,
  );
  return Promise.resolve();
}
