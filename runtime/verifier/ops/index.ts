// The operators edgeqat's engines run, each with the rule that checks its tensors and options
// before any interpreter sees them (one file per op or family). An operator not listed here is
// refused for execution (E_UNSUPPORTED): without a rule, nothing says its kernel stays inside its
// tensors. `inspect` reads such models all the same. Adding an op: write its rule, list it here,
// add a case to test/verifier-ops.test.ts.
import type { OpRule } from './op-rule.js';
import { unaryActivation } from './activations.js';
import { concatenation } from './concatenation.js';
import { conv2d } from './conv-2d.js';
import { depthwiseConv2d } from './depthwise-conv-2d.js';
import { dequantize } from './dequantize.js';
import { elementwise } from './elementwise.js';
import { fullyConnected } from './fully-connected.js';
import { leakyRelu } from './leaky-relu.js';
import { mean } from './mean.js';
import { pack } from './pack.js';
import { pad } from './pad.js';
import { pool2d } from './pool-2d.js';
import { quantize } from './quantize.js';
import { reshape } from './reshape.js';
import { resizeBilinear } from './resize-bilinear.js';
import { resizeNearestNeighbor } from './resize-nearest-neighbor.js';
import { shape } from './shape.js';
import { softmax } from './softmax.js';
import { stridedSlice } from './strided-slice.js';
import { transposeConv } from './transpose-conv.js';

export const OP_RULES: Readonly<Record<string, OpRule>> = {
  ADD: elementwise('AddOptions'),
  AVERAGE_POOL_2D: pool2d,
  CONCATENATION: concatenation,
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwiseConv2d,
  DEQUANTIZE: dequantize,
  FULLY_CONNECTED: fullyConnected,
  LEAKY_RELU: leakyRelu,
  LOGISTIC: unaryActivation,
  MAX_POOL_2D: pool2d,
  MEAN: mean,
  MUL: elementwise('MulOptions'),
  PACK: pack,
  PAD: pad,
  QUANTIZE: quantize,
  RELU: unaryActivation,
  RELU6: unaryActivation,
  RESHAPE: reshape,
  RESIZE_BILINEAR: resizeBilinear,
  RESIZE_NEAREST_NEIGHBOR: resizeNearestNeighbor,
  SHAPE: shape,
  SOFTMAX: softmax,
  STRIDED_SLICE: stridedSlice,
  SUB: elementwise('SubOptions'),
  TANH: unaryActivation,
  TRANSPOSE_CONV: transposeConv,
};

export { type OpRule } from './op-rule.js';
