// SPDX-License-Identifier: Apache-2.0
/**
 * Loads Fisher's Iris table (examples/data/iris.csv) with tg.data.csv and
 * splits it, the same way for both Iris examples: every fifth flower of
 * each species is held out for testing (30 flowers), the other 120 train.
 * Features are standardised with the training set's mean and deviation.
 */
import * as tg from "tensorgrad";

/** The three species, in the order of their class index. */
export const SPECIES = ["setosa", "versicolor", "virginica"] as const;

/** The four measurements, in centimetres. */
export const FEATURES = [
  "sepal_length",
  "sepal_width",
  "petal_length",
  "petal_width",
] as const;

/** One split: measurements (one row per flower) and species indices. */
export interface Split {
  x: number[][];
  species: number[];
}

/** Reads the table: 150 rows of 4 measurements and a species index. */
export function loadIris(): Split {
  const rows = tg.data
    .csv(new URL("../data/iris.csv", import.meta.url), {
      columnConfigs: { species: { dtype: "string" } },
    })
    .toArray();
  const x = rows.map((r) => FEATURES.map((f) => Number(r[f])));
  const species = rows.map((r) => SPECIES.indexOf(r.species as never));
  return { x, species };
}

/** The 120 / 30 split: every fifth flower of each species is for testing. */
export function splitIris(all: Split): { train: Split; test: Split } {
  const train: Split = { x: [], species: [] };
  const test: Split = { x: [], species: [] };
  const seen = [0, 0, 0];
  all.x.forEach((row, i) => {
    const s = all.species[i]!;
    const part = seen[s]!++ % 5 === 4 ? test : train;
    part.x.push(row);
    part.species.push(s);
  });
  return { train, test };
}

/** Standardises columns with the mean and deviation of `reference`. */
export function standardize(
  rows: number[][],
  reference: number[][],
): number[][] {
  const n = reference.length;
  const cols = reference[0]!.length;
  const mean = Array.from(
    { length: cols },
    (_, j) => reference.reduce((s, r) => s + r[j]!, 0) / n,
  );
  const std = mean.map((m, j) =>
    Math.sqrt(reference.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / n),
  );
  return rows.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));
}
