// PAD: ZeroPadding2D before a VALID convolution (padding 2 on every side: a 'same'-style border
// done by hand), and asymmetric padding ((0, 1), (1, 0)) after a strided conv, as for an even
// kernel's SAME alignment.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const border = () => {
  const x = input();
  let y = apply(tfl.layers.zeroPadding2d({ padding: 2, name: 'pad' }), x);
  y = apply(conv(4, 5, { strides: 2, activation: 'relu', name: 'conv' }), y);
  return model(x, head(y), 'pad_border');
};

const asymmetric = () => {
  const x = input();
  let y = apply(conv(4, 3, { strides: 2, activation: 'relu', name: 'conv' }), x);
  y = apply(tfl.layers.zeroPadding2d({ padding: [[0, 1], [1, 0]], name: 'pad' }), y);
  y = apply(conv(4, 2, { strides: 2, name: 'conv2' }), y);
  return model(x, head(y), 'pad_asymmetric');
};

export const PAD_CASES: OpCases = {
  builtin: 'PAD',
  cases: [
    { name: 'ZeroPadding2D(2) before a 5x5 VALID conv', build: border, ops: ['QUANTIZE', 'PAD', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'ZeroPadding2D((0,1),(1,0)) between convs', build: asymmetric, ops: ['QUANTIZE', 'CONV_2D', 'PAD', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
  ],
};
