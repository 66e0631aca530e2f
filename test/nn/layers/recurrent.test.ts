// SPDX-License-Identifier: Apache-2.0
/**
 * Recurrent layers (src/nn/layers/recurrent.ts): SimpleRNN, LSTM and GRU
 * against real Keras 3 (test/fixtures/keras/lstm.json and
 * embedding_gru.json, GRU alone and the whole Embedding → GRU → Dense
 * model), a plain-JavaScript float64 reference (returnSequences,
 * goBackwards, initial states, both GRU variants) and TensorFlow.js;
 * shapes (eager and symbolic), weights, configs, gradients through time,
 * training and errors.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

interface Fixture {
  input: number[][] | number[][][];
  output: number[][];
  weights: (number[] | number[][])[];
}

function fixture(name: string): Fixture {
  return JSON.parse(
    readFileSync(
      new URL(`../../fixtures/keras/${name}.json`, import.meta.url),
      "utf8",
    ),
  ) as Fixture;
}

type Matrix = number[][];
type Kind = "simple" | "lstm" | "gru" | "gruBefore";

/** A deterministic [b, t, f] batch. */
function seq(b: number, t: number, f: number, seed = 1): number[][][] {
  return Array.from({ length: b }, (_, i) =>
    Array.from({ length: t }, (_, j) =>
      Array.from({ length: f }, (_, k) =>
        Number(Math.sin(seed * 5 + i * 2.3 + j * 1.1 + k * 0.7).toFixed(4)),
      ),
    ),
  );
}

/** A deterministic [r, c] matrix of small values. */
function mat(r: number, c: number, seed: number): Matrix {
  return Array.from({ length: r }, (_, i) =>
    Array.from({ length: c }, (_, j) =>
      Number((0.5 * Math.cos(seed * 3 + i * 1.3 + j * 0.9)).toFixed(4)),
    ),
  );
}

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** v · M for a row vector v. */
function vecMat(v: number[], m: Matrix): number[] {
  return m[0]!.map((_, j) => v.reduce((s, vi, i) => s + vi * m[i]![j]!, 0));
}

/**
 * The reference recurrence in float64 for one sample: returns the outputs
 * of every step (in processing order) and the final states.
 */
function reference(
  kind: Kind,
  xs: Matrix,
  kernel: Matrix,
  rec: Matrix,
  bias: number[] | Matrix,
  units: number,
  opts: { goBackwards?: boolean; init?: number[][] } = {},
): { outputs: Matrix; states: Matrix } {
  const steps = opts.goBackwards ? [...xs].reverse() : xs;
  let h = opts.init?.[0] ?? new Array<number>(units).fill(0);
  let c = opts.init?.[1] ?? new Array<number>(units).fill(0);
  const outputs: Matrix = [];
  const blk = (v: number[], g: number) => v.slice(g * units, (g + 1) * units);
  for (const x of steps) {
    if (kind === "simple") {
      const xw = vecMat(x, kernel);
      const hu = vecMat(h, rec);
      h = xw.map((v, j) => Math.tanh(v + hu[j]! + (bias as number[])[j]!));
    } else if (kind === "lstm") {
      const xw = vecMat(x, kernel);
      const hu = vecMat(h, rec);
      const z = xw.map((v, j) => v + hu[j]! + (bias as number[])[j]!);
      const [i, f, g, o] = [blk(z, 0), blk(z, 1), blk(z, 2), blk(z, 3)];
      c = c.map((cv, j) => sig(f[j]!) * cv + sig(i[j]!) * Math.tanh(g[j]!));
      h = c.map((cv, j) => sig(o[j]!) * Math.tanh(cv));
    } else if (kind === "gru") {
      const [bi, br] = bias as Matrix;
      const xw = vecMat(x, kernel).map((v, j) => v + bi![j]!);
      const hu = vecMat(h, rec).map((v, j) => v + br![j]!);
      const z = blk(xw, 0).map((v, j) => sig(v + blk(hu, 0)[j]!));
      const r = blk(xw, 1).map((v, j) => sig(v + blk(hu, 1)[j]!));
      const hh = blk(xw, 2).map((v, j) =>
        Math.tanh(v + r[j]! * blk(hu, 2)[j]!),
      );
      h = h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * hh[j]!);
    } else {
      const xw = vecMat(x, kernel).map((v, j) => v + (bias as number[])[j]!);
      const hu = vecMat(h, rec);
      const z = blk(xw, 0).map((v, j) => sig(v + blk(hu, 0)[j]!));
      const r = blk(xw, 1).map((v, j) => sig(v + blk(hu, 1)[j]!));
      const rh = h.map((hv, j) => r[j]! * hv);
      const uh = vecMat(
        rh,
        rec.map((row) => row.slice(2 * units)),
      );
      const hh = blk(xw, 2).map((v, j) => Math.tanh(v + uh[j]!));
      h = h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * hh[j]!);
    }
    outputs.push(h);
  }
  return { outputs, states: kind === "lstm" ? [h, c] : [h] };
}

