// SPDX-License-Identifier: Apache-2.0
/**
 * Turns what users pass to fit / evaluate / predict (tensors, nested
 * arrays, lists or records of them, or a dataset) into batches.
 *
 * Arrays and tensors: all leaves must share the number of samples (the
 * first dimension); batches are slices, shuffled per pass by the global
 * generator when asked (so `tg.setSeed` repeats them). Datasets
 * (`tg.data`): each element is one batch, `[x, y]`, `[x, y, sampleWeight]`,
 * `{ xs, ys, sampleWeight }` or x alone, as Keras takes them.
 *
 * Class weights become sample weights, as Keras's
 * `class_weight_to_sample_weights`: a label's weight, or 1 for a class the
 * record does not name; one-hot labels by their argmax, others rounded.
 */
import type { DType } from "../../core/dtype.js";
import { ValueError, show } from "../../core/errors.js";
import { generatorFor } from "../../core/random.js";
import { Tensor } from "../../core/tensor.js";
import { toTensor } from "../../ops/convert.js";
import { argMax } from "../../ops/reduction.js";
import { gather, slice } from "../../ops/shape.js";

/** A model input or target structure of tensors. */
export type Structured = Tensor | Tensor[] | { [name: string]: Tensor };

/** One batch, as the train / test / predict steps receive it. */
export interface Batch {
  x: Structured;
  y?: Structured;
  sampleWeight?: Tensor;
}

/** The batches of one pass over the data. */
export interface BatchSource {
  /** Whether batches arrive asynchronously (an async dataset). */
  readonly isAsync: boolean;
  /** Batches per pass, when known. */
  readonly steps: number | null;
  /** A new pass: an iterator of batches. */
  pass(): Iterator<Batch> | AsyncIterator<Batch>;
}

/**
 * The structure of the data a model expects. Names are null when the
 * model does not say (a subclassed model): then a tensor, a list of
 * tensors or a record of values passes with its own structure.
 */
export interface DataSpec {
  inputNames: readonly string[] | null;
  inputDTypes: readonly DType[];
  outputNames: readonly string[] | null;
  outputDTypes: readonly DType[];
}

/** Class index → weight, as Keras's `class_weight`. */
export type ClassWeight = Readonly<Record<number, number>>;

/** What a dataset must offer for fit to read it. */
export interface DatasetLike {
  readonly isAsync: boolean;
  readonly size: number | null;
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
  [Symbol.iterator](): Iterator<unknown>;
}

/** True for a `tg.data` dataset (or anything shaped like one). */
export function isDataset(x: unknown): x is DatasetLike {
  return (
    x !== null &&
    typeof x === "object" &&
    "isAsync" in x &&
    Symbol.asyncIterator in x
  );
}

/** A structure flattened to its leaves, with the way back. */
interface Flat {
  leaves: Tensor[];
  rebuild: (leaves: Tensor[]) => Structured;
}

function isPlainRecord(x: unknown): x is Record<string, unknown> {
  return (
    x !== null &&
    typeof x === "object" &&
    Object.getPrototypeOf(x) === Object.prototype
  );
}

function isTensorList(x: unknown): x is Tensor[] {
  return (
    Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof Tensor)
  );
}

const one = (l: Tensor[]) => l[0]!;
const asList = (l: Tensor[]) => l;

/**
 * Flattens `x` by the model's `names` (one per input or output): one leaf
 * when there is one name (also given as a one-item list or a record with
 * that key); a list in order or a record keyed by name otherwise.
 */
