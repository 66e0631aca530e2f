// SPDX-License-Identifier: Apache-2.0
/**
 * The optimizer catalogue as a whole: Keras's defaults and config keys for
 * every class, getConfig / fromConfig round trips, the factories,
 * tg.optimizers.get / serialize / deserialize, one-step updates against
 * hand computations for the optimizers whose first step has a closed form,
 * and bad options (typed errors with checked messages).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

const O = tg.optimizers;
const f64 = (values: tg.NestedArray) => tg.tensor(values, undefined, "float64");

/** The keys every optimizer's config starts with, and their defaults. */
const BASE = {
  weightDecay: null,
  clipnorm: null,
  globalClipnorm: null,
  clipvalue: null,
  useEma: false,
  emaMomentum: 0.99,
  emaOverwriteFrequency: null,
  lossScaleFactor: null,
  gradientAccumulationSteps: null,
};

/** Keras 3's defaults, by class: name, learning rate and own options. */
const DEFAULTS: Record<string, [() => tg.optimizers.Optimizer, object]> = {
  SGD: [
    () => new O.SGD(),
    { name: "SGD", learningRate: 0.01, momentum: 0, nesterov: false },
  ],
  Adam: [
    () => new O.Adam(),
    {
      name: "adam",
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    },
  ],
  AdamW: [
    () => new O.AdamW(),
    {
      name: "adamw",
      learningRate: 0.001,
      weightDecay: 0.004,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    },
  ],
  Adamax: [
    () => new O.Adamax(),
    {
      name: "adamax",
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    },
  ],
  Nadam: [
    () => new O.Nadam(),
    {
      name: "nadam",
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    },
  ],
  RMSprop: [
    () => new O.RMSprop(),
    {
      name: "rmsprop",
      learningRate: 0.001,
      rho: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    },
  ],
  Adagrad: [
    () => new O.Adagrad(),
    {
      name: "adagrad",
      learningRate: 0.001,
      initialAccumulatorValue: 0.1,
      epsilon: 1e-7,
    },
  ],
  Adadelta: [
    () => new O.Adadelta(),
    { name: "adadelta", learningRate: 0.001, rho: 0.95, epsilon: 1e-7 },
  ],
  Adafactor: [
    () => new O.Adafactor(),
    {
      name: "adafactor",
      learningRate: 0.001,
      beta2Decay: -0.8,
      epsilon1: 1e-30,
      epsilon2: 1e-3,
      clipThreshold: 1,
      relativeStep: true,
    },
  ],
  Ftrl: [
    () => new O.Ftrl(),
    {
      name: "ftrl",
      learningRate: 0.001,
      learningRatePower: -0.5,
      initialAccumulatorValue: 0.1,
      l1RegularizationStrength: 0,
      l2RegularizationStrength: 0,
      l2ShrinkageRegularizationStrength: 0,
      beta: 0,
    },
  ],
  Lion: [
    () => new O.Lion(),
    { name: "lion", learningRate: 0.001, beta1: 0.9, beta2: 0.99 },
  ],
  Lamb: [
    () => new O.Lamb(),
    {
      name: "lamb",
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    },
  ],
};

describe("defaults and configs", () => {
  for (const [className, [make, own]] of Object.entries(DEFAULTS)) {
    test(`${className}: Keras's defaults, config keys and round trip`, () => {
      const opt = make();
      assert.equal(opt.className, className);
      const expected: Record<string, unknown> = { ...BASE, ...own };
      expected.learningRate = Math.fround(expected.learningRate as number);
      const config = opt.getConfig();
      assert.deepEqual(config, expected);
      const cls = opt.constructor as typeof O.Adam;
      const copy = cls.fromConfig(config);
      assert.equal(copy.constructor, opt.constructor);
      assert.deepEqual(copy.getConfig(), config);
      // A changed option survives the round trip too.
      const changed = cls.fromConfig({ ...config, name: "x", clipvalue: 2 });
      assert.equal(changed.getConfig().clipvalue, 2);
      assert.equal(changed.name, "x");
    });
  }

  test("AdamW's weightDecay cannot be null, as in Keras", () => {
    assert.throws(() => new O.AdamW({ weightDecay: null }), {
      name: "ValueError",
      message:
        "AdamW: expected weightDecay to be a finite number >= 0, got weightDecay=null",
    });
    assert.equal(new O.AdamW({ weightDecay: 0.1 }).weightDecay, 0.1);
    assert.ok(new O.AdamW() instanceof O.Adam);
  });
});

