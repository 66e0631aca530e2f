// SPDX-License-Identifier: Apache-2.0
/** Helpers for testing code built on tensorgrad: `tg.testing`. */
export {
  checkGradients,
  type CheckGradientsOptions,
  type GradientReport,
} from "./gradcheck.js";
