// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

function f64(values: tg.NestedArray): tg.Tensor {
  return tg.tensor(values, undefined, "float64");
}

describe("GradientTape: what it watches", () => {
  test("a watched plain tensor", () => {
    const x = f64([1, 2, 3]);
    using tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.mul(x, x);
    allclose(tape.gradient(y, x)!, [2, 4, 6]);
  });

  test("an unwatched plain tensor gets null", () => {
    const x = f64([1, 2]);
    using tape = new tg.GradientTape();
    const y = tg.mul(x, x);
    assert.equal(tape.gradient(y, x), null);
  });

  test("trainable variables are watched automatically", () => {
    const w = new tg.Variable(f64([1, 2]), { name: "w" });
    const x = f64([3, 4]);
    using tape = new tg.GradientTape();
    const y = tg.sum(tg.mul(w, x));
    assert.deepEqual(tape.watchedVariables(), [w]);
    allclose(tape.gradient(y, w)!, [3, 4]);
  });

  test("non-trainable variables only when watched", () => {
    const w = new tg.Variable(f64(2), { trainable: false });
    const v = new tg.Variable(f64(5));
    {
      using tape = new tg.GradientTape();
      const y = tg.mul(w, v);
      const [gw, gv] = tape.gradient(y, [w, v]);
      assert.equal(gw, null);
      allclose(gv!, 2);
    }
    {
      using tape = new tg.GradientTape();
      tape.watch(w);
      const y = tg.mul(w, v);
      const [gw, gv] = tape.gradient(y, [w, v]);
      allclose(gw!, 5);
      allclose(gv!, 2);
    }
  });

  test("watchAccessedVariables: false watches only what is watched", () => {
    const v = new tg.Variable(f64(3));
    const u = new tg.Variable(f64(4));
    using tape = new tg.GradientTape({ watchAccessedVariables: false });
    tape.watch(u);
    const y = tg.mul(v, u);
    const [gv, gu] = tape.gradient(y, [v, u]);
    assert.equal(gv, null);
    allclose(gu!, 3);
  });

  test("a variable read by a tensor method", () => {
    const v = new tg.Variable(f64([1, 2]));
    using tape = new tg.GradientTape();
    allclose(tape.gradient(v.square(), v)!, [2, 4]);
  });

  test("a variable read through its value", () => {
    const v = new tg.Variable(f64([1, 2]));
    using tape = new tg.GradientTape();
    allclose(tape.gradient(tg.mul(v.value, 3), v)!, [3, 3]);
  });

  test("a variable read before the tape started", () => {
    const v = new tg.Variable(f64(2));
    tg.add(v, 1);
    using tape = new tg.GradientTape();
    allclose(tape.gradient(tg.mul(v, v), v)!, 4);
  });

  test("intermediate tensors can be sources", () => {
    const x = f64(3);
    using tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.mul(x, 2);
    const z = tg.square(y);
    const [gy, gx] = tape.gradient(z, [y, x]);
    allclose(gy!, 12);
    allclose(gx!, 24);
  });
});

