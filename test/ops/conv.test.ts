// SPDX-License-Identifier: Apache-2.0
/**
 * Convolution ops (src/ops/conv.ts): forward values against TensorFlow.js
 * and hand computations, float64 gradient checks with respect to input and
 * kernel (strides, dilation, same/causal padding, groups), typed errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

type Shape = number[];

function values(shape: Shape, dtype: tg.DType = "float32", seed = 0) {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) =>
    Math.sin(i * 1.3 + 0.2 + seed),
  );
  return tg.tensor(flat, shape, dtype);
}

/** A direct (loop) 2D convolution, the reference for groups. */
function naiveConv2d(
  x: tg.Tensor,
  w: tg.Tensor,
  stride: number,
  groups: number,
): number[] {
  const [b, h, wd, c] = x.shape as [number, number, number, number];
  const [kh, kw, cg, f] = w.shape as [number, number, number, number];
  const oh = Math.floor((h - kh) / stride) + 1;
  const ow = Math.floor((wd - kw) / stride) + 1;
  const fg = f / groups;
  const xs = x.data;
  const ws = w.data;
  const out: number[] = [];
  for (let n = 0; n < b; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < f; o++) {
          const g = Math.floor(o / fg);
          let s = 0;
          for (let a = 0; a < kh; a++)
            for (let e = 0; e < kw; e++)
              for (let q = 0; q < cg; q++) {
                const xi =
                  ((n * h + i * stride + a) * wd + j * stride + e) * c +
                  g * cg +
                  q;
                s += xs[xi]! * ws[((a * kw + e) * cg + q) * f + o]!;
              }
          out.push(s);
        }
  return out;
}

describe("conv2d", () => {
  test("matches TensorFlow.js for strides, padding and dilation", async () => {
    const tf = await loadTf();
    const cases: [Shape, Shape, tg.ConvOptions][] = [
      [[2, 5, 6, 3], [3, 3, 3, 4], {}],
      [[1, 7, 7, 2], [3, 2, 2, 3], { strides: 2, padding: "same" }],
      [[1, 6, 5, 2], [2, 2, 2, 2], { strides: [2, 1], padding: "valid" }],
      [[1, 7, 8, 1], [3, 3, 1, 2], { dilationRate: 2, padding: "same" }],
      [[2, 4, 4, 2], [4, 4, 2, 1], { padding: "same" }],
    ];
    for (const [xs, ks, opts] of cases) {
      const x = values(xs);
      const k = values(ks, "float32", 1);
      const y = tg.conv2d(x, k, opts);
      const s = opts.strides ?? 1;
      const d = opts.dilationRate ?? 1;
      const ty = tf.conv2d(
        tf.tensor4d(
          x.data as Float32Array,
          xs as [number, number, number, number],
        ),
        tf.tensor4d(
          k.data as Float32Array,
          ks as [number, number, number, number],
        ),
        s as number | [number, number],
        opts.padding === "same" ? "same" : "valid",
        "NHWC",
        d as number | [number, number],
      );
      assert.deepEqual(y.shape, ty.shape);
      allclose(y, ty.arraySync(), { rtol: 1e-5, atol: 1e-5 });
    }
  });

  test("hand computation and groups against a direct loop", () => {
    const x = tg.reshape(tg.range(0, 9), [1, 3, 3, 1]);
    const y = tg.conv2d(x, tg.ones([2, 2, 1, 1]));
    assert.deepEqual(y.reshape([4]).toArray(), [8, 12, 20, 24]);
    const xg = values([2, 5, 5, 4], "float64");
    const wg = values([3, 2, 2, 6], "float64", 2);
    const yg = tg.conv2d(xg, wg, { groups: 2, strides: 2 });
    assert.deepEqual(yg.shape, [2, 2, 2, 6]);
    assert.equal(yg.dtype, "float64");
    allclose(tg.reshape(yg, [-1]), naiveConv2d(xg, wg, 2, 2), {
      rtol: 1e-12,
      atol: 1e-12,
    });
  });

  test("float64 gradients for input and kernel", () => {
    const opts: tg.ConvOptions[] = [
      {},
      { strides: 2, padding: "same" },
      { dilationRate: 2, padding: "same" },
      { groups: 2, strides: [1, 2] },
    ];
    for (const o of opts) {
      const c = o.groups === 2 ? 4 : 2;
      const x = values([2, 5, 5, c], "float64");
      const k = values([3, 3, c / (o.groups ?? 1), 4], "float64", 1);
      tg.testing.checkGradients((a, b) => tg.conv2d(a, b, o), [x, k]);
    }
  });

  test("typed errors", () => {
    assert.throws(
      () => tg.conv2d(tg.zeros([1, 2, 2, 1]), tg.zeros([3, 3, 1, 1])),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        /conv2d: .*\[1,2,2,1\].*\[3,3,1,1\]/.test(e.message),
    );
    assert.throws(
      () => tg.conv2d(tg.zeros([1, 4, 4, 3]), tg.zeros([3, 3, 2, 1])),
      (e: Error) => e instanceof tg.ShapeError && /conv2d: /.test(e.message),
    );
    assert.throws(
      () =>
        tg.conv2d(tg.zeros([1, 4, 4, 1]), tg.zeros([3, 3, 1, 1]), {
          padding: "causal",
        }),
      (e: Error) =>
        e instanceof tg.ValueError && /conv2d: .*padding/.test(e.message),
    );
    assert.throws(
      () =>
        tg.conv2d(tg.zeros([1, 4, 4, 1]), tg.zeros([3, 3, 1, 1]), {
          strides: 0,
        }),
      (e: Error) => e instanceof tg.ValueError && /strides=0/.test(e.message),
    );
    assert.throws(
      () => tg.conv2d(tg.zeros([4, 4, 1]), tg.zeros([3, 3, 1, 1])),
      (e: Error) => e instanceof tg.ShapeError && /rank 4/.test(e.message),
    );
  });
});

