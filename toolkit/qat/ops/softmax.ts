// Trainer spec for TFLite SOFTMAX, as the model's last layer (a Softmax layer, an Activation
// 'softmax', or a Dense's softmax activation split off by prepare), with the fixed output params of
// FIXED_RANGE_ACTIVATIONS. In training it passes the logits through (the loss applies it).
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { fixedRangeActivationOp, type TrainerOpSpec } from './trainer-op-spec.js';

export const SOFTMAX: TrainerOpSpec = {
  ...fixedRangeActivationOp('SOFTMAX', (x) => tf.softmax(x)),
  checkInputShapes(layer: Layer, shapes) {
    const rank = shapes[0].length;
    const axis = layer.getClassName() === 'Softmax' ? Number(layer.getConfig().axis ?? -1) : -1;
    if (rank !== 2 || (axis !== -1 && axis !== rank - 1)) {
      throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (${layer.getClassName()}): softmax is supported over the last axis of a [batch, classes] input only`);
    }
  },
};
