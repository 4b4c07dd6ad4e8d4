// CONV_2D: VALID stride 2 with its own ReLU; SAME stride 1 with BatchNormalization and a ReLU6
// layer folded/fused; per-tensor weights on request.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const valid = () => {
  const x = input();
  return model(x, head(apply(conv(4, 3, { strides: 2, activation: 'relu', name: 'conv' }), x)), 'conv_valid');
};

const sameBnRelu6 = () => {
  const x = input();
  let y = apply(conv(4, 3, { padding: 'same', useBias: false, name: 'conv' }), x);
  y = apply(tfl.layers.batchNormalization({ name: 'bn' }), y);
  y = apply(tfl.layers.reLU({ maxValue: 6, name: 'relu6' }), y);
  y = apply(tfl.layers.maxPooling2d({ poolSize: 4, name: 'pool' }), y);
  return model(x, head(y), 'conv_same_bn');
};

export const CONV_2D_CASES: OpCases = {
  builtin: 'CONV_2D',
  cases: [
    { name: 'VALID stride 2, fused relu, per-channel', build: valid, ops: ['QUANTIZE', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'VALID stride 2, per-tensor', build: valid, prepare: { perTensorConv: true }, ops: ['QUANTIZE', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    {
      name: 'SAME stride 1 + BatchNormalization (folded) + ReLU6 layer (fused)',
      build: sameBnRelu6,
      ops: ['QUANTIZE', 'CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'],
    },
  ],
};
