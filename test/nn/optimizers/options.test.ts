// SPDX-License-Identifier: Apache-2.0
/**
 * The options every optimizer shares (src/nn/optimizers/optimizer.ts),
 * checked against hand computations in float64: clipnorm, globalClipnorm,
 * clipvalue, decoupled weight decay and its exclusions, lossScaleFactor,
 * gradient accumulation, the EMA of the weights (with overwrite, finalize
 * and swap), the order of the phases, constraints, learning-rate
 * schedules, and all-or-nothing steps.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

const f64 = (values: tg.NestedArray) => tg.tensor(values, undefined, "float64");
const variable = (values: tg.NestedArray, name = "w") =>
  new tg.Variable(values, { dtype: "float64", name });
const O = tg.optimizers;

/** The optimizer variable named `<optimizer>/<variable>_<slot>`. */
function slotOf(
  opt: tg.optimizers.Optimizer,
  v: tg.Variable,
  slot: string,
): tg.Variable {
  const name = `${opt.name}/${v.name}_${slot}`;
  const found = opt.variables.find((s) => s.name === name);
  assert.ok(
    found,
    `no slot ${name} among ${opt.variables.map((s) => s.name).join(", ")}`,
  );
  return found;
}

/** Records what updateStep receives: gradient, variable value, lr. */
class Recorder extends O.Optimizer {
  seen: { g: number[]; w: number[]; lr: number; iterations: number }[] = [];
  constructor(args: tg.optimizers.OptimizerArgs = {}) {
    super(args, { learningRate: 0.5, name: "rec" });
  }
  protected updateStep(g: tg.Tensor, v: tg.Variable, lr: number): void {
    this.seen.push({
      g: Array.from(g.data),
      w: Array.from(v.data),
      lr,
      iterations: this.iterations,
    });
    v.assignSub(g.mul(lr));
  }
}

afterEach(() => tg.setWarningHandler());

describe("gradient clipping", () => {
  test("clipnorm scales each gradient to norm <= clipnorm on its own", () => {
    const a = variable([0, 0], "a");
    const b = variable([0], "b");
    const opt = new Recorder({ clipnorm: 1 });
    opt.applyGradients([
      [f64([3, 4]), a],
      [f64([0.5]), b],
    ]);
    // |[3, 4]| = 5 > 1: [0.6, 0.8]; |[0.5]| < 1: unchanged.
    allclose(opt.seen[0]!.g, [0.6, 0.8], { rtol: 1e-15 });
    allclose(opt.seen[1]!.g, [0.5], { rtol: 1e-15 });
  });

  test("globalClipnorm scales all gradients by one factor", () => {
    const a = variable([0, 0], "a");
    const b = variable([0], "b");
    const opt = new Recorder({ globalClipnorm: 6.5 });
    opt.applyGradients([
      [f64([3, 4]), a],
      [f64([12]), b],
    ]);
    // Global norm √(9 + 16 + 144) = 13: scale 6.5 / 13 = 0.5.
    allclose(opt.seen[0]!.g, [1.5, 2], { rtol: 1e-15 });
    allclose(opt.seen[1]!.g, [6], { rtol: 1e-15 });

    const under = new Recorder({ globalClipnorm: 20 });
    under.applyGradients([
      [f64([3, 4]), a],
      [f64([12]), b],
    ]);
    allclose(under.seen[1]!.g, [12], { rtol: 1e-15 });
  });

  test("globalClipnorm of a non-finite norm gives NaN, as Keras", () => {
    const a = variable([0, 0]);
    const opt = new Recorder({ globalClipnorm: 1 });
    opt.applyGradients([[f64([Infinity, 1]), a]]);
    assert.ok(opt.seen[0]!.g.every(Number.isNaN));
  });

  test("clipvalue clips each element to [-clipvalue, clipvalue]", () => {
    const a = variable([0, 0, 0]);
    const opt = new Recorder({ clipvalue: 0.5 });
    opt.applyGradients([[f64([-2, 0.3, 1]), a]]);
    allclose(opt.seen[0]!.g, [-0.5, 0.3, 0.5], { rtol: 1e-15 });
  });

  test("clipnorm in float32 keeps float32", () => {
    const a = new tg.Variable([0, 0]);
    const opt = new Recorder({ clipnorm: 1 });
    opt.applyGradients([[tg.tensor([30, 40]), a]]);
    allclose(opt.seen[0]!.g, [0.6, 0.8], { rtol: 1e-7 });
    assert.equal(a.dtype, "float32");
  });
});

