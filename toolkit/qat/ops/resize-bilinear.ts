// Trainer spec for TFLite RESIZE_BILINEAR: UpSampling2D(interpolation 'bilinear') with Keras's
// half-pixel coordinates (./resize.ts). The output keeps the input's scale and zero point (the
// converter's choice; TFLite's int8 kernel interpolates raw values and rounds them to that grid),
// which the simulation reproduces by fake-quantizing the interpolated floats with the input's params.
import { resize, resizeSettings, type ResizeSettings } from './resize.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

export const RESIZE_BILINEAR: TrainerOpSpec<ResizeSettings> = {
  builtin: 'RESIZE_BILINEAR',
  quantizedWeights: [],
  defaultPerChannel: false,
  output: { kind: 'input', requantize: true },
  fusesActivation: false,
  foldsBatchNorm: false,
  settings: resizeSettings,
  call: ([input], _weights, _bias, s) => resize(input, s, 'bilinear'),
};
