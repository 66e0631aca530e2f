// SPDX-License-Identifier: Apache-2.0
/**
 * Functional models (src/nn/models/model.ts, graph.ts, symbolic.ts,
 * src/nn/layers/input.ts): tg.input, chains, several inputs and outputs,
 * shared layers, output and input structures, layer order, getLayer,
 * summary with "Connected to", nesting, and graph and shape errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

const X = [
  [1, 2, 3],
  [-1, 0.5, 2],
  [0, -2, 1],
  [3, 1, -1],
];

/** a → dense(4, tanh) → dense(1), with fixed weights. */
function chain() {
  tg.setSeed(3);
  const a = tg.input({ shape: [3], name: "a" });
  const d1 = tg.layers.dense({ units: 4, activation: "tanh", name: "d1" });
  const d2 = tg.layers.dense({ units: 1, name: "d2" });
  const model = new tg.Model({ inputs: a, outputs: d2.apply(d1.apply(a)) });
  return { a, d1, d2, model };
}

function summaryLines(model: tg.Model<tg.SymbolicStructure>): string[] {
  const out: string[] = [];
  model.summary((l) => out.push(l));
  return out;
}

describe("tg.input and symbolic tensors", () => {
  test("input has the batch dimension first, unknown", () => {
    const x = tg.input({ shape: [3, 4], dtype: "float64", name: "x" });
    assert.deepEqual(x.shape, [null, 3, 4]);
    assert.equal(x.dtype, "float64");
    assert.equal(x.name, "x");
    const fixed = tg.input({ shape: [2], batchSize: 8 });
    assert.deepEqual(fixed.shape, [8, 2]);
    const viaBatchShape = tg.input({ batchShape: [null, 5] });
    assert.deepEqual(viaBatchShape.shape, [null, 5]);
  });

  test("Dense's shape rule keeps an unknown non-batch dimension", () => {
    const x = tg.input({ shape: [null, 3] });
    const y = tg.layers.dense({ units: 2 }).apply(x);
    assert.deepEqual(y.shape, [null, null, 2]);
    assert.equal(y.dtype, "float32");
  });

  test("probing finds unknown and known output dimensions", () => {
    // A layer without a shape rule: the output shape comes from running it.
    class TakeFirstTwo extends tg.layers.Layer {
      override call(x: tg.Tensor): tg.Tensor {
        return tg.concat([x, x], 1).slice([0, 0, 0], [-1, -1, 2]);
      }
    }
    const x = tg.input({ shape: [null, 5] });
    const y = new TakeFirstTwo().apply(x);
    assert.deepEqual(y.shape, [null, null, 2]);
    const model = new tg.Model({ inputs: x, outputs: y });
    const out = model.apply(tg.ones([2, 3, 5]));
    assert.deepEqual(out.shape, [2, 6, 2]);
  });

  test("bad input options are ValueErrors", () => {
    assert.throws(() => tg.input({ shape: [3.5] }), {
      name: "ValueError",
      message:
        "InputLayer: expected shape to be an array of integers >= 0 or null, got shape=[3.5]",
    });
    assert.throws(() => tg.input({ shape: [3], batchSize: 0 }), {
      name: "ValueError",
      message:
        "InputLayer: expected batchSize to be an integer >= 1 or null, got batchSize=0",
    });
    assert.throws(() => tg.input({}), {
      name: "ValueError",
      message:
        "InputLayer: expected shape or batchShape (one of them), got shape=undefined, batchShape=undefined",
    });
  });

  test("InputLayer's config rebuilds it", () => {
    const layer = new tg.layers.InputLayer({ shape: [4], name: "feat" });
    const again = tg.layers.InputLayer.fromConfig({
      ...layer.getConfig(),
      name: "feat2",
    });
    assert.deepEqual(again.batchShape, [null, 4]);
  });
});

