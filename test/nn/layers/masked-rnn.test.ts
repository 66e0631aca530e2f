// SPDX-License-Identifier: Apache-2.0
/**
 * Recurrent layers (src/nn/layers/recurrent.ts) with masks, stateful
 * states and dropout: padded sequences against the unpadded ones, masked
 * outputs against TensorFlow.js (Embedding with maskZero → LSTM/GRU/
 * SimpleRNN, same weights), output masks, mask errors, stateful calls
 * against one long call, resetStates, and the dropout masks' structure
 * (one per call, shared over time; inference unchanged).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

type Kind = "simple" | "lstm" | "gru";
const KINDS: Kind[] = ["simple", "lstm", "gru"];
const GATES: Record<Kind, number> = { simple: 1, lstm: 4, gru: 3 };
type AnyRNN = tg.layers.RNN<tg.Tensor | tg.Tensor[]>;

function make(
  kind: Kind,
  args: Omit<tg.layers.GRUArgs, "units"> & { units: number },
): AnyRNN {
  if (kind === "simple")
    return new tg.layers.SimpleRNN<tg.Tensor | tg.Tensor[]>(args);
  if (kind === "lstm") return new tg.layers.LSTM<tg.Tensor | tg.Tensor[]>(args);
  return new tg.layers.GRU<tg.Tensor | tg.Tensor[]>(args);
}

/** A deterministic [r, c] matrix of small values. */
function mat(r: number, c: number, seed: number): number[][] {
  return Array.from({ length: r }, (_, i) =>
    Array.from({ length: c }, (_, j) =>
      Number((0.5 * Math.cos(seed * 3 + i * 1.3 + j * 0.9)).toFixed(4)),
    ),
  );
}

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

/** Weights for `kind` (GRU: resetAfter, bias [2, 3u]). */
function weightsFor(kind: Kind, features: number, units: number) {
  const w = GATES[kind] * units;
  const bias = kind === "gru" ? mat(2, w, 3) : mat(1, w, 3)[0]!;
  return [mat(features, w, 1), mat(units, w, 2), bias];
}

function built(
  kind: Kind,
  features: number,
  args: Omit<tg.layers.GRUArgs, "units"> & { units: number },
): AnyRNN {
  const l = make(kind, { dtype: "float64", ...args });
  l.build([null, 1, features]);
  l.setWeights(weightsFor(kind, features, args.units));
  return l;
}

const asList = (y: tg.Tensor | tg.Tensor[]): tg.Tensor[] =>
  Array.isArray(y) ? y : [y];

