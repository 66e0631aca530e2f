// SPDX-License-Identifier: Apache-2.0
/**
 * Regression metrics (src/nn/metrics/regression.ts and their functions in
 * functions.ts): per-sample values against TensorFlow.js and float64 hand
 * computations, the classes over weighted updates, RootMeanSquaredError,
 * and R2Score with every aggregation and the adjusted score.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const tf = await loadTf();

const T = [
  [0.5, 1.5, -2],
  [3, 0.25, 1],
  [-1, 2, 0.5],
];
const P = [
  [0.25, 2, -1],
  [2.5, 0, 1.5],
  [-0.5, 1, 0.75],
];

/** Per-row mean of f(t, p), in float64. */
function rowMean(f: (t: number, p: number) => number): number[] {
  return T.map(
    (r, i) => r.reduce((s, t, j) => s + f(t, P[i]![j]!), 0) / r.length,
  );
}

function weightedMean(values: number[], weights: number[]): number {
  const total = values.reduce((s, v, i) => s + v * weights[i]!, 0);
  return total / weights.reduce((s, w) => s + w, 0);
}

describe("functions against TensorFlow.js (float32, 1e-6)", () => {
  const cases: [string, tg.Tensor, TF_Tensor][] = [
    [
      "meanSquaredError",
      tg.metrics.meanSquaredError(T, P),
      tf.metrics.meanSquaredError(tf.tensor(T), tf.tensor(P)),
    ],
    [
      "meanAbsoluteError",
      tg.metrics.meanAbsoluteError(T, P),
      tf.metrics.meanAbsoluteError(tf.tensor(T), tf.tensor(P)),
    ],
    [
      "meanAbsolutePercentageError",
      tg.metrics.meanAbsolutePercentageError(T, P),
      tf.metrics.meanAbsolutePercentageError(tf.tensor(T), tf.tensor(P)),
    ],
    [
      "cosineSimilarity (TF.js's cosineProximity is its negative)",
      tg.metrics.cosineSimilarity(T, P),
      tf.neg(tf.metrics.cosineProximity(tf.tensor(T), tf.tensor(P))),
    ],
  ];
  for (const [name, ours, theirs] of cases) {
    test(name, () => {
      allclose(ours, theirs.arraySync(), {
        rtol: 1e-6,
        atol: 1e-6,
      });
    });
  }
});

type TF_Tensor = ReturnType<typeof tf.tensor>;

describe("functions by hand (float64)", () => {
  const t64 = tg.tensor(T, undefined, "float64");
  const p64 = tg.tensor(P, undefined, "float64");
  const eps = 1e-7;

  test("meanSquaredLogarithmicError clips below at ε", () => {
    const f = (t: number, p: number) =>
      (Math.log(Math.max(p, eps) + 1) - Math.log(Math.max(t, eps) + 1)) ** 2;
    allclose(tg.metrics.meanSquaredLogarithmicError(t64, p64), rowMean(f), {
      dtype: "float64",
    });
  });

  test("logCosh", () => {
    const f = (t: number, p: number) => Math.log(Math.cosh(p - t));
    allclose(tg.metrics.logCosh(t64, p64), rowMean(f), { rtol: 1e-12 });
  });

  test("meanAbsolutePercentageError divides by max(|y|, ε)", () => {
    const f = (t: number, p: number) =>
      (100 * Math.abs(t - p)) / Math.max(Math.abs(t), eps);
    allclose(tg.metrics.meanAbsolutePercentageError(t64, p64), rowMean(f));
    allclose(
      tg.metrics.mape([[0]], tg.tensor([[1]], undefined, "float64")),
      [1e9],
    );
  });

  test("cosineSimilarity along axis 0, and of a zero vector", () => {
    const col = (m: number[][], j: number) => m.map((r) => r[j]!);
    const cos = (a: number[], b: number[]) => {
      const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
      const n = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      return dot / (n(a) * n(b));
    };
    allclose(
      tg.metrics.cosineSimilarity(t64, p64, 0),
      [0, 1, 2].map((j) => cos(col(T, j), col(P, j))),
    );
    allclose(tg.metrics.cosineSimilarity([[0, 0]], [[1, 2]]), [0]);
  });
});

