// SPDX-License-Identifier: Apache-2.0
/**
 * TimeDistributed and Bidirectional (src/nn/layers/wrappers.ts): shapes
 * (eager and symbolic), weights (the inner layers', Keras's order),
 * config round trips, values by hand (Bidirectional against its two
 * directions run separately) and against TensorFlow.js, gradients, masks,
 * stateful, a training step, typed errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import type * as TF from "@tensorflow/tfjs";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

function values(shape: number[], dtype: tg.DType = "float32"): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + 0.3));
  return tg.tensor(flat, shape, dtype);
}

const KERNEL = [
  [0.5, -1],
  [2, 0.25],
  [-0.5, 1.5],
];
const BIAS = [0.1, -0.2];

function wrapped(dtype: tg.DType = "float32") {
  const layer = new tg.layers.TimeDistributed(
    tg.layers.dense({ units: 2, dtype }),
    { dtype },
  );
  layer.build([null, 4, 3]);
  layer.setWeights([KERNEL, BIAS]);
  return layer;
}

describe("TimeDistributed", () => {
  test("output shapes, eager and symbolic", () => {
    const cases: [number[], () => tg.layers.Layer, number[]][] = [
      [[2, 3, 4], () => tg.layers.dense({ units: 5 }), [2, 3, 5]],
      [[1, 4, 2, 3], () => tg.layers.dense({ units: 2 }), [1, 4, 2, 2]],
      [[2, 3, 2, 2], () => tg.layers.flatten(), [2, 3, 4]],
    ];
    for (const [shape, inner, out] of cases) {
      const layer = new tg.layers.TimeDistributed(inner());
      assert.deepEqual(layer.apply(values(shape)).shape, out);
      const sym = tg.input({ shape: shape.slice(1) });
      const y = new tg.layers.TimeDistributed({ layer: inner() }).apply(sym);
      assert.deepEqual(y.shape, [null, ...out.slice(1)]);
    }
  });

  test("weights are the inner layer's, shared by all timesteps", () => {
    const dense = tg.layers.dense({ units: 4 });
    const layer = tg.layers.timeDistributed({ layer: dense });
    layer.apply(values([2, 5, 3]));
    assert.equal(layer.weights.length, 2);
    assert.deepEqual(
      layer.weights.map((w) => w.shape),
      [[3, 4], [4]],
    );
    assert.equal(layer.weights[0], dense.kernel);
    assert.equal(layer.trainableWeights.length, 2);
    assert.equal(layer.countParams(), 16);
    layer.trainable = false;
    assert.equal(dense.trainable, false);
    assert.equal(layer.trainableWeights.length, 0);
    const frozen = new tg.layers.TimeDistributed(
      tg.layers.dense({ units: 2 }),
      {
        trainable: false,
      },
    );
    frozen.build([null, 2, 3]);
    assert.equal(frozen.layer.trainable, false);
    assert.equal(frozen.trainableWeights.length, 0);
    assert.equal(frozen.nonTrainableWeights.length, 2);
  });

  test("values: Dense at every timestep, by hand", () => {
    const x = values([2, 4, 3]);
    const y = wrapped().apply(x);
    const xs = x.toArray() as number[][][];
    const expected = xs.map((seq) =>
      seq.map((row) =>
        [0, 1].map(
          (j) => row.reduce((s, v, i) => s + v * KERNEL[i]![j]!, 0) + BIAS[j]!,
        ),
      ),
    );
    allclose(y, expected, { rtol: 1e-6, atol: 1e-7 });
  });

  test("float64 gradient check with respect to the inputs", () => {
    const layer = wrapped("float64");
    const x = values([2, 4, 3], "float64");
    assert.equal(layer.apply(x).dtype, "float64");
    const report = tg.testing.checkGradients(
      (t: tg.Tensor) => tg.tanh(layer.apply(t)),
      [x],
    );
    assert.ok(report.maxError < 1e-6, String(report.maxError));
  });

  test("a tape + SGD step trains the inner layer and the inputs' Dense", () => {
    const pre = tg.layers.dense({ units: 3 });
    const layer = wrapped();
    const x = values([2, 4, 3]);
    pre.build([null, 4, 3]);
    const before = layer.getWeights().map((w) => w.toArray());
    const preBefore = pre.kernel.value.toArray();
    using tape = new tg.GradientTape();
    const loss = tg.mean(tg.square(layer.apply(pre.apply(x)).sub(1)));
    const vars = [...layer.trainableVariables, ...pre.trainableVariables];
    const grads = tape.gradient(loss, vars);
    new tg.optimizers.SGD({ learningRate: 0.1 }).applyGradients(
      tg.zip(grads, vars),
    );
    assert.notDeepEqual(layer.getWeights()[0]!.toArray(), before[0]);
    assert.notDeepEqual(layer.getWeights()[1]!.toArray(), before[1]);
    assert.notDeepEqual(pre.kernel.value.toArray(), preBefore);
  });

  test("in a Sequential model, fit lowers the loss", () => {
    const model = new tg.Sequential([
      new tg.layers.TimeDistributed(tg.layers.dense({ units: 1 })),
    ]);
    model.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.1 }),
      loss: "mse",
    });
    const x = values([4, 3, 2]);
    const y = tg.ones([4, 3, 1]);
    const h = model.fit(x, y, { epochs: 3, verbose: 0 });
    const run = (r: unknown) => r as { history: { loss: number[] } };
    const check = (r: unknown) => {
      const loss = run(r).history.loss;
      assert.ok(loss[2]! < loss[0]!, String(loss));
    };
    return h instanceof Promise ? h.then(check) : check(h);
  });

  test("getConfig / fromConfig round trip", () => {
    const layer = wrapped();
    const cfg = layer.getConfig();
    const inner = cfg.layer as { className: string; config: { units: number } };
    assert.equal(inner.className, "Dense");
    assert.equal(inner.config.units, 2);
    const copy = tg.layers.TimeDistributed.fromConfig(cfg);
    assert.ok(copy.layer instanceof tg.layers.Dense);
    assert.deepEqual(copy.getConfig(), cfg);
    copy.build([null, 4, 3]);
    copy.setWeights(layer.getWeights());
    const x = values([1, 4, 3]);
    allclose(copy.apply(x), layer.apply(x));
  });

  test("TensorFlow.js agrees: TimeDistributed(Dense) outputs and input gradients", async () => {
    const tf = await loadTf();
    const ours = wrapped();
    const theirs = tf.layers.timeDistributed({
      layer: tf.layers.dense({ units: 2 }),
    });
    theirs.build([null, 4, 3]);
    theirs.setWeights([tf.tensor2d(KERNEL), tf.tensor1d(BIAS)]);
    const x = values([3, 4, 3]);
    const tfX = tf.tensor(Array.from(x.data), [3, 4, 3]);
    const tfY = theirs.apply(tfX) as TF.Tensor;
    allclose(ours.apply(x), tfY.arraySync(), {
      rtol: 1e-5,
      atol: 1e-6,
    });
    const w = values([3, 4, 2]).add(1);
    const tfW = tf.tensor(Array.from(w.data), [3, 4, 2]);
    const g = tg.grad((t: tg.Tensor) => tg.sum(tg.tanh(ours.apply(t)).mul(w)))(
      x,
    );
    const tfG = tf.grad((t: TF.Tensor) =>
      tf
        .tanh(theirs.apply(t) as TF.Tensor)
        .mul(tfW)
        .sum(),
    )(tfX);
    allclose(g, tfG.arraySync(), { rtol: 1e-5, atol: 1e-6 });
  });

  test("bad input: typed errors", () => {
    assert.throws(() => new tg.layers.TimeDistributed(null as never), {
      name: "ValueError",
      message:
        "TimeDistributed: expected a layer or an options object, got null",
    });
    assert.throws(() => new tg.layers.TimeDistributed({ layer: 3 } as never), {
      name: "ValueError",
      message: /^TimeDistributed: expected layer to be a Layer .*got layer=3$/,
    });
    const layer = new tg.layers.TimeDistributed(tg.layers.dense({ units: 2 }));
    assert.throws(() => layer.apply(values([2, 3])), {
      name: "ShapeError",
      message: new RegExp(
        `^TimeDistributed "${layer.name}": expected one input of rank >= 3 ` +
          "\\(\\[batch, time, \\.\\.\\.\\]\\), got shape",
      ),
    });
    assert.equal(layer.built, false);
    assert.throws(() => layer.computeOutputShape([null, 3]), {
      name: "ShapeError",
    });
  });
});

describe("TimeDistributed, Keras forms and masks", () => {
  test("timeDistributed(layer) and the options form agree", () => {
    const a = tg.layers.timeDistributed(tg.layers.dense({ units: 2 }));
    const b = tg.layers.timeDistributed({
      layer: tg.layers.dense({ units: 2 }),
    });
    const x = values([2, 3, 4]);
    a.build([null, 3, 4]);
    b.build([null, 3, 4]);
    b.setWeights(a.getWeights());
    allclose(a.apply(x), b.apply(x), { atol: 0 });
  });

  test("the input's mask passes to the output; a bad mask throws", () => {
    const emb = tg.layers.embedding({
      inputDim: 4,
      outputDim: 3,
      maskZero: true,
    });
    const h = emb.apply(tg.tensor([[1, 0, 2]], undefined, "int32"));
    const td = tg.layers.timeDistributed(tg.layers.dense({ units: 2 }));
    const y = td.apply(h);
    assert.deepEqual(tg.layers.getMask(y)?.toArray(), [[true, false, true]]);
    assert.throws(
      () => td.apply(values([1, 3, 3]), { mask: tg.ones([1, 2], "bool") }),
      {
        name: "ShapeError",
        message:
          /expected a mask of shape \[batch, time, \.\.\.\] = \[1,3\], got shape \[1,2\]$/,
      },
    );
  });
});

type Kind = "simple" | "lstm" | "gru";
const GATES: Record<Kind, number> = { simple: 1, lstm: 4, gru: 3 };

/** A deterministic [r, c] matrix of small values. */
function mat(r: number, c: number, seed: number): number[][] {
  return Array.from({ length: r }, (_, i) =>
    Array.from({ length: c }, (_, j) =>
      Number((0.5 * Math.cos(seed * 3 + i * 1.3 + j * 0.9)).toFixed(4)),
    ),
  );
}

