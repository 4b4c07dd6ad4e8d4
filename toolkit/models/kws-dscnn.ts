// `kws-dscnn`: MLPerf Tiny's keyword-spotting DS-CNN (mlcommons/tiny benchmark/training/
// keyword_spotting/keras_model.py, 'ds_cnn'), for 49×10×1 MFCC inputs and 12 classes: a 10×4
// stride-2 Conv2D with 64 filters, four depthwise-separable blocks (3×3 depthwise + 1×1 pointwise
// with 64 filters), each conv followed by batch norm and ReLU, average pooling over the feature
// map, and the logits. Deployed int8: CONV_2D ×5 and DEPTHWISE_CONV_2D ×4 (batch norm folded, RELU
// fused), AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED.
//
// Dropout as the reference has it: rate 0.2 after the first convolution, 0.4 before the pooling
// (training only; the trainer reseeds each step, engine/train.ts reseedDropout; nothing is
// deployed). Differences from the reference, and why: no L2 weight decay (the trainer's loss is the
// cross-entropy alone), and the convolutions have no bias (the batch norm that follows each one
// subtracts it again; the folded bias is the same either way).
import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageInput } from './cnn.js';
import { glorotUniform } from './init.js';

const FILTERS = 64;
const BLOCKS = 4;

export function buildKwsDscnn(seed: number, input: ImageInput = { rows: 49, cols: 10 }, numClasses = 12): tfl.LayersModel {
  let k = 0;
  const x0 = tfl.input({ shape: [input.rows, input.cols, input.channels ?? 1], name: 'input' });
  const bnRelu = (x: tfl.SymbolicTensor, name: string): tfl.SymbolicTensor => {
    const y = tfl.layers.batchNormalization({ name: `${name}_bn` }).apply(x) as tfl.SymbolicTensor;
    return tfl.layers.reLU({ name: `${name}_relu` }).apply(y) as tfl.SymbolicTensor;
  };
  // Keras's default initializer (glorot-uniform), as the reference model uses.
  const conv = (x: tfl.SymbolicTensor, kernelSize: [number, number], strides: number, name: string) =>
    bnRelu(tfl.layers.conv2d({ filters: FILTERS, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: glorotUniform(seed, ++k), name }).apply(x) as tfl.SymbolicTensor, name);
  const depthwise = (x: tfl.SymbolicTensor, name: string) =>
    bnRelu(tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: glorotUniform(seed, ++k), name }).apply(x) as tfl.SymbolicTensor, name);

  let x = conv(x0, [10, 4], 2, 'conv'); // 25×5×64 for 49×10 inputs
  x = tfl.layers.dropout({ rate: 0.2, name: 'conv_dropout' }).apply(x) as tfl.SymbolicTensor;
  for (let b = 1; b <= BLOCKS; b++) x = conv(depthwise(x, `block${b}_dw`), [1, 1], 1, `block${b}_pw`);
  // The reference pools (rows/2, cols/2) = 24×5 windows with VALID padding: one 1×1 output that
  // leaves the last row of the 25×5 map out. Kept as it is, so the deployed model matches.
  x = tfl.layers.dropout({ rate: 0.4, name: 'pool_dropout' }).apply(x) as tfl.SymbolicTensor;
  const poolSize: [number, number] = [Math.max(1, Math.floor(input.rows / 2)), Math.max(1, Math.floor(input.cols / 2))];
  x = tfl.layers.averagePooling2d({ poolSize, name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: numClasses, kernelInitializer: glorotUniform(seed, ++k), name: 'logits' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x0, outputs: logits, name: 'kws_dscnn' });
}
