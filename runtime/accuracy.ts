// Classification accuracy of any Engine over a labelled data set (MNIST-style: flat float images,
// one uint8 label per image). Argmax runs on the raw outputs: dequantization is monotonic
// (scale > 0), so argmax of int8 outputs equals argmax of their real values.
import { EdgeqatError } from './errors.js';
import { elementsPerSample, type Engine, type OutputArray } from './engines/engine.js';

export interface EvaluateOptions {
  /** Samples per engine.run call (bounds memory, sets the progress granularity). Default 256. */
  batch?: number;
  onProgress?(done: number, total: number): void;
}

export interface ClassifierEvaluation {
  accuracy: number;
  samples: number;
  correct: number;
  /** Predicted class per sample. */
  predictions: Int32Array;
}

export function evaluateClassifier(
  engine: Engine,
  images: Float32Array,
  labels: Uint8Array,
  count: number,
  opts: EvaluateOptions = {},
): ClassifierEvaluation {
  const per = elementsPerSample(engine.input);
  const classes = elementsPerSample(engine.output);
  const batch = opts.batch ?? 256;
  if (!Number.isInteger(count) || count < 0 || count > labels.length || count * per > images.length) {
    throw new EdgeqatError('E_DATASET', `cannot evaluate ${count} samples: data set has ${labels.length} labels and ${Math.floor(images.length / per)} images of ${per} values`);
  }
  if (!Number.isInteger(batch) || batch < 1) throw new EdgeqatError('E_OPTION', `batch must be a positive integer, got ${batch}`);

  const predictions = new Int32Array(count);
  let correct = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const outputs = engine.run(images.subarray(start * per, (start + n) * per), n);
    for (let i = 0; i < n; i++) {
      const p = argmax(outputs, i * classes, classes);
      predictions[start + i] = p;
      if (p === labels[start + i]) correct++;
    }
    opts.onProgress?.(start + n, count);
  }
  return { accuracy: count === 0 ? 0 : correct / count, samples: count, correct, predictions };
}

/** Index of the first maximum of values[offset .. offset+length), relative to offset. */
export function argmax(values: OutputArray, offset: number, length: number): number {
  let best = 0;
  let bestValue = values[offset];
  for (let j = 1; j < length; j++) {
    if (values[offset + j] > bestValue) {
      bestValue = values[offset + j];
      best = j;
    }
  }
  return best;
}

export interface PerPixelEvaluation {
  samples: number;
  pixels: number;
  /** Share of all pixels whose predicted class is the label. */
  pixelAccuracy: number;
  /** Share of the pixels labelled other than `background` whose predicted class is the label. */
  foregroundAccuracy: number;
  foregroundPixels: number;
  /** Share of pixels labelled `background`: the pixel accuracy of predicting background everywhere. */
  backgroundShare: number;
  /** Predicted class per pixel, samples × pixels per sample. */
  predictions: Uint8Array;
}

/**
 * Per-pixel classification accuracy of a segmentation model on any Engine: its output holds
 * `pixels` rows of `classes` scores per sample ([H, W, classes]), `labels` one class per pixel
 * (count × pixels). Reported with the foreground accuracy and the all-background baseline, which a
 * pixel accuracy alone hides when most pixels are background.
 */
export function evaluatePerPixel(engine: Engine, inputs: Float32Array, labels: Uint8Array, count: number, opts: EvaluateOptions & { background?: number } = {}): PerPixelEvaluation {
  const per = elementsPerSample(engine.input);
  const shape = engine.output.shape;
  const classes = shape[shape.length - 1]!;
  const pixels = elementsPerSample(engine.output) / classes;
  const background = opts.background ?? 0;
  const batch = opts.batch ?? 64;
  if (!Number.isInteger(count) || count < 0 || count * pixels > labels.length || count * per > inputs.length) {
    throw new EdgeqatError('E_DATASET', `cannot evaluate ${count} samples: data set has ${Math.floor(labels.length / pixels)} label maps of ${pixels} pixels and ${Math.floor(inputs.length / per)} inputs of ${per} values`);
  }
  if (!Number.isInteger(batch) || batch < 1) throw new EdgeqatError('E_OPTION', `batch must be a positive integer, got ${batch}`);
  const predictions = new Uint8Array(count * pixels);
  let correct = 0;
  let foreground = 0;
  let foregroundCorrect = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const outputs = engine.run(inputs.subarray(start * per, (start + n) * per), n);
    for (let i = 0; i < n * pixels; i++) {
      const k = start * pixels + i;
      const p = argmax(outputs, i * classes, classes);
      predictions[k] = p;
      const label = labels[k]!;
      if (p === label) correct++;
      if (label !== background) {
        foreground++;
        if (p === label) foregroundCorrect++;
      }
    }
    opts.onProgress?.(start + n, count);
  }
  const total = count * pixels;
  return {
    samples: count,
    pixels: total,
    pixelAccuracy: total === 0 ? 0 : correct / total,
    foregroundAccuracy: foreground === 0 ? 0 : foregroundCorrect / foreground,
    foregroundPixels: foreground,
    backgroundShare: total === 0 ? 0 : (total - foreground) / total,
    predictions,
  };
}
