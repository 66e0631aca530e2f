// SPDX-License-Identifier: Apache-2.0
/**
 * One pass of each dataset stage, written twice: as a generator over a
 * synchronous iterable and as an async generator over an asynchronous one.
 * The two versions of a stage make the same elements in the same order and
 * draw the same random numbers; only the waiting differs.
 */
import { ValueError } from "../../core/errors.js";
import type { Generator as Random } from "../../core/random.js";
import { slicesOf, stackElements } from "./structure.js";

/** True for promises and other objects with a `then` method. */
export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    (typeof x === "object" || typeof x === "function") &&
    x !== null &&
    typeof (x as { then?: unknown }).then === "function"
  );
}

/** True for functions declared `async` (including async generators). */
export function isAsyncFunction(fn: unknown): boolean {
  const name = (fn as { constructor?: { name?: string } })?.constructor?.name;
  return name === "AsyncFunction" || name === "AsyncGeneratorFunction";
}

/** The value of a sync stage's callback, refusing a Promise. */
function settled<U>(value: U, where: string): U {
  if (isThenable(value)) {
    throw new ValueError(
      `${where}: expected a synchronous function on a synchronous dataset, ` +
        `got one that returned a Promise; declare it \`async\` (or use ` +
        `mapAsync) to make the dataset asynchronous`,
    );
  }
  return value;
}

export function* takeSync<T>(src: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of src) {
    yield x;
    if (++i >= n) return;
  }
}

export async function* takeAsync<T>(
  src: AsyncIterable<T>,
  n: number,
): AsyncGenerator<T> {
  if (n <= 0) return;
  let i = 0;
  for await (const x of src) {
    yield x;
    if (++i >= n) return;
  }
}

export function* skipSync<T>(src: Iterable<T>, n: number): Generator<T> {
  let i = 0;
  for (const x of src) if (i++ >= n) yield x;
}

export async function* skipAsync<T>(
  src: AsyncIterable<T>,
  n: number,
): AsyncGenerator<T> {
  let i = 0;
  for await (const x of src) if (i++ >= n) yield x;
}

export function* mapSync<T, U>(
  src: Iterable<T>,
  fn: (x: T) => U,
): Generator<U> {
  for (const x of src) yield settled(fn(x), "map");
}

export async function* mapAsync<T, U>(
  src: AsyncIterable<T>,
  fn: (x: T) => U,
): AsyncGenerator<Awaited<U>> {
  for await (const x of src) yield await fn(x);
}

export function* filterSync<T>(
  src: Iterable<T>,
  pred: (x: T) => unknown,
): Generator<T> {
  for (const x of src) if (settled(pred(x), "filter")) yield x;
}

export async function* filterAsync<T>(
  src: AsyncIterable<T>,
  pred: (x: T) => unknown,
): AsyncGenerator<T> {
  for await (const x of src) if (await pred(x)) yield x;
}

/** `count` passes (Infinity: forever); stops early if a pass is empty. */
export function* repeatSync<T>(src: Iterable<T>, count: number): Generator<T> {
  for (let k = 0; k < count; k++) {
    let empty = true;
    for (const x of src) {
      empty = false;
      yield x;
    }
    if (empty) return;
  }
}

export async function* repeatAsync<T>(
  src: AsyncIterable<T>,
  count: number,
): AsyncGenerator<T> {
  for (let k = 0; k < count; k++) {
    let empty = true;
    for await (const x of src) {
      empty = false;
      yield x;
    }
    if (empty) return;
  }
}

export function* concatSync<T>(a: Iterable<T>, b: Iterable<T>): Generator<T> {
  yield* a;
  yield* b;
}

export async function* concatAsync<T>(
  a: AsyncIterable<T>,
  b: AsyncIterable<T>,
): AsyncGenerator<T> {
  yield* a;
  yield* b;
}

export function* batchSync(
  src: Iterable<unknown>,
  size: number,
  dropRemainder: boolean,
): Generator<unknown> {
  let buf: unknown[] = [];
  let first = 0;
  for (const x of src) {
    buf.push(x);
    if (buf.length < size) continue;
    yield stackElements(buf, first, "Dataset.batch");
    first += size;
    buf = [];
  }
  if (buf.length > 0 && !dropRemainder)
    yield stackElements(buf, first, "Dataset.batch");
}

