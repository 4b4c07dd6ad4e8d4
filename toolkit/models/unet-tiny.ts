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
