// SPDX-License-Identifier: Apache-2.0
/**
 * Threads for the "wasm" backend's matrix product: a pool of workers, each
 * instantiating the kernel module on the one shared WebAssembly memory
 * (kernels.ts), that split a large product by output rows.
 *
 * The API stays synchronous: the calling thread publishes a job in a small
 * shared control block, computes row ranges itself, and blocks in
 * `Atomics.wait` until the workers have finished theirs. Work is claimed,
 * not assigned: each range ("chunk") is taken with a compare-and-swap on one
 * counter, by the caller or by any worker that is awake, so a worker that
 * is still starting (they start lazily, on the first large product) or has
 * failed only means the caller does more of the work itself; no result
 * depends on who ran a chunk.
 *
 * Bits: a chunk is a contiguous range of output rows starting at a multiple
 * of 4 (the micro-kernel's rows), run by the same kernel with the same
 * depth blocking, so every output element is summed in the same order as
 * on one thread and threaded results equal single-threaded ones exactly.
 *
 * Only Node's worker_threads are wired up today (found through
 * `process.getBuiltinModule`, so nothing here is imported in browsers). The
 * worker's source is a plain script (WORKER_SOURCE), so a browser variant
 * can start it as a Web Worker from a Blob URL; a browser's main thread may
 * not block in `Atomics.wait`, so there the synchronous API would have to
 * run from a worker.
 *
 * Workers are unref'd (they never keep a process alive) and each has its
 * own workspace (packing buffers and edge tile) past the operands.
 */
import { ValueError, show } from "../../core/errors.js";
import { ensure, type Kernels, type Memory } from "./kernels.js";

// Control block slots (Int32Array on a SharedArrayBuffer).
/** Chunks not yet claimed; claimed from the top, chunk NEXT - 1 first. */
const NEXT = 0;
/** Chunks finished. */
const DONE = 1;
/** Set when a worker's kernel threw. */
const ERR = 2;
/** Set to make workers exit (unused today: they live with the process). */
const STOP = 3;
const F64 = 4;
const ROWS = 5;
const M = 6;
const N = 7;
const K = 8;
const A = 9;
const ARS = 10;
const APS = 11;
const B = 12;
const BPS = 13;
const BJS = 14;
const C = 15;
const LDC = 16;
/** Workspace of worker 0; worker i's is at WORK + i * WSIZE. */
const WORK = 17;
const WSIZE = 18;
/** Chunks run by workers since the pool started (for tests). */
const WCHUNKS = 19;
const SLOTS = 32;

/**
 * The worker: instantiates the module on the shared memory, then claims and
 * runs chunks until told to stop. Plain JavaScript (a Node eval worker
 * here; the same text could run as a Web Worker given `workerData`).
 */
const WORKER_SOURCE = `"use strict";
const { workerData } = require("node:worker_threads");
const { module, memory, control, id } = workerData;
const s = new Int32Array(control);
const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
for (;;) {
  const v = Atomics.load(s, ${NEXT});
  if (v === 0) {
    if (Atomics.load(s, ${STOP}) !== 0) break;
    Atomics.wait(s, ${NEXT}, 0);
    continue;
  }
  if (Atomics.compareExchange(s, ${NEXT}, v, v - 1) !== v) continue;
  try {
    const f64 = s[${F64}] !== 0;
    const es = f64 ? 8 : 4;
    const r0 = (v - 1) * s[${ROWS}];
    const rows = Math.min(s[${ROWS}], s[${M}] - r0);
    (f64 ? x.gemmF64 : x.gemmF32)(
      rows, s[${N}], s[${K}],
      (s[${A}] >>> 0) + r0 * s[${ARS}] * es, s[${ARS}], s[${APS}],
      s[${B}] >>> 0, s[${BPS}], s[${BJS}],
      (s[${C}] >>> 0) + r0 * s[${LDC}] * es, s[${LDC}],
      (s[${WORK}] >>> 0) + id * (s[${WSIZE}] >>> 0),
    );
  } catch {
    Atomics.store(s, ${ERR}, 1);
  }
  Atomics.add(s, ${WCHUNKS}, 1);
  Atomics.add(s, ${DONE}, 1);
  Atomics.notify(s, ${DONE});
}
`;

/** The parts of Node's Worker used here. */
interface NodeWorker {
  unref(): void;
  on(event: "error", listener: (e: unknown) => void): void;
}
interface WorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true; workerData: unknown },
  ) => NodeWorker;
}
interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** How many threads the machine offers (1 where unknown). */
function hardwareThreads(): number {
  const os = nodeProcess()?.getBuiltinModule?.("node:os") as
    { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
  if (os) return os.availableParallelism?.() ?? os.cpus().length;
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } })
    .navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/** The default thread count's cap: more rarely pays for matMul sizes here. */
const MAX_DEFAULT_THREADS = 8;

/** Threads from TENSORGRAD_THREADS, else the machine's, capped. */
function defaultThreads(): number {
  const env = nodeProcess()?.env?.["TENSORGRAD_THREADS"];
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return n;
  }
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, hardwareThreads()));
}

let threads: number | null = null;

/**
 * Sets how many threads the "wasm" backend's large matrix products use
 * (the calling thread included; 1 turns threads off). The default is the
 * environment variable `TENSORGRAD_THREADS` if set, else the machine's
 * available parallelism, at most 8. Workers start on the first product
 * large enough to use them and never keep the process alive. Results are
 * the same to the bit whatever the count. Threads need Node (worker
 * threads and shared WebAssembly memory); elsewhere products run on one
 * thread.
 *
 * @param n - Threads, an integer ≥ 1.
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const previous = tg.getThreads();
 * tg.setThreads(1);
 * console.log(tg.getThreads()); // 1
 * tg.setThreads(previous);
 * ```
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new ValueError(
      `setThreads: expected an integer n >= 1, got ${show(n)}`,
    );
  }
  threads = n;
}

/**
 * How many threads the "wasm" backend's large matrix products use (see
 * {@link setThreads}).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const previous = tg.getThreads();
 * tg.setThreads(2);
 * console.log(tg.getThreads()); // 2
 * tg.setThreads(previous);
 * ```
 */