describe("factories", () => {
  const factories: [string, (a?: never) => tg.optimizers.Optimizer][] = [
    ["SGD", O.sgd],
    ["Adam", O.adam],
    ["AdamW", O.adamw],
    ["Adamax", O.adamax],
    ["Nadam", O.nadam],
    ["RMSprop", O.rmsprop],
    ["Adagrad", O.adagrad],
    ["Adadelta", O.adadelta],
    ["Adafactor", O.adafactor],
    ["Ftrl", O.ftrl],
    ["Lion", O.lion],
    ["Lamb", O.lamb],
  ];
  for (const [className, factory] of factories) {
    test(`${factory.name} makes a ${className} with the options given`, () => {
      const opt = factory({ learningRate: 0.25, name: "f" } as never);
      assert.equal(opt.className, className);
      assert.equal(opt.learningRate, 0.25);
      assert.equal(opt.name, "f");
      assert.equal(
        factory().getConfig().learningRate,
        DEFAULTS[className]![0]().learningRate,
      );
    });
  }
});

describe("get, serialize, deserialize", () => {
  const names = [
    "sgd",
    "adam",
    "adamw",
    "adamax",
    "nadam",
    "rmsprop",
    "adagrad",
    "adadelta",
    "adafactor",
    "ftrl",
    "lion",
    "lamb",
  ];

  test("Keras's names and class names, in any case", () => {
    for (const name of names) {
      const opt = O.get(name);
      assert.equal(opt.className.toLowerCase(), name);
      assert.equal(O.get(opt.className).className, opt.className);
      assert.equal(O.get(name.toUpperCase()).className, opt.className);
    }
    assert.ok(O.get("Adam") instanceof O.Adam);
    assert.notStrictEqual(O.get("adam"), O.get("adam"));
  });

  test("an optimizer is returned as it is; a config is built", () => {
    const opt = new O.Nadam();
    assert.strictEqual(O.get(opt), opt);
    const rms = O.get({ className: "RMSprop", config: { centered: true } });
    assert.ok(rms instanceof O.RMSprop);
    assert.equal(rms.centered, true);
    const saved = O.serialize(new O.Ftrl({ beta: 0.5 }));
    assert.equal(saved.className, "Ftrl");
    const back = O.deserialize(saved);
    assert.deepEqual(back.getConfig(), saved.config);
    assert.ok(O.deserialize({ className: "sgd", config: {} }) instanceof O.SGD);
  });

  test("unknown names are ValueErrors that list the names", () => {
    const list =
      '["sgd","adam","adamw","adamax","nadam","rmsprop","adagrad","adadelta","adafactor","ftrl","lion","lamb"]';
    assert.throws(() => O.get("adamm"), {
      name: "ValueError",
      message: `optimizers.get: expected an optimizer name among ${list} (or a class name such as "Adam"), got "adamm"`,
    });
    assert.throws(() => O.get({ className: "Muon", config: {} }), {
      name: "ValueError",
      message:
        /^optimizers\.deserialize: expected an optimizer name among .* got "Muon"$/,
    });
    assert.throws(() => O.get("toString"), tg.ValueError);
    assert.throws(() => O.get(42 as never), {
      name: "ValueError",
      message:
        "optimizers.get: expected a name, an Optimizer or a { className, config } object, got 42",
    });
    assert.throws(() => O.serialize({} as never), {
      name: "ValueError",
      message: "optimizers.serialize: expected an Optimizer, got Object",
    });
  });
});

