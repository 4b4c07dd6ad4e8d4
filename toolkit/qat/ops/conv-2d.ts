// Trainer spec for TFLite CONV_2D: a Conv2D layer (NHWC, VALID/SAME, any strides and dilation),
// its kernel fake-quantized symmetric int8 per output channel by default (per-tensor on request),
// a following BatchNormalization folded in and its activation fused. Dilation must be 1: TF.js has
// no gradient for dilated convolutions.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { applyFusedActivation, layerConfig, paddingOf, pair, type OpSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export interface ConvSettings extends OpSettings {
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
}

export function convSettings(layer: Layer): ConvSettings {
  const c = layerConfig(layer);
  const dilation = pair(c.dilationRate, [1, 1]);
  if (dilation[0] !== 1 || dilation[1] !== 1) {
    throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (${layer.getClassName()}): dilationRate ${dilation.join('x')} is not supported (TF.js cannot train dilated convolutions)`);
  }
  return {
    activation: String(c.activation ?? 'linear'),
    kernelSize: pair(c.kernelSize),
    strides: pair(c.strides, [1, 1]),
    padding: paddingOf(layer, c.padding ?? 'valid'),
  };
}

/**
 * Bias and activation after the convolution, as separate ops: TF.js's fused conv ops compute every
 * input's gradient eagerly, including the image input of a first layer that nothing needs (on wasm
 * that Conv2DBackpropInput is the most expensive kernel of a training step).
 */
export function biasAndActivation(y: tf.Tensor, bias: tf.Tensor | null, activation: string): tf.Tensor {
  return applyFusedActivation(activation, bias ? tf.add(y, bias) : y);
}

export const CONV_2D: TrainerOpSpec<ConvSettings> = {
  builtin: 'CONV_2D',
  // TF.js kernel [kh, kw, in, out] (HWIO): output channels on axis 3.
  quantizedWeights: [{ name: 'kernel', channelAxis: 3 }],
  defaultPerChannel: true,
  output: { kind: 'observed' },
  fusesActivation: true,
  foldsBatchNorm: true,
  settings: convSettings,
  call([input], weights, bias, s) {
    const y = tf.conv2d(input as tf.Tensor4D, weights.kernel as tf.Tensor4D, s.strides, s.padding);
    return biasAndActivation(y, bias, s.activation);
  },
};
