// Trainer spec for TFLite MUL: a Multiply layer of two inputs (a gate, a feature scaling). Two int8
// inputs of any scales; the product (after a fused RELU/RELU6 from a following ReLU layer) is
// observed and fake-quantized.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { applyFusedActivation, noSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export const MUL: TrainerOpSpec = {
  builtin: 'MUL',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'observed' },
  fusesActivation: true,
  foldsBatchNorm: false,
  settings: noSettings,
  checkInputShapes(layer: Layer, shapes) {
    if (shapes.length !== 2) {
      throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (Multiply) has ${shapes.length} inputs; TFLite MUL takes 2 (chain Multiply layers instead)`);
    }
  },
  call([a, b], _weights, _bias, settings) {
    return applyFusedActivation(settings.activation, tf.mul(a, b));
  },
};
