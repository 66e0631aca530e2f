// SPDX-License-Identifier: Apache-2.0
/**
 * Every layer class exported from `tg.layers` through the shared harness
 * (test/nn/layers/harness.ts): shapes, weights, config round trips, a
 * training step and float64 gradient checks. SPECS holds one plain spec
 * per class; VARIANTS (non-default options), HOOKS (initializer,
 * regularizer and constraint objects) and MASKED (masks in the call
 * options) add more. A test fails when an exported layer class has no
 * spec in SPECS, and planted-bug layers show that the harness's checks
 * can fail.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import {
  checkLayer,
  ints,
  layerChecks,
  sequenceMask,
  values,
  type LayerSpec,
} from "./harness.js";

const L = tg.layers;

/** Token ids in [0, 5) for Embedding. */
const tokens = (shape: readonly number[]) => ints(shape, 5);

const SPECS: LayerSpec[] = [
  // core
  {
    name: "Dense",
    make: (dtype) => new L.Dense({ units: 3, dtype }),
    cases: [
      { input: [2, 4], output: [2, 3] },
      { input: [2, 5, 4], output: [2, 5, 3] },
    ],
    weights: [[4, 3], [3]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "Activation",
    make: (dtype) => new L.Activation({ activation: "tanh", dtype }),
    cases: [
      { input: [2, 4], output: [2, 4] },
      { input: [2, 3, 2], output: [2, 3, 2] },
    ],
    weights: [],
  },
  {
    name: "Identity",
    make: (dtype) => new L.Identity({ dtype }),
    cases: [
      { input: [2, 4], output: [2, 4] },
      { input: [1, 3, 2], output: [1, 3, 2] },
    ],
    weights: [],
  },
  {
    name: "Rescaling",
    make: (dtype) => new L.Rescaling({ scale: 0.5, offset: 0.25, dtype }),
    cases: [
      { input: [2, 4], output: [2, 4] },
      { input: [2, 3, 2], output: [2, 3, 2] },
    ],
    weights: [],
  },
  {
    name: "Masking",
    make: (dtype) => new L.Masking({ maskValue: 0, dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 4] },
      { input: [1, 5, 2], output: [1, 5, 2] },
    ],
    weights: [],
  },
  {
    name: "Embedding",
    make: (dtype) => new L.Embedding({ inputDim: 5, outputDim: 3, dtype }),
    cases: [
      { input: [2, 4], output: [2, 4, 3] },
      { input: [3, 2], output: [3, 2, 3] },
    ],
    input: tokens,
    weights: [[5, 3]],
    weightNames: ["embeddings"],
  },
  // normalization
  {
    name: "BatchNormalization",
    make: (dtype) => new L.BatchNormalization({ dtype }),
    cases: [
      { input: [2, 4, 3], output: [2, 4, 3] },
      { input: [3, 3], output: [3, 3] },
    ],
    weights: [[3], [3], [3], [3]],
    weightNames: ["gamma", "beta", "moving_mean", "moving_variance"],
    updatesNonTrainable: true,
    trainingGradient: true,
  },
  {
    name: "LayerNormalization",
    make: (dtype) => new L.LayerNormalization({ dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 4] },
      { input: [2, 4], output: [2, 4] },
    ],
    weights: [[4], [4]],
    weightNames: ["gamma", "beta"],
  },
  {
    name: "UnitNormalization",
    make: (dtype) => new L.UnitNormalization({ dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 4] },
      { input: [2, 4], output: [2, 4] },
    ],
    weights: [],
  },
  {
    name: "GroupNormalization",
    make: (dtype) => new L.GroupNormalization({ groups: 2, dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 4] },
      { input: [2, 2, 2, 4], output: [2, 2, 2, 4] },
    ],
    weights: [[4], [4]],
    weightNames: ["gamma", "beta"],
  },
  {
    name: "Normalization (adapted)",
    make: (dtype) => {
      const layer = new L.Normalization({ dtype });
      layer.adapt(values([6, 3], "float64", 5));
      return layer;
    },
    cases: [
      { input: [2, 3], output: [2, 3] },
      { input: [5, 3], output: [5, 3] },
    ],
    weights: [[3], [3], []],
    weightNames: ["mean", "variance", "count"],
  },
  {
    name: "Normalization (given mean and variance)",
    make: (dtype) =>
      new L.Normalization({ mean: [1, 2], variance: [4, 0.5], dtype }),
    cases: [
      { input: [2, 2], output: [2, 2] },
      { input: [2, 3, 2], output: [2, 3, 2] },
    ],
    weights: [],
  },
  // reshaping
  {
    name: "Flatten",
    make: (dtype) => new L.Flatten({ dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 12] },
      { input: [2, 2, 2, 3], output: [2, 12] },
    ],
    weights: [],
  },
  {
    name: "Reshape",
    make: (dtype) => new L.Reshape({ targetShape: [4, 3], dtype }),
    cases: [
      { input: [2, 12], output: [2, 4, 3] },
      { input: [2, 3, 4], output: [2, 4, 3] },
    ],
    weights: [],
  },
  {
    name: "Permute",
    make: (dtype) => new L.Permute({ dims: [2, 1], dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 4, 3] },
      { input: [2, 1, 5], output: [2, 5, 1] },
    ],
    weights: [],
  },
  {
    name: "RepeatVector",
    make: (dtype) => new L.RepeatVector({ n: 3, dtype }),
    cases: [
      { input: [2, 4], output: [2, 3, 4] },
      { input: [1, 2], output: [1, 3, 2] },
    ],
    weights: [],
  },
  {
    name: "Cropping1D",
    make: (dtype) => new L.Cropping1D({ cropping: [1, 2], dtype }),
    cases: [
      { input: [2, 6, 3], output: [2, 3, 3] },
      { input: [1, 4, 2], output: [1, 1, 2] },
    ],
    weights: [],
  },
  {
    name: "Cropping2D",
    make: (dtype) =>
      new L.Cropping2D({
        cropping: [
          [1, 0],
          [0, 2],
        ],
        dtype,
      }),
    cases: [
      { input: [2, 4, 4, 2], output: [2, 3, 2, 2] },
      { input: [1, 2, 3, 1], output: [1, 1, 1, 1] },
    ],
    weights: [],
  },
  {
    name: "ZeroPadding1D",
    make: (dtype) => new L.ZeroPadding1D({ padding: [1, 2], dtype }),
    cases: [
      { input: [2, 3, 2], output: [2, 6, 2] },
      { input: [1, 1, 3], output: [1, 4, 3] },
    ],
    weights: [],
  },
  {
    name: "ZeroPadding2D",
    make: (dtype) =>
      new L.ZeroPadding2D({
        padding: [
          [1, 0],
          [2, 1],
        ],
        dtype,
      }),
    cases: [
      { input: [2, 2, 3, 2], output: [2, 3, 6, 2] },
      { input: [1, 1, 1, 1], output: [1, 2, 4, 1] },
    ],
    weights: [],
  },
  {
    name: "UpSampling1D",
    make: (dtype) => new L.UpSampling1D({ size: 2, dtype }),
    cases: [
      { input: [2, 3, 2], output: [2, 6, 2] },
      { input: [1, 1, 3], output: [1, 2, 3] },
    ],
    weights: [],
  },
  {
    name: "UpSampling2D",
    make: (dtype) => new L.UpSampling2D({ size: [2, 1], dtype }),
    cases: [
      { input: [2, 2, 3, 2], output: [2, 4, 3, 2] },
      { input: [1, 1, 1, 3], output: [1, 2, 1, 3] },
    ],
    weights: [],
  },
  // merging
  ...(
    [
      ["Add", (dtype: tg.DType) => new L.Add({ dtype })],
      ["Multiply", (dtype: tg.DType) => new L.Multiply({ dtype })],
      ["Average", (dtype: tg.DType) => new L.Average({ dtype })],
      ["Maximum", (dtype: tg.DType) => new L.Maximum({ dtype })],
      ["Minimum", (dtype: tg.DType) => new L.Minimum({ dtype })],
    ] as const
  ).map(([name, make]): LayerSpec => ({
    name,
    make,
    cases: [
      {
        input: [
          [2, 3],
          [2, 3],
          [2, 3],
        ],
        output: [2, 3],
      },
      {
        input: [
          [2, 2, 3],
          [2, 2, 3],
        ],
        output: [2, 2, 3],
      },
    ],
    weights: [],
  })),
  {
    name: "Subtract",
    make: (dtype) => new L.Subtract({ dtype }),
    cases: [
      {
        input: [
          [2, 3],
          [2, 3],
        ],
        output: [2, 3],
      },
      {
        input: [
          [2, 2, 3],
          [2, 2, 3],
        ],
        output: [2, 2, 3],
      },
    ],
    weights: [],
  },
  {
    name: "Concatenate",
    make: (dtype) => new L.Concatenate({ axis: -1, dtype }),
    cases: [
      {
        input: [
          [2, 3],
          [2, 2],
        ],
        output: [2, 5],
      },
      {
        input: [
          [2, 2, 3],
          [2, 2, 1],
        ],
        output: [2, 2, 4],
      },
    ],
    weights: [],
  },
  {
    name: "Dot",
    make: (dtype) => new L.Dot({ axes: -1, normalize: true, dtype }),
    cases: [
      {
        input: [
          [2, 3],
          [2, 3],
        ],
        output: [2, 1],
      },
      {
        input: [
          [2, 2, 3],
          [2, 4, 3],
        ],
        output: [2, 2, 4],
      },
    ],
    weights: [],
  },
  // regularization
  {
    name: "Dropout",
    make: (dtype) => new L.Dropout({ rate: 0.5, seed: 1, dtype }),
    cases: [
      { input: [2, 5], output: [2, 5] },
      { input: [2, 3, 4], output: [2, 3, 4] },
    ],
    weights: [],
    random: true,
  },
  {
    name: "SpatialDropout1D",
    make: (dtype) => new L.SpatialDropout1D({ rate: 0.5, seed: 2, dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 4] },
      { input: [1, 5, 2], output: [1, 5, 2] },
    ],
    weights: [],
    random: true,
  },
  {
    name: "SpatialDropout2D",
    make: (dtype) => new L.SpatialDropout2D({ rate: 0.5, seed: 3, dtype }),
    cases: [
      { input: [2, 2, 3, 4], output: [2, 2, 3, 4] },
      { input: [1, 1, 2, 3], output: [1, 1, 2, 3] },
    ],
    weights: [],
    random: true,
  },
  {
    name: "GaussianNoise",
    make: (dtype) => new L.GaussianNoise({ stddev: 0.5, seed: 4, dtype }),
    cases: [
      { input: [2, 5], output: [2, 5] },
      { input: [2, 3, 2], output: [2, 3, 2] },
    ],
    weights: [],
    random: true,
  },
  {
    name: "GaussianDropout",
    make: (dtype) => new L.GaussianDropout({ rate: 0.3, seed: 5, dtype }),
    cases: [
      { input: [2, 5], output: [2, 5] },
      { input: [2, 3, 2], output: [2, 3, 2] },
    ],
    weights: [],
    random: true,
  },
  {
    name: "AlphaDropout",
    make: (dtype) => new L.AlphaDropout({ rate: 0.3, seed: 6, dtype }),
    cases: [
      { input: [2, 5], output: [2, 5] },
      { input: [2, 3, 2], output: [2, 3, 2] },
    ],
    weights: [],
    random: true,
  },
  {
    name: "ActivityRegularization",
    make: (dtype) => new L.ActivityRegularization({ l1: 0.1, l2: 0.2, dtype }),
    cases: [
      { input: [2, 5], output: [2, 5] },
      { input: [2, 3, 2], output: [2, 3, 2] },
    ],
    weights: [],
  },
  // pooling
  {
    name: "MaxPooling1D",
    make: (dtype) => new L.MaxPooling1D({ poolSize: 2, dtype }),
    cases: [
      { input: [2, 4, 3], output: [2, 2, 3] },
      { input: [1, 5, 2], output: [1, 2, 2] },
    ],
    weights: [],
  },
  {
    name: "MaxPooling2D",
    make: (dtype) =>
      new L.MaxPooling2D({ poolSize: 2, padding: "same", dtype }),
    cases: [
      { input: [2, 4, 3, 2], output: [2, 2, 2, 2] },
      { input: [1, 1, 1, 3], output: [1, 1, 1, 3] },
    ],
    weights: [],
  },
  {
    name: "MaxPooling3D",
    make: (dtype) => new L.MaxPooling3D({ poolSize: 2, dtype }),
    cases: [
      { input: [2, 2, 4, 4, 1], output: [2, 1, 2, 2, 1] },
      { input: [1, 3, 2, 2, 2], output: [1, 1, 1, 1, 2] },
    ],
    weights: [],
  },
  {
    name: "AveragePooling1D",
    make: (dtype) => new L.AveragePooling1D({ poolSize: 3, strides: 1, dtype }),
    cases: [
      { input: [2, 4, 3], output: [2, 2, 3] },
      { input: [1, 3, 2], output: [1, 1, 2] },
    ],
    weights: [],
  },
  {
    name: "AveragePooling2D",
    make: (dtype) =>
      new L.AveragePooling2D({ poolSize: 2, padding: "same", dtype }),
    cases: [
      { input: [2, 3, 4, 2], output: [2, 2, 2, 2] },
      { input: [1, 1, 1, 3], output: [1, 1, 1, 3] },
    ],
    weights: [],
  },
  {
    name: "AveragePooling3D",
    make: (dtype) => new L.AveragePooling3D({ poolSize: 2, dtype }),
    cases: [
      { input: [2, 2, 4, 4, 1], output: [2, 1, 2, 2, 1] },
      { input: [1, 3, 2, 2, 2], output: [1, 1, 1, 1, 2] },
    ],
    weights: [],
  },
  {
    name: "GlobalMaxPooling1D",
    make: (dtype) => new L.GlobalMaxPooling1D({ dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 4] },
      { input: [1, 1, 2], output: [1, 2] },
    ],
    weights: [],
  },
  {
    name: "GlobalMaxPooling2D",
    make: (dtype) => new L.GlobalMaxPooling2D({ dtype }),
    cases: [
      { input: [2, 3, 2, 4], output: [2, 4] },
      { input: [1, 1, 1, 2], output: [1, 2] },
    ],
    weights: [],
  },
  {
    name: "GlobalMaxPooling3D",
    make: (dtype) => new L.GlobalMaxPooling3D({ keepdims: true, dtype }),
    cases: [
      { input: [2, 2, 2, 2, 3], output: [2, 1, 1, 1, 3] },
      { input: [1, 1, 3, 1, 2], output: [1, 1, 1, 1, 2] },
    ],
    weights: [],
  },
  {
    name: "GlobalAveragePooling1D",
    make: (dtype) => new L.GlobalAveragePooling1D({ dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 4] },
      { input: [1, 1, 2], output: [1, 2] },
    ],
    weights: [],
  },
  {
    name: "GlobalAveragePooling2D",
    make: (dtype) =>
      new L.GlobalAveragePooling2D({ dataFormat: "channelsFirst", dtype }),
    cases: [
      { input: [2, 3, 2, 4], output: [2, 3] },
      { input: [1, 1, 1, 2], output: [1, 1] },
    ],
    weights: [],
  },
  {
    name: "GlobalAveragePooling3D",
    make: (dtype) => new L.GlobalAveragePooling3D({ dtype }),
    cases: [
      { input: [2, 2, 2, 2, 3], output: [2, 3] },
      { input: [1, 1, 3, 1, 2], output: [1, 2] },
    ],
    weights: [],
  },
  // convolution
  {
    name: "Conv1D",
    make: (dtype) => new L.Conv1D({ filters: 2, kernelSize: 2, dtype }),
    cases: [
      { input: [2, 4, 3], output: [2, 3, 2] },
      { input: [1, 2, 3], output: [1, 1, 2] },
    ],
    weights: [[2, 3, 2], [2]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "Conv2D",
    make: (dtype) =>
      new L.Conv2D({ filters: 2, kernelSize: 2, padding: "same", dtype }),
    cases: [
      { input: [2, 3, 3, 2], output: [2, 3, 3, 2] },
      { input: [1, 1, 2, 2], output: [1, 1, 2, 2] },
    ],
    weights: [[2, 2, 2, 2], [2]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "Conv1DTranspose",
    make: (dtype) =>
      new L.Conv1DTranspose({ filters: 2, kernelSize: 2, strides: 2, dtype }),
    cases: [
      { input: [2, 3, 3], output: [2, 6, 2] },
      { input: [1, 1, 3], output: [1, 2, 2] },
    ],
    weights: [[2, 2, 3], [2]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "Conv2DTranspose",
    make: (dtype) =>
      new L.Conv2DTranspose({ filters: 2, kernelSize: 2, strides: 2, dtype }),
    cases: [
      { input: [2, 2, 2, 3], output: [2, 4, 4, 2] },
      { input: [1, 1, 2, 3], output: [1, 2, 4, 2] },
    ],
    weights: [[2, 2, 2, 3], [2]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "DepthwiseConv2D",
    make: (dtype) =>
      new L.DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2, dtype }),
    cases: [
      { input: [2, 3, 3, 2], output: [2, 2, 2, 4] },
      { input: [1, 2, 3, 2], output: [1, 1, 2, 4] },
    ],
    weights: [[2, 2, 2, 2], [4]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "SeparableConv2D",
    make: (dtype) =>
      new L.SeparableConv2D({ filters: 3, kernelSize: 2, dtype }),
    cases: [
      { input: [2, 3, 3, 2], output: [2, 2, 2, 3] },
      { input: [1, 2, 3, 2], output: [1, 1, 2, 3] },
    ],
    weights: [[2, 2, 2, 1], [1, 1, 2, 3], [3]],
    weightNames: ["depthwise_kernel", "pointwise_kernel", "bias"],
  },
  {
    name: "Conv3D",
    make: (dtype) => new L.Conv3D({ filters: 2, kernelSize: 2, dtype }),
    cases: [
      { input: [2, 2, 3, 3, 2], output: [2, 1, 2, 2, 2] },
      { input: [1, 3, 2, 2, 2], output: [1, 2, 1, 1, 2] },
    ],
    weights: [[2, 2, 2, 2, 2], [2]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "Conv3DTranspose",
    make: (dtype) =>
      new L.Conv3DTranspose({ filters: 2, kernelSize: 2, strides: 2, dtype }),
    cases: [
      { input: [2, 1, 2, 2, 3], output: [2, 2, 4, 4, 2] },
      { input: [1, 2, 1, 1, 3], output: [1, 4, 2, 2, 2] },
    ],
    weights: [[2, 2, 2, 2, 3], [2]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "SeparableConv1D",
    make: (dtype) =>
      new L.SeparableConv1D({
        filters: 3,
        kernelSize: 2,
        depthMultiplier: 2,
        dtype,
      }),
    cases: [
      { input: [2, 4, 2], output: [2, 3, 3] },
      { input: [1, 2, 2], output: [1, 1, 3] },
    ],
    weights: [[2, 2, 2], [1, 4, 3], [3]],
    weightNames: ["depthwise_kernel", "pointwise_kernel", "bias"],
  },
  // recurrent
  {
    name: "SimpleRNN",
    make: (dtype) => new L.SimpleRNN({ units: 3, dtype }),
    cases: [
      { input: [2, 4, 2], output: [2, 3] },
      { input: [1, 2, 2], output: [1, 3] },
    ],
    weights: [[2, 3], [3, 3], [3]],
    weightNames: ["kernel", "recurrent_kernel", "bias"],
  },
  {
    name: "LSTM (returnState)",
    make: (dtype) => new L.LSTM({ units: 2, returnState: true, dtype }),
    cases: [
      {
        input: [2, 3, 2],
        output: [
          [2, 2],
          [2, 2],
          [2, 2],
        ],
      },
      {
        input: [1, 1, 3],
        output: [
          [1, 2],
          [1, 2],
          [1, 2],
        ],
      },
    ],
    weights: [[2, 8], [2, 8], [8]],
    weightNames: ["kernel", "recurrent_kernel", "bias"],
  },
  {
    name: "GRU (returnSequences, goBackwards)",
    make: (dtype) =>
      new L.GRU({ units: 2, returnSequences: true, goBackwards: true, dtype }),
    cases: [
      { input: [2, 3, 2], output: [2, 3, 2] },
      { input: [1, 1, 3], output: [1, 1, 2] },
    ],
    weights: [
      [2, 6],
      [2, 6],
      [2, 6],
    ],
    weightNames: ["kernel", "recurrent_kernel", "bias"],
  },
  // wrappers
  {
    name: "TimeDistributed",
    make: (dtype) =>
      new L.TimeDistributed({ layer: new L.Dense({ units: 2, dtype }), dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 2] },
      { input: [1, 2, 2, 4], output: [1, 2, 2, 2] },
    ],
    weights: [[4, 2], [2]],
  },
  {
    name: "Bidirectional (SimpleRNN)",
    make: (dtype) =>
      new L.Bidirectional(new L.SimpleRNN({ units: 2, name: "rnn", dtype }), {
        dtype,
      }),
    cases: [
      { input: [2, 3, 2], output: [2, 4] },
      { input: [1, 1, 3], output: [1, 4] },
    ],
    weights: [[2, 2], [2, 2], [2], [2, 2], [2, 2], [2]],
    weightNames: [
      "forward_rnn/kernel",
      "forward_rnn/recurrent_kernel",
      "forward_rnn/bias",
      "backward_rnn/kernel",
      "backward_rnn/recurrent_kernel",
      "backward_rnn/bias",
    ],
  },
  // attention
  {
    name: "Attention",
    make: (dtype) => new L.Attention({ dtype }),
    cases: [
      {
        input: [
          [2, 3, 4],
          [2, 5, 4],
        ],
        output: [2, 3, 4],
      },
      {
        input: [
          [1, 2, 3],
          [1, 4, 5],
          [1, 4, 3],
        ],
        output: [1, 2, 5],
      },
    ],
    weights: [],
  },
  {
    name: "Attention (useScale, concat)",
    make: (dtype) =>
      new L.Attention({ useScale: true, scoreMode: "concat", dtype }),
    cases: [
      {
        input: [
          [2, 3, 4],
          [2, 5, 4],
        ],
        output: [2, 3, 4],
      },
      {
        input: [
          [1, 2, 3],
          [1, 4, 3],
        ],
        output: [1, 2, 3],
      },
    ],
    weights: [[], []],
    weightNames: ["scale", "concat_score_weight"],
  },
  {
    name: "AdditiveAttention",
    make: (dtype) => new L.AdditiveAttention({ dtype }),
    cases: [
      {
        input: [
          [2, 3, 4],
          [2, 5, 4],
        ],
        output: [2, 3, 4],
      },
      {
        input: [
          [1, 2, 3],
          [1, 4, 3],
        ],
        output: [1, 2, 3],
      },
    ],
    weights: [[4]],
    weightNames: ["scale"],
  },
  {
    name: "MultiHeadAttention",
    make: (dtype) =>
      new L.MultiHeadAttention({ numHeads: 2, keyDim: 2, dtype }),
    cases: [
      {
        input: [
          [2, 3, 4],
          [2, 2, 4],
        ],
        output: [2, 3, 4],
      },
      {
        input: [
          [1, 2, 3],
          [1, 4, 5],
          [1, 4, 2],
        ],
        output: [1, 2, 3],
      },
    ],
    weights: [
      [4, 2, 2],
      [2, 2],
      [4, 2, 2],
      [2, 2],
      [4, 2, 2],
      [2, 2],
      [2, 2, 4],
      [4],
    ],
    weightNames: [
      "query/kernel",
      "query/bias",
      "key/kernel",
      "key/bias",
      "value/kernel",
      "value/bias",
      "attention_output/kernel",
      "attention_output/bias",
    ],
    weightEntries: 2,
    zeroGradient: {
      weights: ["key/bias"],
      reason: "the softmax over keys ignores a shift shared by every key",
    },
  },
];

/** Non-default options, where bugs hide: channelsFirst, masks, ... */
const VARIANTS: LayerSpec[] = [
  {
    name: "Dense (sigmoid, no bias, l2)",
    make: (dtype) =>
      new L.Dense({
        units: 2,
        activation: "sigmoid",
        useBias: false,
        kernelRegularizer: "l2",
        dtype,
      }),
    cases: [
      { input: [2, 3], output: [2, 2] },
      { input: [1, 2, 2, 3], output: [1, 2, 2, 2] },
    ],
    weights: [[3, 2]],
    weightNames: ["kernel"],
  },
  {
    name: "Activation (softmax)",
    make: (dtype) => new L.Activation({ activation: "softmax", dtype }),
    cases: [
      { input: [2, 4], output: [2, 4] },
      { input: [2, 3, 2], output: [2, 3, 2] },
    ],
    weights: [],
  },
  {
    name: "Rescaling (per channel)",
    make: (dtype) =>
      new L.Rescaling({ scale: [1, 2, 3], offset: [0, 1, -1], dtype }),
    cases: [
      { input: [2, 3], output: [2, 3] },
      { input: [2, 2, 3], output: [2, 2, 3] },
    ],
    weights: [],
  },
  {
    name: "Embedding (maskZero)",
    make: (dtype) =>
      new L.Embedding({ inputDim: 5, outputDim: 2, maskZero: true, dtype }),
    cases: [
      { input: [2, 3], output: [2, 3, 2] },
      { input: [1, 2, 2], output: [1, 2, 2, 2] },
    ],
    input: tokens,
    weights: [[5, 2]],
    weightNames: ["embeddings"],
  },
  {
    name: "BatchNormalization (axis 1, no center)",
    make: (dtype) =>
      new L.BatchNormalization({
        axis: 1,
        center: false,
        momentum: 0.5,
        dtype,
      }),
    cases: [
      { input: [3, 3, 2], output: [3, 3, 2] },
      { input: [2, 3, 2, 2], output: [2, 3, 2, 2] },
    ],
    weights: [[3], [3], [3]],
    weightNames: ["gamma", "moving_mean", "moving_variance"],
    updatesNonTrainable: true,
    trainingGradient: true,
  },
  {
    name: "LayerNormalization (axes 1 and 2, no scale)",
    make: (dtype) =>
      new L.LayerNormalization({ axis: [1, 2], scale: false, dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 4] },
      { input: [1, 3, 4], output: [1, 3, 4] },
    ],
    weights: [[3, 4]],
    weightNames: ["beta"],
  },
  {
    name: "UnitNormalization (axes 1 and 2)",
    make: (dtype) => new L.UnitNormalization({ axis: [1, 2], dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 4] },
      { input: [1, 2, 2], output: [1, 2, 2] },
    ],
    weights: [],
  },
  {
    name: "GroupNormalization (axis 1)",
    make: (dtype) => new L.GroupNormalization({ groups: 2, axis: 1, dtype }),
    cases: [
      { input: [2, 4, 3], output: [2, 4, 3] },
      { input: [1, 4, 2, 2], output: [1, 4, 2, 2] },
    ],
    weights: [[4], [4]],
    weightNames: ["gamma", "beta"],
  },
  {
    name: "Normalization (adapted on axes 1 and 2)",
    make: (dtype) => {
      const layer = new L.Normalization({ axis: [1, 2], dtype });
      layer.adapt(values([4, 2, 3], "float64", 3));
      return layer;
    },
    cases: [
      { input: [2, 2, 3], output: [2, 2, 3] },
      { input: [1, 2, 3], output: [1, 2, 3] },
    ],
    weights: [[2, 3], [2, 3], []],
    weightNames: ["mean", "variance", "count"],
  },
  {
    name: "Normalization (invert)",
    make: (dtype) =>
      new L.Normalization({ mean: 1, variance: 2, invert: true, dtype }),
    cases: [
      { input: [2, 2], output: [2, 2] },
      { input: [2, 3, 2], output: [2, 3, 2] },
    ],
    weights: [],
  },
  {
    name: "Flatten (channelsFirst)",
    make: (dtype) => new L.Flatten({ dataFormat: "channelsFirst", dtype }),
    cases: [
      { input: [2, 3, 2, 2], output: [2, 12] },
      { input: [2, 2, 3], output: [2, 6] },
    ],
    weights: [],
  },
  {
    name: "Reshape (-1)",
    make: (dtype) => new L.Reshape({ targetShape: [-1, 2], dtype }),
    cases: [
      { input: [2, 6], output: [2, 3, 2] },
      { input: [1, 2, 2], output: [1, 2, 2] },
    ],
    weights: [],
  },
  {
    name: "Cropping2D (channelsFirst)",
    make: (dtype) =>
      new L.Cropping2D({
        cropping: [1, 0],
        dataFormat: "channelsFirst",
        dtype,
      }),
    cases: [
      { input: [2, 2, 4, 3], output: [2, 2, 2, 3] },
      { input: [1, 1, 3, 1], output: [1, 1, 1, 1] },
    ],
    weights: [],
  },
  {
    name: "ZeroPadding2D (channelsFirst)",
    make: (dtype) =>
      new L.ZeroPadding2D({
        padding: [0, 1],
        dataFormat: "channelsFirst",
        dtype,
      }),
    cases: [
      { input: [2, 2, 2, 3], output: [2, 2, 2, 5] },
      { input: [1, 1, 1, 1], output: [1, 1, 1, 3] },
    ],
    weights: [],
  },
  {
    name: "UpSampling2D (channelsFirst)",
    make: (dtype) =>
      new L.UpSampling2D({ size: [1, 3], dataFormat: "channelsFirst", dtype }),
    cases: [
      { input: [2, 2, 2, 2], output: [2, 2, 2, 6] },
      { input: [1, 3, 1, 1], output: [1, 3, 1, 3] },
    ],
    weights: [],
  },
  {
    name: "UpSampling2D (bilinear)",
    make: (dtype) =>
      new L.UpSampling2D({ size: [2, 3], interpolation: "bilinear", dtype }),
    cases: [
      { input: [2, 2, 3, 2], output: [2, 4, 9, 2] },
      { input: [1, 1, 1, 1], output: [1, 2, 3, 1] },
    ],
    weights: [],
  },
  {
    name: "Concatenate (axis 1)",
    make: (dtype) => new L.Concatenate({ axis: 1, dtype }),
    cases: [
      {
        input: [
          [2, 2, 3],
          [2, 1, 3],
        ],
        output: [2, 3, 3],
      },
      {
        input: [
          [1, 1, 2],
          [1, 1, 2],
          [1, 2, 2],
        ],
        output: [1, 4, 2],
      },
    ],
    weights: [],
  },
  {
    name: "Dot (axes [1, 1])",
    make: (dtype) => new L.Dot({ axes: [1, 1], dtype }),
    cases: [
      {
        input: [
          [2, 3, 2],
          [2, 3, 4],
        ],
        output: [2, 2, 4],
      },
      {
        input: [
          [1, 2],
          [1, 2],
        ],
        output: [1, 1],
      },
    ],
    weights: [],
  },
  {
    name: "Dropout (noiseShape)",
    make: (dtype) =>
      new L.Dropout({ rate: 0.5, noiseShape: [null, 1, null], seed: 7, dtype }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 4] },
      { input: [1, 2, 2], output: [1, 2, 2] },
    ],
    weights: [],
    random: true,
  },
  {
    name: "SpatialDropout2D (channelsFirst)",
    make: (dtype) =>
      new L.SpatialDropout2D({
        rate: 0.5,
        dataFormat: "channelsFirst",
        seed: 8,
        dtype,
      }),
    cases: [
      { input: [2, 4, 2, 2], output: [2, 4, 2, 2] },
      { input: [1, 1, 2, 3], output: [1, 1, 2, 3] },
    ],
    weights: [],
    random: true,
  },
  {
    name: "MaxPooling2D (channelsFirst, strides 1)",
    make: (dtype) =>
      new L.MaxPooling2D({
        poolSize: 2,
        strides: 1,
        dataFormat: "channelsFirst",
        dtype,
      }),
    cases: [
      { input: [2, 2, 3, 3], output: [2, 2, 2, 2] },
      { input: [1, 1, 2, 4], output: [1, 1, 1, 3] },
    ],
    weights: [],
  },
  {
    name: "AveragePooling1D (same, channelsFirst)",
    make: (dtype) =>
      new L.AveragePooling1D({
        poolSize: 2,
        padding: "same",
        dataFormat: "channelsFirst",
        dtype,
      }),
    cases: [
      { input: [2, 3, 5], output: [2, 3, 3] },
      { input: [1, 1, 1], output: [1, 1, 1] },
    ],
    weights: [],
  },
  {
    name: "AveragePooling3D (same, strides [1, 2, 2])",
    make: (dtype) =>
      new L.AveragePooling3D({
        poolSize: 2,
        strides: [1, 2, 2],
        padding: "same",
        dtype,
      }),
    cases: [
      { input: [2, 2, 3, 3, 1], output: [2, 2, 2, 2, 1] },
      { input: [1, 1, 1, 1, 2], output: [1, 1, 1, 1, 2] },
    ],
    weights: [],
  },
  {
    name: "GlobalAveragePooling1D (channelsFirst, keepdims)",
    make: (dtype) =>
      new L.GlobalAveragePooling1D({
        dataFormat: "channelsFirst",
        keepdims: true,
        dtype,
      }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 1] },
      { input: [1, 1, 2], output: [1, 1, 1] },
    ],
    weights: [],
  },
  {
    name: "Conv1D (causal, grouped, dilated)",
    make: (dtype) =>
      new L.Conv1D({
        filters: 4,
        kernelSize: 2,
        padding: "causal",
        groups: 2,
        dilationRate: 2,
        dtype,
      }),
    cases: [
      { input: [2, 3, 4], output: [2, 3, 4] },
      { input: [1, 1, 4], output: [1, 1, 4] },
    ],
    weights: [[2, 2, 4], [4]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "Conv2D (channelsFirst, dilated, tanh)",
    make: (dtype) =>
      new L.Conv2D({
        filters: 2,
        kernelSize: [2, 1],
        dilationRate: 2,
        dataFormat: "channelsFirst",
        activation: "tanh",
        dtype,
      }),
    cases: [
      { input: [2, 3, 4, 3], output: [2, 2, 2, 3] },
      { input: [1, 3, 3, 1], output: [1, 2, 1, 1] },
    ],
    weights: [[2, 1, 3, 2], [2]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "Conv2DTranspose (same, channelsFirst)",
    make: (dtype) =>
      new L.Conv2DTranspose({
        filters: 1,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        dataFormat: "channelsFirst",
        dtype,
      }),
    cases: [
      { input: [2, 2, 2, 3], output: [2, 1, 4, 6] },
      { input: [1, 2, 1, 1], output: [1, 1, 2, 2] },
    ],
    weights: [[3, 3, 1, 2], [1]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "DepthwiseConv2D (channelsFirst, strided, no bias)",
    make: (dtype) =>
      new L.DepthwiseConv2D({
        kernelSize: 2,
        strides: 2,
        useBias: false,
        dataFormat: "channelsFirst",
        dtype,
      }),
    cases: [
      { input: [2, 2, 4, 4], output: [2, 2, 2, 2] },
      { input: [1, 2, 2, 3], output: [1, 2, 1, 1] },
    ],
    weights: [[2, 2, 2, 1]],
    weightNames: ["kernel"],
  },
  {
    name: "SeparableConv2D (same, strided, channelsFirst)",
    make: (dtype) =>
      new L.SeparableConv2D({
        filters: 2,
        kernelSize: 2,
        strides: 2,
        padding: "same",
        dataFormat: "channelsFirst",
        dtype,
      }),
    cases: [
      { input: [2, 2, 3, 3], output: [2, 2, 2, 2] },
      { input: [1, 2, 1, 2], output: [1, 2, 1, 1] },
    ],
    weights: [[2, 2, 2, 1], [1, 1, 2, 2], [2]],
    weightNames: ["depthwise_kernel", "pointwise_kernel", "bias"],
  },
  {
    name: "Conv3D (same, channelsFirst)",
    make: (dtype) =>
      new L.Conv3D({
        filters: 1,
        kernelSize: [1, 2, 2],
        padding: "same",
        dataFormat: "channelsFirst",
        dtype,
      }),
    cases: [
      { input: [2, 2, 2, 3, 3], output: [2, 1, 2, 3, 3] },
      { input: [1, 2, 1, 1, 2], output: [1, 1, 1, 1, 2] },
    ],
    weights: [[1, 2, 2, 2, 1], [1]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "SimpleRNN (returnSequences, goBackwards, no bias)",
    make: (dtype) =>
      new L.SimpleRNN({
        units: 3,
        returnSequences: true,
        goBackwards: true,
        useBias: false,
        dtype,
      }),
    cases: [
      { input: [2, 3, 2], output: [2, 3, 3] },
      { input: [1, 1, 2], output: [1, 1, 3] },
    ],
    weights: [
      [2, 3],
      [3, 3],
    ],
    weightNames: ["kernel", "recurrent_kernel"],
  },
  {
    name: "LSTM (returnSequences and returnState)",
    make: (dtype) =>
      new L.LSTM({
        units: 2,
        returnSequences: true,
        returnState: true,
        unitForgetBias: false,
        dtype,
      }),
    cases: [
      {
        input: [2, 3, 2],
        output: [
          [2, 3, 2],
          [2, 2],
          [2, 2],
        ],
      },
      {
        input: [1, 1, 1],
        output: [
          [1, 1, 2],
          [1, 2],
          [1, 2],
        ],
      },
    ],
    weights: [[2, 8], [2, 8], [8]],
    weightNames: ["kernel", "recurrent_kernel", "bias"],
  },
  {
    name: "GRU (resetAfter false, returnState)",
    make: (dtype) =>
      new L.GRU({ units: 2, resetAfter: false, returnState: true, dtype }),
    cases: [
      {
        input: [2, 3, 2],
        output: [
          [2, 2],
          [2, 2],
        ],
      },
      {
        input: [1, 1, 3],
        output: [
          [1, 2],
          [1, 2],
        ],
      },
    ],
    weights: [[2, 6], [2, 6], [6]],
    weightNames: ["kernel", "recurrent_kernel", "bias"],
  },
  ...(
    [
      ["SimpleRNN", L.SimpleRNN, 1],
      ["LSTM", L.LSTM, 4],
      ["GRU", L.GRU, 3],
    ] as const
  ).map(([name, Cls, gates]): LayerSpec => ({
    name: `${name} (dropout and recurrentDropout)`,
    make: (dtype) =>
      new Cls({
        units: 2,
        dropout: 0.4,
        recurrentDropout: 0.4,
        seed: 11,
        dtype,
      }),
    cases: [
      { input: [2, 3, 2], output: [2, 2] },
      { input: [1, 2, 3], output: [1, 2] },
    ],
    weights:
      name === "GRU"
        ? [
            [2, 6],
            [2, 6],
            [2, 6],
          ]
        : [[2, 2 * gates], [2, 2 * gates], [2 * gates]],
    random: true,
  })),
  {
    name: "TimeDistributed (Conv1D)",
    make: (dtype) =>
      new L.TimeDistributed({
        layer: new L.Conv1D({ filters: 2, kernelSize: 2, dtype }),
        dtype,
      }),
    cases: [
      { input: [2, 3, 4, 2], output: [2, 3, 3, 2] },
      { input: [1, 1, 2, 2], output: [1, 1, 1, 2] },
    ],
    weights: [[2, 2, 2], [2]],
  },
  {
    name: "Bidirectional (GRU, sum, returnSequences and returnState)",
    make: (dtype) =>
      new L.Bidirectional({
        layer: new L.GRU({
          units: 2,
          returnSequences: true,
          returnState: true,
          dtype,
        }),
        mergeMode: "sum",
        dtype,
      }),
    cases: [
      {
        input: [2, 3, 2],
        output: [
          [2, 3, 2],
          [2, 2],
          [2, 2],
        ],
      },
      {
        input: [1, 2, 1],
        output: [
          [1, 2, 2],
          [1, 2],
          [1, 2],
        ],
      },
    ],
    weights: [
      [2, 6],
      [2, 6],
      [2, 6],
      [2, 6],
      [2, 6],
      [2, 6],
    ],
  },
  {
    name: "Bidirectional (LSTM, mergeMode null)",
    make: (dtype) =>
      new L.Bidirectional(new L.LSTM({ units: 1, dtype }), {
        mergeMode: null,
        dtype,
      }),
    cases: [
      {
        input: [2, 3, 2],
        output: [
          [2, 1],
          [2, 1],
        ],
      },
      {
        input: [1, 1, 3],
        output: [
          [1, 1],
          [1, 1],
        ],
      },
    ],
    weights: [[2, 4], [1, 4], [4], [2, 4], [1, 4], [4]],
  },
  {
    name: "Attention (causal, dropout)",
    make: (dtype) =>
      new L.Attention({ useCausalMask: true, dropout: 0.5, seed: 9, dtype }),
    cases: [
      {
        input: [
          [2, 3, 4],
          [2, 3, 4],
        ],
        output: [2, 3, 4],
      },
      {
        input: [
          [1, 2, 2],
          [1, 4, 3],
          [1, 4, 2],
        ],
        output: [1, 2, 3],
      },
    ],
    weights: [],
    random: true,
  },
  {
    name: "AdditiveAttention (no scale)",
    make: (dtype) => new L.AdditiveAttention({ useScale: false, dtype }),
    cases: [
      {
        input: [
          [2, 3, 4],
          [2, 2, 4],
        ],
        output: [2, 3, 4],
      },
      {
        input: [
          [1, 2, 3],
          [1, 4, 5],
          [1, 4, 3],
        ],
        output: [1, 2, 5],
      },
    ],
    weights: [],
  },
  {
    name: "MultiHeadAttention (valueDim, outputShape, causal, no bias)",
    make: (dtype) =>
      new L.MultiHeadAttention({
        numHeads: 1,
        keyDim: 3,
        valueDim: 2,
        outputShape: 5,
        useBias: false,
        dtype,
      }),
    callOptions: { useCausalMask: true },
    cases: [
      {
        input: [
          [2, 3, 4],
          [2, 3, 4],
        ],
        output: [2, 3, 5],
      },
      {
        input: [
          [1, 2, 2],
          [1, 2, 3],
          [1, 2, 1],
        ],
        output: [1, 2, 5],
      },
    ],
    weights: [
      [4, 1, 3],
      [4, 1, 3],
      [4, 1, 2],
      [1, 2, 5],
    ],
    weightNames: [
      "query/kernel",
      "key/kernel",
      "value/kernel",
      "attention_output/kernel",
    ],
    weightEntries: 3,
  },
  {
    name: "MultiHeadAttention (dropout)",
    make: (dtype) =>
      new L.MultiHeadAttention({
        numHeads: 2,
        keyDim: 1,
        dropout: 0.5,
        seed: 3,
        dtype,
      }),
    cases: [
      {
        input: [
          [2, 2, 3],
          [2, 3, 3],
        ],
        output: [2, 2, 3],
      },
      {
        input: [
          [1, 1, 2],
          [1, 2, 2],
        ],
        output: [1, 1, 2],
      },
    ],
    weights: [
      [3, 2, 1],
      [2, 1],
      [3, 2, 1],
      [2, 1],
      [3, 2, 1],
      [2, 1],
      [2, 1, 3],
      [3],
    ],
    weightEntries: 2,
    random: true,
    zeroGradient: {
      weights: ["key/bias"],
      reason: "the softmax over keys ignores a shift shared by every key",
    },
  },
];

/** Object-valued initializers, regularizers and constraints (configs). */
const HOOKS: LayerSpec[] = [
  {
    name: "Dense (initializer, regularizer and constraint objects)",
    make: (dtype) =>
      new L.Dense({
        units: 2,
        kernelInitializer: tg.initializers.randomNormal({
          mean: 0.1,
          stddev: 0.5,
          seed: 3,
        }),
        biasInitializer: tg.initializers.constant(0.25),
        kernelRegularizer: tg.regularizers.l1l2({ l1: 0.01, l2: 0.02 }),
        biasRegularizer: tg.regularizers.l1(0.1),
        activityRegularizer: tg.regularizers.l2(0.1),
        kernelConstraint: tg.constraints.maxNorm({ maxValue: 0.5, axis: 0 }),
        biasConstraint: tg.constraints.nonNeg(),
        dtype,
      }),
    cases: [
      { input: [2, 3], output: [2, 2] },
      { input: [1, 2, 3], output: [1, 2, 2] },
    ],
    weights: [[3, 2], [2]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "Conv2D (regularizer and constraint objects)",
    make: (dtype) =>
      new L.Conv2D({
        filters: 2,
        kernelSize: 2,
        kernelInitializer: tg.initializers.heNormal({ seed: 1 }),
        kernelRegularizer: tg.regularizers.l2(0.05),
        kernelConstraint: tg.constraints.unitNorm({ axis: [0, 1, 2] }),
        biasConstraint: tg.constraints.minMaxNorm({
          minValue: 0.1,
          maxValue: 1,
          axis: 0,
        }),
        dtype,
      }),
    cases: [
      { input: [2, 3, 3, 2], output: [2, 2, 2, 2] },
      { input: [1, 2, 2, 2], output: [1, 1, 1, 2] },
    ],
    weights: [[2, 2, 2, 2], [2]],
    weightNames: ["kernel", "bias"],
  },
  {
    name: "Embedding (regularizer and constraint)",
    make: (dtype) =>
      new L.Embedding({
        inputDim: 5,
        outputDim: 2,
        embeddingsInitializer: tg.initializers.randomUniform({
          minval: -1,
          maxval: 1,
          seed: 2,
        }),
        embeddingsRegularizer: tg.regularizers.l2(0.1),
        embeddingsConstraint: tg.constraints.maxNorm({ maxValue: 0.7 }),
        dtype,
      }),
    cases: [{ input: [2, 4], output: [2, 4, 2] }],
    input: tokens,
    weights: [[5, 2]],
  },
  {
    name: "BatchNormalization (hooks)",
    make: (dtype) =>
      new L.BatchNormalization({
        gammaInitializer: tg.initializers.constant(2),
        movingVarianceInitializer: tg.initializers.constant(3),
        gammaRegularizer: tg.regularizers.l2(0.1),
        betaConstraint: tg.constraints.nonNeg(),
        dtype,
      }),
    cases: [{ input: [4, 2], output: [4, 2] }],
    weights: [[2], [2], [2], [2]],
    updatesNonTrainable: true,
  },
  {
    name: "LSTM (hooks)",
    make: (dtype) =>
      new L.LSTM({
        units: 2,
        recurrentInitializer: tg.initializers.orthogonal({ seed: 4 }),
        kernelRegularizer: tg.regularizers.l1(0.01),
        recurrentRegularizer: tg.regularizers.orthogonalRegularizer({
          factor: 0.1,
        }),
        recurrentConstraint: tg.constraints.maxNorm({ maxValue: 1 }),
        biasConstraint: tg.constraints.nonNeg(),
        dtype,
      }),
    cases: [{ input: [2, 3, 2], output: [2, 2] }],
    weights: [[2, 8], [2, 8], [8]],
  },
  {
    name: "MultiHeadAttention (hooks)",
    make: (dtype) =>
      new L.MultiHeadAttention({
        numHeads: 1,
        keyDim: 2,
        kernelInitializer: tg.initializers.glorotNormal({ seed: 5 }),
        biasInitializer: tg.initializers.constant(0.1),
        kernelRegularizer: tg.regularizers.l2(0.01),
        kernelConstraint: tg.constraints.maxNorm({ maxValue: 0.8 }),
        dtype,
      }),
    cases: [
      {
        input: [
          [2, 2, 3],
          [2, 3, 3],
        ],
        output: [2, 2, 3],
      },
    ],
    weights: [
      [3, 1, 2],
      [1, 2],
      [3, 1, 2],
      [1, 2],
      [3, 1, 2],
      [1, 2],
      [1, 2, 3],
      [3],
    ],
    weightEntries: 2,
    zeroGradient: {
      weights: ["key/bias"],
      reason: "the softmax over keys ignores a shift shared by every key",
    },
  },
];

/** A [batch, time] mask for the first input. */
const maskOf = (xs: readonly tg.Tensor[]) =>
  sequenceMask(xs[0]!.shape[0]!, xs[0]!.shape[1]!);

/** Masks given in the call options (Keras's `mask=`, attention masks). */
const MASKED: LayerSpec[] = [
  {
    name: "LSTM (masked, returnSequences)",
    make: (dtype) => new L.LSTM({ units: 2, returnSequences: true, dtype }),
    callOptions: (xs) => ({ mask: maskOf(xs) }),
    cases: [
      { input: [2, 3, 2], output: [2, 3, 2] },
      { input: [3, 4, 1], output: [3, 4, 2] },
    ],
    weights: [[2, 8], [2, 8], [8]],
  },
  {
    name: "GRU (masked, goBackwards, returnState)",
    make: (dtype) =>
      new L.GRU({ units: 2, goBackwards: true, returnState: true, dtype }),
    callOptions: (xs) => ({ mask: maskOf(xs) }),
    cases: [
      {
        input: [2, 3, 2],
        output: [
          [2, 2],
          [2, 2],
        ],
      },
      {
        input: [3, 4, 1],
        output: [
          [3, 2],
          [3, 2],
        ],
      },
    ],
    weights: [
      [2, 6],
      [2, 6],
      [2, 6],
    ],
  },
  {
    name: "SimpleRNN (masked, zeroOutputForMask)",
    make: (dtype) =>
      new L.SimpleRNN({
        units: 2,
        returnSequences: true,
        zeroOutputForMask: true,
        dtype,
      }),
    callOptions: (xs) => ({ mask: maskOf(xs) }),
    cases: [
      { input: [2, 3, 2], output: [2, 3, 2] },
      { input: [3, 2, 1], output: [3, 2, 2] },
    ],
    weights: [[2, 2], [2, 2], [2]],
  },
  {
    name: "Bidirectional (masked LSTM, returnSequences)",
    make: (dtype) =>
      new L.Bidirectional(
        new L.LSTM({ units: 1, returnSequences: true, dtype }),
        { dtype },
      ),
    callOptions: (xs) => ({ mask: maskOf(xs) }),
    cases: [
      { input: [2, 3, 2], output: [2, 3, 2] },
      { input: [3, 2, 1], output: [3, 2, 2] },
    ],
    weights: [[2, 4], [1, 4], [4], [2, 4], [1, 4], [4]],
  },
  {
    name: "GlobalAveragePooling1D (masked)",
    make: (dtype) => new L.GlobalAveragePooling1D({ dtype }),
    callOptions: (xs) => ({ mask: maskOf(xs) }),
    cases: [
      { input: [2, 3, 2], output: [2, 2] },
      { input: [3, 4, 1], output: [3, 1] },
    ],
    weights: [],
  },
  {
    name: "Attention (query and value masks)",
    make: (dtype) => new L.Attention({ useScale: true, dtype }),
    callOptions: (xs) => ({
      mask: [maskOf(xs), sequenceMask(xs[1]!.shape[0]!, xs[1]!.shape[1]!)],
    }),
    cases: [
      {
        input: [
          [2, 3, 2],
          [2, 4, 2],
        ],
        output: [2, 3, 2],
      },
      {
        input: [
          [3, 2, 3],
          [3, 3, 1],
          [3, 3, 3],
        ],
        output: [3, 2, 1],
      },
    ],
    weights: [[]],
  },
  {
    name: "AdditiveAttention (value mask)",
    make: (dtype) => new L.AdditiveAttention({ dtype }),
    callOptions: (xs) => ({
      mask: [null, sequenceMask(xs[1]!.shape[0]!, xs[1]!.shape[1]!)],
    }),
    cases: [
      {
        input: [
          [2, 3, 2],
          [2, 4, 2],
        ],
        output: [2, 3, 2],
      },
      {
        input: [
          [3, 1, 2],
          [3, 3, 2],
        ],
        output: [3, 1, 2],
      },
    ],
    weights: [[2]],
  },
  {
    name: "MultiHeadAttention (attention and query masks)",
    make: (dtype) =>
      new L.MultiHeadAttention({ numHeads: 2, keyDim: 1, dtype }),
    callOptions: (xs) => {
      const [b, t] = xs[0]!.shape as [number, number];
      const s = xs[1]!.shape[1]!;
      const flat = Array.from({ length: b * t * s }, (_, i) => i % 3 !== 1);
      return {
        attentionMask: tg.tensor(flat, [b, t, s], "bool"),
        queryMask: sequenceMask(b, t),
      };
    },
    cases: [
      {
        input: [
          [2, 3, 2],
          [2, 4, 2],
        ],
        output: [2, 3, 2],
      },
      {
        input: [
          [3, 2, 2],
          [3, 2, 1],
        ],
        output: [3, 2, 2],
      },
    ],
    weights: [
      [2, 2, 1],
      [2, 1],
      [2, 2, 1],
      [2, 1],
      [2, 2, 1],
      [2, 1],
      [2, 1, 2],
      [2],
    ],
    weightEntries: 2,
    zeroGradient: {
      weights: ["key/bias"],
      reason: "the softmax over keys ignores a shift shared by every key",
    },
  },
];

/** Exported Layer subclasses that are not layers to test on their own. */
const NOT_LAYERS = new Map<string, string>([
  ["Layer", "the base class"],
  ["InputLayer", "the placeholder of functional models"],
  ["Merge", "the abstract base of Add, Subtract, ..."],
  ["RNN", "the abstract base of SimpleRNN, LSTM and GRU"],
]);

describe("layer harness", () => {
  for (const spec of [...SPECS, ...VARIANTS, ...HOOKS, ...MASKED]) {
    checkLayer(spec);
  }

  test("every layer class exported from tg.layers has a spec", () => {
    // SPECS holds one plain spec per class; the other lists add options.
    const covered = new Set(
      SPECS.map((s) => s.make("float32").constructor as unknown),
    );
    const exported = Object.entries(L).filter(
      ([, v]) =>
        typeof v === "function" &&
        (v === L.Layer || v.prototype instanceof L.Layer),
    );
    assert.ok(exported.length > 50, `only ${exported.length} layer classes`);
    const missing = exported
      .filter(([name, cls]) => !NOT_LAYERS.has(name) && !covered.has(cls))
      .map(([name]) => name);
    assert.deepEqual(
      missing,
      [],
      "exported layer classes without a spec: add one to SPECS in " +
        "test/nn/layers/harness.test.ts",
    );
    for (const name of NOT_LAYERS.keys()) {
      assert.ok(name in L, `${name} is no longer exported`);
    }
  });
});

// Layers with one planted bug each, to show that the harness catches it.
interface ScaleArgs extends tg.layers.LayerArgs {
  factor?: number;
  bug?: string;
}

/** y = factor · x · w, with w [features]; `bug` plants a defect. */
class Scale extends tg.layers.Layer {
  readonly factor: number;
  readonly bug: string;
  w!: tg.Variable;
  unused: tg.Variable | null = null;
  counter: tg.Variable | null = null;

  constructor(args: ScaleArgs = {}) {
    super(args);
    this.factor = args.factor ?? 1;
    this.bug = args.bug ?? "";
  }

  override build(shape: tg.layers.SymbolicShape): void {
    const n = shape[shape.length - 1] as number;
    this.w = this.addWeight("w", { shape: [n], initializer: "ones" });
    if (this.bug === "unused weight") {
      this.unused = this.addWeight("unused", { shape: [n] });
    }
    if (this.bug === "frozen weight moves") {
      this.counter = this.addWeight("counter", {
        shape: [],
        initializer: "zeros",
        trainable: false,
      });
    }
  }

  override call(x: tg.Tensor, options: tg.layers.CallOptions = {}): tg.Tensor {
    if (options.training && this.counter) this.counter.assignAdd(1);
    const k = this.factor;
    const inputScale = this.bug === "input gradient" ? 1.01 : 1;
    const weightScale = this.bug === "weight gradient" ? 1.01 : 1;
    const f = tg.customGrad((a: tg.Tensor, w: tg.Tensor) => ({
      value: a.mul(w).mul(k),
      gradFunc: (dy: tg.Tensor) => [
        dy.mul(w).mul(k * inputScale),
        tg.sum(tg.reshape(dy.mul(a), [-1, w.size]), 0).mul(k * weightScale),
      ],
    }));
    return f(x, this.w);
  }

  override computeOutputShape(
    shape: tg.layers.SymbolicShape,
  ): tg.layers.SymbolicShape {
    return this.bug === "output shape" ? [...shape, 1] : shape;
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...super.getConfig() };
    if (this.bug !== "config") config.factor = this.factor;
    if (this.bug !== "") config.bug = this.bug;
    return config;
  }
}

function scaleSpec(bug: string): LayerSpec {
  return {
    name: `Scale (${bug || "correct"})`,
    make: (dtype) => new Scale({ factor: 1.5, bug, dtype }),
    cases: [
      { input: [2, 3], output: [2, 3] },
      { input: [2, 4, 3], output: [2, 4, 3] },
    ],
    weights: [[3]],
    weightNames: ["w"],
  };
}

/** Runs the check named `what` of `spec`. */
function runCheck(spec: LayerSpec, what: string): void {
  const check = layerChecks(spec).find((c) => c.what.startsWith(what));
  assert.ok(check, `no check "${what}"`);
  check.run();
}

describe("the layer harness catches planted bugs", () => {
  test("a correct layer passes every check", () => {
    for (const check of layerChecks(scaleSpec(""))) check.run();
  });

  test("a wrong gradient w.r.t. the weights", () => {
    const spec = scaleSpec("weight gradient");
    assert.throws(() => runCheck(spec, "float64 gradients"), /scale.*\/w\[/);
  });

  test("a wrong gradient w.r.t. the input", () => {
    const spec = scaleSpec("input gradient");
    assert.throws(() => runCheck(spec, "float64 gradients"), /checkGradients/);
  });

  test("a wrong computeOutputShape", () => {
    const spec = scaleSpec("output shape");
    assert.throws(() => runCheck(spec, "eager and symbolic"), /computeOutput/);
  });

  test("an option missing from getConfig", () => {
    const spec = scaleSpec("config");
    assert.throws(() => runCheck(spec, "getConfig"), /AssertionError|Expected/);
  });

  test("a weight that does not train", () => {
    const spec = { ...scaleSpec("unused weight"), weights: [[3], [3]] };
    assert.throws(() => runCheck(spec, "a training step"), /unused/);
  });

  test("a non-trainable weight that moves in training", () => {
    const spec = { ...scaleSpec("frozen weight moves"), weights: [[3], []] };
    assert.throws(() => runCheck(spec, "a training step"), /counter changed/);
  });

  test("a random layer whose draws do not follow its seed", () => {
    const spec: LayerSpec = {
      name: "Dropout (unseeded)",
      make: (dtype) => new L.Dropout({ rate: 0.5, dtype }),
      cases: [{ input: [2, 8], output: [2, 8] }],
      weights: [],
      random: true,
    };
    assert.throws(() => runCheck(spec, "seeded training"), /Expected|differ/);
  });

  test("wrong weight shapes", () => {
    const spec = { ...scaleSpec(""), weights: [[1, 3]] };
    assert.throws(() => runCheck(spec, "weights"), /weight shapes/);
  });
});