describe("weight decay", () => {
  test("w −= w·wd·lr, before the update, which sees the decayed w", () => {
    const w = variable([2, -4]);
    const opt = new Recorder({ weightDecay: 0.1, learningRate: 0.5 });
    opt.applyGradients([[f64([1, 1]), w]]);
    // Decay: 2 − 2·0.1·0.5 = 1.9, −4 + 0.2 = −3.8; then the update.
    allclose(opt.seen[0]!.w, [1.9, -3.8], { rtol: 1e-15 });
    allclose(w, [1.9 - 0.5, -3.8 - 0.5], { rtol: 1e-15 });
  });

  test("the decay uses the scheduled learning rate of the step", () => {
    const w = variable([1]);
    const schedule = new O.schedules.PiecewiseConstantDecay({
      boundaries: [0],
      values: [0.5, 0.25],
    });
    const opt = new O.SGD({ learningRate: schedule, weightDecay: 0.1 });
    opt.applyGradients([[f64([0]), w]]);
    allclose(w, [1 - 0.1 * 0.5], { rtol: 1e-15 });
    opt.applyGradients([[f64([0]), w]]);
    allclose(w, [0.95 * (1 - 0.1 * 0.25)], { rtol: 1e-15 });
  });

  test("excluded variables, by list or by name, do not decay", () => {
    const kernel = variable([1], "dense/kernel");
    const bias = variable([1], "dense/bias");
    const other = variable([1], "other");
    const step = (opt: tg.optimizers.Optimizer) =>
      opt.applyGradients([
        [f64([0]), kernel],
        [f64([0]), bias],
        [f64([0]), other],
      ]);
    const opt = new O.SGD({ learningRate: 1, weightDecay: 0.5 });
    opt.excludeFromWeightDecay({ varList: [other], varNames: ["bias"] });
    step(opt);
    allclose(kernel, [0.5]);
    allclose(bias, [1]);
    allclose(other, [1]);
    // A new call replaces the exclusions, as in Keras.
    opt.excludeFromWeightDecay({ varNames: ["kernel"] });
    step(opt);
    allclose(kernel, [0.5]);
    allclose(bias, [0.5]);
    allclose(other, [0.5]);
  });

  test("AdamW decays by default (0.004) and Adam does not", () => {
    const a = variable([1]);
    const b = variable([1]);
    new O.AdamW({ learningRate: 0.5 }).applyGradients([[f64([0]), a]]);
    new O.Adam({ learningRate: 0.5 }).applyGradients([[f64([0]), b]]);
    allclose(a, [1 - 0.004 * 0.5], { rtol: 1e-15 });
    allclose(b, [1]);
  });

  test("bad exclusions are ValueErrors", () => {
    const opt = new O.SGD();
    assert.throws(
      () => opt.excludeFromWeightDecay({ varNames: "bias" as never }),
      {
        name: "ValueError",
        message:
          'SGD.excludeFromWeightDecay: expected varNames to be an array of strings, got "bias"',
      },
    );
    assert.throws(() => opt.excludeFromWeightDecay({ varList: [1] as never }), {
      name: "ValueError",
      message: /expected varList to be an array of Variables/,
    });
  });
});

describe("loss scaling", () => {
  test("gradients are divided by lossScaleFactor; scaleLoss multiplies", () => {
    const w = variable([0]);
    const opt = new Recorder({ lossScaleFactor: 4 });
    opt.applyGradients([[f64([2]), w]]);
    allclose(opt.seen[0]!.g, [0.5], { rtol: 1e-15 });
    allclose(opt.scaleLoss(f64(3)), 12);
    allclose(new Recorder().scaleLoss(f64(3)), 3);
  });
});

