// Accuracy recorded while a model trains, for the curves of `edgeqat report`: about a dozen times
// per epoch (every 100-step progress window that falls on a multiple of stepsPerEpoch / 12, and at
// epoch ends) the model in inference mode on the first `accuracySamples` test images, and at every
// epoch end on the whole test set. Stored in metrics.json next to the loss history; a resumed run
// keeps the points up to its checkpoint. Evaluation changes no weights and no optimizer state.
// Cost: 1,000 CNN images take ≈0.8 s on wasm, ≈10 s per 6,000-step epoch (≈2% of its training).
import type * as tfl from '@tensorflow/tfjs-layers';
import { countMatches } from '../runtime/accuracy.js';
import type { Split } from '../runtime/datasets/datasets.js';
import { predictClasses, type TrainProgress } from './engine/train.js';

export interface AccuracyPoint {
  step: number;
  epoch: number;
  accuracy: number;
}

export interface AccuracyHistory {
  /** About 12 times per epoch: accuracy on the first `accuracySamples` test images. */
  accuracy: AccuracyPoint[];
  accuracySamples: number;
  /** Every epoch end: accuracy on the whole test set (`testSamples` images). */
  epochAccuracy: AccuracyPoint[];
}

/** Model inputs with their labels (a data set split). */
export type LabelledImages = Pick<Split, 'inputs' | 'labels' | 'count'>;

/** Test images evaluated during an epoch. */
export const WINDOW_SAMPLES = 1000;
/** Evaluations per epoch (besides the epoch end), at most. */
export const POINTS_PER_EPOCH = 12;

function accuracyOf(model: tfl.LayersModel, data: LabelledImages, count: number): number {
  const per = data.inputs.length / data.count;
  const predictions = predictClasses(model, data.inputs.subarray(0, count * per), count);
  return countMatches(predictions, data.labels, count) / count;
}

export class AccuracyRecorder {
  private readonly history: AccuracyHistory;
  private readonly samples: number;

  /** `prior`: the metrics.json of a resumed run; its points after `resumeStep` are dropped. */
  constructor(
    private readonly model: tfl.LayersModel,
    private readonly test: LabelledImages,
    prior?: Partial<AccuracyHistory> | null,
    resumeStep = 0,
  ) {
    this.samples = Math.min(WINDOW_SAMPLES, test.count);
    const keep = (points: AccuracyPoint[] | undefined) => (Array.isArray(points) ? points.filter((p) => p.step <= resumeStep) : []);
    this.history = { accuracy: keep(prior?.accuracy), accuracySamples: this.samples, epochAccuracy: keep(prior?.epochAccuracy) };
  }

  /**
   * After a progress report (every 100 steps and at epoch ends): evaluates when due; at the end of
   * an epoch before the last also on the whole test set (the last one is `epochEnd` with the
   * run's final accuracy).
   */
  onProgress(p: Pick<TrainProgress, 'epoch' | 'step' | 'stepsPerEpoch'>, epochs: number, every = 100): void {
    const step = (p.epoch - 1) * p.stepsPerEpoch + p.step;
    const stride = Math.ceil(p.stepsPerEpoch / (POINTS_PER_EPOCH * every)) * every;
    const epochEnd = p.step === p.stepsPerEpoch;
    if (epochEnd || p.step % stride === 0) this.history.accuracy.push({ step, epoch: p.epoch, accuracy: accuracyOf(this.model, this.test, this.samples) });
    if (epochEnd && p.epoch < epochs) this.epochEnd(step, p.epoch);
  }

  /** At an epoch end: the whole test set, or an accuracy the caller already measured on it. */
  epochEnd(step: number, epoch: number, measured?: number): number {
    const accuracy = measured ?? accuracyOf(this.model, this.test, this.test.count);
    this.history.epochAccuracy.push({ step, epoch, accuracy });
    return accuracy;
  }

  fields(): AccuracyHistory {
    return this.history;
  }
}
