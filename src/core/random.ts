// SPDX-License-Identifier: Apache-2.0
/**
 * Seeded pseudo-random numbers: xoshiro128** seeded through splitmix32.
 * One global generator serves every unseeded random op and initializer;
 * `setSeed` resets it, so a program repeats exactly.
 */

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seeded stream of uniform and normal numbers. */
export class Generator {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare: number | null = null;

  constructor(seed: number) {
    const st = { s: Math.trunc(seed) | 0 };
    st.s ^= Math.trunc(seed / 2 ** 32) | 0;
    this.#a = splitmix32(st);
    this.#b = splitmix32(st);
    this.#c = splitmix32(st);
    this.#d = splitmix32(st);
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal double (Box–Muller). */
  normal(): number {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let global = new Generator(Date.now());

/**
 * Seeds the global random generator: initializers, random ops and (later)
 * dropout and shuffling repeat exactly after the same `setSeed`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * tg.setSeed(7);
 * const a = tg.randomUniform([3]).toArray();
 * tg.setSeed(7);
 * const b = tg.randomUniform([3]).toArray();
 * console.log(JSON.stringify(a) === JSON.stringify(b)); // true
 * ```
 */
export function setSeed(seed: number): void {
  global = new Generator(seed);
}

/** A generator for one call: its own when `seed` is given, else the global. */
export function generatorFor(seed?: number): Generator {
  return seed === undefined ? global : new Generator(seed);
}
