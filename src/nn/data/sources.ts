// SPDX-License-Identifier: Apache-2.0
/**
 * Where datasets come from: arrays, tensor slices, (async) generators,
 * number ranges, and other datasets zipped side by side.
 */
import { ValueError, show } from "../../core/errors.js";
import { Dataset, type Or } from "./dataset.js";
import { isThenable, zipAsync, zipSync } from "./stages.js";
import { isRecord, slicesOf, type Unbatched } from "./structure.js";

/**
 * A dataset of the given items, in order. The array is copied (shallowly),
 * so later changes to it do not change the dataset.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const ds = tg.data.array([{ a: 1 }, { a: 2 }]);
 * console.log(ds.toArray(), ds.size); // [ { a: 1 }, { a: 2 } ] 2
 * ```
 */
export function array<T>(items: readonly T[]): Dataset<T, false> {
  if (!Array.isArray(items)) {
    throw new ValueError(`array: expected an array, got ${show(items)}`);
  }
  const copy: readonly T[] = items.slice();
  return new Dataset({
    length: copy.length,
    asyncBecause: null,
    open: () => copy[Symbol.iterator](),
  });
}

/**
 * Slices `x` along its first axis: element `i` holds row `i` of every
 * tensor in `x`. `x` is a tensor, a nested array or a typed array; or a
 * tuple `[x, y]` or record `{ xs, ys }` of them, giving elements of the
 * same structure.
 *
 * A top-level array of plain numbers is one nested array (as in Python,
 * where a list becomes a tensor): `fromTensorSlices([[1, 2], [3, 4]])`
 * gives two rows. A tuple needs tensors or records in it:
 * `fromTensorSlices([tg.tensor(x), tg.tensor(y)])`, or use a record.
 * The rows share the input's memory (tensors are immutable).
 *
 * @throws ShapeError when the parts' first dimensions differ (naming
 *   them), or when a part is a scalar.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.tensor([[1, 2], [3, 4], [5, 6]]);
 * const y = tg.tensor([0, 1, 0]);
 * const ds = tg.data.fromTensorSlices([x, y]);
 * const [x0, y0] = ds.toArray()[0]!;
 * console.log(ds.size, x0.toArray(), y0.toArray()); // 3 [ 1, 2 ] 0
 * ```
 */
export function fromTensorSlices<const T>(x: T): Dataset<Unbatched<T>, false> {
  const slices = slicesOf(x, false, "fromTensorSlices");
  function* rows(): Generator<unknown> {
    for (let i = 0; i < slices.length; i++) yield slices.row(i);
  }
  return new Dataset({
    length: slices.length,
    asyncBecause: null,
    open: rows as () => Iterator<Unbatched<T>>,
  });
}

/** What {@link generator}'s function may return. */
export type GeneratorSource<T> =
  | Iterator<T>
  | Iterable<T>
  | AsyncIterator<T>
  | AsyncIterable<T>
  | PromiseLike<Iterable<T> | AsyncIterable<T>>;

/**
 * A dataset from a function that returns an iterator or an iterable: a
 * generator function, an async generator function, a function returning
 * an array... Each iteration calls `fn` again, so each starts anew.
 *
 * The dataset is asynchronous when `fn` gives an async iterator or a
 * Promise. To learn which, `fn` is first called when the dataset is made;
 * the iterator it returns then serves the first iteration (a generator
 * function's body starts only when that iteration reads it), and each
 * later iteration calls `fn` again. Size: unknown.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const ds = tg.data.generator(function* () {
 *   for (let i = 0; i < 3; i++) yield [i, i * i];
 * });
 * console.log(ds.toArray(), ds.size); // [ [ 0, 0 ], [ 1, 1 ], [ 2, 4 ] ] null
 * const remote = tg.data.generator(async function* () {
 *   yield await Promise.resolve(1);
 * });
 * console.log(remote.isAsync); // true
 * ```
 */
export function generator<T>(
  fn: () => AsyncIterator<T> | AsyncIterable<T> | PromiseLike<unknown>,
): Dataset<T, true>;
export function generator<T>(
  fn: () => Iterator<T> | Iterable<T>,
): Dataset<T, false>;
export function generator<T>(fn: () => GeneratorSource<T>): Dataset<T, boolean>;
export function generator<T>(fn: () => unknown): Dataset<T, boolean> {
  if (typeof fn !== "function") {
    throw new ValueError(`generator: expected a function, got ${show(fn)}`);
  }
  let first: unknown = fn();
  const kind = sourceKind(first);
  // A rejection surfaces when the first iteration awaits it; until then,
  // it must not count as unhandled.
  if (isThenable(first)) first.then(undefined, () => undefined);
  const next = () => {
    const src = first ?? fn();
    first = undefined;
    return src;
  };
  const isAsync = kind !== "sync";
  return new Dataset<T, boolean>({
    length: null,
    asyncBecause: isAsync ? `an ${kind} source` : null,
    open: isAsync ? () => readAsync<T>(next()) : () => readSync<T>(next()),
  });
}

