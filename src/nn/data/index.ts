// SPDX-License-Identifier: Apache-2.0
/**
 * Datasets: `tg.data`. Sources (array, fromTensorSlices, generator, range,
 * zip, csv, csvFromString, csvFromUrl) make a {@link Dataset}; its stages
 * (batch, shuffle, map, filter, take, skip, repeat, prefetch, ...) make
 * new ones; `model.fit`, `evaluate` and `predict` consume them.
 *
 * Where tensorgrad differs from tf.data and TensorFlow.js's tf.data:
 * - Synchronous by default: a dataset whose sources and stages are all
 *   synchronous iterates with `for...of` and `toArray()` returns an array
 *   (TensorFlow.js's datasets are always asynchronous).
 * - `prefetch` on a synchronous dataset does nothing (one thread: nothing
 *   to overlap); on an asynchronous one it reads ahead.
 * - `size` is null for an endless dataset as for an unknown one (tf.data's
 *   cardinality -1 and -2); `isInfinite` tells them apart.
 * - In `batch`, an array at the top of an element is a tuple (`[x, y]`),
 *   below it an array of numbers is one value. TensorFlow.js stacks every
 *   array as one value, so it cannot batch `[x, y]` tuples of tensors.
 * - Strings cannot be batched (tensorgrad has no string tensors).
 * - `shuffle` uses tensorgrad's seeded generator: the same buffer
 *   algorithm as tf.data, but other orders than TensorFlow's for a seed.
 * - `repeat()` of a dataset that turns out empty ends instead of looping.
 * - CSV: a row that cannot be read is an error naming its line, where
 *   TensorFlow.js leaves an empty value undefined, keeps a non-number in a
 *   numeric column as a string, and floors an int32 value; a column's type
 *   is inferred from its first non-empty value, not value by value.
 */
export {
  Dataset,
  type BatchOptions,
  type ShuffleOptions,
  type Or,
  type IsPromise,
} from "./dataset.js";
export {
  array,
  fromTensorSlices,
  generator,
  range,
  zip,
  type DatasetStructure,
  type ElementOf,
  type GeneratorSource,
} from "./sources.js";
export {
  csv,
  csvFromString,
  csvFromUrl,
  type ColumnConfig,
  type CsvDType,
  type CsvOptions,
  type CsvRecord,
  type CsvRow,
  type CsvValue,
  type LabeledCsvOptions,
  type LabeledCsvRow,
  type UnlabeledCsvOptions,
} from "./csv.js";
export type { Batched, Unbatched } from "./structure.js";
