// SPDX-License-Identifier: Apache-2.0
/**
 * Merging layers (src/nn/layers/merging.ts): values against hand
 * computations, Keras's broadcasting after the batch dimension, output
 * shapes (also symbolic), configs, a functional model of two inputs that
 * trains, float64 gradient checks, TensorFlow.js agreement and errors.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";
import { loadTf } from "../../tfjs.js";

const A = [
  [1, -2, 3],
  [0.5, 4, -1],
];
const B = [
  [2, 1, -3],
  [-0.5, 2, 5],
];
const C = [
  [0, 3, 1],
  [1, -1, 2],
];

type Op = (vals: number[]) => number;
const ELEMENTWISE: [string, () => tg.layers.Layer, Op][] = [
  ["Add", () => tg.layers.add(), (v) => v.reduce((s, x) => s + x, 0)],
  ["Multiply", () => tg.layers.multiply(), (v) => v.reduce((s, x) => s * x)],
  [
    "Average",
    () => tg.layers.average(),
    (v) => v.reduce((s, x) => s + x, 0) / v.length,
  ],
  ["Maximum", () => tg.layers.maximum(), (v) => Math.max(...v)],
  ["Minimum", () => tg.layers.minimum(), (v) => Math.min(...v)],
];

function byHand(op: Op, ...ms: number[][][]): number[][] {
  return ms[0]!.map((row, i) =>
    row.map((_, j) => op(ms.map((m) => m[i]![j]!))),
  );
}

function tensors(...ms: number[][][]): tg.Tensor[] {
  return ms.map((m) => tg.tensor(m));
}

describe("element-wise merging: values", () => {
  for (const [name, make, op] of ELEMENTWISE) {
    test(`${name} of three tensors`, () => {
      const y = make().apply(tensors(A, B, C));
      assert.deepEqual(y.shape, [2, 3]);
      allclose(y, byHand(op, A, B, C));
    });
  }

  test("Subtract of two tensors", () => {
    const y = tg.layers.subtract().apply(tensors(A, B));
    allclose(
      y,
      byHand((v) => v[0]! - v[1]!, A, B),
    );
  });

  test("one input returns it (Keras allows a list of 1)", () => {
    allclose(tg.layers.add().apply(tensors(A)), A);
  });

  test("broadcast of a dimension of 1 after the batch", () => {
    const col = [[10], [20]];
    const y = tg.layers.add().apply([tg.tensor(A), tg.tensor(col)]);
    allclose(
      y,
      A.map((r, i) => r.map((v) => v + col[i]![0]!)),
    );
  });

  test("a lower rank gets dimensions inserted after the batch", () => {
    const x3 = tg.randomUniform([2, 4, 3], -1, 1, "float32", 1);
    const x2 = tg.tensor(A);
    const y = tg.layers.multiply().apply([x3, x2]);
    assert.deepEqual(y.shape, [2, 4, 3]);
    const a = x3.toArray() as number[][][];
    allclose(
      y,
      a.map((m, b) => m.map((r) => r.map((v, j) => v * A[b]![j]!))),
    );
  });

  test("float64 stays float64", () => {
    const layer = tg.layers.add({ dtype: "float64" });
    const y = layer.apply([
      tg.tensor(A, undefined, "float64"),
      tg.tensor(B, undefined, "float64"),
    ]);
    assert.equal(y.dtype, "float64");
  });
});

describe("Concatenate and Dot: values", () => {
  test("Concatenate joins on the last axis by default", () => {
    const y = tg.layers
      .concatenate()
      .apply([tg.tensor(A), tg.tensor([[7], [8]])]);
    assert.deepEqual(y.toArray(), [
      [1, -2, 3, 7],
      [0.5, 4, -1, 8],
    ]);
  });

  test("Concatenate on axis 1 of rank-3 inputs", () => {
    const a = tg.randomUniform([2, 1, 3], 0, 1, "float32", 2);
    const b = tg.randomUniform([2, 2, 3], 0, 1, "float32", 3);
    const y = tg.layers.concatenate({ axis: 1 }).apply([a, b]);
    assert.deepEqual(y.shape, [2, 3, 3]);
    const [ya, yb] = [a.toArray(), b.toArray()] as number[][][][];
    allclose(
      y,
      ya!.map((m, i) => [...m, ...yb![i]!]),
    );
  });

  test("Dot of two matrices: one dot product per sample, [batch, 1]", () => {
    const y = tg.layers.dot({ axes: 1 }).apply(tensors(A, B));
    assert.deepEqual(y.shape, [2, 1]);
    allclose(y, [[2 - 2 - 9], [-0.25 + 8 - 5]]);
  });

  test("Dot with axes [1, 2] (Keras's documented example)", () => {
    const x = tg.reshape(tg.range(0, 10), [1, 5, 2]);
    const z = tg.reshape(tg.range(10, 20), [1, 2, 5]);
    const y = tg.layers.dot({ axes: [1, 2] }).apply([x, z]);
    assert.deepEqual(y.toArray(), [
      [
        [260, 360],
        [320, 445],
      ],
    ]);
  });

  test("Dot with negative axes and rank 3 × rank 2", () => {
    const x = tg.randomUniform([2, 3, 4], -1, 1, "float64", 4);
    const z = tg.randomUniform([2, 4], -1, 1, "float64", 5);
    const y = tg.layers.dot({ axes: -1, dtype: "float64" }).apply([x, z]);
    assert.deepEqual(y.shape, [2, 3]);
    const xa = x.toArray() as number[][][];
    const za = z.toArray() as number[][];
    allclose(
      y,
      xa.map((m, b) =>
        m.map((r) => r.reduce((s, v, k) => s + v * za[b]![k]!, 0)),
      ),
      { rtol: 1e-12, atol: 1e-12 },
    );
  });

  test("Dot with normalize gives the cosine similarity", () => {
    const y = tg.layers.dot({ axes: 1, normalize: true }).apply([
      tg.tensor([
        [3, 4],
        [0, 0],
      ]),
      tg.tensor([
        [4, 3],
        [1, 0],
      ]),
    ]);
    allclose(y, [[0.96], [0]], { atol: 1e-6 });
  });
});

describe("output shapes", () => {
  test("computeOutputShape of each layer", () => {
    assert.deepEqual(
      tg.layers.add().computeOutputShape([
        [null, 3],
        [null, 1],
      ]),
      [null, 3],
    );
    assert.deepEqual(
      tg.layers.maximum().computeOutputShape([
        [4, 2, 3],
        [null, 3],
      ]),
      [4, 2, 3],
    );
    assert.deepEqual(
      tg.layers.concatenate({ axis: 1 }).computeOutputShape([
        [null, 2, 5],
        [null, 3, 5],
      ]),
      [null, 5, 5],
    );
    assert.deepEqual(
      tg.layers.concatenate().computeOutputShape([
        [null, 2],
        [null, null],
      ]),
      [null, null],
    );
    assert.deepEqual(
      tg.layers.dot({ axes: [1, 2] }).computeOutputShape([
        [null, 5, 2],
        [null, 3, 5],
      ]),
      [null, 2, 3],
    );
    assert.deepEqual(
      tg.layers.dot({ axes: 1 }).computeOutputShape([
        [null, 4],
        [null, 4],
      ]),
      [null, 1],
    );
  });

  test("symbolic tensors from tg.input", () => {
    const a = tg.input({ shape: [2, 3] });
    const b = tg.input({ shape: [3] });
    const c = tg.input({ shape: [2, 4] });
    assert.deepEqual(tg.layers.add().apply([a, b]).shape, [null, 2, 3]);
    assert.deepEqual(tg.layers.subtract().apply([a, b]).shape, [null, 2, 3]);
    assert.deepEqual(tg.layers.concatenate().apply([a, c]).shape, [null, 2, 7]);
    assert.deepEqual(tg.layers.dot({ axes: 1 }).apply([a, c]).shape, [
      null,
      3,
      4,
    ]);
  });

  test("the layers have no weights", () => {
    for (const layer of [
      tg.layers.add(),
      tg.layers.concatenate(),
      tg.layers.dot({ axes: 1 }),
    ]) {
      layer.apply(tensors(A, B));
      assert.equal(layer.weights.length, 0);
      assert.equal(layer.countParams(), 0);
    }
  });
});

describe("configs", () => {
  test("getConfig / fromConfig round trips", () => {
    const cases: [tg.layers.Layer, Record<string, unknown>][] = [
      [tg.layers.add({ name: "plus" }), {}],
      [tg.layers.subtract(), {}],
      [tg.layers.multiply(), {}],
      [tg.layers.average(), {}],
      [tg.layers.maximum(), {}],
      [tg.layers.minimum(), {}],
      [tg.layers.concatenate({ axis: 1 }), { axis: 1 }],
      [
        tg.layers.dot({ axes: [1, 2], normalize: true }),
        { axes: [1, 2], normalize: true },
      ],
    ];
    for (const [layer, extra] of cases) {
      const config = layer.getConfig();
      for (const [k, v] of Object.entries(extra))
        assert.deepEqual(config[k], v);
      const Class = layer.constructor as typeof tg.layers.Layer;
      const copy = Class.fromConfig(config);
      assert.equal(copy.constructor, layer.constructor);
      assert.deepEqual(copy.getConfig(), config);
    }
  });
});

describe("in a functional model of two inputs", () => {
  function twoInputs(merge: tg.layers.Layer) {
    tg.setSeed(11);
    const a = tg.input({ shape: [3], name: "a" });
    const b = tg.input({ shape: [3], name: "b" });
    const dense = tg.layers.dense({ units: 1, name: "out" });
    const y = dense.apply(merge.apply([a, b]));
    return { model: new tg.Model({ inputs: [a, b], outputs: y }), dense };
  }

  test("predictions equal the layers applied by hand", () => {
    for (const merge of [
      tg.layers.add(),
      tg.layers.multiply(),
      tg.layers.concatenate(),
    ]) {
      const { model, dense } = twoInputs(merge);
      const y = model.apply(tensors(A, B));
      allclose(y, dense.apply(merge.apply(tensors(A, B))));
    }
  });

  test("fit trains the Dense after an Add and a Dot", () => {
    for (const merge of [tg.layers.add(), tg.layers.dot({ axes: 1 })]) {
      const { model, dense } = twoInputs(merge);
      model.compile({ optimizer: "sgd", loss: "mse" });
      const before = dense.kernel.value.toArray();
      const h = model.fit(tensors(A, B), tg.tensor([[1], [-1]]), {
        epochs: 2,
        verbose: 0,
      });
      assert.notDeepEqual(dense.kernel.value.toArray(), before);
      assert.ok(h.history.loss![1]! < h.history.loss![0]!);
    }
  });

  test("tape + SGD trains the inputs through Subtract", () => {
    const x = new tg.Variable(tg.tensor(A));
    const target = tg.tensor(B);
    const layer = tg.layers.subtract();
    const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
    const loss = () => tg.mean(tg.square(layer.apply([x.value, target])));
    const first = loss().item();
    for (let i = 0; i < 3; i++) {
      const tape = new tg.GradientTape();
      const l = tg.mean(tg.square(layer.apply([x, target])));
      const [g] = tape.gradient(l, [x]);
      opt.applyGradients([[g!, x]]);
    }
    assert.ok(loss().item() < first * 0.9);
  });
});

describe("float64 gradients with respect to the inputs", () => {
  const a = [
    [0.3, -1.2, 0.8],
    [1.5, 0.2, -0.7],
  ];
  const b = [
    [-0.4, 0.9, 1.1],
    [0.6, -1.3, 0.25],
  ];
  const c = [[0.5], [-2]];
  const cases: [string, () => tg.layers.Layer, number[][][]][] = [
    ["Add", () => tg.layers.add({ dtype: "float64" }), [a, b, c]],
    ["Subtract", () => tg.layers.subtract({ dtype: "float64" }), [a, c]],
    ["Multiply", () => tg.layers.multiply({ dtype: "float64" }), [a, b, c]],
    ["Average", () => tg.layers.average({ dtype: "float64" }), [a, b, c]],
    ["Maximum", () => tg.layers.maximum({ dtype: "float64" }), [a, b]],
    ["Minimum", () => tg.layers.minimum({ dtype: "float64" }), [a, b]],
    [
      "Concatenate",
      () => tg.layers.concatenate({ dtype: "float64" }),
      [a, c, b],
    ],
    ["Dot", () => tg.layers.dot({ axes: 1, dtype: "float64" }), [a, b]],
    [
      "Dot normalize",
      () => tg.layers.dot({ axes: -1, normalize: true, dtype: "float64" }),
      [a, b],
    ],
  ];
  for (const [name, make, inputs] of cases) {
    test(name, () => {
      const layer = make();
      const report = tg.testing.checkGradients(
        (...xs) => layer.apply(xs),
        inputs,
      );
      assert.ok(report.maxError < 1e-6, `${name}: ${report.maxError}`);
    });
  }

  test("Dot over rank-3 inputs with axes [1, 2]", () => {
    const x = tg.randomUniform([2, 3, 2], -1, 1, "float64", 6);
    const z = tg.randomUniform([2, 4, 3], -1, 1, "float64", 7);
    const layer = tg.layers.dot({ axes: [1, 2], dtype: "float64" });
    tg.testing.checkGradients((p, q) => layer.apply([p, q]), [x, z]);
  });
});

describe("TensorFlow.js agreement", () => {
  // TensorFlow.js has no Subtract layer; tg.sub is compared elsewhere.
  test("the same inputs give the same outputs", async () => {
    const tf = await loadTf();
    const x3 = tg.randomUniform([2, 2, 3], -1, 1, "float32", 8);
    const z3 = tg.randomUniform([2, 4, 2], -1, 1, "float32", 9);
    const tfs = (ts: tg.Tensor[]) =>
      ts.map((t) =>
        tf.tensor(Array.from(t.data as Float32Array), [...t.shape]),
      );
    const cases: [
      tg.layers.Layer,
      { apply(x: unknown): unknown },
      tg.Tensor[],
    ][] = [
      [tg.layers.add(), tf.layers.add(), tensors(A, B, C)],
      [tg.layers.multiply(), tf.layers.multiply(), tensors(A, B, C)],
      [tg.layers.average(), tf.layers.average(), tensors(A, B, C)],
      [tg.layers.maximum(), tf.layers.maximum(), tensors(A, B, C)],
      [tg.layers.minimum(), tf.layers.minimum(), tensors(A, B, C)],
      [tg.layers.concatenate(), tf.layers.concatenate(), tensors(A, B)],
      [
        tg.layers.concatenate({ axis: 1 }),
        tf.layers.concatenate({ axis: 1 }),
        [x3, x3],
      ],
      [tg.layers.dot({ axes: 1 }), tf.layers.dot({ axes: 1 }), tensors(A, B)],
      [
        tg.layers.dot({ axes: 1, normalize: true }),
        tf.layers.dot({ axes: 1, normalize: true }),
        tensors(A, B),
      ],
      [
        tg.layers.dot({ axes: [1, 2] }),
        tf.layers.dot({ axes: [1, 2] }),
        [x3, z3],
      ],
    ];
    for (const [ours, theirs, inputs] of cases) {
      const expected = theirs.apply(tfs(inputs)) as { arraySync(): number[] };
      allclose(ours.apply(inputs), expected.arraySync(), {
        rtol: 1e-5,
        atol: 1e-6,
      });
    }
  });
});

describe("errors", () => {
  test("incompatible shapes: a ShapeError, and the layer stays unbuilt", () => {
    const layer = tg.layers.add();
    assert.throws(
      () => layer.apply([tg.zeros([2, 3]), tg.zeros([2, 4])]),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        /^Add "add(_\d+)?": merging tensors of incompatible shapes: .*got shapes \[2,3\] and \[2,4\]$/.test(
          e.message,
        ),
    );
    assert.equal(layer.built, false);
  });

  test("incompatible symbolic shapes throw at apply", () => {
    const a = tg.input({ shape: [3] });
    const b = tg.input({ shape: [5] });
    assert.throws(
      () => tg.layers.maximum().apply([a, b]),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message.includes("merging tensors of incompatible shapes"),
    );
  });

  test("different batch sizes", () => {
    assert.throws(
      () => tg.layers.add().apply([tg.zeros([2, 3]), tg.zeros([3, 3])]),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message.includes("expected tensors of the same batch size"),
    );
  });

  test("Subtract takes exactly 2 inputs", () => {
    assert.throws(
      () => tg.layers.subtract().apply(tensors(A, B, C)),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        /^Subtract "subtract(_\d+)?": expected exactly 2 inputs, got 3$/.test(
          e.message,
        ),
    );
  });

  test("a single tensor is not a list", () => {
    assert.throws(
      () => tg.layers.add().apply(tg.zeros([2, 3])),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.includes("expected a list of at least 1 input tensor"),
    );
  });

  test("Concatenate: mismatched shapes and bad axes", () => {
    assert.throws(
      () =>
        tg.layers.concatenate().apply([tg.zeros([2, 3]), tg.zeros([2, 3, 1])]),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message.includes(
          "expected inputs of matching shapes except along axis -1",
        ),
    );
    assert.throws(
      () => tg.layers.concatenate({ axis: 0.5 }),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message ===
          "Concatenate: expected axis to be an integer, got axis=0.5",
    );
    assert.throws(
      () => tg.layers.concatenate({ axis: 2 }).apply(tensors(A, B)),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.includes(
          "expected axis in [-2, 2) for inputs of rank 2, got axis=2",
        ),
    );
  });

  test("Dot: axis sizes, axes option and the batch axis", () => {
    assert.throws(
      () =>
        tg.layers.dot({ axes: 1 }).apply([tg.zeros([2, 3]), tg.zeros([2, 4])]),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message.includes("expected the axes to have the same size, got 3"),
    );
    assert.throws(
      () => tg.layers.dot({ axes: [1, 2, 3] as never }),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message ===
          "Dot: expected axes to be an integer or a pair of integers, got axes=[1,2,3]",
    );
    assert.throws(
      () => tg.layers.dot({ axes: 0 }).apply(tensors(A, B)),
      (e: unknown) =>
        e instanceof tg.ValueError && e.message.includes("not the batch axis"),
    );
    assert.throws(
      () => tg.layers.dot({ axes: 1 }).apply(tensors(A, B, C)),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.includes("expected a list of exactly 2 inputs, got 3"),
    );
  });
});
