// Mean softmax cross-entropy of logits against one-hot labels as one kernel (and one for its
// gradient, (softmax - labels) / batch) on the cpu and wasm backends; TF.js's composite loss is
// ~20 kernels per step. Other backends use tf.losses.softmaxCrossEntropy (same value).
import * as tf from '@tensorflow/tfjs-core';
import { readF32, writableF32 } from './backend-data.js';

export const SOFTMAX_XENT = 'EdgeqatSoftmaxCrossEntropy';
export const SOFTMAX_XENT_GRAD = 'EdgeqatSoftmaxCrossEntropyGrad';

/** Row softmax into `out` (if given) and the mean loss. */
function softmaxXent(logits: Float32Array, labels: Float32Array, rows: number, cols: number, out?: Float32Array): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits[o + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(logits[o + c] - max);
    const logSum = Math.log(sum) + max;
    for (let c = 0; c < cols; c++) {
      loss -= labels[o + c] * (logits[o + c] - logSum);
      if (out) out[o + c] = Math.exp(logits[o + c] - logSum);
    }
  }
  return loss / rows;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['cpu', 'wasm']) {
    tf.registerKernel({
      kernelName: SOFTMAX_XENT,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { logits, labels } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
        const [rows, cols] = logits.shape;
        const out = writableF32(backend, []);
        const loss = softmaxXent(readF32(backend, logits), readF32(backend, labels), rows, cols);
        out.values()[0] = loss;
        return out.info;
      },
    });
    tf.registerKernel({
      kernelName: SOFTMAX_XENT_GRAD,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const { logits, labels, dy } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo; dy: tf.TensorInfo };
        const [rows, cols] = logits.shape;
        const out = writableF32(backend, logits.shape);
        const dx = out.values();
        softmaxXent(readF32(backend, logits), readF32(backend, labels), rows, cols, dx);
        const y = readF32(backend, labels);
        const scale = readF32(backend, dy)[0] / rows;
        for (let i = 0; i < dx.length; i++) dx[i] = (dx[i] - y[i]) * scale;
        return out.info;
      },
    });
  }
  tf.registerGradient({
    kernelName: SOFTMAX_XENT,
    inputsToSave: ['logits', 'labels'],
    gradFunc: (dy, saved) => {
      const [logits, labels] = saved;
      return {
        logits: () => tf.engine().runKernel(SOFTMAX_XENT_GRAD, { logits, labels, dy: dy as tf.Tensor }) as tf.Tensor,
        labels: () => tf.zerosLike(labels),
      };
    },
  });
}

/** Mean softmax cross-entropy of [batch, classes] logits against one-hot labels. */
export function softmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  register();
  if (tf.getKernel(SOFTMAX_XENT, tf.getBackend())) {
    return tf.engine().runKernel(SOFTMAX_XENT, { logits, labels }) as tf.Scalar;
  }
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}
