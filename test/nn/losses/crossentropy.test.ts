// SPDX-License-Identifier: Apache-2.0
/**
 * Crossentropies (src/nn/losses/crossentropy.ts): binary, categorical,
 * their focal forms and sparse categorical, against the formulas written
 * out here, against the numbers in Keras 3's own docstrings, and against
 * TensorFlow.js (sigmoidCrossEntropy, softmaxCrossEntropy, logLoss and
 * the metrics binaryCrossentropy / categoricalCrossentropy); stability
 * for extreme logits; float64 gradient checks; bad input.
 *
 * Keras's docstrings print a few digits, cut rather than rounded, so the
 * comparisons with them allow one unit of the last digit shown.
 *
 * TensorFlow.js's logLoss adds ε = 1e-7 inside the logarithms where
 * Keras clips the probabilities to [ε, 1 − ε]: the two agree to about
 * ε / p, so that comparison uses a tolerance of 1e-5.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const f64 = (x: tg.NestedArray) => tg.tensor(x, undefined, "float64");
const EPS = 1e-7;
const L = tg.losses;

/** The mean of each row. */
const rowMeans = (m: number[][]) =>
  m.map((r) => r.reduce((a, b) => a + b, 0) / r.length);

/** Keras's clipped binary crossentropy of one element, in doubles. */
function bce(t: number, p: number): number {
  const q = Math.min(Math.max(p, EPS), 1 - EPS);
  return -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
}

/** Sigmoid crossentropy of one logit, in doubles. */
function bceLogit(t: number, z: number): number {
  return Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
}

/** log softmax of a row, in doubles. */
function logSoftmax(z: number[]): number[] {
  const m = Math.max(...z);
  const s = Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
  return z.map((v) => v - s);
}

const T2 = [
  [0, 1],
  [0, 0],
];
const P2 = [
  [0.6, 0.4],
  [0.4, 0.6],
];
const LOGITS = [
  [-18.6, 0.51],
  [2.94, -12.8],
];
const T3 = [
  [0, 1, 0],
  [0, 0, 1],
];
const P3 = [
  [0.05, 0.95, 0],
  [0.1, 0.8, 0.1],
];

