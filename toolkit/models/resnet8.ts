// `resnet8`: MLPerf Tiny's image-classification reference network (mlcommons/tiny
// benchmark/training/image_classification/keras_model.py, resnet_v1_eembc with 16/32/64 filters):
// a 3x3 conv stem, then three residual stages of two 3x3 convs each (16, 32, 64 filters; stages 2
// and 3 start with stride 2 and carry their shortcut through a 1x1 stride-2 conv with bias, no batch
// norm), each closed by a residual Add and ReLU; average pooling over the last feature map and the
// logits. Batch norm follows every 3x3 conv (folded on export, so those convs have no bias of their
// own). About 78 k parameters for 32x32x3 inputs and 10 classes. The reference's L2 weight penalty
// (1e-4) is not reproduced: edgeqat's trainer has no weight decay.
// Deployed int8: CONV_2D (RELU fused) x9, ADD (RELU fused) x3, AVERAGE_POOL_2D + RESHAPE, FC.
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageInput } from './cnn.js';
import { heNormal } from './init.js';

export const RESNET8_FILTERS = [16, 32, 64] as const;

export function buildResnet8(seed: number, input: ImageInput = { rows: 32, cols: 32, channels: 3 }, numClasses = 10): tfl.LayersModel {
  let k = 0;
  const x0 = tfl.input({ shape: [input.rows, input.cols, input.channels ?? 3], name: 'input' });
  const conv = (x: tfl.SymbolicTensor, filters: number, kernelSize: number, strides: number, name: string, useBias: boolean) =>
    tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias, kernelInitializer: heNormal(seed, ++k), name }).apply(x) as tfl.SymbolicTensor;
  const bn = (x: tfl.SymbolicTensor, name: string) => tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(x) as tfl.SymbolicTensor;
  const relu = (x: tfl.SymbolicTensor, name: string) => tfl.layers.reLU({ name: `${name}_relu` }).apply(x) as tfl.SymbolicTensor;

  /** conv-BN-ReLU, conv-BN, plus the shortcut (identity, or a 1x1 conv when the shape changes), ReLU. */
  const stage = (x: tfl.SymbolicTensor, filters: number, strides: number, name: string) => {
    let y = relu(bn(conv(x, filters, 3, strides, `${name}_conv1`, false), `${name}_conv1`), `${name}_conv1`);
    y = bn(conv(y, filters, 3, 1, `${name}_conv2`, false), `${name}_conv2`);
    const shortcut = strides === 1 ? x : conv(x, filters, 1, strides, `${name}_shortcut`, true);
    return relu(tfl.layers.add({ name: `${name}_add` }).apply([shortcut, y]) as tfl.SymbolicTensor, `${name}_add`);
  };

  const [f1, f2, f3] = RESNET8_FILTERS;
  let x = relu(bn(conv(x0, f1, 3, 1, 'stem', false), 'stem'), 'stem');
  x = stage(x, f1, 1, 'stage1');
  x = stage(x, f2, 2, 'stage2');
  x = stage(x, f3, 2, 'stage3');
  // The reference pools over the whole (square) last feature map; global pooling is the same there
  // and also fits non-square inputs.
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: numClasses, kernelInitializer: heNormal(seed, ++k), name: 'logits' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x0, outputs: logits, name: 'resnet8' });
}
