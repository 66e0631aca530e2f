// SPDX-License-Identifier: Apache-2.0
/**
 * A regression on the same Iris table: predict a flower's petal width from
 * its other three measurements, with a 3 → 8 tanh → 1 network trained by
 * `fit` on mean squared error, then `evaluate` on 30 held-out flowers with
 * the mean absolute error (in centimetres) as a metric.
 *
 * Run it with `npx tsx examples/iris/regress.ts`.
 */
import { pathToFileURL } from "node:url";
import * as tg from "tensorgrad";
import { loadIris, splitIris, standardize } from "./data.js";

/** What the run measured, in centimetres. */
export interface RegressionResult {
  testMae: number;
  /** Predicting the training mean for every flower, for comparison. */
  baselineMae: number;
}

/** Trains the regression and evaluates it on the held-out flowers. */
export function trainIrisRegression(
  seed = 42,
  verbose: 0 | 2 = 0,
): RegressionResult {
  tg.setSeed(seed);
  const { train, test } = splitIris(loadIris());
  const inputs = (rows: number[][]) => rows.map((r) => r.slice(0, 3));
  const target = (rows: number[][]) => rows.map((r) => [r[3]!]);
  const xTrain = standardize(inputs(train.x), inputs(train.x));
  const xTest = standardize(inputs(test.x), inputs(train.x));

  const model = new tg.Sequential([
    tg.layers.dense({ units: 8, activation: "tanh", inputShape: [3] }),
    tg.layers.dense({ units: 1 }),
  ]);
  model.compile({
    optimizer: new tg.optimizers.Adam({ learningRate: 0.01 }),
    loss: "mse",
    metrics: ["mae"],
  });
  model.fit(xTrain, target(train.x), { epochs: 100, batchSize: 16, verbose });
  const [, testMae] = model.evaluate(xTest, target(test.x), {
    verbose: 0,
  }) as number[];
  const mean = train.x.reduce((s, r) => s + r[3]!, 0) / train.x.length;
  const baselineMae =
    test.x.reduce((s, r) => s + Math.abs(r[3]! - mean), 0) / test.x.length;
  return { testMae: testMae!, baselineMae };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = trainIrisRegression(42, 2);
  console.log(
    `Iris petal width, 30 held-out flowers: mean absolute error ` +
      `${r.testMae.toFixed(3)} cm (predicting the mean: ` +
      `${r.baselineMae.toFixed(3)} cm)`,
  );
}