export async function* batchAsync(
  src: AsyncIterable<unknown>,
  size: number,
  dropRemainder: boolean,
): AsyncGenerator<unknown> {
  let buf: unknown[] = [];
  let first = 0;
  for await (const x of src) {
    buf.push(x);
    if (buf.length < size) continue;
    yield stackElements(buf, first, "Dataset.batch");
    first += size;
    buf = [];
  }
  if (buf.length > 0 && !dropRemainder)
    yield stackElements(buf, first, "Dataset.batch");
}

export function* unbatchSync(src: Iterable<unknown>): Generator<unknown> {
  for (const b of src) {
    const s = slicesOf(b, true, "Dataset.unbatch");
    for (let i = 0; i < s.length; i++) yield s.row(i);
  }
}

export async function* unbatchAsync(
  src: AsyncIterable<unknown>,
): AsyncGenerator<unknown> {
  for await (const b of src) {
    const s = slicesOf(b, true, "Dataset.unbatch");
    for (let i = 0; i < s.length; i++) yield s.row(i);
  }
}

/**
 * tf.data's buffer shuffle: fill a buffer with the first `size` elements;
 * then repeatedly emit a uniformly chosen buffered element and put the
 * next input element in its slot. An element can therefore come out no
 * earlier than `size - 1` places before its input position.
 */
export function* shuffleSync<T>(
  src: Iterable<T>,
  size: number,
  rng: Random,
): Generator<T> {
  const it = src[Symbol.iterator]();
  let more = true;
  try {
    const buf: T[] = [];
    while (more && buf.length < size) {
      const r = it.next();
      if (r.done) more = false;
      else buf.push(r.value);
    }
    while (buf.length > 0) {
      const i = Math.floor(rng.uniform() * buf.length);
      yield buf[i]!;
      const r = more ? it.next() : null;
      if (r && !r.done) buf[i] = r.value;
      else {
        more = false;
        buf[i] = buf[buf.length - 1]!;
        buf.pop();
      }
    }
  } finally {
    if (more) it.return?.();
  }
}

export async function* shuffleAsync<T>(
  src: AsyncIterable<T>,
  size: number,
  rng: Random,
): AsyncGenerator<T> {
  const it = src[Symbol.asyncIterator]();
  let more = true;
  try {
    const buf: T[] = [];
    while (more && buf.length < size) {
      const r = await it.next();
      if (r.done) more = false;
      else buf.push(r.value);
    }
    while (buf.length > 0) {
      const i = Math.floor(rng.uniform() * buf.length);
      yield buf[i]!;
      const r = more ? await it.next() : null;
      if (r && !r.done) buf[i] = r.value;
      else {
        more = false;
        buf[i] = buf[buf.length - 1]!;
        buf.pop();
      }
    }
  } finally {
    if (more) await it.return?.();
  }
}

/**
 * Reads up to `size` elements ahead: their `next()` calls are already
 * running while the consumer works on the current element.
 */
export async function* prefetchAsync<T>(
  src: AsyncIterable<T>,
  size: number,
): AsyncGenerator<T> {
  const it = src[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  const fill = () => {
    while (queue.length < size) {
      const p = it.next();
      // Rejections surface when their turn comes; until then, stay quiet.
      p.catch(() => undefined);
      queue.push(p);
    }
  };
  let more = true;
  try {
    fill();
    for (;;) {
      const r = await queue.shift()!;
      if (r.done) {
        more = false;
        return;
      }
      fill();
      yield r.value;
    }
  } finally {
    if (more) await it.return?.();
  }
}

/** Elements side by side until the shortest part ends. */
export function* zipSync(
  parts: readonly Iterable<unknown>[],
  keys: readonly string[] | null,
): Generator<unknown> {
  const its = parts.map((p) => p[Symbol.iterator]());
  try {
    for (;;) {
      const values: unknown[] = [];
      for (const it of its) {
        const r = it.next();
        if (r.done) return;
        values.push(r.value);
      }
      yield assemble(values, keys);
    }
  } finally {
    for (const it of its) it.return?.();
  }
}

export async function* zipAsync(
  parts: readonly AsyncIterable<unknown>[],
  keys: readonly string[] | null,
): AsyncGenerator<unknown> {
  const its = parts.map((p) => p[Symbol.asyncIterator]());
  try {
    for (;;) {
      const rs = await Promise.all(its.map((it) => it.next()));
      if (rs.some((r) => r.done)) return;
      yield assemble(
        rs.map((r) => r.value as unknown),
        keys,
      );
    }
  } finally {
    for (const it of its) await it.return?.();
  }
}

function assemble(values: unknown[], keys: readonly string[] | null): unknown {
  if (keys === null) return values;
  return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
}