describe("first steps in closed form (float64)", () => {
  test("Adam's first step is lr·g/(|g| + ε/√(1 − β2))", () => {
    const w = new tg.Variable([1, -2], { dtype: "float64" });
    new O.Adam({ learningRate: 0.5, epsilon: 1e-3 }).applyGradients([
      [f64([0.2, -4]), w],
    ]);
    const eps = 1e-3 / Math.sqrt(1 - 0.999);
    allclose(w, [1 - (0.5 * 0.2) / (0.2 + eps), -2 + (0.5 * 4) / (4 + eps)], {
      rtol: 1e-12,
    });
  });

  test("AMSGrad keeps the largest v", () => {
    const a = new tg.Variable([0], { dtype: "float64" });
    const b = new tg.Variable([0], { dtype: "float64" });
    const ams = new O.Adam({ learningRate: 0.5, amsgrad: true });
    const plain = new O.Adam({ learningRate: 0.5 });
    for (const g of [10, 0.1]) {
      ams.applyGradients([[f64([g]), a]]);
      plain.applyGradients([[f64([g]), b]]);
    }
    // v falls on the second step; v̂ does not, so AMSGrad steps less.
    assert.ok(Math.abs(a.data[0]! + 0.5) < Math.abs(b.data[0]! + 0.5));
    assert.notEqual(a.data[0], b.data[0]);
  });

  test("centered RMSprop divides by √(v − ḡ² + ε)", () => {
    const w = new tg.Variable([0], { dtype: "float64" });
    new O.RMSprop({
      learningRate: 0.5,
      centered: true,
      epsilon: 0,
    }).applyGradients([[f64([2]), w]]);
    // v = 0.1·4, ḡ = 0.1·2: √(0.4 − 0.04) = 0.6.
    allclose(w, [-(0.5 * 2) / 0.6], { rtol: 1e-12 });
  });

  test("Adafactor on a vector uses the unfactored v", () => {
    const w = new tg.Variable([3, 4], { dtype: "float64" });
    new O.Adafactor({ learningRate: 0.1 }).applyGradients([[f64([1, -2]), w]]);
    // Step 1: β = 0, v = g² (+1e-30), u = sign(g), rms(u) = 1;
    // α = max(1e-3, rms(w))·min(lr, 1) = √12.5·0.1.
    const alpha = Math.sqrt(12.5) * Math.fround(0.1);
    allclose(w, [3 - alpha, 4 + alpha], { rtol: 1e-12 });
  });

  test("the slots live in the variable's dtype and are not trainable", () => {
    const w = new tg.Variable(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "float64", name: "k" },
    );
    const opt = new O.Adafactor();
    opt.applyGradients([
      [
        f64([
          [1, 1],
          [1, 1],
        ]),
        w,
      ],
    ]);
    assert.deepEqual(
      opt.variables.map((v) => [v.name, v.shape, v.dtype, v.trainable]),
      [
        ["adafactor/k_velocity", [2, 2], "float64", false],
        ["adafactor/k_r", [2], "float64", false],
        ["adafactor/k_c", [2], "float64", false],
      ],
    );
  });

  test("Nadam keeps one running product, in the first variable's dtype", () => {
    const a = new tg.Variable([1], { name: "a" });
    const b = new tg.Variable([1], { dtype: "float64", name: "b" });
    const opt = new O.Nadam();
    opt.applyGradients([
      [tg.ones([1]), a],
      [f64([1]), b],
    ]);
    const product = opt.variables.find((v) => v.name === "nadam/u_product")!;
    assert.equal(product.dtype, "float32");
    allclose(product, 0.9 * (1 - 0.5 * 0.96), { rtol: 1e-7 });
    assert.equal(b.dtype, "float64");
  });
});

