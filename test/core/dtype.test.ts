// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import * as tg from "tensorgrad";
import { allclose } from "../helpers.js";

const DTYPES = ["bool", "int32", "float32", "float64"] as const;

/** NumPy's broadcasting rule, written independently of the library. */
function numpyBroadcast(a: number[], b: number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Two shapes that broadcast to `out`, each possibly of lower rank. */
const broadcastPair = fc
  .array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 })
  .chain((out) => {
    const operand = fc
      .tuple(
        fc.integer({ min: 0, max: out.length }),
        fc.array(fc.boolean(), {
          minLength: out.length,
          maxLength: out.length,
        }),
      )
      .map(([drop, ones]) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc.tuple(operand, operand);
  });

const anyShape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });

function values(shape: number[], seed: number): tg.Tensor {
  return tg.randomUniform(shape, -3, 3, "float64", seed);
}

/** Broadcasting spelled out: pad the rank with 1s, then tile. */
function tileTo(x: tg.Tensor, shape: number[]): tg.Tensor {
  const padded = [
    ...new Array<number>(shape.length - x.rank).fill(1),
    ...x.shape,
  ];
  const reps = shape.map((d, i) => (padded[i] === 1 ? d : 1));
  return tg.tile(x.reshape(padded), reps);
}

describe("dtype promotion between tensors", () => {
  test("bool < int32 < float32 < float64", () => {
    const rank = (d: (typeof DTYPES)[number]) => DTYPES.indexOf(d);
    for (const a of DTYPES) {
      for (const b of DTYPES) {
        const higher = rank(a) >= rank(b) ? a : b;
        const x = tg.ones([2], a);
        const y = tg.ones([2], b);
        const expected = higher === "bool" ? "int32" : higher;
        assert.equal(tg.add(x, y).dtype, expected, `${a} + ${b}`);
        assert.equal(tg.mul(x, y).dtype, expected, `${a} * ${b}`);
        assert.equal(tg.maximum(x, y).dtype, higher, `maximum(${a}, ${b})`);
        assert.equal(tg.equal(x, y).dtype, "bool", `${a} == ${b}`);
        const quotient = higher === "float64" ? "float64" : "float32";
        assert.equal(tg.div(x, y).dtype, quotient, `${a} / ${b}`);
      }
    }
  });

  test("promotion is symmetric and keeps values", () => {
    const i = tg.tensor([1, 2], undefined, "int32");
    const d = tg.tensor([0.1, 0.2], undefined, "float64");
    const r = tg.add(i, d);
    assert.equal(r.dtype, "float64");
    assert.deepEqual(Array.from(r.data), [1.1, 2.2]);
    assert.equal(tg.add(d, i).dtype, "float64");
    assert.equal(
      tg.sub(tg.ones([1]), tg.ones([1], "float64")).dtype,
      "float64",
    );
  });

  test("other ops promote too", () => {
    const f32 = tg.ones([2, 2]);
    const f64 = tg.ones([2, 2], "float64");
    const i32 = tg.ones([2, 2], "int32");
    assert.equal(tg.matMul(f32, f64).dtype, "float64");
    assert.equal(tg.matMul(i32, i32).dtype, "int32");
    assert.equal(tg.where([true, false], i32, f64).dtype, "float64");
    assert.equal(tg.concat([i32, f32]).dtype, "float32");
    assert.equal(tg.pow(i32, f64).dtype, "float64");
  });
});

describe("weak numbers and arrays", () => {
  test("a number takes the tensor's dtype", () => {
    assert.equal(tg.add(tg.ones([2], "float64"), 1).dtype, "float64");
    assert.equal(tg.add(1, tg.ones([2], "float64")).dtype, "float64");
    assert.equal(tg.mul(tg.ones([2]), 2.5).dtype, "float32");
    assert.equal(tg.add(tg.ones([2], "int32"), 2).dtype, "int32");
    assert.equal(tg.sub(3, tg.ones([2], "int32")).dtype, "int32");
  });

  test("float64 + a number keeps float64 precision", () => {
    const x = tg.scalar(0.1, "float64");
    assert.equal(x.add(0.2).item(), 0.1 + 0.2);
    assert.equal(tg.mul(x, 1 / 3).item(), 0.1 / 3);
  });

  test("int32 + a non-integer gives float32", () => {
    const r = tg.add(tg.tensor([1, 2], undefined, "int32"), 1.5);
    assert.equal(r.dtype, "float32");
    allclose(r, [2.5, 3.5]);
    assert.equal(tg.add(tg.ones([1], "int32"), [0.5]).dtype, "float32");
    assert.equal(tg.add(tg.ones([1], "int32"), [2]).dtype, "int32");
  });

  test("bool meets numbers and booleans", () => {
    const b = tg.tensor([true, false]);
    assert.equal(tg.add(b, 1).dtype, "int32");
    assert.equal(tg.add(b, 0.5).dtype, "float32");
    assert.equal(tg.logicalAnd(b, true).dtype, "bool");
    assert.deepEqual(tg.add(b, true).toArray(), [2, 1]);
  });

  test("nested arrays are weak, typed arrays are not", () => {
    const x = tg.ones([2], "float64");
    const r = tg.add(x, [0.1, 0.2]);
    assert.equal(r.dtype, "float64");
    assert.deepEqual(Array.from(r.data), [1.1, 1.2]);
    assert.equal(
      tg.add(tg.ones([2], "int32"), new Float64Array(2)).dtype,
      "float64",
    );
    assert.equal(tg.add(tg.ones([2]), new Int32Array(2)).dtype, "float32");
  });

  test("numbers with no tensor are float32", () => {
    assert.equal(tg.add(1, 2).dtype, "float32");
    assert.equal(tg.add([1], [2]).dtype, "float32");
    assert.equal(tg.exp(1).dtype, "float32");
  });

  test("int32 matMul with float values promotes", () => {
    const a = tg.tensor([[2]], undefined, "int32");
    const r = tg.matMul(a, [[1.5]]);
    assert.equal(r.dtype, "float32");
    allclose(r, [[3]]);
    assert.equal(tg.matMul(a, [[3]]).dtype, "int32");
    assert.equal(
      tg.matMul([[0.1]], tg.ones([1, 1], "float64")).dtype,
      "float64",
    );
  });
});

