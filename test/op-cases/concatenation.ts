// CONCATENATION: two branches with different params on the channel axis; the converter
// requantizes them to the output's params (int8 -> int8 QUANTIZE) first.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const concat = () => {
  const x = input();
  const a = apply(conv(3, 3, { strides: 2, activation: 'relu', name: 'conv_a' }), x);
  const b = apply(conv(2, 3, { strides: 2, name: 'conv_b' }), x);
  const y = apply(tfl.layers.concatenate({ name: 'concat' }), [a, b]);
  return model(x, head(y), 'concat');
};

export const CONCATENATION_CASES: OpCases = {
  builtin: 'CONCATENATION',
  cases: [
    {
      name: 'channels of a ReLU and a linear branch',
      build: concat,
      ops: ['QUANTIZE', 'CONV_2D', 'CONV_2D', 'QUANTIZE', 'QUANTIZE', 'CONCATENATION', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'],
    },
  ],
};
