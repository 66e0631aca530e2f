// SPDX-License-Identifier: Apache-2.0
/**
 * Convolution layers (src/nn/layers/convolutional.ts): output shapes
 * (eager and symbolic), weights, config round trips, a training step,
 * float64 gradient checks, values against hand computations and
 * TensorFlow.js, the Keras cnn fixture, and typed errors.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

type Shape = readonly number[];
type AnyConv =
  | tg.layers.Conv1D
  | tg.layers.Conv2D
  | tg.layers.Conv1DTranspose
  | tg.layers.Conv2DTranspose
  | tg.layers.DepthwiseConv2D
  | tg.layers.SeparableConv2D
  | tg.layers.Conv3D
  | tg.layers.Conv3DTranspose
  | tg.layers.SeparableConv1D;

function values(shape: Shape, dtype: tg.DType = "float32", seed = 0) {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) =>
    Math.sin(i * 1.3 + 0.2 + seed),
  );
  return tg.tensor(flat, shape, dtype);
}

interface Case {
  name: string;
  make: (dtype?: tg.DType) => AnyConv;
  /** [input shape, output shape], batch included. */
  shapes: [Shape, Shape][];
  kernel: Shape;
  bias: Shape;
  /** All weight shapes and names when not [kernel, bias]. */
  weights?: Shape[];
  names?: string[];
}

