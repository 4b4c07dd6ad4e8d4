// Float32 .tflite export and post-training quantization on real MNIST and the real TFLite
// interpreter (tfjs-tflite): a CNN trained briefly in float (batch norm, ReLU, pools, dense) is
// written as float32 TFLite (predictions must agree with TF.js) and as int8 by PTQ (must stay
// accurate and agree with its own fake-quant simulation). Calibration itself: percentile clips an
// outlier that min/max keeps, a layer that is always zero gets a usable non-zero scale (and the
// model stays exact), NaN activations and zero samples are one-line errors.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateClassifier } from '../runtime/accuracy.js';
import { loadDataset, type Dataset } from '../runtime/datasets/datasets.js';
import { createEngine } from '../runtime/engines/index.js';
import { createReferenceEngine } from '../runtime/engines/reference.js';
import { createTfjsTfliteEngine } from '../runtime/engines/tfjs-tflite.js';
import { isEdgeqatError } from '../runtime/errors.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { convertFloatToTflite, convertToTflite } from '../toolkit/converter/convert.js';
import { buildCnn } from '../toolkit/models/cnn.js';
import { buildDscnn } from '../toolkit/models/dscnn.js';
import { calibrate, quantizePostTraining } from '../toolkit/ptq/calibrate.js';
import { QuantizeStub } from '../toolkit/qat/layers/quantize-stub.js';
import { QuantizeWrapper } from '../toolkit/qat/layers/quantize-wrapper.js';
import { prepareQat } from '../toolkit/qat/prepare.js';
import { predictClasses, trainModel } from '../toolkit/engine/train.js';

const PIXELS = 784;
const TEST = 1000;
let data: Dataset;
let cnn: tfl.LayersModel;

beforeAll(async () => {
  await initBackend('auto');
  data = loadDataset('mnist');
  cnn = buildCnn(0);
  const train = data.train!;
  // 40 steps: about 70% accuracy (well above chance), and batch-norm moving statistics away from their initial values.
  await trainModel(cnn, { inputs: train.inputs, labels: train.labels, count: 1280, featureSize: PIXELS }, { epochs: 1, batchSize: 32, lr: 3e-3, seed: 0, numClasses: 10 });
});

function testImages(n = TEST): Float32Array {
  return data.test!.inputs.subarray(0, n * PIXELS);
}

async function tflitePredictions(bytes: Uint8Array, n = TEST) {
  const engine = await createTfjsTfliteEngine(bytes, { label: 'model' });
  try {
    return evaluateClassifier(engine, data.test!.inputs, data.test!.labels, n);
  } finally {
    engine.dispose();
  }
}

function agreement(a: Int32Array, b: Int32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

function tfjsAccuracy(model: tfl.LayersModel, n = TEST): { predictions: Int32Array; accuracy: number } {
  const predictions = predictClasses(model, testImages(n), n);
  let correct = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === data.test!.labels[i]) correct++;
  return { predictions, accuracy: correct / n };
}

