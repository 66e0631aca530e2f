// SPDX-License-Identifier: Apache-2.0
/**
 * Pooling layers (src/nn/layers/pooling.ts): for each layer, output shapes
 * for several inputs (eager and symbolic), no weights, a config round
 * trip, a fit step through it, a float64 gradient check with respect to
 * the inputs, values against hand computations, TensorFlow.js's layers
 * where it has them, and typed errors for bad options and inputs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import type * as TF from "@tensorflow/tfjs";
import { loadTf } from "../../tfjs.js";

type AnyLayer = tg.layers.Layer;
type Shape = number[];

/** Deterministic, distinct values of `shape` (no ties in any window). */
function values(shape: Shape, dtype: tg.DType = "float32"): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + 0.2));
  return tg.tensor(flat, shape, dtype);
}

interface Case {
  name: string;
  make: (dtype?: tg.DType) => AnyLayer;
  /** [input shape, expected output shape] pairs, batch included. */
  shapes: [Shape, Shape][];
}

const CASES: Case[] = [
  {
    name: "MaxPooling1D",
    make: (dtype) => new tg.layers.MaxPooling1D({ dtype }),
    shapes: [
      [
        [2, 5, 3],
        [2, 2, 3],
      ],
      [
        [1, 4, 1],
        [1, 2, 1],
      ],
    ],
  },
  {
    name: "MaxPooling1D same strides 1 channelsFirst",
    make: (dtype) =>
      new tg.layers.MaxPooling1D({
        poolSize: 3,
        strides: 1,
        padding: "same",
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 3, 5],
        [2, 3, 5],
      ],
      [
        [1, 2, 2],
        [1, 2, 2],
      ],
    ],
  },
  {
    name: "MaxPooling2D",
    make: (dtype) => new tg.layers.MaxPooling2D({ dtype }),
    shapes: [
      [
        [2, 4, 5, 3],
        [2, 2, 2, 3],
      ],
      [
        [1, 2, 2, 1],
        [1, 1, 1, 1],
      ],
    ],
  },
  {
    name: "MaxPooling2D [2, 3] strides [1, 2] same channelsFirst",
    make: (dtype) =>
      new tg.layers.MaxPooling2D({
        poolSize: [2, 3],
        strides: [1, 2],
        padding: "same",
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 3, 4, 5],
        [2, 3, 4, 3],
      ],
      [
        [1, 1, 1, 1],
        [1, 1, 1, 1],
      ],
    ],
  },
  {
    name: "MaxPooling3D",
    make: (dtype) => new tg.layers.MaxPooling3D({ dtype }),
    shapes: [
      [
        [2, 3, 4, 5, 2],
        [2, 1, 2, 2, 2],
      ],
    ],
  },
  {
    name: "AveragePooling1D same",
    make: (dtype) => new tg.layers.AveragePooling1D({ padding: "same", dtype }),
    shapes: [
      [
        [2, 5, 3],
        [2, 3, 3],
      ],
      [
        [1, 1, 2],
        [1, 1, 2],
      ],
    ],
  },
  {
    name: "AveragePooling2D 3 strides 1",
    make: (dtype) =>
      new tg.layers.AveragePooling2D({ poolSize: 3, strides: 1, dtype }),
    shapes: [
      [
        [2, 4, 5, 2],
        [2, 2, 3, 2],
      ],
    ],
  },
  {
    name: "AveragePooling2D same channelsFirst",
    make: (dtype) =>
      new tg.layers.AveragePooling2D({
        padding: "same",
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 2, 5, 3],
        [2, 2, 3, 2],
      ],
    ],
  },
  {
    name: "AveragePooling3D same",
    make: (dtype) => new tg.layers.AveragePooling3D({ padding: "same", dtype }),
    shapes: [
      [
        [1, 3, 4, 5, 2],
        [1, 2, 2, 3, 2],
      ],
    ],
  },
  {
    name: "AveragePooling3D channelsFirst",
    make: (dtype) =>
      new tg.layers.AveragePooling3D({ dataFormat: "channelsFirst", dtype }),
    shapes: [
      [
        [1, 2, 3, 4, 5],
        [1, 2, 1, 2, 2],
      ],
    ],
  },
];

for (const [cls, d] of [
  ["GlobalMaxPooling", 1],
  ["GlobalMaxPooling", 2],
  ["GlobalMaxPooling", 3],
  ["GlobalAveragePooling", 1],
  ["GlobalAveragePooling", 2],
  ["GlobalAveragePooling", 3],
] as const) {
  const Cls = (
    tg.layers as unknown as Record<
      string,
      new (args: tg.layers.GlobalPoolingArgs) => AnyLayer
    >
  )[`${cls}${d}D`]!;
  const spatial = [3, 4, 2].slice(0, d);
  for (const keepdims of [false, true]) {
    for (const dataFormat of ["channelsLast", "channelsFirst"] as const) {
      const inShape =
        dataFormat === "channelsLast" ? [2, ...spatial, 5] : [2, 5, ...spatial];
      const ones = spatial.map(() => 1);
      const outShape = !keepdims
        ? [2, 5]
        : dataFormat === "channelsLast"
          ? [2, ...ones, 5]
          : [2, 5, ...ones];
      CASES.push({
        name: `${cls}${d}D keepdims ${keepdims} ${dataFormat}`,
        make: (dtype) => new Cls({ keepdims, dataFormat, dtype }),
        shapes: [[inShape, outShape]],
      });
    }
  }
}

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

