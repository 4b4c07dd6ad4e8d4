// MUL: a gate (conv features times the sigmoid of another conv), and the product of two branches
// with a ReLU layer fused into it.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const gate = () => {
  const x = input();
  const features = apply(conv(4, 3, { strides: 2, activation: 'relu', name: 'features' }), x);
  const g = apply(conv(4, 3, { strides: 2, name: 'gate_logits' }), x);
  const sigmoid = apply(tfl.layers.activation({ activation: 'sigmoid', name: 'gate' }), g);
  return model(x, head(apply(tfl.layers.multiply({ name: 'mul' }), [features, sigmoid])), 'mul_gate');
};

const productRelu = () => {
  const x = input();
  const a = apply(conv(3, 3, { strides: 2, name: 'conv_a' }), x);
  const b = apply(conv(3, 3, { strides: 2, name: 'conv_b' }), x);
  const y = apply(tfl.layers.reLU({ name: 'relu' }), apply(tfl.layers.multiply({ name: 'mul' }), [a, b]));
  return model(x, head(y), 'mul_relu');
};

export const MUL_CASES: OpCases = {
  builtin: 'MUL',
  cases: [
    { name: 'gate: conv features × sigmoid(conv)', build: gate, ops: ['QUANTIZE', 'CONV_2D', 'CONV_2D', 'LOGISTIC', 'MUL', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'product of two convs + ReLU layer (fused)', build: productRelu, ops: ['QUANTIZE', 'CONV_2D', 'CONV_2D', 'MUL', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
  ],
};
