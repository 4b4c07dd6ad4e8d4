// CONV_2D: VALID stride 2 with its own ReLU; SAME stride 1 with BatchNormalization and a ReLU6
// layer folded/fused; per-tensor weights on request. Conv1D over MNIST rows as 28 steps of 28
// features (RESHAPE + CONV_2D + RESHAPE): SAME stride 2 with its own ReLU, and VALID with
// BatchNormalization folded and a ReLU layer fused.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, init, input, model } from './layers.js';
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

/** The image's rows as a sequence: [28, 28, 1] → 28 steps of 28 features. */
const rows = (x: tfl.SymbolicTensor) => apply(tfl.layers.reshape({ targetShape: [28, 28], name: 'rows' }), x);

const conv1dSame = () => {
  const x = input();
  const y = apply(tfl.layers.conv1d({ filters: 8, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(), name: 'conv1d' }), rows(x));
  return model(x, head(y), 'conv1d_same');
};

const conv1dValidBn = () => {
  const x = input();
  let y = apply(tfl.layers.conv1d({ filters: 8, kernelSize: 3, useBias: false, kernelInitializer: init(), name: 'conv1d' }), rows(x));
  y = apply(tfl.layers.batchNormalization({ name: 'bn' }), y);
  y = apply(tfl.layers.reLU({ name: 'relu' }), y);
  return model(x, head(y), 'conv1d_valid_bn');
};

const CONV1D_OPS = ['QUANTIZE', 'RESHAPE', 'RESHAPE', 'CONV_2D', 'RESHAPE', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'];

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
    { name: 'Conv1D SAME stride 2, fused relu (RESHAPE + CONV_2D + RESHAPE)', build: conv1dSame, ops: CONV1D_OPS },
    { name: 'Conv1D VALID + BatchNormalization (folded) + ReLU layer (fused)', build: conv1dValidBn, ops: CONV1D_OPS },
  ],
};
