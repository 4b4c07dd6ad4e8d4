// Trainer spec for TFLite AVERAGE_POOL_2D: AveragePooling2D, and GlobalAveragePooling2D as an
// average over the whole image (exported as AVERAGE_POOL_2D + RESHAPE, one kernel on every TFLite
// resolver, unlike MEAN). The output keeps the input's scale and zero point; the average of int8
// values is rounded to an integer by TFLite, which the simulation reproduces by fake-quantizing the
// float average with the input's params.
import * as tf from '@tensorflow/tfjs-core';
import { poolSettings, type PoolSettings } from './max-pool-2d.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

export const AVERAGE_POOL_2D: TrainerOpSpec<PoolSettings> = {
  builtin: 'AVERAGE_POOL_2D',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'input', requantize: true },
  fusesActivation: false,
  foldsBatchNorm: false,
  settings: poolSettings,
  call([input], _weights, _bias, s) {
    if (s.global) return tf.mean(input, [1, 2]);
    return tf.avgPool(input as tf.Tensor4D, s.poolSize, s.strides, s.padding);
  },
};
