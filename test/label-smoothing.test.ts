// Label smoothing in the training loop: with ε the model is trained towards (1 − ε)·one-hot +
// ε/classes, so on the images it has fitted its probability for the true class settles near
// 1 − ε + ε/classes instead of 1 (real MNIST, the MLP, 400 steps on 1,000 images).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { buildMlp } from '../toolkit/models/mlp.js';
import { trainModel } from '../toolkit/engine/train.js';

const COUNT = 1000;

/** Mean softmax probability of the true class over the training images, after training with ε. */
async function trueClassProbability(labelSmoothing: number): Promise<number> {
  const data = loadDataset('mnist', { split: 'train' }).train!;
  const model = buildMlp(0, 784, 10);
  await trainModel(
    model,
    { inputs: data.inputs, labels: data.labels, count: COUNT, featureSize: 784 },
    { epochs: 8, batchSize: 20, lr: 3e-3, lrSchedule: 'constant', seed: 0, numClasses: 10, labelSmoothing },
  );
  const p = tf.tidy(() => tf.softmax(model.predict(tf.tensor2d(data.inputs.subarray(0, COUNT * 784), [COUNT, 784])) as tf.Tensor2D).dataSync());
  model.dispose();
  let sum = 0;
  for (let i = 0; i < COUNT; i++) sum += p[i * 10 + data.labels[i]];
  return sum / COUNT;
}

describe('trainModel with label smoothing', () => {
  it('settles the true class near 1 − ε + ε/10 (0.82 for ε 0.2), where one-hot targets go towards 1', async () => {
    await initBackend('wasm');
    const plain = await trueClassProbability(0);
    const smoothed = await trueClassProbability(0.2);
    expect(plain).toBeGreaterThan(0.93); // measured 0.960 (smoothed: 0.808)
    expect(smoothed).toBeGreaterThan(0.76);
    expect(smoothed).toBeLessThan(0.86);
  });
});
