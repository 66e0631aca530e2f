// SPDX-License-Identifier: Apache-2.0
// Runs every test/**/*.test.ts with node's built-in test runner, via tsx.
//
// Node 20's `node --test` does not expand glob patterns, so this script
// finds the files itself (sorted) and passes them explicitly.
//
// Usage: node scripts/run-tests.mjs [filter...]
//   With filters, only files whose path contains one of them are run.
//
// TENSORGRAD_BACKEND=wasm (or js) runs every file on that backend, through
// test/backend-setup.ts.
//
// Reporter: `spec` for humans; under CI (process.env.CI set) `tap`, which
// ends with the "# tests N / # pass N / # fail N" summary lines.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const testDir = join(root, "test");

/** @param {string} dir @returns {string[]} */
function findTests(dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(full));
    else if (entry.isFile() && entry.name.endsWith(".test.ts")) out.push(full);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = existsSync(testDir)
  ? findTests(testDir).map((f) => relative(root, f))
  : [];
files.sort();
if (filters.length > 0) {
  files = files.filter((f) => filters.some((s) => f.includes(s)));
}
if (files.length === 0) {
  console.error(
    filters.length > 0
      ? `run-tests: no test files under test/ match: ${filters.join(" ")}`
      : "run-tests: no *.test.ts files found under test/",
  );
  process.exit(1);
}

const reporter = process.env.CI ? "tap" : "spec";
const setup = process.env.TENSORGRAD_BACKEND
  ? ["--import", "./test/backend-setup.ts"]
  : [];
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    ...setup,
    "--test",
    `--test-reporter=${reporter}`,
    ...files,
  ],
  { cwd: root, stdio: "inherit" },
);
if (result.error) {
  console.error(result.error);
  process.exit(1);
}
process.exit(result.status ?? 1);
