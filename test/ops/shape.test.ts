// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

const tf = await loadTf();
const { checkGradients } = tg.testing;

function rand(shape: number[], seed: number, dtype: tg.DType = "float64") {
  return tg.randomUniform(shape, -1, 1, dtype, seed);
}

function toTf(x: tg.Tensor) {
  return tf.tensor(Float32Array.from(x.data), [...x.shape]);
}

const x234 = rand([2, 3, 4], 1, "float32");

describe("reshape, transpose, expandDims, squeeze", () => {
  test("reshape, with -1 inferred", () => {
    allclose(tg.reshape([1, 2, 3, 4], [2, -1]), [
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(x234.reshape([-1]).shape, [24]);
    assert.deepEqual(x234.reshape([4, -1, 2]).shape, [4, 3, 2]);
    assert.deepEqual(tg.reshape([[5]], []).shape, []);
    assert.deepEqual(x234.flatten().shape, [24]);
    allclose(x234.reshape([6, 4]).reshape([2, 3, 4]), x234);
  });

  test("transpose, default and with a permutation", () => {
    allclose(tg.transpose([[1, 2, 3]]), [[1], [2], [3]]);
    for (const perm of [undefined, [2, 0, 1], [0, 2, 1], [1, 0, 2]]) {
      const e = tf.transpose(toTf(x234), perm).arraySync();
      allclose(tg.transpose(x234, perm), e, { rtol: 0, atol: 0 });
    }
    allclose(x234.transpose([0, 1, 2]), x234);
  });

  test("expandDims and squeeze", () => {
    assert.deepEqual(tg.expandDims([1, 2]).shape, [1, 2]);
    assert.deepEqual(tg.expandDims([1, 2], 1).shape, [2, 1]);
    assert.deepEqual(tg.expandDims([1, 2], -1).shape, [2, 1]);
    assert.deepEqual(x234.expandDims(-2).shape, [2, 3, 1, 4]);
    assert.deepEqual(tg.expandDims(5).shape, [1]);
    assert.deepEqual(tg.squeeze([[1], [2]]).shape, [2]);
    const y = tg.zeros([1, 2, 1, 3, 1]);
    assert.deepEqual(y.squeeze().shape, [2, 3]);
    assert.deepEqual(y.squeeze(2).shape, [1, 2, 3, 1]);
    assert.deepEqual(y.squeeze([0, -1]).shape, [2, 1, 3]);
    allclose(tg.squeeze([[7]]), 7);
  });
});

describe("concat, stack, split", () => {
  test("concat along each axis", () => {
    allclose(tg.concat([[1, 2], [3]]), [1, 2, 3]);
    const a = rand([2, 3], 1, "float32");
    const b = rand([2, 1], 2, "float32");
    const c = rand([4, 3], 3, "float32");
    allclose(
      tg.concat([a, b], 1),
      tf.concat([toTf(a), toTf(b)], 1).arraySync(),
    );
    allclose(
      tg.concat([a, b, a], -1),
      tf.concat([toTf(a), toTf(b), toTf(a)], -1).arraySync(),
    );
    allclose(tg.concat([a, c]), tf.concat([toTf(a), toTf(c)]).arraySync());
    assert.equal(tg.concat([a]).shape[0], 2);
    const i = tg.ones([1], "int32");
    assert.equal(tg.concat([i, tg.tensor([0.5])]).dtype, "float32");
  });

  test("stack along a new axis", () => {
    allclose(
      tg.stack([
        [1, 2],
        [3, 4],
      ]),
      [
        [1, 2],
        [3, 4],
      ],
    );
    allclose(
      tg.stack(
        [
          [1, 2],
          [3, 4],
        ],
        1,
      ),
      [
        [1, 3],
        [2, 4],
      ],
    );
    assert.deepEqual(tg.stack([x234, x234], -1).shape, [2, 3, 4, 2]);
    assert.deepEqual(tg.stack([1, 2, 3]).shape, [3]);
    const e = tf.stack([toTf(x234), toTf(x234)], 2).arraySync();
    allclose(tg.stack([x234, x234], 2), e);
  });

  test("split into equal parts and by sizes", () => {
    const [a, b] = tg.split([1, 2, 3, 4], [1, 3]);
    allclose(a!, [1]);
    allclose(b!, [2, 3, 4]);
    const parts = tg.split(x234, 2, 2);
    assert.equal(parts.length, 2);
    parts.forEach((p, i) => {
      allclose(p, tf.split(toTf(x234), 2, 2)[i]!.arraySync());
    });
    const sized = tg.split(x234, [1, -1], 1);
    assert.deepEqual(
      sized.map((p) => p.shape),
      [
        [2, 1, 4],
        [2, 2, 4],
      ],
    );
    allclose(tg.concat(sized, 1), x234);
    assert.deepEqual(tg.split(x234, [0, 3], 1)[0]!.shape, [2, 0, 4]);
  });
});

describe("slice, pad, tile, broadcastTo", () => {
  test("slice", () => {
    allclose(
      tg.slice(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [0, 1],
        [2, 2],
      ),
      [
        [2, 3],
        [5, 6],
      ],
    );
    allclose(tg.slice([1, 2, 3, 4], 1), [2, 3, 4]);
    allclose(tg.slice([1, 2, 3, 4], 1, 2), [2, 3]);
    allclose(
      tg.slice(
        [
          [1, 2],
          [3, 4],
        ],
        [1],
        [-1],
      ),
      [[3, 4]],
    );
    const e = tf.slice(toTf(x234), [1, 0, 1], [1, -1, 2]).arraySync();
    allclose(x234.slice([1, 0, 1], [1, -1, 2]), e);
    assert.deepEqual(tg.slice([1, 2, 3], [1], [0]).shape, [0]);
  });

  test("pad", () => {
    allclose(tg.pad([1, 2], [[1, 2]]), [0, 1, 2, 0, 0]);
    allclose(
      tg.pad(
        [[1]],
        [
          [0, 1],
          [2, 0],
        ],
        9,
      ),
      [
        [9, 9, 1],
        [9, 9, 9],
      ],
    );
    const paddings: [number, number][] = [
      [1, 0],
      [0, 2],
      [1, 1],
    ];
    const e = tf.pad(toTf(x234), paddings, 0.5).arraySync();
    allclose(tg.pad(x234, paddings, 0.5), e);
    allclose(tg.pad(tg.scalar(3), []), 3);
  });

  test("tile", () => {
    allclose(tg.tile([1, 2], [2]), [1, 2, 1, 2]);
    allclose(tg.tile([[1, 2]], [2, 2]), [
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    allclose(x234.tile([2, 1, 3]), tf.tile(toTf(x234), [2, 1, 3]).arraySync());
    assert.deepEqual(tg.tile([1, 2], [0]).shape, [0]);
  });

  test("broadcastTo", () => {
    allclose(tg.broadcastTo([1, 2], [2, 2]), [
      [1, 2],
      [1, 2],
    ]);
    allclose(tg.broadcastTo([[1], [2]], [2, 3]), [
      [1, 1, 1],
      [2, 2, 2],
    ]);
    allclose(tg.broadcastTo(5, [2]), [5, 5]);
    const b = tg.broadcastTo(x234, [2, 2, 3, 4]);
    allclose(b, tf.broadcastTo(toTf(x234), [2, 2, 3, 4]).arraySync());
    allclose(x234.broadcastTo([2, 3, 4]), x234);
  });
});

describe("gather and oneHot", () => {
  test("gather along an axis, with repeated and nested indices", () => {
    allclose(tg.gather([10, 20, 30], [2, 0]), [30, 10]);
    allclose(tg.gather([10, 20, 30], [1, 1, 1]), [20, 20, 20]);
    allclose(
      tg.gather(
        [
          [1, 2],
          [3, 4],
        ],
        [1],
        1,
      ),
      [[2], [4]],
    );
    const idx = tg.tensor(
      [
        [0, 2],
        [3, 3],
      ],
      undefined,
      "int32",
    );
    for (const axis of [0, 1, 2, -1]) {
      const indices =
        axis === 0
          ? tg.tensor(
              [
                [1, 0],
                [1, 1],
              ],
              undefined,
              "int32",
            )
          : axis === 1
            ? tg.minimum(idx, 2)
            : idx;
      const r = tg.gather(x234, indices, axis);
      const e = tf.gather(
        toTf(x234),
        tf.tensor(Array.from(indices.data), [...indices.shape], "int32"),
        axis,
      );
      assert.deepEqual(r.shape, e.shape);
      allclose(r, e.arraySync(), { rtol: 0, atol: 0 });
    }
    allclose(tg.tensor([5, 6]).gather([1]), [6]);
    assert.equal(tg.gather(tg.ones([3], "int32"), [0]).dtype, "int32");
  });

  test("oneHot", () => {
    assert.deepEqual(tg.oneHot([0, 2], 3).toArray(), [
      [1, 0, 0],
      [0, 0, 1],
    ]);
    assert.equal(tg.oneHot([0], 2).dtype, "int32");
    const f = tg.oneHot([[1], [5]], 3, 0.9, 0.05, "float32");
    assert.deepEqual(f.shape, [2, 1, 3]);
    allclose(f, [[[0.05, 0.9, 0.05]], [[0.05, 0.05, 0.05]]]);
    assert.deepEqual(tg.oneHot([-1], 2).toArray(), [[0, 0]]);
  });
});

describe("shape ops: gradients (float64 central differences)", () => {
  const x = rand([2, 3, 4], 21);
  const cases: [string, (v: tg.Tensor) => tg.Tensor][] = [
    ["reshape", (v) => tg.reshape(v, [4, -1])],
    ["flatten", (v) => v.flatten()],
    ["transpose (default)", (v) => tg.transpose(v)],
    ["transpose [2,0,1]", (v) => tg.transpose(v, [2, 0, 1])],
    ["expandDims -1", (v) => tg.expandDims(v, -1)],
    ["squeeze", (v) => tg.squeeze(tg.slice(v, [0, 1, 0], [2, 1, 4]), 1)],
    ["slice", (v) => tg.slice(v, [1, 0, 1], [1, -1, 2])],
    ["slice begin only", (v) => tg.slice(v, 1)],
    [
      "pad",
      (v) =>
        tg.pad(
          v,
          [
            [1, 0],
            [0, 2],
            [1, 1],
          ],
          3,
        ),
    ],
    ["tile", (v) => tg.tile(v, [2, 1, 3])],
    [
      "broadcastTo",
      (v) => tg.broadcastTo(tg.slice(v, [0, 0, 0], [2, 1, 4]), [3, 2, 3, 4]),
    ],
    ["gather axis 0, repeated", (v) => tg.gather(v, [1, 1, 0], 0)],
    [
      "gather axis -1, nested",
      (v) =>
        tg.gather(
          v,
          tg.tensor(
            [
              [3, 0],
              [3, 3],
            ],
            undefined,
            "int32",
          ),
          -1,
        ),
    ],
    ["concat with itself", (v) => tg.concat([v, tg.mul(v, 2)], 1)],
    ["stack", (v) => tg.stack([v, tg.square(v)], 1)],
    [
      "split",
      (v) => {
        const [a, b] = tg.split(v, [1, 3], -1);
        return tg.add(tg.sum(tg.mul(a!, 3)), tg.sum(tg.square(b!)));
      },
    ],
  ];
  for (const [name, f] of cases) {
    test(name, () => {
      checkGradients(f, [x]);
    });
  }

  test("concat and stack of several inputs", () => {
    const a = rand([2, 3], 1);
    const b = rand([2, 1], 2);
    checkGradients((p, q) => tg.concat([p, q, p], 1), [a, b]);
    checkGradients((p, q) => tg.concat([p, q], -1), [a, b]);
    checkGradients((p, q) => tg.stack([p, q], -1), [a, rand([2, 3], 3)]);
  });

  test("gather with repeated indices adds their gradients", () => {
    const g = tg.grad((v) => tg.gather(v, [0, 0, 2, 0]))(
      tg.tensor([1, 2, 3], undefined, "float64"),
    );
    allclose(g, [3, 0, 1]);
    const g2 = tg.grad((v) => tg.gather(v, [[1, 1]], 1))(
      tg.ones([2, 2], "float64"),
    );
    allclose(g2, [
      [0, 2],
      [0, 2],
    ]);
  });

  test("second derivatives through gather, slice, pad and tile", () => {
    const v = rand([3, 2], 5);
    const fs: ((t: tg.Tensor) => tg.Tensor)[] = [
      (t) => tg.pow(tg.gather(t, [0, 0, 2]), 3),
      (t) => tg.pow(tg.slice(t, [1, 0], [2, 1]), 3),
      (t) =>
        tg.pow(
          tg.pad(
            t,
            [
              [1, 0],
              [0, 1],
            ],
            0.5,
          ),
          3,
        ),
      (t) => tg.pow(tg.tile(t, [1, 2]), 3),
      (t) => tg.pow(tg.transpose(t), 3),
    ];
    for (const f of fs) {
      const d = tg.grad(f);
      checkGradients((t) => d(t), [v], { tolerance: 1e-5 });
    }
  });
});

describe("shape ops never mutate their inputs", () => {
  test("every op", () => {
    const v = rand([2, 3], 8);
    const before = Array.from(v.data);
    const results = [
      tg.reshape(v, [3, 2]),
      tg.transpose(v),
      tg.expandDims(v),
      tg.squeeze(tg.expandDims(v)),
      tg.concat([v, v]),
      tg.stack([v, v]),
      ...tg.split(v, 3, 1),
      tg.slice(v, [0, 1]),
      tg.pad(
        v,
        [
          [1, 1],
          [1, 1],
        ],
        7,
      ),
      tg.tile(v, [2, 2]),
      tg.broadcastTo(v, [2, 2, 3]),
      tg.gather(v, [1, 0]),
    ];
    for (const r of results) tg.grad((t) => tg.sum(t))(r);
    tg.grad((t) =>
      tg.sum(
        tg.gather(
          tg.pad(t, [
            [1, 1],
            [0, 0],
          ]),
          [0, 2],
        ),
      ),
    )(v);
    assert.deepEqual(Array.from(v.data), before);
  });

  test("reshape shares storage but later ops do not write to it", () => {
    const v = tg.tensor([1, 2, 3, 4]);
    const r = v.reshape([2, 2]);
    tg.add(r, 1);
    tg.neg(r);
    allclose(v, [1, 2, 3, 4]);
  });
});

describe("shape ops: bad input", () => {
  test("reshape to an incompatible shape", () => {
    assert.throws(() => tg.reshape(tg.zeros([2, 3]), [4]), {
      name: "ShapeError",
      message:
        "reshape: cannot reshape a tensor of shape [2,3] (6 values) to [4]",
    });
    assert.throws(() => tg.reshape(tg.zeros([2, 3]), [-1, 4]), {
      name: "ShapeError",
      message:
        /^reshape: cannot reshape a tensor of shape \[2,3\] \(6 values\) to \[-1,4\]/,
    });
    assert.throws(() => tg.reshape(tg.zeros([6]), [-1, -1]), tg.ShapeError);
    assert.throws(() => tg.reshape(tg.zeros([6]), [2.5, 2]), tg.ShapeError);
    assert.throws(() => tg.reshape(tg.zeros([6]), [-2, -3]), tg.ShapeError);
  });

  test("transpose with a bad permutation", () => {
    assert.throws(() => tg.transpose(tg.zeros([2, 3]), [0, 0]), {
      name: "ValueError",
      message: "transpose: expected a permutation of [0..1], got [0,0]",
    });
    assert.throws(
      () => tg.transpose(tg.zeros([2, 3]), [0, 1, 2]),
      tg.ValueError,
    );
  });

  test("bad axes", () => {
    assert.throws(() => tg.expandDims([1, 2], 3), {
      name: "ValueError",
      message: "expandDims: expected an axis in [-2, 2), got 3",
    });
    assert.throws(() => tg.squeeze(tg.zeros([2, 1]), 0), {
      name: "ShapeError",
      message: "squeeze: expected dimension 0 to be 1, got shape [2,1]",
    });
    assert.throws(() => tg.squeeze(tg.zeros([2, 1]), 2), {
      name: "ValueError",
      message: /^squeeze: expected an axis in \[-2, 2\), got 2/,
    });
    assert.throws(() => tg.concat([tg.zeros([2]), tg.zeros([2])], 1), {
      name: "ValueError",
      message: /^concat: expected an axis in \[-1, 1\), got 1/,
    });
    assert.throws(() => tg.concat([tg.scalar(1), tg.scalar(2)]), {
      name: "ValueError",
      message: /^concat: expected an axis in \[0, 0\), got 0/,
    });
    assert.throws(() => tg.gather([1, 2], [0], 1), {
      name: "ValueError",
      message: /^gather: expected an axis in \[-1, 1\), got 1/,
    });
    assert.throws(() => tg.gather(tg.scalar(1), [0]), tg.ValueError);
    assert.throws(() => tg.split(tg.zeros([4]), 2, 1), tg.ValueError);
  });

  test("concat and stack of mismatched shapes", () => {
    assert.throws(() => tg.concat([tg.zeros([2, 3]), tg.zeros([3, 2])], 1), {
      name: "ShapeError",
      message:
        "concat: expected shapes that match [2,3] except on axis 1, got [3,2]",
    });
    assert.throws(
      () => tg.concat([tg.zeros([2, 3]), tg.zeros([3])]),
      tg.ShapeError,
    );
    assert.throws(() => tg.concat([]), {
      name: "ValueError",
      message: "concat: expected a non-empty list of tensors, got []",
    });
    assert.throws(() => tg.stack([tg.zeros([2]), tg.zeros([3])]), {
      name: "ShapeError",
      message: "stack: expected tensors of one shape [2], got [3]",
    });
  });

  test("split that does not divide", () => {
    assert.throws(() => tg.split(tg.zeros([5]), 2), {
      name: "ValueError",
      message:
        "split: expected a number of parts that divides dimension 0 (5), got 2",
    });
    assert.throws(() => tg.split(tg.zeros([5]), [2, 2]), {
      name: "ValueError",
      message:
        "split: expected sizes that add up to dimension 0 (5), got [2,2]",
    });
    assert.throws(() => tg.split(tg.zeros([5]), [4, -1, 3]), tg.ValueError);
  });

  test("slice out of bounds", () => {
    assert.throws(() => tg.slice(tg.zeros([2, 3]), [1, 1], [2, 1]), {
      name: "ValueError",
      message: "slice: expected begin [1,1] and size [2,1] inside shape [2,3]",
    });
    assert.throws(() => tg.slice(tg.zeros([2]), [-1]), tg.ValueError);
  });

  test("pad, tile and broadcastTo with bad arguments", () => {
    assert.throws(() => tg.pad(tg.zeros([2, 2]), [[1, 1]]), {
      name: "ValueError",
      message: "pad: expected 2 pairs of integers >= 0, got [[1,1]]",
    });
    assert.throws(() => tg.pad(tg.zeros([2]), [[-1, 1]]), tg.ValueError);
    assert.throws(() => tg.tile(tg.zeros([2, 2]), [2]), {
      name: "ValueError",
      message: "tile: expected 2 repetition counts >= 0, got [2]",
    });
    assert.throws(() => tg.broadcastTo(tg.zeros([3]), [2, 2]), {
      name: "ShapeError",
      message: /^broadcastTo: shapes \[3\] and \[2,2\] cannot broadcast/,
    });
    assert.throws(() => tg.broadcastTo(tg.zeros([2, 2]), [2]), {
      name: "ShapeError",
      message: "broadcastTo: cannot broadcast shape [2,2] to [2]",
    });
  });

  test("gather with indices out of range or of the wrong dtype", () => {
    assert.throws(() => tg.gather([1, 2, 3], [0, 3]), {
      name: "ValueError",
      message: "gather: expected indices in [0, 3) on axis 0, got 3",
    });
    assert.throws(() => tg.gather(tg.zeros([2, 2]), [-1], 1), {
      name: "ValueError",
      message: "gather: expected indices in [0, 2) on axis 1, got -1",
    });
    assert.throws(() => tg.gather([1, 2], tg.tensor([0.5])), {
      name: "DTypeError",
      message: "gather: expected int32 indices, got float32",
    });
    assert.throws(() => tg.oneHot(tg.tensor([1]), 2), {
      name: "DTypeError",
      message: "oneHot: expected int32 indices, got float32",
    });
    assert.throws(() => tg.oneHot([1], -2), {
      name: "ValueError",
      message: "oneHot: expected a depth >= 0, got -2",
    });
  });
});
