// SPDX-License-Identifier: Apache-2.0
/** Elementwise kernels: unary maps and broadcasting binary maps. */
import { allocate, type DType, type TypedArray } from "../../core/dtype.js";
import { sizeOf, type Shape } from "../../core/shape.js";
import type { BinaryOp, UnaryOp, View } from "../backend.js";
import { erf } from "./special.js";

type F1 = (x: number) => number;
type F2 = (x: number, y: number) => number;

const UNARY: Record<UnaryOp, F1> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : expOver1p(x)),
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => (x > 0 ? (x < 6 ? x : 6) : 0),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  logicalNot: (x) => (x !== 0 ? 0 : 1),
  isNaN: (x) => (x !== x ? 1 : 0),
};

function expOver1p(x: number): number {
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Rounds half to even, as NumPy and TensorFlow do. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const BINARY: Record<BinaryOp, F2> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: Math.pow,
  maximum: (x, y) => (x >= y || x !== x ? x : y),
  minimum: (x, y) => (x <= y || x !== x ? x : y),
  equal: (x, y) => (x === y ? 1 : 0),
  notEqual: (x, y) => (x !== y ? 1 : 0),
  less: (x, y) => (x < y ? 1 : 0),
  lessEqual: (x, y) => (x <= y ? 1 : 0),
  greater: (x, y) => (x > y ? 1 : 0),
  greaterEqual: (x, y) => (x >= y ? 1 : 0),
  logicalAnd: (x, y) => (x && y ? 1 : 0),
  logicalOr: (x, y) => (x || y ? 1 : 0),
  logicalXor: (x, y) => (!x !== !y ? 1 : 0),
};

export function unary(op: UnaryOp, x: View, out: DType): TypedArray {
  const v = x.data;
  const r = allocate(out, v.length);
  const n = v.length;
  // The common ones as plain loops: a call through the table costs more
  // than the operation (the call site sees every op, so V8 cannot inline).
  switch (op) {
    case "relu":
      for (let i = 0; i < n; i++) {
        const t = v[i]!;
        r[i] = t > 0 ? t : 0;
      }
      return r;
    case "neg":
      for (let i = 0; i < n; i++) r[i] = -v[i]!;
      return r;
    case "square":
      for (let i = 0; i < n; i++) r[i] = v[i]! * v[i]!;
      return r;
    case "sqrt":
      for (let i = 0; i < n; i++) r[i] = Math.sqrt(v[i]!);
      return r;
    case "exp":
      for (let i = 0; i < n; i++) r[i] = Math.exp(v[i]!);
      return r;
    default: {
      const f = UNARY[op];
      for (let i = 0; i < n; i++) r[i] = f(v[i]!);
      return r;
    }
  }
}

export function binary(
  op: BinaryOp,
  a: View,
  b: View,
  outShape: Shape,
  out: DType,
): TypedArray {
  const f = BINARY[op];
  const av = a.data;
  const bv = b.data;
  const n = sizeOf(outShape);
  const r = allocate(out, n);
  if (av.length === n && bv.length === n) {
    if (!sameShape(op, av, bv, r)) {
      for (let i = 0; i < n; i++) r[i] = f(av[i]!, bv[i]!);
    }
  } else if (bv.length === 1 && av.length === n) {
    if (!scalarRight(op, av, bv[0]!, r)) {
      const y = bv[0]!;
      for (let i = 0; i < n; i++) r[i] = f(av[i]!, y);
    }
  } else if (av.length === 1 && bv.length === n) {
    const x = av[0]!;
    for (let i = 0; i < n; i++) r[i] = f(x, bv[i]!);
  } else if (av.length === n && isTrailing(b.shape, outShape)) {
    // b repeats along the leading axes (a bias added to every row).
    if (!rowsRight(op, av, bv, r)) {
      const m = bv.length;
      for (let o = 0; o < n; o += m) {
        for (let j = 0; j < m; j++) r[o + j] = f(av[o + j]!, bv[j]!);
      }
    }
  } else {
    broadcastLoop(f, a, b, outShape, r);
  }
  return r;
}

/**
 * Whether `shape` is the trailing part of `outShape` after size-1 or
 * missing leading axes, so that it repeats row after row.
 */
