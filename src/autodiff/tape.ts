// SPDX-License-Identifier: Apache-2.0
/**
 * The gradient tape: ops record themselves on every tape that is recording,
 * and `gradient()` walks the records backwards.
 *
 * A tape only keeps an op whose inputs it already tracks (a watched tensor,
 * a read of a watched variable, or the output of a kept op), so ops on
 * unrelated tensors cost one set lookup per input. Gradient rules are written
 * with the public ops, so a tape that records while another computes its
 * gradient sees those ops too: that is how second derivatives work.
 */
import { ValueError } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";

/**
 * Maps the gradient of an op's output `y` to the gradients of its inputs
 * (null where an input gets none). `needs[i]` says whether the tape wants
 * input i's gradient; a rule may skip the work for the others.
 */
export type Vjp = (
  dy: Tensor,
  y: Tensor,
  needs: readonly boolean[],
) => readonly (Tensor | null)[];

/** What the tape needs to know of a variable. */
export interface VariableLike {
  readonly trainable: boolean;
  readonly value: Tensor;
}

interface Node {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly vjp: Vjp;
}

const active: GradientTape[] = [];

/** True when at least one tape is recording. Ops check this first. */
export function isRecording(): boolean {
  return active.length !== 0;
}

/** Records one op on every recording tape that tracks one of its inputs. */
export function record(
  inputs: readonly Tensor[],
  output: Tensor,
  vjp: Vjp,
): void {
  for (const tape of active) tape._record(inputs, output, vjp);
}

/** Tells the recording tapes that `variable` was read as `snapshot`. */
export function noteVariableRead(
  variable: VariableLike,
  snapshot: Tensor,
): void {
  for (const tape of active) tape._noteRead(variable, snapshot);
}

/** Runs `fn` with no tape recording. */
export function withoutRecording<T>(fn: () => T): T {
  const saved = active.splice(0, active.length);
  try {
    return fn();
  } finally {
    active.push(...saved);
  }
}

/** Options of a GradientTape. */
export interface GradientTapeOptions {
  /** Allow several `gradient()` calls. Default false. */
  persistent?: boolean;
  /** Watch every trainable variable that ops read. Default true. */
  watchAccessedVariables?: boolean;
}

/** What `gradient()` gives for a source the target does not depend on. */
export type UnconnectedGradients = "none" | "zero";

/** Gradient hooks the tape needs, injected to keep the import graph a tree. */
export interface TapeOps {
  onesLike(x: Tensor): Tensor;
  zerosLike(x: Tensor): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  toTensor(x: unknown, where: string): Tensor;
  isVariable(x: unknown): x is VariableLike & Tensor;
  isTensor(x: unknown): x is Tensor;
}

let ops: TapeOps | undefined;

/** Installs the ops the tape uses; called once by the ops module. */
export function installTapeOps(o: TapeOps): void {
  ops = o;
}

function tapeOps(): TapeOps {
  if (!ops) throw new Error("internal: tape ops are not installed");
  return ops;
}

/**
 * A structure of tensors: a tensor, an array or a record of structures, or
 * null. `gradient()` answers in the structure it was given.
 */
export type Structure<T> =
  T | readonly Structure<T>[] | { readonly [key: string]: Structure<T> };

/** Maps the tensors of a structure; keeps arrays and records as they are. */
export type GradientsOf<S> = S extends Tensor
  ? Tensor | null
  : S extends readonly unknown[]
    ? { [K in keyof S]: GradientsOf<S[K]> }
    : S extends object
      ? { [K in keyof S]: GradientsOf<S[K]> }
      : never;

/**
 * Records operations for automatic differentiation.
 *
 * Ops run while the tape is recording are kept when they depend on a
 * watched tensor or a trainable variable; `gradient(target, sources)` then
 * gives d target / d source for each source. A non-persistent tape stops
 * recording at its first `gradient()` call and refuses a second one. The tape
 * also stops when disposed, which `using` does at the end of the block.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const x = tg.scalar(3);
 * const tape = new tg.GradientTape();
 * tape.watch(x);
 * const y = x.mul(x); // y = x²
 * console.log(tape.gradient(y, x)?.item()); // 6
 * ```
 */
export class GradientTape implements Disposable {
  /** Whether `gradient()` may be called more than once. */
  readonly persistent: boolean;
  /** Whether trainable variables read by ops are watched automatically. */
  readonly watchAccessedVariables: boolean;
  #nodes: Node[] = [];
  #tracked = new Set<number>();
  #reads = new Map<VariableLike, Tensor[]>();
  #watchedVariables = new Set<VariableLike>();
  #recording = true;
  #used = false;

  constructor(options: GradientTapeOptions = {}) {
    this.persistent = options.persistent ?? false;
    this.watchAccessedVariables = options.watchAccessedVariables ?? true;
    active.push(this);
  }

  /** @internal */
  _record(inputs: readonly Tensor[], output: Tensor, vjp: Vjp): void {
    const tracked = this.#tracked;
    for (const x of inputs) {
      if (tracked.has(x.id)) {
        this.#nodes.push({ inputs, output, vjp });
        tracked.add(output.id);
        return;
      }
    }
  }

