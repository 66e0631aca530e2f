// SPDX-License-Identifier: Apache-2.0
/**
 * Losses by name and by config (src/nn/losses/registry.ts): `get` with
 * Keras's snake_case names, aliases, class names and camelCase names;
 * LossFunctionWrapper; `serialize` and `fromConfig` round trips for every
 * class; Keras's default names; dtypes; unknown names.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

const L = tg.losses;

/** Every class with options that differ from the defaults. */
const CLASSES: [string, () => tg.losses.Loss][] = [
  ["mean_squared_error", () => new L.MeanSquaredError({ reduction: "sum" })],
  ["mean_absolute_error", () => new L.MeanAbsoluteError({ name: "l1" })],
  ["mean_absolute_percentage_error", () => new L.MeanAbsolutePercentageError()],
  ["mean_squared_logarithmic_error", () => new L.MeanSquaredLogarithmicError()],
  ["huber_loss", () => new L.Huber({ delta: 0.25 })],
  ["log_cosh", () => new L.LogCosh({ reduction: "none" })],
  ["cosine_similarity", () => new L.CosineSimilarity({ axis: 0 })],
  [
    "binary_crossentropy",
    () => new L.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
  ],
  [
    "binary_focal_crossentropy",
    () =>
      new L.BinaryFocalCrossentropy({
        applyClassBalancing: true,
        alpha: 0.4,
        gamma: 3,
      }),
  ],
  [
    "categorical_crossentropy",
    () => new L.CategoricalCrossentropy({ axis: 0 }),
  ],
  [
    "categorical_focal_crossentropy",
    () => new L.CategoricalFocalCrossentropy({ alpha: [0.1, 0.9], gamma: 1 }),
  ],
  [
    "sparse_categorical_crossentropy",
    () =>
      new L.SparseCategoricalCrossentropy({
        fromLogits: true,
        ignoreClass: -1,
      }),
  ],
  ["hinge", () => new L.Hinge()],
  ["squared_hinge", () => new L.SquaredHinge()],
  ["categorical_hinge", () => new L.CategoricalHinge()],
  [
    "kl_divergence",
    () => new L.KLDivergence({ reduction: "mean_with_sample_weight" }),
  ],
  ["poisson", () => new L.Poisson()],
  ["dice", () => new L.Dice({ axis: [1] })],
  ["tversky", () => new L.Tversky({ alpha: 0.2, beta: 0.8, axis: 1 })],
];

// Keras's snake_case function names (and the class each belongs to).
const FUNCTIONS: [string, string][] = [
  ["mean_squared_error", "MeanSquaredError"],
  ["mean_absolute_error", "MeanAbsoluteError"],
  ["mean_absolute_percentage_error", "MeanAbsolutePercentageError"],
  ["mean_squared_logarithmic_error", "MeanSquaredLogarithmicError"],
  ["huber", "Huber"],
  ["log_cosh", "LogCosh"],
  ["cosine_similarity", "CosineSimilarity"],
  ["binary_crossentropy", "BinaryCrossentropy"],
  ["binary_focal_crossentropy", "BinaryFocalCrossentropy"],
  ["categorical_crossentropy", "CategoricalCrossentropy"],
  ["categorical_focal_crossentropy", "CategoricalFocalCrossentropy"],
  ["sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"],
  ["hinge", "Hinge"],
  ["squared_hinge", "SquaredHinge"],
  ["categorical_hinge", "CategoricalHinge"],
  ["kl_divergence", "KLDivergence"],
  ["poisson", "Poisson"],
  ["dice", "Dice"],
  ["tversky", "Tversky"],
];

/** Inputs every loss accepts: probabilities against one-hot labels. */
const Y_TRUE = [
  [0, 1],
  [1, 0],
];
const Y_PRED = [
  [0.3, 0.7],
  [0.6, 0.4],
];
const SPARSE = [1, 0];

function inputsFor(className: string): [tg.TensorLike, tg.TensorLike] {
  const p = tg.tensor(Y_PRED, undefined, "float64");
  return [className === "SparseCategoricalCrossentropy" ? SPARSE : Y_TRUE, p];
}

