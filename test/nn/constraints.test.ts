// SPDX-License-Identifier: Apache-2.0
/**
 * Constraints (src/nn/constraints.ts): MaxNorm, MinMaxNorm, NonNeg and
 * UnitNorm against their formulas written out here and TensorFlow.js's
 * constraints; configs and `get` by Keras's names; bad options; and their
 * wiring into Dense, where the optimizer applies them after each update.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";
import { loadTf } from "../tfjs.js";

const C = tg.constraints;
const EPS = 1e-7;
const f64 = (x: tg.NestedArray) => tg.tensor(x, undefined, "float64");

// Columns of norm 5, 0.5 and 1.3.
const W = [
  [3, 0.3, 1.2],
  [4, 0.4, 0.5],
];
const colNorms = [5, 0.5, 1.3];
const rowNorms = W.map((r) => Math.hypot(...r));

/** w scaled column by column by f(norm) / (ε + norm). */
function scaleColumns(f: (n: number) => number): number[][] {
  return W.map((r) =>
    r.map((v, j) => (v * f(colNorms[j]!)) / (EPS + colNorms[j]!)),
  );
}

describe("values by hand", () => {
  test("MaxNorm: w · clip(n, 0, max) / (ε + n), axis 0 by default", () => {
    const expected = scaleColumns((n) => Math.min(n, 2));
    allclose(new C.MaxNorm().call(f64(W)), expected, {
      rtol: 1e-12,
      atol: 1e-15,
    });
    allclose(
      C.maxNorm({ maxValue: 1 }).call(f64(W)),
      scaleColumns((n) => Math.min(n, 1)),
      {
        rtol: 1e-12,
        atol: 1e-15,
      },
    );
    const rows = C.maxNorm({ maxValue: 1, axis: 1 }).call(f64(W));
    allclose(
      rows,
      W.map((r, i) =>
        r.map((v) => (v * Math.min(rowNorms[i]!, 1)) / (EPS + rowNorms[i]!)),
      ),
      { rtol: 1e-12, atol: 1e-15 },
    );
  });

  test("MinMaxNorm: desired = rate · clip(n, min, max) + (1 − rate) · n", () => {
    const c = new C.MinMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 });
    const expected = scaleColumns(
      (n) => 0.5 * Math.min(Math.max(n, 1), 2) + 0.5 * n,
    );
    allclose(c.call(f64(W)), expected, { rtol: 1e-12, atol: 1e-15 });
    const strict = C.minMaxNorm({ minValue: 1, maxValue: 2 }).call(f64(W));
    allclose(
      strict,
      scaleColumns((n) => Math.min(Math.max(n, 1), 2)),
      { rtol: 1e-12, atol: 1e-15 },
    );
    // Defaults: min 0, max 1, rate 1.
    allclose(
      new C.MinMaxNorm().call(f64(W)),
      scaleColumns((n) => Math.min(n, 1)),
      {
        rtol: 1e-12,
        atol: 1e-15,
      },
    );
  });

  test("UnitNorm: w / (ε + n); over several axes", () => {
    allclose(
      new C.UnitNorm().call(f64(W)),
      scaleColumns(() => 1),
      { rtol: 1e-12, atol: 1e-15 },
    );
    const all = C.unitNorm({ axis: [0, 1] }).call(f64(W));
    const n = Math.hypot(...W.flat());
    allclose(
      all,
      W.map((r) => r.map((v) => v / (EPS + n))),
      { rtol: 1e-12, atol: 1e-15 },
    );
    // A zero column stays zero.
    allclose(
      C.unitNorm().call([
        [0, 3],
        [0, 4],
      ]),
      [
        [0, 0.6],
        [0, 0.8],
      ],
      { rtol: 1e-6 },
    );
  });

  test("NonNeg: max(w, 0)", () => {
    allclose(
      C.nonNeg().call([
        [-1, 0.5],
        [2, -0.1],
      ]),
      [
        [0, 0.5],
        [2, 0],
      ],
    );
    assert.equal(new C.NonNeg().call(f64([1])).dtype, "float64");
  });
});

describe("TensorFlow.js as an oracle", () => {
  test("maxNorm, minMaxNorm, nonNeg, unitNorm", async () => {
    const tf = await loadTf();
    const w = tf.tensor(W);
    const close = { rtol: 1e-6, atol: 1e-6 };
    const pairs: [tg.constraints.Constraint, TF_Constraint][] = [
      [C.maxNorm({ maxValue: 1.5 }), tf.constraints.maxNorm({ maxValue: 1.5 })],
      [
        C.maxNorm({ maxValue: 1, axis: 1 }),
        tf.constraints.maxNorm({ maxValue: 1, axis: 1 }),
      ],
      [
        C.minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.3 }),
        tf.constraints.minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.3 }),
      ],
      [C.nonNeg(), tf.constraints.nonNeg()],
      [C.unitNorm({ axis: 1 }), tf.constraints.unitNorm({ axis: 1 })],
    ];
    for (const [ours, theirs] of pairs) {
      allclose(ours.call(W), theirs.apply(w).arraySync() as number[][], close);
    }
  });
});

interface TF_Constraint {
  apply(w: unknown): { arraySync(): unknown };
}

