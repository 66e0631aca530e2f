// SPDX-License-Identifier: Apache-2.0
/**
 * The "wasm" backend: kernels in WebAssembly with 128-bit SIMD where one
 * exists (today: matMul, float32 and float64), the reference "js" kernels
 * for everything else. Every call that runs a reference kernel is counted
 * by name; `tg.backendFallbacks()` lists the counts.
 */
import type { Backend } from "../backend.js";
import { jsBackend } from "../js/index.js";
import { kernels } from "./kernels.js";
import { makeMatMul } from "./matmul.js";

/** Fallback counts by kernel, then by op ("" for kernels without ops). */
const fallbacks = new Map<string, Record<string, number>>();

/** A counter for one kernel's calls (cheap: no strings are built). */
function counter(kernel: string): (op: string) => void {
  const counts: Record<string, number> = {};
  fallbacks.set(kernel, counts);
  return (op) => {
    counts[op] = (counts[op] ?? 0) + 1;
  };
}

/** Calls that ran a reference kernel since the last reset, by op. */
export function fallbackCounts(reset: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  const entries: [string, number][] = [];
  for (const [kernel, counts] of fallbacks) {
    for (const [op, c] of Object.entries(counts)) {
      if (c > 0) entries.push([op === "" ? kernel : `${kernel} ${op}`, c]);
      if (reset) counts[op] = 0;
    }
  }
  entries.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  for (const [key, c] of entries) out[key] = c;
  return out;
}

const js = jsBackend;
const unary = counter("unary");
const binary = counter("binary");
const reduce = counter("reduce");
const argReduce = counter("argReduce");
const matMul = counter("matMul");
const strided = counter("strided");
const pad = counter("pad");
const concat = counter("concat");
const tile = counter("tile");
const gather = counter("gather");
const scatterAdd = counter("scatterAdd");
const where = counter("where");
const cast = counter("cast");

/**
 * Builds the wasm backend, instantiating the module. Throws a
 * NotImplementedError saying why when this engine cannot run it.
 */
export function createWasmBackend(): Backend {
  kernels();
  return {
    name: "wasm",
    matMul: makeMatMul(matMul),
    unary: (op, x, out) => (unary(op), js.unary(op, x, out)),
    binary: (op, a, b, shape, out) => (
      binary(op),
      js.binary(op, a, b, shape, out)
    ),
    reduce: (op, x, axes, out) => (reduce(op), js.reduce(op, x, axes, out)),
    argReduce: (op, x, axis) => (argReduce(op), js.argReduce(op, x, axis)),
    strided: (x, offset, strides, shape, out) => (
      strided(""),
      js.strided(x, offset, strides, shape, out)
    ),
    pad: (x, paddings, value, out) => (
      pad(""),
      js.pad(x, paddings, value, out)
    ),
    concat: (xs, axis, shape, out) => (
      concat(""),
      js.concat(xs, axis, shape, out)
    ),
    tile: (x, shape, out) => (tile(""), js.tile(x, shape, out)),
    gather: (x, indices, axis, out) => (
      gather(""),
      js.gather(x, indices, axis, out)
    ),
    scatterAdd: (updates, indices, axis, shape, out) => (
      scatterAdd(""),
      js.scatterAdd(updates, indices, axis, shape, out)
    ),
    where: (cond, a, b, out) => (where(""), js.where(cond, a, b, out)),
    cast: (x, out) => (cast(""), js.cast(x, out)),
  };
}
