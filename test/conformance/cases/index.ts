// Conformance cases per op: one file per TFLite builtin, listed here. The conformance test fails
// when the reference engine's registry has an op without an entry (or an entry without cases).
import type { ConformanceCase } from '../build.js';
import { addCases } from './add.js';
import { averagePool2dCases } from './average-pool-2d.js';
import { concatenationCases } from './concatenation.js';
import { conv2dCases } from './conv-2d.js';
import { depthwiseConv2dCases } from './depthwise-conv-2d.js';
import { dequantizeCases } from './dequantize.js';
import { fullyConnectedCases } from './fully-connected.js';
import { leakyReluCases } from './leaky-relu.js';
import { logisticCases } from './logistic.js';
import { maxPool2dCases } from './max-pool-2d.js';
import { meanCases } from './mean.js';
import { mulCases } from './mul.js';
import { padCases } from './pad.js';
import { quantizeCases } from './quantize.js';
import { reshapeCases } from './reshape.js';
import { resizeBilinearCases } from './resize-bilinear.js';
import { resizeNearestNeighborCases } from './resize-nearest-neighbor.js';
import { softmaxCases } from './softmax.js';
import { stridedSliceCases } from './strided-slice.js';
import { tanhCases } from './tanh.js';
import { transposeConvCases } from './transpose-conv.js';

export const CONFORMANCE_CASES: Readonly<Record<string, () => ConformanceCase[]>> = {
  ADD: addCases,
  AVERAGE_POOL_2D: averagePool2dCases,
  CONCATENATION: concatenationCases,
  CONV_2D: conv2dCases,
  DEPTHWISE_CONV_2D: depthwiseConv2dCases,
  DEQUANTIZE: dequantizeCases,
  FULLY_CONNECTED: fullyConnectedCases,
  LEAKY_RELU: leakyReluCases,
  LOGISTIC: logisticCases,
  MAX_POOL_2D: maxPool2dCases,
  MEAN: meanCases,
  MUL: mulCases,
  PAD: padCases,
  QUANTIZE: quantizeCases,
  RESHAPE: reshapeCases,
  RESIZE_BILINEAR: resizeBilinearCases,
  RESIZE_NEAREST_NEIGHBOR: resizeNearestNeighborCases,
  SOFTMAX: softmaxCases,
  STRIDED_SLICE: stridedSliceCases,
  TANH: tanhCases,
  TRANSPOSE_CONV: transposeConvCases,
};

/** Every case of every op, in a stable order. */
export function allConformanceCases(): ConformanceCase[] {
  return Object.keys(CONFORMANCE_CASES)
    .sort()
    .flatMap((op) => CONFORMANCE_CASES[op]());
}
