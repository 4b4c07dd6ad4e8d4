// Trainer spec for TFLite LEAKY_RELU: a LeakyReLU layer (alpha ≥ 0). TFLite has no fused leaky ReLU,
// so it is an op of its own whose int8 output range is observed like any other (it differs from the
// input's: the negative side shrinks by alpha).
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { layerConfig, type OpSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export interface LeakyReluSettings extends OpSettings {
  /** The slope below zero, as float32 (TFLite stores it so). */
  alpha: number;
}

export const LEAKY_RELU: TrainerOpSpec<LeakyReluSettings> = {
  builtin: 'LEAKY_RELU',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'observed' },
  fusesActivation: false,
  foldsBatchNorm: false,
  settings(layer: Layer): LeakyReluSettings {
    const alpha = Math.fround(Number(layerConfig(layer).alpha ?? 0.3));
    if (!(alpha >= 0)) throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (LeakyReLU): alpha ${alpha} is not supported (≥ 0)`);
    return { activation: 'linear', alpha };
  },
  call([input], _weights, _bias, { alpha }) {
    return tf.leakyRelu(input, alpha);
  },
};