function isTrailing(shape: Shape, outShape: Shape): boolean {
  const lead = outShape.length - shape.length;
  let inner = true;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (inner && d === outShape[lead + i]) continue;
    inner = false;
    if (d !== 1) return false;
  }
  return true;
}

// The loops below spell out the common ops: a call through the op table
// per element costs more than the operation (the call site sees every op,
// so V8 cannot inline it). Each returns false for the ops it leaves to
// the table.

function sameShape(
  op: BinaryOp,
  av: TypedArray,
  bv: TypedArray,
  r: TypedArray,
): boolean {
  const n = r.length;
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++) r[i] = av[i]! + bv[i]!;
      return true;
    case "sub":
      for (let i = 0; i < n; i++) r[i] = av[i]! - bv[i]!;
      return true;
    case "mul":
      for (let i = 0; i < n; i++) r[i] = av[i]! * bv[i]!;
      return true;
    case "div":
      for (let i = 0; i < n; i++) r[i] = av[i]! / bv[i]!;
      return true;
    default:
      return false;
  }
}

function scalarRight(
  op: BinaryOp,
  av: TypedArray,
  y: number,
  r: TypedArray,
): boolean {
  const n = r.length;
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++) r[i] = av[i]! + y;
      return true;
    case "sub":
      for (let i = 0; i < n; i++) r[i] = av[i]! - y;
      return true;
    case "mul":
      for (let i = 0; i < n; i++) r[i] = av[i]! * y;
      return true;
    case "div":
      for (let i = 0; i < n; i++) r[i] = av[i]! / y;
      return true;
    case "greater":
      for (let i = 0; i < n; i++) r[i] = av[i]! > y ? 1 : 0;
      return true;
    default:
      return false;
  }
}

function rowsRight(
  op: BinaryOp,
  av: TypedArray,
  bv: TypedArray,
  r: TypedArray,
): boolean {
  const n = r.length;
  const m = bv.length;
  switch (op) {
    case "add":
      for (let o = 0; o < n; o += m) {
        for (let j = 0; j < m; j++) r[o + j] = av[o + j]! + bv[j]!;
      }
      return true;
    case "mul":
      for (let o = 0; o < n; o += m) {
        for (let j = 0; j < m; j++) r[o + j] = av[o + j]! * bv[j]!;
      }
      return true;
    default:
      return false;
  }
}

/** Strides of `shape` seen through `outShape`, 0 on broadcast dimensions. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const k = rank - shape.length + i;
    strides[k] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  return strides;
}

function broadcastLoop(
  f: F2,
  a: View,
  b: View,
  outShape: Shape,
  r: TypedArray,
): void {
  const rank = outShape.length;
  const sa = broadcastStrides(a.shape, outShape);
  const sb = broadcastStrides(b.shape, outShape);
  const av = a.data;
  const bv = b.data;
  const last = outShape[rank - 1]!;
  const la = sa[rank - 1]!;
  const lb = sb[rank - 1]!;
  const idx = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < r.length; o += last) {
    for (let j = 0; j < last; j++)
      r[o + j] = f(av[ia + j * la]!, bv[ib + j * lb]!);
    for (let k = rank - 2; k >= 0; k--) {
      idx[k]!++;
      ia += sa[k]!;
      ib += sb[k]!;
      if (idx[k]! < outShape[k]!) break;
      ia -= sa[k]! * idx[k]!;
      ib -= sb[k]! * idx[k]!;
      idx[k] = 0;
    }
  }
}

export function where(
  cond: TypedArray,
  a: TypedArray,
  b: TypedArray,
  out: DType,
): TypedArray {
  const r = allocate(out, cond.length);
  for (let i = 0; i < cond.length; i++) r[i] = cond[i] ? a[i]! : b[i]!;
  return r;
}

export function cast(x: TypedArray, out: DType): TypedArray {
  const r = allocate(out, x.length);
  if (out === "bool") {
    for (let i = 0; i < x.length; i++) r[i] = x[i] !== 0 ? 1 : 0;
  } else if (out === "int32") {
    for (let i = 0; i < x.length; i++) r[i] = Math.trunc(x[i]!);
  } else {
    r.set(x);
  }
  return r;
}