describe("masks: padded sequences against unpadded ones", () => {
  for (const kind of KINDS) {
    test(`${kind}: masked steps keep the states; outputs repeat or are zero`, () => {
      const units = 3;
      const real = seq(1, 3, 2)[0]!; // three real steps
      const junk = seq(1, 5, 2, 9)[0]!;
      // Padding at the end, in the middle and at the start.
      const padded = [
        junk[0]!,
        real[0]!,
        junk[1]!,
        real[1]!,
        real[2]!,
        junk[2]!,
      ];
      const mask = [[false, true, false, true, true, false]];
      for (const goBackwards of [false, true]) {
        const l = built(kind, 2, {
          units,
          returnSequences: true,
          returnState: true,
          goBackwards,
        });
        const [outs, ...states] = asList(
          l.apply(tg.tensor([padded], undefined, "float64"), {
            mask: tg.tensor(mask, undefined, "bool"),
          }),
        );
        const [refOuts, ...refStates] = asList(
          l.apply(tg.tensor([real], undefined, "float64")),
        );
        states.forEach((s, i) => allclose(s, refStates[i]!, { atol: 1e-12 }));
        // Outputs in processing order: a real step gives the reference's
        // next output, a masked one repeats the previous (zeros at first).
        const order = goBackwards ? [...mask[0]!].reverse() : mask[0]!;
        const got = (outs!.toArray() as number[][][])[0]!;
        const want = (refOuts!.toArray() as number[][][])[0]!;
        let k = -1;
        order.forEach((m, t) => {
          if (m) k += 1;
          const expect = k < 0 ? [0, 0, 0] : want[k]!;
          allclose(got[t]!, expect, { atol: 1e-12 });
        });
        // The last output (returnSequences false) is the final h.
        const last = built(kind, 2, { units, goBackwards });
        last.setWeights(l.getWeights());
        const y = last.apply(tg.tensor([padded], undefined, "float64"), {
          mask: tg.tensor(mask, undefined, "bool"),
        }) as tg.Tensor;
        allclose(y, refStates[0]!, { atol: 1e-12 });
        // zeroOutputForMask: zeros at masked steps, same states.
        const z = built(kind, 2, {
          units,
          returnSequences: true,
          returnState: true,
          goBackwards,
          zeroOutputForMask: true,
        });
        z.setWeights(l.getWeights());
        const [zOuts, ...zStates] = asList(
          z.apply(tg.tensor([padded], undefined, "float64"), {
            mask: tg.tensor(mask, undefined, "bool"),
          }),
        );
        zStates.forEach((s, i) => allclose(s, states[i]!, { atol: 1e-12 }));
        const zs = (zOuts!.toArray() as number[][][])[0]!;
        order.forEach((m, t) => {
          if (!m) assert.deepEqual(zs[t], [0, 0, 0]);
          else allclose(zs[t]!, got[t]!, { atol: 1e-12 });
        });
      }
    });
  }

  test("a mask of all true changes nothing; each sample its own mask", () => {
    const l = built("lstm", 2, { units: 2, returnSequences: true });
    const x = tg.tensor(seq(2, 4, 2), undefined, "float64");
    const all = tg.ones([2, 4], "bool");
    allclose(l.apply(x, { mask: all }) as tg.Tensor, l.apply(x) as tg.Tensor, {
      atol: 0,
    });
    // Sample 0 fully real, sample 1 with its last two steps masked.
    const mask = tg.tensor(
      [
        [1, 1, 1, 1],
        [1, 1, 0, 0],
      ],
      undefined,
      "bool",
    );
    const y = (l.apply(x, { mask }) as tg.Tensor).toArray() as number[][][];
    const full = (l.apply(x) as tg.Tensor).toArray() as number[][][];
    assert.deepEqual(y[0], full[0]);
    assert.deepEqual(y[1]!.slice(0, 2), full[1]!.slice(0, 2));
    assert.deepEqual(y[1]![3], full[1]![1]);
  });

  test("float64 gradients through a masked LSTM and GRU", () => {
    for (const kind of ["lstm", "gru"] as const) {
      const l = built(kind, 2, { units: 2, returnSequences: true });
      const mask = tg.tensor(
        [
          [1, 0, 1],
          [0, 1, 1],
        ],
        undefined,
        "bool",
      );
      const r = tg.testing.checkGradients(
        (x) => l.apply(x, { mask }) as tg.Tensor,
        [seq(2, 3, 2)],
      );
      assert.ok(r.maxError < 1e-6, `${kind}: ${r.maxError}`);
    }
  });
});