describe("a chain", () => {
  test("apply equals the layers applied by hand", () => {
    const { d1, d2, model } = chain();
    const x = tg.tensor(X);
    allclose(model.apply(x), d2.apply(d1.apply(x)), { rtol: 0, atol: 0 });
    allclose(model.apply(X), d2.apply(d1.apply(x)), { rtol: 0, atol: 0 });
  });

  test("weights, layers and getLayer", () => {
    const { d1, d2, model } = chain();
    assert.deepEqual(
      model.trainableVariables.map((v) => v.name),
      ["d1/kernel", "d1/bias", "d2/kernel", "d2/bias"],
    );
    assert.equal(model.countParams(), 3 * 4 + 4 + 4 + 1);
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ["a", "d1", "d2"],
    );
    assert.equal(model.getLayer("d2"), d2);
    assert.equal(model.getLayer(1), d1);
    assert.throws(() => model.getLayer("nope"), {
      name: "ValueError",
      message: `Model "${model.name}".getLayer: expected a layer name among ["a","d1","d2"] or an index below 3, got "nope"`,
    });
  });

  test("a JS number is one sample with one feature", () => {
    const x = tg.input({ shape: [1] });
    const d = tg.layers.dense({ units: 2 });
    const model = new tg.Model({ inputs: x, outputs: d.apply(x) });
    assert.deepEqual(model.apply(3).shape, [1, 2]);
    allclose(model.apply(3), d.apply([[3]]), { rtol: 0, atol: 0 });
  });

  test("a wrong input shape is a ShapeError naming the input and both shapes", () => {
    const { model } = chain();
    const before = model.getWeights();
    assert.throws(() => model.apply([[1, 2, 3, 4]]), {
      name: "ShapeError",
      message: `Model "${model.name}": expected input "a" of shape (None, 3), got shape (1, 4)`,
    });
    assert.throws(() => model.apply([1, 2, 3]), {
      name: "ShapeError",
      message: `Model "${model.name}": expected input "a" of shape (None, 3), got shape (3,)`,
    });
    model.getWeights().forEach((w, i) => allclose(w, before[i]!));
  });

  test("a known batch size is checked too", () => {
    const x = tg.input({ shape: [2], batchSize: 2, name: "fixed" });
    const model = new tg.Model({
      inputs: x,
      outputs: tg.layers.dense({ units: 1 }).apply(x),
    });
    assert.deepEqual(
      model.apply([
        [1, 2],
        [3, 4],
      ]).shape,
      [2, 1],
    );
    assert.throws(() => model.apply([[1, 2]]), {
      name: "ShapeError",
      message: `Model "${model.name}": expected input "fixed" of shape (2, 2), got shape (1, 2)`,
    });
  });
});

