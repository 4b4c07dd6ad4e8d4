// Bring your own model: the Keras models made by test/fixtures/keras/make-keras-fixtures.py
// (TensorFlow 2.21 / Keras 3.15), in each format edgeqat imports (.keras, .h5, tf.keras 2.x .h5,
// float .tflite from TensorFlow's converter), give Keras's own predictions on the MNIST test set:
// the same label on >= 99.9% of the 10,000 images and outputs within 1e-4 on the first 2,000.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { importModel, quantizeProblems } from '../toolkit/models/import/index.js';
import { runInspectKeras } from '../toolkit/cli/commands/inspect.js';
import { importableClassNames, KERAS_LAYERS } from '../toolkit/models/import/keras-layers.js';
import { supportedClassNames } from '../toolkit/qat/quantize-registry.js';

const FIXTURES = 'test/fixtures/keras';
const MODELS = ['mlp', 'cnn-bn', 'residual', 'dsconv'] as const;
const FILES = MODELS.flatMap((m) => [`${m}.keras`, `${m}.h5`, `${m}.tflite`, ...(m === 'residual' ? ['residual.keras2.h5'] : [])]);
// The fixtures' models take pixel / 255: mean 0, std 1 in edgeqat's terms.
const test = loadDataset('mnist', { split: 'test', normalization: { mean: [0], std: [1] } }).test!;

function golden(model: string) {
  const outputs = readFileSync(`${FIXTURES}/${model}.outputs.bin`);
  return {
    outputs: new Float32Array(outputs.buffer, outputs.byteOffset, outputs.length / 4),
    labels: new Uint8Array(readFileSync(`${FIXTURES}/${model}.labels.bin`)),
  };
}

describe('the import table', () => {
  it('has a row for every layer class the quantize registry supports (rows are added as the registry grows)', () => {
    const missing = supportedClassNames().filter((c) => !importableClassNames().includes(c));
    expect(missing).toEqual([]);
  });

  it('names a TF.js layer class that exists for every row', async () => {
    await initBackend('wasm');
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(KERAS_LAYERS.filter((r) => !map[r.tfjs]).map((r) => r.tfjs)).toEqual([]);
  });
});

describe('imported models predict as Keras does', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each(FILES)('%s: same labels on >= 99.9%% of 10,000 test images, outputs within 1e-4', async (file) => {
    const model = file.split('.')[0]!;
    const imported = await importModel(`${FIXTURES}/${file}`);
    expect(quantizeProblems(imported.model)).toEqual([]);
    const { outputs, labels } = golden(model);
    const shape = imported.model.inputs[0]!.shape.slice(1) as number[];
    const [out, pred] = tf.tidy(() => {
      const y = imported.model.predict(tf.tensor(test.inputs, [test.count, ...shape]), { batchSize: 1000 }) as tf.Tensor;
      return [y.dataSync() as Float32Array, tf.argMax(y, 1).dataSync() as Int32Array];
    });
    let same = 0;
    for (let i = 0; i < test.count; i++) if (pred[i] === labels[i]) same++;
    let maxDiff = 0;
    for (let i = 0; i < outputs.length; i++) maxDiff = Math.max(maxDiff, Math.abs(outputs[i]! - out[i]!));
    expect(same / test.count).toBeGreaterThanOrEqual(0.999);
    expect(maxDiff).toBeLessThan(1e-4);
    imported.model.dispose();
  });

  it.each(MODELS)('%s: the .keras and .h5 files give bit-identical weights (so QAT runs on either are the same run)', async (model) => {
    const [zip, h5] = [await importModel(`${FIXTURES}/${model}.keras`), await importModel(`${FIXTURES}/${model}.h5`)];
    const a = zip.model.getWeights().map((w) => Array.from(w.dataSync()));
    const b = h5.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    zip.model.dispose();
    h5.model.dispose();
  });

  it('the float .tflite route rebuilds folded convolutions (no batch norm) with the fused activations', async () => {
    const { model } = await importModel(`${FIXTURES}/dsconv.tflite`);
    expect(model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'DepthwiseConv2D', 'Conv2D', 'DepthwiseConv2D', 'Conv2D', 'GlobalAveragePooling2D', 'Dense']);
    expect(model.layers.slice(1, 6).map((l) => (l.getConfig() as { activation: string }).activation)).toEqual(['relu6', 'relu6', 'relu6', 'relu6', 'relu6']);
    model.dispose();
  });

  it('inspect: layers, output shapes, parameters and int8 status of a .keras model', async () => {
    const { text, json } = await runInspectKeras(`${FIXTURES}/cnn-bn.keras`);
    expect(json).toMatchObject({ format: 'keras', kerasVersion: '3.15.1', name: 'cnn_bn', params: 26786, quantizable: true });
    expect(json.layers.map((l) => [l.name, l.className, l.params])).toEqual([
      ['image', 'InputLayer', 0],
      ['conv1', 'Conv2D', 72],
      ['bn1', 'BatchNormalization', 32],
      ['relu1', 'ReLU', 0],
      ['pool1', 'MaxPooling2D', 0],
      ['conv2', 'Conv2D', 1168],
      ['bn2', 'BatchNormalization', 64],
      ['relu2', 'Activation', 0],
      ['pool2', 'MaxPooling2D', 0],
      ['flatten', 'Flatten', 0],
      ['fc', 'Dense', 25120],
      ['logits', 'Dense', 330],
    ]);
    expect(text).toMatch(/conv2\s+Conv2D\s+\[14,14,16\]\s+1,168\s+yes: CONV_2D/);
    expect(text).toMatch(/^all 12 layers can be quantized/m);
  });
});