const CASES: Case[] = [
  {
    name: "Conv1D",
    make: (dtype) => new tg.layers.Conv1D({ filters: 4, kernelSize: 3, dtype }),
    shapes: [
      [
        [2, 7, 3],
        [2, 5, 4],
      ],
      [
        [1, 3, 3],
        [1, 1, 4],
      ],
    ],
    kernel: [3, 3, 4],
    bias: [4],
  },
  {
    name: "Conv1D causal, dilated, grouped",
    make: (dtype) =>
      new tg.layers.Conv1D({
        filters: 4,
        kernelSize: 2,
        padding: "causal",
        dilationRate: 2,
        groups: 2,
        dtype,
      }),
    shapes: [
      [
        [2, 6, 4],
        [2, 6, 4],
      ],
      [
        [1, 1, 4],
        [1, 1, 4],
      ],
    ],
    kernel: [2, 2, 4],
    bias: [4],
  },
  {
    name: "Conv2D",
    make: (dtype) =>
      new tg.layers.Conv2D({
        filters: 3,
        kernelSize: [3, 2],
        strides: 2,
        padding: "same",
        activation: "tanh",
        dtype,
      }),
    shapes: [
      [
        [2, 5, 4, 2],
        [2, 3, 2, 3],
      ],
      [
        [1, 1, 1, 2],
        [1, 1, 1, 3],
      ],
    ],
    kernel: [3, 2, 2, 3],
    bias: [3],
  },
  {
    name: "Conv2D channelsFirst",
    make: (dtype) =>
      new tg.layers.Conv2D({
        filters: 2,
        kernelSize: 2,
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 3, 4, 5],
        [2, 2, 3, 4],
      ],
      [
        [1, 3, 2, 2],
        [1, 2, 1, 1],
      ],
    ],
    kernel: [2, 2, 3, 2],
    bias: [2],
  },
  {
    name: "Conv1DTranspose",
    make: (dtype) =>
      new tg.layers.Conv1DTranspose({
        filters: 2,
        kernelSize: 3,
        strides: 2,
        dtype,
      }),
    shapes: [
      [
        [2, 4, 3],
        [2, 9, 2],
      ],
      [
        [1, 1, 3],
        [1, 3, 2],
      ],
    ],
    kernel: [3, 2, 3],
    bias: [2],
  },
  {
    name: "Conv2DTranspose",
    make: (dtype) =>
      new tg.layers.Conv2DTranspose({
        filters: 2,
        kernelSize: 3,
        strides: [2, 1],
        padding: "same",
        dtype,
      }),
    shapes: [
      [
        [2, 3, 4, 2],
        [2, 6, 4, 2],
      ],
      [
        [1, 1, 1, 2],
        [1, 2, 1, 2],
      ],
    ],
    kernel: [3, 3, 2, 2],
    bias: [2],
  },
  {
    name: "Conv2DTranspose outputPadding",
    make: (dtype) =>
      new tg.layers.Conv2DTranspose({
        filters: 2,
        kernelSize: 3,
        strides: [2, 3],
        outputPadding: [1, 2],
        dtype,
      }),
    shapes: [
      [
        [2, 3, 2, 1],
        [2, 8, 8, 2],
      ],
      [
        [1, 1, 1, 1],
        [1, 4, 5, 2],
      ],
    ],
    kernel: [3, 3, 2, 1],
    bias: [2],
  },
  {
    name: "DepthwiseConv2D",
    make: (dtype) =>
      new tg.layers.DepthwiseConv2D({
        kernelSize: [2, 3],
        depthMultiplier: 2,
        padding: "same",
        dtype,
      }),
    shapes: [
      [
        [2, 4, 5, 3],
        [2, 4, 5, 6],
      ],
      [
        [1, 1, 1, 3],
        [1, 1, 1, 6],
      ],
    ],
    kernel: [2, 3, 3, 2],
    bias: [6],
  },
  {
    name: "DepthwiseConv2D channelsFirst, strided",
    make: (dtype) =>
      new tg.layers.DepthwiseConv2D({
        kernelSize: 2,
        strides: 2,
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 2, 5, 4],
        [2, 2, 2, 2],
      ],
      [
        [1, 2, 2, 2],
        [1, 2, 1, 1],
      ],
    ],
    kernel: [2, 2, 2, 1],
    bias: [2],
  },
  {
    name: "SeparableConv2D",
    make: (dtype) =>
      new tg.layers.SeparableConv2D({
        filters: 3,
        kernelSize: 3,
        depthMultiplier: 2,
        padding: "same",
        strides: 2,
        dtype,
      }),
    shapes: [
      [
        [2, 5, 4, 2],
        [2, 3, 2, 3],
      ],
      [
        [1, 1, 1, 2],
        [1, 1, 1, 3],
      ],
    ],
    kernel: [3, 3, 2, 2],
    bias: [3],
    weights: [[3, 3, 2, 2], [1, 1, 4, 3], [3]],
    names: ["depthwise_kernel", "pointwise_kernel", "bias"],
  },
  {
    name: "SeparableConv2D channelsFirst, dilated",
    make: (dtype) =>
      new tg.layers.SeparableConv2D({
        filters: 2,
        kernelSize: 2,
        dilationRate: 2,
        dataFormat: "channelsFirst",
        activation: "tanh",
        dtype,
      }),
    shapes: [
      [
        [2, 3, 5, 4],
        [2, 2, 3, 2],
      ],
      [
        [1, 3, 3, 3],
        [1, 2, 1, 1],
      ],
    ],
    kernel: [2, 2, 3, 1],
    bias: [2],
    weights: [[2, 2, 3, 1], [1, 1, 3, 2], [2]],
    names: ["depthwise_kernel", "pointwise_kernel", "bias"],
  },
  {
    name: "Conv3D",
    make: (dtype) =>
      new tg.layers.Conv3D({
        filters: 3,
        kernelSize: [2, 3, 2],
        strides: [1, 2, 1],
        activation: "tanh",
        dtype,
      }),
    shapes: [
      [
        [2, 3, 5, 3, 2],
        [2, 2, 2, 2, 3],
      ],
      [
        [1, 2, 3, 2, 2],
        [1, 1, 1, 1, 3],
      ],
    ],
    kernel: [2, 3, 2, 2, 3],
    bias: [3],
  },
  {
    name: "Conv3D channelsFirst, same, grouped",
    make: (dtype) =>
      new tg.layers.Conv3D({
        filters: 4,
        kernelSize: 2,
        strides: 2,
        padding: "same",
        groups: 2,
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 2, 3, 4, 3],
        [2, 4, 2, 2, 2],
      ],
      [
        [1, 2, 1, 1, 1],
        [1, 4, 1, 1, 1],
      ],
    ],
    kernel: [2, 2, 2, 1, 4],
    bias: [4],
  },
  {
    name: "Conv3D dilated",
    make: (dtype) =>
      new tg.layers.Conv3D({
        filters: 2,
        kernelSize: 2,
        dilationRate: [2, 1, 1],
        useBias: false,
        dtype,
      }),
    shapes: [
      [
        [1, 4, 3, 3, 1],
        [1, 2, 2, 2, 2],
      ],
    ],
    kernel: [2, 2, 2, 1, 2],
    bias: [],
    weights: [[2, 2, 2, 1, 2]],
    names: ["kernel"],
  },
  {
    name: "Conv3DTranspose",
    make: (dtype) =>
      new tg.layers.Conv3DTranspose({
        filters: 2,
        kernelSize: [2, 3, 2],
        strides: [2, 1, 2],
        dtype,
      }),
    shapes: [
      [
        [2, 2, 2, 3, 3],
        [2, 4, 4, 6, 2],
      ],
      [
        [1, 1, 1, 1, 3],
        [1, 2, 3, 2, 2],
      ],
    ],
    kernel: [2, 3, 2, 2, 3],
    bias: [2],
  },
  {
    name: "Conv3DTranspose same, outputPadding, channelsFirst",
    make: (dtype) =>
      new tg.layers.Conv3DTranspose({
        filters: 2,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        outputPadding: [1, 0, 1],
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 1, 2, 3, 2],
        [2, 2, 4, 5, 4],
      ],
      [
        [1, 1, 1, 1, 1],
        [1, 2, 2, 1, 2],
      ],
    ],
    kernel: [3, 3, 3, 2, 1],
    bias: [2],
  },
  {
    name: "SeparableConv1D",
    make: (dtype) =>
      new tg.layers.SeparableConv1D({
        filters: 3,
        kernelSize: 3,
        depthMultiplier: 2,
        strides: 2,
        padding: "same",
        activation: "relu",
        dtype,
      }),
    shapes: [
      [
        [2, 7, 2],
        [2, 4, 3],
      ],
      [
        [1, 1, 2],
        [1, 1, 3],
      ],
    ],
    kernel: [3, 2, 2],
    bias: [3],
    weights: [[3, 2, 2], [1, 4, 3], [3]],
    names: ["depthwise_kernel", "pointwise_kernel", "bias"],
  },
  {
    name: "SeparableConv1D channelsFirst, dilated",
    make: (dtype) =>
      new tg.layers.SeparableConv1D({
        filters: 2,
        kernelSize: 2,
        dilationRate: 2,
        dataFormat: "channelsFirst",
        dtype,
      }),
    shapes: [
      [
        [2, 3, 6],
        [2, 2, 4],
      ],
      [
        [1, 3, 3],
        [1, 2, 1],
      ],
    ],
    kernel: [2, 3, 1],
    bias: [2],
    weights: [[2, 3, 1], [1, 3, 2], [2]],
    names: ["depthwise_kernel", "pointwise_kernel", "bias"],
  },
];

