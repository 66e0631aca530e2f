// SPDX-License-Identifier: Apache-2.0
/**
 * Regression losses (src/nn/losses/regression.ts) besides MSE and MAE:
 * MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh
 * and CosineSimilarity, against their formulas written out here, Keras's
 * docstring numbers, and TensorFlow.js (huberLoss, cosineDistance,
 * metrics.MAPE); float64 gradient checks away from the kinks; bad input.
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

/** Applies `f` to each (t, p) pair and averages each row. */
function perSample(
  t: number[][],
  p: number[][],
  f: (t: number, p: number) => number,
): number[] {
  return t.map(
    (r, i) => r.reduce((a, v, j) => a + f(v, p[i]![j]!), 0) / r.length,
  );
}

const YT = [
  [0.3, -1.2, 2.5],
  [1.1, 0.4, -0.7],
];
const YP = [
  [0.1, -0.8, 2.9],
  [1.6, -0.3, 3.2],
];

describe("values by hand", () => {
  test("MAPE: 100 · mean(|t − p| / max(|t|, 1e-7))", () => {
    const f = (t: number, p: number) =>
      (100 * Math.abs(t - p)) / Math.max(Math.abs(t), EPS);
    allclose(L.meanAbsolutePercentageError(YT, f64(YP)), perSample(YT, YP, f), {
      dtype: "float64",
    });
    // A zero target divides by 1e-7: large but finite.
    allclose(L.mape(f64([[0, 2]]), f64([[1, 1]])), [(1e9 + 50) / 2], {
      dtype: "float64",
    });
    const loss = new L.MeanAbsolutePercentageError();
    allclose(loss.call([[2, 4]], [[1, 5]]), 37.5);
  });

  test("MSLE: mean((log(max(p, ε) + 1) − log(max(t, ε) + 1))²)", () => {
    const t = [
      [0.3, 1.2, 2.5],
      [1.1, 0, 0.7],
    ];
    const p = [
      [0.1, -0.8, 2.9],
      [1.6, 0.3, 3.2],
    ];
    const f = (a: number, b: number) =>
      (Math.log(Math.max(b, EPS) + 1) - Math.log(Math.max(a, EPS) + 1)) ** 2;
    allclose(L.meanSquaredLogarithmicError(t, f64(p)), perSample(t, p, f), {
      dtype: "float64",
    });
    allclose(L.msle(t, f64(p)), perSample(t, p, f), { dtype: "float64" });
  });

  test("Huber: e²/2 inside δ, δ|e| − δ²/2 outside; Keras's docstring", () => {
    for (const delta of [1, 0.5, 2.5]) {
      const f = (t: number, p: number) => {
        const e = Math.abs(p - t);
        return e <= delta ? 0.5 * e * e : delta * e - 0.5 * delta * delta;
      };
      allclose(L.huber(YT, f64(YP), delta), perSample(YT, YP, f), {
        dtype: "float64",
      });
      allclose(
        new L.Huber({ delta, reduction: "none" }).call(YT, f64(YP)),
        perSample(YT, YP, f),
        {
          dtype: "float64",
        },
      );
    }
    // Keras: huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]) → 0.155.
    const keras = new L.Huber().call(
      [
        [0, 1],
        [0, 0],
      ],
      [
        [0.6, 0.4],
        [0.4, 0.6],
      ],
    );
    allclose(keras, 0.155, { atol: 5e-4 });
    // At |e| = δ both branches agree, so the kink is continuous.
    allclose(L.huber([[0]], [[0.5]], 0.5), [0.125]);
  });

  test("LogCosh: mean(log(cosh(p − t))), stable for large errors", () => {
    const f = (t: number, p: number) => Math.log(Math.cosh(p - t));
    allclose(L.logCosh(YT, f64(YP)), perSample(YT, YP, f), {
      rtol: 1e-14,
      atol: 1e-15,
    });
    assert.equal(L.logcosh, L.logCosh);
    // Keras's docstring: 0.108.
    allclose(
      new L.LogCosh().call(
        [
          [0, 1],
          [0, 0],
        ],
        [
          [1, 1],
          [0, 0],
        ],
      ),
      0.108,
      { atol: 5e-4 },
    );
    // cosh(100) overflows float32; log cosh(100) = 100 − log 2 does not.
    allclose(L.logCosh([[0]], [[100]]), [100 - Math.LN2], { rtol: 1e-6 });
    allclose(L.logCosh([[0]], [[-100]]), [100 - Math.LN2], { rtol: 1e-6 });
  });

  test("CosineSimilarity: −Σ t̂·p̂; Keras's docstring; zero vectors give 0", () => {
    const t = [
      [0, 1],
      [1, 1],
      [1, 1],
    ];
    const p = [
      [1, 0],
      [1, 1],
      [-1, -1],
    ];
    allclose(L.cosineSimilarity(t, p), [0, -0.99999994, 0.99999994], {
      rtol: 1e-6,
    });
    const norm = (v: number[]) => Math.hypot(...v);
    const a = [3, -1, 2];
    const b = [0.5, 4, -2];
    const cos = a.reduce((s, v, i) => s + v * b[i]!, 0) / (norm(a) * norm(b));
    allclose(L.cosineSimilarity(f64([a]), f64([b])), [-cos], {
      dtype: "float64",
    });
    allclose(L.cosineSimilarity([[0, 0]], [[1, 2]]), [0]);
    // axis 0 compares columns.
    allclose(L.cosineSimilarity(f64([[3], [4]]), f64([[6], [8]]), 0), [-1], {
      rtol: 1e-12,
      atol: 1e-12,
    });
    const loss = new L.CosineSimilarity({ reduction: "sum" });
    allclose(loss.call(t, p), 0, { atol: 1e-6 });
  });

  test("float64 in, float64 out; integer predictions compute in float32", () => {
    for (const fn of [
      L.meanAbsolutePercentageError,
      L.meanSquaredLogarithmicError,
      L.huber,
      L.logCosh,
      L.cosineSimilarity,
    ]) {
      assert.equal(fn([[1, 2]], f64([[1.5, 2]])).dtype, "float64", fn.name);
      assert.equal(
        fn([[1, 2]], tg.tensor([[1, 3]], undefined, "int32")).dtype,
        "float32",
        fn.name,
      );
    }
  });
});