describe("several inputs and outputs, shared layers", () => {
  function twoByTwo() {
    tg.setSeed(5);
    const a = tg.input({ shape: [3], name: "in_a" });
    const b = tg.input({ shape: [3], name: "in_b" });
    const shared = tg.layers.dense({ units: 2, name: "shared" });
    const head = tg.layers.dense({ units: 1, name: "head" });
    const ha = shared.apply(a);
    const hb = shared.apply(b);
    const sum = new AddLayer({ name: "add" }).apply([ha, hb]);
    const out1 = head.apply(sum);
    return { a, b, shared, head, out1, out2: hb };
  }

  class AddLayer extends tg.layers.Layer {
    override call(xs: tg.Tensor[]): tg.Tensor {
      return tg.add(xs[0]!, xs[1]!);
    }
  }

  test("shared weights are counted once and their gradients summed", () => {
    const { a, b, shared, head, out1 } = twoByTwo();
    const model = new tg.Model({ inputs: [a, b], outputs: out1 });
    assert.equal(model.trainableVariables.length, 4);
    assert.equal(model.countParams(), 3 * 2 + 2 + 2 + 1);

    const xa = tg.tensor(X);
    const xb = tg.tensor(X).mul(-0.5).add(1);
    const tape = new tg.GradientTape();
    const y = model.apply([xa, xb]);
    const [gk] = tape.gradient(y.sum(), [shared.kernel]);
    // d(sum(head(shared(a) + shared(b))))/dK = (xa + xb)^T · 1 · headᵀ
    const ones = tg.ones([4, 1]);
    const upstream = ones.matMul(head.kernel.value.transpose());
    const expected = xa.add(xb).transpose().matMul(upstream);
    allclose(gk!, expected, { rtol: 1e-5, atol: 1e-6 });
  });

  test("a list of outputs gives a list; a record gives a record", () => {
    const { a, b, out1, out2 } = twoByTwo();
    const listed = new tg.Model({ inputs: [a, b], outputs: [out1, out2] });
    const [y1, y2] = listed.apply([tg.tensor(X), tg.tensor(X)]);
    assert.deepEqual(
      [y1!.shape, y2!.shape],
      [
        [4, 1],
        [4, 2],
      ],
    );
    assert.deepEqual(listed.outputNames, ["head", "shared"]);

    const keyed = new tg.Model({
      inputs: [a, b],
      outputs: { score: out1, code: out2 },
    });
    const r = keyed.apply([tg.tensor(X), tg.tensor(X)]);
    assert.deepEqual(Object.keys(r), ["score", "code"]);
    allclose(r.score, y1!, { rtol: 0, atol: 0 });
    allclose(r.code, y2!, { rtol: 0, atol: 0 });
    assert.deepEqual(keyed.outputNames, ["score", "code"]);
  });

  test("inputs as a list in order, or a record keyed by input name", () => {
    const { a, b, out2 } = twoByTwo();
    // out2 = shared(b): it sees the second input only.
    const model = new tg.Model({ inputs: [a, b], outputs: out2 });
    const xa = tg.tensor(X);
    const xb = tg.tensor(X).mul(2);
    const byList = model.apply([xa, xb]);
    const byName = model.apply({ in_b: xb, in_a: xa });
    allclose(byName, byList, { rtol: 0, atol: 0 });
    const swapped = model.apply([xb, xa]);
    assert.notDeepEqual(swapped.toArray(), byList.toArray());

    const keyed = new tg.Model({
      inputs: { first: a, second: b },
      outputs: out2,
    });
    assert.deepEqual(keyed.inputNames, ["first", "second"]);
    allclose(keyed.apply({ second: xb, first: xa }), byList, {
      rtol: 0,
      atol: 0,
    });
    allclose(keyed.apply([xa, xb]), byList, { rtol: 0, atol: 0 });
    assert.throws(() => model.apply({ in_a: xa }), {
      name: "ValueError",
      message: `Model "${model.name}": expected 2 inputs ["in_a","in_b"] as a list in that order or a record keyed by name, got a record with keys ["in_a"]`,
    });
  });

  test("layers in Keras's order: by depth, then as met from the outputs", () => {
    // a → d1 → d2 → out1; b → d3 → out2: Keras lists a, d1, b, d2, d3.
    const a = tg.input({ shape: [2], name: "oa" });
    const b = tg.input({ shape: [2], name: "ob" });
    const d1 = tg.layers.dense({ units: 2, name: "o1" });
    const d2 = tg.layers.dense({ units: 2, name: "o2" });
    const d3 = tg.layers.dense({ units: 2, name: "o3" });
    const model = new tg.Model({
      inputs: [a, b],
      outputs: [d2.apply(d1.apply(a)), d3.apply(b)],
    });
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ["oa", "o1", "ob", "o2", "o3"],
    );
  });

  test("summary shows Keras's Connected to column", () => {
    tg.clearSession();
    const { a, b, out1, out2 } = twoByTwo();
    const model = new tg.Model({
      name: "two",
      inputs: [a, b],
      outputs: [out1, out2],
    });
    const lines = summaryLines(model);
    assert.equal(lines[0], 'Model: "two"');
    const text = lines.join("\n");
    assert.match(
      lines[2]!,
      /Layer \(type\).*Output Shape.*Param #.*Connected to/,
    );
    const row = (name: string) => lines.find((l) => l.startsWith(`│ ${name}`))!;
    assert.match(row("in_a (InputLayer)"), /\(None, 3\) +│ +0 │ -/);
    // The shared layer: one row, both calls listed (wrapped onto two lines).
    const at = lines.findIndex((l) => l.startsWith("│ shared (Dense)"));
    assert.match(lines[at]!, /\(None, 2\) +│ +8 │ in_a\[0\]\[0\], +│$/);
    assert.match(lines[at + 1]!, /│ in_b\[0\]\[0\] +│$/);
    assert.match(row("add (AddLayer)"), /│ shared\[0\]\[0\], +│$/);
    assert.match(
      lines[lines.indexOf(row("add (AddLayer)")) + 1]!,
      /│ shared\[1\]\[0\] +│$/,
    );
    assert.match(row("head (Dense)"), /\(None, 1\) +│ +3 │ add\[0\]\[0\] +│$/);
    assert.equal(lines.filter((l) => / shared \(Dense\)/.test(l)).length, 1);
    assert.match(text, / Total params: 11 \(44\.00 B\)/);
  });

  test("a chain's summary has no Connected to column", () => {
    const { model } = chain();
    const lines = summaryLines(model);
    assert.ok(!lines.join("\n").includes("Connected to"));
    assert.match(
      lines.find((l) => l.startsWith("│ d1 (Dense)"))!,
      /\(None, 4\) +│ +16 │$/,
    );
  });
});

