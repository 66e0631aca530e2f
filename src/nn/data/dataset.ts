// SPDX-License-Identifier: Apache-2.0
/**
 * Dataset: an immutable, re-iterable description of a stream of elements,
 * as tf.data's. Each stage returns a new dataset; each iteration starts
 * again from the beginning and runs every stage afresh.
 *
 * A dataset is synchronous unless one of its sources or stages is
 * asynchronous (an async generator, an async map function or predicate,
 * mapAsync, a CSV read from a URL). A synchronous dataset iterates with
 * `for...of` and with `for await...of`; an asynchronous one only with
 * `for await...of`. The type parameter `A` records which, where TypeScript
 * can tell, so that `toArray()` is typed as an array or a Promise.
 */
import { ValueError, show } from "../../core/errors.js";
import { Generator as Random, generatorFor } from "../../core/random.js";
import {
  batchAsync,
  batchSync,
  concatAsync,
  concatSync,
  filterAsync,
  filterSync,
  isAsyncFunction,
  isThenable,
  mapAsync,
  mapSync,
  prefetchAsync,
  repeatAsync,
  repeatSync,
  shuffleAsync,
  shuffleSync,
  skipAsync,
  skipSync,
  takeAsync,
  takeSync,
  unbatchAsync,
  unbatchSync,
} from "./stages.js";
import type { Batched, Unbatched } from "./structure.js";

/** `true` if either is `true`, `false` if both are `false`. */
export type Or<A extends boolean, B extends boolean> = [A] extends [true]
  ? true
  : [B] extends [true]
    ? true
    : [A | B] extends [false]
      ? false
      : boolean;

/** Whether a callback's result type is a Promise. */
export type IsPromise<U> = [U] extends [PromiseLike<unknown>]
  ? true
  : [Extract<U, PromiseLike<unknown>>] extends [never]
    ? false
    : boolean;

/**
 * How a dataset makes its passes. @internal
 *
 * `length` is the element count when known without iterating, Infinity
 * for an endless dataset, null when unknown. `asyncBecause` names what
 * makes the dataset asynchronous, or is null; `open` starts a pass and
 * returns a sync iterator when `asyncBecause` is null, else an async one.
 */
export interface Pipeline<T> {
  length: number | null;
  asyncBecause: string | null;
  open: () => Iterator<T> | AsyncIterator<T>;
}

/** Options of {@link Dataset.batch}. */
export interface BatchOptions {
  /** Drop a last batch smaller than `batchSize`. Default false. */
  dropRemainder?: boolean;
}

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /**
   * Seeds the shuffle so that it repeats across runs. Default: a seed drawn
   * from tensorgrad's global generator at the start of each iteration, so
   * that `tg.setSeed` makes it repeat.
   */
  seed?: number;
  /**
   * Shuffle in a new order on each iteration. Default true; with false,
   * every iteration gives the same order.
   */
  reshuffleEachIteration?: boolean;
}

/** A count: a whole number ≥ `min`, or Infinity when allowed. */
function checkCount(
  n: unknown,
  where: string,
  name: string,
  min: number,
  infinite: boolean,
): number {
  const ok =
    typeof n === "number" &&
    n >= min &&
    (Number.isInteger(n) || (infinite && n === Infinity));
  if (!ok) {
    throw new ValueError(
      `${where}: expected ${name} to be a whole number ≥ ${min}` +
        `${infinite ? " or Infinity" : ""}, got ${name}=${show(n)}`,
    );
  }
  return n;
}

function checkFunction(fn: unknown, where: string): void {
  if (typeof fn !== "function") {
    throw new ValueError(`${where}: expected a function, got ${show(fn)}`);
  }
}

/** Iterates a sync iterable as an async one; errors become rejections. */
function fromSync<T>(src: Iterable<T>): AsyncIterator<T> {
  const it = src[Symbol.iterator]();
  return {
    next: () => new Promise((resolve) => resolve(it.next())),
    return: (value?: unknown) =>
      new Promise((resolve) =>
        resolve(it.return?.(value) ?? { done: true, value: value as T }),
      ),
  };
}

/**
 * A stream of elements that `model.fit`, `evaluate` and `predict` consume,
 * built from a source in `tg.data` and transformed by stages.
 *
 * Elements may be anything: tensors, numbers, nested arrays, tuples such
 * as `[x, y]` or `[x, y, sampleWeight]`, records such as `{ xs, ys }`.
 * Datasets are immutable and re-iterable: every stage returns a new
 * dataset, and every iteration starts from the first element.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const ds = tg.data.range(0, 10).filter((x) => x % 2 === 0).map((x) => x * x);
 * console.log(ds.toArray()); // [ 0, 4, 16, 36, 64 ]
 * console.log([...ds.take(2)]); // [ 0, 4 ]
 * console.log(ds.isAsync, ds.size); // false null
 * ```
 */