describe("names", () => {
  test("each class has Keras's default name and round-trips through its config", () => {
    for (const [name, make] of CLASSES) {
      const loss = make();
      const config = loss.getConfig();
      if (name !== "mean_absolute_error") assert.equal(loss.name, name);
      const json = JSON.parse(JSON.stringify(config)) as Record<
        string,
        unknown
      >;
      const cls = loss.constructor as typeof tg.losses.MeanSquaredError;
      const copy = cls.fromConfig(json);
      assert.ok(copy instanceof cls, name);
      assert.deepEqual(copy.getConfig(), config, name);
      const again = L.get(L.serialize(loss));
      assert.deepEqual(again.getConfig(), config, name);
      assert.equal(again.className, loss.className);
      // The copies compute the same values.
      const [t, p] = inputsFor(loss.className);
      allclose(again.call(t, p), loss.call(t, p), { dtype: "float64" });
    }
  });

  test("configs carry Keras's keys in camelCase", () => {
    assert.deepEqual(new L.Huber({ delta: 0.25 }).getConfig(), {
      name: "huber_loss",
      reduction: "sum_over_batch_size",
      delta: 0.25,
    });
    assert.deepEqual(new L.BinaryFocalCrossentropy().getConfig(), {
      name: "binary_focal_crossentropy",
      reduction: "sum_over_batch_size",
      applyClassBalancing: false,
      alpha: 0.25,
      gamma: 2,
      fromLogits: false,
      labelSmoothing: 0,
      axis: -1,
    });
    assert.deepEqual(new L.SparseCategoricalCrossentropy().getConfig(), {
      name: "sparse_categorical_crossentropy",
      reduction: "sum_over_batch_size",
      fromLogits: false,
      ignoreClass: null,
    });
    assert.deepEqual(new L.Tversky().getConfig(), {
      name: "tversky",
      reduction: "sum_over_batch_size",
      alpha: 0.5,
      beta: 0.5,
      axis: null,
    });
    assert.equal(new L.Hinge({ reduction: null }).reduction, "none");
  });

  test("get: every snake_case and camelCase function name gives a wrapper", () => {
    for (const [snake, className] of FUNCTIONS) {
      const camel = snake.replace(/_([a-z])/g, (_, c: string) =>
        c.toUpperCase(),
      );
      for (const name of [snake, camel]) {
        const loss = L.get(name);
        assert.ok(loss instanceof L.LossFunctionWrapper, name);
        assert.equal(loss.name, name);
        assert.equal(loss.reduction, "sum_over_batch_size");
        // Same numbers as the class with default options.
        const cls = L.get(className);
        assert.equal(cls.className, className);
        const [t, p] = inputsFor(className);
        allclose(loss.call(t, p), cls.call(t, p), { dtype: "float64" });
        assert.deepEqual(loss.getConfig(), {
          name,
          reduction: "sum_over_batch_size",
          fn: snake,
        });
      }
    }
  });

  test("Keras's aliases", () => {
    const aliases: [string, string][] = [
      ["mse", "mean_squared_error"],
      ["MSE", "mean_squared_error"],
      ["mae", "mean_absolute_error"],
      ["MAE", "mean_absolute_error"],
      ["mape", "mean_absolute_percentage_error"],
      ["MAPE", "mean_absolute_percentage_error"],
      ["msle", "mean_squared_logarithmic_error"],
      ["MSLE", "mean_squared_logarithmic_error"],
      ["kld", "kl_divergence"],
      ["KLD", "kl_divergence"],
      ["kullback_leibler_divergence", "kl_divergence"],
      ["bce", "binary_crossentropy"],
      ["BCE", "binary_crossentropy"],
      ["logcosh", "log_cosh"],
    ];
    for (const [alias, snake] of aliases) {
      const loss = L.get(alias);
      assert.equal(loss.name, alias);
      assert.equal(loss.getConfig().fn, snake, alias);
    }
    assert.equal(L.mse, L.meanSquaredError);
    assert.equal(L.mae, L.meanAbsoluteError);
    assert.equal(L.mape, L.meanAbsolutePercentageError);
    assert.equal(L.msle, L.meanSquaredLogarithmicError);
    assert.equal(L.bce, L.binaryCrossentropy);
  });

  test("get returns a Loss as it is, wraps functions, rebuilds configs", () => {
    const huber = new L.Huber();
    assert.strictEqual(L.get(huber), huber);
    const cube = (t: tg.TensorLike, p: tg.TensorLike) =>
      tg.sub(p, t).pow(3).mean(-1);
    const wrapped = L.get(cube);
    assert.ok(wrapped instanceof L.LossFunctionWrapper);
    assert.equal(wrapped.name, "cube");
    allclose(wrapped.call([[0], [0]], [[1], [2]]), 4.5);
    const fromConfig = L.get({
      className: "LossFunctionWrapper",
      config: { fn: "huber", reduction: "sum" },
    });
    assert.equal(fromConfig.reduction, "sum");
    allclose(fromConfig.call([[0], [0]], [[0.5], [3]]), 0.125 + 2.5);
    const wrapperOfPublicFn = new L.LossFunctionWrapper(L.huber);
    assert.equal(wrapperOfPublicFn.name, "huber");
    assert.deepEqual(L.serialize(wrapperOfPublicFn), {
      className: "LossFunctionWrapper",
      config: { name: "huber", reduction: "sum_over_batch_size", fn: "huber" },
    });
  });

  test("every class: each reduction of the weighted per-sample values", () => {
    const weights = [0.5, 2];
    const reductions = [
      "none",
      "sum",
      "sum_over_batch_size",
      "mean",
      "mean_with_sample_weight",
    ] as const;
    for (const [, className] of FUNCTIONS) {
      if (className === "Dice" || className === "Tversky") continue; // one value per batch
      const [t, p] = inputsFor(className);
      const values = (L.get(className).fn(t, p).toArray() as number[]).map(
        (v, i) => v * weights[i]!,
      );
      const total = values[0]! + values[1]!;
      const expected = {
        none: values,
        sum: total,
        sum_over_batch_size: total / 2,
        mean: total / 2,
        mean_with_sample_weight: total / 2.5,
      };
      for (const reduction of reductions) {
        const loss = L.get({ className, config: { reduction } });
        allclose(loss.call(t, p, weights), expected[reduction], {
          dtype: "float64",
        });
      }
    }
  });

  test("float64 in, float64 out, for every loss", () => {
    for (const [, className] of FUNCTIONS) {
      const [t, p] = inputsFor(className);
      const v = L.get(className).call(t, p);
      assert.equal(v.dtype, "float64", className);
      assert.ok(Number.isFinite(v.item()), className);
    }
  });
});

