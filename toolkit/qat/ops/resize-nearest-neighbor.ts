// Trainer spec for TFLite RESIZE_NEAREST_NEIGHBOR: UpSampling2D (interpolation 'nearest', the
// default): every output pixel copies an input pixel (./resize.ts), so the output keeps the input's
// scale and zero point and needs no requantization.
import { resize, resizeSettings, type ResizeSettings } from './resize.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

export const RESIZE_NEAREST_NEIGHBOR: TrainerOpSpec<ResizeSettings> = {
  builtin: 'RESIZE_NEAREST_NEIGHBOR',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'input', requantize: false },
  fusesActivation: false,
  foldsBatchNorm: false,
  settings: resizeSettings,
  call: ([input], _weights, _bias, s) => resize(input, s, 'nearest'),
};