describe("mean classes over weighted updates", () => {
  const w = [0.5, 2, 1];
  const classes: [
    string,
    () => tg.metrics.Metric,
    (t: number, p: number) => number,
  ][] = [
    [
      "MeanSquaredError",
      () => new tg.metrics.MeanSquaredError({ dtype: "float64" }),
      (t, p) => (t - p) ** 2,
    ],
    [
      "MeanAbsoluteError",
      () => new tg.metrics.MeanAbsoluteError({ dtype: "float64" }),
      (t, p) => Math.abs(t - p),
    ],
    [
      "MeanAbsolutePercentageError",
      () => new tg.metrics.MeanAbsolutePercentageError({ dtype: "float64" }),
      (t, p) => (100 * Math.abs(t - p)) / Math.abs(t),
    ],
    [
      "MeanSquaredLogarithmicError",
      () => new tg.metrics.MeanSquaredLogarithmicError({ dtype: "float64" }),
      (t, p) =>
        (Math.log(Math.max(p, 1e-7) + 1) - Math.log(Math.max(t, 1e-7) + 1)) **
        2,
    ],
    [
      "LogCoshError",
      () => new tg.metrics.LogCoshError({ dtype: "float64" }),
      (t, p) => Math.log(Math.cosh(p - t)),
    ],
  ];
  for (const [name, make, f] of classes) {
    test(name, () => {
      const m = make();
      const t64 = tg.tensor(T, undefined, "float64");
      const p64 = tg.tensor(P, undefined, "float64");
      m.updateState(
        t64.slice([0, 0], [2, 3]),
        p64.slice([0, 0], [2, 3]),
        w.slice(0, 2),
      );
      m.updateState(
        t64.slice([2, 0], [1, 3]),
        p64.slice([2, 0], [1, 3]),
        w.slice(2),
      );
      allclose(m.result(), weightedMean(rowMean(f), w), {
        rtol: 1e-12,
        dtype: "float64",
      });
      m.resetState();
      allclose(m.result(), 0);
    });
  }

  test("default names, as Keras", () => {
    assert.deepEqual(
      [
        new tg.metrics.MeanSquaredError(),
        new tg.metrics.MeanAbsoluteError(),
        new tg.metrics.MeanAbsolutePercentageError(),
        new tg.metrics.MeanSquaredLogarithmicError(),
        new tg.metrics.RootMeanSquaredError(),
        new tg.metrics.LogCoshError(),
        new tg.metrics.CosineSimilarity(),
        new tg.metrics.R2Score(),
      ].map((m) => m.name),
      [
        "mean_squared_error",
        "mean_absolute_error",
        "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error",
        "root_mean_squared_error",
        "logcosh",
        "cosine_similarity",
        "r2_score",
      ],
    );
  });

  test("CosineSimilarity, Keras's example", () => {
    const m = new tg.metrics.CosineSimilarity({ axis: 1 });
    m.updateState(
      [
        [0, 1],
        [1, 1],
      ],
      [
        [1, 0],
        [1, 1],
      ],
    );
    allclose(m.result(), 0.5, { atol: 1e-6 });
    m.resetState();
    m.updateState(
      [
        [0, 1],
        [1, 1],
      ],
      [
        [1, 0],
        [1, 1],
      ],
      [0.3, 0.7],
    );
    allclose(m.result(), 0.7, { atol: 1e-6 });
    assert.deepEqual(m.getConfig(), {
      name: "cosine_similarity",
      dtype: "float32",
      axis: 1,
    });
  });

  test("RootMeanSquaredError: sqrt of the weighted mean of row means", () => {
    const m = new tg.metrics.RootMeanSquaredError({ dtype: "float64" });
    m.updateState(T.slice(0, 2), P.slice(0, 2), w.slice(0, 2));
    m.updateState(T.slice(2), P.slice(2), w.slice(2));
    const mse = weightedMean(
      rowMean((t, p) => (t - p) ** 2),
      w,
    );
    allclose(m.result(), Math.sqrt(mse), { rtol: 1e-12 });
    const k = new tg.metrics.RootMeanSquaredError();
    k.updateState(
      [
        [0, 1],
        [0, 0],
      ],
      [
        [1, 1],
        [0, 0],
      ],
      [1, 0],
    );
    allclose(k.result(), Math.SQRT1_2, { atol: 1e-6 });
  });
});

