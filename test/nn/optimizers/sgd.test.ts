// SPDX-License-Identifier: Apache-2.0
/**
 * The Optimizer base and SGD (src/nn/optimizers/), tg.zip (src/utils.ts)
 * and tg.setWarningHandler (src/core/log.ts): golden trajectories against
 * Keras 3's update written out by hand, the iteration count, slots, the
 * learning rate, all-or-nothing validation, null gradients, minimize and
 * the factory.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

/**
 * Keras keeps the learning rate in a float32 variable and casts it to the
 * variable's dtype, so a float64 model steps with float64(float32(0.1)).
 */
const LR = Math.fround(0.1);

// The quadratic f(w) = ½ Σ a_i (w_i − c_i)², gradient a ⊙ (w − c).
const A = [1, 3, 0.5];
const C = [1, -2, 0.5];
const W0 = [0, 0, 2];

function quadratic(w: tg.Tensor): tg.Tensor {
  const a = tg.tensor(A, undefined, "float64");
  return w
    .sub(tg.tensor(C, undefined, "float64"))
    .square()
    .mul(a)
    .sum()
    .mul(0.5);
}

type Variant = { momentum: number; nesterov: boolean };

/** Keras 3's SGD.update_step, in float64, for `steps` steps. */
function kerasTrajectory(
  { momentum, nesterov }: Variant,
  steps: number,
  lr = LR,
): number[][] {
  let w = [...W0];
  let v = w.map(() => 0);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const g = w.map((wi, i) => A[i]! * (wi - C[i]!));
    if (momentum === 0) {
      w = w.map((wi, i) => wi - g[i]! * lr);
    } else {
      v = v.map((vi, i) => -g[i]! * lr + vi * momentum);
      w = nesterov
        ? w.map((wi, i) => wi + (-g[i]! * lr + v[i]! * momentum))
        : w.map((wi, i) => wi + v[i]!);
    }
    out.push(w);
  }
  return out;
}

/** SGD exposing its slots, as a subclass may. */
class ProbeSGD extends tg.optimizers.SGD {
  velocity(v: tg.Variable): tg.Variable {
    return this.slot(v, "momentum");
  }
}

/** Warnings sent to tg.setWarningHandler while a test runs. */
let warnings: string[] = [];
function captureWarnings(): void {
  warnings = [];
  tg.setWarningHandler((m) => warnings.push(m));
}

afterEach(() => tg.setWarningHandler());

describe("golden trajectories (5 steps, lr 0.1, float64)", () => {
  const variants: [string, Variant][] = [
    ["momentum 0", { momentum: 0, nesterov: false }],
    ["momentum 0.9", { momentum: 0.9, nesterov: false }],
    ["nesterov 0.9", { momentum: 0.9, nesterov: true }],
  ];

  for (const [label, variant] of variants) {
    test(label, () => {
      const w = new tg.Variable(W0, { dtype: "float64", name: "w" });
      const opt = new ProbeSGD({ learningRate: 0.1, ...variant });
      const expected = kerasTrajectory(variant, 5);
      for (let s = 0; s < 5; s++) {
        const tape = new tg.GradientTape();
        const g = tape.gradient(quadratic(w), w);
        opt.applyGradients([[g, w]]);
        allclose(w, expected[s]!, { dtype: "float64" });
        assert.equal(opt.iterations, s + 1);
      }
      if (variant.momentum !== 0) {
        // The slot holds Keras's velocity: w5 − w4 for plain momentum.
        const v = opt.velocity(w);
        const [w4, w5] = [expected[3]!, expected[4]!];
        if (!variant.nesterov) {
          allclose(
            v,
            w5.map((x, i) => x - w4[i]!),
            { rtol: 1e-9 },
          );
        }
        assert.ok(Array.from(v.data).every((x) => x !== 0));
      }
    });
  }

  test("the trajectories tell the variants and the rounding apart", () => {
    // Guards the tests above: each would fail for another variant, and
    // for an unrounded learning rate.
    const plain = kerasTrajectory({ momentum: 0.9, nesterov: false }, 5);
    const nest = kerasTrajectory({ momentum: 0.9, nesterov: true }, 5);
    const none = kerasTrajectory({ momentum: 0, nesterov: false }, 5);
    const exact = kerasTrajectory({ momentum: 0, nesterov: false }, 5, 0.1);
    assert.throws(() => allclose(plain[4]!, nest[4]!));
    assert.throws(() => allclose(plain[4]!, none[4]!));
    assert.throws(() => allclose(none[4]!, exact[4]!));
  });
});

