// SPDX-License-Identifier: Apache-2.0
/**
 * Test setup: runs the suite on the backend named by the TENSORGRAD_BACKEND
 * environment variable ("js" or "wasm"). scripts/run-tests.mjs imports it
 * into every test process when the variable is set:
 *
 *     TENSORGRAD_BACKEND=wasm node scripts/run-tests.mjs test/ops
 */
import * as tg from "tensorgrad";

const name = process.env.TENSORGRAD_BACKEND;
if (name) tg.setBackend(name);
