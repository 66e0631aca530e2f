// SPDX-License-Identifier: Apache-2.0
/**
 * The structure of dataset elements, and how `batch` stacks elements,
 * `unbatch` splits them and `fromTensorSlices` slices its input.
 *
 * An element is a leaf or a structure of leaves. Structures are tuples
 * (JavaScript arrays) and records (plain objects). Leaves are tensors,
 * numbers, booleans, typed arrays, strings, and nested arrays of numbers or
 * booleans. An array is a leaf only below the top of an element and only
 * when it holds nothing but numbers, booleans and such arrays: at the top,
 * an array is always a tuple such as `[x, y]` or `[x, y, sampleWeight]`,
 * which is how fit reads it.
 */
import { allocate, dtypeOfArray, type DType } from "../../core/dtype.js";
import {
  DTypeError,
  ShapeError,
  TensorgradError,
  ValueError,
  show,
} from "../../core/errors.js";
import { Tensor, type NestedArray } from "../../core/tensor.js";
import type { TypedArray } from "../../core/dtype.js";
import { fromValues, make } from "../../ops/convert.js";

/** What `batch` makes of one part of an element: a tensor per leaf. */
type BatchedPart<T> = T extends Tensor | NestedArray | TypedArray
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: BatchedPart<T[K]> }
    : T extends string
      ? never
      : T extends object
        ? { [K in keyof T]: BatchedPart<T[K]> }
        : never;

/** The element type of `batch()`: each leaf becomes a tensor. */
export type Batched<T> = T extends Tensor | TypedArray
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: BatchedPart<T[K]> }
    : BatchedPart<T>;

/** The element type of `unbatch()`: each tensor loses its first axis. */
export type Unbatched<T> = T extends Tensor | NestedArray | TypedArray
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Unbatched<T[K]> }
    : T extends object
      ? { -readonly [K in keyof T]: Unbatched<T[K]> }
      : never;

type Kind = "tuple" | "record" | "leaf";

/** True for plain objects: `{...}` literals and `Object.create(null)`. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** True for numbers, booleans and arrays of only those, at any depth. */
function isNumericNest(x: unknown): boolean {
  if (Array.isArray(x)) return x.every(isNumericNest);
  return typeof x === "number" || typeof x === "boolean";
}

function kindOf(x: unknown, top: boolean): Kind {
  if (Array.isArray(x)) return top || !isNumericNest(x) ? "tuple" : "leaf";
  return isRecord(x) ? "record" : "leaf";
}

/** The path of a record key, as it would be written in code. */
function keyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key)
    ? `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`;
}

/** " at .xs[0]" for a part, "" for the whole element. */
function at(path: string): string {
  return path === "" ? "" : ` at ${path}`;
}

function describe(x: unknown, kind: Kind): string {
  if (kind === "tuple") return `a tuple of ${(x as unknown[]).length}`;
  if (kind === "record") {
    return `a record with keys ${show(Object.keys(x as object))}`;
  }
  if (x instanceof Tensor) return `a tensor of shape ${show(x.shape)}`;
  return Array.isArray(x) ? "a nested array" : show(x);
}

function sameStructure(a: unknown, b: unknown, kind: Kind): boolean {
  if (kind === "tuple") {
    return (a as unknown[]).length === (b as unknown[]).length;
  }
  if (kind !== "record") return true;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k))
  );
}

function checkStructure(
  items: readonly unknown[],
  kind: Kind,
  path: string,
  top: boolean,
  first: number,
  where: string,
): void {
  items.forEach((x, i) => {
    const k = kindOf(x, top);
    if (k === kind && sameStructure(items[0], x, kind)) return;
    if (k === "leaf" && kind === "leaf") return;
    throw new ValueError(
      `${where}: expected elements of one structure, got element ${first} ` +
        `as ${describe(items[0], kind)} and element ${first + i} as ` +
        `${describe(x, k)}${at(path)}`,
    );
  });
}

/**
 * Stacks `items` (consecutive elements, the first being element number
 * `first` of the stream) into one batch: a tensor per leaf, with a new
 * first axis of length `items.length`.
 */
