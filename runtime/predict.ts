// Running a loaded model (load-model.ts) the way a program on a device does: samples in, a
// prediction per sample out (class, name, probability); a data set's accuracy; image files or
// bytes classified. The batch loop, argmax and image path are the ones `edgeqat eval` and
// `edgeqat classify` use, so the library gives the CLI's answers.
import { argmax, evaluateClassifier, type ClassifierEvaluation } from './accuracy.js';
import { classifyImageBytes, classifyImages, probabilities, type ImagePrediction } from './classify-images.js';
import type { Split } from './datasets/dataset.js';
import { normalizeImages } from './datasets/pixels.js';
import { dequantize, elementsPerSample } from './engines/engine.js';
import { DEFAULT_RUN_BATCH } from './engines/run-batches.js';
import { EdgeqatError } from './errors.js';
import type { LoadedModel } from './load-model.js';

export interface Prediction {
  label: number;
  className: string;
  /** Probability of `label`: the model's softmax output, or a softmax of its logits. */
  score: number;
  /** The output tensor's real values for this sample (int8 outputs dequantized). */
  outputs: Float32Array;
}

/** How many samples `input` holds for this model; one line when it is not a whole number of them. */
function sampleCount(model: LoadedModel, input: Float32Array | Int8Array, count: number | undefined): number {
  const per = elementsPerSample(model.input);
  const n = count ?? input.length / per;
  if (!Number.isInteger(n) || n < 0 || n * per > input.length) {
    throw new EdgeqatError('E_OPTION', `${model.label}: input holds ${input.length} values; ${count === undefined ? 'not a whole number of' : `fewer than ${count}`} samples of ${per} values (input shape [${model.input.shape.join(', ')}])`);
  }
  return n;
}

/**
 * Runs `count` samples (default: all that `input` holds) and gives one prediction each. Float32
 * input is the model's input as trained (normalised: normalizePixels() makes it from pixels);
 * engines quantize it for int8 models. An Int8Array goes to an int8 input tensor as it is.
 */
export function predict(model: LoadedModel, input: Float32Array | Int8Array, count?: number): Prediction[] {
  const n = sampleCount(model, input, count);
  const per = elementsPerSample(model.input);
  const classes = elementsPerSample(model.output);
  const out: Prediction[] = [];
  for (let start = 0; start < n; start += DEFAULT_RUN_BATCH) {
    const b = Math.min(DEFAULT_RUN_BATCH, n - start);
    const raw = model.engine.run(input.subarray(start * per, (start + b) * per), b);
    for (let i = 0; i < b; i++) {
      const outputs = dequantize(raw.subarray(i * classes, (i + 1) * classes), model.output).slice();
      const label = argmax(outputs, 0, classes);
      out.push({ label, className: model.classNames[label] ?? String(label), score: probabilities(outputs)[label]!, outputs });
    }
  }
  return out;
}

/**
 * Raw pixels (rows × cols × channels bytes, channels last, e.g. a camera frame already at the
 * model's size) → the model's float input, normalised as the model records: (pixel/255 − mean) / std.
 */
export function normalizePixels(model: Pick<LoadedModel, 'label' | 'preprocessing'>, pixels: Uint8Array): Float32Array {
  const pre = model.preprocessing;
  if (!pre) throw new EdgeqatError('E_MODEL_FILE', `${model.label}: records no input normalisation (not exported by edgeqat): normalise the input yourself`);
  const channels = pre.sampleShape?.length === 3 ? pre.sampleShape[2]! : pre.mean.length;
  return normalizeImages(pixels, pre, channels);
}

/** A PNG or JPEG file's content (e.g. an HTTP request body) classified as `edgeqat classify` does. */
export function classifyImage(model: LoadedModel, bytes: Uint8Array, name = 'image'): ImagePrediction {
  return classifyImageBytes(model.engine, model.summary, bytes, model.label, name);
}

/** PNG or JPEG files classified as `edgeqat classify` does (the model must record its image input). */
export function classifyImageFiles(model: LoadedModel, files: string[]): ImagePrediction[] {
  return classifyImages(model.engine, model.summary, files, model.label);
}

export interface AccuracyOptions {
  /** The first n samples (default all). */
  limit?: number;
  /** Samples per engine call (default 256). */
  batch?: number;
  onProgress?(done: number, total: number): void;
}

/** Top-1 accuracy on a labelled split (e.g. loadDatasetFor(model).test), as `edgeqat eval` computes it. */
export function evaluate(model: LoadedModel, split: Split, opts: AccuracyOptions = {}): ClassifierEvaluation {
  const count = Math.min(opts.limit ?? split.count, split.count);
  return evaluateClassifier(model.engine, split.inputs, split.labels, count, { batch: opts.batch, onProgress: opts.onProgress });
}
