// SPDX-License-Identifier: Apache-2.0
/**
 * Runs every `@example` in the TSDoc of src/ and checks what it prints.
 *
 * An example is a ```ts block after an `@example` tag. Each `console.log`
 * line may end with `// expected output` (or have that comment on the next
 * line); the printed text, formatted as console.log formats it, must equal
 * it. Examples import "tensorgrad", which is pointed at src/index.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";
import * as tg from "tensorgrad";

const root = fileURLToPath(new URL("../..", import.meta.url));
const entry = pathToFileURL(join(root, "src/index.ts")).href;

interface Example {
  file: string;
  line: number;
  code: string;
  expected: (string | null)[];
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

function examplesIn(file: string): Example[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example/.test(lines[i]!)) continue;
    const start = lines.findIndex((l, k) => k > i && /^\s*\*\s*```ts/.test(l));
    if (start < 0) continue;
    const body: string[] = [];
    let k = start + 1;
    for (; k < lines.length && !/^\s*\*\s*```/.test(lines[k]!); k++) {
      body.push(lines[k]!.replace(/^\s*\* ?/, ""));
    }
    out.push({ file, line: start + 1, ...parse(body) });
    i = k;
  }
  return out;
}

/** The code, and the expected output of each console.log line in order. */
function parse(body: string[]): { code: string; expected: (string | null)[] } {
  const expected: (string | null)[] = [];
  body.forEach((l, i) => {
    if (!/^\s*console\.log\(/.test(l)) return;
    const inline = /\);\s*\/\/ (.*)$/.exec(l);
    const next = /^\s*\/\/ (.*)$/.exec(body[i + 1] ?? "");
    expected.push(inline?.[1] ?? next?.[1] ?? null);
  });
  const code = body
    .join("\n")
    .replace(/from "tensorgrad"/g, `from ${JSON.stringify(entry)}`);
  return { code, expected };
}

const dir = mkdtempSync(join(tmpdir(), "tensorgrad-examples-"));
const all = sources(join(root, "src")).flatMap(examplesIn);

describe("TSDoc examples", () => {
  test("there are examples to run", () => {
    assert.ok(all.length > 50, `found only ${all.length} examples`);
  });

  all.forEach((ex, n) => {
    const name = `${relative(root, ex.file)}:${ex.line}`;
    test(name, async () => {
      const file = join(dir, `example-${n}.mts`);
      writeFileSync(file, ex.code);
      const printed: string[] = [];
      const log = console.log;
      console.log = (...args: unknown[]) => printed.push(format(...args));
      tg.setWarningHandler(null);
      // An example that reads the backend without choosing one prints the
      // default ("js"); when the suite runs on another backend
      // (TENSORGRAD_BACKEND), it runs on the default, as documented.
      const backend = tg.getBackend();
      const showsDefault =
        ex.code.includes("getBackend()") && !ex.code.includes("setBackend(");
      if (showsDefault) tg.setBackend("js");
      try {
        await import(pathToFileURL(file).href);
      } finally {
        console.log = log;
        tg.setWarningHandler();
        tg.setBackend(backend);
      }
      if (ex.expected.every((e) => e === null)) return;
      assert.equal(
        printed.length,
        ex.expected.length,
        `${name}: expected one printed line per console.log`,
      );
      ex.expected.forEach((want, i) => {
        if (want !== null)
          assert.equal(printed[i], want, `${name}: output ${i}`);
      });
    });
  });
});