/**
 * Checks the tape's gradients of sum(layer(x) · r) with respect to every
 * weight against central differences (float64 layer and input).
 */
function checkWeightGradients(layer: AnyConv, x: tg.Tensor): number {
  const r = values(layer.apply(x).shape, "float64", 7);
  const objective = () => tg.sum(tg.mul(layer.apply(x), r));
  const tape = new tg.GradientTape();
  const grads = tape.gradient(objective(), layer.trainableVariables);
  const eps = 1e-6;
  let worst = 0;
  layer.trainableVariables.forEach((v, i) => {
    const base = Float64Array.from(v.value.data);
    const analytic = grads[i]!.data;
    for (let j = 0; j < base.length; j++) {
      const probe = (delta: number) => {
        const moved = Float64Array.from(base);
        moved[j] = moved[j]! + delta;
        v.assign(tg.tensor(Array.from(moved), v.shape, "float64"));
        return objective().item();
      };
      const numeric = (probe(eps) - probe(-eps)) / (2 * eps);
      v.assign(tg.tensor(Array.from(base), v.shape, "float64"));
      const err =
        Math.abs(analytic[j]! - numeric) / Math.max(1, Math.abs(numeric));
      worst = Math.max(worst, err);
    }
  });
  return worst;
}

describe("convolution layers: shared checks", () => {
  for (const c of CASES) {
    test(`${c.name}: shapes, weights, config`, () => {
      for (const [inShape, outShape] of c.shapes) {
        const layer = c.make();
        assert.deepEqual(layer.apply(tg.zeros(inShape)).shape, outShape);
        assert.deepEqual(layer.computeOutputShape(inShape), outShape);
        const sym = c.make().apply(tg.input({ shape: inShape.slice(1) }));
        assert.deepEqual(sym.shape, [null, ...outShape.slice(1)]);
      }
      const layer = c.make();
      layer.build([null, ...c.shapes[0]![0].slice(1)]);
      assert.deepEqual(
        layer.weights.map((w) => w.shape),
        c.weights ?? [c.kernel, c.bias],
      );
      assert.deepEqual(
        layer.weights.map((w) => w.name.split("/")[1]),
        c.names ?? ["kernel", "bias"],
      );
      const x = values(c.shapes[0]![0]);
      layer.setWeights(
        layer.weights.map((w, i) => values(w.shape, "float32", i + 1)),
      );
      const cls = layer.constructor as typeof tg.layers.Conv2D;
      const copy = cls.fromConfig(layer.getConfig());
      assert.deepEqual(copy.getConfig(), layer.getConfig());
      copy.build([null, ...c.shapes[0]![0].slice(1)]);
      copy.setWeights(layer.getWeights());
      allclose(copy.apply(x), layer.apply(x), { rtol: 0, atol: 0 });
    });

    test(`${c.name}: float64 gradients w.r.t. inputs and weights; a training step`, () => {
      const layer = c.make("float64");
      const x = values(c.shapes[0]![0], "float64");
      layer.build(x.shape);
      layer.setWeights(
        layer.weights.map((w, i) => values(w.shape, "float64", i + 1)),
      );
      tg.testing.checkGradients((a) => layer.apply(a), [x]);
      const y = layer.apply(x);
      assert.equal(y.dtype, "float64");
      const worst = checkWeightGradients(layer, x);
      assert.ok(worst < 1e-6, `weight gradient error ${worst}`);

      const trained = c.make();
      const xs = values(c.shapes[0]![0]);
      const before = trained.apply(xs);
      const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
      const w0 = trained.getWeights().map((w) => w.toArray());
      const tape = new tg.GradientTape();
      const loss = tg.mean(tg.square(trained.apply(xs)));
      const grads = tape.gradient(loss, trained.trainableVariables);
      assert.ok(grads.every((g) => g !== null));
      opt.applyGradients(tg.zip(grads, trained.trainableVariables));
      const w1 = trained.getWeights().map((w) => w.toArray());
      assert.equal(w1.length, w0.length);
      w1.forEach((w, i) => assert.notDeepEqual(w, w0[i]));
      const after = tg.mean(tg.square(trained.apply(xs))).item();
      assert.ok(after < tg.mean(tg.square(before)).item());
    });
  }
});