describe("state", () => {
  test("iterations counts applied steps only", () => {
    const w = new tg.Variable([1, 2]);
    const opt = new tg.optimizers.SGD();
    assert.equal(opt.iterations, 0);
    opt.applyGradients([[tg.ones([2]), w]]);
    opt.applyGradients([[tg.ones([2]), w]]);
    assert.equal(opt.iterations, 2);
    assert.throws(() => opt.applyGradients([[tg.ones([3]), w]]));
    assert.equal(opt.iterations, 2);
  });

  test("one momentum slot per variable, zeros at first, not trainable", () => {
    const a = new tg.Variable([1, 2], { name: "a", dtype: "float64" });
    const b = new tg.Variable([[3]], { name: "b" });
    const opt = new ProbeSGD({ momentum: 0.5, learningRate: 0.5 });
    const va = opt.velocity(a);
    assert.strictEqual(opt.velocity(a), va);
    assert.notStrictEqual(opt.velocity(b), va);
    assert.equal(va.name, "SGD/a_momentum");
    assert.equal(va.trainable, false);
    assert.equal(va.dtype, "float64");
    assert.deepEqual(opt.velocity(b).shape, [1, 1]);
    allclose(va, [0, 0]);

    opt.applyGradients([
      [tg.tensor([1, -1], undefined, "float64"), a],
      [tg.tensor([[2]]), b],
    ]);
    // v = −lr·g; w += v.
    allclose(va, [-0.5, 0.5], { dtype: "float64" });
    allclose(opt.velocity(b), [[-1]]);
    allclose(a, [0.5, 2.5]);
    opt.applyGradients([[tg.tensor([1, -1], undefined, "float64"), a]]);
    // v = 0.5·v − lr·g = [−0.75, 0.75].
    allclose(va, [-0.75, 0.75]);
    allclose(a, [-0.25, 3.25]);
  });

  test("a float32 gradient steps a float64 variable in float64", () => {
    const w = new tg.Variable([1], { dtype: "float64" });
    new tg.optimizers.SGD({ learningRate: 0.5 }).applyGradients([
      [tg.tensor([0.1]), w],
    ]);
    assert.equal(w.dtype, "float64");
    allclose(w, [1 - Math.fround(0.1) * 0.5], { dtype: "float64" });
  });

  test("the base class hands updateStep a float32 lr and a cast gradient", () => {
    const seen: [tg.DType, number][] = [];
    class Recorder extends tg.optimizers.Optimizer {
      constructor(args: tg.optimizers.OptimizerArgs = {}) {
        super(args, { learningRate: 0.001, name: "Recorder" });
      }
      protected updateStep(g: tg.Tensor, v: tg.Variable, lr: number): void {
        seen.push([g.dtype, lr]);
        v.assignSub(g.mul(lr));
      }
    }
    const opt = new Recorder({ learningRate: 0.3 });
    assert.equal(opt.name, "Recorder");
    const w = new tg.Variable([1], { dtype: "float64" });
    opt.applyGradients([[tg.tensor([1]), w]]);
    assert.deepEqual(seen, [["float64", Math.fround(0.3)]]);
    assert.equal(new Recorder().learningRate, Math.fround(0.001));
  });
});

describe("learning rate and momentum", () => {
  test("the learning rate reads back rounded to float32", () => {
    const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
    assert.equal(opt.learningRate, Math.fround(0.1));
    assert.notEqual(opt.learningRate, 0.1);
    assert.equal(new tg.optimizers.SGD().learningRate, Math.fround(0.01));
    opt.learningRate = 0.2;
    assert.equal(opt.learningRate, Math.fround(0.2));
    assert.equal(new tg.optimizers.SGD({ learningRate: 0 }).learningRate, 0);
  });

  test("a new learning rate applies to the next step", () => {
    const w = new tg.Variable([1], { dtype: "float64" });
    const opt = new tg.optimizers.SGD({ learningRate: 0.5 });
    opt.learningRate = 0.25;
    opt.applyGradients([[tg.tensor([1], undefined, "float64"), w]]);
    allclose(w, [0.75]);
  });

  for (const bad of [-0.1, Number.NaN, Infinity, -Infinity]) {
    test(`learningRate=${bad} is a ValueError, and setting it keeps the old`, () => {
      assert.throws(
        () => new tg.optimizers.SGD({ learningRate: bad }),
        (e: unknown) =>
          e instanceof tg.ValueError &&
          e.message ===
            "SGD: expected a learning rate that is a finite number >= 0, " +
              `got learningRate=${bad}`,
      );
      const opt = new tg.optimizers.SGD({ learningRate: 0.5 });
      assert.throws(
        () => {
          opt.learningRate = bad;
        },
        {
          name: "ValueError",
          message:
            "SGD.learningRate: expected a learning rate that is a finite " +
            `number >= 0, got learningRate=${bad}`,
        },
      );
      assert.equal(opt.learningRate, 0.5);
    });
  }

  test("a non-number learning rate is a ValueError", () => {
    assert.throws(
      () => new tg.optimizers.SGD({ learningRate: "0.1" as never }),
      { name: "ValueError", message: /got learningRate="0.1"$/ },
    );
  });

  test("momentum must lie in [0, 1]", () => {
    for (const momentum of [-0.1, 1.5, Number.NaN]) {
      assert.throws(
        () => new tg.optimizers.SGD({ momentum }),
        (e: unknown) =>
          e instanceof tg.ValueError &&
          e.message ===
            `SGD: expected momentum in [0, 1], got momentum=${momentum}`,
      );
    }
    assert.throws(() => new tg.optimizers.SGD({ momentum: "0.9" as never }), {
      name: "ValueError",
      message: /got momentum="0.9"$/,
    });
    assert.equal(new tg.optimizers.SGD({ momentum: 0 }).momentum, 0);
    assert.equal(new tg.optimizers.SGD({ momentum: 1 }).momentum, 1);
  });
});

