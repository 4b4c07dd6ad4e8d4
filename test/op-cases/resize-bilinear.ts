// RESIZE_BILINEAR: UpSampling2D(interpolation 'bilinear') ×(2, 3) after a strided conv (non-square
// factors; the ×2 of a decoder runs in test/conv-models.test.ts's unet-tiny).
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

export const upsampled = (interpolation: 'nearest' | 'bilinear', size: [number, number]) => () => {
  const x = input();
  const down = apply(conv(4, 3, { strides: 2, activation: 'relu', name: 'down' }), x); // 13x13
  const up = apply(tfl.layers.upSampling2d({ size, interpolation, name: 'up' }), down);
  return model(x, head(apply(tfl.layers.maxPooling2d({ poolSize: 3, name: 'pool' }), up)), `upsampling_${interpolation}`);
};

export const RESIZE_OPS = (op: string) => ['QUANTIZE', 'CONV_2D', op, 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'];

export const RESIZE_BILINEAR_CASES: OpCases = {
  builtin: 'RESIZE_BILINEAR',
  cases: [
    { name: 'UpSampling2D bilinear x(2,3)', build: upsampled('bilinear', [2, 3]), ops: RESIZE_OPS('RESIZE_BILINEAR') },
  ],
};
