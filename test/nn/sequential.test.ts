// SPDX-License-Identifier: Apache-2.0
/**
 * Sequential (src/nn/models/sequential.ts, summary.ts): building from a
 * list or with add, chaining, variable order, inputShape, predict in
 * batches and off the tape, dtypes, Keras's summary table, and the errors
 * of add.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

/** Five samples of three features. */
const X5 = [
  [1, 2, 3],
  [-1, 0, 1],
  [0.5, 0.25, -2],
  [3, -3, 0],
  [0, 0, 0],
];

function mlp(inputShape?: number[]): tg.Sequential {
  return new tg.Sequential([
    tg.layers.dense({ units: 8, activation: "tanh", inputShape }),
    tg.layers.dense({ units: 1 }),
  ]);
}

describe("construction", () => {
  test("from a list and with add give the same layers in order", () => {
    const a = tg.layers.dense({ units: 4 });
    const b = tg.layers.dense({ units: 2 });
    const listed = new tg.Sequential([a, b]);
    assert.deepEqual(listed.layers, [a, b]);

    const c = tg.layers.dense({ units: 4 });
    const d = tg.layers.dense({ units: 2 });
    const added = new tg.Sequential();
    assert.deepEqual(added.layers, []);
    added.add(c);
    added.add(d);
    assert.strictEqual(added.layers[0], c);
    assert.strictEqual(added.layers[1], d);
    assert.equal(added.layers.length, 2);

    const named = new tg.Sequential({ name: "net", layers: [] });
    assert.equal(named.name, "net");
  });

  test("layers is a copy: changing it does not change the model", () => {
    const model = mlp();
    const list = model.layers;
    list.pop();
    assert.equal(model.layers.length, 2);
  });

  test("add of a non-layer throws a ValueError", () => {
    const model = new tg.Sequential({ name: "m" });
    for (const bad of [{ units: 1 }, null, 3]) {
      assert.throws(
        () => model.add(bad as never),
        (e: unknown) =>
          e instanceof tg.ValueError &&
          e.message.startsWith('Sequential "m".add: expected a Layer, got '),
      );
    }
    assert.throws(() => new tg.Sequential(["dense"] as never), {
      name: "ValueError",
      message: /add: expected a Layer, got "dense"$/,
    });
    assert.deepEqual(model.layers, []);
  });

  test("adding the same layer twice throws a ValueError", () => {
    const layer = tg.layers.dense({ units: 1, name: "once" });
    const model = new tg.Sequential({ name: "m", layers: [layer] });
    assert.throws(() => model.add(layer), {
      name: "ValueError",
      message: 'Sequential "m".add: layer "once" is already in the model',
    });
    assert.throws(() => new tg.Sequential([layer, layer]), tg.ValueError);
    assert.equal(model.layers.length, 1);
  });
});

