// SPDX-License-Identifier: Apache-2.0
/**
 * Regularizers (src/nn/regularizers.ts): L1, L2, L1L2 and
 * OrthogonalRegularizer against their formulas written out here and
 * TensorFlow.js's l1 / l2 / l1l2; configs, `get` by Keras's names; float64
 * gradient checks; bad options; and their wiring into Dense: weight
 * penalties and Keras 3's activity penalty in `layer.losses`, training
 * with them, and configs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

const R = tg.regularizers;
const X = [
  [0.5, -1.5, 2],
  [-0.25, 1, -3],
];
const flat = X.flat();
const sumAbs = flat.reduce((a, v) => a + Math.abs(v), 0);
const sumSq = flat.reduce((a, v) => a + v * v, 0);
const f64 = (x: tg.NestedArray) => tg.tensor(x, undefined, "float64");

/** Keras's orthogonal penalty, in doubles: mean |cos| over pairs of rows. */
function orthogonal(rows: number[][], factor: number): number {
  const unit = rows.map((r) => r.map((v) => v / Math.hypot(...r)));
  let total = 0;
  for (let i = 0; i < unit.length; i++) {
    for (let j = 0; j < unit.length; j++) {
      if (i === j) continue;
      total += Math.abs(unit[i]!.reduce((a, v, k) => a + v * unit[j]![k]!, 0));
    }
  }
  const pairs = (unit.length * (unit.length - 1)) / 2;
  return (factor * 0.5 * total) / pairs;
}

const transpose = (m: number[][]) => m[0]!.map((_, j) => m.map((r) => r[j]!));

describe("values by hand", () => {
  test("L1: l1 · Σ|x|; L2: l2 · Σx²; L1L2: both", () => {
    allclose(new R.L1({ l1: 0.3 }).call(f64(X)), 0.3 * sumAbs, {
      dtype: "float64",
    });
    allclose(new R.L2({ l2: 0.3 }).call(f64(X)), 0.3 * sumSq, {
      dtype: "float64",
    });
    allclose(
      new R.L1L2({ l1: 0.1, l2: 0.2 }).call(f64(X)),
      0.1 * sumAbs + 0.2 * sumSq,
      {
        dtype: "float64",
      },
    );
    // Keras's docstring: L2(2) of ones(5, 5) is 50.
    allclose(R.l2(2).call(tg.ones([5, 5])), 50);
  });

  test("defaults: L1 and L2 0.01; L1L2 0 and 0 (Keras 3)", () => {
    allclose(R.l1().call(f64(X)), 0.01 * sumAbs, { dtype: "float64" });
    allclose(R.l2().call(f64(X)), 0.01 * sumSq, { dtype: "float64" });
    allclose(new R.L1L2().call(f64(X)), 0, { dtype: "float64" });
    allclose(R.l1l2({ l2: 1 }).call(f64(X)), sumSq, { dtype: "float64" });
    assert.deepEqual(new R.L1L2().getConfig(), { l1: 0, l2: 0 });
  });

  test("OrthogonalRegularizer: factor · mean |cos| over pairs, rows or columns", () => {
    const m = [
      [1, 2, 0.5],
      [-1, 0.3, 2],
      [0.4, -0.7, 1.1],
      [2, 1, -1],
    ];
    allclose(new R.OrthogonalRegularizer().call(f64(m)), orthogonal(m, 0.01), {
      dtype: "float64",
    });
    allclose(
      new R.OrthogonalRegularizer({ factor: 2, mode: "columns" }).call(f64(m)),
      orthogonal(transpose(m), 2),
      { dtype: "float64" },
    );
    // Orthogonal rows give 0; parallel rows give factor.
    allclose(
      new R.OrthogonalRegularizer({ factor: 3 }).call([
        [1, 0],
        [0, -2],
      ]),
      0,
    );
    allclose(
      new R.OrthogonalRegularizer({ factor: 3 }).call([
        [1, 1],
        [-2, -2],
      ]),
      3,
      {
        rtol: 1e-6,
      },
    );
    // One row: no pair, 0 (Keras would divide by 0).
    allclose(new R.OrthogonalRegularizer().call([[1, 2, 3]]), 0);
  });

  test("float64 in, float64 out", () => {
    for (const reg of [
      R.l1(),
      R.l2(),
      R.l1l2({ l1: 1, l2: 1 }),
      R.orthogonalRegularizer(),
    ]) {
      assert.equal(reg.call(f64(X)).dtype, "float64", reg.className);
      assert.equal(reg.call(X).dtype, "float32", reg.className);
    }
  });
});

describe("TensorFlow.js as an oracle", () => {
  test("l1, l2, l1l2", async () => {
    const tf = await loadTf();
    const x = tf.tensor(X);
    const close = { rtol: 1e-6, atol: 1e-6 };
    allclose(
      R.l1(0.2).call(X),
      tf.regularizers.l1({ l1: 0.2 }).apply(x).dataSync()[0]!,
      close,
    );
    allclose(
      R.l2(0.2).call(X),
      tf.regularizers.l2({ l2: 0.2 }).apply(x).dataSync()[0]!,
      close,
    );
    allclose(
      R.l1l2({ l1: 0.1, l2: 0.3 }).call(X),
      tf.regularizers.l1l2({ l1: 0.1, l2: 0.3 }).apply(x).dataSync()[0]!,
      close,
    );
  });
});

