// SPDX-License-Identifier: Apache-2.0
/**
 * Probabilistic and hinge metrics (src/nn/metrics/probabilistic.ts,
 * hinge.ts, and their functions): crossentropies with fromLogits and label
 * smoothing against float64 hand computations and TensorFlow.js, Keras's
 * documented values, KL divergence, Poisson, the hinges, ignoreClass, and
 * bad labels.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const tf = await loadTf();
const EPS = 1e-7;

const f64 = (x: number[][]) => tg.tensor(x, undefined, "float64");
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);

const LABELS = [
  [0, 1, 1],
  [1, 0, 0],
];
const PROBS = [
  [0.2, 0.7, 0.9],
  [0.6, 0.3, 1],
];

function bceRows(t: number[][], p: number[][], smoothing = 0): number[] {
  return t.map((r, i) => {
    const s = r.map((y0, j) => {
      const y = y0 * (1 - smoothing) + 0.5 * smoothing;
      const q = clip(p[i]![j]!);
      return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
    });
    return s.reduce((a, b) => a + b, 0) / s.length;
  });
}

describe("binary crossentropy", () => {
  test("probabilities, clipped at ε (one prediction is exactly 1)", () => {
    allclose(
      tg.metrics.binaryCrossentropy(LABELS, f64(PROBS)),
      bceRows(LABELS, PROBS),
      {
        rtol: 1e-12,
      },
    );
  });

  test("logits, and label smoothing", () => {
    const logits = [
      [-2, 0.5, 3],
      [40, -1, 0],
    ];
    const expected = LABELS.map((r, i) => {
      const s = r.map((y, j) => {
        const x = logits[i]![j]!;
        return Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
      });
      return s.reduce((a, b) => a + b, 0) / 3;
    });
    allclose(
      tg.metrics.binaryCrossentropy(LABELS, f64(logits), { fromLogits: true }),
      expected,
      {
        rtol: 1e-12,
      },
    );
    allclose(
      tg.metrics.binaryCrossentropy(LABELS, f64(PROBS), {
        labelSmoothing: 0.2,
      }),
      bceRows(LABELS, PROBS, 0.2),
      { rtol: 1e-12 },
    );
  });

  test("against TensorFlow.js (float32)", () => {
    const p = PROBS.map((r) => r.map((v) => Math.min(v, 0.95)));
    const theirs = tf.metrics.binaryCrossentropy(
      tf.tensor(LABELS),
      tf.tensor(p),
    );
    allclose(tg.metrics.binaryCrossentropy(LABELS, p), theirs.arraySync(), {
      rtol: 1e-6,
      atol: 1e-6,
    });
  });

  test("the class over weighted updates; Keras's documented value", () => {
    const m = new tg.metrics.BinaryCrossentropy();
    m.updateState(
      [
        [0, 1],
        [0, 0],
      ],
      [
        [0.6, 0.4],
        [0.4, 0.6],
      ],
    );
    allclose(m.result(), 0.81492424, { rtol: 1e-6 });
    const k = new tg.metrics.BinaryCrossentropy({
      dtype: "float64",
      labelSmoothing: 0.1,
    });
    k.updateState(LABELS.slice(0, 1), f64(PROBS.slice(0, 1)), [2]);
    k.updateState(LABELS.slice(1), f64(PROBS.slice(1)), [0.5]);
    const rows = bceRows(LABELS, PROBS, 0.1);
    allclose(k.result(), (2 * rows[0]! + 0.5 * rows[1]!) / 2.5, {
      rtol: 1e-12,
    });
    assert.deepEqual(k.getConfig(), {
      name: "binary_crossentropy",
      dtype: "float64",
      fromLogits: false,
      labelSmoothing: 0.1,
    });
  });

  test("shapes must match after rank matching", () => {
    assert.throws(
      () => tg.metrics.binaryCrossentropy([[0, 1]], [[0.5, 0.5, 0.5]]),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message.startsWith("binaryCrossentropy: expected yTrue and yPred") &&
        e.message.endsWith("got yTrue shape [1,2] and yPred shape [1,3]"),
    );
    // [batch] labels against [batch, 1] predictions are fine
    allclose(
      tg.metrics.binaryCrossentropy([1, 0], [[0.5], [0.5]]),
      [Math.LN2, Math.LN2],
      {
        rtol: 1e-6,
      },
    );
  });
});

describe("categorical crossentropies", () => {
  const T = [
    [0, 1, 0],
    [0, 0, 1],
  ];
  const P = [
    [0.05, 0.95, 0],
    [0.1, 0.8, 0.1],
  ];

  test("Keras's documented values, classes weighted", () => {
    const c = new tg.metrics.CategoricalCrossentropy();
    c.updateState(T, P);
    allclose(c.result(), 1.1769392, { rtol: 1e-6 });
    c.resetState();
    c.updateState(T, P, [0.3, 0.7]);
    allclose(c.result(), 1.6271976, { rtol: 1e-6 });
    const s = new tg.metrics.SparseCategoricalCrossentropy();
    s.updateState([1, 2], P, [0.3, 0.7]);
    allclose(s.result(), 1.6271976, { rtol: 1e-6 });
  });

  test("rescaled and clipped probabilities, label smoothing, float64", () => {
    const unnormalised = [
      [0.2, 1, 0.8],
      [3, 0, 1],
    ];
    const expected = T.map((r, i) => {
      const total = unnormalised[i]!.reduce((a, b) => a + b, 0);
      return -r.reduce((s, y, j) => {
        const ys = y * 0.7 + 0.3 / 3;
        return s + ys * Math.log(clip(unnormalised[i]![j]! / total));
      }, 0);
    });
    allclose(
      tg.metrics.categoricalCrossentropy(T, f64(unnormalised), {
        labelSmoothing: 0.3,
      }),
      expected,
      { rtol: 1e-12 },
    );
  });

  test("logits: −Σ y·logSoftmax(x)", () => {
    const x = [
      [1, 2, 3],
      [100, 0, -100],
    ];
    const expected = T.map((r, i) => {
      const lse =
        Math.log(x[i]!.reduce((s, v) => s + Math.exp(v - 100), 0)) + 100;
      return -r.reduce((s, y, j) => s + y * (x[i]![j]! - lse), 0);
    });
    allclose(
      tg.metrics.categoricalCrossentropy(T, f64(x), { fromLogits: true }),
      expected,
      {
        rtol: 1e-12,
      },
    );
    allclose(
      tg.metrics.sparseCategoricalCrossentropy([1, 2], f64(x), {
        fromLogits: true,
      }),
      expected,
      {
        rtol: 1e-12,
      },
    );
  });

  test("against TensorFlow.js (float32)", () => {
    const theirs = tf.metrics.categoricalCrossentropy(
      tf.tensor(T),
      tf.tensor(P),
    );
    allclose(tg.metrics.categoricalCrossentropy(T, P), theirs.arraySync(), {
      rtol: 1e-6,
      atol: 1e-6,
    });
  });

  test("sparse: [batch, 1] labels; only the last axis", () => {
    allclose(
      tg.metrics.sparseCategoricalCrossentropy([[1], [2]], f64(P)),
      tg.metrics.sparseCategoricalCrossentropy([1, 2], f64(P)),
    );
    assert.throws(
      () => new tg.metrics.SparseCategoricalCrossentropy({ axis: 0 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "SparseCategoricalCrossentropy: expected axis -1 (only the last " +
            "axis is supported, as in the loss), got axis=0",
    );
  });

  test("ignoreClass leaves samples out of the mean", () => {
    const m = new tg.metrics.SparseCategoricalCrossentropy({
      ignoreClass: -1,
      dtype: "float64",
    });
    m.updateState(
      [1, -1, 2],
      f64([...P.slice(0, 1), [0.3, 0.3, 0.4], ...P.slice(1)]),
      [2, 5, 1],
    );
    // as Keras's TensorFlow backend: clipped probabilities, renormalised
    const sparse = (q: number[], label: number) =>
      Math.log(q.reduce((a, v) => a + clip(v), 0)) - Math.log(clip(q[label]!));
    const rows = [sparse(P[0]!, 1), sparse(P[1]!, 2)];
    allclose(m.result(), (2 * rows[0]! + rows[1]!) / 3, { rtol: 1e-12 });
    m.updateState([-1], f64([[0.5, 0.5, 0]]));
    allclose(m.result(), (2 * rows[0]! + rows[1]!) / 3, { rtol: 1e-12 });
    allclose(
      tg.metrics.sparseCategoricalCrossentropy([-1, 1], f64(P), {
        ignoreClass: -1,
      }),
      [0, sparse(P[1]!, 1)],
      { rtol: 1e-12 },
    );
  });

  test("a label outside the classes", () => {
    const m = new tg.metrics.SparseCategoricalCrossentropy();
    assert.throws(
      () => m.updateState([1, 3], P),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message.startsWith(
          "sparseCategoricalCrossentropy: expected labels",
        ) &&
        e.message.endsWith("got label 3 at index 1"),
    );
    allclose(m.result(), 0);
    assert.throws(
      () => tg.metrics.sparseCategoricalCrossentropy([1, 2, 0], P),
      (e: Error) =>
        e instanceof tg.ShapeError && e.message.endsWith("got shape [3]"),
    );
  });

  test("options are checked", () => {
    assert.throws(
      () => new tg.metrics.CategoricalCrossentropy({ labelSmoothing: 2 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "CategoricalCrossentropy: expected labelSmoothing in [0, 1], got labelSmoothing=2",
    );
    assert.throws(
      () => new tg.metrics.BinaryCrossentropy({ fromLogits: "yes" as never }),
      tg.ValueError,
    );
    assert.throws(
      () => new tg.metrics.SparseCategoricalCrossentropy({ ignoreClass: 0.5 }),
      tg.ValueError,
    );
  });
});

describe("KL divergence and Poisson", () => {
  test("Keras's documented values", () => {
    const k = new tg.metrics.KLDivergence();
    k.updateState(
      [
        [0, 1],
        [0, 0],
      ],
      [
        [0.6, 0.4],
        [0.4, 0.6],
      ],
    );
    allclose(k.result(), 0.45814306, { rtol: 1e-6 });
    k.resetState();
    k.updateState(
      [
        [0, 1],
        [0, 0],
      ],
      [
        [0.6, 0.4],
        [0.4, 0.6],
      ],
      [1, 0],
    );
    allclose(k.result(), 0.9162892, { rtol: 1e-6 });
    const p = new tg.metrics.Poisson();
    p.updateState(
      [
        [0, 1],
        [0, 0],
      ],
      [
        [1, 1],
        [0, 0],
      ],
    );
    allclose(p.result(), 0.49999997, { rtol: 1e-6 });
  });

  test("by hand in float64", () => {
    const t = [
      [0.2, 0.8],
      [0.5, 0.5],
    ];
    const q = [
      [0.4, 0.6],
      [0.9, 0.1],
    ];
    const kl = t.map((r, i) =>
      r.reduce((s, y, j) => s + y * Math.log(y / q[i]![j]!), 0),
    );
    allclose(tg.metrics.klDivergence(t, f64(q)), kl, { rtol: 1e-12 });
    const poisson = t.map(
      (r, i) =>
        r.reduce(
          (s, y, j) => s + q[i]![j]! - y * Math.log(q[i]![j]! + EPS),
          0,
        ) / 2,
    );
    allclose(tg.metrics.poisson(t, f64(q)), poisson, { rtol: 1e-12 });
  });
});

describe("hinge metrics", () => {
  const t = [
    [0, 1],
    [0, 0],
  ];
  const p = [
    [0.6, 0.4],
    [0.4, 0.6],
  ];

  test("Keras's documented values, weighted", () => {
    const cases: [tg.metrics.Metric, number, number][] = [
      [new tg.metrics.Hinge(), 1.3, 1.1],
      [new tg.metrics.SquaredHinge(), 1.86, 1.46],
      [new tg.metrics.CategoricalHinge(), 1.4, 1.2],
    ];
    for (const [m, plain, weighted] of cases) {
      m.updateState(t, p);
      allclose(m.result(), plain, { rtol: 1e-6 });
      m.resetState();
      m.updateState(t, p, [1, 0]);
      allclose(m.result(), weighted, { rtol: 1e-6 });
    }
  });

  test("labels already in {−1, 1} are kept; others too", () => {
    const q = f64([[0.3, -2]]);
    allclose(tg.metrics.hinge([[-1, 1]], q), [(1.3 + 3) / 2]);
    allclose(tg.metrics.squaredHinge([[-1, 1]], q), [(1.3 ** 2 + 9) / 2], {
      rtol: 1e-12,
    });
    // 0.5 is neither: the labels are used as they are
    allclose(tg.metrics.hinge([[0.5, 1]], q), [(0.85 + 3) / 2], {
      rtol: 1e-12,
    });
    // categorical: neg = max((1 − y)·p) = 0.3, pos = Σ y·p = −2
    allclose(tg.metrics.categoricalHinge([[0, 1]], q), [3.3], { rtol: 1e-12 });
  });
});