describe("gradient accumulation", () => {
  test("N calls accumulate, then one step with the mean gradient", () => {
    const w = variable([1, 1]);
    const opt = new O.SGD({ learningRate: 0.5, gradientAccumulationSteps: 3 });
    opt.applyGradients([[f64([1, 2]), w]]);
    allclose(w, [1, 1]);
    assert.equal(opt.iterations, 0);
    allclose(slotOf(opt, w, "gradient_accumulator"), [1, 2]);
    opt.applyGradients([[f64([2, 2]), w]]);
    allclose(w, [1, 1]);
    assert.equal(opt.iterations, 0);
    opt.applyGradients([[f64([3, 5]), w]]);
    // Mean gradient [2, 3]: w −= 0.5·[2, 3]. Accumulators are reset.
    allclose(w, [0, -0.5], { rtol: 1e-15 });
    assert.equal(opt.iterations, 1);
    allclose(slotOf(opt, w, "gradient_accumulator"), [0, 0]);
    for (let i = 0; i < 3; i++) opt.applyGradients([[f64([1, 1]), w]]);
    allclose(w, [-0.5, -1], { rtol: 1e-15 });
    assert.equal(opt.iterations, 2);
  });

  test("updateStep sees the applied-step count; schedules see every call", () => {
    const w = variable([0]);
    const schedule = new O.schedules.PiecewiseConstantDecay({
      boundaries: [1],
      values: [1, 0.5],
    });
    const opt = new Recorder({
      learningRate: schedule,
      gradientAccumulationSteps: 3,
    });
    for (let i = 0; i < 6; i++) opt.applyGradients([[f64([3]), w]]);
    // Steps at calls 3 and 6 (schedule steps 2 and 5), iterations 0 and 1.
    assert.deepEqual(
      opt.seen.map((s) => [s.lr, s.iterations]),
      [
        [0.5, 0],
        [0.5, 1],
      ],
    );
    allclose(opt.seen[0]!.g, [3]);
  });

  test("Adam's bias correction counts applied steps", () => {
    const a = variable([1]);
    const b = variable([1]);
    const accumulated = new O.Adam({
      learningRate: 0.1,
      gradientAccumulationSteps: 2,
    });
    const plain = new O.Adam({ learningRate: 0.1 });
    accumulated.applyGradients([[f64([1]), a]]);
    accumulated.applyGradients([[f64([3]), a]]);
    plain.applyGradients([[f64([2]), b]]);
    allclose(a, b, { rtol: 1e-15 });
  });

  test("gradientAccumulationSteps must be an integer >= 2", () => {
    for (const bad of [1, 2.5, 0, -3]) {
      assert.throws(() => new O.SGD({ gradientAccumulationSteps: bad }), {
        name: "ValueError",
        message: `SGD: expected gradientAccumulationSteps to be an integer >= 2, got gradientAccumulationSteps=${bad}`,
      });
    }
  });
});

describe("EMA of the weights", () => {
  test("the average follows Keras's update (float64, by hand)", () => {
    const w = variable([0]);
    const opt = new O.SGD({ learningRate: 1, useEma: true, emaMomentum: 0.5 });
    const grads = [-1, -2, 4];
    const weights: number[] = [];
    for (const g of grads) {
      opt.applyGradients([[f64([g]), w]]);
      weights.push(w.data[0]!);
    }
    assert.deepEqual(weights, [1, 3, -1]);
    // First step copies (momentum 0), then avg = 0.5·avg + 0.5·w.
    const avg = slotOf(opt, w, "average");
    allclose(avg, [0.5 * (0.5 * 1 + 0.5 * 3) + 0.5 * -1], { rtol: 1e-15 });
    allclose(w, [-1]);
    opt.finalizeVariableValues([w]);
    allclose(w, [0.5], { rtol: 1e-15 });
  });

  test("float32 with the default momentum 0.99, by hand", () => {
    const w = new tg.Variable([1, 2], { name: "w" });
    const opt = new O.SGD({ learningRate: 0.1, useEma: true });
    const f = Math.fround;
    const m = f(0.99);
    const om = f(1 - m);
    let avg = [0, 0];
    let cur = [1, 2];
    for (let step = 0; step < 4; step++) {
      const g = [step + 1, -step];
      opt.applyGradients([[tg.tensor(g), w]]);
      cur = cur.map((x, i) => f(x - f(g[i]! * f(0.1))));
      avg = step === 0 ? cur : avg.map((a, i) => f(f(a * m) + f(cur[i]! * om)));
    }
    allclose(w, cur, { rtol: 1e-7 });
    allclose(slotOf(opt, w, "average"), avg, { rtol: 1e-7 });
  });

  test("emaOverwriteFrequency overwrites the weights every k steps", () => {
    const w = variable([0]);
    const opt = new O.SGD({
      learningRate: 1,
      useEma: true,
      emaMomentum: 0.5,
      emaOverwriteFrequency: 2,
    });
    opt.applyGradients([[f64([-1]), w]]); // w 1, avg 1
    allclose(w, [1]);
    opt.applyGradients([[f64([-2]), w]]); // w 3, avg 2, overwritten
    allclose(w, [2]);
    opt.applyGradients([[f64([-2]), w]]); // w 4, avg 3, kept
    allclose(w, [4]);
  });

  test("swapEmaWeights swaps, and a second call swaps back", () => {
    const w = variable([0]);
    const opt = new O.SGD({ learningRate: 1, useEma: true, emaMomentum: 0.5 });
    opt.applyGradients([[f64([-1]), w]]);
    opt.applyGradients([[f64([-2]), w]]); // w 3, avg 2
    opt.swapEmaWeights();
    allclose(w, [2]);
    allclose(slotOf(opt, w, "average"), [3]);
    opt.swapEmaWeights([w]);
    allclose(w, [3]);
    assert.throws(() => new O.SGD().swapEmaWeights(), {
      name: "ValueError",
      message:
        "SGD.swapEmaWeights: expected an optimizer with useEma: true, got useEma=false",
    });
    assert.throws(() => opt.swapEmaWeights([variable([1], "stranger")]), {
      name: "ValueError",
      message:
        'SGD.swapEmaWeights: expected variables this optimizer has stepped, got "stranger", which has no moving average',
    });
    allclose(w, [3]);
  });

  test("without useEma, finalizeVariableValues does nothing", () => {
    const w = variable([0]);
    const opt = new O.SGD({ learningRate: 1 });
    opt.applyGradients([[f64([-1]), w]]);
    opt.finalizeVariableValues();
    allclose(w, [1]);
  });

  test("the EMA sees the weights before constraints, as Keras", () => {
    const w = new tg.Variable([0.5], {
      dtype: "float64",
      name: "w",
      constraint: (x) => tg.maximum(x, 0),
    });
    const opt = new O.SGD({ learningRate: 1, useEma: true });
    opt.applyGradients([[f64([1]), w]]);
    allclose(w, [0]);
    allclose(slotOf(opt, w, "average"), [-0.5]);
  });

  test("emaMomentum in [0, 1] and emaOverwriteFrequency >= 1", () => {
    assert.throws(() => new O.Adam({ useEma: true, emaMomentum: 1.5 }), {
      name: "ValueError",
      message: "Adam: expected emaMomentum in [0, 1], got emaMomentum=1.5",
    });
    assert.throws(() => new O.Adam({ emaOverwriteFrequency: 0 }), {
      name: "ValueError",
      message:
        "Adam: expected emaOverwriteFrequency to be an integer >= 1, got emaOverwriteFrequency=0",
    });
  });
});

