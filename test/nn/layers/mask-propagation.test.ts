// SPDX-License-Identifier: Apache-2.0
/**
 * Keras-style masks: the layers that make them (Embedding with maskZero,
 * Masking) attach them to their outputs; layers that support masking pass
 * them on; merging layers combine them; GlobalAveragePooling1D and the
 * attention layers consume them; models pass them from layer to layer.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

/** The largest absolute difference between two tensors of one shape. */
function maxDiff(a: tg.Tensor, b: tg.Tensor): number {
  return tg.max(tg.abs(tg.sub(a, b))).item();
}

const ids = () =>
  tg.tensor(
    [
      [4, 2, 0, 0],
      [1, 3, 2, 0],
    ],
    undefined,
    "int32",
  );
const expected = [
  [true, true, false, false],
  [true, true, true, false],
];

function embed(): tg.layers.Embedding {
  return tg.layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true });
}

describe("mask propagation", () => {
  test("Embedding with maskZero attaches its mask; without, none", () => {
    const y = embed().apply(ids());
    assert.deepEqual(tg.layers.getMask(y)?.toArray(), expected);
    const plain = tg.layers.embedding({ inputDim: 5, outputDim: 3 });
    assert.equal(tg.layers.getMask(plain.apply(ids())), null);
  });

  test("Masking attaches any(x != maskValue) over the features", () => {
    const x = tg.tensor([
      [
        [1, 2],
        [-1, -1],
        [0, -1],
      ],
    ]);
    const y = tg.layers.masking({ maskValue: -1 }).apply(x);
    assert.deepEqual(tg.layers.getMask(y)?.toArray(), [[true, false, true]]);
  });

  test("layers that support masking pass it on; others drop it", () => {
    const e = embed().apply(ids());
    const d = tg.layers.dense({ units: 2 }).apply(e);
    const a = tg.layers.activation({ activation: "relu" }).apply(d);
    const n = tg.layers.layerNormalization().apply(a);
    assert.deepEqual(tg.layers.getMask(n)?.toArray(), expected);
    const c = tg.layers.conv1d({ filters: 2, kernelSize: 1 }).apply(e);
    assert.equal(tg.layers.getMask(c), null);
    const f = tg.layers.flatten().apply(e);
    assert.equal(tg.layers.getMask(f), null);
  });

  test("an explicit mask overrides the attached one", () => {
    const e = embed().apply(ids());
    const mask = tg.ones([2, 4], "bool");
    const y = tg.layers.dense({ units: 2 }).apply(e, { mask });
    assert.equal(tg.layers.getMask(y), mask);
  });

  test("merging layers combine masks (logical and)", () => {
    const e1 = embed().apply(ids());
    const other = tg.tensor(
      [
        [1, 1, 1, 0],
        [0, 1, 1, 1],
      ],
      undefined,
      "int32",
    );
    const e2 = embed().apply(other);
    const y = tg.layers.add().apply([e1, e2]);
    assert.deepEqual(tg.layers.getMask(y)?.toArray(), [
      [true, true, false, false],
      [false, true, true, false],
    ]);
    // One input without a mask: the other's mask.
    const z = tg.layers.multiply().apply([e1, tg.ones([2, 4, 3])]);
    assert.deepEqual(tg.layers.getMask(z)?.toArray(), expected);
  });

  test("Concatenate: a missing mask counts as all true", () => {
    const e = embed().apply(ids());
    const y = tg.layers.concatenate().apply([e, tg.ones([2, 4, 2])]);
    assert.deepEqual(y.shape, [2, 4, 5]);
    assert.deepEqual(tg.layers.getMask(y)?.toArray(), expected);
    // Along the time axis the masks are joined.
    const t = tg.layers.concatenate({ axis: 1 }).apply([e, tg.ones([2, 1, 3])]);
    assert.deepEqual(tg.layers.getMask(t)?.toArray(), [
      [true, true, false, false, true],
      [true, true, true, false, true],
    ]);
  });
});