describe("binaryCrossentropy", () => {
  test("probabilities: −(t·log p + (1 − t)·log(1 − p)), mean over the last axis", () => {
    const expected = rowMeans(
      T2.map((r, i) => r.map((t, j) => bce(t, P2[i]![j]!))),
    );
    allclose(L.binaryCrossentropy(T2, f64(P2)), expected, { dtype: "float64" });
    // Keras's docstring: [0.916, 0.714].
    allclose(L.binaryCrossentropy(T2, P2), [0.916, 0.714], { atol: 5e-4 });
  });

  test("probabilities 0 and 1 are clipped to [1e-7, 1 − 1e-7]", () => {
    const v = L.binaryCrossentropy(f64([[1, 0, 1, 0]]), f64([[0, 1, 1, 0]]));
    // Clipped: −log(1e-7) twice, −log(1 − 1e-7) twice (bce clips too).
    const expected = (bce(1, 0) + bce(0, 1) + bce(1, 1) + bce(0, 0)) / 4;
    allclose(v, [expected], { dtype: "float64" });
    allclose(v, [(2 * -Math.log(EPS) + 2 * 1e-7) / 4], { rtol: 1e-8 });
    const v32 = L.binaryCrossentropy([[1]], [[0]]);
    assert.ok(Number.isFinite(v32.item()));
    allclose(v32, [-Math.log(Math.fround(EPS))], { rtol: 1e-6 });
  });

  test("label smoothing moves labels towards 0.5: t·(1 − s) + s/2", () => {
    const s = 0.2;
    const expected = rowMeans(
      T2.map((r, i) => r.map((t, j) => bce(t * (1 - s) + s / 2, P2[i]![j]!))),
    );
    allclose(
      L.binaryCrossentropy(T2, f64(P2), { labelSmoothing: s }),
      expected,
      {
        dtype: "float64",
      },
    );
  });

  test("logits: max(z, 0) − z·t + log(1 + e^(−|z|)); Keras's docstring numbers", () => {
    const expected = rowMeans(
      T2.map((r, i) => r.map((t, j) => bceLogit(t, LOGITS[i]![j]!))),
    );
    allclose(
      L.binaryCrossentropy(T2, f64(LOGITS), { fromLogits: true }),
      expected,
      {
        dtype: "float64",
      },
    );
    const loss = (reduction?: tg.losses.Reduction) =>
      new L.BinaryCrossentropy({ fromLogits: true, reduction });
    // Keras: 0.8654 (its digits cut, not rounded: 0.86546), 0.243 with
    // weights [0.8, 0.2], 1.730 summed, [0.235, 1.496] unreduced.
    allclose(loss().call(T2, LOGITS), 0.86546, { atol: 1e-5 });
    allclose(loss().call(T2, LOGITS, [0.8, 0.2]), 0.243, { atol: 1e-3 });
    allclose(loss("sum").call(T2, LOGITS), 1.7309, { atol: 1e-4 });
    allclose(loss("none").call(T2, LOGITS), [0.2352, 1.4958], { atol: 1e-4 });
    allclose(loss().call([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]), 0.86546, {
      atol: 1e-5,
    });
  });

  test("extreme logits stay finite and exact", () => {
    const v = L.binaryCrossentropy(
      [[1, 0, 1, 0]],
      [[1000, -1000, -1000, 1000]],
      {
        fromLogits: true,
      },
    );
    allclose(v, [(0 + 0 + 1000 + 1000) / 4]);
    const g = tg.grad((z: tg.Tensor) =>
      L.binaryCrossentropy([[1, 0]], z, { fromLogits: true }).sum(),
    )(tg.tensor([[-1000, 1000]]));
    // d/dz = (sigmoid(z) − t) / 2.
    allclose(g, [[-0.5, 0.5]]);
  });

  test("axis chooses the axis of the mean", () => {
    const v = L.binaryCrossentropy(f64(T2), f64(P2), { axis: 0 });
    const cols = [0, 1].map(
      (j) => (bce(T2[0]![j]!, P2[0]![j]!) + bce(T2[1]![j]!, P2[1]![j]!)) / 2,
    );
    allclose(v, cols, { dtype: "float64" });
  });

  test("labels [batch] against predictions [batch, 1] (Keras's rank rule)", () => {
    const v = L.binaryCrossentropy([1, 0, 1], [[0.9], [0.2], [0.3]]);
    assert.deepEqual(v.shape, [3]);
    allclose(v, [bce(1, 0.9), bce(0, 0.2), bce(1, 0.3)], { rtol: 1e-6 });
  });
});