export class Dataset<T, A extends boolean = boolean>
  implements Iterable<T>, AsyncIterable<T>
{
  /**
   * True when a source or stage is asynchronous: then the dataset iterates
   * only with `for await`, and `toArray` and `forEach` return Promises.
   */
  readonly isAsync: A;
  /**
   * The number of elements when known without iterating (arrays, ranges,
   * tensor slices, and take / skip / batch / repeat(n) of known sizes);
   * null when unknown (generators, CSV, filter) or endless (repeat()).
   */
  readonly size: number | null;
  readonly #length: number | null;
  readonly #asyncBecause: string | null;
  readonly #open: () => Iterator<T> | AsyncIterator<T>;

  /** @internal Make datasets with the sources in `tg.data`. */
  constructor(pipeline: Pipeline<T>) {
    this.#length = pipeline.length;
    this.#asyncBecause = pipeline.asyncBecause;
    this.#open = pipeline.open;
    this.isAsync = (pipeline.asyncBecause !== null) as A;
    this.size = pipeline.length === Infinity ? null : pipeline.length;
  }

  /**
   * True when the dataset never ends (`repeat()` of a non-empty dataset),
   * so that a loop over it needs its own stopping rule, such as fit's
   * `stepsPerEpoch`.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.array([1, 2]).repeat();
   * console.log(ds.isInfinite, ds.size, ds.take(5).size); // true null 5
   * ```
   */
  get isInfinite(): boolean {
    return this.#length === Infinity;
  }

  /**
   * Starts an iteration of a synchronous dataset. An asynchronous dataset
   * throws a ValueError here: iterate it with `for await`.
   */
  [Symbol.iterator](): Iterator<T> {
    if (this.#asyncBecause !== null) {
      throw new ValueError(
        `Dataset: expected a synchronous dataset for a for...of loop, got ` +
          `an asynchronous one (it has ${this.#asyncBecause}); iterate it ` +
          `with for await (const x of dataset), or use await model.fit(...)`,
      );
    }
    return this.#open() as Iterator<T>;
  }

  /** Starts an iteration, for `for await`; works on every dataset. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#asyncBecause === null) return fromSync(this);
    return this.#open() as AsyncIterator<T>;
  }

  /** A stage over this dataset: the sync or async pass, whichever fits. */
  #derive<U, B extends boolean>(
    length: number | null,
    because: string | null,
    sync: (src: Iterable<T>) => Iterator<unknown>,
    async: (src: AsyncIterable<T>) => AsyncIterator<unknown>,
  ): Dataset<U, B> {
    const asyncBecause = this.#asyncBecause ?? because;
    const open = asyncBecause === null ? () => sync(this) : () => async(this);
    return new Dataset<U, B>({
      length,
      asyncBecause,
      open: open as () => Iterator<U> | AsyncIterator<U>,
    });
  }

  /**
   * Groups consecutive elements into batches, stacking them leaf by leaf
   * along a new first axis: numbers give a 1-D tensor, tensors of shape S
   * give shape [n, ...S], tuples and records are stacked per part.
   *
   * At the top of an element an array is a tuple (`[x, y]`, as fit reads
   * it); below the top, an array of numbers is one value (a feature
   * vector). Tensors keep their dtype; plain numbers become float32 (or the
   * dtype of tensors at the same place), booleans bool. Strings cannot be
   * stacked: map them to numbers first.
   *
   * Size: ceil(size / batchSize), or floor with `dropRemainder`.
   *
   * @param batchSize - elements per batch, a whole number ≥ 1.
   * @param options - `dropRemainder` (default false) drops a last, smaller
   *   batch, for fixed batch shapes.
   * @throws ShapeError when elements' shapes differ (naming the elements),
   *   ValueError when their structures differ, DTypeError for mixed dtypes.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.array([[[1, 2], 0], [[3, 4], 1], [[5, 6], 0]]);
   * const [x, y] = ds.batch(2).toArray()[0]!;
   * console.log(x.shape, y.toArray()); // [ 2, 2 ] [ 0, 1 ]
   * console.log(ds.batch(2).size, ds.batch(2, { dropRemainder: true }).size); // 2 1
   * ```
   */
  batch(batchSize: number, options: BatchOptions = {}): Dataset<Batched<T>, A> {
    checkCount(batchSize, "Dataset.batch", "batchSize", 1, false);
    const drop = options.dropRemainder ?? false;
    if (typeof drop !== "boolean") {
      throw new ValueError(
        `Dataset.batch: expected dropRemainder to be a boolean, got ` +
          `dropRemainder=${show(drop)}`,
      );
    }
    const n = this.#length;
    const round = drop ? Math.floor : Math.ceil;
    const length = n === null || n === Infinity ? n : round(n / batchSize);
    return this.#derive(
      length,
      null,
      (src) => batchSync(src, batchSize, drop),
      (src) => batchAsync(src, batchSize, drop),
    );
  }

  /**
   * Splits each element along its first axis into separate elements: the
   * inverse of `batch`. Every tensor in an element must have the same
   * first dimension. Size: unknown.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.array([tg.tensor([[1, 2], [3, 4]])]).unbatch();
   * console.log(ds.toArray().map((t) => t.toArray())); // [ [ 1, 2 ], [ 3, 4 ] ]
   * ```
   */
  unbatch(): Dataset<Unbatched<T>, A> {
    const n = this.#length;
    return this.#derive(
      n === Infinity ? n : null,
      null,
      (src) => unbatchSync(src),
      (src) => unbatchAsync(src),
    );
  }

  /**
   * Shuffles with a buffer, as tf.data: the first `bufferSize` elements
   * fill a buffer; each output is a uniformly chosen buffered element,
   * whose slot the next input element takes. A buffer as large as the
   * dataset gives a uniform permutation; a smaller one only mixes
   * neighbours (the first output is always among the first `bufferSize`
   * inputs).
   *
   * Randomness: `seed` makes the order repeat across runs; without it, a
   * seed is drawn from tensorgrad's global generator at the start of each
   * iteration, so `tg.setSeed` makes it repeat. With
   * `reshuffleEachIteration: false` every iteration gives the same order
   * (without a seed, the one drawn on the first iteration). tensorgrad's
   * generator is not TensorFlow's, so the orders differ from tf.data's.
   *
   * @param bufferSize - a whole number ≥ 1, or Infinity (the whole dataset).
   * @param options - `seed`; `reshuffleEachIteration` (default true).
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.range(0, 6).shuffle(6, { seed: 1 });
   * const a = ds.toArray();
   * console.log([...a].sort().join(","), ds.size); // 0,1,2,3,4,5 6
   * const fixed = tg.data.range(0, 6).shuffle(6, { reshuffleEachIteration: false });
   * console.log(fixed.toArray().join() === fixed.toArray().join()); // true
   * ```
   */
  shuffle(bufferSize: number, options: ShuffleOptions = {}): Dataset<T, A> {
    checkCount(bufferSize, "Dataset.shuffle", "bufferSize", 1, true);
    const { seed, reshuffleEachIteration = true } = options;
    if (seed !== undefined && !Number.isFinite(seed)) {
      throw new ValueError(
        `Dataset.shuffle: expected seed to be a finite number, got ` +
          `seed=${show(seed)}`,
      );
    }
    if (typeof reshuffleEachIteration !== "boolean") {
      throw new ValueError(
        `Dataset.shuffle: expected reshuffleEachIteration to be a boolean, ` +
          `got reshuffleEachIteration=${show(reshuffleEachIteration)}`,
      );
    }
    const rng = shuffleSeeds(seed, reshuffleEachIteration);
    return this.#derive(
      this.#length,
      null,
      (src) => shuffleSync(src, bufferSize, rng()),
      (src) => shuffleAsync(src, bufferSize, rng()),
    );
  }

  /**
   * Applies `fn` to each element. An `async` function makes the dataset
   * asynchronous; a plain function that returns a Promise is refused on a
   * synchronous dataset (use {@link Dataset.mapAsync}): only `async` can
   * be seen before `fn` runs, though TypeScript types both as asynchronous.
   * Size: unchanged.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.array([1, 2, 3]).map((x) => [x, 2 * x]);
   * console.log(ds.toArray()); // [ [ 1, 2 ], [ 2, 4 ], [ 3, 6 ] ]
   * console.log(tg.data.array([1]).map(async (x) => x).isAsync); // true
   * ```
   */
  map<U>(fn: (x: T) => U): Dataset<Awaited<U>, Or<A, IsPromise<U>>> {
    checkFunction(fn, "Dataset.map");
    return this.#derive(
      this.#length,
      isAsyncFunction(fn) ? "an async map function" : null,
      (src) => mapSync(src, fn),
      (src) => mapAsync(src, fn),
    );
  }

  /**
   * Applies `fn` and awaits its result: always an asynchronous dataset,
   * for functions that return Promises without being declared `async`.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.array([1, 2]).mapAsync((x) => Promise.resolve(x + 1));
   * console.log(ds.isAsync, ds.size); // true 2
   * ```
   */
  mapAsync<U>(fn: (x: T) => U): Dataset<Awaited<U>, true> {
    checkFunction(fn, "Dataset.mapAsync");
    return this.#derive<Awaited<U>, A>(
      this.#length,
      "mapAsync",
      () => {
        throw new ValueError("internal: mapAsync has no synchronous pass");
      },
      (src) => mapAsync(src, fn),
    ) as unknown as Dataset<Awaited<U>, true>;
  }

  /**
   * Keeps the elements for which `predicate` is truthy. An `async`
   * predicate makes the dataset asynchronous. Size: unknown.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * console.log(tg.data.range(0, 5).filter((x) => x > 2).toArray()); // [ 3, 4 ]
   * ```
   */
  filter<R>(predicate: (x: T) => R): Dataset<T, Or<A, IsPromise<R>>> {
    checkFunction(predicate, "Dataset.filter");
    return this.#derive(
      null,
      isAsyncFunction(predicate) ? "an async filter predicate" : null,
      (src) => filterSync(src, predicate),
      (src) => filterAsync(src, predicate),
    );
  }

  /**
   * The first `count` elements (all of them if there are fewer).
   *
   * @param count - a whole number ≥ 0, or Infinity.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.range(0, 10).take(3);
   * console.log(ds.toArray(), ds.size); // [ 0, 1, 2 ] 3
   * ```
   */
  take(count: number): Dataset<T, A> {
    checkCount(count, "Dataset.take", "count", 0, true);
    const n = this.#length;
    return this.#derive(
      n === null ? (count === 0 ? 0 : null) : Math.min(n, count),
      null,
      (src) => takeSync(src, count),
      (src) => takeAsync(src, count),
    );
  }

  /**
   * All but the first `count` elements.
   *
   * @param count - a whole number ≥ 0, or Infinity.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.range(0, 5).skip(3);
   * console.log(ds.toArray(), ds.size); // [ 3, 4 ] 2
   * ```
   */
  skip(count: number): Dataset<T, A> {
    checkCount(count, "Dataset.skip", "count", 0, true);
    const n = this.#length;
    const length =
      n === null || n === Infinity
        ? count === Infinity
          ? 0
          : n
        : Math.max(0, n - count);
    return this.#derive(
      length,
      null,
      (src) => skipSync(src, count),
      (src) => skipAsync(src, count),
    );
  }

  /**
   * The elements `count` times over; forever when `count` is omitted (or
   * Infinity). Each repetition is a new iteration of this dataset, so a
   * shuffle before `repeat` reshuffles each time. A repetition that gives
   * no element ends the dataset, so that repeating an empty dataset
   * forever ends at once.
   *
   * @param count - a whole number ≥ 0, or Infinity (the default).
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.array([1, 2]).repeat(3);
   * console.log(ds.toArray(), ds.size); // [ 1, 2, 1, 2, 1, 2 ] 6
   * ```
   */
  repeat(count: number = Infinity): Dataset<T, A> {
    checkCount(count, "Dataset.repeat", "count", 0, true);
    const n = this.#length;
    let length: number | null;
    if (count === 0 || n === 0) length = 0;
    else if (count === Infinity) length = Infinity;
    else length = n === null ? null : n * count;
    return this.#derive(
      length,
      null,
      (src) => repeatSync(src, count),
      (src) => repeatAsync(src, count),
    );
  }

  /**
   * Reads up to `bufferSize` elements ahead, so that an asynchronous
   * source (a file, a network) works while the consumer trains.
   *
   * On a synchronous dataset there is nothing to overlap in JavaScript's
   * single thread: prefetch then changes nothing and the dataset stays
   * synchronous. (tf.data prefetches in background threads either way.)
   *
   * @param bufferSize - a whole number ≥ 1.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.range(0, 3).prefetch(2);
   * console.log(ds.isAsync, ds.toArray()); // false [ 0, 1, 2 ]
   * ```
   */
  prefetch(bufferSize: number): Dataset<T, A> {
    checkCount(bufferSize, "Dataset.prefetch", "bufferSize", 1, false);
    return this.#derive(
      this.#length,
      null,
      (src) => src[Symbol.iterator](),
      (src) => prefetchAsync(src, bufferSize),
    );
  }

  /**
   * This dataset's elements, then `other`'s.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * const ds = tg.data.array([1, 2]).concatenate(tg.data.array([3]));
   * console.log(ds.toArray(), ds.size); // [ 1, 2, 3 ] 3
   * ```
   */
  concatenate<U, B extends boolean>(
    other: Dataset<U, B>,
  ): Dataset<T | U, Or<A, B>> {
    if (!(other instanceof Dataset)) {
      throw new ValueError(
        `Dataset.concatenate: expected a Dataset, got ${show(other)}`,
      );
    }
    const a = this.#length;
    const b = other.#length;
    let length: number | null;
    if (a === Infinity || b === Infinity) length = Infinity;
    else length = a === null || b === null ? null : a + b;
    const because = other.#asyncBecause;
    return this.#derive(
      length,
      because,
      (src) => concatSync<T | U>(src, other),
      (src) => concatAsync<T | U>(src, other),
    );
  }

  /**
   * Calls `fn` on each element in order. Returns nothing for a synchronous
   * dataset and function; a Promise when the dataset is asynchronous or
   * `fn` returns a Promise (each is awaited before the next element).
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * let total = 0;
   * tg.data.array([1, 2, 3]).forEach((x) => { total += x; });
   * console.log(total); // 6
   * ```
   */
  forEach(this: Dataset<T, true>, fn: (x: T) => unknown): Promise<void>;
  forEach(fn: (x: T) => PromiseLike<unknown>): Promise<void>;
  forEach(this: Dataset<T, false>, fn: (x: T) => void): void;
  forEach(fn: (x: T) => unknown): void | Promise<void>;
  forEach(fn: (x: T) => unknown): void | Promise<void> {
    checkFunction(fn, "Dataset.forEach");
    if (this.isAsync) return eachAsync(this[Symbol.asyncIterator](), fn);
    const it = this[Symbol.iterator]();
    let handedOff = false;
    try {
      for (let r = it.next(); !r.done; r = it.next()) {
        const out = fn(r.value);
        if (isThenable(out)) {
          handedOff = true;
          return eachAfter(out, it, fn);
        }
      }
      handedOff = true;
    } finally {
      if (!handedOff) it.return?.();
    }
  }

  /**
   * Every element, in an array; a Promise of one when the dataset is
   * asynchronous. Throws a ValueError for an endless dataset.
   *
   * @example
   * ```ts
   * import * as tg from "tensorgrad";
   * console.log(tg.data.array(["a", "b"]).toArray()); // [ 'a', 'b' ]
   * ```
   */
  toArray(this: Dataset<T, false>): T[];
  toArray(this: Dataset<T, true>): Promise<T[]>;
  toArray(): T[] | Promise<T[]>;
  toArray(): T[] | Promise<T[]> {
    if (this.isInfinite) {
      throw new ValueError(
        `Dataset.toArray: expected a finite dataset, got an endless one ` +
          `(from repeat()); take(n) first`,
      );
    }
    if (this.isAsync) return collect(this);
    return [...(this as Iterable<T>)];
  }
}

/** A source of shuffle generators, one per iteration. */
function shuffleSeeds(
  seed: number | undefined,
  reshuffle: boolean,
): () => Random {
  if (!reshuffle) {
    let fixed = seed;
    return () => new Random((fixed ??= generatorFor().nextUint32()));
  }
  if (seed === undefined) return () => new Random(generatorFor().nextUint32());
  const seeds = new Random(seed);
  return () => new Random(seeds.nextUint32());
}

async function eachAsync<T>(
  it: AsyncIterator<T>,
  fn: (x: T) => unknown,
): Promise<void> {
  let done = false;
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) {
      await fn(r.value);
    }
    done = true;
  } finally {
    if (!done) await it.return?.();
  }
}

async function eachAfter<T>(
  pending: PromiseLike<unknown>,
  it: Iterator<T>,
  fn: (x: T) => unknown,
): Promise<void> {
  let done = false;
  try {
    await pending;
    for (let r = it.next(); !r.done; r = it.next()) await fn(r.value);
    done = true;
  } finally {
    if (!done) it.return?.();
  }
}

async function collect<T>(src: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of src) out.push(x);
  return out;
}
