// Post-training quantization for library callers (`ptq` in `edgeqat`): a trained float model and
// calibration samples → a calibrated QAT model that exportTflite turns into int8, what
// `edgeqat export --ptq` does (the first N training samples of a data set, 500 by default).
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../../runtime/datasets/datasets.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { calibrationImages, DEFAULT_CALIBRATION_SAMPLES } from './calibration-data.js';
import { quantizePostTraining, type CalibrationResult, type PtqOptions } from './calibrate.js';

export interface PtqCallOptions extends PtqOptions {
  /** Calibration samples taken from a data set's training split (default 500). */
  samples?: number;
}

/** What a ptq call gives: the model to export (dispose it after) and the ranges calibration set. */
export interface PtqResult {
  model: tfl.LayersModel;
  calibration: CalibrationResult;
}

/**
 * Calibrates activation ranges of `float` on `data`: a data set (its first `samples` training
 * samples) or inputs of your own, `count` samples already normalised as in training. The float
 * model is left as it is.
 */
export function ptq(float: tfl.LayersModel, data: Dataset | { inputs: Float32Array; count: number }, opts: PtqCallOptions = {}): PtqResult {
  const { samples, ...rest } = opts;
  if ('sampleShape' in data) {
    const { inputs, count } = calibrationImages(data, samples ?? DEFAULT_CALIBRATION_SAMPLES);
    return quantizePostTraining(float, inputs, count, rest);
  }
  if (samples !== undefined) throw new EdgeqatError('E_OPTION', 'ptq: samples applies to a data set; with your own inputs pass count');
  return quantizePostTraining(float, data.inputs, data.count, rest);
}
