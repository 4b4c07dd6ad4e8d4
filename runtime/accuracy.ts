// Classification accuracy of any Engine over a labelled data set (MNIST-style: flat float images,
// one uint8 label per image). Argmax runs on the raw outputs: dequantization is monotonic
// (scale > 0), so argmax of int8 outputs equals argmax of their real values.
import { EdgeqatError } from './errors.js';
import { elementsPerSample, type Engine, type OutputArray } from './engines/engine.js';
import { forEachBatch, type RunBatchesOptions } from './engines/run-batches.js';

export type EvaluateOptions = RunBatchesOptions;

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
  if (!Number.isInteger(count) || count < 0 || count > labels.length || count * per > images.length) {
    throw new EdgeqatError('E_DATASET', `cannot evaluate ${count} samples: data set has ${labels.length} labels and ${Math.floor(images.length / per)} images of ${per} values`);
  }

  const predictions = new Int32Array(count);
  forEachBatch(
    engine,
    images,
    count,
    (outputs, start, n) => {
      for (let i = 0; i < n; i++) predictions[start + i] = argmax(outputs, i * classes, classes);
    },
    opts,
  );
  const correct = countMatches(predictions, labels, count);
  return { accuracy: count === 0 ? 0 : correct / count, samples: count, correct, predictions };
}

/** Predicted class of each of `count` samples: argmax over each sample's `classes` outputs. */
export function predictionsOf(outputs: OutputArray, count: number, classes: number): Int32Array {
  const predictions = new Int32Array(count);
  for (let i = 0; i < count; i++) predictions[i] = argmax(outputs, i * classes, classes);
  return predictions;
}

/** How many of the first `count` entries are equal in both (predictions vs labels, or vs other predictions). */
export function countMatches(a: ArrayLike<number>, b: ArrayLike<number>, count = Math.min(a.length, b.length)): number {
  let same = 0;
  for (let i = 0; i < count; i++) if (a[i] === b[i]) same++;
  return same;
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
  const predictions = new Uint8Array(count * pixels);
  let correct = 0;
  let foreground = 0;
  let foregroundCorrect = 0;
  const onBatch = (outputs: OutputArray, start: number, n: number) => {
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
  };
  forEachBatch(engine, inputs, count, onBatch, { ...opts, batch });
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
