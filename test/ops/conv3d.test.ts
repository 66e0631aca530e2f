// SPDX-License-Identifier: Apache-2.0
/**
 * 3D convolution ops (conv3d, conv3dTranspose in src/ops/conv.ts): values
 * and gradients against TensorFlow.js (tf.conv3d, tf.conv3dTranspose),
 * float64 finite-difference gradient checks with respect to input and
 * kernel (strides, same padding, dilation, groups, outputPadding), and
 * typed errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type * as TF from "@tensorflow/tfjs";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

type Shape = readonly number[];
type Shape5 = [number, number, number, number, number];

function values(shape: Shape, dtype: tg.DType = "float32", seed = 0) {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) =>
    Math.sin(i * 1.3 + 0.2 + seed),
  );
  return tg.tensor(flat, shape, dtype);
}

function tf5(tf: typeof TF, t: tg.Tensor): TF.Tensor5D {
  return tf.tensor5d(Array.from(t.data), t.shape as Shape5);
}

const TOL = { rtol: 1e-5, atol: 1e-5 };

/** [input, kernel, options] of conv3d, dilation 1 (TF.js's gradient needs it). */
const CONV_CASES: [Shape, Shape, tg.ConvOptions][] = [
  [[2, 4, 5, 4, 2], [2, 3, 2, 2, 3], {}],
  [[1, 5, 5, 6, 2], [3, 3, 3, 2, 2], { strides: 2, padding: "same" }],
  [[1, 4, 6, 5, 1], [2, 2, 3, 1, 2], { strides: [1, 2, 3] }],
  [[1, 3, 4, 4, 2], [3, 2, 4, 2, 1], { padding: "same" }],
];

/** [input, kernel, options] of conv3dTranspose. */
const TRANSPOSE_CASES: [Shape, Shape, tg.ConvTransposeOptions, Shape][] = [
  [[2, 2, 3, 2, 2], [3, 2, 2, 3, 2], {}, [2, 4, 4, 3, 3]],
  [
    [1, 2, 3, 3, 2],
    [3, 3, 3, 2, 2],
    { strides: 2, padding: "same" },
    [1, 4, 6, 6, 2],
  ],
  [[1, 2, 2, 3, 1], [2, 3, 2, 2, 1], { strides: [2, 1, 3] }, [1, 4, 4, 9, 2]],
  [[1, 2, 2, 2, 1], [1, 1, 1, 1, 1], { strides: 3 }, [1, 6, 6, 6, 1]],
];

