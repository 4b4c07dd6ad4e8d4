// Trainer spec for TFLite FULLY_CONNECTED: a Dense layer, its kernel fake-quantized (symmetric int8,
// per-tensor by default, per output channel on request) and its activation fused.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { dense, type DenseActivation } from '../../engine/kernels/dense-kernel.js';
import type { FusedActivation } from '../quantize-registry.js';
import { fusedActivation, type TrainerOpSpec } from './trainer-op-spec.js';

/** The dense kernel's name for each fused activation. */
const DENSE_ACTIVATIONS: Record<FusedActivation, DenseActivation> = { NONE: 'linear', RELU: 'relu', RELU6: 'relu6' };

export const FULLY_CONNECTED: TrainerOpSpec = {
  builtin: 'FULLY_CONNECTED',
  // TF.js Dense kernel is [in, out]: output channels are on axis 1.
  quantizedWeights: [{ name: 'kernel', channelAxis: 1 }],
  defaultPerChannel: false,
  output: { kind: 'observed' },
  fusesActivation: true,
  foldsBatchNorm: false,
  settings(layer: Layer) {
    return { activation: String(layer.getConfig().activation ?? 'linear') };
  },
  checkInputShapes(layer: Layer, shapes) {
    // Keras applies Dense to the last axis of a rank > 2 input; TFLite's FULLY_CONNECTED flattens it.
    if (shapes[0].length !== 2) {
      throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (Dense) takes a rank-${shapes[0].length} input; put a Flatten before it (only [batch, features] inputs are supported)`);
    }
  },
  call([input], weights, bias, { activation }) {
    const fused = fusedActivation(activation);
    if (!fused) throw new EdgeqatError('E_UNSUPPORTED', `activation '${activation}' cannot be fused into FULLY_CONNECTED`);
    return dense(input, weights.kernel, bias, DENSE_ACTIVATIONS[fused]);
  },
};
