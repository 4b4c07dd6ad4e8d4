// LEAKY_RELU: after a convolution (alpha 0.2, as Keras examples use it) and between two Dense
// layers (the TF.js default alpha 0.3).
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, init, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const convLeaky = () => {
  const x = input();
  let y = apply(conv(4, 3, { strides: 2, name: 'conv' }), x);
  y = apply(tfl.layers.leakyReLU({ alpha: 0.2, name: 'leaky' }), y);
  return model(x, head(y), 'conv_leaky');
};

const denseLeaky = () => {
  const x = input();
  let y = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  y = apply(tfl.layers.dense({ units: 32, kernelInitializer: init(), name: 'hidden' }), y);
  y = apply(tfl.layers.leakyReLU({ name: 'leaky' }), y);
  return model(x, apply(tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }), y), 'dense_leaky');
};

export const LEAKY_RELU_CASES: OpCases = {
  builtin: 'LEAKY_RELU',
  cases: [
    { name: 'LeakyReLU(0.2) after a conv', build: convLeaky, ops: ['QUANTIZE', 'CONV_2D', 'LEAKY_RELU', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'LeakyReLU(0.3) between two Dense', build: denseLeaky, ops: ['QUANTIZE', 'RESHAPE', 'FULLY_CONNECTED', 'LEAKY_RELU', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
  ],
};