describe("conv3d", () => {
  test("values and gradients match TensorFlow.js", async () => {
    const tf = await loadTf();
    for (const [xs, ks, opts] of CONV_CASES) {
      const x = values(xs);
      const k = values(ks, "float32", 1);
      const strides = (opts.strides ?? 1) as number | [number, number, number];
      const pad = opts.padding === "same" ? "same" : "valid";
      const y = tg.conv3d(x, k, opts);
      const ty = tf.conv3d(tf5(tf, x), tf5(tf, k), strides, pad);
      assert.deepEqual(y.shape, ty.shape);
      allclose(y, ty.arraySync(), TOL);

      const r = values(y.shape, "float32", 2);
      const [gx, gk] = tg.grads((a: tg.Tensor, b: tg.Tensor) =>
        tg.sum(tg.mul(tg.conv3d(a, b, opts), r)),
      )([x, k]);
      const tr = tf5(tf, r);
      const [tgx, tgk] = tf.grads((a: TF.Tensor, b: TF.Tensor) =>
        tf.sum(
          tf.mul(
            tf.conv3d(a as TF.Tensor5D, b as TF.Tensor5D, strides, pad),
            tr,
          ),
        ),
      )([tf5(tf, x), tf5(tf, k)]);
      allclose(gx!, tgx!.arraySync(), TOL);
      allclose(gk!, tgk!.arraySync(), TOL);
    }
  });

  test("dilation matches TensorFlow.js", async () => {
    const tf = await loadTf();
    const x = values([1, 6, 7, 5, 2]);
    const k = values([2, 3, 2, 2, 3], "float32", 1);
    const y = tg.conv3d(x, k, { dilationRate: [2, 2, 1], padding: "same" });
    const ty = tf.conv3d(tf5(tf, x), tf5(tf, k), 1, "same", "NDHWC", [2, 2, 1]);
    assert.deepEqual(y.shape, [1, 6, 7, 5, 3]);
    allclose(y, ty.arraySync(), TOL);
  });

  test("one window by hand; groups split the channels", () => {
    const x = tg.reshape(tg.range(0, 8), [1, 2, 2, 2, 1]);
    const y = tg.conv3d(x, tg.ones([2, 2, 2, 1, 1]));
    assert.deepEqual(y.toArray(), [[[[[28]]]]]);
    // Two groups of 1 channel: output f uses channel f only.
    const xg = tg.tensor([[[[[1, 100]]]]]);
    const kg = tg.tensor([[[[[2, 3]]]]]);
    assert.deepEqual(tg.conv3d(xg, kg, { groups: 2 }).toArray(), [
      [[[[2, 300]]]],
    ]);
  });

  test("float64 gradients for input and kernel", () => {
    const opts: tg.ConvOptions[] = [
      {},
      { strides: [2, 1, 2], padding: "same" },
      { dilationRate: [1, 2, 1], padding: "same" },
      { groups: 2 },
    ];
    for (const o of opts) {
      const c = o.groups === 2 ? 4 : 2;
      const x = values([1, 3, 4, 3, c], "float64");
      const k = values([2, 2, 2, c / (o.groups ?? 1), 2], "float64", 1);
      const report = tg.testing.checkGradients(
        (a, b) => tg.conv3d(a, b, o),
        [x, k],
      );
      assert.ok(report.maxError < 1e-6, `${JSON.stringify(o)}`);
    }
    const y = tg.conv3d(
      values([1, 3, 3, 3, 1], "float64"),
      values([2, 2, 2, 1, 1]),
    );
    assert.equal(y.dtype, "float64");
  });

  test("typed errors", () => {
    assert.throws(
      () => tg.conv3d(tg.zeros([1, 2, 4, 4, 1]), tg.zeros([3, 3, 3, 1, 1])),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        /^conv3d: .*\[1,2,4,4,1\].*\[3,3,3,1,1\]/.test(e.message),
    );
    assert.throws(
      () => tg.conv3d(tg.zeros([1, 4, 4, 3]), tg.zeros([3, 3, 3, 1])),
      (e: Error) => e instanceof tg.ShapeError && /rank 5/.test(e.message),
    );
    assert.throws(
      () => tg.conv3d(tg.zeros([1, 4, 4, 4, 3]), tg.zeros([2, 2, 2, 2, 1])),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        /conv3d: .*\[1,4,4,4,3\].*\[2,2,2,2,1\]/.test(e.message),
    );
    assert.throws(
      () =>
        tg.conv3d(tg.zeros([1, 4, 4, 4, 1]), tg.zeros([2, 2, 2, 1, 1]), {
          padding: "causal",
        }),
      (e: Error) =>
        e instanceof tg.ValueError && /conv3d: .*padding/.test(e.message),
    );
    assert.throws(
      () =>
        tg.conv3d(tg.zeros([1, 4, 4, 4, 1]), tg.zeros([2, 2, 2, 1, 1]), {
          strides: [1, 2],
        }),
      (e: Error) =>
        e instanceof tg.ValueError && /strides=\[1,2\]/.test(e.message),
    );
  });
});

