// Cropping1D, the Keras layer TF.js lacks (toolkit/models/layers/cropping-1d.ts): the crop itself,
// and a model.json holding one saves, loads through loadModelFile (registry check included) and
// computes the same outputs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../toolkit/engine/backend.js';
import { loadModelFile, saveModelFile } from '../toolkit/models/file-io.js';
import { Cropping1D } from '../toolkit/models/layers/cropping-1d.js';

const dir = mkdtempSync(join(tmpdir(), 'edgeqat-cropping1d-'));
beforeAll(async () => {
  await initBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Cropping1D', () => {
  it('removes the given steps from each end of a [batch, steps, channels] sequence', () => {
    const x = tf.tensor3d([[[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]]);
    const y = new Cropping1D({ cropping: [1, 2] }).apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 2, 2]);
    expect(Array.from(y.dataSync())).toEqual([2, 20, 3, 30]);
  });

  it('survives model.json: save, loadModelFile, same outputs', async () => {
    const input = tfl.input({ shape: [6, 3] });
    const cropped = new Cropping1D({ cropping: 2, name: 'crop' }).apply(input) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }), name: 'd' }).apply(tfl.layers.flatten().apply(cropped) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    await saveModelFile(model, dir);
    const loaded = await loadModelFile(dir);
    expect(loaded.getLayer('crop').getClassName()).toBe('Cropping1D');
    const x = tf.randomUniform([2, 6, 3], -1, 1, 'float32', 3);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
});
