// AVERAGE_POOL_2D: 3x3 SAME stride 2 (padding cells not counted), GlobalAveragePooling2D as
// AVERAGE_POOL_2D over the whole image + RESHAPE, and AveragePooling1D (SAME, stride 2) and
// GlobalAveragePooling1D over a conv's rows as a sequence of 13 steps.
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

/** A conv's [13, 13, 8] output as a sequence of 13 steps × 104 features (a 1-D pooling's input). */
const sequence = (x: tfl.SymbolicTensor) => apply(tfl.layers.reshape({ targetShape: [13, 104], name: 'steps' }), apply(conv(8, 3, { strides: 2, activation: 'relu', name: 'conv' }), x));

const avgPool1d = () => {
  const x = input();
  const y = apply(tfl.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool1d' }), sequence(x));
  return model(x, head(y), 'avg_pool_1d');
};

const globalAvgPool1d = () => {
  const x = input();
  const g = apply(tfl.layers.globalAveragePooling1d({ name: 'gap1d' }), sequence(x));
  return model(x, apply(tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }), g), 'global_avg_pool_1d');
};

export const AVERAGE_POOL_2D_CASES: OpCases = {
  builtin: 'AVERAGE_POOL_2D',
  cases: [
    { name: '3x3 SAME stride 2', build: avgPool, ops: ['QUANTIZE', 'CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'GlobalAveragePooling2D (AVERAGE_POOL_2D + RESHAPE)', build: globalPool, ops: ['QUANTIZE', 'CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'AveragePooling1D 3 SAME stride 2 (RESHAPE + AVERAGE_POOL_2D + RESHAPE)', build: avgPool1d, ops: ['QUANTIZE', 'CONV_2D', 'RESHAPE', 'RESHAPE', 'AVERAGE_POOL_2D', 'RESHAPE', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'GlobalAveragePooling1D (RESHAPE + AVERAGE_POOL_2D + RESHAPE)', build: globalAvgPool1d, ops: ['QUANTIZE', 'CONV_2D', 'RESHAPE', 'RESHAPE', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
  ],
};
