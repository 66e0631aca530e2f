// SPDX-License-Identifier: Apache-2.0
/**
 * Attention layers (src/nn/layers/attention.ts): values against hand
 * computations (softmax(Q·Kᵀ)·V for Attention, softmax(Q·Kᵀ/√d)·V per head
 * for MultiHeadAttention), causal and padding masks, output shapes eager
 * and symbolic, weights, configs, training, float64 gradient checks and
 * errors. TensorFlow.js has no attention layers, so there is no
 * agreement test (the last test checks that this is still so).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

type M = number[][];

const mm = (a: M, b: M): M =>
  a.map((r) =>
    b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)),
  );
const tr = (a: M): M => a[0]!.map((_, j) => a.map((r) => r[j]!));
const softmaxRows = (a: M): M =>
  a.map((r) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((x, y) => x + y, 0);
    return e.map((v) => v / s);
  });
const scaleM = (a: M, c: number): M => a.map((r) => r.map((v) => v * c));

/** Random [b, t, d] values, as arrays, from a seed. */
function rand(shape: [number, number, number], seed: number): number[][][] {
  return tg
    .randomUniform(shape, -1, 1, "float64", seed)
    .toArray() as number[][][];
}

const Q = rand([2, 3, 4], 1);
const V = rand([2, 5, 4], 2);
const K = rand([2, 5, 4], 3);

describe("Attention: values", () => {
  test("dot: softmax(Q·Kᵀ)·V, no 1/√d (as Keras)", () => {
    const layer = tg.layers.attention({ dtype: "float64" });
    const y = layer.apply([
      tg.tensor(Q, undefined, "float64"),
      tg.tensor(V, undefined, "float64"),
      tg.tensor(K, undefined, "float64"),
    ]);
    assert.deepEqual(y.shape, [2, 3, 4]);
    const want = Q.map((q, b) => mm(softmaxRows(mm(q, tr(K[b]!))), V[b]!));
    allclose(y, want, { rtol: 1e-12, atol: 1e-12 });
    assert.equal(layer.weights.length, 0);
  });

  test("the key defaults to the value", () => {
    const layer = tg.layers.attention();
    const y = layer.apply([tg.tensor(Q), tg.tensor(V)]);
    const want = Q.map((q, b) => mm(softmaxRows(mm(q, tr(V[b]!))), V[b]!));
    allclose(y, want, { rtol: 1e-5, atol: 1e-6 });
  });

  test("useScale: one scalar weight, initialised to 1, scales the scores", () => {
    const layer = tg.layers.attention({ useScale: true });
    layer.apply([tg.tensor(Q), tg.tensor(V)]);
    assert.deepEqual(
      layer.weights.map((w) => [w.name, w.shape]),
      [[`${layer.name}/scale`, []]],
    );
    assert.equal(layer.scale!.value.item(), 1);
    layer.setWeights([tg.scalar(2.5)]);
    const y = layer.apply([tg.tensor(Q), tg.tensor(V)]);
    const want = Q.map((q, b) =>
      mm(softmaxRows(scaleM(mm(q, tr(V[b]!)), 2.5)), V[b]!),
    );
    allclose(y, want, { rtol: 1e-5, atol: 1e-6 });
  });

  test("concat: c · Σ_d tanh(scale · (q_i + k_j))", () => {
    const layer = tg.layers.attention({ scoreMode: "concat", useScale: true });
    layer.apply([tg.tensor(Q), tg.tensor(V), tg.tensor(K)]);
    assert.equal(layer.weights.length, 2);
    layer.setWeights([tg.scalar(0.7), tg.scalar(1.3)]); // scale, concat weight
    const y = layer.apply([tg.tensor(Q), tg.tensor(V), tg.tensor(K)]);
    const want = Q.map((q, b) => {
      const s = q.map((qi) =>
        K[b]!.map(
          (kj) =>
            1.3 *
            qi.reduce((acc, v, d) => acc + Math.tanh(0.7 * (v + kj[d]!)), 0),
        ),
      );
      return mm(softmaxRows(s), V[b]!);
    });
    allclose(y, want, { rtol: 1e-5, atol: 1e-6 });
  });

  test("AdditiveAttention: Σ_d scale_d · tanh(q_i + k_j)", () => {
    const layer = tg.layers.additiveAttention();
    layer.apply([tg.tensor(Q), tg.tensor(V), tg.tensor(K)]);
    assert.deepEqual(
      layer.weights.map((w) => w.shape),
      [[4]],
    );
    const scale = [0.5, -1, 2, 0.25];
    layer.setWeights([tg.tensor(scale)]);
    const y = layer.apply([tg.tensor(Q), tg.tensor(V), tg.tensor(K)]);
    const want = Q.map((q, b) => {
      const s = q.map((qi) =>
        K[b]!.map((kj) =>
          qi.reduce((acc, v, d) => acc + scale[d]! * Math.tanh(v + kj[d]!), 0),
        ),
      );
      return mm(softmaxRows(s), V[b]!);
    });
    allclose(y, want, { rtol: 1e-5, atol: 1e-6 });
    const plain = tg.layers.additiveAttention({ useScale: false });
    plain.apply([tg.tensor(Q), tg.tensor(V)]);
    assert.equal(plain.weights.length, 0);
  });

  test("a small case by hand", () => {
    // scores [1, 0] → weights [e/(e+1), 1/(e+1)] = [0.7311, 0.2689]
    const y = tg.layers.attention().apply([
      tg.tensor([[[1, 0]]]),
      tg.tensor([
        [
          [1, 0],
          [0, 1],
        ],
      ]),
    ]);
    const a = Math.E / (Math.E + 1);
    allclose(y, [[[a, 1 - a]]], { rtol: 1e-6 });
  });
});

