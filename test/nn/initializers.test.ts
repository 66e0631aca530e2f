// SPDX-License-Identifier: Apache-2.0
/**
 * Initializers against Keras 3's formulas. Statistical checks draw 60,000
 * values (or more) with a fixed seed; their tolerances are at least five
 * standard errors of the statistic, so a wrong formula (a missing /0.8796,
 * the wrong fan) fails while sampling noise cannot.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import * as init from "../../src/nn/initializers.js";
import { allclose } from "../helpers.js";

const TRUNCATED_STDDEV = 0.87962566103423978;

function values(t: tg.Tensor): number[] {
  return Array.from(t.data, Number);
}

function stats(t: tg.Tensor) {
  const v = values(t);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  const maxAbs = v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  return { n: v.length, mean, variance, maxAbs };
}

/** Asserts the mean is 0 and the variance `variance`, within 5 σ. */
function assertMoments(t: tg.Tensor, variance: number, label: string) {
  const s = stats(t);
  const meanTol = 5 * Math.sqrt(variance / s.n);
  assert.ok(
    Math.abs(s.mean) < meanTol,
    `${label}: mean ${s.mean}, tolerance ${meanTol}`,
  );
  // The sample variance's relative standard error is below sqrt(2/n)
  // for these light-tailed distributions; 5 of them, floored at 2%.
  const rel = Math.abs(s.variance / variance - 1);
  const relTol = Math.max(0.02, 5 * Math.sqrt(2 / s.n));
  assert.ok(
    rel < relTol,
    `${label}: variance ${s.variance}, expected ${variance} (rel ${rel})`,
  );
}

