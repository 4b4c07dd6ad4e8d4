// `dscnn`: a small MobileNet-style network for 28x28x1 images. A strided 3x3 conv stem, then
// depthwise-separable blocks (3x3 depthwise + 1x1 pointwise, each with batch norm and ReLU6),
// one residual block whose Add carries the ReLU6, global average pooling and the logits.
// Deployed int8: CONV_2D, DEPTHWISE_CONV_2D, ADD (RELU6 fused), AVERAGE_POOL_2D + RESHAPE, FC.
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageInput } from './cnn.js';
import { glorotUniform, heNormal } from './init.js';

export function buildDscnn(seed: number, input: ImageInput = { rows: 28, cols: 28 }, numClasses = 10): tfl.LayersModel {
  let k = 0;
  const x0 = tfl.input({ shape: [input.rows, input.cols, input.channels ?? 1], name: 'input' });
  const bnRelu6 = (x: tfl.SymbolicTensor, name: string, relu = true): tfl.SymbolicTensor => {
    const y = tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(x) as tfl.SymbolicTensor;
    return relu ? (tfl.layers.reLU({ maxValue: 6, name: `${name}_relu6` }).apply(y) as tfl.SymbolicTensor) : y;
  };
  const conv = (x: tfl.SymbolicTensor, filters: number, kernelSize: number, strides: number, name: string) =>
    tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: heNormal(seed, ++k), name }).apply(x) as tfl.SymbolicTensor;
  const depthwise = (x: tfl.SymbolicTensor, strides: number, name: string) =>
    tfl.layers.depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', useBias: false, depthwiseInitializer: heNormal(seed, ++k), name }).apply(x) as tfl.SymbolicTensor;
  /** Depthwise 3x3 + pointwise 1x1; the pointwise's ReLU6 is left out when a residual Add follows. */
  const separable = (x: tfl.SymbolicTensor, filters: number, strides: number, name: string, relu = true) => {
    const d = bnRelu6(depthwise(x, strides, `${name}_dw`), `${name}_dw`);
    return bnRelu6(conv(d, filters, 1, 1, `${name}_pw`), `${name}_pw`, relu);
  };

  const [c0, c1, c2] = [24, 48, 96];
  let x = bnRelu6(conv(x0, c0, 3, 2, 'stem'), 'stem'); // 14x14xc0
  x = separable(x, c1, 1, 'block1'); // 14x14xc1
  x = separable(x, c2, 2, 'block2'); // 7x7xc2
  const r = separable(x, c2, 1, 'block3', false); // 7x7xc2, linear
  x = tfl.layers.add({ name: 'residual' }).apply([x, r]) as tfl.SymbolicTensor;
  x = tfl.layers.reLU({ maxValue: 6, name: 'residual_relu6' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: numClasses, kernelInitializer: glorotUniform(seed, ++k), name: 'logits' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x0, outputs: logits, name: 'dscnn' });
}