describe("Attention: masks", () => {
  const q = tg.tensor(Q);
  const v = tg.tensor(V);

  test("the causal mask zeroes the weights of the future", () => {
    const x = tg.tensor(rand([2, 4, 3], 4));
    const layer = tg.layers.attention();
    const [y, w] = layer.applyWithScores([x, x], { useCausalMask: true });
    const wa = w.toArray() as number[][][];
    for (const m of wa)
      m.forEach((row, i) => {
        row.forEach((p, j) => {
          if (j > i) assert.equal(p, 0);
          else assert.ok(p > 0);
        });
        allclose(
          row.reduce((s, p) => s + p, 0),
          1,
          { rtol: 1e-6 },
        );
      });
    // The first step sees only itself.
    const ya = y.toArray() as number[][][];
    const xa = x.toArray() as number[][][];
    allclose(
      ya.map((m) => m[0]!),
      xa.map((m) => m[0]!),
      { rtol: 1e-6 },
    );
    // Through the call options and through the constructor alike.
    allclose(layer.apply([x, x], { useCausalMask: true }), y);
    allclose(tg.layers.attention({ useCausalMask: true }).apply([x, x]), y);
    // Changing the future does not change the past.
    const x2 = tg.concat(
      [tg.slice(x, [0, 0, 0], [2, 3, 3]), tg.ones([2, 1, 3])],
      1,
    );
    const y2 = layer
      .apply([x2, x2], { useCausalMask: true })
      .toArray() as number[][][];
    allclose(
      y2.map((m) => m.slice(0, 3)),
      ya.map((m) => m.slice(0, 3)),
      { rtol: 1e-6 },
    );
  });

  test("a value mask leaves out values; a query mask zeroes outputs", () => {
    const vMask = [
      [true, true, false, true, false],
      [true, false, false, false, false],
    ];
    const qMask = [
      [true, false, true],
      [true, true, true],
    ];
    const layer = tg.layers.attention();
    const y = layer.apply([q, v], { mask: [qMask, vMask] });
    const want = Q.map((qb, b) => {
      const keep = V[b]!.filter((_, j) => vMask[b]![j]);
      const out = mm(softmaxRows(mm(qb, tr(keep))), keep);
      return out.map((r, i) => (qMask[b]![i] ? r : r.map(() => 0)));
    });
    allclose(y, want, { rtol: 1e-5, atol: 1e-6 });
    // A value mask only; 0/1 numbers work as booleans.
    const y2 = layer.apply([q, v], {
      mask: [null, vMask.map((r) => r.map(Number))],
    });
    allclose(
      tg.slice(y2, [0, 1, 0], [1, 1, 4]),
      tg.slice(
        layer.apply([q, v], { mask: [null, vMask] }),
        [0, 1, 0],
        [1, 1, 4],
      ),
    );
    assert.notDeepEqual((y2.toArray() as number[][][])[0]![1], [0, 0, 0, 0]);
  });

  test("a mask of the wrong shape is a ShapeError", () => {
    const layer = tg.layers.attention();
    assert.throws(
      () => layer.apply([q, v], { mask: [null, tg.ones([2, 4], "bool")] }),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        /^Attention "attention(_\d+)?": expected a value mask of shape \[2,5\], got shape \[2,4\]$/.test(
          e.message,
        ),
    );
    assert.throws(
      () => layer.apply([q, v], { mask: [tg.ones([3, 3]), null] }),
      tg.ShapeError,
    );
    assert.throws(
      () => layer.apply([q, v], { mask: [null] as never }),
      tg.ValueError,
    );
  });
});

