// SPDX-License-Identifier: Apache-2.0
/** Which backend runs the kernels. */
import { ValueError, show } from "../core/errors.js";
import type { Backend } from "./backend.js";
import { jsBackend } from "./js/index.js";
import { createWasmBackend, fallbackCounts } from "./wasm/index.js";

const backends = new Map<string, Backend | (() => Backend)>([
  ["js", jsBackend],
  ["wasm", createWasmBackend],
]);
let current: Backend = jsBackend;

/** The backend that runs kernels now. @internal */
export function backend(): Backend {
  return current;
}

/**
 * Picks the backend that runs every op from now on:
 *
 * - "js" (the default): the reference backend, every kernel in plain
 *   TypeScript, every dtype.
 * - "wasm": WebAssembly kernels with 128-bit SIMD (relaxed SIMD where the
 *   engine has it) for the heavy work, today the float32 and float64
 *   matrix product (Dense, convolutions, attention); every other kernel
 *   runs the "js" one (see {@link backendFallbacks}). Throws a
 *   NotImplementedError saying why when the engine cannot load it (no
 *   WebAssembly SIMD, or the generated binary missing). float32 products
 *   accumulate in float32, so results differ from "js" by rounding.
 *
 * The default stays "js" until the whole op suite passes on "wasm" and
 * "wasm" has fast kernels for more than the matrix product.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const previous = tg.getBackend();
 * tg.setBackend("wasm");
 * console.log(tg.getBackend()); // wasm
 * console.log(tg.matMul([[1, 2]], [[3], [4]]).toArray()); // [ [ 11 ] ]
 * tg.setBackend(previous);
 * ```
 */
export function setBackend(name: "js" | "wasm" | (string & {})): void {
  const entry = backends.get(name);
  if (!entry) {
    throw new ValueError(
      `setBackend: expected one of ${show([...backends.keys()])}, got ` +
        show(name),
    );
  }
  if (typeof entry === "function") {
    const b = entry();
    backends.set(name, b);
    current = b;
  } else {
    current = entry;
  }
}

/**
 * The name of the backend that runs ops now.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.getBackend()); // js
 * ```
 */
export function getBackend(): string {
  return current.name;
}

/**
 * The calls on the "wasm" backend that ran a reference ("js") kernel
 * because no WebAssembly kernel exists for them (or, for "matMul (small)",
 * because the product is too small to gain from one), counted by kernel
 * and op name since the start or the last reset.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const previous = tg.getBackend();
 * tg.setBackend("wasm");
 * tg.backendFallbacks({ reset: true });
 * tg.relu(tg.tensor([-1, 2]));
 * console.log(tg.backendFallbacks()); // { 'unary relu': 1 }
 * tg.setBackend(previous);
 * ```
 */
export function backendFallbacks(
  options: { reset?: boolean } = {},
): Record<string, number> {
  return fallbackCounts(options.reset ?? false);
}
