// Calibration images for post-training quantization: the first N images of the training split
// (normalized as for training). The MNIST-family training files are not sorted by class, so the
// first 500 cover every class; the test split stays unseen for evaluation.
import { sampleSize, type Dataset } from '../../runtime/datasets/datasets.js';
import { EdgeqatError } from '../../runtime/errors.js';

/** Calibration samples when none are named (export --ptq, compare, ptq()). */
export const DEFAULT_CALIBRATION_SAMPLES = 500;

export function calibrationImages(data: Dataset, samples: number): { inputs: Float32Array; count: number } {
  const train = data.train;
  if (!train || train.count === 0) throw new EdgeqatError('E_DATASET', `${data.name}: no training images to calibrate on`);
  if (!(Number.isInteger(samples) && samples >= 1)) throw new EdgeqatError('E_OPTION', `--calibration-samples must be a positive integer, got '${samples}'`);
  const count = Math.min(samples, train.count);
  return { inputs: train.inputs.subarray(0, count * sampleSize(data.sampleShape)), count };
}
