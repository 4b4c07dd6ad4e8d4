// AVERAGE_POOL_2D: 3x3 SAME stride 2 (padding cells not counted), and GlobalAveragePooling2D as
// AVERAGE_POOL_2D over the whole image + RESHAPE.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, init, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const avgPool = () => {
  const x = input();
  let y = apply(conv(4, 3, { strides: 2, activation: 'relu', name: 'conv' }), x);
  y = apply(tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool' }), y);
  return model(x, head(y), 'avg_pool');
};

const globalPool = () => {
  const x = input();
  const y = apply(conv(16, 3, { strides: 2, name: 'conv' }), x);
  const g = apply(tfl.layers.globalAveragePooling2d({ name: 'gap' }), y);
  return model(x, apply(tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }), g), 'gap');
};

export const AVERAGE_POOL_2D_CASES: OpCases = {
  builtin: 'AVERAGE_POOL_2D',
  cases: [
    { name: '3x3 SAME stride 2', build: avgPool, ops: ['QUANTIZE', 'CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'GlobalAveragePooling2D (AVERAGE_POOL_2D + RESHAPE)', build: globalPool, ops: ['QUANTIZE', 'CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
  ],
};
