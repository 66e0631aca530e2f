// SPDX-License-Identifier: Apache-2.0
/** Layers: `tg.layers`, classes and TensorFlow.js-style factories. */
export {
  Layer,
  type LayerArgs,
  type AddWeightOptions,
  type Constraint,
  type Regularizer,
  type SymbolicShape,
  type CallOptions,
  type LayerInput,
  type LayerOutput,
} from "./layer.js";
export { Dense, dense, type DenseArgs } from "./dense.js";
export { InputLayer, type InputArgs } from "./input.js";