describe("masks: layers that make them", () => {
  test("Embedding(maskZero) → LSTM/GRU/SimpleRNN matches TensorFlow.js", async () => {
    const tf = await loadTf();
    const ids = [
      [3, 1, 4, 0, 0],
      [0, 2, 0, 5, 1],
    ];
    const table = mat(6, 2, 5);
    for (const kind of KINDS) {
      for (const goBackwards of [false, true]) {
        for (const returnSequences of [false, true]) {
          const args = { units: 3, goBackwards, returnSequences };
          // TF.js has no resetAfter GRU: compare resetAfter false.
          const w =
            kind === "gru"
              ? [mat(2, 9, 1), mat(3, 9, 2), mat(1, 9, 3)[0]!]
              : weightsFor(kind, 2, 3);
          const tfEmb = tf.layers.embedding({
            inputDim: 6,
            outputDim: 2,
            maskZero: true,
          });
          const tfRnn =
            kind === "simple"
              ? tf.layers.simpleRNN(args)
              : kind === "lstm"
                ? tf.layers.lstm({ ...args, recurrentActivation: "sigmoid" })
                : tf.layers.gru({ ...args, recurrentActivation: "sigmoid" });
          const model = tf.sequential({ layers: [tfEmb, tfRnn] });
          model.build([null, 5]);
          tfEmb.setWeights([tf.tensor(table)]);
          tfRnn.setWeights(w.map((a) => tf.tensor(a)));
          const want = (
            model.predict(tf.tensor(ids, undefined, "int32")) as {
              arraySync(): unknown;
            }
          ).arraySync() as number[][];

          const emb = tg.layers.embedding({
            inputDim: 6,
            outputDim: 2,
            maskZero: true,
          });
          const rnn = make(kind, {
            ...args,
            ...(kind === "gru" ? { resetAfter: false } : {}),
          });
          const h = emb.apply(tg.tensor(ids, undefined, "int32"));
          emb.setWeights([table]);
          rnn.build([null, 5, 2]);
          rnn.setWeights(w);
          const y = rnn.apply(emb.apply(tg.tensor(ids, undefined, "int32")));
          allclose(y as tg.Tensor, want, { rtol: 1e-5, atol: 1e-6 });
          void h;
        }
      }
    }
  });

  test("the output mask: returnSequences keeps it; states have none", () => {
    const emb = tg.layers.embedding({
      inputDim: 4,
      outputDim: 2,
      maskZero: true,
    });
    const h = emb.apply(tg.tensor([[1, 2, 0]], undefined, "int32"));
    assert.deepEqual(tg.layers.getMask(h)?.toArray(), [[true, true, false]]);
    const seqOut = tg.layers.gru({ units: 2, returnSequences: true }).apply(h);
    assert.deepEqual(tg.layers.getMask(seqOut)?.toArray(), [
      [true, true, false],
    ]);
    const lastOut = tg.layers.gru({ units: 2 }).apply(h);
    assert.equal(tg.layers.getMask(lastOut), null);
    const [o, s1, s2] = tg.layers
      .lstm({ units: 2, returnSequences: true, returnState: true })
      .apply(h);
    assert.deepEqual(tg.layers.getMask(o!)?.toArray(), [[true, true, false]]);
    assert.equal(tg.layers.getMask(s1!), null);
    assert.equal(tg.layers.getMask(s2!), null);
    // A stacked RNN reads the mask the first one passed on.
    const l1 = built("lstm", 2, { units: 2, returnSequences: true });
    const l2 = built("gru", 2, { units: 2 });
    const x = tg.tensor([seq(1, 3, 2)[0]!], undefined, "float64");
    const mask = tg.tensor([[true, false, true]], undefined, "bool");
    const stacked = l2.apply(l1.apply(x, { mask }) as tg.Tensor) as tg.Tensor;
    const seqs = (l1.apply(x) as tg.Tensor).toArray() as number[][][];
    const short = tg.tensor(
      [[seq(1, 3, 2)[0]![0]!, seq(1, 3, 2)[0]![2]!]],
      undefined,
      "float64",
    );
    void seqs;
    allclose(stacked, l2.apply(l1.apply(short) as tg.Tensor) as tg.Tensor, {
      atol: 1e-12,
    });
  });

  test("a mask of the wrong shape: ShapeError naming the layer, expected and given", () => {
    const l = tg.layers.lstm({ units: 2, name: "enc" });
    const x = tg.ones([2, 4, 3]);
    for (const bad of [
      tg.ones([2, 3], "bool"),
      tg.ones([2, 4, 1], "bool"),
      tg.ones([4], "bool"),
    ]) {
      assert.throws(() => l.apply(x, { mask: bad }), {
        name: "ShapeError",
        message: `LSTM "enc": expected a mask of shape [batch, time] = [2,4], got shape ${JSON.stringify(bad.shape)}`,
      });
    }
    assert.throws(() => l.apply(tg.ones([2, 4])), {
      name: "ShapeError",
      message:
        'LSTM "enc": expected an input of rank 3 [batch, time, features], got rank 2 (shape [2,4])',
    });
  });
});

