// The QAT layers as TF.js layers: a prepared MLP (QuantizeStub → QuantizeWrapper(Dense)×3 →
// DequantizeStub) serializes and loads back with the same predictions and observer ranges;
// unsupported layers are rejected before anything is built; and the prepared model is an ordinary
// LayersModel that model.fit trains (observers update in training, not in predict).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Split } from '../runtime/datasets/datasets.js';
import { EdgeqatError } from '../runtime/errors.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { buildMlp } from '../toolkit/models/mlp.js';
import { DequantizeStub } from '../toolkit/qat/layers/dequantize-stub.js';
import { QuantizeStub } from '../toolkit/qat/layers/quantize-stub.js';
import { QuantizeWrapper } from '../toolkit/qat/layers/quantize-wrapper.js';
import { checkQuantizable, prepareQat, qatScheduleHook, setObserving } from '../toolkit/qat/prepare.js';
import type { ObservedRange } from '../toolkit/qat/quant/observers.js';
import { trainModel } from '../toolkit/engine/train.js';

const FEATURES = 784;

function ranges(model: tfl.LayersModel): Record<string, ObservedRange> {
  const out: Record<string, ObservedRange> = {};
  for (const layer of model.layers) {
    if (layer instanceof QuantizeStub) out[layer.name] = layer.inputObserver.range();
    else if (layer instanceof QuantizeWrapper) out[layer.name] = layer.outputObserver.range();
  }
  return out;
}

function predict(model: tfl.LayersModel, images: Float32Array, count: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(images.subarray(0, count * FEATURES), [count, FEATURES])) as tf.Tensor).dataSync() as Float32Array);
}

async function roundTrip(model: tfl.LayersModel): Promise<{ loaded: tfl.LayersModel; artifacts: tf.io.ModelArtifacts }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  // Through JSON, as a checkpoint on disk would be.
  const topology = JSON.parse(JSON.stringify(artifacts!.modelTopology));
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory({ ...artifacts!, modelTopology: topology }));
  return { loaded, artifacts: artifacts! };
}

function expectUnsupported(fn: () => unknown, mentions: string[]): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EdgeqatError);
  const err = caught as EdgeqatError;
  expect(err.code).toBe('E_UNSUPPORTED');
  expect(err.message).not.toMatch(/\n/);
  for (const m of mentions) expect(err.message).toContain(m);
  return err.message;
}

