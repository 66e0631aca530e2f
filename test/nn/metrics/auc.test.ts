// SPDX-License-Identifier: Apache-2.0
/**
 * AUC (src/nn/metrics/auc.ts): Keras's documented values, the ROC
 * trapezoid and the PR interpolation computed in the test from counts,
 * the exact (Mann-Whitney) ROC AUC within the error that 200 thresholds
 * allow, minoring/majoring as bounds, weights, multi-label, logits,
 * config, and bad options.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

/** Uniform values in [0, 1) from a fixed linear congruential sequence. */
function uniform(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  });
}

/** Keras's thresholds for n: 0 − ε, (i+1)/(n−1), 1 + ε. */
function kerasThresholds(n: number): number[] {
  const inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
  return [-1e-7, ...inner, 1 + 1e-7];
}

/** Weighted TP, FP, TN, FN at each threshold (p > t), in float64. */
function countsAt(y: number[], p: number[], ts: number[], w?: number[]) {
  const c = ts.map(() => ({ tp: 0, fp: 0, tn: 0, fn: 0 }));
  ts.forEach((t, k) => {
    y.forEach((label, i) => {
      const weight = w?.[i] ?? 1;
      const positive = p[i]! > t;
      if (label) c[k]![positive ? "tp" : "fn"] += weight;
      else c[k]![positive ? "fp" : "tn"] += weight;
    });
  });
  return c;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** The ROC area by trapezoids over the thresholds' (FPR, TPR) points. */
function rocTrapezoid(c: ReturnType<typeof countsAt>): number {
  let area = 0;
  for (let i = 0; i + 1 < c.length; i++) {
    const [a, b] = [c[i]!, c[i + 1]!];
    const fprA = ratio(a.fp, a.fp + a.tn);
    const fprB = ratio(b.fp, b.fp + b.tn);
    const tprA = ratio(a.tp, a.tp + a.fn);
    const tprB = ratio(b.tp, b.tp + b.fn);
    area += ((fprA - fprB) * (tprA + tprB)) / 2;
  }
  return area;
}

/** Davis & Goadrich's PR interpolation as Keras writes it, in float64. */
function prInterpolation(c: ReturnType<typeof countsAt>): number {
  let area = 0;
  for (let i = 0; i + 1 < c.length; i++) {
    const [a, b] = [c[i]!, c[i + 1]!];
    const dtp = a.tp - b.tp;
    const pA = a.tp + a.fp;
    const pB = b.tp + b.fp;
    const slope = ratio(dtp, Math.max(pA - pB, 0));
    const intercept = b.tp - slope * pB;
    const r = pA > 0 && pB > 0 ? pA / pB : 1;
    area += ratio(
      slope * (dtp + intercept * Math.log(r)),
      Math.max(b.tp + b.fn, 0),
    );
  }
  return area;
}

/** The exact ROC AUC: P(score of a positive > of a negative), ties ½. */
function exactRocAuc(y: number[], p: number[]): number {
  let wins = 0;
  let pairs = 0;
  y.forEach((a, i) => {
    if (!a) return;
    y.forEach((b, j) => {
      if (b) return;
      pairs++;
      wins += p[i]! > p[j]! ? 1 : p[i]! === p[j]! ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe("AUC", () => {
  test("Keras's documented example (3 thresholds)", () => {
    const m = new tg.metrics.AUC({ numThresholds: 3 });
    m.updateState([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]);
    allclose(m.result(), 0.75);
    m.resetState();
    m.updateState([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], [1, 0, 0, 1]);
    allclose(m.result(), 1);
  });

  test("ROC equals the trapezoid over the thresholds' points", () => {
    const y = [0, 1, 0, 1, 1, 0, 0, 1, 1, 0];
    const p = [0.12, 0.83, 0.4, 0.35, 0.66, 0.71, 0.05, 0.58, 0.91, 0.27];
    const w = [1, 2, 0.5, 1, 1, 3, 1, 0.25, 1, 2];
    for (const n of [5, 11]) {
      const m = new tg.metrics.AUC({ numThresholds: n, dtype: "float64" });
      m.updateState(y.slice(0, 4), p.slice(0, 4), w.slice(0, 4));
      m.updateState(y.slice(4), p.slice(4), w.slice(4));
      const expected = rocTrapezoid(countsAt(y, p, kerasThresholds(n), w));
      allclose(m.result(), expected, { rtol: 1e-12 });
    }
    // explicit, uneven thresholds take the compare-each path
    const ts = [0.1, 0.3, 0.32, 0.8];
    const m = new tg.metrics.AUC({
      thresholds: [0.8, 0.1, 0.32, 0.3],
      dtype: "float64",
    });
    m.updateState(y, p, w);
    const expected = rocTrapezoid(countsAt(y, p, [-1e-7, ...ts, 1 + 1e-7], w));
    allclose(m.result(), expected, { rtol: 1e-12 });
    assert.equal(m.numThresholds, 6);
  });

  test("ROC with 200 thresholds is within the binning error of the exact AUC", () => {
    const n = 600;
    const u = uniform(2 * n, 42);
    const y = u.slice(0, n).map((v) => (v < 0.4 ? 1 : 0));
    // scores that separate the classes only partly
    const p = u
      .slice(n)
      .map((v, i) => Math.min(1, Math.max(0, 0.6 * v + 0.35 * y[i]!)));
    const m = new tg.metrics.AUC();
    m.updateState(y, p);
    const exact = exactRocAuc(y, p);
    // Binned, a positive-negative pair scores 1 or 0 when its two scores
    // fall in different buckets and ½ when in the same one: the error is
    // at most ½ · (pairs sharing a bucket) / (all pairs).
    const bucket = (v: number) => Math.max(Math.ceil(v * 199) - 1, 0);
    let shared = 0;
    let pairs = 0;
    y.forEach((a, i) => {
      if (!a) return;
      y.forEach((b, j) => {
        if (b) return;
        pairs++;
        if (bucket(p[i]!) === bucket(p[j]!)) shared++;
      });
    });
    const bound = (0.5 * shared) / pairs;
    const got = m.result().item();
    assert.ok(bound > 0 && bound < 0.01, `bound ${bound}`);
    assert.ok(
      Math.abs(got - exact) <= bound + 1e-6,
      `${got} vs ${exact} ± ${bound}`,
    );
    assert.ok(Math.abs(got - exact) < 0.005);
    const minoring = new tg.metrics.AUC({ summationMethod: "minoring" });
    const majoring = new tg.metrics.AUC({ summationMethod: "majoring" });
    minoring.updateState(y, p);
    majoring.updateState(y, p);
    assert.ok(minoring.result().item() <= exact + 1e-6);
    assert.ok(majoring.result().item() >= exact - 1e-6);
    assert.ok(minoring.result().item() < got && got < majoring.result().item());
  });

  test("PR with interpolation follows Davis & Goadrich as Keras does", () => {
    const u = uniform(400, 9);
    const y = u.slice(0, 200).map((v) => (v < 0.3 ? 1 : 0));
    const p = u.slice(200).map((v, i) => 0.7 * v + 0.3 * y[i]!);
    const w = uniform(200, 5).map((v) => 0.5 + v);
    for (const n of [7, 200]) {
      const m = new tg.metrics.AUC({
        curve: "PR",
        numThresholds: n,
        dtype: "float64",
      });
      m.updateState(y.slice(0, 120), p.slice(0, 120), w.slice(0, 120));
      m.updateState(y.slice(120), p.slice(120), w.slice(120));
      const expected = prInterpolation(countsAt(y, p, kerasThresholds(n), w));
      allclose(m.result(), expected, { rtol: 1e-10 });
    }
  });

  test("PR with minoring and majoring: rectangles of precision over recall", () => {
    const y = [1, 0, 1, 1, 0, 0, 1, 0];
    const p = [0.9, 0.8, 0.7, 0.45, 0.4, 0.3, 0.2, 0.1];
    const c = countsAt(y, p, kerasThresholds(5));
    const recall = c.map((k) => ratio(k.tp, k.tp + k.fn));
    const precision = c.map((k) => ratio(k.tp, k.tp + k.fp));
    const sums = { minoring: 0, majoring: 0 };
    for (let i = 0; i + 1 < c.length; i++) {
      const dx = recall[i]! - recall[i + 1]!;
      sums.minoring += dx * Math.min(precision[i]!, precision[i + 1]!);
      sums.majoring += dx * Math.max(precision[i]!, precision[i + 1]!);
    }
    for (const method of ["minoring", "majoring"] as const) {
      const m = new tg.metrics.AUC({
        curve: "pr",
        summationMethod: method,
        numThresholds: 5,
        dtype: "float64",
      });
      m.updateState(y, p);
      allclose(m.result(), sums[method], { rtol: 1e-12 });
    }
  });

  test("a perfect ranking scores 1 on both curves", () => {
    for (const curve of ["ROC", "PR"] as const) {
      const m = new tg.metrics.AUC({ curve });
      m.updateState([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]);
      allclose(m.result(), 1, { atol: 1e-6 });
    }
  });

  test("fromLogits applies a sigmoid first", () => {
    const logits = [-3, 0.2, -0.5, 2, 1, -1];
    const y = [0, 1, 0, 1, 0, 1];
    const a = new tg.metrics.AUC({ fromLogits: true });
    const b = new tg.metrics.AUC();
    a.updateState(y, logits);
    b.updateState(y, tg.sigmoid(logits));
    allclose(a.result(), b.result().item());
    assert.notEqual(a.result().item(), 0.5);
  });

  test("multiLabel: one AUC per label, averaged or weighted", () => {
    const y = [
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ];
    const p = [
      [0.9, 0.2],
      [0.3, 0.6],
      [0.6, 0.4],
      [0.4, 0.5],
    ];
    const col = (m: number[][], j: number) => m.map((r) => r[j]!);
    const per = [0, 1].map((j) =>
      rocTrapezoid(countsAt(col(y, j), col(p, j), kerasThresholds(200))),
    );
    const m = new tg.metrics.AUC({ multiLabel: true, dtype: "float64" });
    allclose(m.result(), 0);
    m.updateState(y, p);
    allclose(m.result(), (per[0]! + per[1]!) / 2, { rtol: 1e-12 });
    assert.deepEqual(m.variables[0]!.shape, [200, 2]);
    const w = new tg.metrics.AUC({
      multiLabel: true,
      numLabels: 2,
      labelWeights: [3, 1],
    });
    w.updateState(y, p);
    allclose(w.result(), (3 * per[0]! + per[1]!) / 4, { rtol: 1e-6 });
    // flattened, labelWeights weigh each column's entries
    const flat = new tg.metrics.AUC({ labelWeights: [1, 0], dtype: "float64" });
    flat.updateState(y, p);
    allclose(flat.result(), per[0]!, { rtol: 1e-12 });
  });

  test("config round trip", () => {
    const m = new tg.metrics.AUC({
      thresholds: [0.3, 0.6],
      curve: "PR",
      name: "pr",
    });
    const c = m.getConfig();
    assert.deepEqual(c, {
      name: "pr",
      dtype: "float32",
      numThresholds: 4,
      curve: "PR",
      summationMethod: "interpolation",
      multiLabel: false,
      numLabels: null,
      labelWeights: null,
      fromLogits: false,
      thresholds: [0.3, 0.6],
    });
    const copy = tg.metrics.AUC.fromConfig(c);
    assert.deepEqual(copy.thresholds, m.thresholds);
    assert.deepEqual(m.thresholds, [-1e-7, 0.3, 0.6, 1 + 1e-7]);
  });

  test("bad options and input", () => {
    const cases: [tg.metrics.AUCArgs, string][] = [
      [
        { numThresholds: 1 },
        "AUC: expected numThresholds to be an integer > 1, got numThresholds=1",
      ],
      [
        { curve: "XY" as never },
        'AUC: expected curve "ROC" or "PR", got curve="XY"',
      ],
      [
        { summationMethod: "riemann" as never },
        'AUC: expected summationMethod "interpolation", "minoring" or "majoring", got summationMethod="riemann"',
      ],
      [
        { thresholds: [0.5, 2] },
        "AUC: expected thresholds to be a number or a non-empty list of numbers in [0, 1], got thresholds=[0.5,2]",
      ],
      [
        { numLabels: 3 },
        "AUC: numLabels is used only with multiLabel: true, got numLabels=3 with multiLabel=false",
      ],
      [
        { labelWeights: [1, -1] },
        "AUC: expected labelWeights to be a list of finite numbers >= 0, got labelWeights=[1,-1]",
      ],
    ];
    for (const [args, message] of cases) {
      assert.throws(
        () => new tg.metrics.AUC(args),
        (e: Error) => e instanceof tg.ValueError && e.message === message,
      );
    }
    const m = new tg.metrics.AUC({ multiLabel: true, name: "ml" });
    assert.throws(
      () => m.updateState([1, 0], [0.5, 0.5]),
      (e: Error) =>
        e instanceof tg.ValueError &&
        e.message ===
          'AUC "ml".updateState: with multiLabel, expected yPred of shape ' +
            "[batch, labels], got shape [2]",
    );
    assert.equal(m.variables.length, 0);
  });
});
