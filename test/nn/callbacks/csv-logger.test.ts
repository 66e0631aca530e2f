// SPDX-License-Identifier: Apache-2.0
/**
 * CSVLogger (src/nn/callbacks/csv-logger.ts): the header and rows fit
 * writes, row by row; append mode; NA for missing keys; Python's float
 * format and csv quoting; the separator; option checks.
 */
import assert from "node:assert/strict";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as tg from "tensorgrad";

const dir = mkdtempSync(join(tmpdir(), "tensorgrad-csv-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
const fresh = () => join(dir, `log-${count++}.csv`);
const rows = (file: string) => readFileSync(file, "utf8").split("\r\n");

const x = [[1], [2], [3], [4]];
const y = [[2], [4], [6], [8]];

function compiled(): tg.Sequential {
  tg.setSeed(31);
  const m = new tg.Sequential([tg.layers.dense({ units: 1 })]);
  m.compile({ optimizer: "sgd", loss: "mse", metrics: ["mae"] });
  return m;
}

describe("CSVLogger", () => {
  test("fit writes a sorted header and one row per epoch", () => {
    const file = fresh();
    const m = compiled();
    const seen: string[][] = [];
    // Each row is on disk when the next epoch starts.
    const probe = tg.callbacks.lambdaCallback({
      onEpochBegin: () => seen.push(existsSync(file) ? rows(file) : []),
    });
    const h = m.fit(x, y, {
      epochs: 3,
      verbose: 0,
      validationData: [x, y],
      callbacks: [tg.callbacks.csvLogger(file), probe],
    });
    const lines = rows(file);
    assert.equal(lines[0], "epoch,loss,mae,val_loss,val_mae");
    assert.equal(lines.length, 5);
    assert.equal(lines[4], "");
    lines.slice(1, 4).forEach((line, e) => {
      const [epoch, ...fields] = line.split(",");
      assert.equal(epoch, String(e));
      const values = fields.map(Number);
      assert.deepEqual(values, [
        h.history.loss![e],
        h.history.mae![e],
        h.history.val_loss![e],
        h.history.val_mae![e],
      ]);
    });
    assert.deepEqual(
      seen.map((s) => s.length),
      [1, 3, 4],
    );
  });

  test("append continues a file without a second header", () => {
    const file = fresh();
    const m = compiled();
    m.fit(x, y, {
      epochs: 2,
      verbose: 0,
      callbacks: [tg.callbacks.csvLogger(file)],
    });
    m.fit(x, y, {
      epochs: 4,
      initialEpoch: 2,
      verbose: 0,
      callbacks: [tg.callbacks.csvLogger(file, { append: true })],
    });
    const lines = rows(file);
    assert.deepEqual(
      lines.map((l) => l.split(",")[0]),
      ["epoch", "0", "1", "2", "3", ""],
    );
  });

  test("append writes the header to a missing or empty file", () => {
    for (const content of [null, ""]) {
      const file = fresh();
      if (content !== null) writeFileSync(file, content);
      const logger = new tg.callbacks.CSVLogger(file, { append: true });
      logger.onTrainBegin({});
      logger.onEpochEnd(0, { loss: 0.5 });
      logger.onTrainEnd({});
      assert.equal(readFileSync(file, "utf8"), "epoch,loss\r\n0,0.5\r\n");
    }
  });

  test("without append, a new fit starts a new file", () => {
    const file = fresh();
    writeFileSync(file, "old contents\r\n");
    const logger = new tg.callbacks.CSVLogger(file);
    logger.onTrainBegin({});
    assert.equal(readFileSync(file, "utf8"), "");
    logger.onEpochEnd(0, { loss: 1 });
    logger.onTrainBegin({});
    logger.onEpochEnd(0, { loss: 2 });
    assert.equal(readFileSync(file, "utf8"), "epoch,loss\r\n0,2.0\r\n");
  });

  test("keys come from the first epoch; missing ones are NA", () => {
    const file = fresh();
    const logger = new tg.callbacks.CSVLogger(file);
    logger.onTrainBegin({});
    logger.onEpochEnd(0, { val_loss: 3, loss: 1, accuracy: 0.25 });
    logger.onEpochEnd(1, { loss: 0.5, extra: 7 });
    assert.deepEqual(rows(file), [
      "epoch,accuracy,loss,val_loss",
      "0,0.25,1.0,3.0",
      "1,NA,0.5,NA",
      "",
    ]);
  });

  test("numbers are written as Python writes floats", () => {
    const file = fresh();
    const logger = new tg.callbacks.CSVLogger(file);
    logger.onTrainBegin({});
    const values = [1e-5, 123.25, NaN, Infinity, -Infinity, 1e16, -0, 0.1];
    logger.onEpochEnd(
      0,
      Object.fromEntries(values.map((v, i) => [`k${i}`, v])),
    );
    assert.equal(rows(file)[1], "0,1e-05,123.25,nan,inf,-inf,1e+16,-0.0,0.1");
    // Float32 values keep their exact shortest form, as Python's repr.
    logger.onEpochEnd(1, { k0: Math.fround(0.1) });
    assert.equal(rows(file)[2]!.split(",")[1], "0.10000000149011612");
  });

  test("another separator, and quoting as Python's csv", () => {
    const file = fresh();
    const logger = tg.callbacks.csvLogger(file, { separator: ";" });
    logger.onTrainBegin({});
    logger.onEpochEnd(0, { "a;b": 1, 'say "hi"': 2, loss: 0.5 });
    assert.deepEqual(rows(file).slice(0, 2), [
      'epoch;"a;b";loss;"say ""hi"""',
      "0;1.0;0.5;2.0",
    ]);
  });

  test("options are checked", () => {
    const c = new tg.callbacks.CSVLogger("x.csv");
    assert.deepEqual(
      [c.filename, c.separator, c.append],
      ["x.csv", ",", false],
    );
    const bad: [() => unknown, string][] = [
      [
        () => new tg.callbacks.CSVLogger(""),
        'CSVLogger: expected filename to be a non-empty string, got filename=""',
      ],
      [
        () => new tg.callbacks.CSVLogger("a.csv", { separator: ";;" }),
        'CSVLogger: expected separator to be one character, got separator=";;"',
      ],
      [
        () => new tg.callbacks.CSVLogger("a.csv", { append: "yes" as never }),
        'CSVLogger: expected append to be a boolean, got append="yes"',
      ],
    ];
    for (const [make, message] of bad) {
      assert.throws(
        make,
        (e: unknown) => e instanceof tg.ValueError && e.message === message,
      );
    }
  });
});