describe("convolution layers: values", () => {
  test("Conv2D: hand computation with bias and relu", () => {
    const layer = new tg.layers.Conv2D({
      filters: 1,
      kernelSize: 2,
      activation: "relu",
      kernelInitializer: "ones",
      biasInitializer: tg.initializers.constant(-10),
    });
    const x = tg.reshape(tg.range(0, 9), [1, 3, 3, 1]);
    // windows sum to 8, 12, 20, 24; minus 10, then relu.
    assert.deepEqual(layer.apply(x).reshape([4]).toArray(), [0, 2, 10, 14]);
  });

  test("unknown spatial sizes stay unknown in symbolic shapes", () => {
    const seq = tg.input({ shape: [null, 3] });
    const c1 = new tg.layers.Conv1D({ filters: 4, kernelSize: 3 });
    assert.deepEqual(c1.apply(seq).shape, [null, null, 4]);
    assert.deepEqual(c1.apply(tg.zeros([2, 6, 3])).shape, [2, 4, 4]);
    const img = tg.input({ shape: [null, 5, 2] });
    const t2 = new tg.layers.Conv2DTranspose({
      filters: 3,
      kernelSize: 2,
      strides: 2,
    });
    assert.deepEqual(t2.apply(img).shape, [null, null, 10, 3]);
    const d2 = new tg.layers.DepthwiseConv2D({
      kernelSize: 2,
      depthMultiplier: 3,
    });
    assert.deepEqual(d2.apply(img).shape, [null, null, 4, 6]);
  });

  test("Conv1D causal: output t sees x[t-1] and x[t]", () => {
    const layer = new tg.layers.Conv1D({
      filters: 1,
      kernelSize: 2,
      padding: "causal",
      useBias: false,
    });
    layer.build([null, 3, 1]);
    layer.setWeights([[[[1]], [[10]]]]);
    assert.deepEqual(layer.apply([[[1], [2], [3]]]).toArray(), [
      [[10], [21], [32]],
    ]);
    assert.equal(layer.weights.length, 1);
  });

  test("match TensorFlow.js layers with the same weights", async () => {
    const tf = await loadTf();
    type TfLayer =
      | ReturnType<typeof tf.layers.conv2d>
      | ReturnType<typeof tf.layers.conv3dTranspose>
      | ReturnType<typeof tf.layers.depthwiseConv2d>
      | ReturnType<typeof tf.layers.separableConv2d>;
    const pairs: [AnyConv, () => TfLayer, Shape][] = [
      [
        new tg.layers.Conv2D({
          filters: 3,
          kernelSize: 3,
          strides: 2,
          padding: "same",
          activation: "relu",
        }),
        () =>
          tf.layers.conv2d({
            filters: 3,
            kernelSize: 3,
            strides: 2,
            padding: "same",
            activation: "relu",
          }),
        [2, 6, 5, 2],
      ],
      [
        new tg.layers.Conv2D({
          filters: 2,
          kernelSize: 2,
          dilationRate: 2,
          dataFormat: "channelsFirst",
        }),
        () =>
          tf.layers.conv2d({
            filters: 2,
            kernelSize: 2,
            dilationRate: 2,
            dataFormat: "channelsFirst",
          }),
        [1, 3, 6, 6],
      ],
      [
        new tg.layers.Conv1D({
          filters: 3,
          kernelSize: 3,
          strides: 2,
          padding: "same",
        }),
        () =>
          tf.layers.conv1d({
            filters: 3,
            kernelSize: 3,
            strides: 2,
            padding: "same",
          }),
        [2, 7, 2],
      ],
      [
        new tg.layers.Conv2DTranspose({
          filters: 2,
          kernelSize: 3,
          strides: 2,
        }),
        () =>
          tf.layers.conv2dTranspose({
            filters: 2,
            kernelSize: 3,
            strides: 2,
          }),
        [1, 3, 4, 2],
      ],
      [
        new tg.layers.Conv2DTranspose({
          filters: 2,
          kernelSize: 3,
          strides: 2,
          padding: "same",
        }),
        () =>
          tf.layers.conv2dTranspose({
            filters: 2,
            kernelSize: 3,
            strides: 2,
            padding: "same",
          }),
        [1, 3, 4, 2],
      ],
      [
        new tg.layers.DepthwiseConv2D({
          kernelSize: 3,
          depthMultiplier: 2,
          padding: "same",
          activation: "tanh",
        }),
        () =>
          tf.layers.depthwiseConv2d({
            kernelSize: 3,
            depthMultiplier: 2,
            padding: "same",
            activation: "tanh",
          }),
        [2, 5, 4, 3],
      ],
      [
        new tg.layers.SeparableConv2D({
          filters: 3,
          kernelSize: 3,
          depthMultiplier: 2,
          padding: "same",
          activation: "relu",
        }),
        () =>
          tf.layers.separableConv2d({
            filters: 3,
            kernelSize: 3,
            depthMultiplier: 2,
            padding: "same",
            activation: "relu",
          }),
        [2, 5, 4, 2],
      ],
      [
        new tg.layers.SeparableConv2D({
          filters: 2,
          kernelSize: 2,
          strides: 2,
        }),
        () =>
          tf.layers.separableConv2d({ filters: 2, kernelSize: 2, strides: 2 }),
        [1, 5, 5, 3],
      ],
      [
        new tg.layers.DepthwiseConv2D({ kernelSize: 2, strides: 2 }),
        () => tf.layers.depthwiseConv2d({ kernelSize: 2, strides: 2 }),
        [1, 5, 5, 2],
      ],
      [
        new tg.layers.Conv3D({
          filters: 3,
          kernelSize: [2, 3, 2],
          strides: 2,
          padding: "same",
          activation: "relu",
        }),
        () =>
          tf.layers.conv3d({
            filters: 3,
            kernelSize: [2, 3, 2],
            strides: 2,
            padding: "same",
            activation: "relu",
          }),
        [2, 3, 5, 4, 2],
      ],
      [
        new tg.layers.Conv3D({
          filters: 2,
          kernelSize: 2,
          dilationRate: [1, 2, 1],
          dataFormat: "channelsFirst",
        }),
        () =>
          tf.layers.conv3d({
            filters: 2,
            kernelSize: 2,
            dilationRate: [1, 2, 1],
            dataFormat: "channelsFirst",
          }),
        [1, 2, 3, 5, 4],
      ],
      [
        new tg.layers.Conv3DTranspose({
          filters: 2,
          kernelSize: [3, 2, 3],
          strides: [2, 1, 2],
        }),
        () =>
          tf.layers.conv3dTranspose({
            filters: 2,
            kernelSize: [3, 2, 3],
            strides: [2, 1, 2],
          }),
        [2, 2, 3, 2, 3],
      ],
      [
        new tg.layers.Conv3DTranspose({
          filters: 3,
          kernelSize: 3,
          strides: 2,
          padding: "same",
          activation: "tanh",
        }),
        () =>
          tf.layers.conv3dTranspose({
            filters: 3,
            kernelSize: 3,
            strides: 2,
            padding: "same",
            activation: "tanh",
          }),
        [1, 2, 2, 3, 2],
      ],
    ];
    for (const [layer, makeTf, shape] of pairs) {
      const x = values(shape);
      layer.build(shape);
      const ws = layer.weights.map((w, i) => values(w.shape, "float32", i + 1));
      layer.setWeights(ws);
      const tl = makeTf();
      tl.build([...shape]);
      tl.setWeights(
        ws.map((w) => tf.tensor(w.data as Float32Array, [...w.shape])),
      );
      const ty = tl.apply(tf.tensor(x.data, [...shape])) as ReturnType<
        typeof tf.tensor
      >;
      const y = layer.apply(x);
      assert.deepEqual(y.shape, ty.shape);
      allclose(y, ty.arraySync(), { rtol: 1e-5, atol: 1e-5 });
    }
  });
});