const GATES: Record<Kind, number> = {
  simple: 1,
  lstm: 4,
  gru: 3,
  gruBefore: 3,
};

/** Weights for a layer of `kind` with `features` inputs. */
function weightsFor(kind: Kind, features: number, units: number) {
  const w = GATES[kind] * units;
  const kernel = mat(features, w, 1);
  const rec = mat(units, w, 2);
  const bias: number[] | Matrix =
    kind === "gru"
      ? mat(2, w, 3)
      : mat(1, w, 3)[0]!.map((v) => Number((0.5 * v).toFixed(4)));
  return { kernel, rec, bias };
}

function make(
  kind: Kind,
  args: Omit<tg.layers.RNNArgs, "units"> & { units: number },
): tg.layers.RNN<tg.Tensor | tg.Tensor[]> {
  switch (kind) {
    case "simple":
      return new tg.layers.SimpleRNN<tg.Tensor | tg.Tensor[]>(args);
    case "lstm":
      return new tg.layers.LSTM<tg.Tensor | tg.Tensor[]>(args);
    case "gru":
      return new tg.layers.GRU<tg.Tensor | tg.Tensor[]>(args);
    case "gruBefore":
      return new tg.layers.GRU<tg.Tensor | tg.Tensor[]>({
        ...args,
        resetAfter: false,
      });
  }
}

const KINDS: Kind[] = ["simple", "lstm", "gru", "gruBefore"];

describe("Keras 3 fixtures", () => {
  test("Input(5,3) → LSTM(6) → Dense(2) reproduces Keras's output", () => {
    const d = fixture("lstm");
    const m = new tg.Sequential([
      tg.layers.lstm({ units: 6 }),
      tg.layers.dense({ units: 2 }),
    ]);
    m.build([null, 5, 3]);
    m.setWeights(d.weights);
    allclose(m.predict(d.input as number[][][]), d.output, {
      rtol: 1e-5,
      atol: 1e-6,
    });
  });

  test("Embedding(20,4) → GRU(5) → Dense(1, sigmoid) reproduces Keras's output", () => {
    const d = fixture("embedding_gru");
    const ids = tg.tensor(d.input, undefined, "int32");
    // The embedding lookup, then GRU and Dense with Keras's weights.
    const [table, kernel, rec, bias, dk, db] = d.weights;
    const emb = tg.gather(tg.tensor(table as Matrix), ids);
    const g = tg.layers.gru({ units: 5 });
    const dense = tg.layers.dense({ units: 1, activation: "sigmoid" });
    g.build([null, 7, 4]);
    g.setWeights([kernel!, rec!, bias!] as tg.TensorLike[]);
    dense.build([null, 5]);
    dense.setWeights([dk!, db!] as tg.TensorLike[]);
    allclose(dense.apply(g.apply(emb)), d.output, { rtol: 1e-5, atol: 1e-6 });
  });
});

describe("Keras 3 fixture, whole model", () => {
  test("Sequential Embedding → GRU → Dense with setWeights", () => {
    const d = fixture("embedding_gru");
    const m = new tg.Sequential([
      tg.layers.embedding({ inputDim: 20, outputDim: 4 }),
      tg.layers.gru({ units: 5 }),
      tg.layers.dense({ units: 1, activation: "sigmoid" }),
    ]);
    m.build([null, 7]);
    m.setWeights(d.weights);
    const ids = tg.tensor(d.input, undefined, "int32");
    allclose(m.predict(ids), d.output, {
      rtol: 1e-5,
      atol: 1e-6,
    });
  });
});

