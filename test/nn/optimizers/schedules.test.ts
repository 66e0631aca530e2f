// SPDX-License-Identifier: Apache-2.0
/**
 * Learning-rate schedules (src/nn/optimizers/schedules.ts): values at
 * several steps against Keras 3's formulas written out by hand, config
 * round trips, (de)serialization, and bad options.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";

const S = tg.optimizers.schedules;

function close(actual: number, expected: number, rtol = 1e-12): void {
  assert.ok(
    Math.abs(actual - expected) <= rtol * Math.abs(expected) + 1e-15,
    `expected ${expected}, got ${actual}`,
  );
}

function values(
  s: tg.optimizers.schedules.LearningRateSchedule,
  steps: number[],
) {
  return steps.map((t) => s.call(t));
}

describe("ExponentialDecay", () => {
  test("lr·rate^(step/decaySteps), and floored with staircase", () => {
    const smooth = new S.ExponentialDecay({
      initialLearningRate: 0.1,
      decaySteps: 10,
      decayRate: 0.96,
    });
    const stairs = new S.ExponentialDecay({
      initialLearningRate: 0.1,
      decaySteps: 10,
      decayRate: 0.96,
      staircase: true,
    });
    for (const t of [0, 1, 5, 10, 15, 37]) {
      close(smooth.call(t), 0.1 * 0.96 ** (t / 10));
      close(stairs.call(t), 0.1 * 0.96 ** Math.floor(t / 10));
    }
    assert.notEqual(smooth.call(15), stairs.call(15));
  });
});

describe("PiecewiseConstantDecay", () => {
  test("values[i] for boundaries[i-1] < step <= boundaries[i]", () => {
    const s = new S.PiecewiseConstantDecay({
      boundaries: [100, 110],
      values: [1, 0.5, 0.1],
    });
    assert.deepEqual(
      values(s, [0, 100, 100.5, 101, 110, 111, 1e6]),
      [1, 1, 0.5, 0.5, 0.5, 0.1, 0.1],
    );
  });

  test("needs one more value than boundaries, boundaries increasing", () => {
    assert.throws(
      () =>
        new S.PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] }),
      {
        name: "ValueError",
        message:
          "PiecewiseConstantDecay: expected one more value than boundaries, got 2 boundaries and 2 values",
      },
    );
    assert.throws(
      () =>
        new S.PiecewiseConstantDecay({ boundaries: [2, 2], values: [1, 2, 3] }),
      {
        name: "ValueError",
        message:
          "PiecewiseConstantDecay: expected strictly increasing boundaries, got boundaries=[2,2]",
      },
    );
  });
});

describe("PolynomialDecay", () => {
  test("(init − end)(1 − s/d)^power + end, s capped at decaySteps", () => {
    const s = new S.PolynomialDecay({
      initialLearningRate: 0.1,
      decaySteps: 20,
      endLearningRate: 0.01,
      power: 0.5,
    });
    for (const t of [0, 5, 10, 19]) {
      close(s.call(t), 0.09 * (1 - t / 20) ** 0.5 + 0.01);
    }
    close(s.call(20), 0.01);
    close(s.call(50), 0.01);
  });

  test("with cycle, decaySteps grows to the next multiple", () => {
    const s = new S.PolynomialDecay({
      initialLearningRate: 1,
      decaySteps: 10,
      cycle: true,
    });
    const end = 0.0001;
    close(s.call(0), 1);
    close(s.call(5), (1 - end) * 0.5 + end);
    close(s.call(10), end);
    // 15 → decay over 20 steps: 1 − 15/20.
    close(s.call(15), (1 - end) * 0.25 + end);
  });
});

describe("InverseTimeDecay", () => {
  test("lr / (1 + rate·step/decaySteps), floored with staircase", () => {
    const smooth = new S.InverseTimeDecay({
      initialLearningRate: 0.5,
      decaySteps: 4,
      decayRate: 0.5,
    });
    const stairs = new S.InverseTimeDecay({
      initialLearningRate: 0.5,
      decaySteps: 4,
      decayRate: 0.5,
      staircase: true,
    });
    for (const t of [0, 1, 3, 4, 9]) {
      close(smooth.call(t), 0.5 / (1 + (0.5 * t) / 4));
      close(stairs.call(t), 0.5 / (1 + 0.5 * Math.floor(t / 4)));
    }
  });
});

describe("CosineDecay", () => {
  test("cosine from initial to alpha·initial over decaySteps", () => {
    const s = new S.CosineDecay({
      initialLearningRate: 0.2,
      decaySteps: 100,
      alpha: 0.1,
    });
    for (const t of [0, 25, 50, 99]) {
      const cosine = 0.5 * (1 + Math.cos((Math.PI * t) / 100));
      close(s.call(t), 0.2 * (0.9 * cosine + 0.1));
    }
    close(s.call(100), 0.02);
    close(s.call(1000), 0.02);
  });

  test("with warmup: linear to warmupTarget, then cosine from it", () => {
    const s = new S.CosineDecay({
      initialLearningRate: 0.01,
      decaySteps: 40,
      warmupTarget: 0.1,
      warmupSteps: 10,
    });
    for (const t of [0, 3, 9]) close(s.call(t), 0.01 + (0.09 * t) / 10);
    for (const t of [10, 20, 49]) {
      const cosine = 0.5 * (1 + Math.cos((Math.PI * (t - 10)) / 40));
      close(s.call(t), 0.1 * cosine);
    }
    close(s.call(50), 0);
    close(s.call(80), 0);
  });
});

describe("CosineDecayRestarts", () => {
  test("tMul 2: periods of 10, 20, 40 steps, each mMul lower", () => {
    const s = new S.CosineDecayRestarts({
      initialLearningRate: 1,
      firstDecaySteps: 10,
      mMul: 0.5,
      alpha: 0.1,
    });
    const expected = (restart: number, fraction: number) =>
      0.9 * 0.5 ** restart * 0.5 * (1 + Math.cos(Math.PI * fraction)) + 0.1;
    close(s.call(0), expected(0, 0));
    close(s.call(4), expected(0, 0.4));
    close(s.call(10), expected(1, 0));
    close(s.call(25), expected(1, 15 / 20));
    close(s.call(30), expected(2, 0));
    close(s.call(50), expected(2, 0.5));
  });

  test("tMul 1: equal periods", () => {
    const s = new S.CosineDecayRestarts({
      initialLearningRate: 2,
      firstDecaySteps: 8,
      tMul: 1,
    });
    close(s.call(2), 2 * 0.5 * (1 + Math.cos(Math.PI / 4)));
    close(s.call(10), s.call(2));
    close(s.call(16), 2);
  });
});

describe("config, serialization, errors", () => {
  const all: tg.optimizers.schedules.LearningRateSchedule[] = [
    new S.ExponentialDecay({
      initialLearningRate: 0.1,
      decaySteps: 3,
      decayRate: 0.9,
      staircase: true,
    }),
    new S.PiecewiseConstantDecay({ boundaries: [5], values: [0.1, 0.01] }),
    new S.PolynomialDecay({
      initialLearningRate: 0.1,
      decaySteps: 7,
      power: 2,
      cycle: true,
    }),
    new S.InverseTimeDecay({
      initialLearningRate: 0.3,
      decaySteps: 2,
      decayRate: 0.5,
    }),
    new S.CosineDecay({
      initialLearningRate: 0.1,
      decaySteps: 9,
      warmupTarget: 0.5,
      warmupSteps: 3,
    }),
    new S.CosineDecayRestarts({
      initialLearningRate: 0.1,
      firstDecaySteps: 4,
      tMul: 1.5,
    }),
  ];

  test("fromConfig(getConfig()) and deserialize(serialize()) round trip", () => {
    for (const s of all) {
      const cls = s.constructor as typeof S.ExponentialDecay;
      const copy = cls.fromConfig(s.getConfig());
      assert.deepEqual(copy.getConfig(), s.getConfig());
      const saved = S.serialize(s);
      assert.equal(saved.className, s.className);
      const back = S.deserialize(saved);
      assert.equal(back.constructor, s.constructor);
      assert.deepEqual(
        values(back, [0, 1, 4, 9, 20]),
        values(s, [0, 1, 4, 9, 20]),
      );
    }
  });

  test("Keras's config keys and defaults, in camelCase", () => {
    assert.deepEqual(
      new S.CosineDecay({ initialLearningRate: 1, decaySteps: 2 }).getConfig(),
      {
        initialLearningRate: 1,
        decaySteps: 2,
        alpha: 0,
        name: "CosineDecay",
        warmupTarget: null,
        warmupSteps: 0,
      },
    );
    assert.deepEqual(
      new S.CosineDecayRestarts({
        initialLearningRate: 1,
        firstDecaySteps: 2,
      }).getConfig(),
      {
        initialLearningRate: 1,
        firstDecaySteps: 2,
        tMul: 2,
        mMul: 1,
        alpha: 0,
        name: "SGDRDecay",
      },
    );
    assert.deepEqual(
      new S.PolynomialDecay({
        initialLearningRate: 1,
        decaySteps: 2,
      }).getConfig(),
      {
        initialLearningRate: 1,
        decaySteps: 2,
        endLearningRate: 0.0001,
        power: 1,
        cycle: false,
        name: "PolynomialDecay",
      },
    );
  });

  test("unknown class names and bad configs are ValueErrors", () => {
    assert.throws(() => S.deserialize({ className: "StepDecay", config: {} }), {
      name: "ValueError",
      message:
        'schedules.deserialize: expected a className among ["ExponentialDecay","PiecewiseConstantDecay","PolynomialDecay","InverseTimeDecay","CosineDecay","CosineDecayRestarts"], got "StepDecay"',
    });
    assert.throws(() => S.deserialize(null as never), {
      name: "ValueError",
      message: /expected a \{ className, config \} object, got null/,
    });
    assert.throws(
      () => S.serialize({} as never),
      /expected a LearningRateSchedule/,
    );
  });

  test("bad options are ValueErrors that name the option", () => {
    const cases: [() => unknown, string][] = [
      [
        () =>
          new S.ExponentialDecay({
            initialLearningRate: 0.1,
            decaySteps: 0,
            decayRate: 0.5,
          }),
        "ExponentialDecay: expected decaySteps to be a finite number > 0, got decaySteps=0",
      ],
      [
        () =>
          new S.InverseTimeDecay({
            initialLearningRate: -1,
            decaySteps: 1,
            decayRate: 0.5,
          }),
        "InverseTimeDecay: expected initialLearningRate to be a finite number >= 0, got initialLearningRate=-1",
      ],
      [
        () =>
          new S.CosineDecayRestarts({
            initialLearningRate: 1,
            firstDecaySteps: 1,
            tMul: 0,
          }),
        "CosineDecayRestarts: expected tMul to be a finite number > 0, got tMul=0",
      ],
      [
        () =>
          new S.PolynomialDecay({
            initialLearningRate: 1,
            decaySteps: 1,
            cycle: 1 as never,
          }),
        "PolynomialDecay: expected cycle to be a boolean, got cycle=1",
      ],
      [
        () =>
          new S.CosineDecay({
            initialLearningRate: 1,
            decaySteps: 1,
            warmup_steps: 3,
          } as never),
        'CosineDecay: expected options among ["initialLearningRate","decaySteps","alpha","name","warmupTarget","warmupSteps"], got unknown option(s) ["warmup_steps"]',
      ],
    ];
    for (const [make, message] of cases) {
      assert.throws(make, { name: "ValueError", message });
    }
  });

  test("a bad step is a ValueError", () => {
    const s = all[0]!;
    for (const step of [-1, Number.NaN, Infinity]) {
      assert.throws(() => s.call(step), {
        name: "ValueError",
        message: `ExponentialDecay.call: expected a step that is a finite number >= 0, got step=${step}`,
      });
    }
  });
});