function flatten(
  x: unknown,
  names: readonly string[] | null,
  dtypes: readonly DType[],
  where: string,
  what: string,
): Flat {
  const leaf = (v: unknown, i: number) =>
    v instanceof Tensor ? v : toTensor(v, where, dtypes[i] ?? dtypes[0]);
  if (names === null) return flattenFree(x, leaf);
  if (names.length <= 1) {
    const name = names[0] ?? "";
    if (isTensorList(x) && x.length === 1)
      return { leaves: [x[0]!], rebuild: one };
    if (isPlainRecord(x) && Object.keys(x).length === 1 && name in x) {
      return { leaves: [leaf(x[name], 0)], rebuild: one };
    }
    return { leaves: [leaf(x, 0)], rebuild: one };
  }
  if (Array.isArray(x)) {
    if (x.length !== names.length) {
      throw new ValueError(
        `${where}: expected ${names.length} arrays for ${what} ` +
          `${show(names)}, got a list of ${x.length}`,
      );
    }
    return { leaves: x.map(leaf), rebuild: asList };
  }
  if (isPlainRecord(x)) {
    const missing = names.filter((k) => !(k in x));
    if (missing.length > 0) {
      throw new ValueError(
        `${where}: expected ${what} for ${show(names)}, got a record ` +
          `without ${show(missing)}`,
      );
    }
    return {
      leaves: names.map((k, i) => leaf(x[k], i)),
      rebuild: (l) => Object.fromEntries(names.map((k, i) => [k, l[i]!])),
    };
  }
  throw new ValueError(
    `${where}: expected ${what} for ${show(names)} as a list or a record ` +
      `keyed by name, got ${show(x)}`,
  );
}

/** A structure the model does not name: kept as it comes. */
function flattenFree(
  x: unknown,
  leaf: (v: unknown, i: number) => Tensor,
): Flat {
  if (isTensorList(x)) return { leaves: [...x], rebuild: asList };
  if (isPlainRecord(x)) {
    const keys = Object.keys(x);
    return {
      leaves: keys.map((k) => leaf(x[k], 0)),
      rebuild: (l) => Object.fromEntries(keys.map((k, i) => [k, l[i]!])),
    };
  }
  return { leaves: [leaf(x, 0)], rebuild: one };
}

/** The number of samples of each leaf; a scalar leaf is an error. */
function sampleCounts(flat: Flat, where: string, what: string): number[] {
  return flat.leaves.map((t) => {
    if (t.rank === 0) {
      throw new ValueError(
        `${where}: expected ${what} with a first (sample) dimension, got a ` +
          "scalar",
      );
    }
    return t.shape[0]!;
  });
}

/** Options of array data. */
export interface ArrayDataOptions {
  batchSize: number;
  shuffle: boolean;
}

/** In-memory data: the leaves of x, y and the sample weights. */
export class ArrayData implements BatchSource {
  readonly isAsync = false;
  readonly #x: Flat;
  readonly #y: Flat | null;
  readonly #w: Tensor | null;
  readonly #n: number;
  readonly #options: ArrayDataOptions;

  constructor(
    x: Flat,
    y: Flat | null,
    w: Tensor | null,
    options: ArrayDataOptions,
  ) {
    this.#x = x;
    this.#y = y;
    this.#w = w;
    this.#n = x.leaves[0]?.shape[0] ?? 0;
    this.#options = options;
  }

  /** The number of samples. */
  get samples(): number {
    return this.#n;
  }

