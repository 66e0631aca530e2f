// SPDX-License-Identifier: Apache-2.0
/**
 * fit's progress output (src/nn/callbacks/progbar.ts, added by trainer.ts):
 * one line per epoch without a terminal, a bar redrawn in place on one,
 * nothing at verbose 0.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";

const X = [[1], [2], [3], [4], [5]];
const Y = [[2], [4], [6], [8], [10]];

function model(): tg.Sequential {
  tg.setSeed(2);
  const m = new tg.Sequential([tg.layers.dense({ units: 1 })]);
  m.compile({
    optimizer: new tg.optimizers.SGD({ learningRate: 0.01 }),
    loss: "mse",
    metrics: ["mae"],
  });
  return m;
}

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const logger = new tg.callbacks.ProgbarLogger({
    stream: { write: (t: string) => chunks.push(t), isTTY },
  });
  return { chunks, logger };
}

describe("ProgbarLogger", () => {
  test("without a terminal: 'Epoch i/n' and one line per epoch with the logs", () => {
    const m = model();
    const { chunks, logger } = capture(false);
    const h = m.fit(X, Y, {
      epochs: 2,
      batchSize: 2,
      verbose: 1,
      callbacks: [logger],
    });
    const text = chunks.join("");
    const lines = text.split("\n");
    assert.equal(lines[0], "Epoch 1/2");
    assert.match(
      lines[1]!,
      /^3\/3 - \d+s - \d+(ms|us|s)\/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}$/,
    );
    assert.equal(lines[2], "Epoch 2/2");
    assert.ok(lines[3]!.includes(`loss: ${h.history.loss![1]!.toFixed(4)}`));
    assert.equal(lines.length, 5);
    assert.equal(lines[4], "");
    assert.ok(!text.includes("\r"));
  });

  test("one epoch prints no 'Epoch 1/1' line, as Keras", () => {
    const m = model();
    const { chunks, logger } = capture(false);
    m.fit(X, Y, { epochs: 1, verbose: 2, callbacks: [logger] });
    assert.equal(chunks.length, 1);
    assert.match(chunks[0]!, /^1\/1 - .* - loss: /);
  });

  test("on a terminal: the bar is redrawn with \\r and ends with a newline", () => {
    const m = model();
    const { chunks, logger } = capture(true);
    m.fit(X, Y, { epochs: 2, batchSize: 1, verbose: 1, callbacks: [logger] });
    const text = chunks.join("");
    assert.ok(text.startsWith("Epoch 1/2\n"));
    const epoch1 = text.slice("Epoch 1/2\n".length, text.indexOf("Epoch 2/2"));
    assert.ok(epoch1.startsWith("\r"));
    assert.ok(epoch1.endsWith("\n"));
    assert.equal(epoch1.split("\n").length, 2, "one line, redrawn in place");
    const final = epoch1
      .slice(epoch1.lastIndexOf("\r") + 1)
      .replaceAll(String.fromCharCode(27), "<ESC>");
    // 5/5, a full bar of 20, the time, the logs.
    assert.match(
      final,
      /^5\/5 <ESC>\[1m━{20}<ESC>\[0m<ESC>\[2m<ESC>\[0m \d+s \d+(ms|us|s)\/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}<ESC>\[K\n$/,
    );
    assert.ok(text.endsWith("\n"));
  });

  test("verbose 2 on a terminal prints lines, not a bar", () => {
    const m = model();
    const { chunks, logger } = capture(true);
    m.fit(X, Y, { epochs: 2, batchSize: 5, verbose: 2, callbacks: [logger] });
    assert.ok(!chunks.join("").includes("\r"));
    assert.equal(chunks.join("").split("\n").length, 5);
  });

  test("verbose 0 prints nothing; fit's own logger writes to stdout otherwise", () => {
    const m = model();
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    try {
      m.fit(X, Y, { epochs: 2, verbose: 0 });
      assert.deepEqual(written, []);
      m.fit(X, Y, { epochs: 2, verbose: 2 });
    } finally {
      process.stdout.write = original;
    }
    assert.equal(written[0], "Epoch 1/2\n");
    assert.match(written.join(""), /loss: /);
  });

  test("without process.stdout (a browser), whole lines go to console.log", () => {
    const g = globalThis as { process?: unknown };
    const proc = g.process;
    let logger: tg.callbacks.ProgbarLogger;
    g.process = undefined;
    try {
      logger = new tg.callbacks.ProgbarLogger();
    } finally {
      g.process = proc;
    }
    const logged: unknown[][] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => {
      logged.push(args);
    };
    try {
      model().fit(X, Y, { epochs: 2, verbose: 1, callbacks: [logger] });
    } finally {
      console.log = original;
    }
    assert.equal(logged.length, 4);
    assert.deepEqual(logged[0], ["Epoch 1/2"]);
    assert.match(
      String(logged[1]![0]),
      /^1\/1 - .* - loss: \d+\.\d{4} - mae: /,
    );
  });

  test("values print as Keras prints them", () => {
    const m = new tg.Sequential([
      tg.layers.dense({ units: 1, kernelInitializer: "zeros" }),
    ]);
    m.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0 }),
      loss: "mse",
    });
    const { chunks, logger } = capture(false);
    m.fit([[1], [2]], [[0], [0.01]], {
      epochs: 1,
      verbose: 2,
      callbacks: [logger],
    });
    // mse = (0 + 1e-4) / 2 = 5e-5: Python's "5.0000e-05".
    assert.match(chunks[0]!, / - loss: 5\.0000e-05\n$/);
  });
});
