// The reference engine's op resolver: exactly the builtins it has a kernel for, one file each in
// ./kernels/. test/conformance/ fails if one of them has no conformance case.
import type { ReferenceKernel } from './kernel.js';
import { ADD } from './kernels/add.js';
import { AVERAGE_POOL_2D } from './kernels/average-pool-2d.js';
import { CONCATENATION } from './kernels/concatenation.js';
import { CONV_2D } from './kernels/conv-2d.js';
import { DEPTHWISE_CONV_2D } from './kernels/depthwise-conv-2d.js';
import { DEQUANTIZE } from './kernels/dequantize.js';
import { FULLY_CONNECTED } from './kernels/fully-connected.js';
import { LEAKY_RELU } from './kernels/leaky-relu.js';
import { LOGISTIC } from './kernels/logistic.js';
import { MAX_POOL_2D } from './kernels/max-pool-2d.js';
import { MEAN } from './kernels/mean.js';
import { MUL } from './kernels/mul.js';
import { PAD } from './kernels/pad.js';
import { QUANTIZE } from './kernels/quantize.js';
import { RESHAPE } from './kernels/reshape.js';
import { RESIZE_BILINEAR } from './kernels/resize-bilinear.js';
import { RESIZE_NEAREST_NEIGHBOR } from './kernels/resize-nearest-neighbor.js';
import { SOFTMAX } from './kernels/softmax.js';
import { STRIDED_SLICE } from './kernels/strided-slice.js';
import { TANH } from './kernels/tanh.js';
import { TRANSPOSE_CONV } from './kernels/transpose-conv.js';

const KERNELS: readonly ReferenceKernel[] = [
  ADD,
  AVERAGE_POOL_2D,
  CONCATENATION,
  CONV_2D,
  DEPTHWISE_CONV_2D,
  DEQUANTIZE,
  FULLY_CONNECTED,
  LEAKY_RELU,
  LOGISTIC,
  MAX_POOL_2D,
  MEAN,
  MUL,
  PAD,
  QUANTIZE,
  RESHAPE,
  RESIZE_BILINEAR,
  RESIZE_NEAREST_NEIGHBOR,
  SOFTMAX,
  STRIDED_SLICE,
  TANH,
  TRANSPOSE_CONV,
];

export const REFERENCE_KERNELS: Readonly<Record<string, ReferenceKernel>> = Object.freeze(
  Object.fromEntries(KERNELS.map((k) => [k.builtin, k])),
);

export function referenceSupportedOps(): string[] {
  return Object.keys(REFERENCE_KERNELS).sort();
}