describe("categoricalCrossentropy", () => {
  test("probabilities: −Σ t·log p; Keras's docstring numbers", () => {
    const expected = T3.map(
      (r, i) =>
        -r.reduce((a, t, j) => a + t * Math.log(Math.max(P3[i]![j]!, EPS)), 0),
    );
    allclose(L.categoricalCrossentropy(T3, f64(P3)), expected, {
      dtype: "float64",
    });
    const cce = new L.CategoricalCrossentropy();
    allclose(cce.call(T3, P3), 1.177, { atol: 5e-4 });
    allclose(cce.call(T3, P3, [0.3, 0.7]), 0.814, { atol: 5e-4 });
    const sum = new L.CategoricalCrossentropy({ reduction: "sum" });
    allclose(sum.call(T3, P3), 2.354, { atol: 5e-4 });
    const none = new L.CategoricalCrossentropy({ reduction: "none" });
    allclose(none.call(T3, P3), [0.0513, 2.303], { atol: 5e-4 });
  });

  test("probabilities are divided by their sum first", () => {
    allclose(
      L.categoricalCrossentropy(f64([[0, 1]]), f64([[1, 3]])),
      [-Math.log(0.75)],
      {
        dtype: "float64",
      },
    );
  });

  test("logits: −Σ t·logSoftmax(z), finite for huge logits", () => {
    const z = [
      [2, -1, 0.5],
      [0.1, 0.2, 3],
    ];
    const expected = T3.map(
      (r, i) => -r.reduce((a, t, j) => a + t * logSoftmax(z[i]!)[j]!, 0),
    );
    allclose(
      L.categoricalCrossentropy(T3, f64(z), { fromLogits: true }),
      expected,
      {
        dtype: "float64",
      },
    );
    const big = L.categoricalCrossentropy([[0, 1]], [[1000, -1000]], {
      fromLogits: true,
    });
    allclose(big, [2000]);
  });

  test("label smoothing: t·(1 − s) + s / classes", () => {
    const s = 0.1;
    const z = [
      [2, -1, 0.5],
      [0.1, 0.2, 3],
    ];
    const expected = T3.map(
      (r, i) =>
        -r.reduce(
          (a, t, j) => a + (t * (1 - s) + s / 3) * logSoftmax(z[i]!)[j]!,
          0,
        ),
    );
    const v = L.categoricalCrossentropy(T3, f64(z), {
      fromLogits: true,
      labelSmoothing: s,
    });
    allclose(v, expected, { dtype: "float64" });
  });

  test("axis 0 on the transposed problem gives the same values", () => {
    const tt = tg.transpose(f64(T3));
    const pt = tg.transpose(f64(P3));
    allclose(
      L.categoricalCrossentropy(tt, pt, { axis: 0 }),
      L.categoricalCrossentropy(f64(T3), f64(P3)),
      { dtype: "float64" },
    );
  });

  test("one class warns, as Keras does", () => {
    const seen: string[] = [];
    tg.setWarningHandler((m) => seen.push(m));
    try {
      L.categoricalCrossentropy([[1]], [[0.5]]);
    } finally {
      tg.setWarningHandler();
    }
    assert.equal(seen.length, 1);
    assert.match(
      seen[0]!,
      /^categoricalCrossentropy: expected yPred of shape \[batch, classes\]/,
    );
  });
});

