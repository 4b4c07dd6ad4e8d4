// Trainer spec for TFLite DEPTHWISE_CONV_2D: a DepthwiseConv2D layer (depth multiplier >= 1). Its
// kernel [kh, kw, in, mult] has in·mult output channels (channel ic·mult + m, the same order as
// TFLite's [1, kh, kw, in·mult]); they are quantized per channel by default.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { biasAndActivation, convSettings, type ConvSettings } from './conv-2d.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

export interface DepthwiseSettings extends ConvSettings {
  depthMultiplier: number;
}

export const DEPTHWISE_CONV_2D: TrainerOpSpec<DepthwiseSettings> = {
  builtin: 'DEPTHWISE_CONV_2D',
  quantizedWeights: [{ name: 'depthwise_kernel', channelAxis: 2, quantShape: ([kh, kw, inC, mult]) => [kh, kw, inC * mult] }],
  defaultPerChannel: true,
  output: { kind: 'observed' },
  fusesActivation: true,
  foldsBatchNorm: true,
  settings(layer: Layer): DepthwiseSettings {
    return { ...convSettings(layer), depthMultiplier: Number(layer.getConfig().depthMultiplier ?? 1) };
  },
  call([input], weights, bias, s) {
    const y = tf.depthwiseConv2d(input as tf.Tensor4D, weights.depthwise_kernel as tf.Tensor4D, s.strides, s.padding);
    return biasAndActivation(y, bias, s.activation);
  },
};
