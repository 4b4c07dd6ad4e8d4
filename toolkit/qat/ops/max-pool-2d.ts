// Trainer spec for TFLite MAX_POOL_2D: MaxPooling2D; GlobalMaxPooling2D as a max over the whole
// image; and the 1-D poolings as 2-D ones over the [steps, 1, channels] view of their input (TFLite's
// converter pools 1-D inputs the same way, with an expand and a squeeze). Global max pooling is
// exported as MAX_POOL_2D over the image + RESHAPE, not as TF's REDUCE_MAX: the same values (a max is
// exact), through a kernel every engine edgeqat targets has. The output keeps the input's scale and
// zero point (TFLite's constraint); a max of fake-quantized values is on that grid already.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { layerConfig, paddingOf, pair, type OpSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export interface PoolSettings extends OpSettings {
  /** [h, w] of the 2-D window; [steps, 1] for a 1-D pooling. */
  poolSize: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
  /** Global pooling: the window is the whole image (or sequence), the output [batch, channels]. */
  global: boolean;
  /** A 1-D pooling: the input [steps, channels] pools as [steps, 1, channels]. */
  oneD: boolean;
}

export function poolSettings(layer: Layer): PoolSettings {
  const c = layerConfig(layer);
  const className = layer.getClassName();
  const oneD = className.endsWith('1D');
  if (className.startsWith('Global')) {
    return { activation: 'linear', poolSize: [0, 0], strides: [1, 1], padding: 'valid', global: true, oneD };
  }
  const padding = paddingOf(layer, c.padding ?? 'valid');
  if (oneD) {
    const [size] = pair(c.poolSize, [2, 2]);
    const [stride] = pair(c.strides, [size, size]);
    return { activation: 'linear', poolSize: [size, 1], strides: [stride, 1], padding, global: false, oneD };
  }
  const poolSize = pair(c.poolSize, [2, 2]);
  return { activation: 'linear', poolSize, strides: pair(c.strides, poolSize), padding, global: false, oneD };
}

/** A 2-D pooling `pool2d` run as `s` says: on the [steps, 1, C] view of a 1-D input, or global (`reduce`). */
export function runPool(
  input: tf.Tensor,
  s: PoolSettings,
  pool2d: (x: tf.Tensor4D) => tf.Tensor4D,
  reduce: (x: tf.Tensor, axes: number[]) => tf.Tensor,
): tf.Tensor {
  if (s.global) return reduce(input, s.oneD ? [1] : [1, 2]);
  if (!s.oneD) return pool2d(input as tf.Tensor4D);
  const [batch, steps, channels] = input.shape;
  const y = pool2d(tf.reshape(input, [batch, steps, 1, channels]));
  return tf.reshape(y, [batch, y.shape[1], channels]);
}

export const MAX_POOL_2D: TrainerOpSpec<PoolSettings> = {
  builtin: 'MAX_POOL_2D',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'input', requantize: false },
  fusesActivation: false,
  foldsBatchNorm: false,
  settings: poolSettings,
  call([input], _weights, _bias, s) {
    return runPool(input, s, (x) => tf.maxPool(x, s.poolSize, s.strides, s.padding), (x, axes) => tf.max(x, axes));
  },
};