export function getThreads(): number {
  threads ??= defaultThreads();
  return threads;
}

/**
 * Chunks that worker threads (not the caller) ran since the pool started;
 * 0 without a pool. @internal
 */
export function workerChunks(): number {
  return pool ? Atomics.load(pool.control, WCHUNKS) : 0;
}

interface Pool {
  control: Int32Array<SharedArrayBuffer>;
  /** Workers started; grows with the thread count, never shrinks. */
  size: number;
}

let pool: Pool | null = null;
/** Why workers cannot start here, once known. */
let unavailable: string | null = null;

/**
 * The pool with at least `size` workers started, or null where workers
 * cannot start. Idle extra workers (after a lower `setThreads`) only wait;
 * a job's split depends on the thread count, not on the workers.
 */
function ensurePool(
  shared: { module: object; memory: Memory },
  size: number,
): Pool | null {
  if (unavailable !== null) return null;
  if (pool && pool.size >= size) return pool;
  const wt = nodeProcess()?.getBuiltinModule?.("node:worker_threads") as
    WorkerThreads | undefined;
  if (!wt) {
    unavailable = "no worker_threads";
    return null;
  }
  pool ??= {
    control: new Int32Array(
      new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT),
    ),
    size: 0,
  };
  try {
    for (; pool.size < size; pool.size++) {
      const w = new wt.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { ...shared, control: pool.control.buffer, id: pool.size },
      });
      // A worker that fails only leaves its chunks to the caller.
      w.on("error", () => {});
      w.unref();
    }
  } catch (e) {
    unavailable = e instanceof Error ? e.message : String(e);
    if (pool.size === 0) {
      pool = null;
      return null;
    }
  }
  return pool;
}

/** Chunks per thread aimed at (see parallelGemm). */
const CHUNKS_PER = 4;
/** The fewest rows in a chunk, unless a thread would be left idle. */
const MIN_ROWS = 32;

/**
 * Runs C = op(A) · op(B) (see assembly/gemm.ts for the arguments) split
 * by rows over the pool, the caller taking part; `scratch` is free memory
 * for the workers' workspaces. Returns false (having done nothing) when
 * threads are off or unavailable, so the caller runs it on one thread.
 * @internal
 */
export function parallelGemm(
  kx: Kernels,
  f64: boolean,
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
  scratch: number,
): boolean {
  const t = getThreads();
  if (t < 2 || !kx.shared) return false;
  const p = ensurePool(kx.shared, t - 1);
  if (!p) return false;
  // Rows per chunk: a multiple of the micro-kernel's 4; about CHUNKS_PER
  // chunks per thread, so that a thread the system runs late leaves its
  // share to the others, but at least MIN_ROWS rows (each chunk packs
  // the B block anew) unless that would leave a thread idle.
  const rows = Math.max(
    Math.ceil(m / (CHUNKS_PER * t) / 4) * 4,
    Math.min(MIN_ROWS, Math.ceil(m / t / 4) * 4),
  );
  const chunks = Math.ceil(m / rows);
  if (chunks < 2) return false;
  const w = kx.exports.workspaceBytes();
  const work = Math.ceil(scratch / 64) * 64;
  try {
    ensure(kx.shared.memory, work + p.size * w);
  } catch {
    return false; // no room for the workers' workspaces: one thread
  }
  const s = p.control;
  s[F64] = f64 ? 1 : 0;
  s[ROWS] = rows;
  s[M] = m;
  s[N] = n;
  s[K] = k;
  s[A] = a;
  s[ARS] = ars;
  s[APS] = aps;
  s[B] = b;
  s[BPS] = bps;
  s[BJS] = bjs;
  s[C] = c;
  s[LDC] = ldc;
  s[WORK] = work;
  s[WSIZE] = w;
  Atomics.store(s, ERR, 0);
  Atomics.store(s, DONE, 0);
  Atomics.store(s, NEXT, chunks);
  Atomics.notify(s, NEXT);
  const es = f64 ? 8 : 4;
  const run = f64 ? kx.exports.gemmF64 : kx.exports.gemmF32;
  let failure: Error | null = null;
  for (;;) {
    const v = Atomics.load(s, NEXT);
    if (v === 0) break;
    if (Atomics.compareExchange(s, NEXT, v, v - 1) !== v) continue;
    const r0 = (v - 1) * rows;
    try {
      run(
        Math.min(rows, m - r0),
        n,
        k,
        a + r0 * ars * es,
        ars,
        aps,
        b,
        bps,
        bjs,
        c + r0 * ldc * es,
        ldc,
        kx.work,
      );
    } catch (e) {
      failure ??= e instanceof Error ? e : new Error(String(e));
    }
    Atomics.add(s, DONE, 1);
  }
  // Wait for the workers' chunks even after a failure: the next job must
  // not start while they still write.
  for (;;) {
    const d = Atomics.load(s, DONE);
    if (d >= chunks) break;
    Atomics.wait(s, DONE, d);
  }
  if (failure !== null) throw failure;
  if (Atomics.load(s, ERR) !== 0) {
    throw new Error("matMul: a wasm worker thread failed");
  }
  return true;
}