export function stackElements(
  items: readonly unknown[],
  first: number,
  where: string,
): unknown {
  return stackAt(items, "", true, first, where);
}

function stackAt(
  items: readonly unknown[],
  path: string,
  top: boolean,
  first: number,
  where: string,
): unknown {
  const kind = kindOf(items[0], top);
  checkStructure(items, kind, path, top, first, where);
  if (kind === "tuple") {
    const parts = items as readonly unknown[][];
    return parts[0]!.map((_, j) =>
      stackAt(
        parts.map((x) => x[j]),
        `${path}[${j}]`,
        false,
        first,
        where,
      ),
    );
  }
  if (kind === "record") {
    const recs = items as readonly Record<string, unknown>[];
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(recs[0]!)) {
      out[k] = stackAt(
        recs.map((x) => x[k]),
        keyPath(path, k),
        false,
        first,
        where,
      );
    }
    return out;
  }
  return stackLeaves(items, path, first, where);
}

/** One leaf's values. `dtype` null: a plain value that takes any dtype. */
interface LeafValues {
  shape: readonly number[];
  dtype: DType | null;
  values: ArrayLike<number>;
  allBool: boolean;
}

function leafValues(
  x: unknown,
  path: string,
  index: number,
  where: string,
): LeafValues {
  if (x instanceof Tensor) {
    const t = x._read();
    return { shape: t.shape, dtype: t.dtype, values: t.data, allBool: false };
  }
  if (typeof x === "number") {
    return { shape: [], dtype: null, values: [x], allBool: false };
  }
  if (typeof x === "boolean") {
    return { shape: [], dtype: null, values: [x ? 1 : 0], allBool: true };
  }
  if (ArrayBuffer.isView(x)) {
    const dtype = dtypeOfArray(x);
    if (dtype !== undefined) {
      const values = x as TypedArray;
      return { shape: [values.length], dtype, values, allBool: false };
    }
  }
  if (Array.isArray(x)) {
    const t = nested(x, `${where}: element ${index}${at(path)}`);
    const allBool = t.dtype === "bool";
    return { shape: t.shape, dtype: null, values: t.data, allBool };
  }
  if (typeof x === "string") {
    throw new DTypeError(
      `${where}: expected numbers, got the string ${show(x)} in element ` +
        `${index}${at(path)}; tensors hold numbers, so map strings to ` +
        `numbers (for example class indices) before batching`,
    );
  }
  throw new ValueError(
    `${where}: expected a tensor, a number, a boolean, a typed array or a ` +
      `nested array of numbers, got ${show(x)} in element ${index}${at(path)}`,
  );
}

/** A nested array as a tensor; errors say which element it was. */
function nested(x: unknown, where: string): Tensor {
  try {
    return fromValues(x, where);
  } catch (e) {
    if (e instanceof TensorgradError) throw e;
    throw new ValueError(`${where}: ${String(e)}`);
  }
}

function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function stackLeaves(
  items: readonly unknown[],
  path: string,
  first: number,
  where: string,
): Tensor {
  const leaves = items.map((x, i) => leafValues(x, path, first + i, where));
  const shape = leaves[0]!.shape;
  let strong: { dtype: DType; index: number } | null = null;
  leaves.forEach((leaf, i) => {
    if (!shapesEqual(leaf.shape, shape)) {
      throw new ShapeError(
        `${where}: expected elements of one shape, got ${show(shape)} in ` +
          `element ${first} and ${show(leaf.shape)} in element ` +
          `${first + i}${at(path)}`,
      );
    }
    if (leaf.dtype === null) return;
    if (strong === null) strong = { dtype: leaf.dtype, index: first + i };
    else if (leaf.dtype !== strong.dtype) {
      throw new DTypeError(
        `${where}: expected elements of one dtype, got ${strong.dtype} in ` +
          `element ${strong.index} and ${leaf.dtype} in element ` +
          `${first + i}${at(path)}`,
      );
    }
  });
  const chosen = strong as { dtype: DType } | null;
  const dtype =
    chosen?.dtype ?? (leaves.every((l) => l.allBool) ? "bool" : "float32");
  return make(copyRows(leaves, dtype), [items.length, ...shape], dtype);
}

