// STRIDED_SLICE: Cropping2D of the MNIST border (4 pixels each side, the digit's box), an
// asymmetric crop ((1, 2), (3, 0)) after a conv, and Cropping1D (2, 1) of a conv's rows as a
// sequence of 13 steps.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, input, model } from './layers.js';
import type { OpCases } from './op-case.js';
import { Cropping1D } from '../../toolkit/models/layers/cropping-1d.js';

const border = () => {
  const x = input();
  let y = apply(tfl.layers.cropping2D({ cropping: 4, name: 'crop' }), x);
  y = apply(conv(4, 3, { strides: 2, activation: 'relu', name: 'conv' }), y);
  return model(x, head(y), 'crop_border');
};

const asymmetric = () => {
  const x = input();
  let y = apply(conv(4, 3, { activation: 'relu', name: 'conv' }), x);
  y = apply(tfl.layers.cropping2D({ cropping: [[1, 2], [3, 0]], name: 'crop' }), y);
  y = apply(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }), y);
  return model(x, head(y), 'crop_asymmetric');
};

const sequence = () => {
  const x = input();
  let y = apply(conv(8, 3, { strides: 2, activation: 'relu', name: 'conv' }), x);
  y = apply(tfl.layers.reshape({ targetShape: [13, 104], name: 'steps' }), y);
  y = apply(new Cropping1D({ cropping: [2, 1], name: 'crop' }), y);
  return model(x, head(y), 'crop_1d');
};

export const STRIDED_SLICE_CASES: OpCases = {
  builtin: 'STRIDED_SLICE',
  cases: [
    { name: 'Cropping2D(4): the digit box, then a conv', build: border, ops: ['QUANTIZE', 'STRIDED_SLICE', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'Cropping2D((1,2),(3,0)) after a conv', build: asymmetric, ops: ['QUANTIZE', 'CONV_2D', 'STRIDED_SLICE', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'Cropping1D(2, 1) of 13 steps', build: sequence, ops: ['QUANTIZE', 'CONV_2D', 'RESHAPE', 'STRIDED_SLICE', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
  ],
};