/** Keras's MultiHeadAttention by hand, from its weights, for rank 3. */
function mhaByHand(
  layer: tg.layers.MultiHeadAttention,
  q: number[][][],
  v: number[][][],
  k: number[][][],
  mask?: number[][][],
): number[][][] {
  const w = layer.getWeights().map((t) => t.toArray());
  const [wq, bq, wk, bk, wv, bv, wo, bo] = w as [
    number[][][],
    M,
    number[][][],
    M,
    number[][][],
    M,
    number[][][],
    number[],
  ];
  const h = layer.numHeads;
  const head = (x: M, kern: number[][][], bias: M, i: number): M =>
    x.map((row) =>
      bias[i]!.map(
        (b0, c) => b0 + row.reduce((s, xv, d) => s + xv * kern[d]![i]![c]!, 0),
      ),
    );
  return q.map((qb, b) => {
    const out = qb.map(() => bo.map((x) => x));
    for (let i = 0; i < h; i++) {
      const Qh = scaleM(head(qb, wq, bq, i), 1 / Math.sqrt(layer.keyDim));
      const Kh = head(k[b]!, wk, bk, i);
      const Vh = head(v[b]!, wv, bv, i);
      let s = mm(Qh, tr(Kh));
      if (mask)
        s = s.map((r, t) => r.map((x, j) => (mask[b]![t]![j] ? x : x - 1e9)));
      const ctx = mm(softmaxRows(s), Vh);
      ctx.forEach((r, t) =>
        out[t]!.forEach((_, o) => {
          out[t]![o] =
            out[t]![o]! + r.reduce((acc, x, c) => acc + x * wo[i]![c]![o]!, 0);
        }),
      );
    }
    return out;
  });
}

function randomizeBiases(layer: tg.layers.Layer, seed: number): void {
  layer.setWeights(
    layer
      .getWeights()
      .map((w, i) => tg.randomUniform(w.shape, -0.5, 0.5, w.dtype, seed + i)),
  );
}