interface Fixture {
  input: number[][][][];
  output: number[][];
  weights: number[][];
}

describe("Keras cnn fixture", () => {
  test("Conv2D → MaxPooling2D → Flatten → Dense reproduces Keras", () => {
    const fixture = JSON.parse(
      readFileSync(
        new URL("../../fixtures/keras/cnn.json", import.meta.url),
        "utf8",
      ),
    ) as Fixture;
    const m = new tg.Sequential([
      tg.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu" }),
      tg.layers.maxPooling2D({ poolSize: 2 }),
      tg.layers.flatten(),
      tg.layers.dense({ units: 5 }),
    ]);
    m.build([null, 8, 8, 1]);
    m.setWeights(fixture.weights);
    allclose(m.apply(fixture.input), fixture.output, {
      rtol: 1e-5,
      atol: 1e-6,
    });
  });
});

describe("DepthwiseConv2D: values", () => {
  test("channel c, multiplier j is output channel c·m + j", () => {
    const layer = new tg.layers.DepthwiseConv2D({
      kernelSize: 1,
      depthMultiplier: 2,
      useBias: false,
    });
    layer.build([null, 1, 1, 2]);
    layer.setWeights([
      [
        [
          [
            [1, 10],
            [100, 1000],
          ],
        ],
      ],
    ]);
    // x = [2, 3]: [2·1, 2·10, 3·100, 3·1000].
    assert.deepEqual(layer.apply([[[[2, 3]]]]).toArray(), [
      [[[2, 20, 300, 3000]]],
    ]);
    assert.match(layer.name, /^depthwise_conv2d/);
    const config = layer.getConfig();
    assert.equal(config.depthMultiplier, 2);
    assert.ok("depthwiseInitializer" in config && !("filters" in config));
  });

  test("errors", () => {
    assert.throws(
      () =>
        new tg.layers.DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 0 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        /DepthwiseConv2D: .*depthMultiplier=0/.test(e.message),
    );
    const layer = new tg.layers.DepthwiseConv2D({ kernelSize: 2 });
    layer.apply(tg.zeros([1, 3, 3, 2]));
    assert.throws(
      () => layer.apply(tg.zeros([1, 3, 3, 3])),
      (e: Error) =>
        e instanceof tg.ShapeError && /2 channels.*\[1,3,3,3\]/.test(e.message),
    );
  });
});

