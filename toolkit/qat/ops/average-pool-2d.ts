// Trainer spec for TFLite AVERAGE_POOL_2D: AveragePooling2D, GlobalAveragePooling2D as an average
// over the whole image (exported as AVERAGE_POOL_2D + RESHAPE, one kernel on every TFLite resolver,
// unlike MEAN), and the 1-D poolings on the [steps, 1, channels] view (see max-pool-2d.ts). The output keeps the input's scale and zero point; the average of int8
// values is rounded to an integer by TFLite, which the simulation reproduces by fake-quantizing the
// float average with the input's params.
import * as tf from '@tensorflow/tfjs-core';
import { poolSettings, runPool, type PoolSettings } from './max-pool-2d.js';
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
    return runPool(input, s, (x) => tf.avgPool(x, s.poolSize, s.strides, s.padding), (x, axes) => tf.mean(x, axes));
  },
};