describe("values against a float64 reference", () => {
  for (const kind of KINDS) {
    test(`${kind}: returnSequences, goBackwards, returnState, initial states`, () => {
      const units = 3;
      const features = 2;
      const x = seq(2, 4, features);
      const { kernel, rec, bias } = weightsFor(kind, features, units);
      const nStates = kind === "lstm" ? 2 : 1;
      const init = Array.from({ length: nStates }, (_, s) =>
        mat(2, units, 10 + s),
      );
      for (const goBackwards of [false, true]) {
        for (const withInit of [false, true]) {
          const layer = make(kind, {
            units,
            returnSequences: true,
            returnState: true,
            goBackwards,
            dtype: "float64",
          });
          layer.build([null, 4, features]);
          layer.setWeights([kernel, rec, bias]);
          const xt = tg.tensor(x, undefined, "float64");
          const input = withInit
            ? [xt, ...init.map((s) => tg.tensor(s, undefined, "float64"))]
            : xt;
          const out = layer.apply(input) as tg.Tensor[];
          assert.equal(out.length, 1 + nStates);
          const refs = x.map((xs, b) =>
            reference(kind, xs, kernel, rec, bias, units, {
              goBackwards,
              init: withInit ? init.map((s) => s[b]!) : undefined,
            }),
          );
          const what = `goBackwards=${goBackwards} init=${withInit}`;
          allclose(
            out[0]!,
            refs.map((r) => r.outputs),
            { rtol: 1e-12, atol: 1e-12, dtype: "float64" },
          );
          for (let s = 0; s < nStates; s++) {
            allclose(
              out[1 + s]!,
              refs.map((r) => r.states[s]!),
              { rtol: 1e-12, atol: 1e-12 },
            );
          }
          assert.ok(out[0]!.dtype === "float64", what);
        }
      }
    });
  }

  test("returnSequences false gives the last step; goBackwards changes it", () => {
    const x = seq(2, 5, 3);
    const { kernel, rec, bias } = weightsFor("lstm", 3, 4);
    const fwd = tg.layers.lstm({ units: 4 });
    const bwd = tg.layers.lstm({ units: 4, goBackwards: true });
    for (const l of [fwd, bwd]) {
      l.build([null, 5, 3]);
      l.setWeights([kernel, rec, bias]);
    }
    const yf = fwd.apply(x);
    const yb = bwd.apply(x);
    allclose(
      yf,
      x.map((s) => reference("lstm", s, kernel, rec, bias, 4).outputs[4]!),
      { rtol: 1e-5, atol: 1e-6 },
    );
    allclose(
      yb,
      x.map(
        (s) =>
          reference("lstm", s, kernel, rec, bias, 4, { goBackwards: true })
            .outputs[4]!,
      ),
      { rtol: 1e-5, atol: 1e-6 },
    );
    assert.notDeepEqual(yf.toArray(), yb.toArray());
  });
});

