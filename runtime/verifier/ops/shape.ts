// SHAPE (kernels/shape.cc): the input's dims as a 1-D int32 or int64 tensor.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

export const shape: OpRule = {
  options: 'ShapeOptions',
  check(c: OpContext) {
    c.counts(1, 1, 1);
    const input = c.input(0, 'input');
    const output = c.output(0);
    c.type(output, 'output', [TensorType.INT32, TensorType.INT64]);
    c.shape(output, 'output', [input.shape.length]);
  },
};
