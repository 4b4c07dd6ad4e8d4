// Trainer spec for TFLite STRIDED_SLICE: Cropping2D, and Cropping1D (models/layers/cropping-1d.ts),
// exported as TF's converter writes them (batch and channels taken whole through begin/end masks,
// the crop as constant begin and end). A copy: the output keeps the input's scale and zero point.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { spatialPairs } from './pad.js';
import { layerConfig, type OpSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export interface CropSettings extends OpSettings {
  /** [before, after] removed from every axis after the batch: [[top, bottom], [left, right], [0, 0]]. */
  crop: [number, number][];
}

export const STRIDED_SLICE: TrainerOpSpec<CropSettings> = {
  builtin: 'STRIDED_SLICE',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'input', requantize: false },
  fusesActivation: false,
  foldsBatchNorm: false,
  settings(layer: Layer): CropSettings {
    const cropping = layerConfig(layer).cropping;
    if (layer.getClassName() === 'Cropping1D') {
      const [start, end] = typeof cropping === 'number' ? [cropping, cropping] : (cropping as [number, number]);
      return { activation: 'linear', crop: [[start, end], [0, 0]] };
    }
    return { activation: 'linear', crop: [...spatialPairs(cropping, 0), [0, 0]] };
  },
  call([input], _weights, _bias, { crop }) {
    const size = input.shape.map((d, i) => (i === 0 ? -1 : d - crop[i - 1][0] - crop[i - 1][1]));
    return tf.slice(input, [0, ...crop.map(([before]) => before)], size);
  },
};
