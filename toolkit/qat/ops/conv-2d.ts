// Trainer spec for TFLite CONV_2D: a Conv2D layer (NHWC, VALID/SAME, any strides and dilation),
// its kernel fake-quantized symmetric int8 per output channel by default (per-tensor on request),
// a following BatchNormalization folded in and its activation fused. Dilation must be 1: TF.js has
// no gradient for dilated convolutions. A Conv1D runs as the 2-D convolution TFLite's converter
// makes of it: its [steps, channels] input seen as a [1, steps, channels] image, its [k, in, out]
// kernel as [1, k, in, out] (TF 2.21: EXPAND_DIMS + CONV_2D + RESHAPE; edgeqat writes a RESHAPE
// for the first, the same bytes).
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { applyFusedActivation, layerConfig, paddingOf, pair, type OpSettings, type TrainerOpSpec } from './trainer-op-spec.js';

export interface ConvSettings extends OpSettings {
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'same' | 'valid';
  /** A Conv1D: kernelSize and strides are [1, k] and [1, s] of the [1, steps, channels] view. */
  oneD: boolean;
}

export function convSettings(layer: Layer): ConvSettings {
  const c = layerConfig(layer);
  const dilation = pair(c.dilationRate, [1, 1]);
  if (dilation[0] !== 1 || dilation[1] !== 1) {
    throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (${layer.getClassName()}): dilationRate ${dilation.join('x')} is not supported (TF.js cannot train dilated convolutions)`);
  }
  const oneD = layer.getClassName().endsWith('1D');
  const kernelSize = pair(c.kernelSize);
  const strides = pair(c.strides, [1, 1]);
  return {
    activation: String(c.activation ?? 'linear'),
    kernelSize: oneD ? [1, kernelSize[0]] : kernelSize,
    strides: oneD ? [1, strides[0]] : strides,
    padding: paddingOf(layer, c.padding ?? 'valid'),
    oneD,
  };
}

/** A Conv1D's [k, in, out] kernel as the [1, k, in, out] filter of its 2-D convolution. */
export function as2dKernel(shape: number[]): number[] {
  return shape.length === 3 ? [1, ...shape] : shape;
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
  // TF.js kernel [kh, kw, in, out] (HWIO): output channels on axis 3 (Conv1D's [k, in, out] as [1, k, in, out]).
  quantizedWeights: [{ name: 'kernel', channelAxis: 3, quantShape: as2dKernel }],
  defaultPerChannel: true,
  output: { kind: 'observed' },
  fusesActivation: true,
  foldsBatchNorm: true,
  settings: convSettings,
  call([input], weights, bias, s) {
    if (!s.oneD) return biasAndActivation(tf.conv2d(input as tf.Tensor4D, weights.kernel as tf.Tensor4D, s.strides, s.padding), bias, s.activation);
    const [batch, steps, channels] = input.shape;
    const image = tf.reshape(input, [batch, 1, steps, channels]) as tf.Tensor4D;
    const y = tf.conv2d(image, tf.reshape<tf.Rank>(weights.kernel, as2dKernel(weights.kernel.shape)) as tf.Tensor4D, s.strides, s.padding);
    return biasAndActivation(tf.reshape(y, [batch, y.shape[2], y.shape[3]]), bias, s.activation);
  },
};
