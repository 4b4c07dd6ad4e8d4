// AVERAGE_POOL_2D and MAX_POOL_2D (kernels/pooling.cc): NHWC input and output of one type,
// filter and strides ≥ 1, output [N, OH, OW, C] for the padding.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';
import { convOutSize } from './shapes.js';

const { FLOAT32, INT8, UINT8, INT16 } = TensorType;

export const pool2d: OpRule = {
  options: 'Pool2DOptions',
  check(c: OpContext) {
    c.counts(1, 1, 1);
    const input = c.input(0, 'input');
    const output = c.output(0);
    c.activation();
    const padding = c.padding();
    c.positive('strideW', 'strideH', 'filterWidth', 'filterHeight');
    c.type(input, 'input', [FLOAT32, INT8, UINT8, INT16]);
    c.sameType(output, input, 'output', 'input');
    c.quantized(input, 'input');
    c.quantized(output, 'output');
    c.rank(input, 'input', 4);
    const [n, h, w, channels] = input.shape as [number, number, number, number];
    const oh = convOutSize(h, c.int('filterHeight'), c.int('strideH'), 1, padding);
    const ow = convOutSize(w, c.int('filterWidth'), c.int('strideW'), 1, padding);
    c.shape(output, 'output', [n, oh, ow, channels]);
  },
};
