// SPDX-License-Identifier: Apache-2.0
/**
 * A synthetic sequence task generated from a seed (nothing is downloaded):
 * is a string of two kinds of brackets, "()" and "[]", balanced? "([])()"
 * is; "([)]" and "())(" are not. The negatives are made from balanced
 * strings by moving their brackets around, so both classes have the same
 * distribution of lengths and, in every string, as many "(" as ")" and as many "[" as "]":
 * a model that sees only which tokens occur, not their order, can do no
 * better than guessing. Strings have an even length from 2 to
 * {@link MAX_LENGTH}, are coded as token ids 1 to 4 and padded with 0 on
 * the right to MAX_LENGTH.
 */
import * as tg from "tensorgrad";

/** The token ids: 0 pads, then "(", ")", "[", "]". */
export const TOKENS = ["", "(", ")", "[", "]"] as const;

/** The vocabulary size, padding included. */
export const VOCABULARY = TOKENS.length;

/** The longest string (strings are padded to this length). */
export const MAX_LENGTH = 12;

/** One data set: padded token ids and labels (1 balanced, 0 not). */
export interface Split {
  /** Each row MAX_LENGTH ids: the string, then zeros. */
  tokens: number[][];
  labels: number[];
}

/** A small seeded generator (mulberry32), so the data needs no global state. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes token ids as brackets: [1, 3, 4, 2] → "([])". */
export function decode(ids: readonly number[]): string {
  return ids.map((i) => TOKENS[i] ?? "?").join("");
}

/** Whether the ids (padding ignored) are a balanced bracket string. */
export function isBalanced(ids: readonly number[]): boolean {
  const stack: number[] = [];
  for (const id of ids) {
    if (id === 0) continue;
    if (id === 1 || id === 3) stack.push(id);
    else if (stack.pop() !== id - 1) return false;
  }
  return stack.length === 0;
}

/**
 * A random balanced string of `length` (even) brackets: at each position
 * it opens a bracket of a random kind (while there is room to close it
 * later) or closes the innermost open one, each with probability 1/2.
 */
export function balanced(length: number, random: () => number): number[] {
  const ids: number[] = [];
  const stack: number[] = [];
  for (let i = 0; i < length; i++) {
    const left = length - i;
    const open = stack.length === 0 || (stack.length < left && random() < 0.5);
    if (open) {
      const id = random() < 0.5 ? 1 : 3;
      stack.push(id);
      ids.push(id);
    } else {
      ids.push(stack.pop()! + 1);
    }
  }
  return ids;
}

/**
 * An unbalanced string with the same brackets as a random balanced one of
 * `length`: two positions holding different brackets are swapped, again
 * until the string is unbalanced. Half the time the swaps repeat once
 * more, so the negatives range from near misses ("([)]") to scrambles.
 */
export function unbalanced(length: number, random: () => number): number[] {
  const ids = balanced(length, random);
  const swaps = random() < 0.5 ? 1 : 2;
  for (let s = 0; s < swaps; s++) {
    do {
      const i = Math.floor(random() * length);
      const j = Math.floor(random() * length);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    } while (isBalanced(ids));
  }
  return ids;
}

/** `ids` padded with zeros on the right to MAX_LENGTH. */
function pad(ids: number[]): number[] {
  return [...ids, ...new Array<number>(MAX_LENGTH - ids.length).fill(0)];
}

/**
 * `count` strings (count even), half balanced and half not, in random
 * order, with lengths drawn uniformly from 2, 4, …, MAX_LENGTH. Short
 * strings repeat (there are only 2 balanced strings of length 2, and 8 of
 * length 4); long ones seldom do.
 */
export function makeBrackets(count: number, seed: number): Split {
  const random = generator(seed);
  const rows: { ids: number[]; label: number }[] = [];
  for (let k = 0; k < count; k++) {
    const label = k % 2 === 0 ? 1 : 0;
    const length = 2 * (1 + Math.floor(random() * (MAX_LENGTH / 2)));
    const ids =
      label === 1 ? balanced(length, random) : unbalanced(length, random);
    rows.push({ ids: pad(ids), label });
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return {
    tokens: rows.map((r) => r.ids),
    labels: rows.map((r) => r.label),
  };
}

/**
 * The training and test sets: `trainCount` and `testCount` strings, drawn
 * from `seed` and `seed + 1`, and for each test string whether it does not
 * occur in the training set (`unseen`).
 */
export function splitBrackets(
  trainCount: number,
  testCount: number,
  seed = 0,
): { train: Split; test: Split; unseen: boolean[] } {
  const train = makeBrackets(trainCount, seed);
  const test = makeBrackets(testCount, seed + 1);
  const known = new Set(train.tokens.map((t) => decode(t)));
  const unseen = test.tokens.map((t) => !known.has(decode(t)));
  return { train, test, unseen };
}

/** The token ids of a split as one [n, MAX_LENGTH] tensor. */
export function sequences(split: Split): tg.Tensor {
  return tg.tensor(split.tokens.flat(), [split.tokens.length, MAX_LENGTH]);
}

/** The labels of a split as one [n, 1] tensor. */
export function targets(split: Split): tg.Tensor {
  return tg.tensor(split.labels, [split.labels.length, 1]);
}
