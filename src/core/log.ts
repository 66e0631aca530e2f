// SPDX-License-Identifier: Apache-2.0
/**
 * Warnings. tensorgrad is silent by default and warns only where Keras
 * warns; tests and applications can route or mute warnings here.
 */

/** Receives each warning. */
export type WarningHandler = (message: string) => void;

const defaultHandler: WarningHandler = (m) => console.warn(`tensorgrad: ${m}`);
let handler: WarningHandler | null = defaultHandler;

/**
 * Routes warnings to `fn`; `null` mutes them; no argument restores the
 * default (console.warn).
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * const seen: string[] = [];
 * tg.setWarningHandler((m) => seen.push(m));
 * tg.setWarningHandler();
 * console.log(seen.length); // 0
 * ```
 */
export function setWarningHandler(fn?: WarningHandler | null): void {
  handler = fn === undefined ? defaultHandler : fn;
}

/** Emits one warning. @internal */
export function warn(message: string): void {
  handler?.(message);
}