describe("layers that consume masks", () => {
  test("GlobalAveragePooling1D averages the real steps only", () => {
    const x = tg.tensor([
      [
        [1, 10],
        [3, 20],
        [100, 100],
      ],
    ]);
    const mask = tg.tensor([[true, true, false]], undefined, "bool");
    const layer = tg.layers.globalAveragePooling1D();
    const y = layer.apply(x, { mask });
    assert.deepEqual(y.toArray(), [[2, 15]]);
    assert.equal(tg.layers.getMask(y), null);
    // channelsFirst: steps on the last axis.
    const cf = tg.layers.globalAveragePooling1D({
      dataFormat: "channelsFirst",
    });
    const yt = cf.apply(tg.transpose(x, [0, 2, 1]), { mask });
    assert.deepEqual(yt.toArray(), [[2, 15]]);
    assert.throws(
      () => layer.apply(x, { mask: tg.ones([1, 2], "bool") }),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        /GlobalAveragePooling1D ".*": expected a mask of shape \[1,3\], got shape \[1,2\]/.test(
          e.message,
        ),
    );
  });

  test("float64 gradient of the masked average", () => {
    const mask = tg.tensor([[true, false, true]], undefined, "bool");
    const layer = tg.layers.globalAveragePooling1D({ dtype: "float64" });
    const report = tg.testing.checkGradients(
      (x) => layer.apply(x, { mask }),
      [tg.randomNormal([1, 3, 2], 0, 1, "float64")],
    );
    assert.ok(report.maxError < 1e-7, JSON.stringify(report));
  });

  test("Sequential: Embedding(maskZero) → GlobalAveragePooling1D ignores padding", () => {
    tg.setSeed(3);
    const model = new tg.Sequential([
      tg.layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true }),
      tg.layers.globalAveragePooling1D(),
    ]);
    const y = model.apply(ids()).toArray() as number[][];
    const table = model.layers[0]!.getWeights()[0]!.toArray() as number[][];
    const meanOf = (rows: number[]) =>
      [0, 1, 2].map(
        (j) => rows.reduce((s, r) => s + table[r]![j]!, 0) / rows.length,
      );
    allclose(y[0]!, meanOf([4, 2]), { rtol: 1e-6, atol: 1e-7 });
    allclose(y[1]!, meanOf([1, 3, 2]), { rtol: 1e-6, atol: 1e-7 });
  });

  test("functional model: masks flow along the graph", () => {
    tg.setSeed(4);
    const inp = tg.input({ shape: [4], dtype: "int32" });
    const e = tg.layers
      .embedding({ inputDim: 5, outputDim: 3, maskZero: true })
      .apply(inp);
    const d = tg.layers.dense({ units: 3 }).apply(e);
    const out = tg.layers.globalAveragePooling1D().apply(d);
    const model = new tg.Model({ inputs: inp, outputs: out });
    const y = model.apply(ids());
    // The same layers by hand, the mask given explicitly.
    const [embedLayer, denseLayer] = [model.layers[1]!, model.layers[2]!];
    const h = denseLayer.apply(embedLayer.apply(ids()), { mask: null });
    const want = tg.layers
      .globalAveragePooling1D()
      .apply(h, { mask: tg.notEqual(ids(), 0) });
    assert.ok(maxDiff(y, want) < 1e-6);
    const unmasked = tg.layers
      .globalAveragePooling1D()
      .apply(h, { mask: null });
    assert.ok(maxDiff(y, unmasked) > 1e-3);
  });

  test("Attention takes the query's and value's attached masks", () => {
    tg.setSeed(5);
    const e = embed();
    const q = e.apply(ids());
    const v = e.apply(
      tg.tensor(
        [
          [1, 1, 2, 0],
          [3, 0, 0, 0],
        ],
        undefined,
        "int32",
      ),
    );
    const layer = tg.layers.attention();
    const auto = layer.apply([q, v]);
    const explicit = layer.apply([q, v], {
      mask: [tg.layers.getMask(q), tg.layers.getMask(v)],
    });
    const none = layer.apply([q, v], { mask: [null, null] });
    assert.deepEqual(auto.toArray(), explicit.toArray());
    assert.notDeepEqual(auto.toArray(), none.toArray());
    // The output carries the query's mask.
    assert.deepEqual(tg.layers.getMask(auto)?.toArray(), expected);
  });

  test("MultiHeadAttention takes the attached masks as query/value masks", () => {
    tg.setSeed(6);
    const e = embed();
    const q = e.apply(ids());
    const v = e.apply(
      tg.tensor(
        [
          [1, 2, 0, 0],
          [3, 4, 4, 0],
        ],
        undefined,
        "int32",
      ),
    );
    const layer = tg.layers.multiHeadAttention({ numHeads: 2, keyDim: 2 });
    const auto = layer.apply([q, v]);
    const explicit = layer.apply([q, v], {
      mask: [null, null],
      queryMask: tg.layers.getMask(q),
      valueMask: tg.layers.getMask(v),
    });
    const none = layer.apply([q, v], { mask: [null, null] });
    assert.ok(maxDiff(auto, explicit) < 1e-6);
    assert.ok(maxDiff(auto, none) > 1e-4);
    assert.deepEqual(tg.layers.getMask(auto)?.toArray(), expected);
  });
});

describe("losses read the prediction's mask, as Keras 3", () => {
  test("a masked prediction: the mean runs over the real steps", () => {
    const yTrue = tg.zeros([2, 3, 1]);
    const yPred = tg.layers.dense({
      units: 1,
      kernelInitializer: "ones",
      useBias: false,
    });
    const x = tg.tensor([
      [[1], [2], [3]],
      [[4], [5], [6]],
    ]);
    const mask = tg.tensor(
      [
        [true, true, false],
        [true, false, false],
      ],
      undefined,
      "bool",
    );
    const y = yPred.apply(x, { mask });
    const mse = new tg.losses.MeanSquaredError();
    // (1 + 4 + 16) / 3 real steps.
    assert.ok(Math.abs(mse.call(yTrue, y).item() - 7) < 1e-6);
    // sum: the masked steps add nothing.
    const total = new tg.losses.MeanSquaredError({ reduction: "sum" });
    assert.ok(Math.abs(total.call(yTrue, y).item() - 21) < 1e-6);
    // Without a mask, every step counts.
    assert.ok(Math.abs(mse.call(yTrue, x).item() - 91 / 6) < 1e-5);
  });

  test("fit trains on the real steps only", () => {
    tg.setSeed(8);
    const model = new tg.Sequential([
      tg.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true }),
      tg.layers.dense({ units: 1 }),
    ]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = ids();
    const yTrue = tg.ones([2, 4, 1]);
    const before = model.apply(x);
    const m = tg.cast(tg.notEqual(x, 0), "float32");
    const sq = tg.squeeze(tg.square(tg.sub(before, yTrue)), [-1]);
    const want = tg.sum(tg.mul(sq, m)).item() / tg.sum(m).item();
    const got = model.trainOnBatch(x, yTrue) as number;
    assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
  });
});