describe("TensorFlow.js as an oracle", () => {
  let tf: typeof TF;
  before(async () => {
    tf = await loadTf();
  });
  const close = { rtol: 1e-5, atol: 1e-6 };

  test("huberLoss (NONE, then the mean of each row; and its default reduction)", () => {
    for (const delta of [1, 0.3]) {
      const none = tf.losses
        .huberLoss(
          tf.tensor(YT),
          tf.tensor(YP),
          undefined,
          delta,
          tf.Reduction.NONE,
        )
        .mean(-1)
        .arraySync() as number[];
      allclose(L.huber(YT, YP, delta), none, close);
      const mean = tf.losses
        .huberLoss(tf.tensor(YT), tf.tensor(YP), undefined, delta)
        .dataSync()[0]!;
      allclose(new L.Huber({ delta }).call(YT, YP), mean, close);
    }
  });

  test("cosineDistance of normalised vectors is 1 + cosineSimilarity", () => {
    const unit = (m: number[][]) =>
      m.map((r) => r.map((v) => v / Math.hypot(...r)));
    const theirs = tf.losses
      .cosineDistance(
        tf.tensor(unit(YT)),
        tf.tensor(unit(YP)),
        1,
        undefined,
        tf.Reduction.NONE,
      )
      .arraySync() as number[][];
    allclose(
      L.cosineSimilarity(YT, YP),
      theirs.map((r) => r[0]! - 1),
      close,
    );
  });

  test("metrics.MAPE and metrics.MSE", () => {
    allclose(
      L.mape(YT, YP),
      tf.metrics.MAPE(tf.tensor(YT), tf.tensor(YP)).arraySync(),
      close,
    );
    allclose(
      L.mse(YT, YP),
      tf.metrics.MSE(tf.tensor(YT), tf.tensor(YP)).arraySync(),
      close,
    );
  });
});

describe("gradients (float64, away from kinks)", () => {
  const w = [0.5, 2];
  const check = (f: (p: tg.Tensor) => tg.Tensor, x: tg.NestedArray = YP) => {
    const report = tg.testing.checkGradients(f, [x]);
    assert.ok(report.maxError < 1e-7, `maxError ${report.maxError}`);
  };

  test("each class with sample weights, and the function forms", () => {
    check((p) => new L.MeanAbsolutePercentageError().call(YT, p, w));
    check(
      (p) =>
        new L.MeanSquaredLogarithmicError().call(
          [
            [0.3, 1.2, 2.5],
            [1.1, 0.5, 0.7],
          ],
          p,
          w,
        ),
      [
        [0.1, 0.8, 2.9],
        [1.6, 0.3, 3.2],
      ],
    );
    check((p) => new L.Huber({ delta: 0.45 }).call(YT, p, w));
    check((p) => new L.Huber({ delta: 3 }).call(YT, p));
    check((p) => new L.LogCosh().call(YT, p, w));
    check((p) => new L.CosineSimilarity().call(YT, p, w));
    check((p) => L.cosineSimilarity(YT, p, 0));
    check((p) => L.huber(YT, p, 0.2));
  });

  test("with respect to yTrue too", () => {
    const r = tg.testing.checkGradients(
      (t: tg.Tensor, p: tg.Tensor) => L.logCosh(t, p),
      [YT, YP],
    );
    assert.ok(r.maxError < 1e-7);
  });
});

describe("bad input", () => {
  test("delta must be > 0", () => {
    for (const delta of [0, -1, Number.NaN, Infinity]) {
      assert.throws(() => new L.Huber({ delta }), {
        name: "ValueError",
        message: `Huber: expected delta > 0, got delta=${delta}`,
      });
    }
    assert.throws(
      () => L.huber([[0]], [[1]], 0),
      /^ValueError: huber: expected delta > 0, got delta=0$/,
    );
  });

  test("shapes that cannot broadcast name the loss", () => {
    assert.throws(() => L.huber([[1, 2, 3]], [[1, 2]]), {
      name: "ShapeError",
      message:
        "huber: expected yTrue and yPred of shapes that broadcast together, got yTrue shape [1,3] and yPred shape [1,2]",
    });
    assert.throws(
      () =>
        new L.LogCosh().call(
          [
            [1, 2],
            [3, 4],
          ],
          [[1, 2, 3]],
        ),
      /^ShapeError: logCosh: /,
    );
  });

  test("a cosine axis outside the rank", () => {
    assert.throws(() => L.cosineSimilarity([[1, 2]], [[1, 2]], 2), {
      name: "ValueError",
      message: "cosineSimilarity: expected an axis in [-2, 2), got 2",
    });
    assert.throws(
      () => new L.CosineSimilarity({ axis: 1.5 }),
      /expected axis to be an integer, got axis=1.5/,
    );
  });
});
