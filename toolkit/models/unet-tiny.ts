// `unet-tiny`: a small encoder–decoder for per-pixel classes (segmentation), U-Net style. Encoder:
// Conv2D, a strided Conv2D down, a SeparableConv2D, another strided Conv2D down (to a quarter of the
// image). Decoder: Conv2DTranspose up (×2) joined with the encoder's features at that size, a
// Conv2D, UpSampling2D (bilinear, ×2) joined with the first features, a Conv2D and a 1x1 Conv2D to
// `numClasses` logits per pixel. Output [rows, cols, numClasses].
// Deployed int8: CONV_2D, DEPTHWISE_CONV_2D + CONV_2D (the separable), TRANSPOSE_CONV,
// CONCATENATION, RESIZE_BILINEAR. Rows and cols must be multiples of 4.
import * as tfl from '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../runtime/errors.js';
import type { ImageInput } from './cnn.js';
import { glorotUniform, heNormal } from './init.js';
import type { QatSchedule } from '../qat/prepare.js';

/**
 * Share of a from-scratch QAT run during which unet-tiny's op outputs stay float (weights are
 * fake-quantized throughout): observed and fake-quantized from the step after it. Without it the
 * activation observers start on the untrained network, lag behind the decoder's growing
 * activations and clamp them (no gradient above the range); the decoder's activations then run
 * away from the ranges (TRANSPOSE_CONV output 1.5 → 322, dec2 1.7 → 1,850 over 625 steps, against
 * 1.5 and 2.4 in float training) and the model degrades (docs/conv-layers.md, "Training").
 */
export const UNET_TINY_FLOAT_ACTIVATION_SHARE = 0.2;

/** unet-tiny's QAT schedule for a run of `totalSteps` (QatSchedule.quantizeActivationsFrom). */
export function unetTinyQatSchedule(totalSteps: number): QatSchedule {
  return { quantizeActivationsFrom: Math.floor(totalSteps * UNET_TINY_FLOAT_ACTIVATION_SHARE) };
}

export function buildUnetTiny(seed: number, input: ImageInput = { rows: 28, cols: 28 }, numClasses = 2): tfl.LayersModel {
  if (input.rows % 4 !== 0 || input.cols % 4 !== 0) {
    throw new EdgeqatError('E_OPTION', `unet-tiny halves the image twice: rows and cols must be multiples of 4 (got ${input.rows}x${input.cols})`);
  }
  let k = 0;
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  const conv = (x: tfl.SymbolicTensor, filters: number, name: string, strides = 1) =>
    apply(tfl.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', activation: 'relu', kernelInitializer: heNormal(seed, ++k), name }), x);

  const x0 = tfl.input({ shape: [input.rows, input.cols, input.channels ?? 1], name: 'input' });
  const e1 = conv(x0, 16, 'enc1'); // H x W x 16
  let x = conv(e1, 32, 'down1', 2); // H/2
  const e2 = apply(
    tfl.layers.separableConv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: heNormal(seed, ++k), pointwiseInitializer: heNormal(seed, ++k), name: 'enc2' }),
    x,
  );
  x = conv(e2, 48, 'down2', 2); // H/4
  x = apply(tfl.layers.conv2dTranspose({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: heNormal(seed, ++k), name: 'up1' }), x); // H/2
  x = apply(tfl.layers.concatenate({ name: 'skip2' }), [x, e2]);
  x = conv(x, 32, 'dec2');
  x = apply(tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear', name: 'up2' }), x); // H
  x = apply(tfl.layers.concatenate({ name: 'skip1' }), [x, e1]);
  x = conv(x, 16, 'dec1');
  const logits = apply(tfl.layers.conv2d({ filters: numClasses, kernelSize: 1, kernelInitializer: glorotUniform(seed, ++k), name: 'logits' }), x);
  return tfl.model({ inputs: x0, outputs: logits, name: 'unet_tiny' });
}