describe("configs and names", () => {
  test("getConfig, fromConfig, serialize and get round trips", () => {
    const regs = [
      new R.L1({ l1: 0.5 }),
      new R.L2({ l2: 0.25 }),
      new R.L1L2({ l1: 0.1, l2: 0.2 }),
      new R.OrthogonalRegularizer({ factor: 0.3, mode: "columns" }),
    ];
    for (const reg of regs) {
      const saved = JSON.parse(
        JSON.stringify(R.serialize(reg)),
      ) as tg.regularizers.RegularizerConfig;
      const back = R.get(saved) as tg.regularizers.Regularizer;
      assert.equal(back.className, reg.className);
      assert.deepEqual(back.getConfig(), reg.getConfig());
      const cls = reg.constructor as typeof tg.regularizers.L2;
      assert.deepEqual(
        cls.fromConfig(reg.getConfig()).getConfig(),
        reg.getConfig(),
      );
    }
    assert.deepEqual(R.serialize(new R.OrthogonalRegularizer()), {
      className: "OrthogonalRegularizer",
      config: { factor: 0.01, mode: "rows" },
    });
  });

  test("get: Keras's names and class names", () => {
    const names: [string, string][] = [
      ["l1", "L1"],
      ["L1", "L1"],
      ["l2", "L2"],
      ["L2", "L2"],
      ["l1_l2", "L1L2"],
      ["l1l2", "L1L2"],
      ["L1L2", "L1L2"],
      ["orthogonal_regularizer", "OrthogonalRegularizer"],
      ["OrthogonalRegularizer", "OrthogonalRegularizer"],
    ];
    for (const [name, className] of names) {
      const reg = R.get(name) as tg.regularizers.Regularizer;
      assert.equal(reg.className, className, name);
    }
    assert.deepEqual((R.get("l2") as tg.regularizers.L2).getConfig(), {
      l2: 0.01,
    });
    const fn = (x: tg.Tensor) => x.sum();
    assert.strictEqual(R.get(fn), fn);
    const l1 = R.l1();
    assert.strictEqual(R.get(l1), l1);
    assert.equal(R.get(null), null);
    assert.equal(R.get(undefined), null);
  });
});

describe("gradients (float64)", () => {
  test("each regularizer, away from the kinks of |x|", () => {
    const m = [
      [1, 2, 0.5],
      [-1, 0.3, 2],
      [0.4, -0.7, 1.1],
    ];
    for (const reg of [
      R.l1(0.3),
      R.l2(0.3),
      R.l1l2({ l1: 0.2, l2: 0.4 }),
      new R.OrthogonalRegularizer({ factor: 0.5 }),
      new R.OrthogonalRegularizer({ mode: "columns" }),
    ]) {
      const report = tg.testing.checkGradients(
        (x: tg.Tensor) => reg.call(x),
        [m],
      );
      assert.ok(report.maxError < 1e-7, `${reg.className}: ${report.maxError}`);
    }
  });
});

describe("bad input", () => {
  test("factors must be finite and >= 0", () => {
    assert.throws(() => R.l1(-0.1), {
      name: "ValueError",
      message: "L1: expected l1 to be a finite number >= 0, got l1=-0.1",
    });
    assert.throws(
      () => R.l2(Number.NaN),
      /^ValueError: L2: expected l2 to be a finite number >= 0, got l2=NaN$/,
    );
    assert.throws(
      () => R.l1l2({ l2: Infinity }),
      /L1L2: expected l2 .* got l2=Infinity/,
    );
    assert.throws(
      () => new R.OrthogonalRegularizer({ factor: -1 }),
      /factor=-1/,
    );
  });

  test("bad modes, options, ranks and names", () => {
    assert.throws(
      () => new R.OrthogonalRegularizer({ mode: "cols" as never }),
      {
        name: "ValueError",
        message:
          'OrthogonalRegularizer: expected mode "rows" or "columns", got mode="cols"',
      },
    );
    assert.throws(
      () => new R.L2({ l1: 1 } as never),
      /^ValueError: L2: expected options among "l2", got "l1"$/,
    );
    assert.throws(() => new R.OrthogonalRegularizer().call([1, 2, 3]), {
      name: "ValueError",
      message:
        "OrthogonalRegularizer: expected an input of rank 2, got shape [3]",
    });
    assert.throws(() => R.get("l3"), {
      name: "ValueError",
      message:
        'regularizers.get: expected one of "l1", "l2", "l1_l2", "orthogonal_regularizer" (or a class name such as "L2"), got "l3"',
    });
    assert.throws(
      () => R.get(5 as never),
      /^ValueError: regularizers\.get: expected a name/,
    );
    assert.throws(
      () => R.serialize((x: tg.Tensor) => x),
      /^ValueError: regularizers\.serialize: expected a Regularizer/,
    );
  });
});