describe("focal crossentropies (Keras's docstring numbers)", () => {
  const y = [[0, 1, 0, 0]];
  const z = [[-18.6, 0.51, 2.94, -12.8]];

  test("BinaryFocalCrossentropy from logits, with and without class balancing", () => {
    const make = (args: tg.losses.BinaryFocalArgs) =>
      new L.BinaryFocalCrossentropy({ fromLogits: true, ...args });
    allclose(make({ gamma: 2 }).call(y, z), 0.691, { atol: 5e-4 });
    allclose(make({ gamma: 2, applyClassBalancing: true }).call(y, z), 0.51, {
      atol: 5e-3,
    });
    allclose(make({ gamma: 3 }).call(T2, LOGITS), 0.647, { atol: 5e-4 });
    allclose(
      make({ gamma: 3, applyClassBalancing: true }).call(T2, LOGITS),
      0.482,
      {
        atol: 5e-4,
      },
    );
    allclose(make({ gamma: 3 }).call(T2, LOGITS, [0.8, 0.2]), 0.133, {
      atol: 5e-4,
    });
    allclose(
      make({ gamma: 3, applyClassBalancing: true }).call(
        T2,
        LOGITS,
        [0.8, 0.2],
      ),
      0.097,
      { atol: 5e-4 },
    );
    allclose(make({ gamma: 4, reduction: "sum" }).call(T2, LOGITS), 1.222, {
      atol: 5e-4,
    });
    allclose(
      make({ gamma: 4, reduction: "sum", applyClassBalancing: true }).call(
        T2,
        LOGITS,
      ),
      0.914,
      { atol: 5e-4 },
    );
    allclose(
      make({ gamma: 5, reduction: "none" }).call(T2, LOGITS),
      [0.0017, 1.1561],
      {
        atol: 5e-5,
      },
    );
    allclose(
      make({ gamma: 5, reduction: "none", applyClassBalancing: true }).call(
        T2,
        LOGITS,
      ),
      [0.0004, 0.867],
      { atol: 1e-4 },
    );
  });

  test("binaryFocalCrossentropy: (1 − pₜ)^γ · bce, by hand; γ = 0 is plain BCE", () => {
    const expected = rowMeans(
      T2.map((r, i) =>
        r.map((t, j) => {
          const p = P2[i]![j]!;
          const pt = t * p + (1 - t) * (1 - p);
          return (1 - pt) ** 2 * bce(t, p);
        }),
      ),
    );
    allclose(L.binaryFocalCrossentropy(T2, f64(P2)), expected, {
      dtype: "float64",
    });
    allclose(L.binaryFocalCrossentropy(T2, P2), [0.33, 0.206], { atol: 5e-4 });
    allclose(
      L.binaryFocalCrossentropy(T2, f64(P2), { gamma: 0 }),
      L.binaryCrossentropy(T2, f64(P2)),
      { dtype: "float64" },
    );
  });

  test("CategoricalFocalCrossentropy and its function form", () => {
    const loss = new L.CategoricalFocalCrossentropy();
    allclose(loss.call(T3, P3), 0.23315276, { rtol: 1e-5 });
    allclose(loss.call(T3, P3, [0.3, 0.7]), 0.1632, { atol: 5e-5 });
    const sum = new L.CategoricalFocalCrossentropy({ reduction: "sum" });
    allclose(sum.call(T3, P3), 0.46631, { atol: 1e-5 });
    const none = new L.CategoricalFocalCrossentropy({ reduction: "none" });
    allclose(none.call(T3, P3), [3.2058331e-5, 4.6627346e-1], { rtol: 1e-5 });
    const p = [
      [0.05, 0.9, 0.05],
      [0.1, 0.85, 0.05],
    ];
    allclose(
      L.categoricalFocalCrossentropy(T3, p),
      [2.63401289e-4, 6.75912094e-1],
      {
        rtol: 1e-5,
      },
    );
  });

  test("categorical focal: Σ α(1 − p)^γ(−t log p); α = 1, γ = 0 is CCE; α per class", () => {
    const alpha = [0.2, 0.3, 0.5];
    const expected = T3.map((r, i) =>
      r.reduce((a, t, j) => {
        const q = Math.min(Math.max(P3[i]![j]!, EPS), 1 - EPS);
        return a + alpha[j]! * (1 - q) ** 1.5 * -t * Math.log(q);
      }, 0),
    );
    allclose(
      L.categoricalFocalCrossentropy(T3, f64(P3), { alpha, gamma: 1.5 }),
      expected,
      { dtype: "float64" },
    );
    allclose(
      L.categoricalFocalCrossentropy(T3, f64(P3), { alpha: 1, gamma: 0 }),
      L.categoricalCrossentropy(T3, f64(P3)),
      { dtype: "float64" },
    );
    const z = f64([
      [2, -1, 0.5],
      [0.1, 0.2, 3],
    ]);
    allclose(
      L.categoricalFocalCrossentropy(T3, z, {
        alpha: 1,
        gamma: 0,
        fromLogits: true,
      }),
      L.categoricalCrossentropy(T3, z, { fromLogits: true }),
      { rtol: 1e-9, atol: 1e-9 },
    );
  });
});

