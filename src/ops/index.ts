// SPDX-License-Identifier: Apache-2.0
/** Every public op, by family. */
import { installTapeOps } from "../autodiff/tape.js";
import { Tensor } from "../core/tensor.js";
import { add } from "./binary.js";
import { toTensor } from "./convert.js";
import { onesLike, zerosLike } from "./creation.js";

export * from "./binary.js";
export * from "./cast.js";
export * from "./creation.js";
export * from "./linalg.js";
export * from "./random.js";
export * from "./reduction.js";
export * from "./select.js";
export * from "./shape.js";
export * from "./unary.js";
export { toTensor } from "./convert.js";

installTapeOps({
  add,
  onesLike,
  zerosLike,
  toTensor,
  isTensor: (x): x is Tensor => x instanceof Tensor,
  isVariable: (x): x is Tensor & { trainable: boolean; value: Tensor } =>
    x instanceof Tensor && "trainable" in x,
});