describe("conv1d", () => {
  test("matches TensorFlow.js; causal padding shifts the window", async () => {
    const tf = await loadTf();
    const cases: [Shape, Shape, tg.ConvOptions][] = [
      [[2, 9, 3], [3, 3, 4], {}],
      [[1, 9, 2], [4, 2, 3], { strides: 2, padding: "same" }],
      [[1, 10, 2], [3, 2, 2], { dilationRate: 2, padding: "same" }],
    ];
    for (const [xs, ks, opts] of cases) {
      const x = values(xs);
      const k = values(ks, "float32", 1);
      const y = tg.conv1d(x, k, opts);
      const ty = tf.conv1d(
        tf.tensor3d(x.data as Float32Array, xs as [number, number, number]),
        tf.tensor3d(k.data as Float32Array, ks as [number, number, number]),
        (opts.strides ?? 1) as number,
        opts.padding === "same" ? "same" : "valid",
        "NWC",
        (opts.dilationRate ?? 1) as number,
      );
      assert.deepEqual(y.shape, ty.shape);
      allclose(y, ty.arraySync(), { rtol: 1e-5, atol: 1e-5 });
    }
    // causal, kernel [1, 10] (taps t-1, t): y[t] = x[t-1] + 10 x[t].
    const y = tg.conv1d([[[1], [2], [3]]], [[[1]], [[10]]], {
      padding: "causal",
    });
    assert.deepEqual(y.toArray(), [[[10], [21], [32]]]);
  });

  test("float64 gradients incl. causal, dilation and groups", () => {
    const opts: tg.ConvOptions[] = [
      { padding: "causal", dilationRate: 2 },
      { strides: 3, padding: "same" },
      { groups: 2 },
    ];
    for (const o of opts) {
      const x = values([2, 7, 4], "float64");
      const k = values([3, 4 / (o.groups ?? 1), 2], "float64", 1);
      tg.testing.checkGradients((a, b) => tg.conv1d(a, b, o), [x, k]);
    }
  });

  test("a kernel longer than a valid-padded input is a ShapeError", () => {
    assert.throws(
      () => tg.conv1d(tg.zeros([1, 2, 1]), tg.zeros([3, 1, 1])),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        /conv1d: .*\[1,2,1\].*\[3,1,1\]/.test(e.message),
    );
    // "causal" pads enough for any kernel.
    assert.deepEqual(
      tg.conv1d(tg.zeros([1, 2, 1]), tg.zeros([3, 1, 1]), {
        padding: "causal",
      }).shape,
      [1, 2, 1],
    );
  });
});

