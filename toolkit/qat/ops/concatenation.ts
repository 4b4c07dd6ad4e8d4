// Trainer spec for TFLite CONCATENATION. TFLite requires every input at the output's exact scale
// and zero point, so the converter requantizes the inputs that differ (int8 -> int8 QUANTIZE); the
// simulation does the same rounding by fake-quantizing the concatenation with its own observer.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { layerConfig, type OpSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export interface ConcatSettings extends OpSettings {
  /** Axis as configured (may be negative); the converter resolves it against the rank. */
  axis: number;
}

export const CONCATENATION: TrainerOpSpec<ConcatSettings> = {
  builtin: 'CONCATENATION',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'observed' },
  // TFLite's kernel rejects a fused activation on quantized concatenation.
  fusesActivation: false,
  foldsBatchNorm: false,
  settings(layer: Layer): ConcatSettings {
    return { activation: 'linear', axis: Number(layerConfig(layer).axis ?? -1) };
  },
  checkInputShapes(layer: Layer, shapes) {
    const rank = shapes[0].length;
    const axis = Number(layer.getConfig().axis ?? -1);
    if ((axis < 0 ? axis + rank : axis) === 0) {
      throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (Concatenate): concatenating along the batch axis is not supported`);
    }
  },
  call(inputs, _weights, _bias, settings) {
    return tf.concat(inputs, settings.axis);
  },
};