describe("shapes and weights", () => {
  test("output shapes, eager and symbolic", () => {
    for (const kind of KINDS) {
      for (const [b, t, f] of [
        [1, 1, 1],
        [2, 5, 3],
        [3, 2, 4],
      ] as const) {
        for (const returnSequences of [false, true]) {
          const l = make(kind, { units: 4, returnSequences });
          const y = l.apply(tg.ones([b, t, f])) as tg.Tensor;
          const want = returnSequences ? [b, t, 4] : [b, 4];
          assert.deepEqual(y.shape, want, `${kind} ${b},${t},${f}`);
          assert.deepEqual(l.computeOutputShape([null, t, f]), [
            null,
            ...want.slice(1),
          ]);
        }
      }
      const sym = make(kind, { units: 2, returnSequences: true }).apply(
        tg.input({ shape: [6, 3] }),
      ) as tg.SymbolicTensor;
      assert.deepEqual(sym.shape, [null, 6, 2]);
      const syms = make(kind, { units: 2, returnState: true }).apply(
        tg.input({ shape: [6, 3] }),
      ) as tg.SymbolicTensor[];
      assert.equal(syms.length, kind === "lstm" ? 3 : 2);
      for (const s of syms) assert.deepEqual(s.shape, [null, 2]);
    }
  });

  test("a functional model with returnState outputs", () => {
    const inp = tg.input({ shape: [4, 2] });
    const [out, h, c] = tg.layers
      .lstm({ units: 3, returnState: true })
      .apply(inp);
    const model = new tg.Model({ inputs: inp, outputs: [out!, h!, c!] });
    const ys = model.predict(seq(2, 4, 2));
    assert.equal(ys.length, 3);
    assert.deepEqual(ys[0]!.toArray(), ys[1]!.toArray());
    assert.deepEqual(ys[2]!.shape, [2, 3]);
  });

  test("weights: number, shapes, order and initial values", () => {
    const cases: [Kind, number[][]][] = [
      ["simple", [[3, 4], [4, 4], [4]]],
      ["lstm", [[3, 16], [4, 16], [16]]],
      [
        "gru",
        [
          [3, 12],
          [4, 12],
          [2, 12],
        ],
      ],
      ["gruBefore", [[3, 12], [4, 12], [12]]],
    ];
    for (const [kind, shapes] of cases) {
      const l = make(kind, { units: 4 });
      l.build([null, 2, 3]);
      assert.deepEqual(
        l.weights.map((w) => w.shape),
        shapes,
        kind,
      );
      assert.deepEqual(
        l.weights.map((w) => w.name.split("/")[1]),
        ["kernel", "recurrent_kernel", "bias"],
      );
      // The recurrent kernel is orthogonal blockwise: R^T R = I for the
      // [units, units·gates] matrix's rows.
      const r = l.recurrentKernel;
      allclose(tg.matMul(r, r, false, true), tg.eye(4), { atol: 1e-5 });
      const noBias = make(kind, { units: 4, useBias: false });
      noBias.build([null, 2, 3]);
      assert.equal(noBias.weights.length, 2);
    }
    const lstm = tg.layers.lstm({ units: 2 });
    lstm.build([null, 1, 1]);
    assert.deepEqual(lstm.bias.toArray(), [0, 0, 1, 1, 0, 0, 0, 0]);
    const plain = tg.layers.lstm({ units: 2, unitForgetBias: false });
    plain.build([null, 1, 1]);
    assert.deepEqual(plain.bias.toArray(), new Array(8).fill(0));
  });

  test("getConfig / fromConfig round trip", () => {
    const layers = [
      new tg.layers.SimpleRNN({
        units: 3,
        activation: "relu",
        goBackwards: true,
      }),
      new tg.layers.LSTM({
        units: 2,
        returnSequences: true,
        unitForgetBias: false,
        recurrentActivation: "hard_sigmoid",
        kernelRegularizer: "l2",
      }),
      new tg.layers.GRU({ units: 4, resetAfter: false, useBias: false }),
    ];
    for (const l of layers) {
      const config = l.getConfig();
      const cls = l.constructor as unknown as {
        fromConfig(c: Record<string, unknown>): tg.layers.Layer;
      };
      const copy = cls.fromConfig({ ...config, name: `${l.name}_copy` });
      const c2 = copy.getConfig();
      assert.deepEqual({ ...c2, name: config.name }, config);
    }
    const c = layers[1]!.getConfig();
    assert.equal(c.unitForgetBias, false);
    assert.equal(c.recurrentActivation, "hard_sigmoid");
    assert.equal(layers[2]!.getConfig().resetAfter, false);
  });
});

describe("gradients and training", () => {
  test("float64 gradient checks w.r.t. inputs and initial states", () => {
    for (const kind of KINDS) {
      const { kernel, rec, bias } = weightsFor(kind, 2, 2);
      const l = make(kind, {
        units: 2,
        returnSequences: true,
        dtype: "float64",
      });
      l.build([null, 3, 2]);
      l.setWeights([kernel, rec, bias]);
      const x = seq(2, 3, 2);
      let r = tg.testing.checkGradients((xi) => l.apply(xi) as tg.Tensor, [x]);
      assert.ok(r.maxError < 1e-6, `${kind}: ${r.maxError}`);
      const n = kind === "lstm" ? 2 : 1;
      const init = Array.from({ length: n }, (_, s) => mat(2, 2, 20 + s));
      r = tg.testing.checkGradients(
        (xi, ...s) => l.apply([xi, ...s]) as tg.Tensor,
        [x, ...init],
      );
      assert.ok(r.maxError < 1e-6, `${kind} with states: ${r.maxError}`);
    }
  });

  test("a tape + SGD step changes every weight and lowers the loss", () => {
    for (const kind of KINDS) {
      const l = make(kind, { units: 3 });
      l.build([null, 4, 2]);
      const { kernel, rec, bias } = weightsFor(kind, 2, 3);
      l.setWeights([kernel, rec, bias]);
      const x = tg.tensor(seq(4, 4, 2));
      const y = tg.tensor(mat(4, 3, 7));
      const mse = new tg.losses.MeanSquaredError();
      const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
      const before = l.getWeights().map((w) => w.toArray());
      const lossAt = () => mse.call(y, l.apply(x) as tg.Tensor).item();
      const loss0 = lossAt();
      const tape = new tg.GradientTape();
      const loss = mse.call(y, l.apply(x) as tg.Tensor);
      const grads = tape.gradient(loss, l.trainableVariables);
      opt.applyGradients(tg.zip(grads, l.trainableVariables));
      const after = l.getWeights().map((w) => w.toArray());
      for (let i = 0; i < 3; i++) assert.notDeepEqual(after[i], before[i]);
      assert.ok(lossAt() < loss0, kind);
    }
  });

  test("fit trains Embedding-free LSTM → Dense on a toy sequence task", () => {
    const m = new tg.Sequential([
      tg.layers.lstm({ units: 4 }),
      tg.layers.dense({ units: 1 }),
    ]);
    m.build([null, 3, 1]);
    m.compile({ optimizer: "adam", loss: "mse" });
    const x = seq(8, 3, 1);
    const y = x.map((s) => [s[0]![0]! + s[2]![0]!]);
    const before = m.evaluate(x, y, { verbose: 0 }) as number;
    m.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, shuffle: false });
    const after = m.evaluate(x, y, { verbose: 0 }) as number;
    assert.ok(after < before, `${after} < ${before}`);
  });
});