describe("MultiHeadAttention: values", () => {
  test("one head with identity projections: softmax(Q·Kᵀ/√d)·V", () => {
    const d = 4;
    const layer = tg.layers.multiHeadAttention({
      numHeads: 1,
      keyDim: d,
      dtype: "float64",
    });
    const f64 = (x: number[][][]) => tg.tensor(x, undefined, "float64");
    layer.build([
      [null, 3, d],
      [null, 5, d],
      [null, 5, d],
    ]);
    const eye = tg.reshape(tg.eye(d, d, [], "float64"), [d, 1, d]);
    const zero = tg.zeros([1, d], "float64");
    layer.setWeights([
      eye,
      zero,
      eye,
      zero,
      eye,
      zero,
      tg.reshape(eye, [1, d, d]),
      tg.zeros([d], "float64"),
    ]);
    const y = layer.apply([f64(Q), f64(V), f64(K)]);
    const want = Q.map((q, b) =>
      mm(softmaxRows(scaleM(mm(q, tr(K[b]!)), 1 / Math.sqrt(d))), V[b]!),
    );
    allclose(y, want, { rtol: 1e-12, atol: 1e-12 });
  });

  test("several heads, random weights and biases, against Keras's formula", () => {
    const layer = tg.layers.multiHeadAttention({
      numHeads: 3,
      keyDim: 2,
      valueDim: 5,
      outputShape: 6,
    });
    const k = rand([2, 5, 7], 5);
    layer.apply([tg.tensor(Q), tg.tensor(V), tg.tensor(k)]);
    randomizeBiases(layer, 20);
    const y = layer.apply([tg.tensor(Q), tg.tensor(V), tg.tensor(k)]);
    assert.deepEqual(y.shape, [2, 3, 6]);
    allclose(y, mhaByHand(layer, Q, V, k), { rtol: 1e-4, atol: 1e-5 });
  });

  test("weights: Keras's names, order and shapes; useBias false", () => {
    const layer = tg.layers.multiHeadAttention({
      numHeads: 2,
      keyDim: 3,
      valueDim: 4,
      name: "mha",
    });
    layer.apply([tg.ones([1, 2, 5]), tg.ones([1, 6, 7]), tg.ones([1, 6, 8])]);
    assert.deepEqual(
      layer.weights.map((w) => [w.name, w.shape]),
      [
        ["mha/query/kernel", [5, 2, 3]],
        ["mha/query/bias", [2, 3]],
        ["mha/key/kernel", [8, 2, 3]],
        ["mha/key/bias", [2, 3]],
        ["mha/value/kernel", [7, 2, 4]],
        ["mha/value/bias", [2, 4]],
        ["mha/attention_output/kernel", [2, 4, 5]],
        ["mha/attention_output/bias", [5]],
      ],
    );
    assert.equal(layer.countParams(), 30 + 6 + 48 + 6 + 56 + 8 + 40 + 5);
    const noBias = tg.layers.multiHeadAttention({
      numHeads: 2,
      keyDim: 3,
      useBias: false,
    });
    noBias.apply([tg.ones([1, 2, 5]), tg.ones([1, 6, 5])]);
    assert.deepEqual(
      noBias.weights.map((w) => w.shape),
      [
        [5, 2, 3],
        [5, 2, 3],
        [5, 2, 3],
        [2, 3, 5],
      ],
    );
    // Biases start at zero.
    assert.ok(Array.from(layer.getWeights()[1]!.data).every((x) => x === 0));
  });

  test("attention mask, causal mask and padding masks", () => {
    const layer = tg.layers.multiHeadAttention({ numHeads: 2, keyDim: 3 });
    const x = tg.tensor(rand([2, 4, 4], 6));
    layer.apply([x, x]);
    randomizeBiases(layer, 30);
    const xa = x.toArray() as number[][][];
    const causal = [0, 1].map(() =>
      [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (j <= i ? 1 : 0))),
    );
    const [yc, wc] = layer.applyWithScores([x, x], { useCausalMask: true });
    allclose(yc, mhaByHand(layer, xa, xa, xa, causal), {
      rtol: 1e-4,
      atol: 1e-5,
    });
    assert.deepEqual(wc.shape, [2, 2, 4, 4]);
    const wa = wc.toArray() as number[][][][];
    for (const b of wa)
      for (const h of b)
        h.forEach((row, i) =>
          row.forEach((p, j) => assert.ok(j > i ? p === 0 : p > 0)),
        );
    // The same mask given as an attention mask.
    allclose(layer.apply([x, x], { attentionMask: causal }), yc);
    // Padding masks: value [B, S] and query [B, T] combine with it.
    const vMask = [
      [1, 1, 0, 1],
      [1, 0, 1, 1],
    ];
    const combined = causal.map((m, b) =>
      m.map((r) => r.map((c, j) => c * vMask[b]![j]!)),
    );
    allclose(
      layer.apply([x, x], { useCausalMask: true, valueMask: vMask }),
      mhaByHand(layer, xa, xa, xa, combined),
      { rtol: 1e-4, atol: 1e-5 },
    );
    // A fully masked query row: weights are 0 (Keras's Softmax layer).
    const qMask = [
      [1, 1, 1, 0],
      [1, 1, 1, 1],
    ];
    const [, wq] = layer.applyWithScores([x, x], { queryMask: qMask });
    const wqa = wq.toArray() as number[][][][];
    assert.deepEqual(wqa[0]![1]![3], [0, 0, 0, 0]);
    allclose(
      wqa[1]![0]![2]!.reduce((s, p) => s + p, 0),
      1,
      { rtol: 1e-6 },
    );
  });

  test("a mask of the wrong shape is a ShapeError", () => {
    const layer = tg.layers.multiHeadAttention({ numHeads: 1, keyDim: 2 });
    const q = tg.ones([2, 3, 4]);
    const v = tg.ones([2, 5, 4]);
    assert.throws(
      () => layer.apply([q, v], { attentionMask: tg.ones([2, 5, 3]) }),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message.startsWith("MultiHeadAttention") &&
        e.message.includes(
          "expected an attentionMask of shape [2,3,5], got shape [2,5,3]",
        ),
    );
    assert.throws(
      () => layer.apply([q, v], { valueMask: tg.ones([2, 3]) }),
      tg.ShapeError,
    );
    // A mask of batch 1 broadcasts.
    assert.deepEqual(
      layer.apply([q, v], { attentionMask: tg.ones([1, 3, 5]) }).shape,
      [2, 3, 4],
    );
  });

  test("rank-4 inputs attend over both middle axes", () => {
    const layer = tg.layers.multiHeadAttention({ numHeads: 2, keyDim: 2 });
    const x = tg.randomUniform([2, 2, 3, 4], -1, 1, "float32", 7);
    const y = layer.apply([x, x]);
    assert.deepEqual(y.shape, [2, 2, 3, 4]);
    // The same as flattening the middle axes to one of 6.
    const flat = tg.reshape(x, [2, 6, 4]);
    allclose(tg.reshape(layer.apply([flat, flat]), [2, 2, 3, 4]), y, {
      rtol: 1e-5,
    });
  });

  test("dropout acts in training only", () => {
    const layer = tg.layers.multiHeadAttention({
      numHeads: 2,
      keyDim: 2,
      dropout: 0.5,
      seed: 3,
    });
    const x = tg.tensor(rand([2, 4, 4], 8));
    const a = layer.apply([x, x]);
    allclose(layer.apply([x, x], { training: false }), a);
    assert.notDeepEqual(
      layer.apply([x, x], { training: true }).toArray(),
      a.toArray(),
    );
    const att = tg.layers.attention({ dropout: 0.5, seed: 1 });
    const b = att.apply([x, x]);
    assert.notDeepEqual(
      att.apply([x, x], { training: true }).toArray(),
      b.toArray(),
    );
  });
});