describe('QAT layers', () => {
  let train: Split;
  let test: Split;

  beforeAll(async () => {
    await initBackend('wasm');
    const ds = loadDataset('mnist');
    train = ds.train!;
    test = ds.test!;
  });

  it('prepareQat wraps the MLP: stub, three wrapped Dense layers with the float weights, stub', () => {
    const float = buildMlp(0);
    const qat = prepareQat(float);
    expect(qat.layers.map((l) => l.getClassName())).toEqual([
      'Edgeqat>QuantizeStub',
      'Edgeqat>QuantizeWrapper',
      'Edgeqat>QuantizeWrapper',
      'Edgeqat>QuantizeWrapper',
      'Edgeqat>DequantizeStub',
    ]);
    const wrappers = qat.layers.filter((l): l is QuantizeWrapper => l instanceof QuantizeWrapper);
    expect(wrappers.map((w) => w.layer.name)).toEqual(['fc1', 'fc2', 'fc3']);
    expect(wrappers.map((w) => w.perChannel)).toEqual([false, false, false]);
    // The optimizer sees exactly the float model's 6 trainable weights, with the same values.
    expect(qat.trainableWeights).toHaveLength(6);
    const floatW = float.getWeights();
    const qatTrainable = qat.trainableWeights.map((w) => w.read());
    for (let i = 0; i < 6; i++) expect(qatTrainable[i].dataSync()).toEqual(floatW[i].dataSync());
    // Plus one observer state per stub/wrapper.
    expect(qat.nonTrainableWeights).toHaveLength(4);
    expect(prepareQat(buildMlp(0), { perChannel: true }).layers.filter((l) => l instanceof QuantizeWrapper).map((l) => (l as QuantizeWrapper).perChannel)).toEqual([true, true, true]);
  });

  it('QuantizeStub and DequantizeStub made without a name get a valid default name', () => {
    // TF.js derives default names from getClassName(); 'Edgeqat>…' is not a valid tensor name.
    const model = tfl.sequential();
    model.add(new QuantizeStub({ inputShape: [4] }));
    model.add(new DequantizeStub());
    expect(model.layers.map((l) => l.name)).toHaveLength(2);
    for (const l of model.layers) expect(l.name).toMatch(/^[A-Za-z0-9_.\-/]+$/);
    const y = tf.tidy(() => (model.apply(tf.tensor2d([[0, 1, 2, 3]]), { training: true }) as tf.Tensor).dataSync());
    expect(y[3]).toBeCloseTo(3, 1);
  });

  it('save → load round trip: same classes, configs, predictions and observer ranges', async () => {
    const qat = prepareQat(buildMlp(0), { perChannel: true, observer: { kind: 'minmax', averagingConstant: 0.01 } });
    await trainModel(qat, { inputs: train.inputs, labels: train.labels, count: 500, featureSize: FEATURES }, { epochs: 1, batchSize: 50, lr: 1e-3, seed: 1, numClasses: 10 });
    const before = ranges(qat);
    expect(Object.keys(before)).toEqual(['quant_input', 'quant_fc1', 'quant_fc2', 'quant_fc3']);
    for (const r of Object.values(before)) expect(r.max).toBeGreaterThan(r.min);

    const { loaded, artifacts } = await roundTrip(qat);
    expect(JSON.stringify(artifacts.modelTopology)).toContain('Edgeqat>QuantizeWrapper');
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(qat.layers.map((l) => l.getClassName()));
    expect(loaded.layers[0]).toBeInstanceOf(QuantizeStub);
    expect(loaded.layers[4]).toBeInstanceOf(DequantizeStub);
    const wrappers = loaded.layers.filter((l): l is QuantizeWrapper => l instanceof QuantizeWrapper);
    expect(wrappers.map((w) => [w.layer.name, w.layer.getClassName(), w.perChannel, w.spec.builtin, w.observer.kind])).toEqual([
      ['fc1', 'Dense', true, 'FULLY_CONNECTED', 'minmax'],
      ['fc2', 'Dense', true, 'FULLY_CONNECTED', 'minmax'],
      ['fc3', 'Dense', true, 'FULLY_CONNECTED', 'minmax'],
    ]);
    expect(ranges(loaded)).toEqual(before);
    const n = 500;
    const images = test.inputs;
    expect(predict(loaded, images, n)).toEqual(predict(qat, images, n));
    // Weights (float kernels, biases, observer states) come back in the same order and values.
    const a = qat.getWeights().map((w) => Array.from(w.dataSync()));
    const b = loaded.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
  });

  it('checkQuantizable rejects a layer with a supported: false row (SimpleRNN) with one line naming the layer, its class, the reason and the supported classes', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.simpleRNN({ inputShape: [28, 28], units: 4, recurrentInitializer: 'glorotUniform', name: 'my_rnn' }), tfl.layers.dense({ units: 10, name: 'head' })],
    });
    const msg = expectUnsupported(() => checkQuantizable(model), ["'my_rnn'", 'SimpleRNN', 'recurrent layers', 'supported: InputLayer, Dense, Conv2D']);
    expect(msg).toMatch(/^layer 'my_rnn' \(SimpleRNN\) cannot be quantized: recurrent layers have no full-integer int8 TFLite builtin \(supported: InputLayer, Dense, Conv2D, .*Softmax\)$/);
    // prepareQat checks first, before building anything.
    expectUnsupported(() => prepareQat(model), ["'my_rnn'", 'SimpleRNN']);
  });

  it("an UpSampling2D whose interpolation has no op stops prepare with one line naming the layer and the ones that do", () => {
    const model = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, name: 'c' }), tfl.layers.upSampling2d({ size: [2, 2], name: 'up' }), tfl.layers.flatten({ name: 'f' })] });
    // TF.js validates interpolation itself ('nearest' | 'bilinear'); a config from a file can say otherwise.
    (model.getLayer('up') as unknown as { interpolation: string }).interpolation = 'bicubic';
    expect(expectUnsupported(() => prepareQat(model), ["'up'"])).toBe("layer 'up' (UpSampling2D) cannot be quantized: interpolation 'bicubic' is not supported (nearest, bilinear)");
  });

  it('checkQuantizable rejects LSTM (a supported: false row) and a layer without any rule, after accepting the supported ones before it', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [5, 3], units: 8, name: 'proj' }), tfl.layers.lstm({ units: 4, name: 'rnn', recurrentInitializer: 'glorotUniform' }), tfl.layers.dense({ units: 2, name: 'out' })],
    });
    expectUnsupported(() => checkQuantizable(model), ["'rnn'", '(LSTM)', 'recurrent layers', 'InputLayer, Dense']);
    // A LayerNormalization between Dense layers has no rule at all: it is named, not silently dropped.
    const withNorm = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 4, name: 'd0' }), tfl.layers.layerNormalization({ name: 'norm' }), tfl.layers.dense({ units: 2, name: 'd' })] });
    expectUnsupported(() => checkQuantizable(withNorm), ["'norm'", '(LayerNormalization)', 'no quantization rule']);
    expect(() => checkQuantizable(buildMlp(0))).not.toThrow();
  });

  it('model.fit trains the prepared model (one tiny epoch) and updates the observers; predict does not', async () => {
    const qat = prepareQat(buildMlp(0));
    qat.compile({
      optimizer: tf.train.adam(1e-3),
      loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    });
    const n = 320;
    const x = tf.tensor2d(train.inputs.subarray(0, n * FEATURES), [n, FEATURES]);
    const y = tf.oneHot(tf.tensor1d(Array.from(train.labels.subarray(0, n)), 'int32'), 10);
    expect(Object.values(ranges(qat)).every((r) => r.min === 0 && r.max === 0)).toBe(true);
    const kernelBefore = Array.from(qat.trainableWeights[0].read().dataSync());

    const history = await qat.fit(x, y, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    const loss = history.history.loss[0] as number;
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(0);
    expect(Array.from(qat.trainableWeights[0].read().dataSync())).not.toEqual(kernelBefore);

    const after = ranges(qat);
    // The input range is what the pixels span after normalisation: (0 - 0.1307)/0.3081 .. (1 - 0.1307)/0.3081.
    expect(after.quant_input.min).toBeCloseTo(-0.1307 / 0.3081, 4);
    expect(after.quant_input.max).toBeCloseTo((1 - 0.1307) / 0.3081, 4);
    // ReLU outputs start at 0; the logits range spans both signs.
    expect(after.quant_fc1.min).toBe(0);
    expect(after.quant_fc1.max).toBeGreaterThan(0);
    expect(after.quant_fc3.min).toBeLessThan(0);
    expect(after.quant_fc3.max).toBeGreaterThan(0);

    qat.predict(x);
    expect(ranges(qat)).toEqual(after);
    // A second epoch with observers switched off trains but leaves the ranges alone.
    setObserving(qat, false);
    await qat.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
    expect(ranges(qat)).toEqual(after);

    // Observing inside fit does not leak tensors: a further epoch with observers on keeps the count.
    setObserving(qat, true);
    const tensors = tf.memory().numTensors;
    await qat.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
    expect(tf.memory().numTensors).toBe(tensors);

    // The fitted model still beats chance on held-out digits after 30 steps.
    const m = 1000;
    const logits = tf.tensor2d(predict(qat, test.inputs, m), [m, 10]);
    const pred = tf.argMax(logits, -1).dataSync();
    let correct = 0;
    for (let i = 0; i < m; i++) if (pred[i] === test.labels[i]) correct++;
    expect(correct / m).toBeGreaterThan(0.3);
    tf.dispose([x, y, logits]);
  });

  it('quantizeActivationsFrom: op outputs stay float and unobserved before the step, then observers start from the first batch they see', async () => {
    const qat = prepareQat(buildMlp(0));
    const hook = qatScheduleHook(qat, { quantizeActivationsFrom: 3 });
    const n = 32;
    const fit = (steps: number, offset: number) =>
      trainModel(qat, { inputs: train.inputs, labels: train.labels, count: steps * n, featureSize: FEATURES }, { epochs: 1, batchSize: n, lr: 1e-3, seed: 0, numClasses: 10, beforeStep: (s) => hook(s + offset) });
    await fit(3, 0);
    const before = ranges(qat);
    // The model input is quantized from the start; no op output was observed.
    expect(before.quant_input.max).toBeGreaterThan(0);
    for (const name of ['quant_fc1', 'quant_fc2', 'quant_fc3']) expect(before[name], name).toMatchObject({ min: 0, max: 0 });
    // Float logits: not on any int8 grid of the (unobserved) output.
    const floatLogits = predict(qat, test.inputs, 4);
    expect(new Set(floatLogits).size).toBe(floatLogits.length);

    await fit(1, 3);
    const after = ranges(qat);
    expect(after.quant_fc1.max).toBeGreaterThan(0);
    expect(after.quant_fc3.min).toBeLessThan(0);
    // From then on the logits are on the observed int8 grid.
    const { scale, zeroPoint } = after.quant_fc3.params;
    for (const v of predict(qat, test.inputs, 4)) {
      const q = v / scale + zeroPoint;
      expect(Math.abs(q - Math.round(q))).toBeLessThan(1e-3);
    }
  });
});
