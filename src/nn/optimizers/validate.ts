// SPDX-License-Identifier: Apache-2.0
/**
 * Option checks shared by the optimizers and the learning-rate schedules.
 * Each throws a ValueError whose message starts with `where` (the public
 * name), then says what was expected and what came:
 * `Adam: expected beta1 in [0, 1), got beta1=1.5`.
 *
 * @internal
 */
import type { DType } from "../../core/dtype.js";
import { ValueError, show } from "../../core/errors.js";

function fail(where: string, name: string, what: string, value: unknown) {
  return new ValueError(
    `${where}: expected ${name} ${what}, got ${name}=${show(value)}`,
  );
}

function isNumber(x: unknown): x is number {
  return typeof x === "number" && !Number.isNaN(x);
}

/**
 * A number in the interval from `lo` to `hi`; `open` says which ends are
 * excluded ("[)" is [lo, hi), "(]" is (lo, hi], "()" and "[]").
 */
export function inRange(
  where: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  ends: "[)" | "(]" | "[]" | "()" = "[]",
): number {
  const ok =
    isNumber(value) &&
    (ends[0] === "[" ? value >= lo : value > lo) &&
    (ends[1] === "]" ? value <= hi : value < hi);
  if (!ok) {
    const interval = `${ends[0]}${lo}, ${hi}${ends[1]}`;
    throw fail(where, name, `in ${interval}`, value);
  }
  return value;
}

/** A finite number >= 0. */
export function nonNegative(where: string, name: string, value: unknown) {
  if (!isNumber(value) || !Number.isFinite(value) || value < 0) {
    throw fail(where, name, "to be a finite number >= 0", value);
  }
  return value;
}

/** A finite number > 0. */
export function positive(where: string, name: string, value: unknown) {
  if (!isNumber(value) || !Number.isFinite(value) || value <= 0) {
    throw fail(where, name, "to be a finite number > 0", value);
  }
  return value;
}

/** A finite number <= 0. */
export function nonPositive(where: string, name: string, value: unknown) {
  if (!isNumber(value) || !Number.isFinite(value) || value > 0) {
    throw fail(where, name, "to be a finite number <= 0", value);
  }
  return value;
}

/** Any finite number. */
export function finite(where: string, name: string, value: unknown): number {
  if (!isNumber(value) || !Number.isFinite(value)) {
    throw fail(where, name, "to be a finite number", value);
  }
  return value;
}

/** An integer >= `min`. */
export function integerAtLeast(
  where: string,
  name: string,
  value: unknown,
  min: number,
): number {
  if (!Number.isInteger(value) || (value as number) < min) {
    throw fail(where, name, `to be an integer >= ${min}`, value);
  }
  return value as number;
}

/** A boolean. */
export function boolean(where: string, name: string, value: unknown) {
  if (typeof value !== "boolean") {
    throw fail(where, name, "to be a boolean", value);
  }
  return value;
}

/** A string. */
export function string(where: string, name: string, value: unknown) {
  if (typeof value !== "string") {
    throw fail(where, name, "to be a string", value);
  }
  return value;
}

/**
 * Rejects option keys that are not in `known`, as Keras rejects unknown
 * keyword arguments ("Argument(s) not recognized").
 */
export function knownKeys(
  where: string,
  args: object,
  known: readonly string[],
): void {
  if (typeof args !== "object" || args === null) {
    throw new ValueError(
      `${where}: expected an options object, got ${show(args)}`,
    );
  }
  const unknown = Object.keys(args).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ValueError(
      `${where}: expected options among ${show([...known])}, got unknown ` +
        `option(s) ${show(unknown)}`,
    );
  }
}

/**
 * `x` rounded to `dtype`, as a Python float becomes a tensor of that dtype
 * in Keras (float32: the nearest float32; float64: unchanged).
 */
export function roundTo(dtype: DType, x: number): number {
  return dtype === "float32" ? Math.fround(x) : x;
}