function copyRows(leaves: readonly LeafValues[], dtype: DType): TypedArray {
  const size = leaves[0]!.values.length;
  const out = allocate(dtype, leaves.length * size);
  leaves.forEach((leaf, i) => {
    const v = leaf.values;
    const offset = i * size;
    if (leaf.dtype === dtype) {
      out.set(v, offset);
    } else if (dtype === "bool") {
      for (let j = 0; j < size; j++) out[offset + j] = v[j] !== 0 ? 1 : 0;
    } else if (dtype === "int32") {
      for (let j = 0; j < size; j++) out[offset + j] = Math.trunc(v[j]!);
    } else {
      for (let j = 0; j < size; j++) out[offset + j] = v[j]!;
    }
  });
  return out;
}

/** An element, or an input to slice, cut into rows along the first axis. */
export interface Slices {
  /** The number of rows: the shared first dimension. */
  length: number;
  /** Row `i` of every leaf, in the input's structure. */
  row(i: number): unknown;
}

/**
 * Reads `x` as a structure of tensors and cuts it along the first axis.
 * With `top`, an array at the top is a tuple (an element, as unbatch reads
 * it); without, a top-level nested array of numbers is one tensor (as
 * fromTensorSlices reads its input).
 */
export function slicesOf(x: unknown, top: boolean, where: string): Slices {
  const leaves: { path: string; tensor: Tensor }[] = [];
  const template = toTemplate(x, "", top, where, leaves);
  if (leaves.length === 0) {
    throw new ValueError(
      `${where}: expected at least one tensor or array to slice, got ` +
        describe(x, kindOf(x, top)),
    );
  }
  const length = leaves[0]!.tensor.shape[0]!;
  for (const { path, tensor } of leaves) {
    if (tensor.shape[0] !== length) {
      throw new ShapeError(
        `${where}: expected every part to have the same first dimension, ` +
          `got ${length}${at(leaves[0]!.path)} and ` +
          `${tensor.shape[0]}${at(path)}`,
      );
    }
  }
  const rowsOf = new Map(
    leaves.map(({ tensor }) => [tensor, rowMaker(tensor)]),
  );
  const fill = (t: unknown, i: number): unknown => {
    if (t instanceof Tensor) return rowsOf.get(t)!(i);
    if (Array.isArray(t)) return t.map((p) => fill(p, i));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(t as object)) out[k] = fill(v, i);
    return out;
  };
  return { length, row: (i) => fill(template, i) };
}

/** The structure of `x` with every leaf converted to a tensor of rank ≥ 1. */
function toTemplate(
  x: unknown,
  path: string,
  top: boolean,
  where: string,
  leaves: { path: string; tensor: Tensor }[],
): unknown {
  const kind = kindOf(x, top);
  if (kind === "tuple") {
    return (x as unknown[]).map((p, j) =>
      toTemplate(p, `${path}[${j}]`, false, where, leaves),
    );
  }
  if (kind === "record") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x as object)) {
      out[k] = toTemplate(v, keyPath(path, k), false, where, leaves);
    }
    return out;
  }
  const t = leafTensor(x, path, where);
  if (t.rank === 0) {
    throw new ShapeError(
      `${where}: expected tensors of rank 1 or more to slice along the ` +
        `first axis, got a scalar${at(path)}`,
    );
  }
  leaves.push({ path, tensor: t });
  return t;
}

function leafTensor(x: unknown, path: string, where: string): Tensor {
  if (x instanceof Tensor) return x._read();
  if (typeof x === "number" || typeof x === "boolean") {
    return fromValues(x, where);
  }
  if (Array.isArray(x) || (ArrayBuffer.isView(x) && dtypeOfArray(x))) {
    return nested(x, `${where}${at(path)}`);
  }
  throw new ValueError(
    `${where}: expected tensors, typed arrays or nested arrays of numbers, ` +
      `got ${show(x)}${at(path)}`,
  );
}

function rowMaker(t: Tensor): (i: number) => Tensor {
  const rowShape = t.shape.slice(1);
  const size = rowShape.reduce((a, b) => a * b, 1);
  const data = t.data;
  return (i) =>
    make(data.subarray(i * size, (i + 1) * size), rowShape, t.dtype);
}
