// The faster passes of a convolutional QAT step on the wasm backend (tiling MaxPoolGrad, the
// fake-quant gradient as comparisons, per-channel weight fake-quant in SIMD, and the earlier SIMD
// batch-norm fold and fake-quant passes) change no bit: the cnn trained a few steps on real MNIST
// images with them and with the plain loops gives the same losses and the same weights.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { setMaxPoolGradTiles } from '../toolkit/engine/kernels/wasm-backprop/max-pool-grad.js';
import { trainModel, type LossPoint } from '../toolkit/engine/train.js';
import { buildCnn } from '../toolkit/models/cnn.js';
import { setBatchNormFoldSimd } from '../toolkit/qat/kernels/batch-norm-fold-kernels.js';
import { setSimdEnabled } from '../toolkit/qat/kernels/fake-quant-math.js';
import { prepareQat } from '../toolkit/qat/prepare.js';

function fastPaths(on: boolean): void {
  setMaxPoolGradTiles(on);
  setSimdEnabled(on);
  setBatchNormFoldSimd(on);
}

afterEach(() => fastPaths(true));

async function train(on: boolean): Promise<{ losses: number[]; weights: Uint32Array[] }> {
  fastPaths(on);
  const ds = loadDataset('mnist', { split: 'train' });
  const model = prepareQat(buildCnn(0));
  const history: LossPoint[] = [];
  const data = { inputs: ds.train!.inputs, labels: ds.train!.labels, count: 192, featureSize: 784 };
  await trainModel(model, data, { epochs: 1, batchSize: 32, lr: 2e-3, seed: 0, numClasses: 10, progressEvery: 1 }, history);
  const weights = model.getWeights().map((w) => new Uint32Array((w.dataSync() as Float32Array).slice().buffer));
  model.dispose();
  return { losses: history.map((p) => p.loss), weights };
}

describe('cnn QAT steps on wasm: fast passes vs plain loops', () => {
  it('6 steps at batch 32 on MNIST: the same losses and weights, bit for bit', async () => {
    await initBackend('wasm');
    const fast = await train(true);
    const plain = await train(false);
    expect(fast.losses).toHaveLength(6);
    expect(fast.losses.every(Number.isFinite)).toBe(true);
    expect(fast.losses).toEqual(plain.losses);
    expect(fast.weights.length).toBe(plain.weights.length);
    fast.weights.forEach((w, i) => expect(w, `weight ${i}`).toEqual(plain.weights[i]));
    expect(tf.getBackend()).toBe('wasm');
  }, 120_000);
});
