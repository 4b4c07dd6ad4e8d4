// `edgeqat`: the toolkit. QAT on TensorFlow.js, int8 TFLite export, PTQ, data sets, built-in and
// imported models, the training/export/evaluation workflows the CLI runs, and everything of
// `edgeqat/runtime` (runtime/index.ts). Node >= 20. This file names the public API; everything else
// under toolkit/ is internal. A change to what it exports changes api/edgeqat.api.md
// (npm run api-report; test/api-report.test.ts). docs/api.md shows it at work.

export * from '../runtime/index.js';

// The TensorFlow.js packages edgeqat runs on, for building and training models. Use these (or the
// same versions, deduplicated by npm): layers made by a second copy of TF.js do not mix with these.
export * as tf from '@tensorflow/tfjs-core';
export * as tfl from '@tensorflow/tfjs-layers';
export { initBackend, BACKENDS, type BackendName } from './engine/backend.js';
// The order `edgeqat train --seed s` visits the training samples in, epoch by epoch: a loop of your
// own fed in this order repeats a CLI run (docs/api.md).
export { epochOrder as trainingOrder } from './engine/train.js';

// QAT: a float model in, an ordinary LayersModel with fake quantization out (model.fit trains it).
export { prepareQat, checkQuantizable, isQatModel, setObserving, setBatchNormFrozen, setActivationQuantizing, qatScheduleHook, type PrepareOptions, type QatSchedule } from './qat/prepare.js';
export type { ObserverConfig, ObserverKind } from './qat/quant/observers.js';
export { quantizationReport, type LayerQuantReport } from './qat/quant-report.js';
export { quantizeProblems } from './models/import/index.js';

// To .tflite: int8 from a QAT model (or PTQ of a float one), float32 from any.
export { exportTflite, type ExportTfliteOptions } from './converter/export-tflite.js';
export { ptq, type PtqCallOptions, type PtqResult } from './ptq/ptq.js';
export type { CalibrationOptions, CalibrationResult, CalibratedTensor, PtqOptions } from './ptq/calibrate.js';
export type { CalibrationMethod, ValueRange } from './ptq/range-estimators.js';
export type { QuantParams } from './qat/quant/quant-params.js';

// Models: built-in architectures; TF.js model.json, Keras .keras/.h5 and float .tflite files.
export { buildModel, listBuiltinModels, type BuildModelOptions } from './models/index.js';
export { loadModelFile, saveModelFile } from './models/file-io.js';

// The CLI's workflows as functions: a run folder trained, exported, evaluated.
export { train, TRAIN_DEFAULTS, type TrainOptions } from './training/train.js';
export type { TrainHooks, TrainSummary, StopWatch } from './training/train-run.js';
export type { TrainSettings } from './training/train-settings.js';
export { exportModel as exportRun, type ExportOptions, type ExportResult, type ExportKind } from './export/export-model.js';
export { evaluateModel, type EvaluateModelOptions, type EvalResult } from './evaluate/evaluate-model.js';
export { loadRun, type LoadedRun, type RunInfo, type CheckpointState } from './run-folder.js';
export type { Progress, ProgressFactory } from '../runtime/progress.js';
