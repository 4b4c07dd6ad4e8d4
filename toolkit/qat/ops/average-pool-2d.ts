// Trainer spec for TFLite AVERAGE_POOL_2D: AveragePooling2D, GlobalAveragePooling2D as an average
// over the whole image (exported as AVERAGE_POOL_2D + RESHAPE, one kernel on every TFLite resolver,
// unlike MEAN), and the 1-D poolings on the [steps, 1, channels] view (see max-pool-2d.ts). The
// output keeps the input's scale and zero point. TFLite's int8 kernel sums the raw int8 values
// (zero point included) of the window's in-image cells and divides by their count rounding half
// away from zero (reference/integer_ops/pooling.h AveragePool; the WebAssembly engines run
// optimized_ops/integer_ops/pooling.h AveragePool16, which rounds the same, since their XNNPACK
// delegate takes AVERAGE_POOL_2D in float32 only: xnnpack_delegate.cc VisitAveragePool2DNode).
// Fake-quantizing the float average would round (average - zero point) instead: another integer at
// every tie whose two sides have opposite signs (all ties below 0.0 of a ReLU'd input, whose zero
// point is -128: about a fifth of a 2x2 pool's outputs) and wherever float error moves a tie. So
// quantizeOutput computes the kernel's integers from the input's.
import * as tf from '@tensorflow/tfjs-core';
import { INT8_ACTIVATION } from '../quant/quant-params.js';
import { poolSettings, runPool, type PoolSettings } from './max-pool-2d.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

/** Window sums over the in-image cells (zero padding), exact for integer values below 2^24. */
function sumPool(x: tf.Tensor, s: PoolSettings): tf.Tensor {
  const window = (x4: tf.Tensor4D) => tf.depthwiseConv2d(x4, tf.ones([s.poolSize[0], s.poolSize[1], x4.shape[3], 1]) as tf.Tensor4D, s.strides, s.padding);
  return runPool(x, s, window, (v, axes) => tf.sum(v, axes));
}

/** TFLite's int8 average of raw values `q`: sign(sum) * ((|sum| + floor(n/2)) div n) over the n in-image cells. */
export function int8Average(q: tf.Tensor, s: PoolSettings): tf.Tensor {
  return tf.tidy(() => {
    const sum = sumPool(q, s);
    const count = sumPool(tf.ones([1, ...q.shape.slice(1, -1), 1]), s);
    const rounded = tf.floor(tf.div(tf.add(tf.abs(sum), tf.floor(tf.div(count, 2))), count));
    return tf.mul(tf.sign(sum), rounded);
  });
}

export const AVERAGE_POOL_2D: TrainerOpSpec<PoolSettings> = {
  builtin: 'AVERAGE_POOL_2D',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'input', requantize: true },
  fusesActivation: false,
  foldsBatchNorm: false,
  settings: poolSettings,
  call([input], _weights, _bias, s) {
    return runPool(input, s, (x) => tf.avgPool(x, s.poolSize, s.strides, s.padding), (x, axes) => tf.mean(x, axes));
  },
  quantizeOutput(y, [input], p, s) {
    const { qmin, qmax } = INT8_ACTIVATION;
    // Straight-through: the value is the kernel's, the gradient passes to the float average whole
    // (an average of int8 values is never clamped).
    const ste = tf.customGrad((_y) => ({
      value: tf.tidy(() => {
        // The int8 input the kernel reads (on the grid already when the producer is fake-quantized).
        const q = tf.clipByValue(tf.add(tf.round(tf.div(input, p.scale)), p.zeroPoint), qmin, qmax);
        return tf.mul(tf.sub(tf.clipByValue(int8Average(q, s), qmin, qmax), p.zeroPoint), p.scale);
      }),
      gradFunc: (dy: tf.Tensor) => tf.clone(dy),
    }));
    return ste(y) as tf.Tensor;
  },
};
