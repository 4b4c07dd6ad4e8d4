// Post-training quantization: a float model is prepared exactly as for QAT (prepareQat: batch
// norm folded with its moving statistics, activations fused, weights fake-quantized per channel
// for convolutions), then calibrated: calibration images run through it in inference mode with
// activation fake-quant switched off, every observed tensor (the input stub's and each op's
// output) is collected, and each observer is set to the range estimated from all of its values.
// No weight changes. The result converts with convertToTflite into the same int8 .tflite as QAT.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../runtime/errors.js';
import { QuantizeStub } from '../qat/layers/quantize-stub.js';
import { QuantizeWrapper } from '../qat/layers/quantize-wrapper.js';
import { prepareQat, type PrepareOptions } from '../qat/prepare.js';
import type { QuantParams } from '../qat/quant/quant-params.js';
import { DEFAULT_PERCENTILE, MinMax, MIN_CALIBRATED_RANGE, Tails, usableRange, type CalibrationMethod, type ValueRange } from './range-estimators.js';

export interface CalibrationOptions {
  method?: CalibrationMethod;
  /** Percentile kept at the top (and 100 − p at the bottom) with method 'percentile'. */
  percentile?: number;
  /** Images per forward pass. */
  batchSize?: number;
  /** Called after every batch of each pass (two passes with 'percentile'). */
  onProgress?: (done: number, total: number) => void;
}

export interface CalibratedTensor {
  /** The layer whose output (or, for the input stub, input) this is. */
  layer: string;
  /** Exact range over the calibration images. */
  observed: ValueRange;
  /** Range the tensor is quantized with (clipped, widened to include 0). */
  range: ValueRange;
  params: QuantParams;
}

export interface CalibrationResult {
  method: CalibrationMethod;
  percentile?: number;
  samples: number;
  tensors: CalibratedTensor[];
}

type Observed = QuantizeStub | QuantizeWrapper;

function observedLayers(model: tfl.LayersModel): Observed[] {
  return model.layers.filter((l): l is Observed => l instanceof QuantizeStub || (l instanceof QuantizeWrapper && l.hasObserver));
}

function setFakeQuantizing(model: tfl.LayersModel, on: boolean): void {
  for (const l of model.layers) if (l instanceof QuantizeStub || l instanceof QuantizeWrapper) l.fakeQuantizing = on;
}

/** Runs `images` through `probe` in batches, handing each output's values to `visit`. */
function forEachBatch(
  probe: tfl.LayersModel,
  images: Float32Array,
  count: number,
  batchSize: number,
  visit: (output: number, values: Float32Array) => void,
  progress: (done: number) => void,
): void {
  const inputShape = (probe.inputs[0].shape as (number | null)[]).slice(1) as number[];
  const per = inputShape.reduce((a, b) => a * b, 1);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const outputs = tf.tidy(() => {
      const x = tf.tensor(images.subarray(start * per, (start + n) * per), [n, ...inputShape]);
      const y = probe.predict(x);
      return Array.isArray(y) ? y : [y];
    });
    outputs.forEach((t, i) => visit(i, t.dataSync() as Float32Array));
    tf.dispose(outputs);
    progress(start + n);
  }
}

/**
 * Calibrates a prepared (QAT-wrapped) model in place on the first `count` images (flat, already
 * normalized) and returns the ranges it set. The model's weights are not touched.
 */
export function calibrate(model: tfl.LayersModel, images: Float32Array, count: number, opts: CalibrationOptions = {}): CalibrationResult {
  const method = opts.method ?? 'minmax';
  const percentile = opts.percentile ?? DEFAULT_PERCENTILE;
  const batchSize = opts.batchSize ?? 100;
  if (!Number.isInteger(count) || count < 1) throw new EdgeqatError('E_OPTION', `calibration needs at least 1 image, got ${count}`);
  if (method === 'percentile' && !(percentile >= 90 && percentile <= 100)) throw new EdgeqatError('E_OPTION', `--percentile must be between 90 and 100, got ${percentile}`);
  const layers = observedLayers(model);
  if (layers.length === 0) throw new EdgeqatError('E_UNSUPPORTED', `model '${model.name}' cannot be calibrated: it has no quantized tensors (expected a model prepared for quantization)`);
  const probe = tfl.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as tfl.SymbolicTensor), name: `${model.name}_calibration` });
  const passes = method === 'percentile' ? 2 : 1;
  const progress = (pass: number) => (done: number) => opts.onProgress?.(pass * count + done, passes * count);

  setFakeQuantizing(model, false);
  try {
    const extremes = layers.map(() => new MinMax());
    forEachBatch(probe, images, count, batchSize, (i, v) => extremes[i].add(v), progress(0));
    layers.forEach((l, i) => {
      if (!extremes[i].finite || !extremes[i].seen) {
        throw new EdgeqatError('E_UNSUPPORTED', `model '${model.name}' cannot be calibrated: layer '${l.name}' produced NaN or infinite values on the calibration images`);
      }
    });
    let estimates: ValueRange[] = extremes.map((m) => ({ min: m.min, max: m.max }));
    if (method === 'percentile') {
      const tails = extremes.map((m) => new Tails(m.count, percentile));
      forEachBatch(probe, images, count, batchSize, (i, v) => tails[i].add(v), progress(1));
      // A clipped range that collapses (a tensor that is nearly always one value) keeps min/max.
      estimates = tails.map((t, i) => {
        const clipped = t.range();
        return clipped.max - clipped.min >= MIN_CALIBRATED_RANGE ? clipped : estimates[i];
      });
    }
    const tensors = layers.map((layer, i): CalibratedTensor => {
      const range = usableRange(estimates[i]);
      const observer = layer instanceof QuantizeStub ? layer.inputObserver : layer.outputObserver;
      observer.set(range.min, range.max);
      return { layer: layer.name, observed: { min: extremes[i].min, max: extremes[i].max }, range, params: observer.range().params };
    });
    return { method, ...(method === 'percentile' ? { percentile } : {}), samples: count, tensors };
  } finally {
    setFakeQuantizing(model, true);
  }
}

export interface PtqOptions extends CalibrationOptions, PrepareOptions {}

/** Float model -> calibrated QAT-wrapped model (convert it with convertToTflite). */
export function quantizePostTraining(
  float: tfl.LayersModel,
  images: Float32Array,
  count: number,
  opts: PtqOptions = {},
): { model: tfl.LayersModel; calibration: CalibrationResult } {
  const model = prepareQat(float, { perChannel: opts.perChannel, perTensorConv: opts.perTensorConv, observer: { kind: 'minmax', averagingConstant: 0.01 } });
  try {
    return { model, calibration: calibrate(model, images, count, opts) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
