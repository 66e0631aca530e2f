// SPDX-License-Identifier: Apache-2.0
/**
 * The Metric base and the reducing metrics (src/nn/metrics/metric.ts,
 * reduction.ts): Keras 3's sample-weight rules for Mean and Sum over
 * several updates, resetState, dtypes, names, config round trips,
 * MeanMetricWrapper, and a throwing update that changes nothing.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

describe("Mean", () => {
  test("unweighted updates average every value seen", () => {
    const m = new tg.metrics.Mean();
    m.updateState([1, 3, 5, 7]);
    m.updateState([2, 4]);
    // (1 + 3 + 5 + 7 + 2 + 4) / 6
    allclose(m.result(), 22 / 6, { dtype: "float32" });
    assert.equal(m.name, "mean");
  });

  test("weights per sample, over two batches", () => {
    const m = new tg.metrics.Mean();
    m.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
    m.updateState([10, 20], [0.5, 2]);
    // (1 + 3 + 0.5·10 + 2·20) / (1 + 1 + 0.5 + 2)
    allclose(m.result(), 49 / 4.5);
  });

  test("rank-2 values with [batch] weights average each row first", () => {
    const m = new tg.metrics.Mean({ dtype: "float64" });
    m.updateState(
      [
        [1, 3],
        [5, 7],
      ],
      [2, 1],
    );
    // rows average to 2 and 6: (2·2 + 1·6) / 3
    allclose(m.result(), 10 / 3, { dtype: "float64" });
  });

  test("[batch, 1] weights on [batch, 1] values", () => {
    const m = new tg.metrics.Mean({ dtype: "float64" });
    m.updateState([[1], [3]], [[3], [1]]);
    allclose(m.result(), (3 + 3) / 4);
  });

  test("rank-2 weights are averaged per sample into the count", () => {
    const m = new tg.metrics.Mean({ dtype: "float64" });
    m.updateState(
      [
        [1, 3],
        [5, 7],
      ],
      [
        [1, 0],
        [1, 1],
      ],
    );
    // weighted rows [1, 0] and [5, 7] average to 0.5 and 6; the weights
    // average to 0.5 and 1
    allclose(m.result(), 6.5 / 1.5);
  });

  test("a scalar weight counts the whole batch once, as Keras", () => {
    const m = new tg.metrics.Mean({ dtype: "float64" });
    m.updateState([1, 3, 5, 7], 2);
    // values reduce to their mean 4 with weight 2
    allclose(m.result(), 4);
    m.updateState(10, 6);
    allclose(m.result(), (2 * 4 + 6 * 10) / 8);
  });

  test("no values seen, or zero weight, gives 0", () => {
    const m = new tg.metrics.Mean();
    allclose(m.result(), 0);
    m.updateState([1, 2], [0, 0]);
    allclose(m.result(), 0);
  });

  test("resetState starts over", () => {
    const m = new tg.metrics.Mean();
    m.updateState([100, 200]);
    m.resetState();
    m.updateState([1, 3]);
    allclose(m.result(), 2);
    assert.deepEqual(
      m.variables.map((v) => v.toArray()),
      [4, 2],
    );
  });

  test("float64 state stays float64", () => {
    const m = new tg.metrics.Mean({ dtype: "float64" });
    m.updateState([0.1, 0.2]);
    allclose(m.result(), 0.15000000000000002, { dtype: "float64" });
    assert.ok(m.variables.every((v) => v.dtype === "float64"));
  });

  test("state variables are non-trainable", () => {
    const m = new tg.metrics.Mean();
    assert.deepEqual(
      m.variables.map((v) => [v.name, v.trainable]),
      [
        ["total", false],
        ["count", false],
      ],
    );
  });

  test("call updates and returns the result", () => {
    const m = new tg.metrics.Mean();
    allclose(m.call([2, 4]), 3);
    allclose(m.call([9]), 5);
  });

  test("a weight that does not broadcast throws and changes nothing", () => {
    const m = new tg.metrics.Mean();
    m.updateState([1, 2]);
    assert.throws(
      () => m.updateState([1, 2, 3], [1, 2]),
      (e: Error) =>
        e instanceof tg.ShapeError &&
        e.message.startsWith('Mean "mean".updateState: expected a ') &&
        e.message.includes("got sampleWeight shape [2]"),
    );
    allclose(m.result(), 1.5);
    assert.deepEqual(
      m.variables.map((v) => v.toArray()),
      [3, 2],
    );
  });
});

describe("Sum", () => {
  test("sums weighted values over updates", () => {
    const m = new tg.metrics.Sum();
    m.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
    m.updateState(
      [
        [1, 2],
        [3, 4],
      ],
      [1, 2],
    );
    // 4 + (1 + 2)·1 + (3 + 4)·2
    allclose(m.result(), 4 + 3 + 14);
    assert.equal(m.name, "sum");
  });

  test("a scalar weight scales the batch's sum", () => {
    const m = new tg.metrics.Sum();
    m.updateState([1, 3, 5, 7], 2);
    allclose(m.result(), 32);
    m.resetState();
    allclose(m.result(), 0);
  });
});

describe("MeanMetricWrapper", () => {
  const maxError = (t: tg.Tensor, p: tg.Tensor) => tg.max(tg.abs(t.sub(p)), -1);

  test("averages a per-sample function with weights", () => {
    const m = tg.metrics.get(maxError);
    assert.ok(m instanceof tg.metrics.MeanMetricWrapper);
    assert.equal(m.name, "max_error");
    m.updateState(
      [
        [0, 1],
        [2, 2],
      ],
      [
        [1, 1],
        [2, 5],
      ],
      [1, 3],
    );
    m.updateState([[0, 0]], [[0, 4]]);
    // per-sample max errors 1, 3, 4 with weights 1, 3, 1
    allclose(m.result(), (1 + 9 + 4) / 5);
  });

  test("the default name is Keras's class-name default", () => {
    tg.clearSession();
    const m = new tg.metrics.MeanMetricWrapper({
      fn: (t: tg.Tensor, p: tg.Tensor) => tg.abs(t.sub(p)),
    });
    assert.equal(m.name, "mean_metric_wrapper");
  });

  test("fromConfig rebuilds it with the same function", () => {
    const m = new tg.metrics.MeanMetricWrapper({ fn: maxError, name: "e" });
    const c = m.getConfig();
    assert.equal(c.fn, maxError);
    const copy = tg.metrics.MeanMetricWrapper.fromConfig(c);
    copy.updateState([[0, 1]], [[3, 1]]);
    allclose(copy.result(), 3);
    assert.equal(copy.name, "e");
  });

  test("rejects a missing function", () => {
    assert.throws(
      () => new tg.metrics.MeanMetricWrapper({} as never),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          "MeanMetricWrapper: expected fn to be a function, got fn=undefined",
    );
  });
});

describe("Metric base", () => {
  test("rejects an integer dtype and a non-string name", () => {
    assert.throws(
      () => new tg.metrics.Mean({ dtype: "int32" }),
      (e: Error) =>
        e instanceof tg.DTypeError &&
        e.message ===
          'Mean: expected dtype float32 or float64, got dtype="int32"',
    );
    assert.throws(
      () => new tg.metrics.Sum({ name: 3 as never }),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message === "Sum: expected name to be a string, got name=3",
    );
  });

  test("auto names are numbered like layers' (Keras's uniquify)", () => {
    tg.clearSession();
    assert.equal(new tg.metrics.Precision().name, "precision");
    assert.equal(new tg.metrics.Precision().name, "precision_1");
    assert.equal(new tg.metrics.TruePositives().name, "true_positives");
    assert.equal(new tg.metrics.AUC().name, "auc");
    assert.equal(new tg.metrics.MeanIoU({ numClasses: 2 }).name, "mean_io_u");
  });

  test("toString is Keras's repr", () => {
    assert.equal(
      String(new tg.metrics.Mean({ name: "loss" })),
      "<Mean name=loss>",
    );
  });

  test("getConfig / fromConfig round trip", () => {
    const m = new tg.metrics.Mean({ name: "m", dtype: "float64" });
    assert.deepEqual(m.getConfig(), { name: "m", dtype: "float64" });
    const copy = tg.metrics.Mean.fromConfig(m.getConfig());
    assert.ok(copy instanceof tg.metrics.Mean);
    assert.equal(copy.dtype, "float64");
    assert.equal(copy.name, "m");
  });

  test("a user subclass works through addVariable and commit", () => {
    class Count extends tg.metrics.Metric {
      readonly n = this.addVariable([], "n");
      updateState(yTrue: tg.TensorLike) {
        this.commit(() => [[this.n, this.n.add(tg.tensor(yTrue).size)]]);
      }
      result() {
        return this.n.value;
      }
    }
    const m = new Count();
    m.updateState([1, 2, 3]);
    m.updateState([[1, 2]]);
    allclose(m.result(), 5);
    assert.equal(m.name, "count");
    m.resetState();
    allclose(m.result(), 0);
  });
});