describe("sparseCategoricalCrossentropy", () => {
  test("Keras's docstring numbers, and equal to CCE of one-hot labels", () => {
    const scce = new L.SparseCategoricalCrossentropy();
    allclose(scce.call([1, 2], P3), 1.177, { atol: 5e-4 });
    allclose(scce.call([1, 2], P3, [0.3, 0.7]), 0.814, { atol: 5e-4 });
    const none = new L.SparseCategoricalCrossentropy({ reduction: "none" });
    allclose(none.call([1, 2], P3), [0.0513, 2.303], { atol: 5e-4 });
    const z = f64([
      [2, -1, 0.5],
      [0.1, 0.2, 3],
    ]);
    allclose(
      L.sparseCategoricalCrossentropy([1, 2], z, { fromLogits: true }),
      L.categoricalCrossentropy(T3, z, { fromLogits: true }),
      { rtol: 1e-12, atol: 1e-12 },
    );
  });

  test("probabilities: logSumExp(log q) − log q[y] with q clipped", () => {
    const p = [0.2, 0.5, 0.3];
    const q = p.map((v) => Math.min(Math.max(v, EPS), 1 - EPS));
    const lse = Math.log(q.reduce((a, v) => a + v, 0));
    allclose(
      L.sparseCategoricalCrossentropy([2], f64([p])),
      [lse - Math.log(q[2]!)],
      {
        dtype: "float64",
      },
    );
  });

  test("labels [batch, 1], int32 labels, and [batch, time, classes]", () => {
    const z = [
      [1, 2, 3],
      [3, 2, 1],
    ];
    const flat = L.sparseCategoricalCrossentropy([0, 2], z, {
      fromLogits: true,
    });
    allclose(
      L.sparseCategoricalCrossentropy([[0], [2]], z, { fromLogits: true }),
      flat,
    );
    const ints = tg.tensor([0, 2], undefined, "int32");
    allclose(
      L.sparseCategoricalCrossentropy(ints, z, { fromLogits: true }),
      flat,
    );
    const seq = L.sparseCategoricalCrossentropy([[0, 2]], [z], {
      fromLogits: true,
    });
    assert.deepEqual(seq.shape, [1, 2]);
    allclose(seq, [flat.toArray()]);
    // By hand: logSumExp([1, 2, 3]) − 1.
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    allclose(flat, [lse - 1, lse - 1], { rtol: 1e-6 });
  });

  test("huge logits stay finite", () => {
    const v = L.sparseCategoricalCrossentropy(
      [1, 0],
      [
        [1000, -1000],
        [1000, -1000],
      ],
      {
        fromLogits: true,
      },
    );
    allclose(v, [2000, 0]);
  });

  test("ignoreClass: 0 for those entries, left out of the mean", () => {
    const z = f64([
      [1, 2, 3],
      [3, 2, 1],
      [0, 0, 0],
    ]);
    const labels = [0, -1, 2];
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const per = [lse - 1, 0, Math.log(3)];
    const fn = L.sparseCategoricalCrossentropy(labels, z, {
      fromLogits: true,
      ignoreClass: -1,
    });
    allclose(fn, per, { dtype: "float64" });
    const make = (reduction?: tg.losses.Reduction) =>
      new L.SparseCategoricalCrossentropy({
        fromLogits: true,
        ignoreClass: -1,
        reduction,
      });
    // Keras's mask: the mean runs over the 2 entries that count.
    allclose(make().call(labels, z), (per[0]! + per[2]!) / 2, {
      dtype: "float64",
    });
    allclose(make("mean").call(labels, z), (per[0]! + per[2]!) / 2);
    allclose(make("sum").call(labels, z), per[0]! + per[2]!);
    allclose(make("none").call(labels, z), per);
    // Weights join the mask; the divisor stays the count of valid entries.
    allclose(
      make().call(labels, z, [2, 5, 0.5]),
      (2 * per[0]! + 0.5 * per[2]!) / 2,
    );
    // mean_with_sample_weight divides by the weights of the valid entries.
    allclose(
      make("mean_with_sample_weight").call(labels, z, [2, 5, 0.5]),
      (2 * per[0]! + 0.5 * per[2]!) / 2.5,
    );
    // An ignored class can be any integer, even inside [0, classes).
    allclose(
      L.sparseCategoricalCrossentropy([0, 1, 2], z, {
        fromLogits: true,
        ignoreClass: 1,
      }),
      per,
    );
    // No gradient reaches the ignored rows.
    const g = tg.grad((p: tg.Tensor) => make().call(labels, p))(z);
    allclose(tg.slice(g, [1, 0], [1, 3]), [[0, 0, 0]]);
    // ... while the others get softmax(z) − onehot(y), halved by the mean.
    const soft = [1, 2, 3]
      .map((v) => Math.exp(v))
      .map((e, _, a) => e / (a[0]! + a[1]! + a[2]!));
    allclose(
      tg.slice(g, [0, 0], [1, 3]),
      [[(soft[0]! - 1) / 2, soft[1]! / 2, soft[2]! / 2]],
      {
        rtol: 1e-12,
        atol: 1e-12,
      },
    );
  });

  test("every entry ignored: 0, not NaN", () => {
    const loss = new L.SparseCategoricalCrossentropy({ ignoreClass: 7 });
    allclose(
      loss.call(
        [7, 7],
        [
          [0.5, 0.5],
          [0.2, 0.8],
        ],
      ),
      0,
    );
  });
});

