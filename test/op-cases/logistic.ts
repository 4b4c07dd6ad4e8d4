// LOGISTIC: a Conv2D's sigmoid activation (split off into its own op) and an
// Activation('sigmoid') layer between two Dense layers.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, head, init, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const convSigmoid = () => {
  const x = input();
  const y = apply(tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'sigmoid', kernelInitializer: init(), name: 'conv' }), x);
  return model(x, head(y), 'conv_sigmoid');
};

const denseSigmoidLayer = () => {
  const x = input();
  let y = apply(tfl.layers.flatten({ name: 'flatten' }), x);
  y = apply(tfl.layers.dense({ units: 32, kernelInitializer: init(), name: 'hidden' }), y);
  y = apply(tfl.layers.activation({ activation: 'sigmoid', name: 'sigmoid' }), y);
  return model(x, apply(tfl.layers.dense({ units: 10, kernelInitializer: init(), name: 'logits' }), y), 'dense_sigmoid');
};

export const LOGISTIC_CASES: OpCases = {
  builtin: 'LOGISTIC',
  cases: [
    { name: "Conv2D(activation 'sigmoid') split into CONV_2D + LOGISTIC", build: convSigmoid, ops: ['QUANTIZE', 'CONV_2D', 'LOGISTIC', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: "Activation('sigmoid') layer between two Dense", build: denseSigmoidLayer, ops: ['QUANTIZE', 'RESHAPE', 'FULLY_CONNECTED', 'LOGISTIC', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
  ],
};