describe("SeparableConv2D: values", () => {
  test("depthwise, then pointwise, then bias", () => {
    const layer = new tg.layers.SeparableConv2D({
      filters: 1,
      kernelSize: 1,
      biasInitializer: tg.initializers.constant(0.5),
    });
    layer.build([null, 1, 2, 2]);
    layer.setWeights([[[[[2], [3]]]], [[[[1], [10]]]], layer.bias]);
    // position 0: 2·1 + 10·3·2 + 0.5; position 1: 2·4 + 10·3·5 + 0.5.
    allclose(
      layer.apply([
        [
          [
            [1, 2],
            [4, 5],
          ],
        ],
      ]),
      [[[[62.5], [158.5]]]],
      {
        rtol: 1e-6,
        atol: 0,
      },
    );
    assert.match(layer.name, /^separable_conv2d/);
    assert.throws(
      () =>
        new tg.layers.SeparableConv2D({
          filters: 1,
          kernelSize: 1,
          depthMultiplier: 1.5,
        }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        /SeparableConv2D: .*depthMultiplier=1.5/.test(e.message),
    );
  });
});

describe("SeparableConv1D: values", () => {
  test("depthwise, then pointwise, then bias, by hand", () => {
    const layer = new tg.layers.SeparableConv1D({
      filters: 1,
      kernelSize: 2,
      depthMultiplier: 2,
      biasInitializer: tg.initializers.constant(0.5),
    });
    layer.build([null, 3, 1]);
    // depthwise [2, 1, 2]: taps (1, 10) and (2, 20); pointwise [1, 2, 1]: (1, -1).
    layer.setWeights([[[[1, 2]], [[10, 20]]], [[[1], [-1]]], layer.bias]);
    // x = [1, 2, 3]: depthwise t=0 (21, 42), t=1 (32, 64); pointwise 1·a − b.
    allclose(layer.apply([[[1], [2], [3]]]), [[[-20.5], [-31.5]]], {
      rtol: 1e-6,
      atol: 0,
    });
    assert.match(layer.name, /^separable_conv1d/);
    const config = layer.getConfig();
    assert.equal(config.depthMultiplier, 2);
    assert.equal(config.depthwiseInitializer !== undefined, true);
    assert.ok(!("kernelInitializer" in config) && !("groups" in config));
  });

  test("matches TensorFlow.js's separableConv2d on a one-row image", async () => {
    // TensorFlow.js has no separableConv1d layer: a [1, k] separableConv2d
    // on [batch, 1, steps, channels] is the same computation.
    const tf = await loadTf();
    const cases: [tg.layers.SeparableConv1DArgs, Shape][] = [
      [
        {
          filters: 3,
          kernelSize: 3,
          depthMultiplier: 2,
          padding: "same",
          activation: "relu",
        },
        [2, 7, 2],
      ],
      [{ filters: 2, kernelSize: 2, strides: 2 }, [1, 9, 3]],
      [
        { filters: 2, kernelSize: 3, dilationRate: 2, padding: "same" },
        [2, 8, 2],
      ],
    ];
    for (const [args, shape] of cases) {
      const layer = new tg.layers.SeparableConv1D(args);
      const x = values(shape);
      layer.build(shape);
      const ws = layer.weights.map((w, i) => values(w.shape, "float32", i + 1));
      layer.setWeights(ws);
      const pair = (v: number | readonly number[] | undefined) => [
        1,
        typeof v === "number" ? v : (v?.[0] ?? 1),
      ];
      const tl = tf.layers.separableConv2d({
        filters: args.filters,
        kernelSize: pair(args.kernelSize),
        strides: pair(args.strides),
        dilationRate: pair(args.dilationRate) as [number, number],
        padding: args.padding ?? "valid",
        depthMultiplier: args.depthMultiplier ?? 1,
        activation: (args.activation as "relu" | undefined) ?? "linear",
      });
      const [b, steps, c] = shape as [number, number, number];
      tl.build([b, 1, steps, c]);
      tl.setWeights(
        ws.map((w) =>
          tf.tensor(
            Array.from(w.data),
            w.rank === 3 ? [1, ...w.shape] : [...w.shape],
          ),
        ),
      );
      const ty = tl.apply(
        tf.tensor(Array.from(x.data), [b, 1, steps, c]),
      ) as ReturnType<typeof tf.tensor>;
      const y = layer.apply(x);
      assert.deepEqual([y.shape[0], 1, ...y.shape.slice(1)], ty.shape);
      allclose(y, tf.squeeze(ty, [1]).arraySync(), { rtol: 1e-5, atol: 1e-5 });
    }
  });

  test('padding is "valid" or "same" (Keras 3: no "causal")', () => {
    assert.throws(
      () =>
        new tg.layers.SeparableConv1D({
          filters: 1,
          kernelSize: 2,
          padding: "causal" as "same",
        }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        /^SeparableConv1D: .*padding="causal"/.test(e.message),
    );
    assert.throws(
      () =>
        new tg.layers.SeparableConv1D({
          filters: 1,
          kernelSize: 2,
          depthMultiplier: 0,
        }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        /^SeparableConv1D: .*depthMultiplier=0/.test(e.message),
    );
  });
});

describe("regularizers and constraints", () => {
  test("penalties join losses; constraints project after updates", () => {
    const layer = new tg.layers.Conv2D({
      filters: 2,
      kernelSize: 2,
      kernelRegularizer: tg.regularizers.l2(0.5),
      biasRegularizer: "l1",
      activityRegularizer: "l2",
      kernelConstraint: "non_neg",
    });
    const x = values([2, 3, 3, 1]);
    const y = layer.apply(x);
    assert.equal(layer.losses.length, 3);
    const kernel = layer.kernel.value;
    allclose(layer.losses[0]!, tg.mul(tg.sum(tg.square(kernel)), 0.5), {
      rtol: 1e-6,
      atol: 0,
    });
    // Keras 3: the activity penalty is divided by the batch size.
    allclose(layer.losses[2]!, tg.div(tg.mul(tg.sum(tg.square(y)), 0.01), 2), {
      rtol: 1e-5,
      atol: 0,
    });
    const tape = new tg.GradientTape();
    const loss = tg.sum(layer.apply(x));
    const grads = tape.gradient(loss, layer.trainableVariables);
    new tg.optimizers.SGD({ learningRate: 10 }).applyGradients(
      tg.zip(grads, layer.trainableVariables),
    );
    const flat = tg.reshape(layer.kernel.value, [-1]).toArray() as number[];
    assert.ok(flat.every((v) => v >= 0));
    assert.ok(flat.some((v) => v === 0));
    const config = tg.layers.Conv2D.fromConfig(layer.getConfig()).getConfig();
    assert.ok("kernelRegularizer" in config && "kernelConstraint" in config);
  });
});

describe("convolution layers: errors", () => {
  test("bad options are ValueErrors naming the option", () => {
    const bad: [() => unknown, RegExp][] = [
      [
        () => new tg.layers.Conv2D({ filters: 0, kernelSize: 3 }),
        /Conv2D: .*filters=0/,
      ],
      [
        () => new tg.layers.Conv2D({ filters: 2, kernelSize: [3] }),
        /Conv2D: .*kernelSize=\[3\]/,
      ],
      [
        () =>
          new tg.layers.Conv2D({
            filters: 2,
            kernelSize: 3,
            strides: 2,
            dilationRate: 2,
          }),
        /Conv2D: .*strides/,
      ],
      [
        () =>
          new tg.layers.Conv2D({
            filters: 2,
            kernelSize: 3,
            padding: "causal" as "same",
          }),
        /Conv2D: .*padding="causal"/,
      ],
      [
        () => new tg.layers.Conv1D({ filters: 3, kernelSize: 3, groups: 2 }),
        /Conv1D: .*groups=2/,
      ],
      [
        () =>
          new tg.layers.Conv1DTranspose({
            filters: 3,
            kernelSize: 3,
            padding: "causal" as "same",
          }),
        /Conv1DTranspose: .*padding/,
      ],
      [
        () =>
          new tg.layers.Conv2DTranspose({
            filters: 3,
            kernelSize: 3,
            strides: 2,
            outputPadding: 2,
          }),
        /Conv2DTranspose: .*outputPadding=2/,
      ],
      [
        () =>
          new tg.layers.Conv2D({
            filters: 3,
            kernelSize: 3,
            dataFormat: "nhwc" as "channelsLast",
          }),
        /Conv2D: .*dataFormat="nhwc"/,
      ],
    ];
    for (const [f, re] of bad) {
      assert.throws(
        f,
        (e: Error) => e instanceof tg.ValueError && re.test(e.message),
      );
    }
  });

  test("a kernel larger than a valid-padded input is a ShapeError", () => {
    const layer = new tg.layers.Conv2D({ filters: 1, kernelSize: 3 });
    assert.throws(
      () => layer.apply(tg.zeros([1, 2, 5, 1])),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        /Conv2D "conv2d.*": .*\[1,2,5,1\].*kernelSize \[3,3\]/.test(e.message),
    );
    assert.equal(layer.built, false);
  });

  /** Every convolution layer, kernel 3, for 2 input channels. */
  const ALL: [string, () => AnyConv, number, boolean][] = [
    [
      "Conv1D",
      () => new tg.layers.Conv1D({ filters: 2, kernelSize: 3 }),
      1,
      false,
    ],
    [
      "Conv2D",
      () => new tg.layers.Conv2D({ filters: 2, kernelSize: 3 }),
      2,
      false,
    ],
    [
      "Conv3D",
      () => new tg.layers.Conv3D({ filters: 2, kernelSize: 3 }),
      3,
      false,
    ],
    [
      "Conv1DTranspose",
      () => new tg.layers.Conv1DTranspose({ filters: 2, kernelSize: 3 }),
      1,
      true,
    ],
    [
      "Conv2DTranspose",
      () => new tg.layers.Conv2DTranspose({ filters: 2, kernelSize: 3 }),
      2,
      true,
    ],
    [
      "Conv3DTranspose",
      () => new tg.layers.Conv3DTranspose({ filters: 2, kernelSize: 3 }),
      3,
      true,
    ],
    [
      "DepthwiseConv2D",
      () => new tg.layers.DepthwiseConv2D({ kernelSize: 3 }),
      2,
      false,
    ],
    [
      "SeparableConv1D",
      () => new tg.layers.SeparableConv1D({ filters: 2, kernelSize: 3 }),
      1,
      false,
    ],
    [
      "SeparableConv2D",
      () => new tg.layers.SeparableConv2D({ filters: 2, kernelSize: 3 }),
      2,
      false,
    ],
  ];

  test("every layer: kernel larger than a valid input, channels, rank", () => {
    for (const [cls, make, rank, transposed] of ALL) {
      const small = [1, ...Array<number>(rank).fill(2), 2];
      const kernel = `kernelSize \\[${Array<string>(rank).fill("3").join(",")}\\]`;
      if (!transposed) {
        const layer = make();
        for (const x of [
          tg.zeros(small),
          tg.input({ shape: small.slice(1) }),
        ]) {
          assert.throws(
            () => layer.apply(x as tg.Tensor),
            (e: Error) =>
              e instanceof tg.ShapeError &&
              new RegExp(
                `^${cls} "[a-z0-9_]+": expected an input at least as large ` +
                  `as the kernel with padding "valid", got input shape ` +
                  `\\[(1|null),${small.slice(1).join(",")}\\] and ${kernel}`,
              ).test(e.message),
            cls,
          );
        }
        assert.equal(layer.built, false, cls);
        assert.equal(layer.weights.length, 0, cls);
      } else {
        // A transposed convolution grows its input: any size is fine.
        assert.equal(make().apply(tg.zeros(small)).rank, rank + 2, cls);
      }
      const layer = make();
      const ok = [1, ...Array<number>(rank).fill(4), 2];
      layer.apply(tg.zeros(ok));
      const before = layer.getWeights().map((w) => w.toArray());
      const three = [1, ...Array<number>(rank).fill(4), 3];
      assert.throws(
        () => layer.apply(tg.zeros(three)),
        (e: Error) =>
          e instanceof tg.ShapeError &&
          new RegExp(
            `^${cls} "[a-z0-9_]+": expected an input with 2 channels ` +
              `\\(as built\\), got shape \\[${three.join(",")}\\]`,
          ).test(e.message),
        cls,
      );
      assert.throws(
        () => layer.apply(tg.input({ shape: three.slice(1) })),
        (e: Error) =>
          e instanceof tg.ShapeError && /2 channels/.test(e.message),
        cls,
      );
      for (const r of [rank + 1, rank + 3]) {
        const bad = Array<number>(r).fill(4);
        assert.throws(
          () => layer.apply(tg.zeros(bad)),
          (e: Error) =>
            e instanceof tg.ShapeError &&
            new RegExp(
              `^${cls} "[a-z0-9_]+": expected an input of rank ${rank + 2} ` +
                `\\(batch, ${rank} spatial, channels\\), got shape ` +
                `\\[${bad.join(",")}\\]`,
            ).test(e.message),
          cls,
        );
      }
      assert.deepEqual(
        layer.getWeights().map((w) => w.toArray()),
        before,
        cls,
      );
    }
    // The brief's case: Conv2D kernelSize 5 on a 3×3 image.
    assert.throws(
      () =>
        new tg.layers.Conv2D({ filters: 1, kernelSize: 5, name: "c5" }).apply(
          tg.zeros([1, 3, 3, 1]),
        ),
      {
        name: "ShapeError",
        message:
          'Conv2D "c5": expected an input at least as large as the kernel ' +
          'with padding "valid", got input shape [1,3,3,1] and kernelSize ' +
          "[5,5] (dilationRate [1,1])",
      },
    );
  });

  test("a channel count that does not match the build is a ShapeError", () => {
    const layer = new tg.layers.Conv2D({ filters: 1, kernelSize: 1 });
    layer.apply(tg.zeros([1, 2, 2, 3]));
    assert.throws(
      () => layer.apply(tg.zeros([1, 2, 2, 4])),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        /Conv2D .*expected an input with 3 channels.*\[1,2,2,4\]/.test(
          e.message,
        ),
    );
    const grouped = new tg.layers.Conv1D({
      filters: 2,
      kernelSize: 1,
      groups: 2,
    });
    assert.throws(
      () => grouped.apply(tg.zeros([1, 2, 3])),
      (e: Error) => e instanceof tg.ShapeError && /groups=2/.test(e.message),
    );
    assert.throws(
      () => layer.apply(tg.zeros([2, 2, 3])),
      (e: Error) => e instanceof tg.ShapeError && /rank 4/.test(e.message),
    );
  });
});
