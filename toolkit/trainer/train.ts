// The training loop: seeded shuffling, mini-batches copied from one typed array (no per-batch
// tensor slicing of the whole data set), Adam, softmax cross-entropy, running loss for progress.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { softmaxCrossEntropy } from './kernels/softmax-cross-entropy-kernel.js';
import { JsAdam } from './optim/adam.js';
import { mulberry32, permutation } from './seeded-random.js';

export interface TrainData {
  /** count x featureSize values (may be longer: only the first `count` samples are used). */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  featureSize: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  numClasses: number;
  /** Called every `progressEvery` steps and at the end of each epoch. */
  onProgress?: (p: TrainProgress) => void;
  progressEvery?: number;
}

export interface TrainProgress {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** Mean loss over the steps since the previous report. */
  loss: number;
  elapsedMs: number;
}

export interface TrainResult {
  steps: number;
  seconds: number;
  /** Mean loss over the last progress window (single-batch losses are noisy). */
  finalLoss: number;
  history: { step: number; epoch: number; loss: number }[];
}

export function trainModel(model: tfl.LayersModel, data: TrainData, opts: TrainOptions): TrainResult {
  const { featureSize } = data;
  const { batchSize, numClasses } = opts;
  const stepsPerEpoch = Math.ceil(data.count / batchSize);
  const every = opts.progressEvery ?? 100;
  const optimizer = new JsAdam({ learningRate: opts.lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const random = mulberry32(opts.seed);
  const xBuf = new Float32Array(batchSize * featureSize);
  const yBuf = new Float32Array(batchSize * numClasses);
  const history: TrainResult['history'] = [];
  const start = performance.now();
  let step = 0;
  let windowLoss = 0;
  let windowSteps = 0;
  let lastLoss = NaN;

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const order = permutation(data.count, random);
    for (let s = 0; s < stepsPerEpoch; s++) {
      const n = Math.min(batchSize, data.count - s * batchSize);
      yBuf.fill(0);
      for (let i = 0; i < n; i++) {
        const k = order[s * batchSize + i];
        xBuf.set(data.images.subarray(k * featureSize, (k + 1) * featureSize), i * featureSize);
        yBuf[i * numClasses + data.labels[k]] = 1;
      }
      const loss: tf.Scalar = tf.tidy(() => {
        const x = tf.tensor2d(xBuf.subarray(0, n * featureSize), [n, featureSize]);
        const y = tf.tensor2d(yBuf.subarray(0, n * numClasses), [n, numClasses]);
        return optimizer.minimize(
          () => softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
          true,
          varList,
        ) as tf.Scalar;
      });
      lastLoss = loss.dataSync()[0];
      loss.dispose();
      step++;
      windowLoss += lastLoss;
      windowSteps++;
      const epochEnd = s === stepsPerEpoch - 1;
      if (step % every === 0 || epochEnd) {
        const mean = windowLoss / windowSteps;
        history.push({ step, epoch: epoch + 1, loss: mean });
        opts.onProgress?.({ epoch: epoch + 1, step: s + 1, stepsPerEpoch, loss: mean, elapsedMs: performance.now() - start });
        windowLoss = 0;
        windowSteps = 0;
      }
    }
  }
  optimizer.dispose();
  return { steps: step, seconds: (performance.now() - start) / 1000, finalLoss: history.at(-1)?.loss ?? lastLoss, history };
}

/** Predicted classes of a (fake-quant or float) model in inference mode, in data order. */
export function predictClasses(model: tfl.LayersModel, images: Float32Array, count: number, batch = 1000): Int32Array {
  const featureSize = images.length / count;
  const out = new Int32Array(count);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const pred = tf.tidy(() => {
      const x = tf.tensor2d(images.subarray(start * featureSize, (start + n) * featureSize), [n, featureSize]);
      return tf.argMax(model.apply(x, { training: false }) as tf.Tensor, -1);
    });
    out.set(pred.dataSync() as Int32Array, start);
    pred.dispose();
  }
  return out;
}