function throwsValue(f: () => unknown, message: string | RegExp) {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof tg.ValueError, `not a ValueError: ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe("computeFans", () => {
  test("follows Keras for ranks 0 to 4", () => {
    assert.deepEqual(init.computeFans([]), [1, 1]);
    assert.deepEqual(init.computeFans([7]), [7, 7]);
    assert.deepEqual(init.computeFans([3, 4]), [3, 4]);
    assert.deepEqual(init.computeFans([5, 3, 4]), [15, 20]);
    assert.deepEqual(init.computeFans([3, 3, 16, 32]), [144, 288]);
  });

  test("rejects a bad shape", () => {
    assert.throws(() => init.computeFans([2, -1]), tg.ShapeError);
  });
});

describe("constant initializers", () => {
  test("zeros and ones fill every dtype", () => {
    for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
      const z = init.zeros().call([2, 3], dtype);
      assert.equal(z.dtype, dtype);
      assert.deepEqual(z.shape, [2, 3]);
      assert.ok(values(z).every((v) => v === 0));
      const o = init.ones().call([4], dtype);
      assert.equal(o.dtype, dtype);
      assert.ok(values(o).every((v) => v === 1));
    }
    assert.equal(init.zeros().call([2]).dtype, "float32");
  });

  test("constant takes a number or { value }", () => {
    assert.deepEqual(init.constant(1.0).call([3]).toArray(), [1, 1, 1]);
    const c = init.constant({ value: 2.5 }).call([2, 2], "float64");
    assert.deepEqual(c.toArray(), [
      [2.5, 2.5],
      [2.5, 2.5],
    ]);
    assert.equal(c.dtype, "float64");
    assert.deepEqual(
      new init.Constant(-3).call([2], "int32").toArray(),
      [-3, -3],
    );
    assert.deepEqual(init.constant().call([1]).toArray(), [0]);
    assert.deepEqual(init.constant(0.5).getConfig(), { value: 0.5 });
    assert.equal(init.constant(0.5).className, "Constant");
  });

  test("constant rejects what is not a number", () => {
    throwsValue(
      () => init.constant({ value: "1" as unknown as number }),
      'Constant: expected value to be a number, got value="1"',
    );
    throwsValue(
      () => init.constant({ val: 1 } as unknown as init.ConstantOptions),
      'Constant: expected options among "value", got "val"',
    );
  });

  test("identity is the 2-D identity times gain", () => {
    allclose(init.identity().call([3, 3]), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const w = init.identity({ gain: 2 }).call([3, 2], "float64");
    assert.equal(w.dtype, "float64");
    assert.deepEqual(w.toArray(), [
      [2, 0],
      [0, 2],
      [0, 0],
    ]);
    assert.deepEqual(init.identity({ gain: 0.5 }).getConfig(), { gain: 0.5 });
  });

  test("identity refuses a shape that is not 2-D", () => {
    throwsValue(
      () => init.identity().call([2, 2, 2]),
      "Identity.call: expected a 2-D shape, got [2,2,2] of rank 3",
    );
    throwsValue(() => init.identity().call([4]), /rank 1$/);
    throwsValue(
      () => init.identity({ gain: NaN }),
      "Identity: expected gain to be a finite number, got gain=NaN",
    );
  });
});

describe("random initializers", () => {
  test("randomNormal: N(mean, stddev²)", () => {
    const t = init
      .randomNormal({ mean: 0, stddev: 2, seed: 1 })
      .call([300, 300], "float64");
    assert.equal(t.dtype, "float64");
    assertMoments(t, 4, "randomNormal");
    const shifted = init.randomNormal({ mean: 5, seed: 1 }).call([1000]);
    assert.ok(Math.abs(stats(shifted).mean - 5) < (5 * 0.05) / Math.sqrt(1e3));
  });

  test("randomNormal defaults to mean 0, stddev 0.05", () => {
    const t = init.randomNormal({ seed: 4 }).call([200, 300]);
    assert.equal(t.dtype, "float32");
    assertMoments(t, 0.05 ** 2, "randomNormal default");
    assert.deepEqual(init.randomNormal().getConfig(), {
      seed: null,
      mean: 0,
      stddev: 0.05,
    });
  });

  test("randomUniform: U[minval, maxval)", () => {
    const t = init
      .randomUniform({ minval: -3, maxval: 1, seed: 2 })
      .call([200, 300], "float64");
    const v = values(t);
    assert.ok(v.every((x) => x >= -3 && x < 1));
    assert.ok(Math.min(...v) < -2.99 && Math.max(...v) > 0.99);
    const s = stats(t);
    assert.ok(Math.abs(s.mean + 1) < 5 * Math.sqrt(16 / 12 / s.n));
    assert.ok(Math.abs(s.variance / (16 / 12) - 1) < 0.02);
    const d = init.randomUniform({ seed: 2 }).call([1000]);
    assert.ok(values(d).every((x) => x >= -0.05 && x < 0.05));
    assert.deepEqual(init.randomUniform().getConfig(), {
      seed: null,
      minval: -0.05,
      maxval: 0.05,
    });
  });

  test("truncatedNormal: within 2 stddev, variance 0.8796² stddev²", () => {
    const t = init
      .truncatedNormal({ mean: 0, stddev: 1, seed: 3 })
      .call([300, 300], "float64");
    const s = stats(t);
    assert.ok(s.maxAbs <= 2, `max |x| ${s.maxAbs}`);
    assert.ok(s.maxAbs > 1.99, "the tails reach the bound");
    assertMoments(t, TRUNCATED_STDDEV ** 2, "truncatedNormal");
    const m = init.truncatedNormal({ mean: 10, stddev: 0.5, seed: 3 });
    const v = values(m.call([5000]));
    assert.ok(v.every((x) => x >= 9 && x <= 11));
    assert.deepEqual(m.getConfig(), { seed: 3, mean: 10, stddev: 0.5 });
  });

  test("random initializers refuse integer dtypes", () => {
    assert.throws(
      () => init.glorotUniform().call([2, 2], "int32"),
      (e: unknown) =>
        e instanceof tg.DTypeError &&
        e.message ===
          "GlorotUniform.call: expected float32 or float64, got int32",
    );
    assert.throws(() => init.randomNormal().call([2], "bool"), tg.DTypeError);
    assert.throws(() => init.orthogonal().call([2, 2], "int32"), /Orthogonal/);
  });

  test("a bad shape is a ShapeError naming the initializer", () => {
    assert.throws(
      () => init.heNormal().call([2, 1.5]),
      (e: unknown) =>
        e instanceof tg.ShapeError && e.message.startsWith("HeNormal.call:"),
    );
  });
});

describe("variance scaling presets", () => {
  const shape = [200, 300];
  const [fanIn, fanOut] = [200, 300];
  const avg = (fanIn + fanOut) / 2;
  const cases: [string, init.Initializer, number, "uniform" | "normal"][] = [
    ["glorotUniform", init.glorotUniform({ seed: 1 }), 1 / avg, "uniform"],
    ["glorotNormal", init.glorotNormal({ seed: 1 }), 1 / avg, "normal"],
    ["heUniform", init.heUniform({ seed: 1 }), 2 / fanIn, "uniform"],
    ["heNormal", init.heNormal({ seed: 1 }), 2 / fanIn, "normal"],
    ["lecunUniform", init.lecunUniform({ seed: 1 }), 1 / fanIn, "uniform"],
    ["lecunNormal", init.lecunNormal({ seed: 1 }), 1 / fanIn, "normal"],
  ];

  for (const [name, initializer, variance, kind] of cases) {
    test(`${name}: variance scale / fan, ${kind} bound`, () => {
      const t = initializer.call(shape, "float64");
      assert.deepEqual(t.shape, shape);
      assertMoments(t, variance, name);
      const s = stats(t);
      const bound =
        kind === "uniform"
          ? Math.sqrt(3 * variance)
          : (2 * Math.sqrt(variance)) / TRUNCATED_STDDEV;
      assert.ok(s.maxAbs <= bound, `${name}: ${s.maxAbs} > ${bound}`);
      assert.ok(s.maxAbs > 0.99 * bound, `${name}: tails short of ${bound}`);
    });
  }

  test("presets are VarianceScaling with Keras's settings and config", () => {
    const expected: Record<string, [number, string, string]> = {
      GlorotUniform: [1, "fan_avg", "uniform"],
      GlorotNormal: [1, "fan_avg", "truncated_normal"],
      HeUniform: [2, "fan_in", "uniform"],
      HeNormal: [2, "fan_in", "truncated_normal"],
      LecunUniform: [1, "fan_in", "uniform"],
      LecunNormal: [1, "fan_in", "truncated_normal"],
    };
    for (const [className, [scale, mode, distribution]] of Object.entries(
      expected,
    )) {
      const i = init.get(className) as init.VarianceScaling;
      assert.ok(i instanceof init.VarianceScaling);
      assert.equal(i.className, className);
      assert.deepEqual(
        [i.scale, i.mode, i.distribution],
        [scale, mode, distribution],
      );
      assert.deepEqual(i.getConfig(), { seed: null });
    }
    assert.deepEqual(init.heNormal({ seed: 9 }).getConfig(), { seed: 9 });
  });

  test("fan_out, untruncated_normal on a conv kernel", () => {
    // [3, 3, 16, 32]: fanIn 144, fanOut 288.
    const vs = init.varianceScaling({
      scale: 3,
      mode: "fan_out",
      distribution: "untruncated_normal",
      seed: 5,
    });
    const t = vs.call([3, 3, 16, 32], "float64");
    assertMoments(t, 3 / 288, "untruncated fan_out");
    assert.ok(stats(t).maxAbs > 3 * Math.sqrt(3 / 288), "no truncation");
    // 20 draws of the same shape: 92,160 values.
    const many = tg.concat(
      Array.from({ length: 20 }, () =>
        init
          .varianceScaling({ mode: "fan_avg", seed: undefined })
          .call([3, 3, 16, 32], "float64")
          .reshape([-1]),
      ),
    );
    assertMoments(many, 1 / 216, "truncated fan_avg");
  });

  test("VarianceScaling defaults and Keras's 'normal' alias", () => {
    const v = init.varianceScaling();
    assert.deepEqual(v.getConfig(), {
      seed: null,
      scale: 1,
      mode: "fan_in",
      distribution: "truncated_normal",
    });
    assert.equal(
      init.varianceScaling({ distribution: "normal" }).distribution,
      "truncated_normal",
    );
    const upper = "UNIFORM" as init.ScalingDistribution;
    assert.equal(
      init.varianceScaling({ distribution: upper }).distribution,
      "uniform",
    );
  });

  test("a fan of 0 divides by 1, and a scalar shape has fans 1, 1", () => {
    assert.deepEqual(init.glorotUniform().call([0, 5]).shape, [0, 5]);
    const scalar = init.heUniform({ seed: 2 }).call([]);
    assert.deepEqual(scalar.shape, []);
    assert.ok(Math.abs(scalar.item()) <= Math.sqrt(6));
  });

  test("bad VarianceScaling options", () => {
    throwsValue(
      () => init.varianceScaling({ scale: 0 }),
      "VarianceScaling: expected scale > 0, got scale=0",
    );
    throwsValue(
      () => init.varianceScaling({ scale: -2 }),
      "VarianceScaling: expected scale > 0, got scale=-2",
    );
    throwsValue(
      () => init.varianceScaling({ mode: "fan_mid" as init.FanMode }),
      'VarianceScaling: expected mode to be one of "fan_in", "fan_out", ' +
        '"fan_avg", got mode="fan_mid"',
    );
    throwsValue(
      () =>
        init.varianceScaling({
          distribution: "gaussian" as init.ScalingDistribution,
        }),
      "VarianceScaling: expected distribution to be one of " +
        '"truncated_normal", "untruncated_normal", "uniform", got ' +
        'distribution="gaussian"',
    );
    throwsValue(
      () => init.glorotUniform({ seed: 1.5 }),
      "GlorotUniform: expected seed to be an integer, got seed=1.5",
    );
    throwsValue(
      () => init.heNormal({ scale: 2 } as init.SeedOptions),
      'HeNormal: expected options among "seed", got "scale"',
    );
  });
});

describe("bad options of the random initializers", () => {
  test("stddev must be positive", () => {
    throwsValue(
      () => init.randomNormal({ stddev: 0 }),
      "RandomNormal: expected stddev > 0, got stddev=0",
    );
    throwsValue(
      () => init.truncatedNormal({ stddev: -1 }),
      "TruncatedNormal: expected stddev > 0, got stddev=-1",
    );
  });

  test("minval must be below maxval", () => {
    throwsValue(
      () => init.randomUniform({ minval: 1, maxval: 1 }),
      "RandomUniform: expected minval < maxval, got minval=1, maxval=1",
    );
  });

  test("numbers must be finite, keys known, options an object", () => {
    throwsValue(
      () => init.randomNormal({ mean: Infinity }),
      "RandomNormal: expected mean to be a finite number, got mean=Infinity",
    );
    throwsValue(
      () => init.randomNormal({ stdDev: 1 } as init.NormalOptions),
      'RandomNormal: expected options among "mean", "stddev", "seed", got ' +
        '"stdDev"',
    );
    throwsValue(
      () => init.orthogonal(3 as init.OrthogonalOptions),
      "Orthogonal: expected an options object, got 3",
    );
  });
});

describe("seeds", () => {
  const makers: [string, (seed?: number) => init.Initializer][] = [
    ["randomNormal", (seed) => init.randomNormal({ seed })],
    ["randomUniform", (seed) => init.randomUniform({ seed })],
    ["truncatedNormal", (seed) => init.truncatedNormal({ seed })],
    ["varianceScaling", (seed) => init.varianceScaling({ seed })],
    ["glorotUniform", (seed) => init.glorotUniform({ seed })],
    ["glorotNormal", (seed) => init.glorotNormal({ seed })],
    ["heUniform", (seed) => init.heUniform({ seed })],
    ["heNormal", (seed) => init.heNormal({ seed })],
    ["lecunUniform", (seed) => init.lecunUniform({ seed })],
    ["lecunNormal", (seed) => init.lecunNormal({ seed })],
    ["orthogonal", (seed) => init.orthogonal({ seed })],
  ];

  for (const [name, make] of makers) {
    test(`${name}: a seed repeats every call; setSeed repeats the rest`, () => {
      const seeded = make(11);
      const a = values(seeded.call([4, 5]));
      assert.deepEqual(values(seeded.call([4, 5])), a);
      assert.deepEqual(values(make(11).call([4, 5])), a);
      assert.notDeepEqual(values(make(12).call([4, 5])), a);

      const unseeded = make();
      tg.setSeed(123);
      const first = values(unseeded.call([4, 5]));
      const second = values(unseeded.call([4, 5]));
      assert.notDeepEqual(second, first, "fresh draws each call");
      tg.setSeed(123);
      assert.deepEqual(values(unseeded.call([4, 5])), first);
      assert.deepEqual(values(unseeded.call([4, 5])), second);
    });
  }
});

/** [rows, cols] of a row-major float64 matrix. */
function matrix(t: tg.Tensor, rows: number, cols: number): number[][] {
  const v = values(t);
  return Array.from({ length: rows }, (_, i) =>
    v.slice(i * cols, (i + 1) * cols),
  );
}

function gram(m: number[][], byColumns: boolean): number[][] {
  const a = byColumns ? m[0]!.map((_, j) => m.map((r) => r[j]!)) : m;
  return a.map((u) => a.map((v) => u.reduce((s, x, k) => s + x * v[k]!, 0)));
}

function eye(n: number, gain = 1): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? gain * gain : 0)),
  );
}

describe("orthogonal", () => {
  test("tall: QᵀQ = I in float64", () => {
    const q = init.orthogonal({ seed: 3 }).call([7, 4], "float64");
    assert.equal(q.dtype, "float64");
    allclose(gram(matrix(q, 7, 4), true), eye(4), { atol: 1e-6, rtol: 0 });
  });

  test("wide: QQᵀ = I in float64", () => {
    const q = init.orthogonal({ seed: 3 }).call([4, 7], "float64");
    allclose(gram(matrix(q, 4, 7), false), eye(4), { atol: 1e-6, rtol: 0 });
  });

  test("square, with gain: QᵀQ = gain² I", () => {
    const q = init.orthogonal({ gain: 1.5, seed: 8 }).call([6, 6], "float64");
    allclose(gram(matrix(q, 6, 6), true), eye(6, 1.5), { atol: 1e-6 });
    allclose(gram(matrix(q, 6, 6), false), eye(6, 1.5), { atol: 1e-6 });
  });

  test("a conv kernel flattens to prod(shape[:-1]) × shape[-1]", () => {
    const q = init.orthogonal({ seed: 2 }).call([3, 3, 2, 5], "float64");
    assert.deepEqual(q.shape, [3, 3, 2, 5]);
    allclose(gram(matrix(q, 18, 5), true), eye(5), { atol: 1e-6, rtol: 0 });
  });

  test("float32 output is orthogonal to float32 precision", () => {
    const q = init.orthogonal({ seed: 1 }).call([10, 8]);
    assert.equal(q.dtype, "float32");
    allclose(gram(matrix(q, 10, 8), true), eye(8), { atol: 1e-6, rtol: 0 });
  });

  test("Keras's algorithm: Q of the normal draw, diag(R) > 0", () => {
    // The same seed gives the same normal matrix, max(r, c) × min(r, c).
    for (const [rows, cols] of [
      [6, 4],
      [4, 6],
    ] as const) {
      const m = Math.max(rows, cols);
      const n = Math.min(rows, cols);
      const a = matrix(tg.randomNormal([m, n], 0, 1, "float64", 21), m, n);
      const w = matrix(
        init.orthogonal({ seed: 21 }).call([rows, cols], "float64"),
        rows,
        cols,
      );
      const q = rows < cols ? w[0]!.map((_, j) => w.map((r) => r[j]!)) : w;
      // R = QᵀA must be upper triangular with a positive diagonal.
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const r = q.reduce((s, row, k) => s + row[i]! * a[k]![j]!, 0);
          if (i > j) assert.ok(Math.abs(r) < 1e-10, `R[${i}][${j}] = ${r}`);
          if (i === j) assert.ok(r > 0, `R[${i}][${i}] = ${r}`);
        }
      }
    }
  });

  test("refuses a rank below 2; config", () => {
    throwsValue(
      () => init.orthogonal().call([5]),
      "Orthogonal.call: expected a shape of rank >= 2, got [5] of rank 1",
    );
    assert.deepEqual(init.orthogonal({ gain: 2, seed: 4 }).getConfig(), {
      seed: 4,
      gain: 2,
    });
  });
});

describe("get and serialize", () => {
  const canonical: Record<string, string> = {
    zeros: "Zeros",
    ones: "Ones",
    constant: "Constant",
    random_normal: "RandomNormal",
    random_uniform: "RandomUniform",
    truncated_normal: "TruncatedNormal",
    variance_scaling: "VarianceScaling",
    glorot_uniform: "GlorotUniform",
    glorot_normal: "GlorotNormal",
    he_uniform: "HeUniform",
    he_normal: "HeNormal",
    lecun_uniform: "LecunUniform",
    lecun_normal: "LecunNormal",
    orthogonal: "Orthogonal",
    identity: "Identity",
  };

  test("every snake_case, class and camelCase name resolves", () => {
    for (const [snake, className] of Object.entries(canonical)) {
      const camel = snake.replace(/_([a-z])/g, (_, c: string) =>
        c.toUpperCase(),
      );
      for (const name of [snake, className, camel]) {
        const i = init.get(name);
        assert.ok(i instanceof init.Initializer, name);
        assert.equal(i.className, className, name);
      }
    }
  });

  test("Keras's extra aliases resolve", () => {
    const extra: Record<string, string> = {
      zero: "Zeros",
      one: "Ones",
      normal: "RandomNormal",
      uniform: "RandomUniform",
      OrthogonalInitializer: "Orthogonal",
      IdentityInitializer: "Identity",
    };
    for (const [name, className] of Object.entries(extra)) {
      assert.equal(init.get(name).className, className, name);
    }
  });

  test("an initializer is returned as it is", () => {
    const i = init.heNormal({ seed: 1 });
    assert.equal(init.get(i), i);
  });

  test("serialize and get round-trip every class", () => {
    const all: init.Initializer[] = [
      init.zeros(),
      init.ones(),
      init.constant(4),
      init.randomNormal({ mean: 1, stddev: 2, seed: 3 }),
      init.randomUniform({ minval: 0, maxval: 2 }),
      init.truncatedNormal({ stddev: 0.1, seed: 1 }),
      init.varianceScaling({
        scale: 2,
        mode: "fan_avg",
        distribution: "uniform",
      }),
      init.glorotUniform({ seed: 5 }),
      init.glorotNormal(),
      init.heUniform(),
      init.heNormal({ seed: 6 }),
      init.lecunUniform(),
      init.lecunNormal(),
      init.orthogonal({ gain: 3, seed: 2 }),
      init.identity({ gain: 2 }),
    ];
    for (const i of all) {
      const saved = init.serialize(i);
      assert.equal(saved.className, i.className);
      const back = init.get(saved);
      assert.equal(back.className, i.className);
      assert.deepEqual(back.getConfig(), i.getConfig());
      // The same global state: unseeded ones must draw the same too.
      tg.setSeed(77);
      const a = values(back.call([3, 3], "float64"));
      tg.setSeed(77);
      const b = values(i.call([3, 3], "float64"));
      assert.deepEqual(a, b, `${i.className} rebuilt draws differently`);
    }
  });

  test("a config with bad options fails as the constructor does", () => {
    throwsValue(
      () => init.get({ className: "RandomNormal", config: { stddev: -1 } }),
      "RandomNormal: expected stddev > 0, got stddev=-1",
    );
  });

  test("an unknown name lists the known ones", () => {
    const known = Object.keys(canonical)
      .map((k) => `"${k}"`)
      .join(", ");
    throwsValue(
      () => init.get("foo"),
      `initializers.get: expected one of ${known} (or a class name such as ` +
        `"GlorotUniform"), got "foo"`,
    );
    throwsValue(() => init.get("Glorot_Uniform"), /got "Glorot_Uniform"$/);
    throwsValue(() => init.get("toString"), /got "toString"$/);
    throwsValue(
      () => init.get({ className: "Nope", config: {} }),
      /^initializers\.get: expected one of "zeros", .*got "Nope"$/,
    );
    throwsValue(
      () => init.get(42 as unknown as string),
      "initializers.get: expected a name, an Initializer or a " +
        "{ className, config } object, got 42",
    );
    throwsValue(
      () => init.serialize({} as init.Initializer),
      "initializers.serialize: expected an Initializer, got Object",
    );
  });
});
