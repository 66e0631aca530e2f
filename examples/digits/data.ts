// SPDX-License-Identifier: Apache-2.0
/**
 * Loads the 8×8 handwritten digits table (examples/data/digits.csv, 1,797
 * images) with tg.data.csv and splits it: a seeded shuffle of each digit's
 * images holds out a fifth of them for testing (359 images), the other
 * 1,438 train. Pixels (counts 0..16) are scaled to [0, 1] and the images
 * shaped [n, 8, 8, 1], channels last.
 */
import * as tg from "tensorgrad";

/** The image side, in pixels. */
export const SIDE = 8;

/** The number of classes, the digits 0 to 9. */
export const CLASSES = 10;

/** The largest pixel value: each pixel counts the on bits of a 4×4 block. */
export const MAX_PIXEL = 16;

/** The column names: the 64 pixels row by row, then the digit. */
const COLUMNS = [
  ...Array.from({ length: SIDE * SIDE }, (_, i) => `p${i}`),
  "digit",
];

/** One split: images (64 pixels each, row by row, in [0, 1]) and digits. */
export interface Split {
  pixels: number[][];
  digits: number[];
}

/** Reads the table: 1,797 images of 64 pixels scaled to [0, 1], and digits. */
export function loadDigits(): Split {
  const rows = tg.data
    .csv(new URL("../data/digits.csv", import.meta.url), {
      hasHeader: false,
      columnNames: COLUMNS,
    })
    .toArray();
  const pixels = rows.map((r) =>
    COLUMNS.slice(0, -1).map((c) => Number(r[c]) / MAX_PIXEL),
  );
  const digits = rows.map((r) => Number(r.digit));
  return { pixels, digits };
}

/** A small seeded generator (mulberry32), so the split needs no global state. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `items` in place (Fisher–Yates) with `random`. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * The stratified split: of each digit's images, shuffled with `seed`, the
 * first fifth (rounded) is for testing. Both parts are then shuffled, so
 * that fit's `validationSplit` (the last samples) sees every digit.
 */
export function splitDigits(
  all: Split,
  seed = 0,
): { train: Split; test: Split } {
  const random = generator(seed);
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (let d = 0; d < CLASSES; d++) {
    const idx = shuffle(
      all.digits.flatMap((v, i) => (v === d ? [i] : [])),
      random,
    );
    const held = Math.round(idx.length / 5);
    testIdx.push(...idx.slice(0, held));
    trainIdx.push(...idx.slice(held));
  }
  const pick = (idx: number[]): Split => ({
    pixels: idx.map((i) => all.pixels[i]!),
    digits: idx.map((i) => all.digits[i]!),
  });
  return {
    train: pick(shuffle(trainIdx, random)),
    test: pick(shuffle(testIdx, random)),
  };
}

/** The images of a split as one [n, 8, 8, 1] tensor. */
export function images(split: Split): tg.Tensor {
  return tg.tensor(split.pixels.flat(), [split.pixels.length, SIDE, SIDE, 1]);
}
