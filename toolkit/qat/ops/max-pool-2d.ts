// Trainer spec for TFLite MAX_POOL_2D: the output keeps the input's scale and zero point (TFLite's
// constraint); a max of fake-quantized values is already on that grid, so nothing is re-quantized.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { layerConfig, paddingOf, pair, type OpSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export interface PoolSettings extends OpSettings {
  poolSize: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
  /** GlobalAveragePooling2D: the window is the whole image, the output [batch, channels]. */
  global: boolean;
}

export function poolSettings(layer: Layer): PoolSettings {
  const c = layerConfig(layer);
  if (layer.getClassName().startsWith('Global')) {
    return { activation: 'linear', poolSize: [0, 0], strides: [1, 1], padding: 'valid', global: true };
  }
  const poolSize = pair(c.poolSize, [2, 2]);
  return { activation: 'linear', poolSize, strides: pair(c.strides, poolSize), padding: paddingOf(layer, c.padding ?? 'valid'), global: false };
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
    return tf.maxPool(input as tf.Tensor4D, s.poolSize, s.strides, s.padding);
  },
};