describe("learning-rate schedules in an optimizer", () => {
  const schedule = () =>
    new O.schedules.ExponentialDecay({
      initialLearningRate: 0.1,
      decaySteps: 1,
      decayRate: 0.5,
    });

  test("evaluated at the step count, as float32", () => {
    const w = variable([0]);
    const opt = new O.SGD({ learningRate: schedule() });
    assert.equal(opt.learningRate, Math.fround(0.1));
    opt.applyGradients([[f64([-1]), w]]);
    assert.equal(opt.learningRate, Math.fround(0.05));
    opt.applyGradients([[f64([-1]), w]]);
    allclose(w, [Math.fround(0.1) + Math.fround(0.05)], { rtol: 1e-15 });
    assert.ok(opt.learningRateSchedule instanceof O.schedules.ExponentialDecay);
    assert.equal(new O.SGD().learningRateSchedule, null);
  });

  test("a number cannot replace a schedule; a schedule can", () => {
    const opt = new O.Adam({ learningRate: schedule() });
    assert.throws(
      () => {
        opt.learningRate = 0.01;
      },
      {
        name: "ValueError",
        message:
          "Adam.learningRate: expected a LearningRateSchedule (this optimizer was created with one, so a number cannot be set, as in Keras), got 0.01",
      },
    );
    assert.equal(opt.learningRate, Math.fround(0.1));
    opt.learningRate = new O.schedules.InverseTimeDecay({
      initialLearningRate: 1,
      decaySteps: 1,
      decayRate: 1,
    });
    assert.equal(opt.learningRate, 1);
    // A constant-rate optimizer may switch to a schedule.
    const sgd = new O.SGD();
    sgd.learningRate = schedule();
    assert.equal(sgd.learningRate, Math.fround(0.1));
  });

  test("getConfig serializes the schedule; fromConfig restores it", () => {
    const opt = new O.RMSprop({ learningRate: schedule(), rho: 0.8 });
    const config = opt.getConfig();
    assert.deepEqual(config.learningRate, {
      className: "ExponentialDecay",
      config: {
        initialLearningRate: 0.1,
        decaySteps: 1,
        decayRate: 0.5,
        staircase: false,
        name: "ExponentialDecay",
      },
    });
    const copy = O.RMSprop.fromConfig(config);
    assert.ok(
      copy.learningRateSchedule instanceof O.schedules.ExponentialDecay,
    );
    assert.deepEqual(copy.getConfig(), config);
  });

  test("a schedule that gives a bad rate is a ValueError; nothing changes", () => {
    class Broken extends O.schedules.LearningRateSchedule {
      readonly className = "Broken";
      protected compute(step: number): number {
        return step < 1 ? 0.5 : Number.NaN;
      }
      getConfig() {
        return {};
      }
    }
    const w = variable([1]);
    const opt = new O.SGD({ learningRate: new Broken(), momentum: 0.5 });
    opt.applyGradients([[f64([1]), w]]);
    allclose(w, [0.5]);
    assert.throws(() => opt.applyGradients([[f64([1]), w]]), {
      name: "ValueError",
      message:
        "SGD.applyGradients: expected the schedule Broken to give a finite learning rate >= 0 at step 1, got NaN",
    });
    allclose(w, [0.5]);
    allclose(slotOf(opt, w, "momentum"), [-0.5]);
    assert.equal(opt.iterations, 1);
  });
});

