// SPDX-License-Identifier: Apache-2.0
/**
 * Reshaping layers (src/nn/layers/reshaping.ts): for each layer, output
 * shapes for several inputs (eager and symbolic), no weights, a config
 * round trip, a training step through it, a float64 gradient check with
 * respect to the inputs, values against hand computations, TensorFlow.js
 * where it has the layer, and typed errors for bad options and inputs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import type * as TF from "@tensorflow/tfjs";
import { loadTf } from "../../tfjs.js";

type AnyLayer = tg.layers.Layer;
type Shape = number[];

/** Deterministic, distinct values of `shape`. */
function values(shape: Shape, dtype: tg.DType = "float32"): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + 0.2));
  return tg.tensor(flat, shape, dtype);
}

/** One case of the shared checks: a layer factory and its shape rules. */
interface Case {
  name: string;
  make: (dtype?: tg.DType) => AnyLayer;
  /** [input shape, expected output shape] pairs, batch included. */
  shapes: [Shape, Shape][];
}

const CASES: Case[] = [
  {
    name: "Flatten",
    make: (dtype) => new tg.layers.Flatten({ dtype }),
    shapes: [
      [
        [2, 3],
        [2, 3],
      ],
      [
        [2, 3, 4],
        [2, 12],
      ],
      [
        [1, 2, 3, 2],
        [1, 12],
      ],
      [[3], [3, 1]],
    ],
  },
  {
    name: "Flatten channelsFirst",
    make: (dtype) =>
      new tg.layers.Flatten({ dataFormat: "channelsFirst", dtype }),
    shapes: [
      [
        [2, 3, 4],
        [2, 12],
      ],
      [
        [1, 2, 3, 2],
        [1, 12],
      ],
    ],
  },
  {
    name: "Reshape",
    make: (dtype) => new tg.layers.Reshape({ targetShape: [-1, 2], dtype }),
    shapes: [
      [
        [2, 4],
        [2, 2, 2],
      ],
      [
        [3, 3, 2],
        [3, 3, 2],
      ],
      [
        [1, 2, 2, 2],
        [1, 4, 2],
      ],
    ],
  },
  {
    name: "Permute",
    make: (dtype) => new tg.layers.Permute({ dims: [2, 1], dtype }),
    shapes: [
      [
        [2, 3, 4],
        [2, 4, 3],
      ],
      [
        [1, 5, 2],
        [1, 2, 5],
      ],
    ],
  },
  {
    name: "RepeatVector",
    make: (dtype) => new tg.layers.RepeatVector({ n: 3, dtype }),
    shapes: [
      [
        [2, 4],
        [2, 3, 4],
      ],
      [
        [1, 1],
        [1, 3, 1],
      ],
    ],
  },
  {
    name: "Cropping1D",
    make: (dtype) => new tg.layers.Cropping1D({ cropping: [1, 2], dtype }),
    shapes: [
      [
        [2, 5, 3],
        [2, 2, 3],
      ],
      [
        [1, 4, 1],
        [1, 1, 1],
      ],
    ],
  },
  {
    name: "Cropping2D",
    make: (dtype) =>
      new tg.layers.Cropping2D({
        cropping: [
          [1, 0],
          [0, 2],
        ],
        dtype,
      }),
    shapes: [
      [
        [2, 3, 4, 2],
        [2, 2, 2, 2],
      ],
      [
        [1, 2, 3, 1],
        [1, 1, 1, 1],
      ],
    ],
  },
  {
    name: "Cropping2D channelsFirst",
    make: (dtype) =>
      new tg.layers.Cropping2D({
        cropping: [1, 1],
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 2, 4, 3],
        [2, 2, 2, 1],
      ],
    ],
  },
  {
    name: "ZeroPadding1D",
    make: (dtype) => new tg.layers.ZeroPadding1D({ padding: [2, 1], dtype }),
    shapes: [
      [
        [2, 3, 2],
        [2, 6, 2],
      ],
      [
        [1, 1, 1],
        [1, 4, 1],
      ],
    ],
  },
  {
    name: "ZeroPadding2D",
    make: (dtype) =>
      new tg.layers.ZeroPadding2D({
        padding: [
          [1, 0],
          [2, 1],
        ],
        dtype,
      }),
    shapes: [
      [
        [2, 2, 3, 2],
        [2, 3, 6, 2],
      ],
      [
        [1, 1, 1, 1],
        [1, 2, 4, 1],
      ],
    ],
  },
  {
    name: "ZeroPadding2D channelsFirst",
    make: (dtype) =>
      new tg.layers.ZeroPadding2D({ dataFormat: "channelsFirst", dtype }),
    shapes: [
      [
        [2, 3, 2, 2],
        [2, 3, 4, 4],
      ],
    ],
  },
  {
    name: "UpSampling1D",
    make: (dtype) => new tg.layers.UpSampling1D({ size: 3, dtype }),
    shapes: [
      [
        [2, 2, 3],
        [2, 6, 3],
      ],
      [
        [1, 1, 1],
        [1, 3, 1],
      ],
    ],
  },
  {
    name: "UpSampling2D",
    make: (dtype) => new tg.layers.UpSampling2D({ size: [2, 3], dtype }),
    shapes: [
      [
        [2, 2, 2, 3],
        [2, 4, 6, 3],
      ],
      [
        [1, 1, 3, 1],
        [1, 2, 9, 1],
      ],
    ],
  },
  {
    name: "UpSampling2D channelsFirst",
    make: (dtype) =>
      new tg.layers.UpSampling2D({ dataFormat: "channelsFirst", dtype }),
    shapes: [
      [
        [2, 3, 2, 1],
        [2, 3, 4, 2],
      ],
    ],
  },
  {
    name: "UpSampling2D bilinear",
    make: (dtype) =>
      new tg.layers.UpSampling2D({
        size: [2, 3],
        interpolation: "bilinear",
        dtype,
      }),
    shapes: [
      [
        [2, 3, 2, 2],
        [2, 6, 6, 2],
      ],
      [
        [1, 1, 1, 3],
        [1, 2, 3, 3],
      ],
    ],
  },
  {
    name: "UpSampling2D bilinear channelsFirst",
    make: (dtype) =>
      new tg.layers.UpSampling2D({
        size: 3,
        interpolation: "bilinear",
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 2, 2, 3],
        [2, 2, 6, 9],
      ],
    ],
  },
];

