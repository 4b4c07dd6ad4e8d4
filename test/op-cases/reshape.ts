// RESHAPE: Reshape to a 3-D target and Flatten (a const int32 shape input [-1, ...]).
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const reshape = () => {
  const x = input();
  let y = apply(conv(4, 4, { strides: 4, activation: 'relu', name: 'conv' }), x); // 7x7x4
  y = apply(tfl.layers.reshape({ targetShape: [14, 14, 1], name: 'reshape' }), y);
  y = apply(conv(2, 3, { strides: 2, name: 'conv2' }), y);
  return model(x, head(y), 'reshape');
};

export const RESHAPE_CASES: OpCases = {
  builtin: 'RESHAPE',
  cases: [{ name: 'Reshape [7,7,4] -> [14,14,1], then Flatten', build: reshape, ops: ['QUANTIZE', 'CONV_2D', 'RESHAPE', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] }],
};
