// SPDX-License-Identifier: Apache-2.0
/**
 * Regularization layers (src/nn/layers/regularization.ts): identity outside
 * training, the statistics and exact values of the masks and noise in
 * training, seeds, gradients (the mask scaled), fit calling them with
 * training true, ActivityRegularization's losses, shapes, configs,
 * TensorFlow.js agreement at inference, and errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const TRAIN = { training: true };

function values(t: tg.Tensor): number[] {
  return Array.from(t.data as Float32Array | Float64Array);
}

describe("Dropout", () => {
  test("outside training it is the identity", () => {
    const layer = tg.layers.dropout({ rate: 0.5 });
    const x = tg.randomUniform([4, 5], -1, 1, "float32", 1);
    assert.deepEqual(values(layer.apply(x)), values(x));
    assert.deepEqual(values(layer.apply(x, { training: false })), values(x));
  });

  test("in training: kept fraction near 1 - rate, kept values x / (1 - rate)", () => {
    const rate = 0.3;
    const layer = tg.layers.dropout({ rate, seed: 5 });
    const x = tg.randomUniform([200, 100], 0.5, 2, "float32", 2);
    const y = values(layer.apply(x, TRAIN));
    const xs = values(x);
    let kept = 0;
    y.forEach((v, i) => {
      if (v === 0) return;
      kept++;
      assert.ok(Math.abs(v - xs[i]! / (1 - rate)) <= 1e-6 * Math.abs(v));
    });
    assert.ok(Math.abs(kept / y.length - (1 - rate)) < 0.01, `${kept}`);
  });

  test("the gradient is the mask / (1 - rate)", () => {
    const rate = 0.4;
    const layer = tg.layers.dropout({ rate, seed: 3 });
    const x = tg.randomUniform([20, 10], 0.5, 1, "float32", 3);
    const tape = new tg.GradientTape();
    tape.watch(x);
    const y = layer.apply(x, TRAIN);
    const g = tape.gradient(tg.sum(y), x) as tg.Tensor;
    allclose(
      g,
      tg.tensor(
        values(y).map((v) => (v === 0 ? 0 : 1 / (1 - rate))),
        [20, 10],
      ),
    );
  });

  test("with a seed the sequence of masks repeats; without, tg.setSeed does", () => {
    const x = tg.ones([10, 10]);
    const run = (layer: tg.layers.Dropout) => [
      values(layer.apply(x, TRAIN)),
      values(layer.apply(x, TRAIN)),
    ];
    const [a1, a2] = run(tg.layers.dropout({ rate: 0.5, seed: 9 }));
    const [b1, b2] = run(tg.layers.dropout({ rate: 0.5, seed: 9 }));
    assert.deepEqual(a1, b1);
    assert.deepEqual(a2, b2);
    assert.notDeepEqual(a1, a2);
    const [c1] = run(tg.layers.dropout({ rate: 0.5, seed: 10 }));
    assert.notDeepEqual(a1, c1);
    tg.setSeed(4);
    const [d1, d2] = run(tg.layers.dropout({ rate: 0.5 }));
    tg.setSeed(4);
    const [e1, e2] = run(tg.layers.dropout({ rate: 0.5 }));
    assert.deepEqual(d1, e1);
    assert.deepEqual(d2, e2);
    assert.notDeepEqual(d1, d2);
  });

  test("noiseShape shares the mask along dimensions of 1", () => {
    const layer = tg.layers.dropout({
      rate: 0.5,
      noiseShape: [null, 1],
      seed: 2,
    });
    const y = layer.apply(tg.ones([50, 6]), TRAIN).toArray() as number[][];
    for (const row of y) assert.ok(row.every((v) => v === row[0]));
    const zeros = y.filter((r) => r[0] === 0).length;
    assert.ok(zeros > 10 && zeros < 40, `${zeros}`);
  });

  test("rate 0 keeps everything, rate 1 drops everything", () => {
    const x = tg.tensor([[1, 2, 3]]);
    assert.deepEqual(tg.layers.dropout({ rate: 0 }).apply(x, TRAIN).toArray(), [
      [1, 2, 3],
    ]);
    assert.deepEqual(tg.layers.dropout({ rate: 1 }).apply(x, TRAIN).toArray(), [
      [0, 0, 0],
    ]);
  });

  test("fit calls it with training true; predict and evaluate do not", () => {
    const model = new tg.Sequential([
      tg.layers.dropout({ rate: 1 }),
      tg.layers.dense({ units: 1, kernelInitializer: "ones" }),
    ]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = tg.tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = tg.tensor([[1], [2]]);
    assert.deepEqual(model.predict(x, { verbose: 0 }).toArray(), [[3], [7]]);
    const h = model.fit(x, y, { epochs: 1, verbose: 0 });
    // Every input dropped: the prediction is the bias (0), the loss mean(y²),
    // and the kernel gets no gradient while the bias does.
    allclose(h.history.loss!, [2.5]);
    assert.deepEqual(model.layers[1]!.getWeights()[0]!.toArray(), [[1], [1]]);
    assert.notDeepEqual(model.layers[1]!.getWeights()[1]!.toArray(), [0]);
  });

  test("float64 gradient check in training, with a fixed mask", () => {
    const report = tg.testing.checkGradients(
      (x) =>
        tg.layers
          .dropout({ rate: 0.3, seed: 1, dtype: "float64" })
          .apply(x, TRAIN),
      [tg.randomUniform([4, 3], -1, 1, "float64", 1)],
    );
    assert.ok(report.maxError < 1e-6);
  });

  test("float64 stays float64", () => {
    const layer = tg.layers.dropout({ rate: 0.5, dtype: "float64" });
    const y = layer.apply(tg.ones([2, 2], "float64"), TRAIN);
    assert.equal(y.dtype, "float64");
  });
});

describe("SpatialDropout1D and SpatialDropout2D", () => {
  test("SpatialDropout1D drops whole channels at every step", () => {
    const layer = tg.layers.spatialDropout1D({ rate: 0.5, seed: 4 });
    const y = layer.apply(tg.ones([8, 5, 6]), TRAIN).toArray() as number[][][];
    let dropped = 0;
    for (const m of y) {
      for (let c = 0; c < 6; c++) {
        const col = m.map((r) => r[c]!);
        assert.ok(col.every((v) => v === col[0]));
        assert.ok(col[0] === 0 || col[0] === 2);
        if (col[0] === 0) dropped++;
      }
    }
    assert.ok(dropped > 8 && dropped < 40, `${dropped}`);
    assert.deepEqual(layer.apply(tg.ones([1, 2, 3])).toArray(), [
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
    ]);
  });

  test("SpatialDropout2D drops whole feature maps, in both data formats", () => {
    const last = tg.layers.spatialDropout2D({ rate: 0.5, seed: 6 });
    const y = last.apply(tg.ones([4, 3, 3, 5]), TRAIN);
    const a = y.toArray() as number[][][][];
    for (const img of a) {
      for (let c = 0; c < 5; c++) {
        const vals = img.flatMap((r) => r.map((p) => p[c]!));
        assert.ok(vals.every((v) => v === vals[0]));
      }
    }
    const first = tg.layers.spatialDropout2D({
      rate: 0.5,
      seed: 6,
      dataFormat: "channelsFirst",
    });
    const b = first
      .apply(tg.ones([4, 5, 3, 3]), TRAIN)
      .toArray() as number[][][][];
    for (const img of b) {
      for (const map of img) {
        const vals = map.flat();
        assert.ok(vals.every((v) => v === vals[0]));
      }
    }
    // The same seed draws the same [4, 5] channel mask in both formats.
    assert.deepEqual(
      a.map((img) => img[0]![0]!),
      b.map((img) => img.map((m) => m[0]![0]!)),
    );
  });

  test("float64 gradient checks", () => {
    for (const make of [
      () =>
        tg.layers.spatialDropout1D({ rate: 0.5, seed: 2, dtype: "float64" }),
      () =>
        tg.layers.spatialDropout2D({ rate: 0.5, seed: 2, dtype: "float64" }),
    ]) {
      const shape =
        make() instanceof tg.layers.SpatialDropout1D ? [2, 3, 4] : [2, 2, 2, 3];
      tg.testing.checkGradients(
        (x) => make().apply(x, TRAIN),
        [tg.randomUniform(shape, -1, 1, "float64", 3)],
      );
    }
  });
});

describe("GaussianNoise, GaussianDropout, AlphaDropout", () => {
  test("outside training each is the identity", () => {
    const x = tg.randomUniform([3, 4], -1, 1, "float32", 1);
    for (const layer of [
      tg.layers.gaussianNoise({ stddev: 0.5 }),
      tg.layers.gaussianDropout({ rate: 0.5 }),
      tg.layers.alphaDropout({ rate: 0.5 }),
    ]) {
      assert.deepEqual(values(layer.apply(x)), values(x));
    }
  });

  test("GaussianNoise adds N(0, stddev²)", () => {
    const layer = tg.layers.gaussianNoise({ stddev: 0.5, seed: 1 });
    const x = tg.fill([20000], 3);
    const noise = layer.apply(x, TRAIN).sub(3);
    assert.ok(Math.abs(noise.mean().item()) < 0.02);
    const sd = Math.sqrt(noise.square().mean().item());
    assert.ok(Math.abs(sd - 0.5) < 0.02, `${sd}`);
  });

  test("GaussianDropout multiplies by N(1, rate / (1 - rate))", () => {
    const rate = 0.2;
    const layer = tg.layers.gaussianDropout({ rate, seed: 1 });
    const y = layer.apply(tg.fill([20000], 2), TRAIN).div(2);
    assert.ok(Math.abs(y.mean().item() - 1) < 0.02);
    const sd = Math.sqrt(y.sub(1).square().mean().item());
    assert.ok(Math.abs(sd - Math.sqrt(rate / (1 - rate))) < 0.02, `${sd}`);
  });

  test("AlphaDropout: dropped units go to a·α' + b, kept to a·x + b", () => {
    const rate = 0.2;
    const alphaP = -1.6732632423543772 * 1.0507009873554805;
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    const layer = tg.layers.alphaDropout({ rate, seed: 8 });
    const x = tg.randomNormal([20000], 0, 1, "float64", 2);
    const y = values(
      tg.layers
        .alphaDropout({ rate, seed: 8, dtype: "float64" })
        .apply(x, TRAIN),
    );
    const xs = values(x);
    let dropped = 0;
    y.forEach((v, i) => {
      if (Math.abs(v - (a * alphaP + b)) < 1e-12) dropped++;
      else assert.ok(Math.abs(v - (a * xs[i]! + b)) < 1e-12);
    });
    assert.ok(Math.abs(dropped / y.length - rate) < 0.01, `${dropped}`);
    // On standard normal inputs the mean stays 0 and the variance 1.
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const variance = y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length;
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05);
    assert.equal(layer.apply(x.cast("float32"), TRAIN).dtype, "float32");
  });

  test("seeds repeat the noise", () => {
    const x = tg.ones([50]);
    for (const make of [
      () => tg.layers.gaussianNoise({ stddev: 0.3, seed: 2 }),
      () => tg.layers.gaussianDropout({ rate: 0.3, seed: 2 }),
      () => tg.layers.alphaDropout({ rate: 0.3, seed: 2 }),
    ]) {
      const [p, q] = [make(), make()];
      const p1 = values(p.apply(x, TRAIN));
      assert.deepEqual(p1, values(q.apply(x, TRAIN)));
      assert.notDeepEqual(p1, values(p.apply(x, TRAIN)));
    }
  });

  test("float64 gradient checks in training", () => {
    for (const make of [
      () => tg.layers.gaussianNoise({ stddev: 0.3, seed: 2, dtype: "float64" }),
      () => tg.layers.gaussianDropout({ rate: 0.3, seed: 2, dtype: "float64" }),
      () => tg.layers.alphaDropout({ rate: 0.3, seed: 2, dtype: "float64" }),
    ]) {
      const report = tg.testing.checkGradients(
        (x) => make().apply(x, TRAIN),
        [tg.randomUniform([3, 4], -1, 1, "float64", 4)],
      );
      assert.ok(report.maxError < 1e-6);
    }
  });
});

describe("ActivityRegularization", () => {
  test("returns its input and records (l1·Σ|x| + l2·Σx²) / batch", () => {
    const layer = tg.layers.activityRegularization({ l1: 0.1, l2: 0.01 });
    const x = [
      [1, -2, 3],
      [0.5, 4, -1],
    ];
    assert.equal(layer.losses.length, 0);
    allclose(layer.apply(x), x);
    const flat = x.flat();
    const penalty =
      (0.1 * flat.reduce((s, v) => s + Math.abs(v), 0) +
        0.01 * flat.reduce((s, v) => s + v * v, 0)) /
      2;
    assert.equal(layer.losses.length, 1);
    allclose(layer.losses[0]!, penalty);
    layer.apply([[1, 1, 1]]);
    assert.equal(layer.losses.length, 1, "only the latest call");
    allclose(layer.losses[0]!, 0.3 + 0.03);
  });

  test("the penalty joins the training loss and its gradient", () => {
    const model = new tg.Sequential([
      tg.layers.dense({ units: 2, kernelInitializer: "ones" }),
      tg.layers.activityRegularization({ l2: 0.5 }),
    ]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = tg.tensor([
      [1, 0],
      [0, 2],
    ]);
    const y = tg.tensor([
      [0, 0],
      [0, 0],
    ]);
    const h = model.fit(x, y, { epochs: 1, verbose: 0 });
    // Predictions [[1, 1], [2, 2]]: mse 2.5; penalty 0.5 · 10 / 2 = 2.5.
    allclose(h.history.loss!, [5]);
  });

  test("float64 gradient of the penalty with respect to the input", () => {
    const report = tg.testing.checkGradients(
      (x) => {
        const layer = tg.layers.activityRegularization({
          l1: 0.2,
          l2: 0.3,
          dtype: "float64",
        });
        return layer.apply(x).mul(2).sum().add(layer.losses[0]!);
      },
      [[[0.5, -1.5, 2]]],
    );
    assert.ok(report.maxError < 1e-6);
  });
});

describe("shapes and configs", () => {
  const makers: [string, () => tg.layers.Layer][] = [
    [
      "Dropout",
      () =>
        tg.layers.dropout({ rate: 0.2, noiseShape: [null, 1, null], seed: 3 }),
    ],
    [
      "SpatialDropout1D",
      () => tg.layers.spatialDropout1D({ rate: 0.2, seed: 1 }),
    ],
    [
      "SpatialDropout2D",
      () =>
        tg.layers.spatialDropout2D({ rate: 0.2, dataFormat: "channelsFirst" }),
    ],
    ["GaussianNoise", () => tg.layers.gaussianNoise({ stddev: 0.1, seed: 4 })],
    ["GaussianDropout", () => tg.layers.gaussianDropout({ rate: 0.1 })],
    ["AlphaDropout", () => tg.layers.alphaDropout({ rate: 0.1, seed: 2 })],
    [
      "ActivityRegularization",
      () => tg.layers.activityRegularization({ l1: 0.1 }),
    ],
  ];

  test("output shapes equal input shapes, also symbolic; no weights", () => {
    for (const [name, make] of makers) {
      const rank4 = name === "SpatialDropout2D";
      const shapes = rank4
        ? [[2, 3, 4, 5]]
        : [
            [2, 3, 4],
            [1, 5, 2],
          ];
      for (const s of shapes) {
        const layer = make();
        assert.deepEqual(layer.apply(tg.ones(s), TRAIN).shape, s, name);
        assert.equal(layer.weights.length, 0);
      }
      const inp = tg.input({ shape: rank4 ? [3, 4, 5] : [3, 4] });
      assert.deepEqual(
        make().apply(inp).shape,
        rank4 ? [null, 3, 4, 5] : [null, 3, 4],
        name,
      );
    }
  });

  test("getConfig / fromConfig round trips", () => {
    for (const [name, make] of makers) {
      const layer = make();
      const config = layer.getConfig();
      const Class = layer.constructor as typeof tg.layers.Layer;
      const copy = Class.fromConfig(config);
      assert.equal(copy.constructor, layer.constructor, name);
      assert.deepEqual(copy.getConfig(), config, name);
    }
    assert.throws(
      () =>
        tg.layers
          .spatialDropout2D({ rate: 0.1 })
          .apply(tg.input({ shape: [3, 4] })),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message.includes("expected an input of rank 4, got shape [null,3,4]"),
    );
    const d = tg.layers.dropout({ rate: 0.2, noiseShape: [null, 1], seed: 3 });
    assert.deepEqual(d.getConfig().noiseShape, [null, 1]);
    assert.equal(d.getConfig().seed, 3);
    assert.equal(
      tg.layers.spatialDropout2D({ rate: 0.1 }).getConfig().dataFormat,
      "channelsLast",
    );
  });
});

describe("TensorFlow.js agreement", () => {
  test("at inference each layer returns its input, as TensorFlow.js's", async () => {
    const tf = await loadTf();
    const x = tg.randomUniform([2, 3, 4], -1, 1, "float32", 5);
    const tx = tf.tensor(values(x), [2, 3, 4]);
    const cases: [tg.layers.Layer, { apply(x: unknown): unknown }][] = [
      [tg.layers.dropout({ rate: 0.5 }), tf.layers.dropout({ rate: 0.5 })],
      [
        tg.layers.spatialDropout1D({ rate: 0.5 }),
        tf.layers.spatialDropout1d({ rate: 0.5 }),
      ],
      [
        tg.layers.gaussianNoise({ stddev: 0.5 }),
        tf.layers.gaussianNoise({ stddev: 0.5 }),
      ],
      [
        tg.layers.gaussianDropout({ rate: 0.5 }),
        tf.layers.gaussianDropout({ rate: 0.5 }),
      ],
      [
        tg.layers.alphaDropout({ rate: 0.5 }),
        tf.layers.alphaDropout({ rate: 0.5 }),
      ],
    ];
    for (const [ours, theirs] of cases) {
      const expected = (
        theirs.apply(tx) as { arraySync(): unknown }
      ).arraySync();
      allclose(ours.apply(x), expected as never, { rtol: 1e-6, atol: 0 });
    }
  });
});

describe("errors", () => {
  const cases: [string, () => unknown, new (m: string) => Error, string][] = [
    [
      "rate above 1",
      () => tg.layers.dropout({ rate: 1.5 }),
      tg.ValueError,
      "Dropout: expected rate in [0, 1], got rate=1.5",
    ],
    [
      "negative rate",
      () => tg.layers.spatialDropout1D({ rate: -0.1 }),
      tg.ValueError,
      "SpatialDropout1D: expected rate in [0, 1], got rate=-0.1",
    ],
    [
      "bad seed",
      () => tg.layers.dropout({ rate: 0.1, seed: -2 }),
      tg.ValueError,
      "Dropout: expected seed to be an integer >= 0, got seed=-2",
    ],
    [
      "bad noiseShape",
      () => tg.layers.dropout({ rate: 0.1, noiseShape: [0, 1] }),
      tg.ValueError,
      "Dropout: expected noiseShape to be a list of integers >= 1 or nulls, got noiseShape=[0,1]",
    ],
    [
      "stddev above 1",
      () => tg.layers.gaussianNoise({ stddev: 2 }),
      tg.ValueError,
      "GaussianNoise: expected stddev in [0, 1], got stddev=2",
    ],
    [
      "GaussianDropout rate 1",
      () => tg.layers.gaussianDropout({ rate: 1 }),
      tg.ValueError,
      "GaussianDropout: expected rate in [0, 1), got rate=1",
    ],
    [
      "AlphaDropout rate 1",
      () => tg.layers.alphaDropout({ rate: 1 }),
      tg.ValueError,
      "AlphaDropout: expected rate in [0, 1), got rate=1",
    ],
    [
      "negative l1",
      () => tg.layers.activityRegularization({ l1: -1 }),
      tg.ValueError,
      "ActivityRegularization: expected l1 to be a number >= 0, got l1=-1",
    ],
    [
      "bad dataFormat",
      () =>
        tg.layers.spatialDropout2D({ rate: 0.1, dataFormat: "nhwc" as never }),
      tg.ValueError,
      'SpatialDropout2D: expected dataFormat "channelsLast" or "channelsFirst", got dataFormat="nhwc"',
    ],
  ];
  for (const [name, f, Class, message] of cases) {
    test(name, () => {
      assert.throws(
        f,
        (e: unknown) => e instanceof Class && e.message === message,
      );
    });
  }

  test("input shapes the mask cannot fit", () => {
    const layer = tg.layers.spatialDropout1D({ rate: 0.1, name: "sd" });
    assert.throws(
      () => layer.apply(tg.ones([2, 3])),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message ===
          'SpatialDropout1D "sd": expected an input of rank 3 [batch, steps, channels], got shape [2,3]',
    );
    const d = tg.layers.dropout({
      rate: 0.1,
      noiseShape: [null, 2],
      name: "dd",
    });
    assert.throws(
      () => d.apply(tg.ones([2, 3]), TRAIN),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message ===
          'Dropout "dd": expected an input that noiseShape [null,2] broadcasts to, got shape [2,3]',
    );
  });
});