describe("apply", () => {
  test("chains the layers", () => {
    const first = tg.layers.dense({ units: 2, kernelInitializer: "ones" });
    const second = tg.layers.dense({
      units: 1,
      kernelInitializer: tg.initializers.constant(0.5),
      biasInitializer: tg.initializers.constant(-1),
    });
    const model = new tg.Sequential([first, second]);
    // first: [6, 6]; second: 0.5·6 + 0.5·6 − 1 = 5.
    allclose(model.apply([[1, 2, 3]]), [[5]]);
    const x = tg.tensor(X5);
    allclose(model.apply(x), second.apply(first.apply(x)));
    assert.ok(model.built);
  });

  test("a number is one sample with one feature", () => {
    const model = new tg.Sequential([tg.layers.dense({ units: 3 })]);
    const y = model.apply(2);
    assert.deepEqual(y.shape, [1, 3]);
    assert.deepEqual(model.layers[0]!.weights[0]!.shape, [1, 3]);
  });

  test("a rank-1 input is one sample, as for Dense", () => {
    const model = new tg.Sequential([
      tg.layers.dense({ units: 2, kernelInitializer: "ones" }),
    ]);
    allclose(model.apply([1, 2, 3]), [6, 6]);
  });

  test("trainableVariables: kernel then bias, layer by layer", () => {
    const model = mlp();
    model.apply([[1, 2, 3]]);
    const [l1, l2] = model.layers as tg.layers.Dense[];
    const vars = model.trainableVariables;
    assert.equal(vars.length, 4);
    assert.strictEqual(vars[0], l1!.kernel);
    assert.strictEqual(vars[1], l1!.bias);
    assert.strictEqual(vars[2], l2!.kernel);
    assert.strictEqual(vars[3], l2!.bias);
    assert.deepEqual(
      vars.map((v) => v.shape),
      [[3, 8], [8], [8, 1], [1]],
    );
    assert.equal(model.countParams(), 41);
  });

  test("inputShape on the first layer builds the model at once", () => {
    const model = mlp([3]);
    assert.ok(model.built);
    assert.ok(model.layers.every((l) => l.built));
    assert.equal(model.trainableVariables.length, 4);
    const [l1, l2] = model.layers as tg.layers.Dense[];
    assert.deepEqual(l1!.kernel.shape, [3, 8]);
    assert.deepEqual(l2!.kernel.shape, [8, 1]);

    // With add: each added layer is built on arrival.
    const added = new tg.Sequential();
    added.add(tg.layers.dense({ units: 4, inputShape: [2] }));
    assert.ok(added.built);
    const next = tg.layers.dense({ units: 1 });
    added.add(next);
    assert.ok(next.built);
    assert.deepEqual(next.kernel.shape, [4, 1]);
  });

  test("without inputShape nothing is built before data", () => {
    const model = mlp();
    assert.equal(model.built, false);
    assert.deepEqual(model.trainableVariables, []);
  });

  test("a float64 model keeps float64 inputs unrounded", () => {
    const model = new tg.Sequential([
      tg.layers.dense({
        units: 1,
        dtype: "float64",
        kernelInitializer: "ones",
      }),
    ]);
    const y = model.apply([[0.1, 0.2]]);
    assert.equal(y.dtype, "float64");
    allclose(y, [[0.1 + 0.2]], { dtype: "float64" });
    const x64 = tg.tensor([[0.1, 0.7]], undefined, "float64");
    allclose(model.predict(x64), [[0.1 + 0.7]], { dtype: "float64" });

    const scalar = new tg.Sequential([
      tg.layers.dense({
        units: 1,
        dtype: "float64",
        kernelInitializer: "ones",
      }),
    ]);
    allclose(scalar.apply(0.1), [[0.1]], { dtype: "float64" });
  });
});

describe("predict", () => {
  test("equals apply, in one batch or several", () => {
    tg.setSeed(7);
    const model = mlp([3]);
    const x = tg.tensor(X5);
    const whole = model.apply(x);
    allclose(model.predict(x), whole);
    const batched = model.predict(x, { batchSize: 2 });
    assert.deepEqual(batched.shape, [5, 1]);
    allclose(batched, whole);
    allclose(model.predict(X5, { batchSize: 1 }), whole);
  });

  test("records on no tape", () => {
    const model = mlp([3]);
    const tape = new tg.GradientTape({ persistent: true });
    const viaPredict = model.predict(X5, { batchSize: 2 }).sum();
    const viaApply = model.apply(X5).sum();
    const none = tape.gradient(viaPredict, model.trainableVariables);
    assert.deepEqual(none, [null, null, null, null]);
    const some = tape.gradient(viaApply, model.trainableVariables);
    assert.ok(some.every((g) => g !== null));
    tape.dispose();
  });

  test("a bad batchSize is a ValueError", () => {
    const model = new tg.Sequential({
      name: "m",
      layers: [tg.layers.dense({ units: 1, inputShape: [3] })],
    });
    for (const batchSize of [0, -2, 1.5]) {
      assert.throws(() => model.predict(X5, { batchSize }), {
        name: "ValueError",
        message: `Sequential "m".predict: expected batchSize to be an integer >= 1, got batchSize=${batchSize}`,
      });
    }
  });
});

