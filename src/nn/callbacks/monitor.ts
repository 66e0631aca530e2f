// SPDX-License-Identifier: Apache-2.0
/**
 * What the monitoring callbacks share: option checks, the model members
 * they reach for (optimizer, weights, metrics), and numbers written the way
 * Keras (Python) writes them, so that messages and CSV files read the same.
 */
import { ValueError, show } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import type { CallbackModel } from "./callback.js";

/** How a monitored quantity improves: "min", "max", or inferred. */
export type MonitorMode = "auto" | "min" | "max";

/** Checks `mode`; Keras warns and falls back to "auto", tensorgrad throws. */
export function checkMode(mode: unknown, where: string): MonitorMode {
  if (mode !== "auto" && mode !== "min" && mode !== "max") {
    throw new ValueError(
      `${where}: expected mode "auto", "min" or "max", got mode=${show(mode)}`,
    );
  }
  return mode;
}

/** Checks that `value` is an integer >= 0. */
export function checkCount(value: unknown, name: string, where: string) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ValueError(
      `${where}: expected ${name} to be an integer >= 0, ` +
        `got ${name}=${show(value)}`,
    );
  }
  return value;
}

/** Checks that `value` is a finite number. */
export function checkFinite(value: unknown, name: string, where: string) {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(
      `${where}: expected ${name} to be a finite number, ` +
        `got ${name}=${show(value)}`,
    );
  }
  return value;
}

/** Checks that `value` is a string that is not empty. */
export function checkName(value: unknown, name: string, where: string) {
  if (typeof value !== "string" || value === "") {
    throw new ValueError(
      `${where}: expected ${name} to be a non-empty string, ` +
        `got ${name}=${show(value)}`,
    );
  }
  return value;
}

/** The optimizer member the learning-rate callbacks read and set. */
export interface RateHolder {
  learningRate: number;
}

/** The model's optimizer, or a ValueError naming the callback. */
export function optimizerOf(
  model: CallbackModel | null,
  where: string,
): RateHolder {
  const opt = (model as { optimizer?: unknown } | null)?.optimizer;
  if (opt === null || opt === undefined || typeof opt !== "object") {
    throw new ValueError(
      `${where}: expected a model with an optimizer (call compile() ` +
        `first), got ${model === null ? "no model" : "no optimizer"}`,
    );
  }
  if (!("learningRate" in opt)) {
    throw new ValueError(
      `${where}: expected an optimizer with a learningRate, got ` + show(opt),
    );
  }
  return opt as RateHolder;
}

/** What restoring weights needs of a model. */
export interface WeightHolder {
  getWeights(): Tensor[];
  setWeights(values: readonly Tensor[]): void;
}

/** The model, as something whose weights can be read and set. */
export function weightsOf(
  model: CallbackModel | null,
  where: string,
): WeightHolder {
  const m = model as Partial<WeightHolder> | null;
  if (typeof m?.getWeights !== "function" || !m.setWeights) {
    throw new ValueError(
      `${where}: expected a model with getWeights() and setWeights(), ` +
        `got ${show(model)}`,
    );
  }
  return m as WeightHolder;
}

/** A metric as the monitoring callbacks see it: a direction. */
interface Directed {
  readonly name: string;
  readonly direction?: "up" | "down" | null;
}

/**
 * The direction of the metric logged as `name` among the model's metrics,
 * as Keras reads `_direction`: "up", "down", or null when the model has no
 * such metric or it has no direction. Log names come from the model's
 * `metricsNames` when it has them (a metric may be logged under another
 * name than its own), else from each metric's `name`.
 */
export function directionOf(
  model: CallbackModel | null,
  name: string,
): "up" | "down" | null {
  const m = model as { metrics?: unknown; metricsNames?: unknown } | null;
  const metrics = m?.metrics;
  if (!Array.isArray(metrics)) return null;
  const names = Array.isArray(m?.metricsNames) ? m.metricsNames : null;
  let found: "up" | "down" | null = null;
  (metrics as Directed[]).forEach((metric, i) => {
    const logged: unknown = names?.[i] ?? metric.name;
    const d = metric.direction;
    if (logged === name && (d === "up" || d === "down")) found = d;
  });
  return found;
}

/** Prints a message the way Keras's `io_utils.print_msg` does. */
export function say(message: string): void {
  console.log(message);
}

/**
 * A float as Python's `repr` writes it: "0.1", "3.0", "1e-05", "nan",
 * "inf". Keras's messages and CSV files hold Python floats; writing them
 * the same way keeps the files byte-for-byte alike.
 */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Object.is(v, -0)) return "-0.0";
  const [mantissa, expText] = v.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${mantissa}e${exp < 0 ? "-" : "+"}${digits}`;
  }
  const fixed = String(v);
  return fixed.includes(".") ? fixed : `${fixed}.0`;
}
