// MAX_POOL_2D: 2x2 VALID and 3x3 SAME stride 2 (output keeps the input's params), after a conv
// whose Activation('relu6') layer is fused into it; GlobalMaxPooling2D (MAX_POOL_2D over the image
// + RESHAPE); MaxPooling1D and GlobalMaxPooling1D over a conv's rows as a sequence of 13 steps.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, init, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const pools = () => {
  const x = input();
  let y = apply(conv(4, 3, { padding: 'same', name: 'conv' }), x);
  y = apply(tfl.layers.activation({ activation: 'relu6', name: 'act' }), y);
  y = apply(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool_valid' }), y);
  y = apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool_same' }), y);
  return model(x, head(y), 'max_pool');
};

const globalPool = () => {
  const x = input();
  const y = apply(conv(16, 3, { strides: 2, activation: 'relu', name: 'conv' }), x);
  const g = apply(tfl.layers.globalMaxPooling2d({ name: 'gmp' }), y);
  return model(x, apply(tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }), g), 'global_max_pool');
};

/** A conv's [13, 13, 8] output as a sequence of 13 steps × 104 features (a 1-D pooling's input). */
const sequence = (x: tfl.SymbolicTensor) => apply(tfl.layers.reshape({ targetShape: [13, 104], name: 'steps' }), apply(conv(8, 3, { strides: 2, activation: 'relu', name: 'conv' }), x));

const maxPool1d = () => {
  const x = input();
  const y = apply(tfl.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool1d' }), sequence(x));
  return model(x, head(y), 'max_pool_1d');
};

const globalMaxPool1d = () => {
  const x = input();
  const g = apply(tfl.layers.globalMaxPooling1d({ name: 'gmp1d' }), sequence(x));
  return model(x, apply(tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }), g), 'global_max_pool_1d');
};

export const MAX_POOL_2D_CASES: OpCases = {
  builtin: 'MAX_POOL_2D',
  cases: [
    { name: "2x2 VALID, then 3x3 SAME stride 2, after conv + Activation('relu6') (fused)", build: pools, ops: ['QUANTIZE', 'CONV_2D', 'MAX_POOL_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'GlobalMaxPooling2D (MAX_POOL_2D + RESHAPE)', build: globalPool, ops: ['QUANTIZE', 'CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'MaxPooling1D 3 SAME stride 2 (RESHAPE + MAX_POOL_2D + RESHAPE)', build: maxPool1d, ops: ['QUANTIZE', 'CONV_2D', 'RESHAPE', 'RESHAPE', 'MAX_POOL_2D', 'RESHAPE', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'GlobalMaxPooling1D (RESHAPE + MAX_POOL_2D + RESHAPE)', build: globalMaxPool1d, ops: ['QUANTIZE', 'CONV_2D', 'RESHAPE', 'RESHAPE', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
  ],
};
