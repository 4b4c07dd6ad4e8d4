// A fresh `cnn` (seed 0) trained with QAT at batch 32 on MNIST's first 8 training batches, one
// step per call, as the thread benches (threads-step.ts, wasm-threads-step.ts) time it.
import * as tf from '@tensorflow/tfjs-core';
import type { Split } from '../runtime/datasets/dataset.js';
import { softmaxCrossEntropy } from '../toolkit/engine/kernels/softmax-cross-entropy-kernel.js';
import { JsAdam } from '../toolkit/engine/optim/adam.js';
import { prepareQat } from '../toolkit/qat/prepare.js';
import { buildBenchModel } from './profile-step.js';

export const BATCH = 32;
const BATCHES = 8;
const PIXELS = 28 * 28;

/** `mnist`: MNIST's training split (loadDataset('mnist', { split: 'train' }).train). */
export function cnnQatSteps(mnist: Split) {
  const net = prepareQat(buildBenchModel('cnn'));
  const optimizer = new JsAdam({ learningRate: 1e-3 });
  const varList = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  /** Step k trains on batch k mod 8 and appends its loss to `losses`. */
  const step = (k: number) => {
    const j = k % BATCHES;
    const loss = tf.tidy(() => {
      const x = tf.tensor4d(mnist.inputs.subarray(j * BATCH * PIXELS, (j + 1) * BATCH * PIXELS), [BATCH, 28, 28, 1]);
      const y = tf.cast(tf.oneHot(tf.tensor1d(Array.from(mnist.labels.subarray(j * BATCH, (j + 1) * BATCH)), 'int32'), 10), 'float32');
      return optimizer.minimize(() => softmaxCrossEntropy(y, net.apply(x, { training: true }) as tf.Tensor), true, varList) as tf.Scalar;
    });
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  };
  return { net, optimizer, varList, losses, step };
}
