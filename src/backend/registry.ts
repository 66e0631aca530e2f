// SPDX-License-Identifier: Apache-2.0
/** Which backend runs the kernels. */
import { ValueError, show } from "../core/errors.js";
import type { Backend } from "./backend.js";
import { jsBackend } from "./js/index.js";

const backends = new Map<string, Backend>([["js", jsBackend]]);
let current: Backend = jsBackend;

/** The backend that runs kernels now. @internal */
export function backend(): Backend {
  return current;
}

/**
 * Picks the backend that runs every op from now on. Only "js", the
 * reference TypeScript backend, exists today.
 *
 * @example
 * ```ts
 * import * as tg from "tensorgrad";
 * tg.setBackend("js");
 * console.log(tg.getBackend()); // js
 * ```
 */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) {
    throw new ValueError(
      `setBackend: expected one of ${show([...backends.keys()])}, got ` +
        show(name),
    );
  }
  current = b;
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