describe("GradientTape: gradient()", () => {
  const a = f64([1, 2]);
  const b = f64(3);
  const c = f64([[1], [2]]);
  const f = () => tg.sum(tg.mul(tg.mul(a, b), c));

  test("answers in the structure it was given", () => {
    const run = <S extends tg.Structure<tg.Tensor>>(sources: S) => {
      using tape = new tg.GradientTape();
      tape.watch([a, b, c]);
      return tape.gradient(f(), sources);
    };
    const single = run(b);
    allclose(single!, 9);
    const list = run([a, b]);
    assert.equal(list.length, 2);
    allclose(list[0]!, [9, 9]);
    allclose(list[1]!, 9);
    const record = run({ a, c });
    assert.deepEqual(Object.keys(record), ["a", "c"]);
    allclose(record.a!, [9, 9]);
    allclose(record.c!, [[9], [9]]);
    const nested = run({ first: [a, { deep: c }] as const, second: b });
    allclose(nested.first[0]!, [9, 9]);
    allclose(nested.first[1].deep!, [[9], [9]]);
    allclose(nested.second!, 9);
  });

  test("null for unconnected sources, or zeros when asked", () => {
    const x = f64([1, 2]);
    const unrelated = tg.ones([2, 2], "float64");
    {
      using tape = new tg.GradientTape();
      tape.watch([x, unrelated]);
      const [gx, gu] = tape.gradient(tg.exp(x), [x, unrelated]);
      assert.ok(gx instanceof tg.Tensor);
      assert.equal(gu, null);
    }
    {
      using tape = new tg.GradientTape();
      tape.watch([x, unrelated]);
      const g = tape.gradient(
        tg.exp(x),
        { unrelated },
        {
          unconnectedGradients: "zero",
        },
      );
      allclose(
        g.unrelated!,
        [
          [0, 0],
          [0, 0],
        ],
        { dtype: "float64" },
      );
    }
  });

  test("a non-scalar target differentiates the sum of its elements", () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    using tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.square(x);
    allclose(tape.gradient(y, x)!, [
      [2, 4],
      [6, 8],
    ]);
  });

  test("outputGradients weight the target's elements", () => {
    const x = f64([1, 2, 3]);
    using tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.square(x);
    const g = tape.gradient(y, x, { outputGradients: f64([1, 0, -2]) });
    allclose(g!, [2, 0, -12]);
  });

  test("gradients of a tensor used twice add up", () => {
    const x = f64(3);
    using tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.add(tg.mul(x, x), tg.mul(x, 4));
    allclose(tape.gradient(y, x)!, 10);
  });

  test("a variable reassigned between two uses gets the sum", () => {
    const v = new tg.Variable(f64(2), { name: "v" });
    using tape = new tg.GradientTape();
    const first = tg.mul(v, 3); // d/dv = 3
    v.assign(f64(5));
    const second = tg.mul(v, v); // d/dv = 2 * 5
    const g = tape.gradient(tg.add(first, second), v);
    allclose(g!, 13);
    allclose(v, 5);
  });

  test("a persistent tape allows several calls and keeps recording", () => {
    const x = f64(2);
    using tape = new tg.GradientTape({ persistent: true });
    tape.watch(x);
    const y = tg.pow(x, 3);
    allclose(tape.gradient(y, x)!, 12);
    allclose(tape.gradient(y, x)!, 12);
    const z = tg.mul(y, x); // recorded after the first calls: x⁴
    allclose(tape.gradient(z, x)!, 32);
    assert.equal(tape.persistent, true);
  });

  test("a second call on a non-persistent tape throws a ValueError", () => {
    const x = f64(2);
    const tape = new tg.GradientTape();
    tape.watch(x);
    const y = tg.square(x);
    allclose(tape.gradient(y, x)!, 4);
    assert.throws(() => tape.gradient(y, x), {
      name: "ValueError",
      message:
        /^GradientTape\.gradient: expected one call on a non-persistent tape, got a second; .*persistent: true/,
    });
  });

  test("a non-persistent tape stops recording at its gradient() call", () => {
    const x = f64(2);
    const outer = new tg.GradientTape({ persistent: true });
    outer.watch(x);
    const tape = new tg.GradientTape();
    tape.watch(x);
    tape.gradient(tg.square(x), x);
    const later = tg.mul(x, 7);
    allclose(outer.gradient(later, x)!, 7);
    outer.dispose();
  });

  test("sources that are not tensors", () => {
    using tape = new tg.GradientTape();
    const x = f64(1);
    tape.watch(x);
    const y = tg.square(x);
    assert.throws(() => tape.gradient(y, ["x"] as unknown as tg.Tensor[]), {
      name: "ValueError",
      message:
        "GradientTape.gradient: expected tensors, arrays or records of tensors, got string",
    });
    assert.throws(() => tape.watch(5 as unknown as tg.Tensor), {
      name: "ValueError",
      message: /^GradientTape\.watch: expected tensors.*got number/,
    });
  });
});

describe("GradientTape: recording", () => {
  test("using ... disposes the tape at the end of the block", () => {
    const x = f64(3);
    let tape: tg.GradientTape;
    let inside: tg.Tensor;
    {
      using t = new tg.GradientTape({ persistent: true });
      tape = t;
      t.watch(x);
      inside = tg.square(x);
      allclose(t.gradient(inside, x)!, 6);
    }
    const after = tg.mul(x, 5);
    assert.equal(tape.gradient(after, x), null);
    assert.equal(tape.gradient(inside, x), null);
  });

  test("dispose() stops recording", () => {
    const x = f64(3);
    const tape = new tg.GradientTape();
    tape.watch(x);
    tape.dispose();
    assert.equal(tape.gradient(tg.square(x), x), null);
  });

  test("stopRecording leaves its ops off the tape", () => {
    const x = f64(3);
    using tape = new tg.GradientTape();
    tape.watch(x);
    const hidden = tape.stopRecording(() => tg.square(x));
    allclose(hidden, 9);
    const y = tg.add(tg.mul(x, 2), hidden);
    allclose(tape.gradient(y, x)!, 2);
  });

  test("two tapes at once both record", () => {
    const x = f64(2);
    using t1 = new tg.GradientTape();
    using t2 = new tg.GradientTape();
    t1.watch(x);
    t2.watch(x);
    const y = tg.pow(x, 3);
    allclose(t1.gradient(y, x)!, 12);
    allclose(t2.gradient(y, x)!, 12);
  });

  test("reset forgets what was recorded", () => {
    const x = f64(2);
    using tape = new tg.GradientTape({ persistent: true });
    tape.watch(x);
    const y = tg.square(x);
    tape.reset();
    assert.equal(tape.gradient(y, x), null);
    tape.watch(x);
    allclose(tape.gradient(tg.square(x), x)!, 4);
  });
});