describe("TensorFlow.js as an oracle", () => {
  let tf: typeof TF;
  before(async () => {
    tf = await loadTf();
  });

  const labels = [
    [1, 0, 1],
    [0, 0, 1],
    [1, 1, 0],
    [0, 1, 0],
  ];
  const logits = [
    [2.1, -0.4, 0.3],
    [-1.5, 0.8, 3.2],
    [0.05, 1.7, -2.6],
    [-0.9, 0.2, 0.6],
  ];
  const probs = [
    [0.8, 0.3, 0.55],
    [0.15, 0.4, 0.9],
    [0.6, 0.7, 0.2],
    [0.35, 0.65, 0.45],
  ];
  const onehot = [
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
    [0, 1, 0],
  ];
  const close = { rtol: 1e-5, atol: 1e-6 };

  test("sigmoidCrossEntropy (with label smoothing) = binaryCrossentropy from logits", () => {
    for (const s of [0, 0.2]) {
      const theirs = tf.losses
        .sigmoidCrossEntropy(
          tf.tensor(labels),
          tf.tensor(logits),
          undefined,
          s,
          tf.Reduction.NONE,
        )
        .mean(-1)
        .arraySync() as number[];
      const ours = L.binaryCrossentropy(labels, logits, {
        fromLogits: true,
        labelSmoothing: s,
      });
      allclose(ours, theirs, close);
      // tf's default reduction (SUM_BY_NONZERO_WEIGHTS) is Keras's default.
      const mean = tf.losses
        .sigmoidCrossEntropy(tf.tensor(labels), tf.tensor(logits), undefined, s)
        .dataSync()[0]!;
      allclose(
        new L.BinaryCrossentropy({ fromLogits: true, labelSmoothing: s }).call(
          labels,
          logits,
        ),
        mean,
        close,
      );
    }
  });

  test("metrics.binaryCrossentropy = binaryCrossentropy; logLoss within its ε", () => {
    const metric = tf.metrics.binaryCrossentropy(
      tf.tensor(labels),
      tf.tensor(probs),
    );
    allclose(L.binaryCrossentropy(labels, probs), metric.arraySync(), close);
    const log = tf.losses
      .logLoss(
        tf.tensor(labels),
        tf.tensor(probs),
        undefined,
        undefined,
        tf.Reduction.NONE,
      )
      .mean(-1)
      .arraySync() as number[];
    allclose(L.binaryCrossentropy(labels, probs), log, {
      rtol: 1e-5,
      atol: 1e-5,
    });
  });

  test("softmaxCrossEntropy (with label smoothing) = categoricalCrossentropy from logits", () => {
    for (const s of [0, 0.3]) {
      const theirs = tf.losses
        .softmaxCrossEntropy(
          tf.tensor(onehot),
          tf.tensor(logits),
          undefined,
          s,
          tf.Reduction.NONE,
        )
        .arraySync() as number[];
      allclose(
        L.categoricalCrossentropy(onehot, logits, {
          fromLogits: true,
          labelSmoothing: s,
        }),
        theirs,
        close,
      );
    }
    const sparse = tf.losses
      .softmaxCrossEntropy(
        tf.tensor(onehot),
        tf.tensor(logits),
        undefined,
        0,
        tf.Reduction.NONE,
      )
      .arraySync() as number[];
    allclose(
      L.sparseCategoricalCrossentropy([0, 2, 1, 1], logits, {
        fromLogits: true,
      }),
      sparse,
      close,
    );
  });

  test("metrics.categoricalCrossentropy = categoricalCrossentropy of probabilities", () => {
    const theirs = tf.metrics.categoricalCrossentropy(
      tf.tensor(onehot),
      tf.tensor(probs),
    );
    allclose(
      L.categoricalCrossentropy(onehot, probs),
      theirs.arraySync(),
      close,
    );
  });
});

