// Classifying image files with a model that records its image input (edgeqat_preprocessing: sample
// shape, fit, normalisation, class names): `edgeqat classify` on the host, `node run.js photo.jpg`
// in a device bundle and the library's classifyImage (runtime/predict.ts) run this same code, so
// all give the same classes and scores.
// A model with int8 input takes the image's bytes straight through a per-channel table of int8
// values (the normalised byte quantized with the input's scale and zero point, exactly as the
// engines quantize float input): no float image is made.
import { argmax } from './accuracy.js';
import { normalizationTable, normalizeImages } from './datasets/pixels.js';
import { dequantize, elementsPerSample, quantizeInto, type Engine, type TensorInfo } from './engines/engine.js';
import { EdgeqatError } from './errors.js';
import { IMAGE_LIMITS } from './images/image-header.js';
import { imageToTarget, loadImageFile, type ImageTarget } from './images/load-image.js';
import { readPreprocessing, type ModelPreprocessing } from './model-metadata.js';
import type { ModelSummary } from './model-reader.js';

export interface ClassScore {
  className: string;
  score: number;
}

export interface ImagePrediction {
  file: string;
  label: number;
  className: string;
  /** Probability of the class (the model's softmax; a softmax of its outputs when it has none). */
  score: number;
  /** The best three classes, best first. */
  top: ClassScore[];
}

/** The recorded image input of a model; one line when it has none. */
export function imageTargetOf(summary: Pick<ModelSummary, 'metadata'>, where: string): { target: ImageTarget; pre: ModelPreprocessing } {
  const pre = readPreprocessing(summary, where);
  const s = pre?.sampleShape;
  if (!pre || !s || s.length !== 3 || (s[2] !== 1 && s[2] !== 3)) {
    throw new EdgeqatError('E_MODEL_FILE', `${where}: records no image input (rows, cols, 1 or 3 channels); classify needs a model exported by edgeqat from an image data set`);
  }
  return { pre, target: { rows: s[0]!, cols: s[1]!, channels: s[2], resize: pre.resize ?? 'stretch' } };
}

/** Image bytes (rows × cols × channels) → int8 input values: one table lookup per byte. */
export function int8FromBytes(pixels: Uint8Array, pre: ModelPreprocessing, channels: number, input: TensorInfo): Int8Array {
  const table = new Int8Array(256 * channels);
  quantizeInto(normalizationTable(pre, channels), input, table);
  const out = new Int8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = table[(i % channels) * 256 + pixels[i]!]!;
  return out;
}

/** The outputs as class probabilities: as they are when they already sum to 1 (a softmax output), else their softmax (logits). */
export function probabilities(values: Float32Array): Float32Array {
  let sum = 0;
  let ok = true;
  for (const v of values) {
    sum += v;
    if (v < 0 || v > 1) ok = false;
  }
  if (ok && Math.abs(sum - 1) < 0.05) return values;
  // Logits: softmax them.
  const max = Math.max(...values);
  const e = values.map((v) => Math.exp(v - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/** The model's recorded image input, checked against the engine's input size. */
function checkedImageInput(engine: Engine, summary: Pick<ModelSummary, 'metadata'>, where: string): { target: ImageTarget; pre: ModelPreprocessing } {
  const { target, pre } = imageTargetOf(summary, where);
  const per = target.rows * target.cols * target.channels;
  if (elementsPerSample(engine.input) !== per) {
    throw new EdgeqatError('E_MODEL_FILE', `${where}: input holds ${elementsPerSample(engine.input)} values, its recorded image input ${target.cols}x${target.rows}x${target.channels} has ${per}`);
  }
  return { target, pre };
}

/** One image's bytes, fitted to the model's input (rows × cols × channels), through the engine. */
function classifyPixels(engine: Engine, pre: ModelPreprocessing, target: ImageTarget, pixels: Uint8Array, file: string): ImagePrediction {
  const input = engine.input.dtype === 'int8' ? int8FromBytes(pixels, pre, target.channels, engine.input) : normalizeImages(pixels, pre, target.channels);
  const scores = probabilities(dequantize(engine.run(input, 1), engine.output));
  const nameOf = (k: number) => pre.classNames?.[k] ?? String(k);
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const label = argmax(scores, 0, scores.length);
  return { file, label, className: nameOf(label), score: scores[label]!, top: order.slice(0, 3).map((k) => ({ className: nameOf(k), score: scores[k]! })) };
}

export function classifyImages(engine: Engine, summary: Pick<ModelSummary, 'metadata'>, files: string[], where: string): ImagePrediction[] {
  const { target, pre } = checkedImageInput(engine, summary, where);
  return files.map((file) => classifyPixels(engine, pre, target, loadImageFile(file, target), file));
}

/** A PNG or JPEG file's content (e.g. an HTTP request body) classified as classifyImages does; `name` names it in messages and in the result. */
export function classifyImageBytes(engine: Engine, summary: Pick<ModelSummary, 'metadata'>, bytes: Uint8Array, where: string, name = 'image'): ImagePrediction {
  const { target, pre } = checkedImageInput(engine, summary, where);
  if (bytes.length > IMAGE_LIMITS.maxFileBytes) throw new EdgeqatError('E_DATASET', `${name}: ${bytes.length} bytes is over the limit of ${IMAGE_LIMITS.maxFileBytes} for an image`);
  return classifyPixels(engine, pre, target, imageToTarget(bytes, name, target), name);
}

/** `photo.jpg: cat 0.93 (dog 0.05, bird 0.01)` */
export function formatPrediction(p: ImagePrediction): string {
  const rest = p.top.slice(1).map((t) => `${t.className} ${t.score.toFixed(2)}`);
  return `${p.file}: ${p.className} ${p.score.toFixed(2)}${rest.length ? ` (${rest.join(', ')})` : ''}`;
}
