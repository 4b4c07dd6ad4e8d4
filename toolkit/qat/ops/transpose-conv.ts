// Trainer spec for TFLite TRANSPOSE_CONV: a Conv2DTranspose layer (NHWC, SAME/VALID, any strides,
// dilation 1). Its TF.js kernel [kh, kw, out, in] is TFLite's OHWI weights transposed; the output
// channels (axis 2) are quantized per channel by default, as for CONV_2D. A following ReLU is fused
// (the converter writes TRANSPOSE_CONV version 4 with a fused activation for it). The output size is
// the layer's: in·stride (SAME) or in·stride + max(k − stride, 0) (VALID), which the exported
// output_shape holds.
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { biasAndActivation, convSettings, type ConvSettings } from './conv-2d.js';
import type { TrainerOpSpec } from './trainer-op-spec.js';

/** Output size of one axis of a transposed convolution (tfjs-layers and Keras deconv_output_length). */
export function transposedSize(input: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? input * stride : input * stride + Math.max(kernel - stride, 0);
}

function transposeConvSettings(layer: Layer): ConvSettings {
  const c = layer.getConfig() as Record<string, unknown>;
  if (c.outputPadding !== undefined && c.outputPadding !== null) {
    throw new EdgeqatError('E_UNSUPPORTED', `layer '${layer.name}' (${layer.getClassName()}): outputPadding is not supported`);
  }
  return convSettings(layer);
}

export const TRANSPOSE_CONV: TrainerOpSpec<ConvSettings> = {
  builtin: 'TRANSPOSE_CONV',
  // TF.js kernel [kh, kw, out, in]: output channels on axis 2.
  quantizedWeights: [{ name: 'kernel', channelAxis: 2 }],
  defaultPerChannel: true,
  output: { kind: 'observed' },
  fusesActivation: true,
  foldsBatchNorm: false,
  settings: transposeConvSettings,
  call([input], weights, bias, s) {
    const [batch, h, w] = input.shape;
    const [kh, kw, out] = weights.kernel.shape;
    const shape: [number, number, number, number] = [batch, transposedSize(h, kh, s.strides[0], s.padding), transposedSize(w, kw, s.strides[1], s.padding), out];
    const y = tf.conv2dTranspose(input as tf.Tensor4D, weights.kernel as tf.Tensor4D, shape, s.strides, s.padding);
    return biasAndActivation(y, bias, s.activation);
  },
};
