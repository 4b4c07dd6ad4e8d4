// MEAN (kernels/reduce.cc): one type in and out; constant axes inside the input's rank; output
// the input with those dims removed (or kept as 1 with keep_dims).
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, INT8, UINT8, INT16, INT32, INT64 } = TensorType;

export const mean: OpRule = {
  options: 'ReducerOptions',
  check(c: OpContext) {
    c.counts(2, 2, 1);
    const input = c.input(0, 'input');
    const axes = c.input(1, 'axis');
    const output = c.output(0);
    c.type(input, 'input', [FLOAT32, INT8, UINT8, INT16, INT32, INT64]);
    c.sameType(output, input, 'output', 'input');
    c.quantized(input, 'input');
    c.quantized(output, 'output');
    c.type(axes, 'axis', [TensorType.INT32]);
    const values = c.ints(axes, 'axis');
    if (values === null) return; // axes known at run time: the kernel resizes its output then
    const rank = input.shape.length;
    const reduced = new Set<number>();
    for (const a of values) {
      if (!(a >= -rank && a < rank)) c.fail(`axis ${a} out of range for rank ${rank}`);
      reduced.add(a < 0 ? a + rank : a);
    }
    const keep = c.int('keepDims') !== 0;
    c.shape(output, 'output', input.shape.flatMap((d, i) => (reduced.has(i) ? (keep ? [1] : []) : [d])));
  },
};