describe("R2Score", () => {
  /** Keras's formula per output column, float64. */
  function r2Columns(t: number[][], p: number[][], w: number[]) {
    return t[0]!.map((_, j) => {
      const sw = w.reduce((s, v) => s + v, 0);
      const mean = t.reduce((s, r, i) => s + w[i]! * r[j]!, 0) / sw;
      const ssTot = t.reduce((s, r, i) => s + w[i]! * (r[j]! - mean) ** 2, 0);
      const ssRes = t.reduce(
        (s, r, i) => s + w[i]! * (r[j]! - p[i]![j]!) ** 2,
        0,
      );
      return { score: 1 - ssRes / ssTot, variance: ssTot };
    });
  }

  test("single output against TensorFlow.js's r2Score", () => {
    const yt = [[1], [4], [3], [-2], [0.5]];
    const yp = [[2], [4], [4], [-1.5], [0]];
    const m = new tg.metrics.R2Score();
    m.updateState(yt, yp);
    allclose(
      m.result(),
      tf.metrics.r2Score(tf.tensor(yt), tf.tensor(yp)).arraySync(),
      {
        rtol: 1e-6,
        atol: 1e-6,
      },
    );
  });

  test("multi-output, weighted, over two updates, every aggregation", () => {
    const w = [1, 2, 0.5, 1];
    const cols = r2Columns(
      T.concat([[2, -1, 0]]),
      P.concat([[1.5, -0.5, 0.25]]),
      w,
    );
    const make = (classAggregation: tg.metrics.R2ClassAggregation) => {
      const m = new tg.metrics.R2Score({ classAggregation, dtype: "float64" });
      m.updateState(T.slice(0, 2), P.slice(0, 2), w.slice(0, 2));
      m.updateState(
        [T[2]!, [2, -1, 0]],
        [P[2]!, [1.5, -0.5, 0.25]],
        w.slice(2),
      );
      return m.result();
    };
    allclose(
      make(null),
      cols.map((c) => c.score),
      { rtol: 1e-12 },
    );
    allclose(
      make("uniform_average"),
      cols.reduce((s, c) => s + c.score, 0) / 3,
      { rtol: 1e-12 },
    );
    const vw =
      cols.reduce((s, c) => s + c.score * c.variance, 0) /
      cols.reduce((s, c) => s + c.variance, 0);
    allclose(make("variance_weighted_average"), vw, { rtol: 1e-12 });
  });

  test("adjusted R2, and its warnings", () => {
    const yt = [[1], [4], [3], [-2], [0.5]];
    const yp = [[2], [4], [4], [-1.5], [0]];
    const plain = r2Columns(yt, yp, [1, 1, 1, 1, 1])[0]!.score;
    const m = new tg.metrics.R2Score({ numRegressors: 2, dtype: "float64" });
    m.updateState(yt, yp);
    allclose(m.result(), 1 - ((1 - plain) * 4) / 2, { rtol: 1e-12 });
    const seen: string[] = [];
    tg.setWarningHandler((s) => seen.push(s));
    try {
      const k = new tg.metrics.R2Score({ numRegressors: 4, dtype: "float64" });
      k.updateState(yt, yp);
      allclose(k.result(), plain, { rtol: 1e-12 });
      const j = new tg.metrics.R2Score({ numRegressors: 9, dtype: "float64" });
      j.updateState(yt, yp);
      allclose(j.result(), plain, { rtol: 1e-12 });
    } finally {
      tg.setWarningHandler();
    }
    assert.equal(seen.length, 2);
    assert.match(seen[0]!, /division by zero in the adjusted R2 score/);
    assert.match(seen[1]!, /more independent predictors than data points/);
  });

  test("a constant target scores 0 where Keras's infinity is", () => {
    const m = new tg.metrics.R2Score({ classAggregation: null });
    m.updateState(
      [
        [1, 2],
        [1, 3],
      ],
      [
        [0, 2],
        [1, 3],
      ],
    );
    allclose(m.result(), [0, 1]);
  });

  test("resetState, config, bad input", () => {
    const m = new tg.metrics.R2Score({
      classAggregation: "variance_weighted_average",
      numRegressors: 1,
    });
    assert.deepEqual(m.getConfig(), {
      name: "r2_score",
      dtype: "float32",
      classAggregation: "variance_weighted_average",
      numRegressors: 1,
    });
    allclose(m.result(), 0);
    m.updateState([[1], [2], [4]], [[1], [2], [3]]);
    m.resetState();
    assert.ok(m.variables.every((v) => v.data.every((x) => x === 0)));
    assert.throws(
      () => m.updateState([1, 2], [1, 2]),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          'R2Score "r2_score".updateState: expected yTrue and yPred of shape ' +
            "[batch, outputs], got yTrue shape [2] and yPred shape [2]",
    );
    assert.throws(
      () => m.updateState([[1, 2]], [[1, 2]]),
      (e: Error) =>
        e instanceof tg.ValueError && e.message.includes("expected 1 outputs"),
    );
    assert.throws(
      () =>
        new tg.metrics.R2Score({
          classAggregation: "variance_weighted" as never,
        }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          'R2Score: expected classAggregation to be one of ["uniform_average",' +
            '"variance_weighted_average",null], got classAggregation="variance_weighted"',
    );
    assert.throws(
      () => new tg.metrics.R2Score({ numRegressors: -1 }),
      tg.ValueError,
    );
  });
});
