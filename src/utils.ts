// SPDX-License-Identifier: Apache-2.0
/** Small helpers for training loops. */
import { ValueError } from "./core/errors.js";

/**
 * Pairs two lists element by element, as Python's zip: the shape of
 * `optimizer.applyGradients(tg.zip(grads, variables))`.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * console.log(tg.zip([1, 2], ["a", "b"])); // [ [ 1, 'a' ], [ 2, 'b' ] ]
 * ```
 */
export function zip<A, B>(a: readonly A[], b: readonly B[]): [A, B][] {
  const la: unknown = a;
  const lb: unknown = b;
  if (!Array.isArray(la) || !Array.isArray(lb) || la.length !== lb.length) {
    throw new ValueError(
      `zip: expected two arrays of one length, got ` +
        `${Array.isArray(la) ? `length ${la.length}` : typeof la} and ` +
        `${Array.isArray(lb) ? `length ${lb.length}` : typeof lb}`,
    );
  }
  return a.map((x, i): [A, B] => [x, b[i]!]);
}
