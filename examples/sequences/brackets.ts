// SPDX-License-Identifier: Apache-2.0
/**
 * Tells balanced bracket strings ("([])()") from unbalanced ones ("([)]")
 * with a recurrent network: Embedding(5, 8, maskZero) → LSTM(16) →
 * Dense(1, sigmoid), trained with `fit` (Adam, learning rate 0.01, binary
 * cross-entropy, batches of 32) on 2,000 strings of 2 to 12 brackets
 * padded with 0, whose padding the mask hides from the LSTM, and measured
 * on 1,000 strings drawn separately (about half of them, the short ones
 * mostly, also occur in the training set). For comparison, a bag-of-tokens model,
 * Embedding(maskZero) → GlobalAveragePooling1D → Dense(1, sigmoid), sees
 * which brackets occur but not their order, and by the data's
 * construction can only guess. With seed 42 and 15 epochs the LSTM gets
 * 984 of the 1,000 test strings right (accuracy 0.984; 0.971 on the 477
 * that do not occur in training), the bag of tokens 0.500 (the README
 * quotes this run and test/examples/sequences.test.ts checks it).
 *
 * Run it with `npx tsx examples/sequences/brackets.ts`.
 */
import { pathToFileURL } from "node:url";
import * as tg from "tensorgrad";
import {
  MAX_LENGTH,
  VOCABULARY,
  sequences,
  splitBrackets,
  targets,
} from "./data.js";

/** Which network: the LSTM, or the order-blind bag of tokens. */
export type BracketsModel = "lstm" | "bag";

/** The run's settings. */
export interface BracketsOptions {
  seed?: number;
  model?: BracketsModel;
  epochs?: number;
  trainCount?: number;
  testCount?: number;
  verbose?: 0 | 2;
}

/** What the run measured. */
export interface BracketsResult {
  trainAccuracy: number;
  testAccuracy: number;
  testLoss: number;
  /** Accuracy on the test strings that do not occur in the training set. */
  unseenAccuracy: number;
  /** How many test strings do not occur in the training set. */
  unseenCount: number;
  epochs: number;
}

/** Builds the network, untrained. */
export function bracketsModel(kind: BracketsModel = "lstm"): tg.Sequential {
  const embedding = tg.layers.embedding({
    inputDim: VOCABULARY,
    outputDim: 8,
    maskZero: true,
    inputShape: [MAX_LENGTH],
  });
  const reader =
    kind === "lstm"
      ? tg.layers.lstm({ units: 16 })
      : tg.layers.globalAveragePooling1D();
  return new tg.Sequential([
    embedding,
    reader,
    tg.layers.dense({ units: 1, activation: "sigmoid" }),
  ]);
}

/** Trains a network and measures it on the held-out strings. */
export function trainBrackets(options: BracketsOptions = {}): BracketsResult {
  const {
    seed = 42,
    model: kind = "lstm",
    epochs = 15,
    trainCount = 2000,
    testCount = 1000,
    verbose = 0,
  } = options;
  tg.setSeed(seed);
  const { train, test, unseen } = splitBrackets(trainCount, testCount, seed);
  const model = bracketsModel(kind);
  model.compile({
    optimizer: new tg.optimizers.Adam({ learningRate: 0.01 }),
    loss: "binary_crossentropy",
    metrics: ["accuracy"],
  });
  const history = model.fit(sequences(train), targets(train), {
    epochs,
    batchSize: 32,
    verbose,
  });
  const xTest = sequences(test);
  const [testLoss, testAccuracy] = model.evaluate(xTest, targets(test), {
    verbose: 0,
  }) as number[];
  const p = model.predict(xTest, { verbose: 0 }).toArray() as number[][];
  let unseenCount = 0;
  let unseenRight = 0;
  test.labels.forEach((label, i) => {
    if (!unseen[i]) return;
    unseenCount++;
    if ((p[i]![0]! > 0.5 ? 1 : 0) === label) unseenRight++;
  });
  return {
    trainAccuracy: history.history.accuracy!.at(-1)!,
    testAccuracy: testAccuracy!,
    testLoss: testLoss!,
    unseenAccuracy: unseenRight / unseenCount,
    unseenCount,
    epochs,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const model of ["lstm", "bag"] as const) {
    const t0 = performance.now();
    const r = trainBrackets({ model, verbose: model === "lstm" ? 2 : 0 });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(
      `${model}: test accuracy ${r.testAccuracy.toFixed(4)} (loss ` +
        `${r.testLoss.toFixed(4)}), on the ${r.unseenCount} test strings ` +
        `not in training ${r.unseenAccuracy.toFixed(4)}; training accuracy ` +
        `${r.trainAccuracy.toFixed(4)} after ${r.epochs} epochs (${s} s)`,
    );
  }
}
