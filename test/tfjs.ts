// SPDX-License-Identifier: Apache-2.0
/**
 * TensorFlow.js on its cpu backend, the oracle that float32 forward values
 * are compared against. `loadTf()` imports it once per test file.
 */
import type * as TF from "@tensorflow/tfjs";

let loaded: Promise<typeof TF> | undefined;

/** TensorFlow.js, on the cpu backend, with its Node.js hint silenced. */
export function loadTf(): Promise<typeof TF> {
  loaded ??= (async () => {
    const tf = await import("@tensorflow/tfjs");
    tf.env().set("IS_TEST", true);
    await tf.setBackend("cpu");
    return tf;
  })();
  return loaded;
}
