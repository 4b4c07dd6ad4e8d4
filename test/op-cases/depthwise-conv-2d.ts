// DEPTHWISE_CONV_2D: depth multiplier 2, SAME stride 2, BatchNormalization folded and ReLU fused;
// and multiplier 1, VALID, with its own bias. SeparableConv2D as TFLite's converter writes it:
// DEPTHWISE_CONV_2D (zero bias) + 1x1 CONV_2D, the intermediate activation quantized; with its own
// ReLU, and with depth multiplier 2, stride 2 and a BatchNormalization folded into the pointwise half.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, init, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const multiplier2 = () => {
  const x = input();
  let y = apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', useBias: false, depthwiseInitializer: init(), name: 'dw' }), x);
  y = apply(tfl.layers.batchNormalization({ name: 'bn' }), y);
  y = apply(tfl.layers.reLU({ name: 'relu' }), y);
  return model(x, head(y), 'dw_mult2');
};

const multiplier1 = () => {
  const x = input();
  let y = apply(conv(3, 3, { strides: 2, activation: 'relu', name: 'conv' }), x);
  y = apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthwiseInitializer: init(), activation: 'relu6', name: 'dw' }), y);
  return model(x, head(y), 'dw_mult1');
};

const separable = () => {
  const x = input();
  let y = apply(conv(4, 3, { strides: 2, activation: 'relu', name: 'conv' }), x);
  y = apply(tfl.layers.separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: init(), pointwiseInitializer: init(), name: 'sep' }), y);
  return model(x, head(y), 'separable');
};

const separableBn = () => {
  const x = input();
  let y = apply(conv(4, 3, { activation: 'relu', name: 'conv' }), x);
  y = apply(tfl.layers.separableConv2d({ filters: 6, kernelSize: 3, strides: 2, depthMultiplier: 2, useBias: false, depthwiseInitializer: init(), pointwiseInitializer: init(), name: 'sep' }), y);
  y = apply(tfl.layers.batchNormalization({ name: 'bn' }), y);
  y = apply(tfl.layers.reLU({ maxValue: 6, name: 'relu6' }), y);
  return model(x, head(y), 'separable_bn');
};

const SEPARABLE_OPS = ['QUANTIZE', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'];

export const DEPTHWISE_CONV_2D_CASES: OpCases = {
  builtin: 'DEPTHWISE_CONV_2D',
  cases: [
    { name: 'multiplier 2, SAME stride 2, BatchNormalization + ReLU layer', build: multiplier2, ops: ['QUANTIZE', 'DEPTHWISE_CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'multiplier 1, VALID, own relu6, after a conv', build: multiplier1, ops: ['QUANTIZE', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'multiplier 2, per-tensor', build: multiplier2, prepare: { perTensorConv: true }, ops: ['QUANTIZE', 'DEPTHWISE_CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'] },
    { name: 'SeparableConv2D SAME + own relu (DEPTHWISE_CONV_2D + 1x1 CONV_2D)', build: separable, ops: SEPARABLE_OPS },
    { name: 'SeparableConv2D multiplier 2, stride 2 + BatchNormalization + ReLU6 (folded/fused into the pointwise)', build: separableBn, ops: SEPARABLE_OPS },
  ],
};