describe("nesting", () => {
  test("a functional model called inside another", () => {
    tg.setSeed(7);
    const innerIn = tg.input({ shape: [3] });
    const dense = tg.layers.dense({ units: 2 });
    const inner = new tg.Model({
      inputs: innerIn,
      outputs: dense.apply(innerIn),
    });
    const x = tg.input({ shape: [3] });
    const head = tg.layers.dense({ units: 1 });
    const hidden = inner.apply(x);
    assert.deepEqual(hidden.shape, [null, 2]);
    const outer = new tg.Model({ inputs: x, outputs: head.apply(hidden) });
    assert.equal(outer.trainableVariables.length, 4);
    const xs = tg.tensor(X);
    allclose(outer.apply(xs), head.apply(dense.apply(xs)), {
      rtol: 0,
      atol: 0,
    });
    // The inner model's layer reached directly as well: still counted once.
    const twice = new tg.Model({
      inputs: x,
      outputs: [head.apply(inner.apply(x)), dense.apply(x)],
    });
    assert.equal(twice.trainableVariables.length, 4);
  });

  test("a regularized layer reached twice adds its penalty once", () => {
    const x = tg.input({ shape: [3] });
    const d = tg.layers.dense({ units: 2, kernelRegularizer: "l2" });
    const inner = new tg.Model({ inputs: x, outputs: d.apply(x) });
    const y = tg.input({ shape: [3] });
    const outer = new tg.Model({
      inputs: y,
      outputs: [inner.apply(y), d.apply(y)],
    });
    assert.equal(outer.losses.length, 1);
    allclose(outer.losses[0]!, d.kernel.value.square().sum().mul(0.01), {
      rtol: 1e-6,
    });
  });

  test("a nested model with record outputs and named inputs", () => {
    const p = tg.input({ shape: [2], name: "p" });
    const q = tg.input({ shape: [2], name: "q" });
    const dp = tg.layers.dense({ units: 3 });
    const dq = tg.layers.dense({ units: 1 });
    const inner = new tg.Model({
      inputs: { p, q },
      outputs: { wide: dp.apply(p), narrow: dq.apply(q) },
    });
    const u = tg.input({ shape: [2] });
    const v = tg.input({ shape: [2] });
    const out = inner.apply({ q: v, p: u }) as unknown as Record<
      string,
      tg.SymbolicTensor
    >;
    assert.deepEqual(out.wide!.shape, [null, 3]);
    assert.deepEqual(out.narrow!.shape, [null, 1]);
    const outer = new tg.Model({
      inputs: [u, v],
      outputs: [out.narrow!, out.wide!],
    });
    const xu = tg.tensor([[1, 2]]);
    const xv = tg.tensor([[3, 4]]);
    const [n, w] = outer.apply([xu, xv]);
    allclose(n!, dq.apply(xv), { rtol: 0, atol: 0 });
    allclose(w!, dp.apply(xu), { rtol: 0, atol: 0 });
  });
});

describe("graph errors", () => {
  test("outputs that need an input the model does not take", () => {
    const a = tg.input({ shape: [2], name: "ga" });
    const b = tg.input({ shape: [2], name: "gb" });
    const y = tg.layers.dense({ units: 1 }).apply(b);
    assert.throws(
      () => new tg.Model({ name: "broken", inputs: a, outputs: y }),
      {
        name: "ValueError",
        message:
          'Model "broken": expected outputs computed from the model\'s inputs ["ga"], got outputs that need input "gb" (graph disconnected)',
      },
    );
  });

  test("inputs must come from tg.input; outputs must be symbolic", () => {
    const a = tg.input({ shape: [2] });
    const h = tg.layers.dense({ units: 2 }).apply(a);
    assert.throws(() => new tg.Model({ name: "m1", inputs: h, outputs: h }), {
      name: "ValueError",
      message: `Model "m1": expected inputs made by tg.input, got the output of layer "${h.node.layer.name}"`,
    });
    assert.throws(
      () =>
        new tg.Model({ name: "m2", inputs: a, outputs: tg.ones([2]) as never }),
      {
        name: "ValueError",
        message: /^Model "m2": expected outputs to be symbolic tensors/,
      },
    );
  });

  test("a tensor mixed with symbolic inputs is a ValueError", () => {
    const a = tg.input({ shape: [2] });
    const layer = new (class Pair extends tg.layers.Layer {
      override call(xs: tg.Tensor[]): tg.Tensor {
        return xs[0]!;
      }
    })({ name: "pair" });
    assert.throws(() => layer.apply([a, tg.ones([1, 2]) as never]), {
      name: "ValueError",
      message:
        'Pair "pair": expected only symbolic tensors in a functional model, got a tensor of shape [1,2] as input 1',
    });
  });
});
