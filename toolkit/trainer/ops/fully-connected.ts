// Trainer spec for TFLite FULLY_CONNECTED: a Dense layer, its kernel fake-quantized (symmetric int8,
// per-tensor by default, per output channel on request) and its activation fused.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { applyFusedActivation, type TrainerOpSpec } from './trainer-op-spec.js';

export const FULLY_CONNECTED: TrainerOpSpec = {
  builtin: 'FULLY_CONNECTED',
  layerClassNames: ['Dense'],
  // TF.js Dense kernel is [in, out]: output channels are on axis 1.
  quantizedWeights: [{ name: 'kernel', channelAxis: 1 }],
  defaultPerChannel: false,
  call(layer: Layer, input: tf.Tensor, weights: Record<string, tf.Tensor>, bias: tf.Tensor | null): tf.Tensor {
    const config = layer.getConfig();
    const flat = input.rank > 2 ? tf.reshape(input, [-1, input.shape[input.rank - 1]]) : input;
    const z = tf.matMul(flat, weights.kernel);
    return applyFusedActivation(String(config.activation ?? 'linear'), bias ? tf.add(z, bias) : z);
  },
};