describe("gradients (float64)", () => {
  const t2 = [
    [1, 0, 1],
    [0, 1, 0],
  ];
  const p2 = [
    [0.7, 0.2, 0.45],
    [0.3, 0.6, 0.15],
  ];
  const z2 = [
    [0.7, -1.2, 0],
    [2.5, 0.3, -0.4],
  ];
  const onehot = [
    [0, 0, 1],
    [0, 1, 0],
  ];
  const w = [0.5, 2];
  const check = (f: (p: tg.Tensor) => tg.Tensor, x: tg.NestedArray) => {
    const report = tg.testing.checkGradients(f, [x]);
    assert.ok(report.maxError < 1e-7, `maxError ${report.maxError}`);
  };

  test("binary: probabilities and logits (0 included: the loss is smooth there)", () => {
    check((p) => new L.BinaryCrossentropy().call(t2, p, w), p2);
    check(
      (p) => new L.BinaryCrossentropy({ labelSmoothing: 0.1 }).call(t2, p),
      p2,
    );
    check(
      (z) => new L.BinaryCrossentropy({ fromLogits: true }).call(t2, z, w),
      z2,
    );
    check(
      (z) => L.binaryCrossentropy(t2, z, { fromLogits: true, axis: 0 }),
      z2,
    );
  });

  test("categorical: probabilities and logits", () => {
    check((p) => new L.CategoricalCrossentropy().call(onehot, p, w), p2);
    check(
      (z) =>
        new L.CategoricalCrossentropy({
          fromLogits: true,
          labelSmoothing: 0.2,
        }).call(onehot, z),
      z2,
    );
  });

  test("focal: binary and categorical, probabilities and logits", () => {
    check(
      (p) =>
        new L.BinaryFocalCrossentropy({ applyClassBalancing: true }).call(
          t2,
          p,
          w,
        ),
      p2,
    );
    check(
      (z) => L.binaryFocalCrossentropy(t2, z, { fromLogits: true, gamma: 3 }),
      z2,
    );
    check((p) => new L.CategoricalFocalCrossentropy().call(onehot, p, w), p2);
    check(
      (z) =>
        L.categoricalFocalCrossentropy(onehot, z, {
          fromLogits: true,
          alpha: [1, 2, 3],
        }),
      z2,
    );
  });

  test("sparse: probabilities, logits, ignoreClass", () => {
    check((p) => new L.SparseCategoricalCrossentropy().call([2, 1], p, w), p2);
    check(
      (z) =>
        new L.SparseCategoricalCrossentropy({ fromLogits: true }).call(
          [0, 2],
          z,
        ),
      z2,
    );
    check(
      (z) =>
        new L.SparseCategoricalCrossentropy({
          fromLogits: true,
          ignoreClass: 9,
        }).call([9, 2], z),
      z2,
    );
  });
});

