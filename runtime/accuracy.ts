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