  /** @internal */
  _noteRead(variable: VariableLike, snapshot: Tensor): void {
    if (this.#tracked.has(snapshot.id)) return;
    const watched =
      (variable.trainable && this.watchAccessedVariables) ||
      this.#watchedVariables.has(variable);
    if (!watched) return;
    this.#tracked.add(snapshot.id);
    const reads = this.#reads.get(variable);
    if (reads) reads.push(snapshot);
    else this.#reads.set(variable, [snapshot]);
  }

  /**
   * Watches tensors (or variables, trainable or not) so that gradients with
   * respect to them can be asked for.
   */
  watch(sources: Structure<Tensor>): void {
    const o = tapeOps();
    forEachTensor(sources, "GradientTape.watch", o, (t) => {
      if (o.isVariable(t)) {
        this.#watchedVariables.add(t);
        if (this.#recording) this._noteRead(t, t.value);
      } else {
        this.#tracked.add(t.id);
      }
    });
  }

  /** The variables this tape has seen read, in order of first read. */
  watchedVariables(): VariableLike[] {
    return [...this.#reads.keys()];
  }

  /**
   * The gradient of `target` (the sum of its elements when it is not a
   * scalar) with respect to each source, in the structure of `sources`.
   * A source that the target does not depend on gives null, or zeros with
   * `unconnectedGradients: "zero"`.
   */
  gradient<S extends Structure<Tensor>>(
    target: Tensor,
    sources: S,
    options: {
      outputGradients?: Tensor;
      unconnectedGradients?: UnconnectedGradients;
    } = {},
  ): GradientsOf<S> {
    const o = tapeOps();
    if (this.#used && !this.persistent) {
      throw new ValueError(
        "GradientTape.gradient: expected one call on a non-persistent tape, " +
          "got a second; create the tape with { persistent: true } to call " +
          "gradient() more than once",
      );
    }
    const t = o.toTensor(target, "GradientTape.gradient");
    this.#used = true;
    const wasRecording = this.#recording;
    this.#pause();
    try {
      const grads = this.#backprop(t, options.outputGradients);
      const zero = options.unconnectedGradients === "zero";
      return mapStructure(sources, "GradientTape.gradient", o, (s) => {
        const g = this.#lookup(s, grads, o);
        return g ?? (zero ? o.zerosLike(s) : null);
      }) as GradientsOf<S>;
    } finally {
      if (!this.persistent) this.#release();
      else if (wasRecording) this.#resume();
    }
  }

  /** Runs `fn` without recording on this tape. */
  stopRecording<T>(fn: () => T): T {
    const was = this.#recording;
    this.#pause();
    try {
      return fn();
    } finally {
      if (was) this.#resume();
    }
  }

  /** Forgets everything recorded so far; recording goes on. */
  reset(): void {
    this.#nodes = [];
    this.#tracked = new Set();
    this.#reads = new Map();
    this.#used = false;
  }

  /** Stops recording and frees what the tape holds. */
  dispose(): void {
    this.#release();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  #backprop(target: Tensor, seed: Tensor | undefined): Map<number, Tensor> {
    const o = tapeOps();
    const grads = new Map<number, Tensor>();
    grads.set(
      target.id,
      seed ? o.toTensor(seed, "outputGradients") : o.onesLike(target),
    );
    const nodes = this.#nodes;
    const tracked = this.#tracked;
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      const dy = grads.get(node.output.id);
      if (dy === undefined) continue;
      const needs = node.inputs.map((x) => tracked.has(x.id));
      const gs = node.vjp(dy, node.output, needs);
      for (let j = 0; j < node.inputs.length; j++) {
        const x = node.inputs[j]!;
        const g = gs[j];
        if (!g || !needs[j]) continue;
        const prev = grads.get(x.id);
        grads.set(x.id, prev ? o.add(prev, g) : g);
      }
    }
    return grads;
  }

  #lookup(s: Tensor, grads: Map<number, Tensor>, o: TapeOps): Tensor | null {
    if (!o.isVariable(s)) return grads.get(s.id) ?? null;
    let sum: Tensor | null = null;
    for (const snap of this.#reads.get(s) ?? []) {
      const g = grads.get(snap.id);
      if (g) sum = sum ? o.add(sum, g) : g;
    }
    return sum;
  }

  #pause(): void {
    if (!this.#recording) return;
    this.#recording = false;
    const i = active.indexOf(this);
    if (i >= 0) active.splice(i, 1);
  }

  #resume(): void {
    this.#recording = true;
    active.push(this);
  }

  #release(): void {
    this.#pause();
    // Emptied in place: a training loop releases a tape every step.
    this.#nodes.length = 0;
    this.#tracked.clear();
    this.#reads.clear();
  }
}

function forEachTensor(
  s: unknown,
  where: string,
  o: TapeOps,
  fn: (t: Tensor) => void,
): void {
  mapStructure(s, where, o, (t) => {
    fn(t);
    return null;
  });
}

/** Maps every tensor of a structure, keeping arrays and records. */
export function mapStructure(
  s: unknown,
  where: string,
  o: TapeOps,
  fn: (t: Tensor) => Tensor | null,
): unknown {
  if (o.isTensor(s)) return fn(s);
  if (Array.isArray(s)) return s.map((x) => mapStructure(x, where, o, fn));
  if (s !== null && typeof s === "object" && !ArrayBuffer.isView(s)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
      out[k] = mapStructure(v, where, o, fn);
    }
    return out;
  }
  throw new ValueError(
    `${where}: expected tensors, arrays or records of tensors, got ` +
      (s === null ? "null" : typeof s),
  );
}
