// Trainer spec for TFLite RESHAPE: Flatten and Reshape. Values and quantization params pass
// through unchanged (TFLite's RESHAPE copies bytes); NHWC flattening is (h, w, c) row-major in
// both TF.js and TFLite.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { layerConfig, type OpSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export interface ReshapeSettings extends OpSettings {
  /** Target shape without the batch dim; null for Flatten (one dim, the product of the input's). */
  targetShape: number[] | null;
}

export const RESHAPE: TrainerOpSpec<ReshapeSettings> = {
  builtin: 'RESHAPE',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'input', requantize: false },
  fusesActivation: false,
  foldsBatchNorm: false,
  settings(layer: Layer): ReshapeSettings {
    const c = layerConfig(layer);
    return { activation: 'linear', targetShape: layer.getClassName() === 'Reshape' ? (c.targetShape as number[]) : null };
  },
  call([input], _weights, _bias, { targetShape }) {
    return tf.reshape(input, targetShape ? [-1, ...targetShape] : [input.shape[0], -1]);
  },
};
