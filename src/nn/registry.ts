// SPDX-License-Identifier: Apache-2.0
/**
 * Name lookup shared by the small catalogues (regularizers, constraints):
 * Keras's snake_case names, their class names and camelCase forms, each
 * resolving to a factory that takes a config. @internal
 */
import { ValueError, show } from "../core/errors.js";

/** One entry: Keras's class name, and how to make an instance. */
export type Entry<T> = readonly [className: string, make: (config: never) => T];

function camelCase(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * A `build(name, config)` for a catalogue keyed by snake_case names (in the
 * order error messages list them). `where` names the public function;
 * `example` is a class name to show in the error message; `extra` adds
 * aliases (alias → snake_case name).
 */
export function nameResolver<T>(
  where: string,
  byName: Readonly<Record<string, Entry<T>>>,
  example: string,
  extra: Readonly<Record<string, string>> = {},
): (name: string, config: Record<string, unknown>) => T {
  const aliases = new Map<string, string>();
  for (const [snake, [className]] of Object.entries(byName)) {
    aliases.set(snake, snake);
    aliases.set(className, snake);
    aliases.set(camelCase(snake), snake);
  }
  for (const [alias, snake] of Object.entries(extra)) aliases.set(alias, snake);
  return (name, config) => {
    const snake = aliases.get(name);
    if (snake === undefined) {
      const known = Object.keys(byName).map(show).join(", ");
      throw new ValueError(
        `${where}: expected one of ${known} (or a class name such as ` +
          `${show(example)}), got ${show(name)}`,
      );
    }
    const make = byName[snake]![1] as (c: unknown) => T;
    return make(config);
  };
}
