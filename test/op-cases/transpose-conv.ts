// TRANSPOSE_CONV: Conv2DTranspose after a strided conv (the decoder's upsampling), SAME stride 2
// with its own ReLU (fused: exported as version 3 with the output's range doing the clamp), VALID
// with a non-square window and stride, per-tensor weights on request.
import * as tfl from '@tensorflow/tfjs-layers';
import { apply, conv, head, init, input, model } from './layers.js';
import type { OpCases } from './op-case.js';

const transpose = (args: { kernelSize: number | [number, number]; strides: number | [number, number]; padding: 'same' | 'valid'; activation: 'relu' | 'linear' }) => () => {
  const x = input();
  const down = apply(conv(6, 3, { strides: 2, activation: 'relu', name: 'down' }), x);
  const up = apply(tfl.layers.conv2dTranspose({ filters: 4, kernelInitializer: init(), biasInitializer: 'zeros', name: 'up', ...args }), down);
  return model(x, head(apply(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }), up)), 'transpose_conv');
};

const OPS = ['QUANTIZE', 'CONV_2D', 'TRANSPOSE_CONV', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE'];

export const TRANSPOSE_CONV_CASES: OpCases = {
  builtin: 'TRANSPOSE_CONV',
  cases: [
    {
      name: '3x3 SAME stride 2 + ReLU, per-channel',
      build: transpose({ kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      ops: OPS,
      litertDiffers: "LiteRT.js's XNNPACK takes per-channel int8 TRANSPOSE_CONV (float32 requantization); tfjs-tflite's build leaves it to TFLite's kernel",
    },
    { name: '3x2 VALID stride (2,1), per-tensor', build: transpose({ kernelSize: [3, 2], strides: [2, 1], padding: 'valid', activation: 'linear' }), prepare: { perTensorConv: true }, ops: OPS },
  ],
};
