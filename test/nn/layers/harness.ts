// SPDX-License-Identifier: Apache-2.0
/**
 * The shared layer harness: `checkLayer(spec)` registers, as node:test
 * tests, the checks every layer passes:
 *
 * - output shapes, eager and symbolic (computeOutputShape, `tg.input`),
 *   for every case; the built layer also takes another batch size and
 *   float64 inputs (cast), and a functional model of it computes the same;
 * - the number, shapes and names of the weights, from apply and build,
 *   and freezing (trainable false) freezing them all;
 * - getConfig → JSON → fromConfig gives the same config and, with copied
 *   weights, the same outputs;
 * - one SGD training step changes every trainable weight (within its
 *   constraint), leaves the non-trainable ones as the layer's semantics
 *   say, and on a frozen layer changes nothing;
 * - float64 central-difference gradient checks with respect to the float
 *   inputs and to every trainable weight (sampled entries), for every case.
 *
 * Random layers (the Dropout family, layers with a dropout option) are
 * also checked for seeded determinism in training, and their training
 * gradients are checked with a fresh seeded layer per evaluation, so that
 * every evaluation draws the same mask.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tg from "tensorgrad";
import { allclose } from "../../helpers.js";

/** A concrete shape, batch dimension included. */
export type Shape = readonly number[];

/** Any layer, whatever its output type. */
export type AnyLayer = tg.layers.Layer<tg.layers.LayerOutput>;

/** Call options: `training`, plus any the layer takes (masks, ...). */
export type Options = tg.layers.CallOptions & Record<string, unknown>;

/** One input shape (or list of them, for layers of several inputs). */
export interface LayerCase {
  /** The input shape, or the list of input shapes; batch included. */
  input: Shape | readonly Shape[];
  /** The expected output shape, or list of them; batch included. */
  output: Shape | readonly Shape[];
}

/** What `checkLayer` needs to know about a layer. */
export interface LayerSpec {
  /** The spec's name, shown in test names. */
  name: string;
  /** A fresh, unbuilt layer of `dtype` (same options every time). */
  make: (dtype: tg.DType) => AnyLayer;
  /**
   * Input and output shapes. Every case is checked for shapes and
   * gradients; the first one also for weights, config and training.
   */
  cases: readonly LayerCase[];
  /** The weight shapes, in Keras order (`layer.weights`). */
  weights: readonly Shape[];
  /** The weight names without the layer's name prefix, in the same order. */
  weightNames?: readonly string[];
  /**
   * Makes input `index` of shape `shape` (default: smooth float values in
   * about [-1, 1] of the layer's dtype).
   */
  input?: (shape: Shape, dtype: tg.DType, index: number) => tg.Tensor;
  /**
   * Options passed to every eager call (training is set by each check), or
   * a function of the call's inputs that makes them (masks fitting the
   * batch). Functional models get none, as they record none.
   */
  callOptions?: Options | ((xs: readonly tg.Tensor[]) => Options);
  /**
   * Whether the training step must change the non-trainable weights (as
   * BatchNormalization's moving statistics do). Default false: they must
   * stay as they were.
   */
  updatesNonTrainable?: boolean;
  /**
   * A stochastic layer in training (Dropout family, dropout options): the
   * harness checks that two layers of the same seed and weights draw the
   * same training output, that it differs from the inference output, and
   * checks the training gradients with a fresh layer per evaluation.
   * `make` must give the layer a seed.
   */
  random?: boolean;
  /** Also check the gradients with `training: true` (BatchNormalization). */
  trainingGradient?: boolean;
  /** Gradient check tolerance (default 1e-6), for inputs and weights. */
  tolerance?: number;
  /** How many entries of each weight the gradient check probes (6). */
  weightEntries?: number;
  /**
   * Weights (names without the layer prefix) whose gradient is zero by the
   * layer's mathematics, with the reason: the training step checks that
   * their gradient is zero instead of checking that they change.
   */
  zeroGradient?: { weights: readonly string[]; reason: string };
  /**
   * A real bug in the layer that makes the harness fail: the spec's tests
   * are registered as todo, with this reason.
   */
  knownFailure?: string;
}