/** Weights of one direction (GRU with resetAfter false: bias [3u]). */
function rnnWeights(kind: Kind, features: number, units: number, seed: number) {
  const w = GATES[kind] * units;
  return [
    mat(features, w, seed),
    mat(units, w, seed + 1),
    mat(1, w, seed + 2)[0]!,
  ];
}

type Any = tg.Tensor | tg.Tensor[];

function rnn(kind: Kind, args: tg.layers.GRUArgs): tg.layers.RNN<Any> {
  if (kind === "simple") return new tg.layers.SimpleRNN<Any>(args);
  if (kind === "lstm") return new tg.layers.LSTM<Any>(args);
  return new tg.layers.GRU<Any>({ resetAfter: false, ...args });
}

const list = (y: Any): tg.Tensor[] => (Array.isArray(y) ? y : [y]);

/** [fwd, bwd] weights and the two directions built from them. */
function directions(kind: Kind, args: tg.layers.GRUArgs, features: number) {
  const wf = rnnWeights(kind, features, args.units, 1);
  const wb = rnnWeights(kind, features, args.units, 7);
  const f = rnn(kind, args);
  const b = rnn(kind, { ...args, goBackwards: !args.goBackwards });
  f.build([null, 1, features]);
  b.build([null, 1, features]);
  f.setWeights(wf);
  b.setWeights(wb);
  return { wf, wb, f, b };
}