describe("bad options: typed errors, messages checked", () => {
  const cases: [() => unknown, string][] = [
    [
      () => new O.Adam({ beta1: 1.5 }),
      "Adam: expected beta1 in [0, 1), got beta1=1.5",
    ],
    [
      () => new O.Adam({ beta2: 1 }),
      "Adam: expected beta2 in [0, 1), got beta2=1",
    ],
    [
      () => new O.Adam({ beta1: -0.1 }),
      "Adam: expected beta1 in [0, 1), got beta1=-0.1",
    ],
    [
      () => new O.AdamW({ beta1: Number.NaN }),
      "AdamW: expected beta1 in [0, 1), got beta1=NaN",
    ],
    [
      () => new O.Adamax({ beta2: 2 }),
      "Adamax: expected beta2 in [0, 1), got beta2=2",
    ],
    [
      () => new O.Nadam({ beta1: 1 }),
      "Nadam: expected beta1 in [0, 1), got beta1=1",
    ],
    [
      () => new O.Lamb({ beta2: -1 }),
      "Lamb: expected beta2 in [0, 1), got beta2=-1",
    ],
    [
      () => new O.Lion({ beta1: 0 }),
      "Lion: expected beta1 in (0, 1], got beta1=0",
    ],
    [
      () => new O.Lion({ beta2: 1.1 }),
      "Lion: expected beta2 in [0, 1], got beta2=1.1",
    ],
    [
      () => new O.Adam({ epsilon: -1e-7 }),
      "Adam: expected epsilon to be a finite number >= 0, got epsilon=-1e-7",
    ],
    [
      () => new O.RMSprop({ epsilon: -1 }),
      "RMSprop: expected epsilon to be a finite number >= 0, got epsilon=-1",
    ],
    [
      () => new O.RMSprop({ rho: 1.5 }),
      "RMSprop: expected rho in [0, 1], got rho=1.5",
    ],
    [
      () => new O.RMSprop({ centered: "yes" as never }),
      'RMSprop: expected centered to be a boolean, got centered="yes"',
    ],
    [
      () => new O.Adagrad({ initialAccumulatorValue: -0.1 }),
      "Adagrad: expected initialAccumulatorValue to be a finite number >= 0, got initialAccumulatorValue=-0.1",
    ],
    [
      () => new O.Adadelta({ rho: -0.5 }),
      "Adadelta: expected rho in [0, 1], got rho=-0.5",
    ],
    [
      () => new O.Adafactor({ clipThreshold: 0 }),
      "Adafactor: expected clipThreshold to be a finite number > 0, got clipThreshold=0",
    ],
    [
      () => new O.Adafactor({ epsilon1: -1 }),
      "Adafactor: expected epsilon1 to be a finite number >= 0, got epsilon1=-1",
    ],
    [
      () => new O.Ftrl({ learningRatePower: 0.5 }),
      "Ftrl: expected learningRatePower to be a finite number <= 0, got learningRatePower=0.5",
    ],
    [
      () => new O.Ftrl({ l1RegularizationStrength: -1 }),
      "Ftrl: expected l1RegularizationStrength to be a finite number >= 0, got l1RegularizationStrength=-1",
    ],
    [
      () => new O.SGD({ nesterov: 1 as never }),
      "SGD: expected nesterov to be a boolean, got nesterov=1",
    ],
    [
      () => new O.Nadam({ learningRate: -0.01 }),
      "Nadam: expected a learning rate that is a finite number >= 0, got learningRate=-0.01",
    ],
    [
      () => new O.Lamb({ learningRate: Number.NaN }),
      "Lamb: expected a learning rate that is a finite number >= 0, got learningRate=NaN",
    ],
    [
      () => new O.Adafactor({ learningRate: "0.1" as never }),
      'Adafactor: expected a learning rate that is a finite number >= 0, got learningRate="0.1"',
    ],
  ];
  for (const [make, message] of cases) {
    test(message, () => {
      assert.throws(make, (e: unknown) => {
        assert.ok(e instanceof tg.ValueError, `not a ValueError: ${String(e)}`);
        assert.equal(e.message, message);
        return true;
      });
    });
  }

  test("setting a bad learning rate keeps the old one, for every class", () => {
    for (const [make] of Object.values(DEFAULTS)) {
      const opt = make();
      const before = opt.learningRate;
      assert.throws(() => {
        opt.learningRate = -1;
      }, tg.ValueError);
      assert.equal(opt.learningRate, before);
    }
  });

  test("a gradient of the wrong shape changes nothing, for every class", () => {
    for (const [make] of Object.values(DEFAULTS)) {
      const opt = make();
      const a = new tg.Variable([[1, 2]], { name: "a" });
      const b = new tg.Variable([3], { name: "b" });
      opt.applyGradients([
        [tg.ones([1, 2]), a],
        [tg.ones([1]), b],
      ]);
      const before = [a, b, ...opt.variables].map((v) => Array.from(v.data));
      assert.throws(
        () =>
          opt.applyGradients([
            [tg.ones([1, 2]), a],
            [tg.ones([2]), b],
          ]),
        tg.ShapeError,
      );
      assert.deepEqual(
        [a, b, ...opt.variables].map((v) => Array.from(v.data)),
        before,
      );
      assert.equal(opt.iterations, 1);
    }
  });
});