describe("shapes", () => {
  test("eager output shapes", () => {
    const cases: [tg.layers.Layer, number[][], number[]][] = [
      [
        tg.layers.attention(),
        [
          [2, 3, 4],
          [2, 5, 6],
          [2, 5, 4],
        ],
        [2, 3, 6],
      ],
      [
        tg.layers.attention({ scoreMode: "concat" }),
        [
          [1, 1, 2],
          [1, 7, 3],
          [1, 7, 2],
        ],
        [1, 1, 3],
      ],
      [
        tg.layers.additiveAttention(),
        [
          [3, 2, 5],
          [3, 4, 5],
        ],
        [3, 2, 5],
      ],
      [
        tg.layers.multiHeadAttention({ numHeads: 2, keyDim: 3 }),
        [
          [2, 3, 4],
          [2, 5, 6],
        ],
        [2, 3, 4],
      ],
      [
        tg.layers.multiHeadAttention({
          numHeads: 1,
          keyDim: 3,
          outputShape: [2, 3],
        }),
        [
          [2, 3, 4],
          [2, 5, 6],
        ],
        [2, 3, 2, 3],
      ],
    ];
    for (const [layer, shapes, want] of cases) {
      const y = layer.apply(shapes.map((s) => tg.ones(s)));
      assert.deepEqual(y.shape, want);
      assert.deepEqual(
        layer.computeOutputShape(shapes.map((s) => [null, ...s.slice(1)])),
        [null, ...want.slice(1)],
      );
    }
  });

  test("symbolic shapes, and a causal functional model", () => {
    const q = tg.input({ shape: [3, 4] });
    const v = tg.input({ shape: [5, 6] });
    const k = tg.input({ shape: [5, 4] });
    assert.deepEqual(tg.layers.attention().apply([q, v, k]).shape, [
      null,
      3,
      6,
    ]);
    assert.deepEqual(
      tg.layers.multiHeadAttention({ numHeads: 2, keyDim: 2 }).apply([q, v])
        .shape,
      [null, 3, 4],
    );
    const x = tg.input({ shape: [4, 3] });
    const layer = tg.layers.attention({ useCausalMask: true });
    const model = new tg.Model({ inputs: x, outputs: layer.apply([x, x]) });
    const data = tg.tensor(rand([2, 4, 3], 9), undefined, "float32");
    allclose(
      model.apply(data),
      tg.layers.attention().apply([data, data], { useCausalMask: true }),
    );
    assert.throws(
      () => tg.layers.attention().apply([x, x], { useCausalMask: true }),
      tg.ValueError,
    );
    assert.throws(
      () =>
        tg.layers
          .multiHeadAttention({ numHeads: 1, keyDim: 2 })
          .apply([x, x], { useCausalMask: true }),
      tg.ValueError,
    );
  });
});