describe("GradientTape: higher derivatives (nested tapes, float64)", () => {
  /** d²f/dx² at each point, through two nested tapes. */
  function second(f: (x: tg.Tensor) => tg.Tensor, points: number[]) {
    const x = f64(points);
    using outer = new tg.GradientTape();
    outer.watch(x);
    using inner = new tg.GradientTape();
    inner.watch(x);
    const y = f(x);
    const dy = inner.gradient(y, x)!;
    return outer.gradient(dy, x)!;
  }

  const points = [-1.2, -0.3, 0.4, 1.1];
  const closed = (g: (x: number) => number) => points.map(g);

  test("x³ → 6x", () => {
    allclose(
      second((x) => tg.pow(x, 3), points),
      closed((x) => 6 * x),
    );
    allclose(
      second((x) => tg.mul(tg.mul(x, x), x), points),
      closed((x) => 6 * x),
    );
  });

  test("sin x → −sin x", () => {
    allclose(
      second(tg.sin, points),
      closed((x) => -Math.sin(x)),
    );
  });

  test("exp(x²) → (2 + 4x²) exp(x²)", () => {
    allclose(
      second((x) => tg.exp(tg.square(x)), points),
      closed((x) => (2 + 4 * x * x) * Math.exp(x * x)),
    );
  });

  test("tanh x → −2 tanh x (1 − tanh² x)", () => {
    allclose(
      second(tg.tanh, points),
      closed((x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)),
    );
  });

  test("the mixed partial of x·y² is 2y", () => {
    const x = f64(1.5);
    const y = f64(-0.7);
    using outer = new tg.GradientTape();
    outer.watch([x, y]);
    using inner = new tg.GradientTape();
    inner.watch([x, y]);
    const f = tg.mul(x, tg.square(y));
    const [dx, dy] = inner.gradient(f, [x, y]);
    allclose(dx!, 0.49);
    allclose(dy!, 2 * 1.5 * -0.7);
    allclose(outer.gradient(dx!, y)!, 2 * -0.7);
  });

  test("both mixed partials agree", () => {
    const x = f64(1.5);
    const y = f64(-0.7);
    using outer = new tg.GradientTape({ persistent: true });
    outer.watch([x, y]);
    using inner = new tg.GradientTape();
    inner.watch([x, y]);
    const [dx, dy] = inner.gradient(tg.mul(x, tg.square(y)), [x, y]);
    allclose(outer.gradient(dx!, y)!, -1.4);
    allclose(outer.gradient(dy!, x)!, -1.4);
    allclose(outer.gradient(dy!, y)!, 3);
  });

  test("third derivative of x⁴ through three tapes is 24x", () => {
    const x = f64([0.5, 2]);
    using t3 = new tg.GradientTape();
    using t2 = new tg.GradientTape();
    using t1 = new tg.GradientTape();
    for (const t of [t1, t2, t3]) t.watch(x);
    const y = tg.pow(x, 4);
    const d1 = t1.gradient(y, x)!;
    const d2 = t2.gradient(d1, x)!;
    allclose(t3.gradient(d2, x)!, [12, 48]);
  });

  test("second derivative with respect to a variable", () => {
    const v = new tg.Variable(f64(0.8));
    using outer = new tg.GradientTape();
    using inner = new tg.GradientTape();
    const y = tg.mul(tg.sin(v), v);
    const d = inner.gradient(y, v)!;
    const x = 0.8;
    allclose(d, Math.cos(x) * x + Math.sin(x));
    allclose(outer.gradient(d, v)!, -Math.sin(x) * x + 2 * Math.cos(x));
  });
});
