// TANH: a Dense's tanh activation (split off into its own op) and an Activation('tanh') layer after
// a convolution.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, init, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const denseTanh = () => {
  const x = input();
  let y = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  y = apply(tfl.layers.dense({ units: 32, activation: 'tanh', kernelInitializer: init(), name: 'hidden' }), y);
  return model(x, apply(tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }), y), 'dense_tanh');
};

const convTanh = () => {
  const x = input();
  let y = apply(conv(4, 3, { strides: 2, name: 'conv' }), x);
  y = apply(tfl.layers.activation({ activation: 'tanh', name: 'tanh' }), y);
  return model(x, head(y), 'conv_tanh');
};

export const TANH_CASES: OpCases = {
  builtin: 'TANH',
  cases: [
    { name: "Dense(activation 'tanh') split into FULLY_CONNECTED + TANH", build: denseTanh, ops: ['QUANTIZE', 'RESHAPE', 'FULLY_CONNECTED', 'TANH', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: "Activation('tanh') layer after a conv", build: convTanh, ops: ['QUANTIZE', 'CONV_2D', 'TANH', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
  ],
};