describe("shared checks", () => {
  for (const c of CASES) {
    describe(c.name, () => {
      test("output shapes, eager and symbolic; no weights", () => {
        for (const [inShape, outShape] of c.shapes) {
          const layer = c.make();
          const y = layer.apply(values(inShape));
          assert.deepEqual(y.shape, outShape, `input ${inShape.join("x")}`);
          assert.equal(layer.weights.length, 0);
          assert.equal(layer.countParams(), 0);
          const sym = tg.input({ shape: inShape.slice(1) });
          const ys = c.make().apply(sym);
          assert.deepEqual(ys.shape, [null, ...outShape.slice(1)]);
          const rule = c.make().computeOutputShape([null, ...inShape.slice(1)]);
          assert.deepEqual(rule, [null, ...outShape.slice(1)]);
        }
      });

      test("getConfig / fromConfig round trip", () => {
        const layer = c.make();
        const cfg = layer.getConfig();
        const Cls = layer.constructor as unknown as {
          fromConfig(cfg: Record<string, unknown>): AnyLayer;
        };
        const copy = Cls.fromConfig(cfg);
        assert.equal(copy.constructor, layer.constructor);
        assert.deepEqual(copy.getConfig(), cfg);
        const x = values(c.shapes[0]![0]);
        allclose(copy.apply(x), layer.apply(x));
      });

      test("float64 gradient check with respect to the inputs", () => {
        const layer = c.make("float64");
        const x = values(c.shapes[0]![0], "float64");
        const y = layer.apply(x);
        assert.equal(y.dtype, "float64");
        const report = tg.testing.checkGradients(
          (t: tg.Tensor) => layer.apply(t),
          [x],
        );
        assert.ok(report.maxError < 1e-6, String(report.maxError));
      });

      test("a fit step trains a Dense before it, through the layer", () => {
        const inShape = c.shapes[0]![0];
        const inp = tg.input({ shape: inShape.slice(1) });
        const pre = tg.layers.dense({ units: inShape[inShape.length - 1]! });
        const flat = tg.layers.flatten();
        const head = tg.layers.dense({ units: 1 });
        const out = head.apply(flat.apply(c.make().apply(pre.apply(inp))));
        const model = new tg.Model({ inputs: inp, outputs: out });
        model.compile({ optimizer: "sgd", loss: "mse" });
        const before = pre.kernel.value.toArray();
        const x = values([4, ...inShape.slice(1)]);
        model.fit(x, tg.ones([4, 1]), { epochs: 1, verbose: 0 });
        const after = pre.kernel.value.toArray();
        assert.notDeepEqual(after, before);
      });
    });
  }
});

