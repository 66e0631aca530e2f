// SPDX-License-Identifier: Apache-2.0
/**
 * Runs every benchmark in bench/ (each file but this one that exports
 * `run`, in name order), one after another.
 *
 * `npm run bench` builds the library, compiles bench/ with tsc into
 * bench/build/ and runs it with plain node, so that the numbers are those of
 * the published JavaScript in dist/ ("tensorgrad" resolves to it through the
 * package's own exports map). Running through tsx instead would also time
 * its transform of every module (about 8% of a seed step).
 *
 * The memory figures need a forced GC, so when node was started without
 * --expose-gc this script runs itself again with it, and passes the exit
 * code on.
 *
 * Usage: npm run bench [-- name...]   (only benchmarks whose file name
 * contains one of the names)
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** What a benchmark module exports. */
interface Benchmark {
  name: string;
  run(): Promise<void>;
}

const self = fileURLToPath(import.meta.url);

function reexecWithGc(): never {
  const result = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      ...(self.endsWith(".ts") ? ["--import", "tsx"] : []),
      self,
      ...process.argv.slice(2),
    ],
    { stdio: "inherit" },
  );
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const dir = dirname(self);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(extname(self)) && f !== basename(self))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort();
  if (files.length === 0) {
    console.error(`bench: no benchmark in bench/ matches ${filters.join(" ")}`);
    process.exit(1);
  }
  console.log(
    `tensorgrad benchmarks, ${new Date().toISOString()}, node ` +
      `${process.version}, ${process.platform}/${process.arch}\n`,
  );
  for (const file of files) {
    const url = pathToFileURL(join(dir, file)).href;
    const bench = (await import(url)) as Partial<Benchmark>;
    if (typeof bench.run !== "function") continue; // a helper module
    await bench.run();
    console.log("");
  }
}

if (typeof globalThis.gc !== "function") reexecWithGc();
await main();