const DEFAULT_TOLERANCE = 1e-6;
const EPSILON = 1e-6;
const SEED = 20261204;

/** Smooth deterministic values of `shape`, in [-1, 1]. */
export function values(shape: Shape, dtype: tg.DType, seed = 0): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) =>
    Math.sin(i * 1.37 + 0.31 + seed * 2.11),
  );
  return tg.tensor(flat, shape, dtype);
}

/** Integer values in [0, high) of `shape` (int32), e.g. token ids. */
export function ints(shape: Shape, high: number, seed = 0): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from(
    { length: n },
    (_, i) => (i * 7 + seed * 3 + 1) % high,
  );
  return tg.tensor(flat, shape, "int32");
}

/**
 * A [batch, time] boolean mask with some steps off: in even rows step 1
 * (when time > 2), in odd rows the last step (when time > 1).
 */
export function sequenceMask(batch: number, time: number): tg.Tensor {
  const flat: boolean[] = [];
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      flat.push(b % 2 === 0 ? !(t === 1 && time > 2) : t < time - 1 || t === 0);
    }
  }
  return tg.tensor(flat, [batch, time], "bool");
}

function isShapeList(s: Shape | readonly Shape[]): s is readonly Shape[] {
  return Array.isArray(s[0]);
}

function shapeList(s: Shape | readonly Shape[]): readonly Shape[] {
  return isShapeList(s) ? s : [s];
}

function makeInputs(
  spec: LayerSpec,
  c: LayerCase,
  dtype: tg.DType,
): tg.Tensor[] {
  return shapeList(c.input).map((shape, i) =>
    spec.input ? spec.input(shape, dtype, i) : values(shape, dtype, i),
  );
}

/** Runs the layer on a list of inputs, as one tensor or a list. */
function run(
  spec: LayerSpec,
  layer: AnyLayer,
  xs: readonly tg.Tensor[],
  options: Options,
): tg.Tensor[] {
  const multi = isShapeList(spec.cases[0]!.input);
  const extra =
    typeof spec.callOptions === "function"
      ? spec.callOptions(xs)
      : spec.callOptions;
  const y = layer.apply(multi ? xs : xs[0]!, { ...extra, ...options });
  return outputList(y);
}

function outputList(y: tg.layers.LayerOutput): tg.Tensor[] {
  if (y instanceof tg.Tensor) return [y];
  if (Array.isArray(y)) return [...(y as readonly tg.Tensor[])];
  return Object.values(y);
}

/** All outputs flattened into one vector. */
function flatOutput(ys: readonly tg.Tensor[]): tg.Tensor {
  const flat = ys.map((y) => tg.reshape(y, [y.size]));
  return flat.length === 1 ? flat[0]! : tg.concat(flat, 0);
}

/** Fixed pseudo-random weights in [0.5, 1.5) for an objective. */
function objectiveWeights(n: number): tg.Tensor {
  const v = Array.from({ length: n }, (_, i) => 0.5 + ((i * 0.618034) % 1));
  return tg.tensor(v, [n], "float64");
}

/**
 * Moves every float weight a little away from its initial value, so that
 * zero biases and unit scales do not hide a wrong gradient.
 */
function perturbWeights(layer: AnyLayer): void {
  layer.setWeights(
    layer.weights.map((w, i) =>
      w.dtype === "float32" || w.dtype === "float64"
        ? tg.add(w.value, tg.mul(values(w.shape, w.dtype, i + 7), 0.1))
        : w.value,
    ),
  );
}

function arrays(ts: readonly tg.Tensor[]): unknown[] {
  return ts.map((t) => t.toArray());
}

