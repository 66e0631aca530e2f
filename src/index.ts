// SPDX-License-Identifier: Apache-2.0
/**
 * tensorgrad: Keras-style deep learning for TypeScript. This file is the
 * only public entry; it re-exports, nothing more.
 */
export { Tensor, type NestedArray, type TensorLike } from "./core/tensor.js";
export { type DType, type TypedArray } from "./core/dtype.js";
export { type Shape } from "./core/shape.js";
export {
  TensorgradError,
  ShapeError,
  DTypeError,
  ValueError,
  NotImplementedError,
} from "./core/errors.js";
export { setSeed } from "./core/random.js";
export {
  setBackend,
  getBackend,
  backendFallbacks,
} from "./backend/registry.js";
export { setThreads, getThreads } from "./backend/wasm/threads.js";
export * from "./ops/binary.js";
export * from "./ops/cast.js";
export * from "./ops/creation.js";
export * from "./ops/linalg.js";
export * from "./ops/random.js";
export * from "./ops/reduction.js";
export * from "./ops/scatter.js";
export * from "./ops/select.js";
export * from "./ops/shape.js";
export * from "./ops/unary.js";
export {
  GradientTape,
  type GradientTapeOptions,
  type GradientsOf,
  type Structure,
  type UnconnectedGradients,
} from "./autodiff/tape.js";
export {
  grad,
  grads,
  valueAndGrad,
  valueAndGrads,
  customGrad,
  type CustomGradResult,
} from "./autodiff/functional.js";
export { Variable, type VariableOptions } from "./variables.js";
export * as testing from "./testing/index.js";
export { setWarningHandler, type WarningHandler } from "./core/log.js";
export { zip } from "./utils.js";
export * as initializers from "./nn/initializers.js";
export * as activations from "./nn/activations.js";
export * as layers from "./nn/layers/index.js";
export * as losses from "./nn/losses.js";
export * as optimizers from "./nn/optimizers/index.js";
export { clearSession } from "./nn/layers/layer.js";
export {
  Sequential,
  type SequentialArgs,
  type SequentialItem,
} from "./nn/models/sequential.js";
export {
  Model,
  type ModelArgs,
  type SymbolicStructure,
  type TensorsOf,
} from "./nn/models/model.js";
export type {
  CompileArgs,
  EvaluateArgs,
  FitArgs,
  LossSpec,
  MetricsSpec,
  PredictArgs,
  TestOnBatchArgs,
  TrainOnBatchArgs,
  Verbosity,
} from "./nn/models/trainer.js";
export type { EvaluateResult } from "./nn/models/model.js";
export type { ClassWeight } from "./nn/models/data-adapter.js";
export type { Batch, Structured } from "./nn/models/data-adapter.js";
export { SymbolicTensor } from "./nn/models/symbolic.js";
export { input, type InputArgs } from "./nn/layers/input.js";
export * as callbacks from "./nn/callbacks/index.js";
export * as metrics from "./nn/metrics/index.js";
export * as data from "./nn/data/index.js";
export * as regularizers from "./nn/regularizers.js";
export * as constraints from "./nn/constraints.js";
export * from "./ops/conv.js";
export * from "./ops/pooling.js";
