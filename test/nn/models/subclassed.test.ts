// SPDX-License-Identifier: Apache-2.0
/**
 * Subclassed models (src/nn/models/model.ts): layers found in fields,
 * arrays and records without registration; the training flag; building by
 * the first call or by build(); summary; and a Keras 3 style trainStep
 * override used by fit.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

const X = [
  [1, 2],
  [-1, 0.5],
  [0, -2],
  [3, 1],
];
const Y = [[1], [0], [-1], [2]];

/** Layers in a field, an array and a record, plus a non-layer field. */
class Tower extends tg.Model {
  readonly first = tg.layers.dense({
    units: 3,
    activation: "tanh",
    name: "first",
  });
  readonly middle = [
    tg.layers.dense({ units: 3, name: "mid_0" }),
    tg.layers.dense({ units: 3, name: "mid_1" }),
  ];
  readonly heads = { out: tg.layers.dense({ units: 1, name: "out" }) };
  readonly notALayer = { rate: 0.5, tags: ["x"] };
  lastTraining: boolean | undefined = undefined;

  override call(x: tg.Tensor, options: tg.layers.CallOptions = {}): tg.Tensor {
    this.lastTraining = options.training;
    let h = this.first.apply(x);
    for (const layer of this.middle) h = layer.apply(h);
    return this.heads.out.apply(h);
  }
}

describe("subclassed models", () => {
  test("layers in fields, arrays and records are found, in field order", () => {
    const model = new Tower();
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ["first", "mid_0", "mid_1", "out"],
    );
    assert.equal(model.trainableVariables.length, 0, "not built yet");
    model.apply(X);
    assert.deepEqual(
      model.trainableVariables.map((v) => v.name),
      [
        "first/kernel",
        "first/bias",
        "mid_0/kernel",
        "mid_0/bias",
        "mid_1/kernel",
        "mid_1/bias",
        "out/kernel",
        "out/bias",
      ],
    );
    assert.equal(model.countParams(), 2 * 3 + 3 + 2 * (3 * 3 + 3) + 3 + 1);
    assert.equal(model.getLayer("mid_1"), model.middle[1]);
  });

  test("the first call builds the layers once and runs call once", () => {
    let calls = 0;
    class Counting extends tg.Model {
      readonly dense = tg.layers.dense({ units: 2 });
      override call(x: tg.Tensor): tg.Tensor {
        calls++;
        return this.dense.apply(x);
      }
    }
    const model = new Counting();
    assert.equal(model.built, false);
    const y = model.apply(X);
    assert.equal(calls, 1);
    assert.equal(model.built, true);
    assert.deepEqual(y.shape, [4, 2]);
    allclose(y, model.dense.apply(X), { rtol: 0, atol: 0 });
  });

  test("build(shape) creates the weights before any data", () => {
    const model = new Tower();
    model.build([null, 2]);
    assert.equal(model.built, true);
    assert.deepEqual(model.heads.out.kernel.shape, [3, 1]);
    assert.equal(model.trainableVariables.length, 8);
  });

  test("a failed first call leaves the model unbuilt", () => {
    class Strict extends tg.Model {
      readonly dense = tg.layers.dense({ units: 1 });
      override call(x: tg.Tensor): tg.Tensor {
        if (x.shape[1] !== 2)
          throw new tg.ValueError("Strict: expected 2 features");
        return this.dense.apply(x);
      }
    }
    const model = new Strict();
    assert.throws(() => model.apply([[1, 2, 3]]), /expected 2 features/);
    assert.equal(model.built, false);
    model.apply([[1, 2]]);
    assert.deepEqual(model.dense.kernel.shape, [2, 1]);
  });

  test("the training flag reaches call", () => {
    const model = new Tower();
    model.apply(X, { training: true });
    assert.equal(model.lastTraining, true);
    model.compile({ optimizer: "sgd", loss: "mse" });
    model.predict(X);
    assert.equal(model.lastTraining, false);
    model.fit(X, Y, { verbose: 0, epochs: 1 });
    assert.equal(model.lastTraining, true);
    model.evaluate(X, Y, { verbose: 0 });
    assert.equal(model.lastTraining, false);
  });

  test("records of inputs reach call as records", () => {
    class TwoInputs extends tg.Model {
      readonly dense = tg.layers.dense({ units: 1 });
      override call(x: { left: tg.Tensor; right: tg.Tensor }): tg.Tensor {
        return this.dense.apply(tg.concat([x.left, x.right], 1));
      }
    }
    const model = new TwoInputs();
    const y = model.apply({ left: [[1], [2]], right: [[3], [4]] });
    allclose(
      y,
      model.dense.apply([
        [1, 3],
        [2, 4],
      ]),
      { rtol: 0, atol: 0 },
    );
  });

  test("summary lists the layers with their output shapes", () => {
    const model = new Tower({ name: "tower" });
    model.apply(X);
    const lines: string[] = [];
    model.summary((l) => lines.push(l));
    assert.equal(lines[0], 'Model: "tower"');
    const rows = lines.filter((l) => l.startsWith("│ "));
    assert.deepEqual(
      rows.map((r) => r.split("│")[1]!.trim()),
      ["first (Dense)", "mid_0 (Dense)", "mid_1 (Dense)", "out (Dense)"],
    );
    assert.match(rows[3]!, /│ \(None, 1\) +│ +4 │$/);
    assert.ok(lines.includes(" Total params: 37 (148.00 B)"));
  });

  test("a subclassed model used as a layer in a functional model", () => {
    const inner = new Tower();
    const x = tg.input({ shape: [2] });
    const y = inner.apply(x);
    assert.deepEqual(y.shape, [null, 1]);
    const outer = new tg.Model({ inputs: x, outputs: y });
    assert.equal(outer.trainableVariables.length, 8);
    allclose(outer.apply(X), inner.apply(X), { rtol: 0, atol: 0 });
  });
});