describe("TensorFlow.js", () => {
  for (const kind of KINDS.filter((k) => k !== "gru")) {
    test(`${kind} matches with the same weights`, async () => {
      const tf = await loadTf();
      const units = 3;
      const x = seq(2, 4, 2);
      const { kernel, rec, bias } = weightsFor(kind, 2, units);
      for (const goBackwards of [false, true]) {
        for (const returnSequences of [false, true]) {
          const args = { units, goBackwards, returnSequences };
          const tfl =
            kind === "simple"
              ? tf.layers.simpleRNN(args)
              : kind === "lstm"
                ? tf.layers.lstm({ ...args, recurrentActivation: "sigmoid" })
                : tf.layers.gru({ ...args, recurrentActivation: "sigmoid" });
          const xt = tf.tensor(x);
          tfl.apply(xt);
          tfl.setWeights([tf.tensor(kernel), tf.tensor(rec), tf.tensor(bias)]);
          const want = (tfl.apply(xt) as TFTensor).arraySync() as number[][];
          const l = make(kind, args);
          l.build([null, 4, 2]);
          l.setWeights([kernel, rec, bias]);
          allclose(l.apply(x) as tg.Tensor, want, { rtol: 1e-5, atol: 1e-6 });
        }
      }
    });
  }
});

type TFTensor = { arraySync(): unknown };

describe("errors", () => {
  test("bad options and inputs throw typed errors and change nothing", () => {
    assert.throws(
      () => new tg.layers.LSTM({ units: 0 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "LSTM: expected units to be a positive integer, got units=0",
    );
    assert.throws(
      () => new tg.layers.GRU({ units: 2, unroll: true } as tg.layers.GRUArgs),
      (e: Error) =>
        e instanceof tg.NotImplementedError &&
        e.message === "GRU: unroll is not implemented, got unroll=true",
    );
    assert.throws(
      () => new tg.layers.LSTM({ units: 2, dropout: 1.5 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "LSTM: expected dropout to be a number in [0, 1], got dropout=1.5",
    );
    assert.throws(
      () => new tg.layers.SimpleRNN({ units: 2, seed: -1 }),
      (e: Error) =>
        e instanceof tg.ValueError && /expected seed to be/.test(e.message),
    );
    for (const kind of KINDS) {
      const l = make(kind, { units: 2 });
      assert.throws(
        () => l.apply(tg.ones([2, 3])),
        (e: Error) =>
          e instanceof tg.ShapeError &&
          /expected an input of rank 3 \[batch, time, features\], got rank 2 \(shape \[2,3\]\)$/.test(
            e.message,
          ),
      );
      assert.equal(l.built, false);
      assert.throws(
        () => l.apply(tg.input({ shape: [3] })),
        (e: Error) =>
          e instanceof tg.ShapeError && /got rank 2/.test(e.message),
      );
      l.apply(tg.ones([1, 2, 3]));
      assert.throws(
        () => l.apply(tg.ones([1, 2, 4])),
        (e: Error) =>
          e instanceof tg.ShapeError && /expected 3 features/.test(e.message),
      );
      assert.throws(
        () => l.apply(tg.input({ shape: [2, 4] })),
        (e: Error) =>
          e instanceof tg.ShapeError && /expected 3 features/.test(e.message),
      );
      assert.throws(
        () => l.apply([tg.ones([1, 2, 3]), tg.ones([1, 5])]),
        (e: Error) =>
          (e instanceof tg.ShapeError || e instanceof tg.ValueError) &&
          e.message.includes(l.name),
      );
      assert.throws(
        () => l.apply(tg.ones([1, 0, 3])),
        (e: Error) =>
          e instanceof tg.ShapeError && /at least one timestep/.test(e.message),
      );
    }
    assert.throws(
      () => tg.layers.gru({ units: 2 }).kernel,
      (e: Error) =>
        e instanceof tg.ValueError &&
        /until the layer is built/.test(e.message),
    );
  });
});
