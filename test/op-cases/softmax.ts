// SOFTMAX as the last layer: a Dense's softmax activation (split off) and a Softmax layer.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, init, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const denseSoftmax = () => {
  const x = input();
  const y = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  return model(x, apply(tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(), name: 'probs' }), y), 'dense_softmax');
};

const softmaxLayer = () => {
  const x = input();
  let y = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  y = apply(tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }), y);
  return model(x, apply(tfl.layers.softmax({ name: 'softmax' }), y), 'softmax_layer');
};

const OPS = ['QUANTIZE', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX', 'DEQUANTIZE'];

export const SOFTMAX_CASES: OpCases = {
  builtin: 'SOFTMAX',
  cases: [
    { name: "Dense(activation 'softmax') split into FULLY_CONNECTED + SOFTMAX", build: denseSoftmax, ops: OPS },
    { name: 'Softmax layer', build: softmaxLayer, ops: OPS },
  ],
};