function checkShapes(spec: LayerSpec): void {
  for (const c of spec.cases) {
    const expected = shapeList(c.output);
    const inShapes = shapeList(c.input);
    const layer = spec.make("float32");
    const ys = run(spec, layer, makeInputs(spec, c, "float32"), {});
    assert.deepEqual(
      ys.map((y) => y.shape),
      expected,
      `eager output shapes for input ${JSON.stringify(c.input)}`,
    );
    ys.forEach((y) => assert.equal(y.dtype, "float32", "output dtype"));
    // Float inputs of another dtype are cast to the layer's.
    const ys64 = run(spec, layer, makeInputs(spec, c, "float64"), {});
    ys64.forEach((y, i) => allclose(y, ys[i]!, { dtype: "float32" }));
    // The spec's call options (masks, ...) change the output.
    if (spec.callOptions !== undefined) {
      const xs = makeInputs(spec, c, "float32");
      const plain = outputList(layer.apply(isShapeList(c.input) ? xs : xs[0]!));
      assert.ok(
        plain.some(
          (y, i) =>
            JSON.stringify(y.toArray()) !== JSON.stringify(ys[i]!.toArray()),
        ),
        "the call options change nothing",
      );
    }
    // The built layer takes another batch size.
    const bigger = {
      input: inShapes.map((s) => [s[0]! + 1, ...s.slice(1)]),
      output: [],
    };
    const ysBig = run(spec, layer, makeInputs(spec, bigger, "float32"), {});
    assert.deepEqual(
      ysBig.map((y) => y.shape),
      expected.map((s) => [s[0]! + 1, ...s.slice(1)]),
      `output shapes for a batch of ${inShapes[0]![0]! + 1}`,
    );
    const computed = layer.computeOutputShape(c.input);
    assert.deepEqual(
      isShapeList(computed as Shape | Shape[]) ? computed : [computed as Shape],
      expected,
      `computeOutputShape for ${JSON.stringify(c.input)}`,
    );
    const sample = makeInputs(spec, c, "float32");
    const syms = inShapes.map((s, i) =>
      tg.input({ shape: s.slice(1), dtype: sample[i]!.dtype }),
    );
    const fresh = spec.make("float32");
    // Functional graphs record no call options (masks, ...): none here.
    const out = fresh.apply(isShapeList(c.input) ? syms : syms[0]!) as
      tg.SymbolicTensor | tg.SymbolicTensor[];
    const outs = Array.isArray(out) ? out : [out];
    assert.deepEqual(
      outs.map((o) => o.shape),
      expected.map((s) => [null, ...s.slice(1)]),
      `symbolic output shapes for ${JSON.stringify(c.input)}`,
    );
    // The functional model of the layer computes what the layer does.
    const model = new tg.Model({
      inputs: isShapeList(c.input) ? syms : syms[0]!,
      outputs: out,
    });
    const fromModel = outputList(
      model.predict(isShapeList(c.input) ? sample : sample[0]!),
    );
    const eager = outputList(
      fresh.apply(isShapeList(c.input) ? sample : sample[0]!),
    );
    assert.equal(fromModel.length, eager.length);
    fromModel.forEach((y, i) => allclose(y, eager[i]!));
  }
}

function checkWeights(spec: LayerSpec): void {
  const layer = spec.make("float32");
  run(spec, layer, makeInputs(spec, spec.cases[0]!, "float32"), {});
  assert.deepEqual(
    layer.weights.map((w) => w.shape),
    spec.weights,
    "weight shapes",
  );
  if (spec.weightNames) {
    const prefix = `${layer.name}/`;
    assert.deepEqual(
      layer.weights.map((w) =>
        w.name.startsWith(prefix) ? w.name.slice(prefix.length) : w.name,
      ),
      spec.weightNames,
      "weight names",
    );
  }
  assert.equal(
    layer.countParams(),
    spec.weights.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0),
  );
  // Freezing the layer freezes every weight; unfreezing restores them.
  const trainable = layer.trainableWeights.length;
  layer.trainable = false;
  assert.equal(layer.trainableWeights.length, 0, "trainable after freezing");
  assert.equal(layer.nonTrainableWeights.length, layer.weights.length);
  layer.trainable = true;
  assert.equal(layer.trainableWeights.length, trainable, "after unfreezing");
  // The same weights whether built by apply or by build.
  const built = spec.make("float32");
  const c = spec.cases[0]!;
  const shapes = shapeList(c.input).map((s) => [null, ...s.slice(1)]);
  built.build(isShapeList(c.input) ? shapes : shapes[0]!);
  assert.ok(built.built);
  assert.deepEqual(
    built.weights.map((w) => w.shape),
    spec.weights,
    "weight shapes after build()",
  );
}

