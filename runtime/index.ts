// `edgeqat/runtime`: what runs on a device. Node >= 18, no training code: importing it loads
// neither TensorFlow.js layers nor the trainer (test/package.test.ts checks what an import loads).
// This file names the public API; everything else under runtime/ is internal. A change to what it
// exports changes api/runtime.api.md (npm run api-report; test/api-report.test.ts). docs/api.md
// shows it at work.

// A model on an engine, and running it.
export { loadModel, loadDatasetFor, type LoadModelOptions, type LoadedModel, type DatasetForOptions } from './load-model.js';
export { predict, normalizePixels, classifyImage, classifyImageFiles, evaluate, type Prediction, type AccuracyOptions } from './predict.js';
export type { ImagePrediction, ClassScore } from './classify-images.js';
export type { ClassifierEvaluation } from './accuracy.js';

// Engines, for programs that manage batches and raw int8 tensors themselves.
export { createEngine, ENGINE_CHOICES, ENGINE_NAMES, type CreateEngineOptions, type EngineChoice, type EngineName } from './engines/index.js';
export { quantize, dequantize, type Engine, type TensorInfo, type TensorDtype, type OutputArray } from './engines/engine.js';

// Reading and verifying .tflite files (nothing reaches an engine unverified).
export { verifyTfliteModel, DEFAULT_VERIFIER_LIMITS, type VerifyOptions, type VerifierLimits } from './verifier/index.js';
export {
  readTfliteModel,
  readTfliteFile,
  type ModelSummary,
  type SubgraphSummary,
  type OperatorSummary,
  type OperatorCodeSummary,
  type TensorSummary,
  type QuantizationSummary,
  type MetadataSummary,
  type ReadOptions,
} from './model-reader.js';
export { readPreprocessing, type ModelPreprocessing } from './model-metadata.js';

// Data sets and preprocessing front ends: images.
export { loadDataset, knownDatasetSpecs, normalizeImages, type Dataset, type Split, type SplitName, type LoadDatasetOptions, type Normalization, type ImageOptions, type ValSplit } from './datasets/datasets.js';
export { loadImageFile, imageToTarget, type ImageTarget } from './images/load-image.js';
export { decodeImage, type DecodedImage } from './images/decode-image.js';
export { resizeImage, RESIZE_MODES, type ResizeMode } from './images/resize.js';
// Audio: WAV files and the MFCC front end keyword-spotting models record (the device runner's).
export { classifyClip, clipFeatures } from './clip-input.js';
export { decodeWav, readWavFile, type WavAudio, type WavEncoding } from './audio/wav.js';
export { createFeatureExtractor, type FeatureExtractor } from './audio/mfcc.js';
export { MLPERF_KWS_FRONT_END, type AudioFrontEnd } from './audio/front-end.js';

// Errors: every failure a caller can cause is an EdgeqatError with a code.
export { EdgeqatError, isEdgeqatError, type ErrorCode } from './errors.js';