describe("stateful", () => {
  for (const kind of KINDS) {
    test(`${kind}: two calls continue like one call; resetStates`, () => {
      const x = seq(2, 6, 2);
      const whole = built(kind, 2, { units: 3, returnState: true });
      const [, ...wantStates] = asList(
        whole.apply(tg.tensor(x, undefined, "float64")),
      );
      const l = built(kind, 2, { units: 3, stateful: true, returnState: true });
      assert.equal(l.states, null);
      const first = x.map((s) => s.slice(0, 4));
      const second = x.map((s) => s.slice(4));
      l.apply(tg.tensor(first, undefined, "float64"));
      const [, ...states] = asList(
        l.apply(tg.tensor(second, undefined, "float64")),
      );
      states.forEach((s, i) => allclose(s, wantStates[i]!, { atol: 1e-12 }));
      l.states!.forEach((s, i) => allclose(s, wantStates[i]!, { atol: 1e-12 }));
      // States are not weights.
      assert.equal(l.weights.length, 3);
      assert.equal(l.nonTrainableWeights.length, 0);
      // Another batch size: ValueError, states unchanged.
      assert.throws(() => l.apply(tg.ones([3, 2, 2], "float64")), {
        name: "ValueError",
        message: new RegExp(
          `^${l.className} "${l.name}": expected a batch of 2`,
        ),
      });
      l.states!.forEach((s, i) => allclose(s, wantStates[i]!, { atol: 1e-12 }));
      // resetStates: zeros, so the next call is a fresh one.
      l.resetStates();
      l.states!.forEach((s) =>
        assert.ok(Array.from(s.data).every((v) => v === 0)),
      );
      const fresh = built(kind, 2, { units: 3, returnState: true });
      const [, ...freshStates] = asList(
        fresh.apply(tg.tensor(second, undefined, "float64")),
      );
      const [, ...again] = asList(
        l.apply(tg.tensor(second, undefined, "float64")),
      );
      again.forEach((s, i) => allclose(s, freshStates[i]!, { atol: 1e-12 }));
      // resetStates(values) equals giving initial states, and may set a new batch.
      const n = kind === "lstm" ? 2 : 1;
      const init = Array.from({ length: n }, (_, i) => mat(1, 3, 30 + i));
      l.resetStates(init);
      const one = [second[0]!];
      const [, ...fromReset] = asList(
        l.apply(tg.tensor(one, undefined, "float64")),
      );
      const [, ...fromInit] = asList(
        fresh.apply([
          tg.tensor(one, undefined, "float64"),
          ...init.map((v) => tg.tensor(v, undefined, "float64")),
        ]),
      );
      fromReset.forEach((s, i) => allclose(s, fromInit[i]!, { atol: 1e-12 }));
    });
  }

  test("gradients stop at the kept states; bad resetStates values throw", () => {
    const l = built("gru", 2, { units: 2, stateful: true });
    const x = tg.tensor(seq(1, 3, 2), undefined, "float64");
    l.apply(x);
    const tape = new tg.GradientTape();
    const loss = tg.sum(l.apply(x) as tg.Tensor);
    const grads = tape.gradient(loss, l.trainableVariables);
    assert.equal(grads.length, 3);
    assert.ok(
      grads.every((g) => g !== null && Number.isFinite(tg.sum(g).item())),
    );
    assert.throws(() => l.resetStates([tg.ones([1, 3])]), {
      name: "ShapeError",
    });
    assert.throws(() => l.resetStates([tg.ones([1, 2]), tg.ones([1, 2])]), {
      name: "ValueError",
      message: /expected 1 state value\(s\), got 2$/,
    });
    assert.throws(() => tg.layers.gru({ units: 2 }).resetStates([[0, 0]]), {
      name: "ValueError",
    });
    assert.equal(l.getConfig().stateful, true);
  });
});

