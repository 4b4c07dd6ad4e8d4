// Trainer spec for TFLite PAD: ZeroPadding2D. Zeros are exactly representable (the zero point), so
// the output keeps the input's scale and zero point and nothing is re-quantized; TFLite's int8 PAD
// fills with the output's zero point (lite/kernels/pad.cc EvalInt).
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { layerConfig, type OpSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export interface PadSettings extends OpSettings {
  /** [before, after] for every axis after the batch: [[top, bottom], [left, right], [0, 0]]. */
  paddings: [number, number][];
}

/** [[a, b], [c, d]] from a TF.js padding/cropping config (a number, [h, w], or the pairs). */
export function spatialPairs(value: unknown, fallback: number): [number, number][] {
  if (value === undefined || value === null) return [[fallback, fallback], [fallback, fallback]];
  if (typeof value === 'number') return [[value, value], [value, value]];
  const v = value as (number | number[])[];
  return v.map((p) => (typeof p === 'number' ? [p, p] : [p[0], p[1]])) as [number, number][];
}

export const PAD: TrainerOpSpec<PadSettings> = {
  builtin: 'PAD',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'input', requantize: false },
  fusesActivation: false,
  foldsBatchNorm: false,
  settings(layer: Layer): PadSettings {
    return { activation: 'linear', paddings: [...spatialPairs(layerConfig(layer).padding, 1), [0, 0]] };
  },
  call([input], _weights, _bias, { paddings }) {
    return tf.pad(input, [[0, 0], ...paddings]);
  },
};