/** Reverses axis 1 of a nested [batch, time, ...] array. */
function flipTime(t: tg.Tensor): number[][][] {
  return (t.toArray() as number[][][]).map((s) => [...s].reverse());
}

describe("Bidirectional", () => {
  test("merge modes, returnSequences, returnState: against the two directions", () => {
    const x = values([2, 4, 3], "float64");
    for (const kind of ["simple", "lstm", "gru"] as const) {
      for (const returnSequences of [false, true]) {
        for (const mergeMode of [
          "concat",
          "sum",
          "mul",
          "ave",
          null,
        ] as const) {
          const args = {
            units: 2,
            returnSequences,
            returnState: true,
            dtype: "float64" as const,
          };
          const { wf, wb, f, b } = directions(kind, args, 3);
          const bi = new tg.layers.Bidirectional<tg.Tensor[]>(rnn(kind, args), {
            mergeMode,
          });
          bi.build([null, 4, 3]);
          bi.setWeights([...wf, ...wb]);
          const out = bi.apply(x);
          const [fy, ...fs] = list(f.apply(x));
          const [by, ...bs] = list(b.apply(x));
          const bt = returnSequences
            ? tg.tensor(flipTime(by!), undefined, "float64")
            : by!;
          const merged =
            mergeMode === "concat"
              ? [tg.concat([fy!, bt], -1)]
              : mergeMode === "sum"
                ? [fy!.add(bt)]
                : mergeMode === "mul"
                  ? [fy!.mul(bt)]
                  : mergeMode === "ave"
                    ? [fy!.add(bt).div(2)]
                    : [fy!, bt];
          const want = [...merged, ...fs, ...bs];
          assert.equal(out.length, want.length);
          out.forEach((t, i) => allclose(t, want[i]!, { atol: 1e-12 }));
          const shapes = bi.computeOutputShape([null, 4, 3]) as (
            number | null
          )[][];
          assert.deepEqual(
            shapes,
            want.map((t) => [null, ...t.shape.slice(1)]),
          );
        }
      }
    }
  });

  test("both constructor forms, factories, names and Keras's weight order", () => {
    const lstm = tg.layers.lstm({ units: 3, name: "enc" });
    const a = new tg.layers.Bidirectional(lstm);
    const b = new tg.layers.Bidirectional({ layer: lstm, mergeMode: "sum" });
    const c = tg.layers.bidirectional(lstm, { mergeMode: "ave" });
    const d = tg.layers.bidirectional({ layer: lstm });
    for (const l of [a, b, c, d]) {
      assert.equal(l.forwardLayer.name, "forward_enc");
      assert.equal(l.backwardLayer.name, "backward_enc");
      assert.equal(l.forwardLayer.goBackwards, false);
      assert.equal(l.backwardLayer.goBackwards, true);
      assert.notEqual(l.forwardLayer, lstm);
    }
    assert.equal(a.mergeMode, "concat");
    assert.equal(b.mergeMode, "sum");
    assert.equal(c.mergeMode, "ave");
    assert.equal(d.mergeMode, "concat");
    a.build([null, 5, 2]);
    assert.deepEqual(
      a.weights.map((w) => [w.name, w.shape]),
      [
        ["forward_enc/kernel", [2, 12]],
        ["forward_enc/recurrent_kernel", [3, 12]],
        ["forward_enc/bias", [12]],
        ["backward_enc/kernel", [2, 12]],
        ["backward_enc/recurrent_kernel", [3, 12]],
        ["backward_enc/bias", [12]],
      ],
    );
    assert.equal(a.countParams(), 2 * (24 + 36 + 12));
    // The template layer keeps its own (unbuilt) state.
    assert.equal(lstm.built, false);
    // weights: set at build, forward then backward.
    const w = a.getWeights();
    const e = tg.layers.bidirectional(lstm, { weights: w });
    e.build([null, 5, 2]);
    e.getWeights().forEach((t, i) =>
      assert.deepEqual(t.toArray(), w[i]!.toArray()),
    );
    // A given backward layer is used as it is.
    const back = tg.layers.lstm({
      units: 3,
      goBackwards: true,
      activation: "relu",
      name: "back",
    });
    const f = tg.layers.bidirectional(lstm, { backwardLayer: back });
    assert.equal(f.backwardLayer, back);
    // The dtype follows the wrapped layer.
    assert.equal(
      tg.layers.bidirectional(tg.layers.gru({ units: 1, dtype: "float64" }))
        .dtype,
      "float64",
    );
  });

  test("initial states: [x, ...forward states, ...backward states]", () => {
    const x = values([2, 3, 2], "float64");
    const args = { units: 2, dtype: "float64" as const };
    const { wf, wb, f, b } = directions("lstm", args, 2);
    const bi = tg.layers.bidirectional(tg.layers.lstm(args));
    bi.build([null, 3, 2]);
    bi.setWeights([...wf, ...wb]);
    const s = [0, 1, 2, 3].map((i) =>
      tg.tensor(mat(2, 2, 40 + i), undefined, "float64"),
    );
    const y = bi.apply([x, ...s]);
    const fy = f.apply([x, s[0]!, s[1]!]) as tg.Tensor;
    const by = b.apply([x, s[2]!, s[3]!]) as tg.Tensor;
    allclose(y, tg.concat([fy, by], -1), { atol: 1e-12 });
    assert.throws(() => bi.apply([x, s[0]!]), {
      name: "ValueError",
      message:
        /expected initial states for both directions \(an even number\), got 1$/,
    });
  });

  test("TensorFlow.js agrees with the same weights", async () => {
    const tf = await loadTf();
    const x = values([2, 5, 3]);
    const xt = tf.tensor(Array.from(x.data), [2, 5, 3]);
    for (const kind of ["simple", "lstm", "gru"] as const) {
      for (const returnSequences of [false, true]) {
        for (const mergeMode of ["concat", "ave", "mul"] as const) {
          const args = { units: 3, returnSequences };
          const inner =
            kind === "simple"
              ? tf.layers.simpleRNN(args)
              : kind === "lstm"
                ? tf.layers.lstm({ ...args, recurrentActivation: "sigmoid" })
                : tf.layers.gru({ ...args, recurrentActivation: "sigmoid" });
          const theirs = tf.layers.bidirectional({
            layer: inner,
            mergeMode,
          });
          theirs.build([null, 5, 3]);
          const w = [
            ...rnnWeights(kind, 3, 3, 1),
            ...rnnWeights(kind, 3, 3, 7),
          ];
          theirs.setWeights(w.map((a) => tf.tensor(a)));
          const want = (theirs.apply(xt) as TF.Tensor).arraySync();
          const ours = tg.layers.bidirectional(rnn(kind, args), { mergeMode });
          ours.build([null, 5, 3]);
          ours.setWeights(w);
          allclose(ours.apply(x), want, {
            rtol: 1e-5,
            atol: 1e-6,
          });
        }
      }
    }
  });

  test("float64 gradient check; a training step lowers the loss", () => {
    const args = { units: 2, returnSequences: true, dtype: "float64" as const };
    const bi = tg.layers.bidirectional(
      tg.layers.gru({ ...args, resetAfter: true }),
    );
    bi.build([null, 3, 2]);
    const r = tg.testing.checkGradients(
      (t) => bi.apply(t),
      [values([2, 3, 2], "float64")],
    );
    assert.ok(r.maxError < 1e-6, String(r.maxError));
    const mask = tg.tensor(
      [
        [1, 1, 0],
        [0, 1, 1],
      ],
      undefined,
      "bool",
    );
    const rm = tg.testing.checkGradients(
      (t) => bi.apply(t, { mask }),
      [values([2, 3, 2], "float64")],
    );
    assert.ok(rm.maxError < 1e-6, String(rm.maxError));
    const m = new tg.Sequential([
      tg.layers.bidirectional(tg.layers.lstm({ units: 3 })),
      tg.layers.dense({ units: 1 }),
    ]);
    m.build([null, 4, 2]);
    m.compile({ optimizer: "adam", loss: "mse" });
    const xs = values([6, 4, 2]);
    const ys = values([6, 1]);
    const before = m.evaluate(xs, ys, { verbose: 0 }) as number;
    m.fit(xs, ys, { epochs: 5, batchSize: 6, verbose: 0, shuffle: false });
    assert.ok((m.evaluate(xs, ys, { verbose: 0 }) as number) < before);
  });

  test("masks: zeros at masked steps with returnSequences; padding changes nothing", () => {
    const args = { units: 2, dtype: "float64" as const };
    const real = values([1, 3, 2], "float64");
    const padded = tg.concat(
      [
        real,
        tg.tensor(
          [
            [
              [9, -9],
              [5, 5],
            ],
          ],
          undefined,
          "float64",
        ),
      ],
      1,
    );
    const mask = tg.tensor([[1, 1, 1, 0, 0]], undefined, "bool");
    for (const kind of ["lstm", "gru"] as const) {
      const { wf, wb } = directions(kind, args, 2);
      const last = tg.layers.bidirectional(rnn(kind, args));
      last.build([null, 5, 2]);
      last.setWeights([...wf, ...wb]);
      allclose(last.apply(padded, { mask }), last.apply(real), { atol: 1e-12 });
      const seqs = tg.layers.bidirectional(
        rnn(kind, { ...args, returnSequences: true }),
      );
      seqs.build([null, 5, 2]);
      seqs.setWeights([...wf, ...wb]);
      assert.equal(seqs.forwardLayer.zeroOutputForMask, true);
      const y = seqs.apply(padded, { mask });
      const rows = (y.toArray() as number[][][])[0]!;
      assert.deepEqual(rows.slice(3), [
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]);
      allclose(
        rows.slice(0, 3),
        (seqs.apply(real).toArray() as number[][][])[0]!,
        {
          atol: 1e-12,
        },
      );
      assert.deepEqual(tg.layers.getMask(y)?.toArray(), [
        [true, true, true, false, false],
      ]);
      assert.equal(tg.layers.getMask(last.apply(padded, { mask })), null);
      // mergeMode null: one mask per output.
      const two = tg.layers.bidirectional(
        rnn(kind, { ...args, returnSequences: true }),
        {
          mergeMode: null,
        },
      );
      const [a, b] = two.apply(padded, { mask });
      assert.ok(
        tg.layers.getMask(a!) !== null && tg.layers.getMask(b!) !== null,
      );
    }
  });

  test("stateful: both directions keep their states; resetStates", () => {
    const bi = tg.layers.bidirectional(
      tg.layers.simpleRNN({ units: 2, stateful: true }),
    );
    const x = values([2, 3, 1]);
    const y1 = bi.apply(x).toArray();
    const y2 = bi.apply(x).toArray();
    assert.notDeepEqual(y1, y2);
    assert.ok(
      bi.forwardLayer.states !== null && bi.backwardLayer.states !== null,
    );
    bi.resetStates();
    assert.deepEqual(bi.apply(x).toArray(), y1);
    assert.equal(bi.weights.length, 6);
    assert.throws(
      () => tg.layers.bidirectional(tg.layers.gru({ units: 1 })).resetStates(),
      {
        name: "ValueError",
      },
    );
  });

  test("getConfig / fromConfig round trip (Keras's nested layer records)", () => {
    const bi = tg.layers.bidirectional(
      tg.layers.gru({ units: 2, returnSequences: true, name: "g" }),
      { mergeMode: "mul", name: "bi" },
    );
    bi.build([null, 3, 2]);
    const cfg = bi.getConfig();
    assert.equal(cfg.mergeMode, "mul");
    const inner = cfg.layer as {
      className: string;
      config: Record<string, unknown>;
    };
    assert.equal(inner.className, "GRU");
    assert.equal(inner.config.name, "forward_g");
    const back = cfg.backwardLayer as {
      className: string;
      config: Record<string, unknown>;
    };
    assert.equal(back.config.name, "backward_g");
    assert.equal(back.config.goBackwards, true);
    const copy = tg.layers.Bidirectional.fromConfig(cfg);
    assert.deepEqual(copy.getConfig(), cfg);
    copy.build([null, 3, 2]);
    copy.setWeights(bi.getWeights());
    const x = values([2, 3, 2]);
    allclose(copy.apply(x), bi.apply(x), { atol: 0 });
    // A model with a Bidirectional layer round-trips through its config.
    const model = new tg.Sequential([
      tg.layers.bidirectional(tg.layers.lstm({ units: 2 })),
      tg.layers.dense({ units: 1 }),
    ]);
    model.build([null, 3, 2]);
    assert.equal(model.weights.length, 8);
  });

  test("bad input: typed errors saying expected and got", () => {
    assert.throws(() => new tg.layers.Bidirectional(null as never), {
      name: "ValueError",
      message:
        "Bidirectional: expected a recurrent layer or an options object, got null",
    });
    assert.throws(
      () =>
        new tg.layers.Bidirectional(
          tg.layers.dense({ units: 2, name: "d" }) as never,
        ),
      {
        name: "ValueError",
        message:
          'Bidirectional: expected layer to be a recurrent layer (SimpleRNN, LSTM, GRU), got Dense "d"',
      },
    );
    const l = tg.layers.lstm({ units: 2 });
    assert.throws(
      () => tg.layers.bidirectional(l, { mergeMode: "max" as never }),
      {
        name: "ValueError",
        message:
          'Bidirectional: expected mergeMode to be one of "concat", "sum", "mul", "ave" or null, got mergeMode="max"',
      },
    );
    assert.throws(
      () =>
        tg.layers.bidirectional(l, {
          backwardLayer: tg.layers.lstm({ units: 2 }),
        }),
      {
        name: "ValueError",
        message:
          "Bidirectional: expected the forward and backward layers to differ in goBackwards, got goBackwards=false for both",
      },
    );
    assert.throws(
      () =>
        tg.layers.bidirectional(l, {
          backwardLayer: tg.layers.lstm({
            units: 2,
            goBackwards: true,
            returnSequences: true,
          }),
        }),
      {
        name: "ValueError",
        message:
          "Bidirectional: expected the forward and backward layers to agree in returnSequences, got false and true",
      },
    );
    const bi = tg.layers.bidirectional(l);
    assert.throws(() => bi.apply(values([2, 3])), {
      name: "ShapeError",
      message:
        /^LSTM "forward_.*": expected an input of rank 3 \[batch, time, features\], got rank 2 \(shape \[2,3\]\)$/,
    });
    assert.throws(
      () => bi.apply(values([2, 3, 1]), { mask: tg.ones([2, 4], "bool") }),
      {
        name: "ShapeError",
        message:
          /expected a mask of shape \[batch, time\] = \[2,3\], got shape \[2,4\]$/,
      },
    );
  });
});