describe("conv3dTranspose", () => {
  test("values and gradients match TensorFlow.js", async () => {
    const tf = await loadTf();
    for (const [xs, ks, opts, outShape] of TRANSPOSE_CASES) {
      const x = values(xs);
      const k = values(ks, "float32", 1);
      const strides = (opts.strides ?? 1) as number | [number, number, number];
      const pad = opts.padding ?? "valid";
      const y = tg.conv3dTranspose(x, k, opts);
      assert.deepEqual(y.shape, outShape);
      const run = (a: TF.Tensor, b: TF.Tensor) =>
        tf.conv3dTranspose(
          a as TF.Tensor5D,
          b as TF.Tensor5D,
          outShape as Shape5,
          strides,
          pad,
        );
      allclose(y, run(tf5(tf, x), tf5(tf, k)).arraySync(), TOL);

      const r = values(y.shape, "float32", 2);
      const [gx, gk] = tg.grads((a: tg.Tensor, b: tg.Tensor) =>
        tg.sum(tg.mul(tg.conv3dTranspose(a, b, opts), r)),
      )([x, k]);
      // TF.js has no gradient for conv3dTranspose; it is the adjoint of
      // conv3d, so <conv3dTranspose(x, k), r> = <x, conv3d(r, k)> and
      // TF.js's conv3d gives both gradients.
      const tr = tf5(tf, r);
      const [tgx, tgk] = tf.grads((a: TF.Tensor, b: TF.Tensor) =>
        tf.sum(tf.mul(tf.conv3d(tr, b as TF.Tensor5D, strides, pad), a)),
      )([tf5(tf, x), tf5(tf, k)]);
      allclose(gx!, tgx!.arraySync(), TOL);
      allclose(gk!, tgk!.arraySync(), TOL);
    }
  });

  test("is the input gradient of conv3d (dilated, outputPadding)", () => {
    // <conv3d(u, k), v> = <u, conv3dTranspose(v, k)> for every u, v.
    const k = values([2, 3, 2, 3, 2], "float64", 1);
    const u = values([1, 5, 7, 5, 3], "float64");
    const y = tg.conv3d(u, k, { strides: 2 });
    assert.deepEqual(y.shape, [1, 2, 3, 2, 2]);
    const v = values(y.shape, "float64", 2);
    const back = tg.conv3dTranspose(v, k, {
      strides: 2,
      outputPadding: [1, 0, 1],
    });
    assert.deepEqual(back.shape, u.shape);
    assert.ok(
      Math.abs(tg.sum(tg.mul(y, v)).item() - tg.sum(tg.mul(u, back)).item()) <
        1e-10,
    );
    const dil = { dilationRate: [2, 1, 1] };
    const ud = values([1, 6, 4, 4, 3], "float64", 3);
    const yd = tg.conv3d(ud, k, dil);
    const vd = values(yd.shape, "float64", 4);
    const backD = tg.conv3dTranspose(vd, k, dil);
    assert.deepEqual(backD.shape, ud.shape);
    assert.ok(
      Math.abs(
        tg.sum(tg.mul(yd, vd)).item() - tg.sum(tg.mul(ud, backD)).item(),
      ) < 1e-10,
    );
  });

  test("float64 gradients for input and kernel", () => {
    const opts: tg.ConvTransposeOptions[] = [
      {},
      { strides: 2, padding: "same" },
      { strides: [2, 1, 2], outputPadding: [1, 0, 1] },
      { dilationRate: 2, padding: "same" },
    ];
    for (const o of opts) {
      const x = values([1, 2, 3, 2, 2], "float64");
      const k = values([2, 2, 3, 2, 2], "float64", 1);
      const report = tg.testing.checkGradients(
        (a, b) => tg.conv3dTranspose(a, b, o),
        [x, k],
      );
      assert.ok(report.maxError < 1e-6, `${JSON.stringify(o)}`);
    }
  });

  test("typed errors", () => {
    assert.throws(
      () =>
        tg.conv3dTranspose(
          tg.zeros([1, 2, 2, 2, 3]),
          tg.zeros([2, 2, 2, 1, 2]),
        ),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        /^conv3dTranspose: .*3 channels/.test(e.message),
    );
    assert.throws(
      () => tg.conv3dTranspose(tg.zeros([1, 2, 2, 3]), tg.zeros([2, 2, 1, 3])),
      (e: Error) => e instanceof tg.ShapeError && /rank 5/.test(e.message),
    );
    assert.throws(
      () =>
        tg.conv3dTranspose(
          tg.zeros([1, 2, 2, 2, 1]),
          tg.zeros([2, 2, 2, 1, 1]),
          {
            strides: 2,
            outputPadding: 2,
          },
        ),
      (e: Error) =>
        e instanceof tg.ValueError &&
        /conv3dTranspose: .*outputPadding/.test(e.message),
    );
  });
});