describe("values", () => {
  const img = [
    [
      [
        [1, 10],
        [2, 20],
      ],
      [
        [3, 30],
        [4, 40],
      ],
    ],
  ]; // [1, 2, 2, 2]: rows, cols, channels

  test("Flatten keeps row-major order; channelsFirst moves channels last", () => {
    const last = tg.layers.flatten().apply(img);
    assert.deepEqual(last.toArray(), [[1, 10, 2, 20, 3, 30, 4, 40]]);
    const first = tg.layers.flatten({ dataFormat: "channelsFirst" });
    // Read as [batch, channels=2, rows=2, cols=2].
    assert.deepEqual(first.apply(img).toArray(), [
      [1, 3, 10, 30, 2, 4, 20, 40],
    ]);
  });

  test("Reshape infers -1 and keeps the batch", () => {
    const y = tg.layers.reshape({ targetShape: [2, -1] }).apply(img);
    assert.deepEqual(y.toArray(), [
      [
        [1, 10, 2, 20],
        [3, 30, 4, 40],
      ],
    ]);
  });

  test("Permute reorders the sample's axes (1-based)", () => {
    const y = tg.layers.permute({ dims: [3, 1, 2] }).apply(img);
    assert.deepEqual(y.shape, [1, 2, 2, 2]);
    assert.deepEqual(y.toArray(), [
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [10, 20],
          [30, 40],
        ],
      ],
    ]);
  });

  test("RepeatVector repeats each sample", () => {
    const y = tg.layers.repeatVector({ n: 2 }).apply([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(y.toArray(), [
      [
        [1, 2],
        [1, 2],
      ],
      [
        [3, 4],
        [3, 4],
      ],
    ]);
  });

  test("Cropping1D default removes one step at each end", () => {
    const y = tg.layers.cropping1D().apply([[[1], [2], [3], [4]]]);
    assert.deepEqual(y.toArray(), [[[2], [3]]]);
    const one = tg.layers
      .cropping1D({ cropping: 2 })
      .apply([[[1], [2], [3], [4], [5]]]);
    assert.deepEqual(one.toArray(), [[[3]]]);
  });

  test("Cropping2D: the forms of cropping", () => {
    const x = tg.reshape(tg.range(0, 16), [1, 4, 4, 1]);
    const y = tg.layers
      .cropping2D({
        cropping: [
          [1, 0],
          [0, 2],
        ],
      })
      .apply(x);
    assert.deepEqual(y.reshape([3, 2]).toArray(), [
      [4, 5],
      [8, 9],
      [12, 13],
    ]);
    const sym = tg.layers.cropping2D({ cropping: [1, 0] }).apply(x);
    assert.deepEqual(sym.reshape([2, 4]).toArray(), [
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    const all = tg.layers.cropping2D({ cropping: 1 }).apply(x);
    assert.deepEqual(all.reshape([2, 2]).toArray(), [
      [5, 6],
      [9, 10],
    ]);
    assert.deepEqual(tg.layers.cropping2D().apply(x).shape, [1, 4, 4, 1]);
  });

  test("ZeroPadding1D default pads one zero step at each end", () => {
    const y = tg.layers.zeroPadding1D().apply([[[1, 2]]]);
    assert.deepEqual(y.toArray(), [
      [
        [0, 0],
        [1, 2],
        [0, 0],
      ],
    ]);
  });

  test("ZeroPadding2D default pads one row and column on each side", () => {
    const y = tg.layers.zeroPadding2D().apply([[[[5]]]]);
    assert.deepEqual(y.reshape([3, 3]).toArray(), [
      [0, 0, 0],
      [0, 5, 0],
      [0, 0, 0],
    ]);
    const cf = tg.layers.zeroPadding2D({
      padding: [0, 1],
      dataFormat: "channelsFirst",
    });
    assert.deepEqual(cf.apply([[[[7]], [[8]]]]).toArray(), [
      [[[0, 7, 0]], [[0, 8, 0]]],
    ]);
  });

  test("UpSampling1D repeats each step", () => {
    const y = tg.layers.upSampling1D().apply([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    assert.deepEqual(y.toArray(), [
      [
        [1, 2],
        [1, 2],
        [3, 4],
        [3, 4],
      ],
    ]);
  });

  test("UpSampling2D repeats rows and columns, per channel", () => {
    const y = tg.layers.upSampling2D({ size: [2, 1] }).apply(img);
    assert.deepEqual(y.shape, [1, 4, 2, 2]);
    assert.deepEqual(y.toArray(), [
      [
        [
          [1, 10],
          [2, 20],
        ],
        [
          [1, 10],
          [2, 20],
        ],
        [
          [3, 30],
          [4, 40],
        ],
        [
          [3, 30],
          [4, 40],
        ],
      ],
    ]);
  });

  test("bilinear UpSampling2D: half-pixel centres, clamped edges", () => {
    // Row of [0, 4] upsampled 4×: output j samples (j + 0.5) / 4 − 0.5.
    const y = tg.layers
      .upSampling2D({ size: [1, 4], interpolation: "bilinear" })
      .apply([[[[0], [4]]]]);
    assert.deepEqual(
      y.reshape([8]).toArray(),
      [0, 0, 0.5, 1.5, 2.5, 3.5, 4, 4],
    );
    // Rows and columns at once, per channel; a constant image stays.
    const z = tg.layers
      .upSampling2D({ size: 2, interpolation: "bilinear" })
      .apply(img);
    assert.deepEqual(z.shape, [1, 4, 4, 2]);
    // Row 1, column 1 samples (0.25, 0.25): 0.75² · 1 + 0.75·0.25 · (2 + 3)
    // + 0.25² · 4.
    allclose(tg.slice(z, [0, 1, 1, 0], [1, 1, 1, 2]), [[[[1.75, 17.5]]]]);
    const c = tg.layers
      .upSampling2D({ size: [3, 2], interpolation: "bilinear" })
      .apply(tg.fill([2, 3, 2, 1], 7));
    allclose(c, tg.fill([2, 9, 4, 1], 7));
    // Integer inputs become float32, as Keras's image.resize.
    const i = tg.layers
      .upSampling2D({ interpolation: "bilinear" })
      .apply(tg.tensor([[[[1], [2]]]], undefined, "int32"));
    assert.equal(i.dtype, "float32");
    assert.deepEqual(
      i.reshape([8]).toArray(),
      [1, 1.25, 1.75, 2, 1, 1.25, 1.75, 2],
    );
  });

  // Values only: TensorFlow.js 4.22's cpu gradient of resizeBilinear
  // ignores halfPixelCenters (and returns rows and columns swapped), so the
  // gradients are checked by finite differences in the shared checks.
  test("bilinear UpSampling2D matches tf.image.resizeBilinear (half-pixel)", async () => {
    const tf = await loadTf();
    const cases: [Shape, [number, number], tg.layers.DataFormat][] = [
      [[2, 3, 4, 2], [2, 3], "channelsLast"],
      [[1, 5, 2, 3], [3, 2], "channelsLast"],
      [[1, 1, 3, 1], [4, 1], "channelsLast"],
      [[2, 2, 3, 4], [2, 2], "channelsFirst"],
    ];
    for (const [shape, size, dataFormat] of cases) {
      const x = values(shape);
      const layer = tg.layers.upSampling2D({
        size,
        interpolation: "bilinear",
        dataFormat,
      });
      const y = layer.apply(x);
      const first = dataFormat === "channelsFirst";
      const [h, w] = first ? [shape[2]!, shape[3]!] : [shape[1]!, shape[2]!];
      let tx = tf.tensor4d(
        Array.from(x.data),
        shape as [number, number, number, number],
      );
      if (first) tx = tf.transpose(tx, [0, 2, 3, 1]);
      const resize = (t: TF.Tensor4D) =>
        tf.image.resizeBilinear(t, [h * size[0], w * size[1]], false, true);
      let ty = resize(tx);
      if (first) ty = tf.transpose(ty, [0, 3, 1, 2]);
      assert.deepEqual(y.shape, ty.shape);
      allclose(y, ty.arraySync(), { rtol: 1e-5, atol: 1e-6 });
      if (shape === cases[0]![0]) {
        // TF.js's layer leaves halfPixelCenters off: other values.
        const legacy = tf.layers
          .upSampling2d({ size, interpolation: "bilinear" })
          .apply(tx) as TF.Tensor;
        assert.throws(() => allclose(y, legacy.arraySync()));
      }
    }
  });

  test("the gradient of UpSampling2D sums each block", () => {
    const layer = tg.layers.upSampling2D({ size: 2 });
    const x = tg.tensor([[[[1], [2]]]]);
    const g = tg.grad((t: tg.Tensor) => tg.sum(layer.apply(t)))(x);
    assert.deepEqual(g.toArray(), [[[[4], [4]]]]);
  });
});

describe("TensorFlow.js agrees", () => {
  const pairs: [
    string,
    () => AnyLayer,
    string,
    Record<string, unknown>,
    Shape,
  ][] = [
    ["Flatten", () => tg.layers.flatten(), "flatten", {}, [2, 3, 4, 2]],
    [
      "Flatten channelsFirst",
      () => tg.layers.flatten({ dataFormat: "channelsFirst" }),
      "flatten",
      { dataFormat: "channelsFirst" },
      [2, 3, 4, 2],
    ],
    [
      "Reshape",
      () => tg.layers.reshape({ targetShape: [4, -1] }),
      "reshape",
      { targetShape: [4, -1] },
      [2, 3, 4, 2],
    ],
    [
      "Permute",
      () => tg.layers.permute({ dims: [3, 1, 2] }),
      "permute",
      { dims: [3, 1, 2] },
      [2, 3, 4, 2],
    ],
    [
      "RepeatVector",
      () => tg.layers.repeatVector({ n: 3 }),
      "repeatVector",
      { n: 3 },
      [2, 5],
    ],
    [
      "Cropping2D",
      () =>
        tg.layers.cropping2D({
          cropping: [
            [1, 0],
            [1, 2],
          ],
        }),
      "cropping2D",
      {
        cropping: [
          [1, 0],
          [1, 2],
        ],
      },
      [2, 3, 4, 2],
    ],
    [
      "Cropping2D channelsFirst",
      () => tg.layers.cropping2D({ cropping: 1, dataFormat: "channelsFirst" }),
      "cropping2D",
      { cropping: 1, dataFormat: "channelsFirst" },
      [2, 2, 4, 3],
    ],
    [
      "ZeroPadding2D",
      () =>
        tg.layers.zeroPadding2D({
          padding: [
            [1, 0],
            [2, 1],
          ],
        }),
      "zeroPadding2d",
      {
        padding: [
          [1, 0],
          [2, 1],
        ],
      },
      [2, 3, 4, 2],
    ],
    [
      "ZeroPadding2D channelsFirst",
      () => tg.layers.zeroPadding2D({ dataFormat: "channelsFirst" }),
      "zeroPadding2d",
      { dataFormat: "channelsFirst" },
      [2, 2, 4, 3],
    ],
    [
      "UpSampling2D",
      () => tg.layers.upSampling2D({ size: [2, 3] }),
      "upSampling2d",
      { size: [2, 3] },
      // Batch 1: TensorFlow.js 4.22's cpu gradient of resizeNearestNeighbor
      // is wrong for batch > 1 (samples after the first get other sums);
      // the float64 gradient check above covers batches of 2.
      [1, 3, 4, 2],
    ],
    [
      "UpSampling2D channelsFirst",
      () => tg.layers.upSampling2D({ dataFormat: "channelsFirst" }),
      "upSampling2d",
      { dataFormat: "channelsFirst" },
      [1, 2, 4, 3],
    ],
  ];
  for (const [name, ours, tfName, tfArgs, shape] of pairs) {
    test(`${name}: outputs and input gradients`, async () => {
      const tf = await loadTf();
      const x = values(shape);
      const make = (
        tf.layers as unknown as Record<
          string,
          (a: unknown) => { apply(t: TF.Tensor): TF.Tensor }
        >
      )[tfName]!;
      const tfLayer = make(tfArgs);
      const tfX = tf.tensor(Array.from(x.data), shape);
      const expected = tfLayer.apply(tfX);
      const layer = ours();
      const y = layer.apply(x);
      allclose(y, expected.arraySync(), {
        rtol: 1e-5,
        atol: 0,
      });

      // Gradients of sum(y · w) for fixed weights w of the output's shape.
      const w = values([...y.shape]).add(2);
      const tfW = tf.tensor(Array.from(w.data), [...y.shape]);
      const g = tg.grad((t: tg.Tensor) => tg.sum(layer.apply(t).mul(w)))(x);
      const tfG = tf.grad((t: TF.Tensor) => tfLayer.apply(t).mul(tfW).sum())(
        tfX,
      );
      allclose(g, tfG.arraySync(), { rtol: 1e-5, atol: 0 });
    });
  }
});

describe("errors", () => {
  test("bad options: ValueError naming the option and the value", () => {
    const cases: [() => unknown, string | RegExp][] = [
      [
        () => new tg.layers.Flatten({ dataFormat: "nhwc" as never }),
        'Flatten: expected dataFormat "channelsLast" or "channelsFirst", got dataFormat="nhwc"',
      ],
      [
        () => new tg.layers.Reshape({ targetShape: [-1, -1] }),
        "Reshape: expected targetShape to be a list of integers >= 1 with at most one -1, got targetShape=[-1,-1]",
      ],
      [
        () => new tg.layers.Reshape({ targetShape: [0, 2] }),
        /Reshape: expected targetShape .* got targetShape=\[0,2\]/,
      ],
      [
        () => new tg.layers.Permute({ dims: [0, 1] }),
        /^Permute: expected dims to be a permutation of 1, \.\.\., k .* got dims=\[0,1\]$/,
      ],
      [() => new tg.layers.Permute({ dims: [1, 1] }), /got dims=\[1,1\]$/],
      [
        () => new tg.layers.RepeatVector({ n: 0 }),
        "RepeatVector: expected n to be a positive integer, got n=0",
      ],
      [
        () => new tg.layers.Cropping1D({ cropping: [1, -1] as never }),
        "Cropping1D: expected cropping to be an integer >= 0 or a pair of them, got cropping=[1,-1]",
      ],
      [
        () => new tg.layers.Cropping2D({ cropping: [[1, 2], 3] as never }),
        /^Cropping2D: expected cropping to be an integer >= 0, a pair of them, or a pair of pairs, got cropping=/,
      ],
      [
        () => new tg.layers.ZeroPadding1D({ padding: 1.5 }),
        /^ZeroPadding1D: expected padding to be an integer >= 0 or a pair of them, got padding=1.5$/,
      ],
      [
        () => new tg.layers.ZeroPadding2D({ padding: [1, 2, 3] as never }),
        /^ZeroPadding2D: expected padding .* got padding=\[1,2,3\]$/,
      ],
      [
        () => new tg.layers.UpSampling1D({ size: 0 }),
        "UpSampling1D: expected size to be a positive integer, got size=0",
      ],
      [
        () => new tg.layers.UpSampling2D({ size: [2, 0] }),
        "UpSampling2D: expected size to be an integer >= 1 or a pair of them, got size=[2,0]",
      ],
      [
        () => new tg.layers.UpSampling2D({ interpolation: "cubic" as never }),
        'UpSampling2D: expected interpolation "nearest" or "bilinear", got interpolation="cubic"',
      ],
    ];
    for (const [f, message] of cases) {
      assert.throws(f, { name: "ValueError", message });
    }
  });

  test("bicubic, lanczos and area UpSampling2D: NotImplementedError naming them", () => {
    for (const name of ["bicubic", "lanczos3", "lanczos5", "area"]) {
      assert.throws(
        () => new tg.layers.UpSampling2D({ interpolation: name as never }),
        (e: unknown) => {
          assert.ok(e instanceof tg.NotImplementedError);
          assert.equal(
            e.message,
            `UpSampling2D: interpolation "${name}" is not implemented; only ` +
              '"nearest" and "bilinear" are (Keras\'s "bicubic", "lanczos3", ' +
              '"lanczos5" and "area" are not)',
          );
          return true;
        },
      );
    }
  });

  test("bad input shapes: ShapeError naming the layer and the shape", () => {
    const cases: [AnyLayer, Shape, string | RegExp][] = [
      [
        new tg.layers.Reshape({ targetShape: [4], name: "rs" }),
        [2, 3],
        'Reshape "rs": cannot reshape samples of shape [3] (3 values) to targetShape [4]',
      ],
      [
        new tg.layers.Reshape({ targetShape: [2, -1], name: "rs2" }),
        [2, 3],
        /^Reshape "rs2": cannot reshape samples of shape \[3\]/,
      ],
      [
        new tg.layers.Permute({ dims: [2, 1], name: "pm" }),
        [2, 3],
        'Permute "pm": expected an input of rank 3 (batch and dims axes), got shape [2,3]',
      ],
      [
        new tg.layers.RepeatVector({ n: 2, name: "rv" }),
        [2, 3, 4],
        'RepeatVector "rv": expected an input of rank 2 (batch, features), got shape [2,3,4]',
      ],
      [
        new tg.layers.Cropping1D({ cropping: [2, 1], name: "c1" }),
        [2, 3, 4],
        'Cropping1D "c1": expected cropping [2,1] to leave at least one step of a dimension of 3, got 0',
      ],
      [
        new tg.layers.Cropping2D({ cropping: 2, name: "c2" }),
        [1, 4, 5, 1],
        /^Cropping2D "c2": expected cropping \[2,2\] to leave at least one step/,
      ],
      [
        new tg.layers.Cropping2D({ name: "c2r" }),
        [4, 5, 1],
        'Cropping2D "c2r": expected an input of rank 4 (batch, rows, cols, channels), got shape [4,5,1]',
      ],
      [
        new tg.layers.ZeroPadding1D({ name: "z1" }),
        [4, 5],
        'ZeroPadding1D "z1": expected an input of rank 3 (batch, steps, features), got shape [4,5]',
      ],
      [
        new tg.layers.ZeroPadding2D({ name: "z2" }),
        [4, 5, 1],
        /^ZeroPadding2D "z2": expected an input of rank 4/,
      ],
      [
        new tg.layers.UpSampling1D({ name: "u1" }),
        [4, 5],
        /^UpSampling1D "u1": expected an input of rank 3/,
      ],
      [
        new tg.layers.UpSampling2D({ name: "u2" }),
        [4, 5],
        /^UpSampling2D "u2": expected an input of rank 4/,
      ],
    ];
    for (const [layer, shape, message] of cases) {
      assert.throws(() => layer.apply(tg.zeros(shape)), {
        name: "ShapeError",
        message,
      });
    }
  });

  test("a bad symbolic shape fails when the model is wired", () => {
    const sym = tg.input({ shape: [3] });
    assert.throws(
      () => tg.layers.reshape({ targetShape: [2], name: "rs3" }).apply(sym),
      { name: "ShapeError", message: /^Reshape "rs3": cannot reshape/ },
    );
    const unknown = tg.layers.reshape({ targetShape: [2, -1] });
    assert.deepEqual(unknown.computeOutputShape([null, null]), [null, 2, null]);
  });
});

describe("in a Sequential model", () => {
  test("inputShape builds the model; fit trains through the layers", () => {
    const model = new tg.Sequential([
      tg.layers.zeroPadding2D({ inputShape: [2, 2, 1] }),
      tg.layers.upSampling2D(),
      tg.layers.cropping2D({ cropping: 1 }),
      tg.layers.flatten(),
      tg.layers.dense({ units: 1 }),
    ]);
    // Built from inputShape: 2×2 → padded 4×4 → 8×8 → cropped 6×6 → 36.
    assert.deepEqual(model.getWeights()[0]!.shape, [36, 1]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const before = model.getWeights()[0]!.toArray();
    const x = values([3, 2, 2, 1]);
    const h = model.fit(x, tg.ones([3, 1]), { epochs: 2, verbose: 0 });
    assert.equal(h.history.loss!.length, 2);
    assert.notDeepEqual(model.getWeights()[0]!.toArray(), before);
    assert.deepEqual(model.getWeights()[0]!.shape, [36, 1]);
  });
});