describe("bad identifiers", () => {
  test("an unknown name lists the names", () => {
    assert.throws(
      () => L.get("mean_squared_eror"),
      (e: unknown) => {
        assert.ok(e instanceof tg.ValueError);
        assert.match(
          e.message,
          /^losses\.get: expected one of "mean_squared_error", "mean_absolute_error", /,
        );
        assert.match(e.message, /"sparse_categorical_crossentropy"/);
        assert.match(e.message, /got "mean_squared_eror"$/);
        return true;
      },
    );
    assert.throws(() => L.get({ className: "Nope" }), /got "Nope"$/);
    assert.throws(
      () => L.get({ className: "LossFunctionWrapper", config: { fn: "nope" } }),
      /got "nope"$/,
    );
  });

  test("identifiers of the wrong kind", () => {
    assert.throws(() => L.get(42 as never), {
      name: "ValueError",
      message:
        "losses.get: expected a name, a Loss, a function or a { className, config } object, got 42",
    });
    assert.throws(
      () => L.serialize({} as never),
      /^ValueError: losses\.serialize: expected a Loss, got Object$/,
    );
    assert.throws(
      () => new L.LossFunctionWrapper("mse" as never),
      /^ValueError: LossFunctionWrapper: expected a function/,
    );
  });

  test("a function of your own cannot be serialized", () => {
    const wrapped = L.get(function mine(t: tg.TensorLike, p: tg.TensorLike) {
      return tg.sub(p, t).abs().mean(-1);
    });
    assert.throws(() => L.serialize(wrapped), {
      name: "ValueError",
      message:
        /^LossFunctionWrapper: a function of your own cannot be serialized \(got function "mine"\)/,
    });
  });

  test("bad names and reductions in the options", () => {
    assert.throws(() => new L.Poisson({ name: 3 as never }), {
      message: "Poisson: expected name to be a string, got name=3",
    });
    assert.throws(
      () => new L.Dice({ reduction: "avg" as never }),
      /^ValueError: Dice: expected reduction to be one of/,
    );
    assert.throws(
      () => new L.Hinge(5 as never),
      /^ValueError: Hinge: expected an options object, got 5$/,
    );
  });
});