describe("training", () => {
  test("tape + SGD trains MultiHeadAttention's weights and its inputs", () => {
    tg.setSeed(5);
    const layer = tg.layers.multiHeadAttention({ numHeads: 2, keyDim: 2 });
    const x = new tg.Variable(
      tg.tensor(rand([2, 3, 4], 10), undefined, "float32"),
    );
    const target = tg.tensor(rand([2, 3, 4], 11), undefined, "float32");
    const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
    const loss = () => tg.mean(tg.square(tg.sub(layer.apply([x, x]), target)));
    const first = loss().item();
    const before = layer.getWeights().map((w) => w.toArray());
    for (let i = 0; i < 5; i++) {
      const tape = new tg.GradientTape();
      const l = loss();
      const vars = [...layer.trainableVariables, x];
      const grads = tape.gradient(l, vars);
      assert.equal(grads.length, 9);
      opt.applyGradients(tg.zip(grads, vars));
    }
    assert.ok(loss().item() < first);
    layer
      .getWeights()
      .forEach((w, i) => assert.notDeepEqual(w.toArray(), before[i]));
  });

  test("fit trains a functional model with Attention(useScale)", () => {
    tg.setSeed(6);
    const x = tg.input({ shape: [3, 2] });
    const att = tg.layers.attention({ useScale: true });
    const y = tg.layers.dense({ units: 1 }).apply(att.apply([x, x]));
    const model = new tg.Model({ inputs: x, outputs: y });
    model.compile({ optimizer: "sgd", loss: "mse" });
    const data = tg.tensor(rand([4, 3, 2], 12), undefined, "float32");
    const h = model.fit(data, tg.ones([4, 3, 1]), { epochs: 3, verbose: 0 });
    assert.notEqual(att.scale!.value.item(), 1);
    assert.ok(h.history.loss![2]! < h.history.loss![0]!);
  });
});

