// SPDX-License-Identifier: Apache-2.0
/**
 * Typed errors. Every message starts with the public name of the call that
 * failed, then says what was expected and what came.
 */

/**
 * The base class of every error tensorgrad throws on purpose.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * try {
 *   tg.add([1, 2], [1, 2, 3]);
 * } catch (e) {
 *   console.log(e instanceof tg.TensorgradError); // true
 * }
 * ```
 */
export class TensorgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Shapes that do not fit: broadcasting, matMul inner dimensions, reshapes.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * try {
 *   tg.matMul(tg.zeros([2, 3]), tg.zeros([2, 3]));
 * } catch (e) {
 *   console.log(e instanceof tg.ShapeError); // true
 * }
 * ```
 */
export class ShapeError extends TensorgradError {}

/**
 * A dtype that the call does not accept.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * try {
 *   tg.zeros([2], "complex64" as tg.DType);
 * } catch (e) {
 *   console.log(e instanceof tg.DTypeError); // true
 * }
 * ```
 */
export class DTypeError extends TensorgradError {}

/**
 * A value that the call does not accept: a bad option, a negative learning
 * rate, an unknown name.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * try {
 *   new tg.optimizers.SGD({ learningRate: -1 });
 * } catch (e) {
 *   console.log(e instanceof tg.ValueError); // true
 * }
 * ```
 */
export class ValueError extends TensorgradError {}

/**
 * A case tensorgrad does not support yet; the message names it.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(new tg.NotImplementedError("x").name); // NotImplementedError
 * ```
 */
export class NotImplementedError extends TensorgradError {}

/** Formats a value for an error message: shapes as [2,3], strings quoted. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(",")}]`;
  if (typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}`;
  if (typeof value === "object") {
    const shape = (value as { shape?: unknown }).shape;
    if (Array.isArray(shape)) return `a tensor of shape ${show(shape)}`;
    return value.constructor?.name ?? "an object";
  }
  return typeof value;
}