describe("conv2dTranspose and conv1dTranspose", () => {
  test("match TensorFlow.js", async () => {
    const tf = await loadTf();
    const cases: [Shape, Shape, tg.ConvTransposeOptions, Shape][] = [
      [[2, 3, 4, 2], [3, 3, 5, 2], {}, [2, 5, 6, 5]],
      [
        [1, 3, 3, 2],
        [3, 3, 2, 2],
        { strides: 2, padding: "same" },
        [1, 6, 6, 2],
      ],
      [[1, 3, 2, 1], [3, 2, 2, 1], { strides: 2 }, [1, 7, 4, 2]],
      [[1, 2, 2, 1], [2, 2, 1, 1], { strides: 3 }, [1, 6, 6, 1]],
    ];
    for (const [xs, ks, opts, outShape] of cases) {
      const x = values(xs);
      const k = values(ks, "float32", 1);
      const y = tg.conv2dTranspose(x, k, opts);
      assert.deepEqual(y.shape, outShape);
      const ty = tf.conv2dTranspose(
        tf.tensor4d(
          x.data as Float32Array,
          xs as [number, number, number, number],
        ),
        tf.tensor4d(
          k.data as Float32Array,
          ks as [number, number, number, number],
        ),
        outShape as [number, number, number, number],
        (opts.strides ?? 1) as number,
        opts.padding ?? "valid",
      );
      allclose(y, ty.arraySync(), { rtol: 1e-5, atol: 1e-5 });
    }
    const y1 = tg.conv1dTranspose(
      values([1, 4, 2]),
      values([3, 3, 2], "float32", 1),
      {
        strides: 2,
      },
    );
    const t1 = tf.squeeze(
      tf.conv2dTranspose(
        tf.tensor4d(values([1, 4, 2]).data as Float32Array, [1, 1, 4, 2]),
        tf.tensor4d(
          values([3, 3, 2], "float32", 1).data as Float32Array,
          [1, 3, 3, 2],
        ),
        [1, 1, 9, 3],
        [1, 2],
        "valid",
      ),
      [1],
    );
    assert.deepEqual(y1.shape, [1, 9, 3]);
    allclose(y1, t1.arraySync(), { rtol: 1e-5, atol: 1e-5 });
  });

  test("outputPadding follows Keras's output size and TensorFlow.js's values", async () => {
    const tf = await loadTf();
    const cases: [Shape, Shape, tg.ConvTransposeOptions, Shape][] = [
      [
        [1, 3, 2, 2],
        [3, 3, 2, 2],
        { strides: 2, outputPadding: 1 },
        [1, 8, 6, 2],
      ],
      [
        [1, 3, 3, 1],
        [4, 4, 2, 1],
        { strides: 2, padding: "same", outputPadding: [1, 1] },
        [1, 5, 5, 2],
      ],
    ];
    for (const [xs, ks, opts, outShape] of cases) {
      const x = values(xs);
      const k = values(ks, "float32", 1);
      const y = tg.conv2dTranspose(x, k, opts);
      assert.deepEqual(y.shape, outShape);
      const ty = tf.conv2dTranspose(
        tf.tensor4d(
          x.data as Float32Array,
          xs as [number, number, number, number],
        ),
        tf.tensor4d(
          k.data as Float32Array,
          ks as [number, number, number, number],
        ),
        outShape as [number, number, number, number],
        2,
        opts.padding ?? "valid",
      );
      allclose(y, ty.arraySync(), { rtol: 1e-5, atol: 1e-5 });
    }
    const x = values([1, 3, 2], "float64");
    const k = values([3, 2, 2], "float64", 1);
    tg.testing.checkGradients(
      (a, b) => tg.conv1dTranspose(a, b, { strides: 3, outputPadding: 2 }),
      [x, k],
    );
    assert.throws(
      () => tg.conv1dTranspose(x, k, { strides: 2, outputPadding: 2 }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        /conv1dTranspose: .*outputPadding=2/.test(e.message),
    );
    assert.throws(
      () =>
        tg.conv1dTranspose(x, values([4, 2, 2], "float64"), {
          strides: 2,
          padding: "same",
          outputPadding: 0,
        }),
      (e: Error) =>
        e instanceof tg.ShapeError && /conv1dTranspose: /.test(e.message),
    );
  });

  test("is the gradient of conv with respect to its input", () => {
    const x = values([2, 6, 5, 3], "float64");
    const k = values([3, 2, 3, 4], "float64", 1);
    const opts = { strides: 2, padding: "same" } as const;
    const dy = values([2, 3, 3, 4], "float64", 2);
    const g = tg.grad((a: tg.Tensor) =>
      tg.sum(tg.mul(tg.conv2d(a, k, opts), dy)),
    )(x);
    // conv2d's kernel [kh, kw, in, out] is conv2dTranspose's [kh, kw, filters=in, channels=out].
    const t = tg.conv2dTranspose(dy, k, opts);
    assert.deepEqual(t.shape, [2, 6, 6, 3]);
    allclose(tg.slice(t, [0, 0, 0, 0], [2, 6, 5, 3]), g, {
      rtol: 1e-12,
      atol: 1e-12,
    });
  });

  test("float64 gradients for input and kernel", () => {
    const opts: tg.ConvTransposeOptions[] = [
      { strides: 2 },
      { strides: 2, padding: "same", dilationRate: 1 },
      { dilationRate: 2, padding: "same" },
    ];
    for (const o of opts) {
      const x = values([2, 3, 3, 2], "float64");
      const k = values([3, 3, 3, 2], "float64", 1);
      tg.testing.checkGradients((a, b) => tg.conv2dTranspose(a, b, o), [x, k]);
      const x1 = values([2, 4, 2], "float64");
      const k1 = values([3, 3, 2], "float64", 1);
      tg.testing.checkGradients(
        (a, b) => tg.conv1dTranspose(a, b, o),
        [x1, k1],
      );
    }
  });

  test("typed errors", () => {
    assert.throws(
      () => tg.conv2dTranspose(tg.zeros([1, 2, 2, 3]), tg.zeros([2, 2, 1, 2])),
      (e: Error) =>
        e instanceof tg.ShapeError && /conv2dTranspose: /.test(e.message),
    );
    assert.throws(
      () =>
        tg.conv1dTranspose(tg.zeros([1, 2, 1]), tg.zeros([2, 1, 1]), {
          padding: "causal" as "same",
        }),
      (e: Error) =>
        e instanceof tg.ValueError && /conv1dTranspose: /.test(e.message),
    );
  });
});
