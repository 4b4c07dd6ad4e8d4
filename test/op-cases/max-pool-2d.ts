// MAX_POOL_2D: 2x2 VALID and 3x3 SAME stride 2 (output keeps the input's params), after a conv
// whose Activation('relu6') layer is fused into it.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const pools = () => {
  const x = input();
  let y = apply(conv(4, 3, { padding: 'same', name: 'conv' }), x);
  y = apply(tfl.layers.activation({ activation: 'relu6', name: 'act' }), y);
  y = apply(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool_valid' }), y);
  y = apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool_same' }), y);
  return model(x, head(y), 'max_pool');
};

export const MAX_POOL_2D_CASES: OpCases = {
  builtin: 'MAX_POOL_2D',
  cases: [{ name: "2x2 VALID, then 3x3 SAME stride 2, after conv + Activation('relu6') (fused)", build: pools, ops: ['QUANTIZE', 'CONV_2D', 'MAX_POOL_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] }],
};