describe("configs and names", () => {
  test("getConfig, serialize, get and fromConfig round trips", () => {
    const all = [
      C.maxNorm({ maxValue: 3, axis: [0, 1] }),
      C.minMaxNorm({ minValue: 0.5, maxValue: 2, rate: 0.25, axis: 1 }),
      C.nonNeg(),
      C.unitNorm({ axis: 1 }),
    ];
    for (const c of all) {
      const saved = JSON.parse(
        JSON.stringify(C.serialize(c)),
      ) as tg.constraints.ConstraintConfig;
      const back = C.get(saved) as tg.constraints.Constraint;
      assert.equal(back.className, c.className);
      assert.deepEqual(back.getConfig(), c.getConfig());
      const cls = c.constructor as typeof tg.constraints.MaxNorm;
      assert.deepEqual(
        cls.fromConfig(c.getConfig()).getConfig(),
        c.getConfig(),
      );
    }
    assert.deepEqual(C.serialize(new C.MinMaxNorm()), {
      className: "MinMaxNorm",
      config: { minValue: 0, maxValue: 1, rate: 1, axis: 0 },
    });
    assert.deepEqual(C.serialize(C.nonNeg()), {
      className: "NonNeg",
      config: {},
    });
  });

  test("get: Keras's names, class names and camelCase", () => {
    const names: [string, string][] = [
      ["max_norm", "MaxNorm"],
      ["MaxNorm", "MaxNorm"],
      ["maxNorm", "MaxNorm"],
      ["min_max_norm", "MinMaxNorm"],
      ["non_neg", "NonNeg"],
      ["nonNeg", "NonNeg"],
      ["unit_norm", "UnitNorm"],
      ["UnitNorm", "UnitNorm"],
    ];
    for (const [name, className] of names) {
      assert.equal(
        (C.get(name) as tg.constraints.Constraint).className,
        className,
        name,
      );
    }
    const fn = (w: tg.Tensor) => w;
    assert.strictEqual(C.get(fn), fn);
    assert.equal(C.get(null), null);
    assert.deepEqual(
      (C.get("max_norm") as tg.constraints.MaxNorm).getConfig(),
      { maxValue: 2, axis: 0 },
    );
  });
});

describe("bad input", () => {
  test("bad options", () => {
    assert.throws(() => C.maxNorm({ maxValue: -1 }), {
      name: "ValueError",
      message:
        "MaxNorm: expected maxValue to be a finite number >= 0, got maxValue=-1",
    });
    assert.throws(() => C.minMaxNorm({ minValue: 2, maxValue: 1 }), {
      name: "ValueError",
      message:
        "MinMaxNorm: expected minValue <= maxValue, got minValue=2, maxValue=1",
    });
    assert.throws(
      () => C.minMaxNorm({ rate: 1.5 }),
      /^ValueError: MinMaxNorm: expected rate in \[0, 1\], got rate=1.5$/,
    );
    assert.throws(
      () => C.unitNorm({ axis: 0.5 }),
      /^ValueError: UnitNorm: expected axis to be an integer or a non-empty list of integers, got axis=0.5$/,
    );
    assert.throws(
      () => C.maxNorm({ max_value: 1 } as never),
      /^ValueError: MaxNorm: expected options among "maxValue", "axis", got "max_value"$/,
    );
  });

  test("an axis outside the weight's rank", () => {
    assert.throws(() => C.maxNorm({ axis: 2 }).call(W), {
      name: "ValueError",
      message: "MaxNorm: expected an axis in [-2, 2), got 2",
    });
  });

  test("unknown names and kinds", () => {
    assert.throws(() => C.get("maxnorm"), {
      name: "ValueError",
      message:
        'constraints.get: expected one of "max_norm", "min_max_norm", "non_neg", "unit_norm" (or a class name such as "MaxNorm"), got "maxnorm"',
    });
    assert.throws(
      () => C.get(1 as never),
      /^ValueError: constraints\.get: expected a name/,
    );
    assert.throws(
      () => C.serialize((w: tg.Tensor) => w),
      /^ValueError: constraints\.serialize: /,
    );
  });
});

describe("Dense", () => {
  test("constraints by name are applied after each SGD step", () => {
    const layer = new tg.layers.Dense({
      units: 2,
      kernelInitializer: "ones",
      kernelConstraint: "max_norm",
      biasConstraint: C.nonNeg(),
    });
    const opt = new tg.optimizers.SGD({ learningRate: 1 });
    const tape = new tg.GradientTape();
    const y = layer.apply([[1, 2, 3]]).sum();
    const grads = tape.gradient(y, layer.trainableVariables);
    opt.applyGradients(tg.zip(grads, layer.trainableVariables));
    // Unconstrained: kernel rows 1 − [1, 2, 3] = [0, −1, −2], bias −1.
    const n = Math.hypot(0, -1, -2);
    const s = Math.min(n, 2) / (EPS + n);
    allclose(
      layer.kernel,
      [
        [0, 0],
        [-s, -s],
        [-2 * s, -2 * s],
      ],
      { rtol: 1e-6 },
    );
    allclose(layer.bias, [0, 0]);
  });

  test("getConfig serializes constraints; fromConfig rebuilds them", () => {
    const layer = new tg.layers.Dense({
      units: 2,
      kernelConstraint: C.unitNorm({ axis: 1 }),
      biasConstraint: "non_neg",
    });
    const config = layer.getConfig();
    assert.deepEqual(config.kernelConstraint, {
      className: "UnitNorm",
      config: { axis: 1 },
    });
    assert.deepEqual(config.biasConstraint, {
      className: "NonNeg",
      config: {},
    });
    const copy = tg.layers.Dense.fromConfig(
      JSON.parse(JSON.stringify(config)) as Record<string, unknown>,
    );
    assert.deepEqual(copy.getConfig(), config);
    assert.throws(
      () => new tg.layers.Dense({ units: 1, kernelConstraint: "clip" }),
      /^ValueError: constraints\.get: /,
    );
  });
});
