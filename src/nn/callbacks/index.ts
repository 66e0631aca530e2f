// SPDX-License-Identifier: Apache-2.0
/** Callbacks: `tg.callbacks`. */
export {
  Callback,
  CallbackList,
  type CallbackModel,
  type CallbackParams,
  type Logs,
} from "./callback.js";
export { History } from "./history.js";
export { ProgbarLogger, type ProgressStream } from "./progbar.js";
export {
  EarlyStopping,
  earlyStopping,
  type EarlyStoppingArgs,
} from "./early-stopping.js";
export {
  LearningRateScheduler,
  learningRateScheduler,
  type EpochSchedule,
} from "./learning-rate-scheduler.js";
export {
  ReduceLROnPlateau,
  reduceLROnPlateau,
  type ReduceLROnPlateauArgs,
} from "./reduce-lr-on-plateau.js";
export {
  TerminateOnNaN,
  terminateOnNaN,
  type TerminateOnNaNArgs,
} from "./terminate-on-nan.js";
export { CSVLogger, csvLogger, type CSVLoggerArgs } from "./csv-logger.js";
export {
  LambdaCallback,
  lambdaCallback,
  type LambdaCallbackArgs,
} from "./lambda-callback.js";
export type { MonitorMode } from "./monitor.js";
