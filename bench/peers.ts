// SPDX-License-Identifier: Apache-2.0
/**
 * Shared pieces of the side-by-side benchmarks (matmul, mlp-train,
 * mlp-infer): loading the peer libraries, finding tensorgrad's backends,
 * timing interleaved rounds, and printing tables.
 *
 * Peers, as their users get them in Node:
 * - TensorFlow.js 4.22, `cpu` backend (plain JavaScript) and `wasm` backend
 *   (`@tensorflow/tfjs-backend-wasm`, SIMD; in Node it runs one thread);
 * - jax-js (`@jax-js/jax`) on its `wasm` device (its default). Node has no
 *   global `Worker`, so jax-js runs its kernels on one thread there.
 *
 * Not a benchmark itself: it exports no `run`, so run.ts skips it.
 */
import { spawnSync } from "node:child_process";
import type * as TF from "@tensorflow/tfjs";
import type * as JAX from "@jax-js/jax";
import * as tg from "tensorgrad";

export type Tf = typeof TF;
export type Jax = typeof JAX;

/** TensorFlow.js with its cpu and wasm backends registered; cpu current. */
export async function loadTf(): Promise<Tf> {
  const tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
  // Prod mode silences the "install tfjs-node" hint. (IS_TEST would too,
  // but it also checks every kernel for leaked tensors, which costs time
  // and trips on tensors moved between the cpu and wasm backends.)
  tf.enableProdMode();
  await tf.setBackend("cpu");
  return tf;
}

/** Makes `name` TensorFlow.js's current backend. */
export async function useTf(tf: Tf, name: "cpu" | "wasm"): Promise<void> {
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) {
    throw new Error(`bench: TensorFlow.js backend ${name} did not load`);
  }
}

/** jax-js with its wasm device initialised and made the default. */
export async function loadJax(): Promise<Jax> {
  const jax = await import("@jax-js/jax");
  // init() with no argument also probes WebGPU, which throws in Node.
  const devices = await jax.init("wasm");
  if (!devices.includes("wasm")) {
    throw new Error(`bench: jax-js has no wasm device (got ${devices.join()})`);
  }
  jax.defaultDevice("wasm");
  return jax;
}

/**
 * Whether tensorgrad can switch to backend `name`; the current backend
 * stays as it was.
 */
export function hasTgBackend(name: string): boolean {
  const before = tg.getBackend();
  try {
    tg.setBackend(name);
    return true;
  } catch {
    return false;
  } finally {
    tg.setBackend(before);
  }
}

/** One library (or one variant of it) in a side-by-side measurement. */
export interface Contender {
  label: string;
  /** Why it does not run here (the table shows "n/a"); undefined if it runs. */
  missing?: string;
  /** Makes this library current (a backend switch); called untimed. */
  enter?: () => Promise<void> | void;
  /** One unit of work, its results forced (read or awaited). */
  once: () => Promise<void> | void;
}

/** How long to measure. */
export interface Schedule {
  /** Timed rounds per contender; the median round is reported. */
  rounds: number;
  /** Wall time aimed at per round (calls are repeated to fill it). */
  roundMs: number;
  /** Untimed warm-up per contender, at least two calls. */
  warmupMs: number;
  /**
   * Time a contender's rounds may take in all: slow ones run fewer rounds
   * (at least 3), and only one warm-up call if it took over budgetMs / 4.
   */
  budgetMs: number;
}

/** Per contender: ms per call of each timed round (empty when missing). */
export type Timings = Map<string, number[]>;

async function call(c: Contender): Promise<void> {
  const r = c.once();
  if (r !== undefined) await r;
}

async function enter(c: Contender): Promise<void> {
  const r = c.enter?.();
  if (r !== undefined) await r;
}

/** Wall time of `reps` calls, in ms per call. */
async function timeCalls(c: Contender, reps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await call(c);
  return (performance.now() - t0) / reps;
}

/**
 * Warms every contender up, then times interleaved rounds: in round r each
 * contender runs `reps` calls in turn (the order reverses every other
 * round), so that a drift in the machine's load hits all of them.
 */
export async function measure(
  contenders: readonly Contender[],
  s: Schedule,
): Promise<Timings> {
  const live = contenders.filter((c) => c.missing === undefined);
  const plan = new Map<Contender, { reps: number; rounds: number }>();
  for (const c of live) {
    await enter(c);
    let elapsed = 0;
    let last = Infinity;
    for (let i = 0; i < 2 || elapsed < s.warmupMs; i++) {
      last = await timeCalls(c, 1);
      elapsed += last;
      // A first call longer than a quarter of the budget is warm-up enough.
      if (i === 0 && last > s.budgetMs / 4) break;
    }
    const reps = Math.max(1, Math.round(s.roundMs / last));
    const rounds = Math.max(
      3,
      Math.min(s.rounds, Math.floor(s.budgetMs / (last * reps))),
    );
    plan.set(c, { reps, rounds });
  }
  const out: Timings = new Map(contenders.map((c) => [c.label, []]));
  for (let r = 0; r < s.rounds; r++) {
    const order = r % 2 === 0 ? live : [...live].reverse();
    for (const c of order) {
      const p = plan.get(c)!;
      if (r >= p.rounds) continue;
      await enter(c);
      out.get(c.label)!.push(await timeCalls(c, p.reps));
    }
  }
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median ms per call, or undefined when the contender did not run. */
export function medianOf(t: Timings, label: string): number | undefined {
  const xs = t.get(label);
  return xs === undefined || xs.length === 0 ? undefined : median(xs);
}

/** `x` with `digits` decimals, or "n/a". */
export function num(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(digits);
}

/**
 * A table in plain text: the first column left-aligned, the others
 * right-aligned, two spaces of indent.
 */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    "  " +
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("   ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * One target line: `ours / theirs` against `target`, PASS or FAIL, or n/a
 * when either side did not run.
 */
export function targetLine(
  what: string,
  ours: number | undefined,
  theirs: number | undefined,
  target: number,
): string {
  if (ours === undefined || theirs === undefined) {
    return `  ${what}: n/a (target >= ${target}x)`;
  }
  const ratio = ours / theirs;
  const verdict = ratio >= target ? "PASS" : "FAIL";
  return `  ${what}: ${ratio.toFixed(2)}x (target >= ${target}x: ${verdict})`;
}

/**
 * Runs a Python program with python3 and parses the JSON it prints last;
 * undefined when python3 or numpy is missing or the program fails.
 */
export function python(
  program: string,
  env: Record<string, string> = {},
): unknown {
  const r = spawnSync("python3", ["-c", program], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
  if (r.error || r.status !== 0) return undefined;
  const lines = r.stdout.trim().split("\n");
  try {
    return JSON.parse(lines[lines.length - 1] ?? "") as unknown;
  } catch {
    return undefined;
  }
}