describe("all or nothing", () => {
  test("a constraint that throws puts every variable and slot back", () => {
    const a = variable([1, 2], "a");
    let fail = false;
    const b = new tg.Variable([3], {
      dtype: "float64",
      name: "b",
      constraint: (x) => {
        if (fail) throw new Error("constraint failed");
        return x;
      },
    });
    const opt = new O.Adam({ learningRate: 0.1, useEma: true });
    const step = () =>
      opt.applyGradients([
        [f64([1, 1]), a],
        [f64([1]), b],
      ]);
    step();
    const before = [a, b, ...opt.variables].map((v) => Array.from(v.data));
    const names = opt.variables.map((v) => v.name);
    fail = true;
    assert.throws(step, /constraint failed/);
    assert.deepEqual(
      [a, b, ...opt.variables].map((v) => Array.from(v.data)),
      before,
    );
    assert.deepEqual(
      opt.variables.map((v) => v.name),
      names,
    );
    assert.equal(opt.iterations, 1);
    // The next good step is the second step.
    fail = false;
    step();
    assert.equal(opt.iterations, 2);
  });

  test("slots created by a failed first step are forgotten", () => {
    const a = new tg.Variable([1], {
      name: "a",
      constraint: () => {
        throw new Error("no");
      },
    });
    const opt = new O.SGD({ momentum: 0.9 });
    assert.throws(() => opt.applyGradients([[tg.ones([1]), a]]), /no/);
    assert.deepEqual(opt.variables, []);
    allclose(a, [1]);
    assert.equal(opt.iterations, 0);
  });
});

describe("option checks", () => {
  test("only one of clipnorm, clipvalue and globalClipnorm", () => {
    assert.throws(() => new O.Adam({ clipnorm: 1, clipvalue: 0.5 }), {
      name: "ValueError",
      message:
        "Adam: expected at most one of clipnorm, clipvalue and globalClipnorm, got clipnorm=1, clipvalue=0.5, globalClipnorm=null",
    });
    assert.throws(
      () => new O.SGD({ globalClipnorm: 1, clipnorm: 2 }),
      /expected at most one of/,
    );
    assert.equal(new O.SGD({ clipnorm: 1, clipvalue: null }).clipnorm, 1);
  });

  test("clip options, weight decay and loss scale must be positive numbers", () => {
    const cases: [tg.optimizers.OptimizerArgs, string][] = [
      [
        { clipnorm: 0 },
        "expected clipnorm to be a finite number > 0, got clipnorm=0",
      ],
      [
        { clipvalue: -1 },
        "expected clipvalue to be a finite number > 0, got clipvalue=-1",
      ],
      [
        { globalClipnorm: Number.NaN },
        "expected globalClipnorm to be a finite number > 0, got globalClipnorm=NaN",
      ],
      [
        { weightDecay: -0.1 },
        "expected weightDecay to be a finite number >= 0, got weightDecay=-0.1",
      ],
      [
        { lossScaleFactor: 0 },
        "expected lossScaleFactor to be a finite number > 0, got lossScaleFactor=0",
      ],
      [
        { useEma: "yes" as never },
        'expected useEma to be a boolean, got useEma="yes"',
      ],
      [{ name: 3 as never }, "expected name to be a string, got name=3"],
    ];
    for (const [args, message] of cases) {
      assert.throws(() => new O.Lion(args), {
        name: "ValueError",
        message: `Lion: ${message}`,
      });
    }
  });

  test("unknown options are rejected, as Keras rejects unknown arguments", () => {
    assert.throws(() => new O.Adam({ learning_rate: 0.1 } as never), {
      name: "ValueError",
      message:
        /^Adam: expected options among \["learningRate",.*"amsgrad"\], got unknown option\(s\) \["learning_rate"\]$/,
    });
    assert.throws(() => new O.SGD({ beta1: 0.9 } as never), /\["beta1"\]/);
  });
});