describe("bad input", () => {
  test("a sparse label outside [0, classes) names the label", () => {
    const p = [
      [0.5, 0.5, 0],
      [0.2, 0.3, 0.5],
    ];
    assert.throws(() => L.sparseCategoricalCrossentropy([0, 3], p), {
      name: "ValueError",
      message:
        "sparseCategoricalCrossentropy: expected labels that are integers in [0, 3), got label 3 at index 1",
    });
    const loss = new L.SparseCategoricalCrossentropy();
    assert.throws(() => loss.call([-1, 0], p), {
      name: "ValueError",
      message: /^SparseCategoricalCrossentropy: .* got label -1 at index 0$/,
    });
    assert.throws(() => loss.call([1.5, 0], p), /got label 1.5 at index 0/);
    // The ignored class is the only exception.
    const ignoring = new L.SparseCategoricalCrossentropy({ ignoreClass: -1 });
    assert.ok(Number.isFinite(ignoring.call([-1, 0], p).item()));
    assert.throws(() => ignoring.call([-2, 0], p), /got label -2 at index 0/);
  });

  test("sparse label shapes and axis", () => {
    assert.throws(
      () => L.sparseCategoricalCrossentropy([0, 1, 2], [[0.5, 0.5]]),
      {
        name: "ShapeError",
        message:
          "sparseCategoricalCrossentropy: expected labels of shape [1] (yPred's shape [1,2] without the class axis), got shape [3]",
      },
    );
    assert.throws(
      () => L.sparseCategoricalCrossentropy([0], [[0.5, 0.5]], { axis: 0 }),
      { name: "ValueError", message: /expected axis -1 .* got axis=0$/ },
    );
  });

  test("shapes that differ", () => {
    assert.throws(() => L.binaryCrossentropy([[1, 0, 1]], [[0.5, 0.5]]), {
      name: "ShapeError",
      message:
        /^binaryCrossentropy: expected yTrue and yPred of shapes that broadcast together, got yTrue shape \[1,3\] and yPred shape \[1,2\]$/,
    });
    assert.throws(
      () =>
        new L.CategoricalCrossentropy().call(
          [[1, 0]],
          [
            [0.5, 0.5],
            [0.1, 0.9],
          ],
        ),
      {
        name: "ShapeError",
        message:
          "categoricalCrossentropy: expected yTrue and yPred of the same shape, got yTrue shape [1,2] and yPred shape [2,2]",
      },
    );
  });

  test("bad options", () => {
    assert.throws(() => new L.BinaryCrossentropy({ labelSmoothing: 1.5 }), {
      name: "ValueError",
      message:
        "BinaryCrossentropy: expected labelSmoothing in [0, 1], got labelSmoothing=1.5",
    });
    assert.throws(
      () => L.categoricalCrossentropy([[1]], [[1]], { labelSmoothing: -0.1 }),
      {
        name: "ValueError",
        message:
          /^categoricalCrossentropy: expected labelSmoothing in \[0, 1\]/,
      },
    );
    assert.throws(
      () => new L.CategoricalCrossentropy({ fromLogits: "yes" as never }),
      {
        message:
          'CategoricalCrossentropy: expected fromLogits to be a boolean, got fromLogits="yes"',
      },
    );
    assert.throws(
      () => new L.BinaryCrossentropy({ axis: 0.5 }),
      /expected axis to be an integer/,
    );
    assert.throws(
      () => new L.BinaryCrossentropy({ from_logits: true } as never),
      {
        name: "ValueError",
        message:
          /^BinaryCrossentropy: expected options among .*got "from_logits"$/,
      },
    );
    assert.throws(
      () => new L.BinaryFocalCrossentropy({ gamma: -1 }),
      /expected gamma >= 0, got gamma=-1/,
    );
    assert.throws(
      () => new L.BinaryFocalCrossentropy({ alpha: 2 }),
      /expected alpha in \[0, 1\], got alpha=2/,
    );
    assert.throws(
      () => new L.CategoricalFocalCrossentropy({ alpha: [] }),
      /expected alpha to be a number >= 0 or a non-empty list/,
    );
    assert.throws(
      () =>
        L.categoricalFocalCrossentropy([[0, 1]], [[0.5, 0.5]], {
          alpha: [1, 2, 3],
        }),
      {
        name: "ShapeError",
        message:
          "categoricalFocalCrossentropy: expected one alpha per class (2), got 3 values",
      },
    );
    assert.throws(
      () => new L.SparseCategoricalCrossentropy({ ignoreClass: 0.5 }),
      /expected ignoreClass to be an integer or null/,
    );
  });
});