describe("summary", () => {
  function lines(model: tg.Sequential): string[] {
    const out: string[] = [];
    model.summary((line) => out.push(line));
    return out;
  }

  test("a 3-8-1 model: Keras's table, shapes and counts", () => {
    tg.clearSession();
    const model = mlp([3]);
    const out = lines(model);
    assert.deepEqual(out, [
      'Model: "sequential"',
      "┏" + "━".repeat(33) + "┳" + "━".repeat(24) + "┳" + "━".repeat(15) + "┓",
      "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃",
      "┡" + "━".repeat(33) + "╇" + "━".repeat(24) + "╇" + "━".repeat(15) + "┩",
      "│ dense (Dense)                   │ (None, 8)              │            32 │",
      "├" + "─".repeat(33) + "┼" + "─".repeat(24) + "┼" + "─".repeat(15) + "┤",
      "│ dense_1 (Dense)                 │ (None, 1)              │             9 │",
      "└" + "─".repeat(33) + "┴" + "─".repeat(24) + "┴" + "─".repeat(15) + "┘",
      " Total params: 41 (164.00 B)",
      " Trainable params: 41 (164.00 B)",
      " Non-trainable params: 0 (0.00 B)",
    ]);
    // Every table line is as wide as the header.
    const widths = new Set(out.slice(1, 8).map((l) => [...l].length));
    assert.deepEqual([...widths], [76]);
  });

  test("built by apply: the shapes come from the data", () => {
    tg.clearSession();
    const model = mlp();
    model.apply(tg.zeros([4, 3]));
    const out = lines(model);
    assert.match(out[4]!, /^│ dense \(Dense\) +│ \(None, 8\) +│ +32 │$/);
    assert.match(out[6]!, /^│ dense_1 \(Dense\) +│ \(None, 1\) +│ +9 │$/);
    assert.equal(out[8], " Total params: 41 (164.00 B)");
  });

  test("frozen layers, float64 and thousands separators", () => {
    tg.clearSession();
    const frozen = tg.layers.dense({
      units: 100,
      inputShape: [100],
      trainable: false,
      name: "frozen",
    });
    const head = tg.layers.dense({ units: 1, dtype: "float64", name: "head" });
    const model = new tg.Sequential({ name: "big", layers: [frozen, head] });
    const out = lines(model);
    assert.equal(out[0], 'Model: "big"');
    assert.match(
      out[4]!,
      /^│ frozen \(Dense\) .*│ \(None, 100\) .*│ +10,100 │$/,
    );
    assert.match(out[6]!, /^│ head \(Dense\) .*│ \(None, 1\) .*│ +101 │$/);
    // Bytes: 10,100 float32 (40,400 B) + 101 float64 (808 B) = 41,208 B;
    // as in Keras, each line counts the bytes of its own weights.
    assert.deepEqual(out.slice(8), [
      " Total params: 10,201 (40.24 KB)",
      " Trainable params: 101 (808.00 B)",
      " Non-trainable params: 10,100 (39.45 KB)",
    ]);
  });

  test("an unbuilt model prints ? and no parameters", () => {
    tg.clearSession();
    const out = lines(mlp());
    assert.match(out[4]!, /^│ dense \(Dense\) +│ \? +│ +0 │$/);
    assert.equal(out[8], " Total params: 0 (0.00 B)");
  });

  test("console.log is the default printFn", () => {
    const seen: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void seen.push(args[0]);
    try {
      mlp([3]).summary();
    } finally {
      console.log = original;
    }
    assert.equal(seen.length, 11);
    assert.match(String(seen[0]), /^Model: "sequential/);
  });
});