function sourceKind(x: unknown): "sync" | "async generator" | "async" {
  const isObject =
    (typeof x === "object" && x !== null) || typeof x === "function";
  if (isThenable(x)) return "async";
  if (isObject && Symbol.asyncIterator in x) return "async generator";
  if (isObject && (Symbol.iterator in x || "next" in x)) return "sync";
  throw new ValueError(
    `generator: expected a function that returns an iterator, an iterable ` +
      `or a Promise of one, got one that returned ${show(x)}`,
  );
}

function* readSync<T>(src: unknown): Generator<T> {
  if (typeof src === "object" && src !== null && Symbol.iterator in src) {
    yield* src as Iterable<T>;
    return;
  }
  const it = src as Iterator<T>;
  let done = false;
  try {
    for (;;) {
      const r = it.next();
      if (isThenable(r)) {
        throw new ValueError(
          `generator: expected a synchronous iterator, got one whose next() ` +
            `returns a Promise; make the function async (async function*)`,
        );
      }
      if (r.done) break;
      yield r.value;
    }
    done = true;
  } finally {
    if (!done) it.return?.();
  }
}

async function* readAsync<T>(src: unknown): AsyncGenerator<T> {
  if (isThenable(src)) src = await src;
  if (typeof src === "object" && src !== null) {
    if (Symbol.asyncIterator in src) {
      yield* src as AsyncIterable<T>;
      return;
    }
    if (Symbol.iterator in src) {
      yield* src as Iterable<T>;
      return;
    }
  }
  const it = src as AsyncIterator<T>;
  let done = false;
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    done = true;
  } finally {
    if (!done) await it.return?.();
  }
}

/**
 * Numbers from `start` up to (not including) `stop`, by `step`, as
 * Python's range; `range(n)` counts from 0.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.data.range(4).toArray()); // [ 0, 1, 2, 3 ]
 * console.log(tg.data.range(10, 0, -3).toArray()); // [ 10, 7, 4, 1 ]
 * ```
 */
export function range(
  start: number,
  stop?: number,
  step = 1,
): Dataset<number, false> {
  const [a, b] = stop === undefined ? [0, start] : [start, stop];
  for (const [name, v] of [
    ["start", a],
    ["stop", b],
    ["step", step],
  ] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ValueError(
        `range: expected ${name} to be a finite number, got ${name}=${show(v)}`,
      );
    }
  }
  if (step === 0) {
    throw new ValueError(`range: expected a step other than 0, got step=0`);
  }
  const length = Math.max(0, Math.ceil((b - a) / step));
  function* count(): Generator<number> {
    for (let i = 0; i < length; i++) yield a + i * step;
  }
  return new Dataset({ length, asyncBecause: null, open: count });
}

/** The element type of a dataset. */
export type ElementOf<D> = D extends Dataset<infer T, boolean> ? T : never;

type AsyncOf<D> = D extends Dataset<unknown, infer A> ? A : never;

/** Datasets to zip: a tuple or a record of them. */
export type DatasetStructure =
  | readonly Dataset<unknown, boolean>[]
  | { readonly [key: string]: Dataset<unknown, boolean> };

type AnyAsync<D extends DatasetStructure> = Or<
  AsyncOf<D[keyof D & (number | string)]>,
  false
>;

/**
 * Zips datasets side by side: given a tuple of datasets, elements are
 * tuples of their elements; given a record, records. Ends with the
 * shortest dataset; asynchronous if any part is.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const xs = tg.data.array([1, 2, 3]);
 * const ys = tg.data.array([10, 20]);
 * console.log(tg.data.zip([xs, ys]).toArray()); // [ [ 1, 10 ], [ 2, 20 ] ]
 * console.log(tg.data.zip({ x: xs, y: ys }).size); // 2
 * ```
 */
export function zip<const D extends DatasetStructure>(
  datasets: D,
): Dataset<{ -readonly [K in keyof D]: ElementOf<D[K]> }, AnyAsync<D>> {
  const isTuple = Array.isArray(datasets);
  if (!isTuple && !isRecord(datasets)) {
    throw new ValueError(
      `zip: expected a tuple or a record of datasets, got ${show(datasets)}`,
    );
  }
  const keys = isTuple ? null : Object.keys(datasets);
  const parts = Object.values(datasets as object) as Dataset<unknown>[];
  if (parts.length === 0) {
    throw new ValueError(`zip: expected at least one dataset, got none`);
  }
  parts.forEach((d, i) => {
    if (!(d instanceof Dataset)) {
      const name = keys === null ? `[${i}]` : `.${keys[i]}`;
      throw new ValueError(
        `zip: expected a Dataset at ${name}, got ${show(d)}`,
      );
    }
  });
  const asyncPart = parts.find((d) => d.isAsync);
  return new Dataset({
    length: zipLength(parts),
    asyncBecause: asyncPart ? "an asynchronous zipped dataset" : null,
    open: asyncPart
      ? () => zipAsync(parts, keys)
      : () => zipSync(parts as Iterable<unknown>[], keys),
  }) as never;
}

/** The shortest part's length; Infinity only if all are endless. */
function zipLength(parts: readonly Dataset<unknown>[]): number | null {
  let length = Infinity;
  for (const d of parts) {
    if (d.isInfinite) continue;
    if (d.size === null) return null;
    length = Math.min(length, d.size);
  }
  return length;
}