describe("Dense", () => {
  const ones = () =>
    new tg.layers.Dense({
      units: 2,
      kernelInitializer: "ones",
      biasInitializer: tg.initializers.constant(0.5),
    });

  test("kernel and bias regularizers by name, instance and function", () => {
    const layer = new tg.layers.Dense({
      units: 2,
      kernelInitializer: "ones",
      biasInitializer: tg.initializers.constant(0.5),
      kernelRegularizer: "l2",
      biasRegularizer: R.l1(0.1),
    });
    layer.build([null, 3]);
    assert.equal(layer.losses.length, 2);
    allclose(layer.losses[0]!, 0.01 * 6);
    allclose(layer.losses[1]!, 0.1 * 1);
    const fn = new tg.layers.Dense({
      units: 2,
      kernelInitializer: "ones",
      kernelRegularizer: (w) => w.sum(),
    });
    fn.build([null, 3]);
    allclose(fn.losses[0]!, 6);
    // Computed now: they follow the weights.
    layer.kernel.assign(tg.fill([3, 2], 2));
    allclose(layer.losses[0]!, 0.01 * 24);
  });

  test("activity regularizer: Keras 3's penalty / batch size (its docstring: 5.25)", () => {
    const layer = new tg.layers.Dense({
      units: 5,
      kernelInitializer: "ones",
      kernelRegularizer: new R.L1({ l1: 0.01 }),
      activityRegularizer: new R.L2({ l2: 0.01 }),
    });
    assert.equal(layer.losses.length, 0); // not built yet
    layer.apply(tg.fill([5, 5], 2));
    // Kernel: 0.01 · 25 = 0.25; activity: 0.01 · 25 · 10² / 5 = 5.
    assert.equal(layer.losses.length, 2);
    allclose(layer.losses[0]!, 0.25);
    allclose(layer.losses[1]!, 5);
    allclose(layer.losses[0]!.add(layer.losses[1]!), 5.25);
    // The latest call's penalty replaces the previous one.
    layer.apply(tg.fill([2, 5], 1));
    assert.equal(layer.losses.length, 2);
    allclose(layer.losses[1]!, (0.01 * 10 * 25) / 2);
  });

  test("a training step through the penalties matches the gradient by hand", () => {
    const layer = ones();
    const reg = new tg.layers.Dense({
      units: 2,
      kernelInitializer: "ones",
      biasInitializer: tg.initializers.constant(0.5),
      kernelRegularizer: R.l2(0.5),
      activityRegularizer: R.l1(0.25),
    });
    const x = [[1, 2, 3]];
    const tape = new tg.GradientTape();
    const y = reg.apply(x);
    const total = tg.add(y.sum(), tg.add(reg.losses[0]!, reg.losses[1]!));
    const [gk, gb] = tape.gradient(total, [reg.kernel, reg.bias]);
    // d/dK of Σy is xᵀ·1; of 0.5·ΣK² is K; of 0.25·Σ|y| / 1 is 0.25·xᵀ·sign(y).
    allclose(gk!, [
      [1 + 1 + 0.25, 1 + 1 + 0.25],
      [2 + 1 + 0.5, 2 + 1 + 0.5],
      [3 + 1 + 0.75, 3 + 1 + 0.75],
    ]);
    allclose(gb!, [1.25, 1.25]);
    assert.equal(layer.losses.length, 0);
  });

  test("getConfig serializes them; fromConfig rebuilds them", () => {
    const layer = new tg.layers.Dense({
      units: 3,
      kernelRegularizer: "l1_l2",
      biasRegularizer: R.l2(0.2),
      activityRegularizer: new R.OrthogonalRegularizer({ mode: "columns" }),
    });
    const config = layer.getConfig();
    assert.deepEqual(config.kernelRegularizer, {
      className: "L1L2",
      config: { l1: 0, l2: 0 },
    });
    assert.deepEqual(config.biasRegularizer, {
      className: "L2",
      config: { l2: 0.2 },
    });
    assert.deepEqual(config.activityRegularizer, {
      className: "OrthogonalRegularizer",
      config: { factor: 0.01, mode: "columns" },
    });
    const copy = tg.layers.Dense.fromConfig(
      JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
    );
    assert.deepEqual(copy.getConfig(), config);
    assert.ok(copy.biasRegularizer instanceof R.L2);
    // Without regularizers the keys are absent, as before.
    assert.equal("kernelRegularizer" in ones().getConfig(), false);
  });

  test("a bad identifier fails at construction", () => {
    assert.throws(
      () => new tg.layers.Dense({ units: 1, kernelRegularizer: "l3" }),
      /^ValueError: regularizers\.get: /,
    );
    const fn = new tg.layers.Dense({
      units: 1,
      biasRegularizer: (w) => w.sum(),
    });
    assert.throws(
      () => fn.getConfig(),
      /^ValueError: regularizers\.serialize: .*function "biasRegularizer"/,
    );
  });
});
