// ADD: a residual connection (two branches of different scales) with a ReLU layer fused into it.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const residual = () => {
  const x = input();
  const a = apply(conv(4, 3, { strides: 2, activation: 'relu', name: 'conv_a' }), x);
  const b = apply(conv(4, 1, { name: 'conv_b' }), a);
  let y = apply(tfl.layers.add({ name: 'add' }), [a, b]);
  y = apply(tfl.layers.reLU({ name: 'relu' }), y);
  return model(x, head(y), 'residual');
};

export const ADD_CASES: OpCases = {
  builtin: 'ADD',
  cases: [{ name: 'residual Add + ReLU layer (fused)', build: residual, ops: ['QUANTIZE', 'CONV_2D', 'CONV_2D', 'ADD', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] }],
};