  get steps(): number {
    return Math.ceil(this.#n / this.#options.batchSize);
  }

  /** Whether the data has sample weights. */
  get weighted(): boolean {
    return this.#w !== null;
  }

  *pass(): Iterator<Batch> {
    const { batchSize, shuffle } = this.#options;
    const order = shuffle ? permutation(this.#n) : null;
    for (let start = 0; start < this.#n; start += batchSize) {
      const size = Math.min(batchSize, this.#n - start);
      const take = order
        ? (t: Tensor) => gather(t, order.subarray(start, start + size))
        : (t: Tensor) => slice(t, start, size);
      yield this.#batch(take);
    }
  }

  /** The whole data as one batch (trainOnBatch and friends). */
  whole(): Batch {
    return this.#batch((t) => t);
  }

  #batch(take: (t: Tensor) => Tensor): Batch {
    const batch: Batch = { x: this.#x.rebuild(this.#x.leaves.map(take)) };
    if (this.#y) batch.y = this.#y.rebuild(this.#y.leaves.map(take));
    if (this.#w) batch.sampleWeight = take(this.#w);
    return batch;
  }

  /**
   * Splits off the last `fraction` of the samples, before any shuffling,
   * as Keras's `train_validation_split`: the first
   * `floor(n * (1 - fraction))` samples train.
   */
  split(fraction: number, where: string): [ArrayData, ArrayData] {
    const at = Math.floor(this.#n * (1 - fraction));
    if (at === 0 || at === this.#n) {
      throw new ValueError(
        `${where}: expected enough samples to split off validationSplit=` +
          `${fraction} and keep some for training, got ${this.#n} samples`,
      );
    }
    const part = (begin: number, size: number) => {
      const cut = (t: Tensor) => slice(t, begin, size);
      const x = { leaves: this.#x.leaves.map(cut), rebuild: this.#x.rebuild };
      const y = this.#y && {
        leaves: this.#y.leaves.map(cut),
        rebuild: this.#y.rebuild,
      };
      return new ArrayData(x, y, this.#w && cut(this.#w), this.#options);
    };
    return [part(0, at), part(at, this.#n - at)];
  }

  /** The same data, batched and shuffled differently. */
  withOptions(options: Partial<ArrayDataOptions>): ArrayData {
    return new ArrayData(this.#x, this.#y, this.#w, {
      ...this.#options,
      ...options,
    });
  }

  /** The same data with sample weights from class weights. */
  withClassWeight(classWeight: ClassWeight, where: string): ArrayData {
    if (this.#w) throw bothWeights(where);
    const w = classWeights(this.#y?.leaves ?? [], classWeight, where);
    return new ArrayData(this.#x, this.#y, w, this.#options);
  }
}

/** A permutation of 0..n-1 from the global generator. */
function permutation(n: number): Int32Array {
  const g = generatorFor();
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.uniform() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

function bothWeights(where: string): ValueError {
  return new ValueError(
    `${where}: expected classWeight or sampleWeight, got both (Keras ` +
      "does not combine them)",
  );
}

/** Checks a class-weight record: class indices to finite numbers. */
export function checkClassWeight(cw: unknown, where: string): ClassWeight {
  const ok =
    isPlainRecord(cw) &&
    Object.entries(cw).every(
      ([k, v]) =>
        /^\d+$/.test(k) && typeof v === "number" && Number.isFinite(v),
    );
  if (!ok) {
    throw new ValueError(
      `${where}: expected classWeight to map class indices to finite ` +
        `numbers, e.g. { 0: 1, 1: 5 }, got classWeight=${show(cw)}`,
    );
  }
  return cw as ClassWeight;
}

/** Builds array data from fit / evaluate / predict arguments. */
export function arrayData(
  x: unknown,
  y: unknown,
  sampleWeight: unknown,
  spec: DataSpec,
  options: ArrayDataOptions,
  where: string,
): ArrayData {
  const fx = flatten(x, spec.inputNames, spec.inputDTypes, where, "x");
  const fy =
    y === undefined || y === null
      ? null
      : flatten(y, spec.outputNames, spec.outputDTypes, where, "y");
  const xs = sampleCounts(fx, where, "x");
  const ys = fy ? sampleCounts(fy, where, "y") : [];
  const n = xs[0]!;
  if ([...xs, ...ys].some((c) => c !== n)) {
    throw new ValueError(
      `${where}: expected x and y to have the same number of samples ` +
        `(first dimension), got x: ${show(xs)}` +
        (fy ? `, y: ${show(ys)}` : ""),
    );
  }
  const w = sampleWeights(sampleWeight, n, spec, where);
  return new ArrayData(fx, fy, w, options);
}

/** Sample weights as a tensor of n rows, in the outputs' float dtype. */
function sampleWeights(
  sampleWeight: unknown,
  n: number,
  spec: DataSpec,
  where: string,
): Tensor | null {
  if (sampleWeight === undefined || sampleWeight === null) return null;
  const dtype = spec.outputDTypes[0] === "float64" ? "float64" : "float32";
  const w =
    sampleWeight instanceof Tensor
      ? sampleWeight
      : toTensor(sampleWeight, where, dtype);
  if (w.rank === 0 || w.shape[0] !== n) {
    throw new ValueError(
      `${where}: expected sampleWeight with ${n} samples (first ` +
        `dimension), got shape ${show(w.shape)}`,
    );
  }
  return w;
}

/** Python's round(): halves to even, as NumPy rounds labels. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Per-sample weights from a class → weight record (single output). */
function classWeights(
  ys: Tensor[],
  classWeight: ClassWeight,
  where: string,
): Tensor {
  if (ys.length !== 1) {
    throw new ValueError(
      `${where}: expected a model with one output for classWeight, got ` +
        `${ys.length === 0 ? "no targets" : `${ys.length} outputs`}`,
    );
  }
  const y = ys[0]!;
  const oneHot = y.rank > 1 && y.shape[y.rank - 1]! > 1;
  const labels = oneHot ? argMax(y, -1).data : y.data;
  const w = new Float32Array(labels.length);
  labels.forEach((c: number, i: number) => {
    w[i] = classWeight[roundHalfEven(c)] ?? 1;
  });
  const dtype = y.dtype === "float64" ? "float64" : "float32";
  return toTensor(w, where, dtype);
}

/** A dataset read as batches. */
export class DatasetData implements BatchSource {
  readonly isAsync: boolean;
  readonly steps: number | null;
  readonly #dataset: DatasetLike;
  readonly #read: (e: unknown) => Batch;

  constructor(
    dataset: DatasetLike,
    spec: DataSpec,
    where: string,
    classWeight: ClassWeight | null = null,
  ) {
    this.#dataset = dataset;
    this.isAsync = dataset.isAsync;
    const size = dataset.size;
    this.steps = size === null || !Number.isFinite(size) ? null : size;
    this.#read = (e) => toBatch(e, spec, where, classWeight);
  }

  pass(): Iterator<Batch> | AsyncIterator<Batch> {
    const read = this.#read;
    if (this.isAsync) {
      const it = this.#dataset[Symbol.asyncIterator]();
      return {
        async next() {
          const r = await it.next();
          return r.done ? r : { done: false, value: read(r.value) };
        },
        async return() {
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    }
    const it = this.#dataset[Symbol.iterator]();
    return {
      next() {
        const r = it.next();
        return r.done ? r : { done: false, value: read(r.value) };
      },
      return() {
        it.return?.();
        return { done: true, value: undefined };
      },
    };
  }
}

/**
 * Closes a pass left before its end (fit stopped early, or `steps` ran
 * out), so that a dataset's source can release what it holds.
 */
export function closePass(it: Iterator<Batch> | AsyncIterator<Batch>): void {
  const done = it.return?.();
  if (done instanceof Promise) done.catch(() => undefined);
}

/** Reads one dataset element as a batch of tensors. */
function toBatch(
  e: unknown,
  spec: DataSpec,
  where: string,
  classWeight: ClassWeight | null,
): Batch {
  let parts: { x: unknown; y?: unknown; w?: unknown };
  if (Array.isArray(e)) {
    // At the top of an element an array is a tuple (see tg.data).
    if (e.length < 1 || e.length > 3) {
      throw new ValueError(
        `${where}: expected dataset elements [x], [x, y] or [x, y, ` +
          `sampleWeight], got an array of ${e.length} items`,
      );
    }
    parts = { x: e[0], y: e[1], w: e[2] };
  } else if (isPlainRecord(e) && "xs" in e) {
    parts = { x: e.xs, y: e.ys, w: e.sampleWeight };
  } else {
    parts = { x: e };
  }
  const fx = flatten(parts.x, spec.inputNames, spec.inputDTypes, where, "x");
  const batch: Batch = { x: fx.rebuild(fx.leaves) };
  let fy: Flat | null = null;
  if (parts.y !== undefined && parts.y !== null) {
    fy = flatten(parts.y, spec.outputNames, spec.outputDTypes, where, "y");
    batch.y = fy.rebuild(fy.leaves);
  }
  const n = fx.leaves[0]?.shape[0] ?? 0;
  const w = sampleWeights(parts.w, n, spec, where);
  if (w) batch.sampleWeight = w;
  if (classWeight) {
    if (w) throw bothWeights(where);
    batch.sampleWeight = classWeights(fy?.leaves ?? [], classWeight, where);
  }
  return batch;
}

/** The number of samples in a batch's inputs. */
export function batchSize(x: Structured): number {
  const first =
    x instanceof Tensor ? x : Array.isArray(x) ? x[0] : Object.values(x)[0];
  return first instanceof Tensor ? (first.shape[0] ?? 1) : 1;
}