describe("dropout", () => {
  test("inference is unchanged; training draws one input mask for all steps", () => {
    const units = 6;
    // Linear SimpleRNN, kernel I, recurrent kernel 0: h_t = x_t ⊙ mask.
    const l = new tg.layers.SimpleRNN({
      units,
      activation: "linear",
      kernelInitializer: "identity",
      recurrentInitializer: "zeros",
      returnSequences: true,
      dropout: 0.5,
      seed: 7,
    });
    const x = tg.ones([3, 4, units]);
    assert.deepEqual(l.apply(x).toArray(), x.toArray());
    const y = l.apply(x, { training: true }).toArray() as number[][][];
    const values = y.flat(2);
    assert.ok(values.every((v) => v === 0 || v === 2));
    assert.ok(values.includes(0) && values.includes(2));
    for (const sample of y) {
      for (const step of sample) assert.deepEqual(step, sample[0]);
    }
    // Samples get different masks (with overwhelming probability).
    assert.notDeepEqual(y[0]![0], y[1]![0]);
    // A seed repeats the sequence of masks from construction.
    const again = new tg.layers.SimpleRNN({
      ...l.getConfig(),
      name: "again",
    } as tg.layers.SimpleRNNArgs);
    again.build([null, 4, units]);
    again.setWeights(l.getWeights());
    assert.deepEqual(again.apply(x, { training: true }).toArray(), y);
  });

  test("recurrent dropout: one mask per call on the previous output", () => {
    // kernel 0, bias 1, recurrent kernel I: h_t = h_{t-1} ⊙ m + 1, so a
    // kept unit goes 1, 3, 7 and a dropped one stays 1.
    const l = new tg.layers.SimpleRNN({
      units: 8,
      activation: "linear",
      kernelInitializer: "zeros",
      biasInitializer: "ones",
      recurrentInitializer: "identity",
      returnSequences: true,
      recurrentDropout: 0.5,
      seed: 3,
    });
    const x = tg.zeros([2, 3, 1]);
    const y = l.apply(x, { training: true }).toArray() as number[][][];
    let kept = 0;
    let dropped = 0;
    for (const s of y) {
      for (let u = 0; u < 8; u++) {
        const path = s.map((step) => step[u]);
        if (path[1] === 3) {
          assert.deepEqual(path, [1, 3, 7]);
          kept++;
        } else {
          assert.deepEqual(path, [1, 1, 1]);
          dropped++;
        }
      }
    }
    assert.ok(kept > 0 && dropped > 0);
    assert.deepEqual(
      l.apply(x).toArray(),
      [0, 1].map(() => [1, 2, 3].map((v) => new Array<number>(8).fill(v))),
    );
  });

  test("LSTM and GRU: with recurrentDropout each gate block has its own masks", () => {
    for (const kind of ["lstm", "gru"] as const) {
      const l = make(kind, {
        units: 4,
        dropout: 0.4,
        recurrentDropout: 0.3,
        seed: 11,
        dtype: "float64",
      });
      const x = tg.tensor(seq(2, 5, 3), undefined, "float64");
      l.build([null, 5, 3]);
      l.setWeights(weightsFor(kind, 3, 4));
      const inference = (l.apply(x) as tg.Tensor).toArray();
      const plain = built(kind, 3, { units: 4 });
      assert.deepEqual(inference, (plain.apply(x) as tg.Tensor).toArray());
      const a = (l.apply(x, { training: true }) as tg.Tensor).toArray();
      const b = (l.apply(x, { training: true }) as tg.Tensor).toArray();
      assert.notDeepEqual(a, inference);
      assert.notDeepEqual(a, b);
      // Gradients flow in training.
      const tape = new tg.GradientTape();
      const loss = tg.sum(l.apply(x, { training: true }) as tg.Tensor);
      const grads = tape.gradient(loss, l.trainableVariables);
      assert.ok(
        grads.every((g) => g !== null && Number.isFinite(tg.sum(g).item())),
      );
      assert.equal(l.getConfig().recurrentDropout, 0.3);
    }
  });

  test("LSTM and GRU: one input mask for all gates unless recurrentDropout", () => {
    // One feature, kernel of ones, no recurrence, no bias, x = 1: every
    // gate sees the same dropped-or-scaled input under one shared mask, so
    // an output takes one of two values; with a mask per gate, more.
    const lstmOut = (m: number) => {
      const sg = 1 / (1 + Math.exp(-m));
      return sg * Math.tanh(sg * Math.tanh(m));
    };
    const gruOut = (m: number) => (1 - 1 / (1 + Math.exp(-m))) * Math.tanh(m);
    for (const kind of ["lstm", "gru"] as const) {
      const expected = [0, 2].map(kind === "lstm" ? lstmOut : gruOut);
      for (const recurrentDropout of [0, 0.5]) {
        const l = make(kind, {
          units: 1,
          kernelInitializer: "ones",
          recurrentInitializer: "zeros",
          unitForgetBias: false,
          dropout: 0.5,
          recurrentDropout,
          seed: 4,
          dtype: "float64",
        } as tg.layers.LSTMArgs);
        const y = l.apply(tg.ones([64, 1, 1], "float64"), {
          training: true,
        }) as tg.Tensor;
        const vals = Array.from(y.data);
        const twoValued = vals.every((v) =>
          expected.some((e) => Math.abs(v - e) < 1e-12),
        );
        assert.equal(
          twoValued,
          recurrentDropout === 0,
          `${kind} ${recurrentDropout}`,
        );
      }
    }
  });

  test("fit with dropout and recurrentDropout lowers the loss", () => {
    tg.setSeed(5);
    const m = new tg.Sequential([
      tg.layers.gru({ units: 4, dropout: 0.1, recurrentDropout: 0.1 }),
      tg.layers.dense({ units: 1 }),
    ]);
    m.build([null, 3, 1]);
    m.compile({ optimizer: "adam", loss: "mse" });
    const x = seq(8, 3, 1);
    const y = x.map((s) => [s[0]![0]! + s[2]![0]!]);
    const before = m.evaluate(x, y, { verbose: 0 }) as number;
    m.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, shuffle: false });
    const after = m.evaluate(x, y, { verbose: 0 }) as number;
    assert.ok(after < before, `${after} < ${before}`);
  });
});
