// Trainer spec for TFLite FULLY_CONNECTED: a Dense layer, its kernel fake-quantized (symmetric int8,
// per-tensor by default, per output channel on request) and its activation fused.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { dense } from '../kernels/dense-kernel.js';
import { applyFusedActivation, type TrainerOpSpec } from './trainer-op-spec.js';

export const FULLY_CONNECTED: TrainerOpSpec = {
  builtin: 'FULLY_CONNECTED',
  layerClassNames: ['Dense'],
  // TF.js Dense kernel is [in, out]: output channels are on axis 1.
  quantizedWeights: [{ name: 'kernel', channelAxis: 1 }],
  defaultPerChannel: false,
  settings(layer: Layer) {
    return { activation: String(layer.getConfig().activation ?? 'linear') };
  },
  call(input, weights, bias, settings) {
    const flat = input.rank > 2 ? tf.reshape(input, [-1, input.shape[input.rank - 1]]) : input;
    const activation = settings.activation;
    if (activation !== 'linear' && activation !== 'relu' && activation !== 'relu6') return applyFusedActivation(activation, flat);
    return dense(flat, weights.kernel, bias, activation);
  },
};