describe("values by hand", () => {
  test("MaxPooling2D and AveragePooling2D, channels last and first", () => {
    // One channel: [[1, 2, 3, 4], [5, 6, 7, 8]] and a second one, negated.
    const a = [1, 2, 3, 4, 5, 6, 7, 8];
    const last = tg.tensor(
      a.flatMap((v) => [v, -v]),
      [1, 2, 4, 2],
    );
    const first = tg.transpose(last, [0, 3, 1, 2]);
    const mx = new tg.layers.MaxPooling2D();
    assert.deepEqual(mx.apply(last).toArray(), [
      [
        [
          [6, -1],
          [8, -3],
        ],
      ],
    ]);
    const mxf = new tg.layers.MaxPooling2D({ dataFormat: "channelsFirst" });
    assert.deepEqual(mxf.apply(first).toArray(), [[[[6, 8]], [[-1, -3]]]]);
    const av = new tg.layers.AveragePooling2D({ poolSize: [1, 3] });
    assert.deepEqual(av.apply(last).toArray(), [[[[2, -2]], [[6, -6]]]]);
  });

  test('AveragePooling1D "same" divides by the real elements', () => {
    const layer = new tg.layers.AveragePooling1D({
      poolSize: 3,
      strides: 2,
      padding: "same",
    });
    // n=5, k=3, s=2: out 3, padding 1 before and 1 after.
    const y = layer.apply(tg.tensor([[[2], [4], [6], [8], [10]]]));
    assert.deepEqual(y.toArray(), [[[3], [6], [9]]]);
  });

  test("global pooling", () => {
    const x = tg.tensor([
      [
        [1, -5],
        [3, 2],
        [-2, 0],
      ],
    ]);
    assert.deepEqual(new tg.layers.GlobalMaxPooling1D().apply(x).toArray(), [
      [3, 2],
    ]);
    allclose(new tg.layers.GlobalAveragePooling1D().apply(x), [[2 / 3, -1]]);
    assert.deepEqual(
      new tg.layers.GlobalMaxPooling1D({ dataFormat: "channelsFirst" })
        .apply(x)
        .toArray(),
      [[1, 3, 0]],
    );
    assert.deepEqual(
      new tg.layers.GlobalAveragePooling1D({ keepdims: true })
        .apply(tg.tensor([[[1], [2]]]))
        .toArray(),
      [[[1.5]]],
    );
  });

  test("unknown spatial sizes stay unknown", () => {
    const p = new tg.layers.MaxPooling1D({ padding: "same" });
    assert.deepEqual(p.computeOutputShape([null, null, 3]), [null, null, 3]);
    const y = p.apply(tg.input({ shape: [null, 3] }));
    assert.deepEqual(y.shape, [null, null, 3]);
    const g = new tg.layers.GlobalAveragePooling1D();
    assert.deepEqual(g.computeOutputShape([null, null, 3]), [null, 3]);
  });

  test("config keys are Keras's, camelCased", () => {
    const cfg = new tg.layers.MaxPooling2D({
      name: "p",
      poolSize: 3,
    }).getConfig();
    assert.deepEqual(cfg, {
      name: "p",
      trainable: true,
      dtype: "float32",
      poolSize: [3, 3],
      strides: [3, 3],
      padding: "valid",
      dataFormat: "channelsLast",
    });
    assert.deepEqual(
      new tg.layers.GlobalAveragePooling3D({ name: "g" }).getConfig(),
      {
        name: "g",
        trainable: true,
        dtype: "float32",
        dataFormat: "channelsLast",
        keepdims: false,
      },
    );
  });
});