describe("applyGradients: all or nothing", () => {
  function threeVariables() {
    return [
      new tg.Variable([1, 2], { name: "a" }),
      new tg.Variable([[3]], { name: "b" }),
      new tg.Variable([4, 5], { name: "c" }),
    ] as const;
  }

  test("a gradient of the wrong shape, last, changes no variable", () => {
    const [a, b, c] = threeVariables();
    const pairs = [
      [tg.ones([2]), a],
      [tg.ones([1, 1]), b],
      [tg.ones([3]), c],
    ] as const;
    const opt = new tg.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 });
    assert.throws(
      () => opt.applyGradients(pairs),
      (e: unknown) =>
        e instanceof tg.ShapeError &&
        e.message ===
          'SGD.applyGradients: expected a gradient of shape [2] for variable "c", got shape [3]',
    );
    allclose(a, [1, 2]);
    allclose(b, [[3]]);
    allclose(c, [4, 5]);
    assert.equal(opt.iterations, 0);

    // No slot moved either: the next good step is a first step.
    const probe = new ProbeSGD({ learningRate: 0.1, momentum: 0.9 });
    assert.throws(() => probe.applyGradients(pairs), tg.ShapeError);
    probe.applyGradients([[tg.ones([2]), a]]);
    allclose(probe.velocity(a), [-LR, -LR]);
    allclose(a, [1 - LR, 2 - LR]);
  });

  test("a bad pair or variable is a ValueError, and changes nothing", () => {
    const [a, b] = threeVariables();
    const opt = new tg.optimizers.SGD();
    assert.throws(
      () => opt.applyGradients([[tg.ones([2]), a], [tg.ones([1, 1])] as never]),
      { name: "ValueError", message: /expected \[gradient, variable\] pairs/ },
    );
    assert.throws(
      () =>
        opt.applyGradients([
          [tg.ones([2]), a],
          [tg.ones([2]), tg.ones([2]) as never],
        ]),
      {
        name: "ValueError",
        message: /^SGD\.applyGradients: expected a Variable in pair 1, got /,
      },
    );
    assert.throws(
      () =>
        opt.applyGradients([
          [tg.ones([2]), a],
          [[[1]] as never, b],
        ]),
      {
        name: "ValueError",
        message: /expected a tensor gradient for "b"/,
      },
    );
    allclose(a, [1, 2]);
    allclose(b, [[3]]);
    assert.equal(opt.iterations, 0);
  });

  test("null gradients are skipped with one warning", () => {
    captureWarnings();
    const [a, b, c] = threeVariables();
    const opt = new tg.optimizers.SGD({ learningRate: 0.5 });
    opt.applyGradients([
      [null, a],
      [tg.ones([1, 1]), b],
      [undefined, c],
    ]);
    assert.deepEqual(warnings, [
      'Gradients do not exist for variables ["a","c"] when minimizing the loss.',
    ]);
    allclose(a, [1, 2]);
    allclose(b, [[2.5]]);
    allclose(c, [4, 5]);
    assert.equal(opt.iterations, 1);

    // No null, no warning.
    opt.applyGradients([[tg.ones([1, 1]), b]]);
    assert.equal(warnings.length, 1);
  });

  test("all gradients null is a ValueError, without a warning", () => {
    captureWarnings();
    const [a, b] = threeVariables();
    const opt = new tg.optimizers.SGD();
    assert.throws(
      () =>
        opt.applyGradients([
          [null, a],
          [null, b],
        ]),
      {
        name: "ValueError",
        message:
          "SGD.applyGradients: expected at least one gradient, got none (all null)",
      },
    );
    assert.throws(() => opt.applyGradients([]), tg.ValueError);
    assert.deepEqual(warnings, []);
    assert.equal(opt.iterations, 0);
  });

  test("setWarningHandler(null) mutes; no argument restores console.warn", () => {
    const [a, b] = threeVariables();
    const opt = new tg.optimizers.SGD();
    const printed: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void printed.push(args[0]);
    try {
      tg.setWarningHandler(null);
      opt.applyGradients([
        [null, a],
        [tg.ones([1, 1]), b],
      ]);
      assert.deepEqual(printed, []);
      tg.setWarningHandler();
      opt.applyGradients([
        [null, a],
        [tg.ones([1, 1]), b],
      ]);
    } finally {
      console.warn = original;
    }
    assert.equal(printed.length, 1);
    assert.match(
      String(printed[0]),
      /^tensorgrad: Gradients do not exist for variables \["a"\]/,
    );
  });
});