describe("a trainStep override", () => {
  /**
   * Keras 3's pattern: forward on a tape, computeLoss, the optimizer's
   * applyGradients, then the metrics (the loss tracker by hand).
   */
  class Custom extends tg.Model {
    readonly dense = tg.layers.dense({ units: 1, name: "custom_dense" });
    steps = 0;
    override call(x: tg.Tensor): tg.Tensor {
      return this.dense.apply(x);
    }
    override trainStep(batch: tg.Batch): tg.callbacks.Logs {
      this.steps++;
      const tape = new tg.GradientTape();
      const yPred = this.apply(batch.x as tg.Tensor, { training: true });
      const loss = this.computeLoss(batch.x, batch.y, yPred);
      const grads = tape.gradient(loss, this.trainableVariables);
      // Halve the gradients, so that the override's effect is visible.
      const halved = grads.map((g) => (g === null ? null : g.mul(0.5)));
      this.optimizer!.applyGradients(tg.zip(halved, this.trainableVariables));
      this.metrics[0]!.updateState(
        loss,
        tg.tensor(batch.x as tg.Tensor).shape[0],
      );
      return this.computeMetrics(batch.x, batch.y, yPred);
    }
  }

  test("fit runs it; the loss and metrics it reports are the logs", () => {
    tg.setSeed(11);
    const model = new Custom();
    model.compile({
      optimizer: new tg.optimizers.SGD({ learningRate: 0.1 }),
      loss: "mse",
      metrics: ["mae"],
    });
    model.build([null, 2]);
    const start = model.getWeights();
    const h = model.fit(X, Y, {
      epochs: 2,
      batchSize: 2,
      shuffle: false,
      verbose: 0,
    });
    assert.equal(model.steps, 4);
    assert.deepEqual(Object.keys(h.history), ["loss", "mae"]);

    // The same steps by hand, with halved gradients.
    tg.setSeed(11);
    const ref = new tg.Sequential([tg.layers.dense({ units: 1 })]);
    ref.build([null, 2]);
    ref.setWeights(start);
    const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
    const mse = new tg.losses.MeanSquaredError();
    const losses: number[] = [];
    for (let e = 0; e < 2; e++) {
      for (const i of [0, 2]) {
        const x = tg.tensor(X.slice(i, i + 2));
        const y = tg.tensor(Y.slice(i, i + 2));
        const tape = new tg.GradientTape();
        const loss = mse.call(y, ref.apply(x));
        losses.push(loss.item());
        const grads = tape.gradient(loss, ref.trainableVariables);
        opt.applyGradients(
          tg.zip(
            grads.map((g) => g!.mul(0.5)),
            ref.trainableVariables,
          ),
        );
      }
    }
    model.getWeights().forEach((w, i) => allclose(w, ref.getWeights()[i]!));
    allclose(
      h.history.loss!,
      [(losses[0]! + losses[1]!) / 2, (losses[2]! + losses[3]!) / 2],
      { rtol: 1e-6 },
    );
  });

  test("a step returning its own logs: fit reports them", () => {
    class OwnLogs extends tg.Model {
      readonly dense = tg.layers.dense({ units: 1 });
      override call(x: tg.Tensor): tg.Tensor {
        return this.dense.apply(x);
      }
      override trainStep(): tg.callbacks.Logs {
        return { custom: 42 };
      }
      override testStep(): tg.callbacks.Logs {
        return { custom: 7 };
      }
    }
    const model = new OwnLogs();
    model.compile({ optimizer: "sgd", loss: "mse" });
    const h = model.fit(X, Y, {
      epochs: 1,
      verbose: 0,
      validationData: [X, Y],
    });
    assert.deepEqual(h.history, { custom: [42], val_custom: [7] });
  });
});