describe("against TensorFlow.js layers", () => {
  type TfCase = [
    string,
    () => AnyLayer,
    (tf: typeof TF) => TF.layers.Layer,
    Shape,
  ];
  const cases: TfCase[] = [
    [
      "MaxPooling1D 3/2 same",
      () =>
        tg.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: "same" }),
      (tf) =>
        tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: "same" }),
      [2, 7, 3],
    ],
    [
      "AveragePooling1D 3/2 same",
      () =>
        tg.layers.averagePooling1d({
          poolSize: 3,
          strides: 2,
          padding: "same",
        }),
      (tf) =>
        tf.layers.averagePooling1d({
          poolSize: 3,
          strides: 2,
          padding: "same",
        }),
      [2, 7, 3],
    ],
    [
      "MaxPooling2D [2, 3] strides 1 valid",
      () => tg.layers.maxPooling2d({ poolSize: [2, 3], strides: 1 }),
      (tf) => tf.layers.maxPooling2d({ poolSize: [2, 3], strides: 1 }),
      [2, 4, 5, 2],
    ],
    [
      "AveragePooling2D same channelsFirst",
      () =>
        tg.layers.averagePooling2d({
          padding: "same",
          dataFormat: "channelsFirst",
        }),
      (tf) =>
        tf.layers.averagePooling2d({
          poolSize: 2,
          padding: "same",
          dataFormat: "channelsFirst",
        }),
      [2, 3, 5, 5],
    ],
    [
      "MaxPooling3D same",
      () => tg.layers.maxPooling3d({ padding: "same" }),
      (tf) => tf.layers.maxPooling3d({ poolSize: 2, padding: "same" }),
      [1, 3, 4, 5, 2],
    ],
    [
      "AveragePooling3D same",
      () => tg.layers.averagePooling3d({ padding: "same" }),
      (tf) => tf.layers.averagePooling3d({ poolSize: 2, padding: "same" }),
      [1, 3, 4, 5, 2],
    ],
    [
      "GlobalMaxPooling1D",
      () => tg.layers.globalMaxPooling1d(),
      (tf) => tf.layers.globalMaxPooling1d(),
      [2, 5, 3],
    ],
    [
      "GlobalAveragePooling1D",
      () => tg.layers.globalAveragePooling1d(),
      (tf) => tf.layers.globalAveragePooling1d(),
      [2, 5, 3],
    ],
    [
      "GlobalMaxPooling2D channelsFirst",
      () => tg.layers.globalMaxPooling2d({ dataFormat: "channelsFirst" }),
      (tf) => tf.layers.globalMaxPooling2d({ dataFormat: "channelsFirst" }),
      [2, 3, 4, 5],
    ],
    [
      "GlobalAveragePooling2D",
      () => tg.layers.globalAveragePooling2d(),
      (tf) => tf.layers.globalAveragePooling2d({}),
      [2, 3, 4, 5],
    ],
  ];
  for (const [name, ours, theirs, shape] of cases) {
    test(name, async () => {
      const tf = await loadTf();
      const x = values(shape);
      const y = ours().apply(x);
      const ref = theirs(tf).apply(
        tf.tensor(Array.from(x.data as Float32Array), shape),
      ) as TF.Tensor;
      assert.deepEqual(y.shape, ref.shape);
      allclose(y, ref.arraySync(), { rtol: 1e-5, atol: 1e-6 });
    });
  }
});

describe("errors", () => {
  test('a pool larger than a "valid" input is a ShapeError', () => {
    const layer = new tg.layers.MaxPooling2D({ name: "pool", poolSize: 3 });
    assert.throws(
      () => layer.apply(tg.zeros([1, 2, 5, 1])),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message.startsWith(
          'MaxPooling2D "pool": expected each spatial dimension >= ' +
            'poolSize [3,3] with padding "valid", got input shape [1,2,5,1]',
        ),
    );
    assert.throws(
      () =>
        new tg.layers.AveragePooling1D({ poolSize: 4 }).apply(
          tg.input({ shape: [3, 2] }),
        ),
      tg.ShapeError,
    );
  });

  test("wrong rank", () => {
    assert.throws(
      () =>
        new tg.layers.AveragePooling3D({ name: "a" }).apply(
          tg.zeros([1, 4, 4, 1]),
        ),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message ===
          'AveragePooling3D "a": expected an input of rank 5 (batch, 3 ' +
            "spatial and a channel axis), got shape [1,4,4,1]",
    );
    assert.throws(
      () => new tg.layers.GlobalMaxPooling2D().apply(tg.zeros([2, 3])),
      tg.ShapeError,
    );
  });

  test("bad options", () => {
    assert.throws(
      () => new tg.layers.MaxPooling2D({ poolSize: [2, 0] }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "MaxPooling2D: expected poolSize to be an integer >= 1 or a list " +
            "of 2 of them, got poolSize=[2,0]",
    );
    assert.throws(
      () => new tg.layers.MaxPooling1D({ strides: 1.5 }),
      /^ValueError: MaxPooling1D: expected strides to be an integer >= 1, got strides=1.5/,
    );
    assert.throws(
      () =>
        new tg.layers.AveragePooling2D({
          padding: "causal" as tg.PoolPadding,
        }),
      /AveragePooling2D: expected padding "valid" or "same", got padding="causal"/,
    );
    assert.throws(
      () =>
        new tg.layers.GlobalAveragePooling2D({
          dataFormat: "NHWC" as tg.layers.DataFormat,
        }),
      tg.ValueError,
    );
    assert.throws(
      () =>
        new tg.layers.GlobalMaxPooling1D({
          keepdims: 1 as unknown as boolean,
        }),
      /GlobalMaxPooling1D: expected keepdims to be a boolean, got keepdims=1/,
    );
  });
});
