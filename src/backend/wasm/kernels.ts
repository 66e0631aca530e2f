// SPDX-License-Identifier: Apache-2.0
/**
 * Loads the WebAssembly kernels (built by scripts/build-wasm.mjs into
 * binary.generated.ts) and runs them on JS typed arrays: a call copies its
 * operands into the module's one memory (grown as needed, never shrunk),
 * runs, and copies the result out into a new typed array, so tensors stay
 * ordinary garbage-collected arrays.
 *
 * Where the engine allows it (SharedArrayBuffer and wasm threads, as in
 * Node; in browsers only when cross-origin isolated) the module imports a
 * shared memory, so that worker threads (threads.ts) can instantiate the
 * same module on it; otherwise it has a memory of its own and runs on one
 * thread.
 *
 * Memory layout: [static data][the main thread's workspace][A][B][C]
 * [the workers' workspaces, while a threaded product runs].
 */
import { NotImplementedError } from "../../core/errors.js";
import {
  relaxedBinary,
  relaxedSharedBinary,
  sharedMaxPages,
  simdBinary,
  simdSharedBinary,
} from "./binary.generated.js";

type Gemm = (
  m: number,
  n: number,
  k: number,
  a: number,
  ars: number,
  aps: number,
  b: number,
  bps: number,
  bjs: number,
  c: number,
  ldc: number,
  work: number,
) => void;

/** The parts of WebAssembly used here (the ES lib does not declare it). */
export interface Memory {
  /** A SharedArrayBuffer when shared (typed arrays take either). */
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (desc: {
    initial: number;
    maximum: number;
    shared: boolean;
  }) => Memory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: object,
  ) => { readonly exports: unknown };
}

interface Exports {
  memory: Memory;
  gemmF32: Gemm;
  gemmF64: Gemm;
  heapBase(): number;
  workspaceBytes(): number;
}

/** The loaded module and where the caller's data may start. */
export interface Kernels {
  readonly exports: Exports;
  /** The packing workspace. */
  readonly work: number;
  /** The first byte free for operands. */
  readonly dataStart: number;
  /** True when built with relaxed SIMD (fused multiply-add). */
  readonly relaxed: boolean;
  /**
   * The compiled module and its shared memory, when the memory is shared
   * (workers instantiate the module on it); null otherwise.
   */
  readonly shared: { module: object; memory: Memory } | null;
}

const PAGE = 65536;

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function align(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

let loaded: Kernels | null = null;
let loadError: string | null = null;

/**
 * The kernels, instantiated on first use. Throws a NotImplementedError that
 * says why when this engine cannot run them.
 */
export function kernels(): Kernels {
  if (loaded) return loaded;
  if (loadError === null) {
    try {
      loaded = instantiate();
      return loaded;
    } catch (e) {
      loadError = e instanceof Error ? e.message : String(e);
    }
  }
  throw new NotImplementedError(
    `setBackend: the "wasm" backend cannot load here: ${loadError}`,
  );
}

function instantiate(): Kernels {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (typeof wasm !== "object") {
    throw new Error("this engine has no WebAssembly");
  }
  if (!simdBinary) {
    throw new Error(
      "the kernel binary is missing (run `npm run build` to generate " +
        "src/backend/wasm/binary.generated.ts)",
    );
  }
  const simd = decode(simdBinary);
  if (!wasm.validate(simd)) {
    throw new Error("this engine lacks WebAssembly 128-bit SIMD");
  }
  const relaxedBytes = relaxedBinary ? decode(relaxedBinary) : null;
  const relaxed = relaxedBytes !== null && wasm.validate(relaxedBytes);
  const shared = instantiateShared(wasm, relaxed);
  if (shared) return shared;
  const module = new wasm.Module(relaxed ? relaxedBytes : simd);
  const instance = new wasm.Instance(module, {});
  const exports = instance.exports as Exports;
  const work = align(exports.heapBase(), 64);
  const dataStart = align(work + exports.workspaceBytes(), 64);
  ensure(exports.memory, dataStart);
  return { exports, work, dataStart, relaxed, shared: null };
}

/**
 * The module on a shared memory, or null where the engine cannot (no
 * SharedArrayBuffer, no wasm threads, or not cross-origin isolated).
 */
function instantiateShared(wasm: WasmApi, relaxed: boolean): Kernels | null {
  if (typeof SharedArrayBuffer !== "function") return null;
  const b64 = relaxed ? relaxedSharedBinary : simdSharedBinary;
  if (!b64) return null;
  try {
    const bytes = decode(b64);
    if (!wasm.validate(bytes)) return null;
    const module = new wasm.Module(bytes);
    const memory = new wasm.Memory({
      initial: 1,
      maximum: sharedMaxPages,
      shared: true,
    });
    const instance = new wasm.Instance(module, { env: { memory } });
    const exports = instance.exports as Exports;
    const work = align(exports.heapBase(), 64);
    const dataStart = align(work + exports.workspaceBytes(), 64);
    ensure(memory, dataStart);
    return { exports, work, dataStart, relaxed, shared: { module, memory } };
  } catch {
    return null;
  }
}

/** Grows `memory` to at least `bytes`. */
export function ensure(memory: Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / PAGE));
}
