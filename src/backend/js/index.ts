// SPDX-License-Identifier: Apache-2.0
/** The reference backend: every kernel in plain TypeScript, every dtype. */
import type { Backend } from "../backend.js";
import { binary, cast, unary, where } from "./elementwise.js";
import { concat, gather, pad, scatterAdd, strided, tile } from "./layout.js";
import { matMul } from "./matmul.js";
import { argReduce, reduce } from "./reduce.js";

/** The reference backend. @internal */
export const jsBackend: Backend = {
  name: "js",
  unary,
  binary,
  reduce,
  argReduce,
  matMul,
  strided,
  pad,
  concat,
  tile,
  gather,
  scatterAdd,
  where,
  cast,
};