function checkConfig(spec: LayerSpec): void {
  const layer = spec.make("float32");
  const xs = makeInputs(spec, spec.cases[0]!, "float32");
  run(spec, layer, xs, {});
  perturbWeights(layer);
  const config = layer.getConfig();
  const json = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  const cls = layer.constructor as unknown as {
    fromConfig(c: Record<string, unknown>): AnyLayer;
  };
  const copy = cls.fromConfig(json);
  assert.equal(copy.constructor, layer.constructor);
  assert.deepEqual(copy.getConfig(), config, "config after fromConfig");
  run(spec, copy, xs, {});
  copy.setWeights(layer.getWeights());
  const a = run(spec, layer, xs, {});
  const b = run(spec, copy, xs, {});
  assert.equal(a.length, b.length);
  a.forEach((y, i) => allclose(b[i]!, y, { rtol: 0, atol: 0 }));
}

function checkTrainingStep(spec: LayerSpec): void {
  const layer = spec.make("float32");
  const xs = makeInputs(spec, spec.cases[0]!, "float32");
  run(spec, layer, xs, {});
  perturbWeights(layer);
  const trainable = layer.trainableWeights;
  const frozen = layer.nonTrainableWeights;
  assert.equal(trainable.length + frozen.length, layer.weights.length);
  const before = arrays(trainable);
  const frozenBefore = arrays(frozen);
  const opt = new tg.optimizers.SGD({ learningRate: 0.1 });
  const tape = new tg.GradientTape();
  const ys = run(spec, layer, xs, { training: true });
  const loss = tg.mean(tg.square(flatOutput(ys)));
  assert.ok(Number.isFinite(loss.item()), "non-finite loss");
  for (const penalty of layer.losses) {
    assert.ok(Number.isFinite(penalty.item()), "non-finite layer loss");
  }
  const grads = tape.gradient(loss, trainable);
  const zero = spec.zeroGradient?.weights ?? [];
  const isZero = (w: tg.Variable) =>
    zero.some((n) => w.name === `${layer.name}/${n}`);
  grads.forEach((g, i) => {
    const w = trainable[i]!;
    assert.ok(g !== null, `no gradient for ${w.name}`);
    assert.deepEqual(g.shape, w.shape);
    const gs = Array.from(g.data as Float32Array);
    assert.ok(gs.every(Number.isFinite), `non-finite gradient for ${w.name}`);
    if (isZero(w)) {
      assert.ok(
        gs.every((v) => Math.abs(v) <= 1e-6),
        `${w.name}: expected a zero gradient (${spec.zeroGradient?.reason})`,
      );
    }
  });
  if (trainable.length > 0) {
    opt.applyGradients(tg.zip(grads as tg.Tensor[], trainable));
  }
  const after = arrays(trainable);
  trainable.forEach((w, i) => {
    if (!isZero(w)) {
      assert.notDeepEqual(after[i], before[i], `${w.name} did not change`);
    }
  });
  // The optimizer applied each weight's constraint after the update.
  for (const w of trainable) {
    if (w.constraint) allclose(w.constraint(w.value), w.value);
  }
  const frozenAfter = arrays(frozen);
  frozen.forEach((w, i) => {
    if (spec.updatesNonTrainable && w.dtype !== "int32") {
      assert.notDeepEqual(frozenAfter[i], frozenBefore[i], `${w.name} kept`);
    } else {
      assert.deepEqual(frozenAfter[i], frozenBefore[i], `${w.name} changed`);
    }
  });
  // A frozen layer (trainable false) changes no weight in training, as in
  // Keras 3 (BatchNormalization then runs in inference mode).
  layer.trainable = false;
  const all = arrays(layer.weights);
  run(spec, layer, xs, { training: true });
  assert.deepEqual(
    arrays(layer.weights),
    all,
    "a frozen layer's weights moved",
  );
}