describe("MultiHeadAttention: regularizers and constraints", () => {
  test("an l2 kernel penalty per kernel; non_neg keeps kernels >= 0", () => {
    const layer = tg.layers.multiHeadAttention({
      numHeads: 2,
      keyDim: 2,
      kernelRegularizer: "l2",
      kernelConstraint: "non_neg",
    });
    const x = tg.tensor(rand([2, 3, 4], 17), undefined, "float32");
    layer.apply([x, x]);
    const kernels = [
      layer.queryKernel,
      layer.keyKernel,
      layer.valueKernel,
      layer.outputKernel,
    ];
    const losses = layer.losses;
    assert.equal(losses.length, 4);
    losses.forEach((l, i) => {
      const w = Array.from(kernels[i]!.value.data);
      allclose(l, 0.01 * w.reduce((acc, v) => acc + v * v, 0), {
        rtol: 1e-5,
      });
    });
    const opt = new tg.optimizers.SGD({ learningRate: 0.5 });
    const tape = new tg.GradientTape();
    const l = tg.mean(tg.square(layer.apply([x, x])));
    const vars = layer.trainableVariables;
    opt.applyGradients(tg.zip(tape.gradient(l, vars), vars));
    for (const k of kernels)
      assert.ok(Array.from(k.value.data).every((v) => v >= 0));
    const config = layer.getConfig();
    assert.ok(config.kernelRegularizer !== undefined);
    assert.ok(config.kernelConstraint !== undefined);
    const copy = tg.layers.MultiHeadAttention.fromConfig(config);
    assert.deepEqual(copy.getConfig(), config);
  });
});

describe("float64 gradients with respect to the inputs", () => {
  const q = rand([2, 3, 2], 13);
  const v = rand([2, 4, 2], 14);
  const k = rand([2, 4, 2], 15);
  const cases: [
    string,
    () => tg.layers.Layer,
    tg.layers.AttentionCallOptions,
  ][] = [
    [
      "Attention dot",
      () => tg.layers.attention({ useScale: true, dtype: "float64" }),
      {},
    ],
    [
      "Attention concat",
      () => tg.layers.attention({ scoreMode: "concat", dtype: "float64" }),
      {},
    ],
    [
      "Attention with masks",
      () => tg.layers.attention({ dtype: "float64" }),
      {
        mask: [
          [
            [1, 0, 1],
            [1, 1, 1],
          ],
          [
            [1, 1, 0, 1],
            [0, 1, 1, 1],
          ],
        ],
      },
    ],
    [
      "AdditiveAttention",
      () => tg.layers.additiveAttention({ dtype: "float64" }),
      {},
    ],
    [
      "MultiHeadAttention",
      () =>
        tg.layers.multiHeadAttention({
          numHeads: 2,
          keyDim: 2,
          dtype: "float64",
        }),
      {},
    ],
  ];
  for (const [name, make, options] of cases) {
    test(name, () => {
      const layer = make();
      const report = tg.testing.checkGradients(
        (a, b, c) => layer.apply([a, b, c], options as tg.layers.CallOptions),
        [q, v, k],
      );
      assert.ok(report.maxError < 1e-6, `${name}: ${report.maxError}`);
    });
  }

  test("MultiHeadAttention with a causal mask", () => {
    const layer = tg.layers.multiHeadAttention({
      numHeads: 2,
      keyDim: 2,
      dtype: "float64",
    });
    const x = rand([1, 3, 2], 16);
    tg.testing.checkGradients(
      (a) => layer.apply([a, a], { useCausalMask: true }),
      [x],
    );
  });
});