describe("result dtypes of op families", () => {
  test("integer division is true division in float32", () => {
    const r = tg.div(tg.tensor([1, 3, -3], undefined, "int32"), 2);
    assert.equal(r.dtype, "float32");
    allclose(r, [0.5, 1.5, -1.5]);
    assert.equal(
      tg.div(tg.ones([1], "float64"), tg.ones([1], "int32")).dtype,
      "float64",
    );
  });

  test("comparisons and logical ops give bool", () => {
    for (const d of DTYPES) {
      const x = tg.ones([2], d);
      for (const op of [
        tg.equal,
        tg.notEqual,
        tg.less,
        tg.lessEqual,
        tg.greater,
        tg.greaterEqual,
        tg.logicalAnd,
        tg.logicalOr,
        tg.logicalXor,
      ]) {
        assert.equal(op(x, 1).dtype, "bool", `${op.name}(${d})`);
      }
      assert.equal(tg.logicalNot(x).dtype, "bool");
      assert.equal(tg.isNaN(x).dtype, "bool");
    }
    assert.deepEqual(tg.equal(tg.ones([1], "int32"), 1.5).toArray(), [false]);
  });

  test("float functions of integers give float32", () => {
    const i = tg.tensor([1, 4], undefined, "int32");
    for (const f of [tg.exp, tg.log, tg.sqrt, tg.sin, tg.tanh, tg.sigmoid]) {
      assert.equal(f(i).dtype, "float32", f.name);
      assert.equal(f(tg.ones([1], "float64")).dtype, "float64", f.name);
    }
    allclose(tg.sqrt(i), [1, 2]);
  });
});

describe("broadcasting (property tests)", () => {
  test("the result shape is NumPy's", () => {
    fc.assert(
      fc.property(broadcastPair, ([a, b]) => {
        const expected = numpyBroadcast(a, b);
        assert.deepEqual(tg.add(tg.zeros(a), tg.zeros(b)).shape, expected);
      }),
    );
  });

  test("shapes that cannot broadcast throw a ShapeError naming both", () => {
    fc.assert(
      fc.property(anyShape, anyShape, (a, b) => {
        const expected = numpyBroadcast(a, b);
        const run = () => tg.mul(tg.zeros(a), tg.zeros(b));
        if (expected) {
          assert.deepEqual(run().shape, expected);
        } else {
          assert.throws(run, (e: unknown) => {
            assert.ok(e instanceof tg.ShapeError);
            assert.ok(
              e.message.startsWith(
                `mul: shapes [${a.join(",")}] and [${b.join(",")}] cannot broadcast`,
              ),
              e.message,
            );
            return true;
          });
        }
      }),
    );
  });

  test("add is commutative", () => {
    fc.assert(
      fc.property(broadcastPair, fc.nat(), ([a, b], seed) => {
        const x = values(a, seed);
        const y = values(b, seed + 1);
        allclose(tg.add(x, y), tg.add(y, x), { rtol: 0, atol: 0 });
      }),
    );
  });

  test("x - x is zero", () => {
    fc.assert(
      fc.property(anyShape, fc.nat(), (shape, seed) => {
        const x = values(shape, seed);
        const z = tg.sub(x, x);
        assert.deepEqual(z.shape, shape);
        assert.ok(z.data.every((v) => v === 0));
      }),
    );
  });

  test("broadcasting then reducing matches explicit tiling", () => {
    fc.assert(
      fc.property(broadcastPair, fc.nat(), fc.nat(), ([a, b], seed, pick) => {
        const out = numpyBroadcast(a, b)!;
        const x = values(a, seed);
        const y = values(b, seed + 1);
        const tx = tileTo(x, out);
        const ty = tileTo(y, out);
        allclose(tg.broadcastTo(x, out), tx, { rtol: 0, atol: 0 });
        const axes = out.map((_, i) => i).filter((i) => (pick >> i) & 1);
        allclose(tg.sum(tg.mul(x, y), axes), tg.sum(tg.mul(tx, ty), axes));
        allclose(tg.sub(x, y), tg.sub(tx, ty), { rtol: 0, atol: 0 });
      }),
    );
  });

  test("the gradient of a broadcast sums back to the operand's shape", () => {
    fc.assert(
      fc.property(broadcastPair, fc.nat(), ([a, b], seed) => {
        const x = values(a, seed);
        const y = values(b, seed + 1);
        const [gx, gy] = tg.grads((p: tg.Tensor, q: tg.Tensor) => tg.mul(p, q))(
          [x, y],
        );
        assert.deepEqual(gx!.shape, a);
        assert.deepEqual(gy!.shape, b);
        const out = numpyBroadcast(a, b)!;
        const extra = out.length - a.length;
        const axes = out
          .map((_, i) => i)
          .filter((i) => i < extra || (a[i - extra] === 1 && out[i] !== 1));
        const expected = tg.sum(tileTo(y, out), axes, true).reshape(a);
        allclose(gx!, expected);
      }),
      { numRuns: 60 },
    );
  });
});