describe("minimize, zip and the factory", () => {
  test("minimize computes the gradients and applies them", () => {
    const w = new tg.Variable([1, -2], { dtype: "float64", name: "w" });
    const opt = new tg.optimizers.SGD({ learningRate: 0.25 });
    const loss = opt.minimize(() => w.square().sum(), [w]);
    allclose(loss, 5, { dtype: "float64" });
    // w −= 0.25 · 2w.
    allclose(w, [0.5, -1], { dtype: "float64" });
    assert.equal(opt.iterations, 1);
  });

  test("minimize skips a variable the loss does not use, with a warning", () => {
    captureWarnings();
    const w = new tg.Variable([1], { dtype: "float64", name: "used" });
    const u = new tg.Variable([7], { dtype: "float64", name: "unused" });
    const opt = new tg.optimizers.SGD({ learningRate: 0.5 });
    opt.minimize(() => w.mul(3).sum(), [w, u]);
    allclose(w, [-0.5]);
    allclose(u, [7]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /\["unused"\]/);
  });

  test("the seed's loop: tape, zip, applyGradients", () => {
    const model = new tg.Sequential([
      tg.layers.dense({ units: 1, inputShape: [1], dtype: "float64" }),
    ]);
    model.setWeights([[[0.5]], [1]]);
    const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
    const tape = new tg.GradientTape();
    const loss = new tg.losses.MeanSquaredError().call(0, model.apply(2));
    const grads = tape.gradient(loss, model.trainableVariables);
    opt.applyGradients(tg.zip(grads, model.trainableVariables));
    // err = 0.5·2 + 1 = 2; dw = 2·err·x = 8, db = 2·err = 4.
    const [k, b] = model.trainableVariables;
    allclose(k!, [[0.5 - LR * 8]], { dtype: "float64" });
    allclose(b!, [1 - LR * 4], { dtype: "float64" });
  });

  test("zip pairs two lists", () => {
    assert.deepEqual(tg.zip([1, 2], ["a", "b"]), [
      [1, "a"],
      [2, "b"],
    ]);
    assert.deepEqual(tg.zip([], []), []);
    const vars = [new tg.Variable([1])];
    const pairs = tg.zip([null], vars);
    assert.strictEqual(pairs[0]![1], vars[0]);
  });

  test("zip of lists of different lengths is a ValueError", () => {
    assert.throws(() => tg.zip([1, 2], [1, 2, 3]), {
      name: "ValueError",
      message:
        "zip: expected two arrays of one length, got length 2 and length 3",
    });
    assert.throws(
      () => tg.zip("ab" as never, [1, 2]),
      (e: unknown) =>
        e instanceof tg.ValueError &&
        e.message.endsWith("got string and length 2"),
    );
  });

  test("tg.optimizers.sgd makes an SGD", () => {
    const opt = tg.optimizers.sgd({
      learningRate: 0.05,
      momentum: 0.9,
      nesterov: true,
    });
    assert.ok(opt instanceof tg.optimizers.SGD);
    assert.ok(opt instanceof tg.optimizers.Optimizer);
    assert.deepEqual(opt.getConfig(), {
      name: "SGD",
      learningRate: Math.fround(0.05),
      weightDecay: null,
      clipnorm: null,
      globalClipnorm: null,
      clipvalue: null,
      useEma: false,
      emaMomentum: 0.99,
      emaOverwriteFrequency: null,
      lossScaleFactor: null,
      gradientAccumulationSteps: null,
      momentum: 0.9,
      nesterov: true,
    });
    const plain = tg.optimizers.sgd();
    assert.equal(plain.learningRate, Math.fround(0.01));
    assert.equal(plain.momentum, 0);
    assert.equal(plain.nesterov, false);
    assert.throws(() => tg.optimizers.sgd({ learningRate: -1 }), tg.ValueError);
  });
});