describe("configs", () => {
  test("getConfig / fromConfig round trips", () => {
    const cases: [tg.layers.Layer, Record<string, unknown>][] = [
      [
        tg.layers.attention({
          useScale: true,
          scoreMode: "concat",
          dropout: 0.1,
        }),
        {
          useScale: true,
          scoreMode: "concat",
          dropout: 0.1,
          useCausalMask: false,
        },
      ],
      [
        tg.layers.additiveAttention({ useScale: false }),
        { useScale: false, dropout: 0 },
      ],
      [
        tg.layers.multiHeadAttention({
          numHeads: 3,
          keyDim: 2,
          valueDim: 5,
          outputShape: 4,
          useBias: false,
          dropout: 0.2,
          seed: 7,
        }),
        {
          numHeads: 3,
          keyDim: 2,
          valueDim: 5,
          outputShape: [4],
          useBias: false,
          dropout: 0.2,
          seed: 7,
          attentionAxes: null,
        },
      ],
    ];
    for (const [layer, extra] of cases) {
      const config = layer.getConfig();
      for (const [key, value] of Object.entries(extra))
        assert.deepEqual(config[key], value, key);
      const Class = layer.constructor as typeof tg.layers.Layer;
      const copy = Class.fromConfig(config);
      assert.equal(copy.constructor, layer.constructor);
      assert.deepEqual(copy.getConfig(), config);
    }
    assert.equal(
      "scoreMode" in tg.layers.additiveAttention().getConfig(),
      false,
    );
    assert.equal(
      tg.layers.multiHeadAttention({ numHeads: 1, keyDim: 4 }).valueDim,
      4,
    );
  });
});

describe("errors", () => {
  test("key and value of different lengths is a ShapeError", () => {
    const q = tg.ones([2, 3, 4]);
    const v = tg.ones([2, 5, 4]);
    const k = tg.ones([2, 6, 4]);
    const layers: tg.layers.Layer[] = [
      tg.layers.attention(),
      tg.layers.additiveAttention(),
      tg.layers.multiHeadAttention({ numHeads: 1, keyDim: 2 }),
    ];
    for (const layer of layers) {
      assert.throws(
        () => layer.apply([q, v, k]),
        (e: Error) =>
          e instanceof tg.ShapeError &&
          e.message.startsWith(
            `${layer.className} "${layer.name}": expected key and value of the same`,
          ),
      );
      assert.equal(layer.weights.length, 0);
    }
  });

  test("bad inputs and options", () => {
    const att = tg.layers.attention();
    assert.throws(() => att.apply([tg.ones([2, 3, 4])]), tg.ValueError);
    assert.throws(
      () => att.apply([tg.ones([2, 4]), tg.ones([2, 4])]),
      tg.ShapeError,
    );
    assert.throws(
      () => att.apply([tg.ones([2, 3, 4]), tg.ones([2, 5, 3])]),
      /query and key of the same last dimension/,
    );
    assert.throws(
      () => tg.layers.attention({ scoreMode: "general" as never }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          'Attention: expected scoreMode "dot" or "concat", got scoreMode="general"',
    );
    assert.throws(
      () => tg.layers.attention({ dropout: 1 }),
      /expected dropout in \[0, 1\), got dropout=1/,
    );
    assert.throws(
      () => tg.layers.multiHeadAttention({ numHeads: 0, keyDim: 2 }),
      /^ValueError: MultiHeadAttention: expected numHeads to be a positive integer, got numHeads=0$|numHeads=0/,
    );
    assert.throws(
      () =>
        tg.layers.multiHeadAttention({
          numHeads: 1,
          keyDim: 2,
          attentionAxes: [1],
        }),
      tg.ValueError,
    );
    assert.throws(
      () => tg.layers.additiveAttention({ scoreMode: "dot" } as never),
      tg.ValueError,
    );
    const mha = tg.layers.multiHeadAttention({ numHeads: 1, keyDim: 2 });
    mha.apply([tg.ones([1, 2, 3]), tg.ones([1, 2, 3])]);
    assert.throws(
      () => mha.apply([tg.ones([1, 2, 4]), tg.ones([1, 2, 3])]),
      /expected a query whose last dimension is 3, got shape \[1,2,4\]/,
    );
  });

  test("TensorFlow.js has no attention layers", async () => {
    const tf = await loadTf();
    const names = Object.keys(tf.layers).map((n) => n.toLowerCase());
    assert.equal(
      names.some((n) => n.includes("attention")),
      false,
    );
    assert.ok(names.includes("dense"));
  });
});
