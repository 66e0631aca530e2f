// SPDX-License-Identifier: Apache-2.0
/**
 * Hinge, squared hinge, categorical hinge (src/nn/losses/hinge.ts),
 * Kullback-Leibler divergence and Poisson (probabilistic.ts), Dice and
 * Tversky (segmentation.ts): their formulas written out here, Keras's
 * docstring numbers, TensorFlow.js's hingeLoss, float64 gradient checks
 * away from the kinks, and bad input.
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
const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);
const meanOf = (v: number[]) => sumOf(v) / v.length;

const PRED = [
  [0.3, -1.4, 2.1],
  [-0.6, 0.8, 0.05],
];

describe("hinge losses", () => {
  const signed = [
    [1, -1, 1],
    [-1, -1, 1],
  ];
  const binary = signed.map((r) => r.map((v) => (v + 1) / 2));
  const margins = signed.map((r, i) =>
    r.map((t, j) => Math.max(1 - t * PRED[i]![j]!, 0)),
  );

  test("hinge: mean(max(1 − t·p, 0)); labels in {0, 1} become {−1, 1}", () => {
    const expected = margins.map(meanOf);
    allclose(L.hinge(signed, f64(PRED)), expected, { dtype: "float64" });
    allclose(L.hinge(binary, f64(PRED)), expected, { dtype: "float64" });
    allclose(
      new L.Hinge({ reduction: "sum" }).call(signed, f64(PRED)),
      sumOf(expected),
      {
        dtype: "float64",
      },
    );
    // Labels that are not all 0 or 1 are used as they are.
    allclose(L.hinge([[0.5, 2]], f64([[1, 1]])), [(0.5 + 0) / 2], {
      dtype: "float64",
    });
  });

  test("squared hinge: mean(max(1 − t·p, 0)²)", () => {
    const expected = margins.map((r) => meanOf(r.map((m) => m * m)));
    allclose(L.squaredHinge(binary, f64(PRED)), expected, { dtype: "float64" });
    allclose(
      new L.SquaredHinge().call(signed, f64(PRED), [1, 3]),
      (expected[0]! + 3 * expected[1]!) / 2,
      {
        dtype: "float64",
      },
    );
  });

  test("categorical hinge: max(max((1 − t)·p) − Σ t·p + 1, 0)", () => {
    const t = [
      [0, 1, 0],
      [0, 0, 1],
    ];
    const expected = t.map((r, i) => {
      const pos = sumOf(r.map((v, j) => v * PRED[i]![j]!));
      const neg = Math.max(...r.map((v, j) => (1 - v) * PRED[i]![j]!));
      return Math.max(neg - pos + 1, 0);
    });
    allclose(L.categoricalHinge(t, f64(PRED)), expected, { dtype: "float64" });
    allclose(new L.CategoricalHinge().call(t, f64(PRED)), meanOf(expected), {
      dtype: "float64",
    });
  });
});

describe("KLDivergence and Poisson", () => {
  test("KL: Σ t·log(t / p), both clipped to [1e-7, 1]", () => {
    const t = [
      [0.2, 0.5, 0.3],
      [1, 0, 0],
    ];
    const p = [
      [0.1, 0.6, 0.3],
      [0.4, 0.4, 0.2],
    ];
    const clip = (v: number) => Math.min(Math.max(v, EPS), 1);
    const expected = t.map((r, i) =>
      sumOf(r.map((v, j) => clip(v) * Math.log(clip(v) / clip(p[i]![j]!)))),
    );
    allclose(L.klDivergence(t, f64(p)), expected, { dtype: "float64" });
    assert.equal(L.kld, L.klDivergence);
    assert.equal(L.kullbackLeiblerDivergence, L.klDivergence);
    allclose(new L.KLDivergence().call(t, f64(p), [2, 0]), expected[0]!, {
      dtype: "float64",
    });
    // Identical distributions: 0.
    allclose(L.kld([[0.3, 0.7]], [[0.3, 0.7]]), [0]);
  });

  test("Poisson: mean(p − t·log(p + 1e-7))", () => {
    const t = [
      [0, 2, 5],
      [1, 1, 3],
    ];
    const p = [
      [0.5, 1.5, 4],
      [2, 0.2, 3.5],
    ];
    const expected = t.map((r, i) =>
      meanOf(r.map((v, j) => p[i]![j]! - v * Math.log(p[i]![j]! + EPS))),
    );
    allclose(L.poisson(t, f64(p)), expected, { dtype: "float64" });
    allclose(
      new L.Poisson({ reduction: "sum" }).call(t, f64(p)),
      sumOf(expected),
      {
        dtype: "float64",
      },
    );
  });
});

describe("Dice and Tversky", () => {
  // Keras's docstring example: shape [2, 2, 2, 1].
  const yTrue = [
    [
      [[1], [1]],
      [[0], [0]],
    ],
    [
      [[1], [1]],
      [[0], [0]],
    ],
  ];
  const yPred = [
    [
      [[0], [1]],
      [[0], [1]],
    ],
    [
      [[0.4], [0]],
      [[0], [0.9]],
    ],
  ];

  test("dice: 1 − 2Σ(t·p) / (Σt + Σp + 1e-7); Keras's docstring numbers", () => {
    allclose(L.dice(yTrue, yPred, [1, 2, 3]), [0.5, 0.75757575], {
      rtol: 1e-6,
    });
    const all = L.dice(yTrue, yPred);
    assert.deepEqual(all.shape, []);
    allclose(all, 0.6164384, { rtol: 1e-6 });
    // By hand over everything: Σt·p = 1.4, Σt = 4, Σp = 3.3.
    allclose(L.dice(f64(yTrue), f64(yPred)), 1 - 2.8 / (4 + 3.3 + EPS), {
      dtype: "float64",
    });
    const loss = new L.Dice({ axis: [1, 2, 3], reduction: "none" });
    allclose(loss.call(yTrue, yPred), [0.5, 0.75757575], { rtol: 1e-6 });
    // A scalar per batch stays as it is under every reduction.
    allclose(new L.Dice().call(yTrue, yPred), 0.6164384, { rtol: 1e-6 });
  });

  test("tversky: 1 − I / (I + α·Σ(1 − p)·t + β·Σ p·(1 − t) + 1e-7)", () => {
    const t = f64(yTrue);
    const p = f64(yPred);
    // Per sample over axes 1..3: I = [1, 0.4], Σ(1 − p)·t = [1, 1.6],
    // Σ p·(1 − t) = [1, 0.9].
    const alpha = 0.7;
    const beta = 0.2;
    const expected = [
      1 - 1 / (1 + alpha * 1 + beta * 1 + EPS),
      1 - 0.4 / (0.4 + alpha * 1.6 + beta * 0.9 + EPS),
    ];
    allclose(L.tversky(t, p, { alpha, beta, axis: [1, 2, 3] }), expected, {
      dtype: "float64",
    });
    const loss = new L.Tversky({ alpha, beta, axis: [1, 2, 3] });
    allclose(loss.call(t, p), meanOf(expected), { dtype: "float64" });
    // α = β = ½ is Dice.
    allclose(L.tversky(t, p), L.dice(t, p), { rtol: 1e-6, atol: 0 });
  });
});

describe("TensorFlow.js as an oracle", () => {
  let tf: typeof TF;
  before(async () => {
    tf = await loadTf();
  });

  test("hingeLoss (labels in {0, 1})", () => {
    const labels = [
      [1, 0, 1],
      [0, 0, 1],
    ];
    const none = tf.losses
      .hingeLoss(
        tf.tensor(labels),
        tf.tensor(PRED),
        undefined,
        tf.Reduction.NONE,
      )
      .mean(-1)
      .arraySync() as number[];
    allclose(L.hinge(labels, PRED), none, { rtol: 1e-6, atol: 1e-6 });
    const mean = tf.losses
      .hingeLoss(tf.tensor(labels), tf.tensor(PRED))
      .dataSync()[0]!;
    allclose(new L.Hinge().call(labels, PRED), mean, {
      rtol: 1e-6,
      atol: 1e-6,
    });
  });
});

describe("gradients (float64, away from kinks)", () => {
  const w = [0.5, 2];
  const check = (f: (p: tg.Tensor) => tg.Tensor, x: tg.NestedArray) => {
    const report = tg.testing.checkGradients(f, [x]);
    assert.ok(report.maxError < 1e-7, `maxError ${report.maxError}`);
  };

  test("hinge family", () => {
    const t = [
      [1, -1, 1],
      [-1, -1, 1],
    ];
    check((p) => new L.Hinge().call(t, p, w), PRED);
    check((p) => new L.SquaredHinge().call(t, p, w), PRED);
    check(
      (p) =>
        new L.CategoricalHinge().call(
          [
            [0, 1, 0],
            [0, 0, 1],
          ],
          p,
          w,
        ),
      PRED,
    );
  });

  test("KLDivergence and Poisson", () => {
    const probs = [
      [0.1, 0.6, 0.3],
      [0.4, 0.4, 0.2],
    ];
    check(
      (p) =>
        new L.KLDivergence().call(
          [
            [0.2, 0.5, 0.3],
            [0.9, 0.05, 0.05],
          ],
          p,
          w,
        ),
      probs,
    );
    check(
      (p) =>
        new L.Poisson().call(
          [
            [0, 2, 5],
            [1, 1, 3],
          ],
          p,
          w,
        ),
      probs,
    );
  });

  test("Dice and Tversky", () => {
    const t = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    const p = [
      [0.8, 0.3, 0.6],
      [0.2, 0.7, 0.9],
    ];
    check((q) => L.dice(t, q), p);
    check((q) => new L.Dice({ axis: 1 }).call(t, q, w), p);
    check(
      (q) => new L.Tversky({ alpha: 0.3, beta: 0.7, axis: -1 }).call(t, q),
      p,
    );
  });
});

describe("bad input", () => {
  test("Dice and Tversky options", () => {
    assert.throws(() => new L.Dice({ axis: "all" as never }), {
      name: "ValueError",
      message:
        'Dice: expected axis to be an integer, a list of integers or null, got axis="all"',
    });
    assert.throws(() => L.dice([[1]], [[1]], 3), {
      name: "ValueError",
      message: "dice: expected an axis in [-2, 2), got 3",
    });
    assert.throws(() => new L.Tversky({ alpha: -0.5 }), {
      name: "ValueError",
      message: "Tversky: expected alpha >= 0, got alpha=-0.5",
    });
    assert.throws(
      () => L.tversky([[1]], [[1]], { gamma: 1 } as never),
      /^ValueError: tversky: expected options among "alpha", "beta", "axis", got "gamma"$/,
    );
  });

  test("shapes that cannot broadcast", () => {
    assert.throws(
      () => L.hinge([[1, 0]], [[1, 0, 1]]),
      /^ShapeError: hinge: expected yTrue and yPred of shapes that broadcast together/,
    );
    assert.throws(
      () => L.kld([[1, 0]], [[1, 0, 1]]),
      /^ShapeError: klDivergence: /,
    );
    assert.throws(
      () => L.poisson([[1, 0]], [[1, 0, 1]]),
      /^ShapeError: poisson: /,
    );
  });
});
