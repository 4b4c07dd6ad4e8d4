// Trainer spec for TFLite SOFTMAX, as the model's last layer (a Softmax layer, an Activation
// 'softmax', or a Dense's softmax activation split off by prepare). Its int8 output has the fixed
// params the TFLite spec requires (scale 1/256, zero point -128). In training it passes the logits
// through: the trainer's loss is softmax cross-entropy on logits, which applies the softmax itself.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

/** TFLite's int8 softmax output params (enforced by its kernel: zp -128, scale 1/256). */
export const SOFTMAX_OUTPUT = { scale: 1 / 256, zeroPoint: -128 } as const;

export const SOFTMAX: TrainerOpSpec = {
  builtin: 'SOFTMAX',
  layerClassNames: ['Softmax', 'Activation'],
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'fixed', params: SOFTMAX_OUTPUT },
  fusesActivation: false,
  foldsBatchNorm: false,
  identityInTraining: true,
  settings() {
    return { activation: 'linear' };
  },
  checkInputShapes(layer: Layer, shapes) {
    const rank = shapes[0].length;
    const axis = layer.getClassName() === 'Softmax' ? Number(layer.getConfig().axis ?? -1) : -1;
    if (rank !== 2 || (axis !== -1 && axis !== rank - 1)) {
      throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (${layer.getClassName()}): softmax is supported over the last axis of a [batch, classes] input only`);
    }
  },
  call([input]) {
    return tf.softmax(input);
  },
};
