// Trainer spec for TFLite ADD: the residual connection. Two int8 inputs of any scales; the sum
// (after a fused RELU/RELU6 from a following ReLU layer) is observed and fake-quantized.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { applyFusedActivation, noSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export const ADD: TrainerOpSpec = {
  builtin: 'ADD',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'observed' },
  fusesActivation: true,
  foldsBatchNorm: false,
  settings: noSettings,
  checkInputShapes(layer: Layer, shapes) {
    if (shapes.length !== 2) {
      throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (Add) has ${shapes.length} inputs; TFLite ADD takes 2 (chain Add layers instead)`);
    }
  },
  call([a, b], _weights, _bias, settings) {
    return applyFusedActivation(settings.activation, tf.add(a, b));
  },
};