/**
 * Compares the tape's gradient of sum(weights · output) with respect to
 * each trainable variable of `layer` with central differences, probing
 * `weightEntries` evenly spread elements of each (assigning perturbed
 * values). With `fresh`, every evaluation runs a fresh layer holding
 * `layer`'s current weights (for random layers: the same draws each time).
 */
function checkWeightGradients(
  spec: LayerSpec,
  layer: AnyLayer,
  xs: readonly tg.Tensor[],
  options: Options,
  fresh?: (weights: readonly tg.Tensor[]) => AnyLayer,
): void {
  const tol = spec.tolerance ?? DEFAULT_TOLERANCE;
  const entries = spec.weightEntries ?? 6;
  const vars = layer.trainableWeights;
  const evaluated = () => (fresh ? fresh(layer.getWeights()) : layer);
  let r: tg.Tensor | null = null;
  const objective = (l: AnyLayer): tg.Tensor => {
    const y = flatOutput(run(spec, l, xs, options));
    r ??= objectiveWeights(y.size);
    return tg.sum(tg.mul(y, r));
  };
  const tape = new tg.GradientTape();
  const l0 = evaluated();
  const analytic = tape.gradient(objective(l0), l0.trainableWeights);
  assert.equal(analytic.length, vars.length);
  vars.forEach((v, k) => {
    const g = analytic[k];
    assert.ok(g, `no gradient for ${v.name}`);
    const original = v.value;
    const count = Math.min(entries, v.size);
    for (let e = 0; e < count; e++) {
      const j = Math.floor(((e + 0.5) * v.size) / count);
      const at = (delta: number): number => {
        const moved = Float64Array.from(original.data as Float64Array);
        moved[j]! += delta;
        v.assign(tg.tensor(Array.from(moved), v.shape, "float64"));
        return objective(evaluated()).item();
      };
      const numeric = (at(EPSILON) - at(-EPSILON)) / (2 * EPSILON);
      v.assign(original);
      const a = g.data[j] as number;
      const err = Math.abs(a - numeric) / Math.max(1, Math.abs(numeric));
      assert.ok(
        err <= tol,
        `gradient of ${v.name}[${j}]: analytic ${a}, numeric ${numeric}, ` +
          `error ${err} > ${tol}`,
      );
    }
  });
}

/**
 * Checks the gradient of `f` (the layer's flattened output) with respect
 * to the float inputs among `xs` against central differences; integer
 * inputs (token ids) stay fixed.
 */
function checkInputGradients(
  spec: LayerSpec,
  xs: readonly tg.Tensor[],
  f: (xs: readonly tg.Tensor[]) => tg.Tensor,
): void {
  const floatIdx = xs
    .map((x, i) => (x.dtype === "float64" ? i : -1))
    .filter((i) => i >= 0);
  if (floatIdx.length === 0) return;
  tg.testing.checkGradients(
    (...fs: tg.Tensor[]) =>
      f(
        xs.map((x, i) => {
          const k = floatIdx.indexOf(i);
          return k >= 0 ? fs[k]! : x;
        }),
      ),
    floatIdx.map((i) => xs[i]!),
    { tolerance: spec.tolerance ?? DEFAULT_TOLERANCE },
  );
}