describe('float32 TFLite export', () => {
  it('CNN: float32 tensors only, batch norm folded, same predictions and accuracy as TF.js', async () => {
    const bytes = convertFloatToTflite(cnn, { preprocessing: { dataset: 'mnist', ...data.normalization } });
    const summary = readTfliteModel(bytes, 'cnn-float'); // the verifier accepts it
    expect(summary.subgraph.operators.map((o) => o.op)).toEqual(['CONV_2D', 'MAX_POOL_2D', 'CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
    // Float32 everywhere but RESHAPE's int32 shape constant; no quantization parameters.
    const types = new Set(summary.subgraph.tensors.filter((t) => !t.name.endsWith('/shape')).map((t) => t.dtype));
    expect([...types]).toEqual(['FLOAT32']);
    expect(summary.subgraph.tensors.every((t) => t.quantization === null)).toBe(true);

    const reference = tfjsAccuracy(cnn);
    const tflite = await tflitePredictions(bytes);
    expect(reference.accuracy).toBeGreaterThan(0.6);
    expect(agreement(tflite.predictions, reference.predictions)).toBeGreaterThanOrEqual(0.999);
    expect(Math.abs(tflite.accuracy - reference.accuracy)).toBeLessThanOrEqual(0.001);
  });

  it('DSCNN (depthwise, ReLU6, residual Add, global average pooling): logits equal TF.js to float precision', async () => {
    const dscnn = buildDscnn(0, { rows: 28, cols: 28 }, 10);
    const bytes = convertFloatToTflite(dscnn);
    const n = 200;
    const engine = await createTfjsTfliteEngine(bytes, { label: 'dscnn-float' });
    const got = engine.run(testImages(n), n) as Float32Array;
    engine.dispose();
    const want = tf.tidy(() => (dscnn.predict(tf.tensor4d(testImages(n), [n, 28, 28, 1])) as tf.Tensor).dataSync());
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < want.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      maxAbs = Math.max(maxAbs, Math.abs(want[i]));
    }
    expect(maxDiff).toBeLessThan(1e-4 * Math.max(1, maxAbs));
  });

  it('engines that run int8 only refuse a float model in one line', async () => {
    const bytes = convertFloatToTflite(cnn);
    let error: unknown;
    try {
      createReferenceEngine(bytes, { label: 'cnn-float.tflite' });
    } catch (e) {
      error = e;
    }
    expect(isEdgeqatError(error) && error.code === 'E_UNSUPPORTED').toBe(true);
    expect((error as Error).message).toMatch(/^cnn-float\.tflite: .*float32.*int8/);
    expect((error as Error).message).not.toContain('\n');
    const auto = await createEngine('auto', bytes, 'cnn-float.tflite');
    expect(auto.name).toBe('litert'); // a WebAssembly engine runs it: LiteRT.js, first for conv models
    auto.dispose();
  });
});

describe('post-training quantization', () => {
  it('CNN: int8 .tflite within a point of the float model, matching its own simulation', async () => {
    const { model, calibration } = quantizePostTraining(cnn, data.train!.inputs, 500);
    expect(calibration.tensors.map((t) => t.layer)).toEqual(['quant_input', 'quant_conv1', 'quant_conv2', 'quant_fc1', 'quant_logits']);
    const bytes = convertToTflite(model);
    const summary = readTfliteModel(bytes, 'cnn-ptq');
    expect(summary.subgraph.operators.map((o) => o.op)).toEqual(['QUANTIZE', 'CONV_2D', 'MAX_POOL_2D', 'CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'DEQUANTIZE']);
    const conv1Weights = summary.subgraph.tensors.find((t) => t.name === 'conv1/kernel')!;
    expect(conv1Weights.quantization!.scale).toHaveLength(16); // per-channel, as QAT
    const float = tfjsAccuracy(cnn);
    const simulated = tfjsAccuracy(model);
    const tflite = await tflitePredictions(bytes);
    expect(agreement(tflite.predictions, simulated.predictions)).toBeGreaterThanOrEqual(0.995);
    expect(tflite.accuracy).toBeGreaterThan(float.accuracy - 0.01);
    model.dispose();
  });

  it('percentile calibration clips an outlier that min/max keeps', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [16], units: 4, name: 'fc' })] });
    const count = 2000;
    const images = new Float32Array(count * 16);
    let seed = 7;
    for (let i = 0; i < images.length; i++) images[i] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32; // [0, 1)
    images[5 * 16 + 3] = 1000; // one outlier value among 32,000
    const minmax = quantizePostTraining(model, images, count, { method: 'minmax' });
    const percentile = quantizePostTraining(model, images, count, { method: 'percentile', percentile: 99.99 });
    const inputOf = (r: typeof minmax) => r.calibration.tensors.find((t) => t.layer === 'quant_input')!;
    expect(inputOf(minmax).range.max).toBe(Math.fround(1000));
    expect(inputOf(percentile).observed.max).toBe(Math.fround(1000));
    expect(inputOf(percentile).range.max).toBeGreaterThan(0.99);
    expect(inputOf(percentile).range.max).toBeLessThan(1.01);
    expect(inputOf(percentile).params.scale).toBeLessThan(inputOf(minmax).params.scale / 500);
    const stub = percentile.model.layers.find((l) => l instanceof QuantizeStub) as QuantizeStub;
    expect(stub.inputObserver.range().params).toEqual(inputOf(percentile).params); // what the converter writes
    minmax.model.dispose();
    percentile.model.dispose();
  });

  it('a layer that is always zero gets a non-zero scale, and the int8 model still computes the next bias exactly', async () => {
    const input = tfl.input({ shape: [8] });
    const dead = tfl.layers.dense({ units: 6, activation: 'relu', kernelInitializer: 'zeros', biasInitializer: 'zeros', name: 'dead' }).apply(input);
    const out = tfl.layers.dense({ units: 3, name: 'out', biasInitializer: 'zeros' }).apply(dead) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const outLayer = model.getLayer('out');
    outLayer.setWeights([outLayer.getWeights()[0], tf.tensor1d([0.75, -2.5, 11])]);
    const images = Float32Array.from({ length: 100 * 8 }, (_, i) => Math.sin(i));
    const { model: ptq, calibration } = quantizePostTraining(model, images, 100);
    const deadRange = calibration.tensors.find((t) => t.layer === 'quant_dead')!;
    expect(deadRange.observed).toEqual({ min: 0, max: 0 });
    expect(deadRange.params.scale).toBeCloseTo(1 / 255, 6);
    expect(Number.isFinite(deadRange.params.scale) && deadRange.params.scale > 0).toBe(true);
    const bytes = convertToTflite(ptq);
    const engine = await createTfjsTfliteEngine(bytes, { label: 'dead' });
    const y = engine.run(images.subarray(0, 8), 1) as Float32Array;
    engine.dispose();
    const outScale = calibration.tensors.find((t) => t.layer === 'quant_out')!.params.scale;
    [0.75, -2.5, 11].forEach((b, i) => expect(Math.abs(y[i] - b)).toBeLessThanOrEqual(outScale / 2 + 1e-6));
    ptq.dispose();
  });

  it('NaN activations and zero calibration images are one-line errors', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2, name: 'fc' })] });
    const fc = model.getLayer('fc');
    fc.setWeights([tf.fill([4, 2], NaN), tf.zeros([2])]);
    const prepared = prepareQat(model);
    const images = new Float32Array(40).fill(1);
    const failure = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as Error & { code?: string };
      }
      throw new Error('expected an error');
    };
    const nan = failure(() => calibrate(prepared, images, 10));
    expect(nan.code).toBe('E_UNSUPPORTED');
    expect(nan.message).toMatch(/cannot be calibrated: layer 'quant_fc' produced NaN or infinite values/);
    expect(nan.message).not.toContain('\n');
    const none = failure(() => calibrate(prepared, images, 0));
    expect(none.code).toBe('E_OPTION');
    // After a failed calibration the layers fake-quantize again (the toggle is restored).
    expect(prepared.layers.filter((l) => l instanceof QuantizeWrapper).every((l) => (l as QuantizeWrapper).fakeQuantizing)).toBe(true);
    prepared.dispose();
  });
});
