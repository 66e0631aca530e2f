// SPDX-License-Identifier: Apache-2.0
/**
 * Metrics by identifier (src/nn/metrics/get.ts): Keras's names and class
 * names, instances, configs and functions; unknown names; compile's
 * accuracy rule (resolveAccuracy) and rename.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

const M = tg.metrics;

describe("get", () => {
  test("Keras's names give the classes, with Keras's default names", () => {
    const cases: [string, new (args: never) => tg.metrics.Metric, string][] = [
      ["accuracy", M.Accuracy, "accuracy"],
      ["acc", M.Accuracy, "accuracy"],
      ["binary_accuracy", M.BinaryAccuracy, "binary_accuracy"],
      ["categorical_accuracy", M.CategoricalAccuracy, "categorical_accuracy"],
      [
        "sparse_categorical_accuracy",
        M.SparseCategoricalAccuracy,
        "sparse_categorical_accuracy",
      ],
      [
        "top_k_categorical_accuracy",
        M.TopKCategoricalAccuracy,
        "top_k_categorical_accuracy",
      ],
      [
        "sparse_top_k_categorical_accuracy",
        M.SparseTopKCategoricalAccuracy,
        "sparse_top_k_categorical_accuracy",
      ],
      ["mse", M.MeanSquaredError, "mean_squared_error"],
      ["MSE", M.MeanSquaredError, "mean_squared_error"],
      ["mean_squared_error", M.MeanSquaredError, "mean_squared_error"],
      ["mae", M.MeanAbsoluteError, "mean_absolute_error"],
      ["mape", M.MeanAbsolutePercentageError, "mean_absolute_percentage_error"],
      ["msle", M.MeanSquaredLogarithmicError, "mean_squared_logarithmic_error"],
      [
        "root_mean_squared_error",
        M.RootMeanSquaredError,
        "root_mean_squared_error",
      ],
      ["log_cosh_error", M.LogCoshError, "logcosh"],
      ["cosine_similarity", M.CosineSimilarity, "cosine_similarity"],
      ["r2_score", M.R2Score, "r2_score"],
      ["bce", M.BinaryCrossentropy, "binary_crossentropy"],
      ["binary_crossentropy", M.BinaryCrossentropy, "binary_crossentropy"],
      [
        "categorical_crossentropy",
        M.CategoricalCrossentropy,
        "categorical_crossentropy",
      ],
      [
        "sparse_categorical_crossentropy",
        M.SparseCategoricalCrossentropy,
        "sparse_categorical_crossentropy",
      ],
      ["kl_divergence", M.KLDivergence, "kl_divergence"],
      ["poisson", M.Poisson, "poisson"],
      ["hinge", M.Hinge, "hinge"],
      ["squared_hinge", M.SquaredHinge, "squared_hinge"],
      ["categorical_hinge", M.CategoricalHinge, "categorical_hinge"],
      ["f1_score", M.F1Score, "f1_score"],
      ["f_beta_score", M.FBetaScore, "fbeta_score"],
      ["mean", M.Mean, "mean"],
      ["sum", M.Sum, "sum"],
      ["AUC", M.AUC, ""],
      ["auc", M.AUC, ""],
      ["precision", M.Precision, ""],
      ["recall", M.Recall, ""],
      ["true_positives", M.TruePositives, ""],
      ["FalseNegatives", M.FalseNegatives, ""],
    ];
    for (const [id, cls, name] of cases) {
      const m = M.get(id);
      assert.ok(m instanceof cls, `${id} gave ${m.constructor.name}`);
      if (name) assert.equal(m.name, name, id);
    }
  });

  test("each call makes a new metric; an instance comes back as it is", () => {
    const a = M.get("auc");
    assert.notEqual(M.get("auc"), a);
    assert.equal(M.get(a), a);
  });

  test("{ className, config } and Keras's class_name", () => {
    const p = M.get({
      className: "Precision",
      config: { thresholds: [0.3, 0.7], name: "p" },
    });
    assert.ok(p instanceof M.Precision);
    assert.deepEqual(p.thresholds, [0.3, 0.7]);
    const k = M.get({
      class_name: "SparseTopKCategoricalAccuracy",
      config: { k: 2 },
    } as never);
    assert.ok(k instanceof M.SparseTopKCategoricalAccuracy);
    assert.equal(k.k, 2);
    // a config round trip through get
    const auc = new M.AUC({ curve: "PR", numThresholds: 50 });
    const copy = M.get({
      className: "AUC",
      config: auc.getConfig(),
    }) as tg.metrics.AUC;
    assert.deepEqual(copy.getConfig(), auc.getConfig());
  });

  test("a function becomes a mean metric named after it", () => {
    const doubled = (t: tg.Tensor, p: tg.Tensor) => tg.abs(t.sub(p)).mul(2);
    const m = M.get(doubled);
    assert.equal(m.name, "doubled");
    m.updateState([[1], [2]], [[1], [4]]);
    allclose(m.result(), 2);
  });

  test("unknown names list the known ones", () => {
    assert.throws(
      () => M.get("accuracyy"),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message.startsWith(
          'metrics.get: unknown metric "accuracyy"; expected one of "acc", "accuracy", "auc"',
        ) &&
        e.message.includes('"sparse_categorical_accuracy"') &&
        e.message.endsWith('(or a class name such as "AUC")'),
    );
    assert.throws(
      () => M.get({ className: "Nope" }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message.startsWith('metrics.get: unknown metric "Nope"'),
    );
    assert.throws(
      () => M.get(42 as never),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "metrics.get: expected a metric name, a Metric, a function or { className, config }, got 42",
    );
    // a class that needs options says which
    assert.throws(() => M.get("mean_io_u"), /MeanIoU: expected numClasses/);
  });

  test("METRIC_NAMES is sorted and every name resolves", () => {
    assert.deepEqual([...M.METRIC_NAMES].sort(), M.METRIC_NAMES);
    for (const name of M.METRIC_NAMES) {
      if (/io_u|mean_metric_wrapper/.test(name)) continue;
      assert.ok(M.get(name) instanceof M.Metric, name);
    }
  });
});

describe("resolveAccuracy (Keras 3's compile rule)", () => {
  test("binary when the output's last dimension is 1", () => {
    assert.equal(
      M.resolveAccuracy("accuracy", "mse", [8, 1]),
      "binary_accuracy",
    );
    assert.equal(
      M.resolveAccuracy("acc", null, [8, 1], [8]),
      "binary_accuracy",
    );
  });

  test("sparse when the labels have a lower rank or a last dimension of 1", () => {
    assert.equal(
      M.resolveAccuracy("accuracy", null, [8, 10], [8]),
      "sparse_categorical_accuracy",
    );
    assert.equal(
      M.resolveAccuracy("Accuracy", null, [8, 10], [8, 1]),
      "sparse_categorical_accuracy",
    );
    assert.equal(
      M.resolveAccuracy("ACC", null, [8, 10], [8, 10]),
      "categorical_accuracy",
    );
  });

  test("without the labels' shape, the loss decides sparse or not", () => {
    assert.equal(
      M.resolveAccuracy("accuracy", "sparse_categorical_crossentropy", [8, 10]),
      "sparse_categorical_accuracy",
    );
    assert.equal(
      M.resolveAccuracy("accuracy", "SparseCategoricalCrossentropy", [8, 10]),
      "sparse_categorical_accuracy",
    );
    assert.equal(
      M.resolveAccuracy("accuracy", "categorical_crossentropy", [8, 10]),
      "categorical_accuracy",
    );
  });

  test("other identifiers pass through; rename names the metric", () => {
    assert.equal(M.resolveAccuracy("mse", "mse", [8, 1]), "mse");
    const m = M.rename(
      M.get(M.resolveAccuracy("acc", "binary_crossentropy", [4, 1])),
      "acc",
    );
    assert.ok(m instanceof M.BinaryAccuracy);
    assert.equal(m.name, "acc");
    assert.throws(
      () => M.rename(m, ""),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message === 'metrics.rename: expected a non-empty string, got ""',
    );
  });
});