function checkGradients(spec: LayerSpec): void {
  const modes: boolean[] = spec.trainingGradient ? [false, true] : [false];
  for (const c of spec.cases) {
    for (const training of modes) {
      const layer = spec.make("float64");
      const xs = makeInputs(spec, c, "float64");
      run(spec, layer, xs, {});
      perturbWeights(layer);
      const y = run(spec, layer, xs, { training });
      y.forEach((t) => assert.equal(t.dtype, "float64", "float64 output"));
      checkInputGradients(spec, xs, (all) =>
        flatOutput(run(spec, layer, all, { training })),
      );
      checkWeightGradients(spec, layer, xs, { training });
    }
  }
}

/**
 * Fresh seeded layers holding given weights, built without a call (so
 * that no random draw is spent), for the random-layer checks.
 */
function seededLayers(
  spec: LayerSpec,
  dtype: tg.DType,
): (weights: readonly tg.Tensor[]) => AnyLayer {
  const c = spec.cases[0]!;
  const shapes = shapeList(c.input).map((s) => [null, ...s.slice(1)]);
  return (weights) => {
    const layer = spec.make(dtype);
    layer.build(isShapeList(c.input) ? shapes : shapes[0]!);
    layer.setWeights(weights);
    return layer;
  };
}

function checkRandom(spec: LayerSpec): void {
  const c = spec.cases[0]!;
  const reference = spec.make("float32");
  const xs = makeInputs(spec, c, "float32");
  run(spec, reference, xs, {});
  perturbWeights(reference);
  const fresh = seededLayers(spec, "float32");
  const ws = reference.getWeights();
  const a = run(spec, fresh(ws), xs, { training: true });
  const b = run(spec, fresh(ws), xs, { training: true });
  a.forEach((y, i) => allclose(b[i]!, y, { rtol: 0, atol: 0 }));
  const inference = run(spec, fresh(ws), xs, { training: false });
  assert.ok(
    a.some(
      (y, i) =>
        JSON.stringify(y.toArray()) !== JSON.stringify(inference[i]!.toArray()),
    ),
    "training output equals inference output",
  );
  // The training gradients, with a fresh seeded layer (the same draws) for
  // every evaluation.
  const layer = spec.make("float64");
  const x64 = makeInputs(spec, c, "float64");
  run(spec, layer, x64, {});
  perturbWeights(layer);
  const fresh64 = seededLayers(spec, "float64");
  checkInputGradients(spec, x64, (all) =>
    flatOutput(run(spec, fresh64(layer.getWeights()), all, { training: true })),
  );
  checkWeightGradients(spec, layer, x64, { training: true }, fresh64);
}

/** One check of the harness: its name and the function that runs it. */
export interface LayerCheck {
  what: string;
  run: () => void;
}

/** The harness's checks for `spec`, to run or to register as tests. */
export function layerChecks(spec: LayerSpec): LayerCheck[] {
  const checks: LayerCheck[] = [
    { what: "eager and symbolic output shapes", run: () => checkShapes(spec) },
    { what: "weights: count, shapes, names", run: () => checkWeights(spec) },
    { what: "getConfig / fromConfig round trip", run: () => checkConfig(spec) },
    {
      what: "a training step changes the trainable weights",
      run: () => checkTrainingStep(spec),
    },
    {
      what: "float64 gradients w.r.t. inputs and weights",
      run: () => checkGradients(spec),
    },
  ];
  if (spec.random) {
    checks.push({
      what: "seeded training draws and their gradient",
      run: () => checkRandom(spec),
    });
  }
  // Each check starts from the same global seed (initial weights), so
  // that it gives the same result whether run alone or with the others.
  return checks.map(({ what, run }) => ({
    what,
    run: () => {
      tg.setSeed(SEED);
      run();
    },
  }));
}

/**
 * Registers the harness's checks for `spec` as node:test tests (call it
 * inside a describe); as todo tests when the spec has a knownFailure.
 */
export function checkLayer(spec: LayerSpec): void {
  for (const check of layerChecks(spec)) {
    const name = `${spec.name}: ${check.what}`;
    if (spec.knownFailure !== undefined) {
      test(name, { todo: spec.knownFailure }, check.run);
    } else {
      test(name, check.run);
    }
  }
}
