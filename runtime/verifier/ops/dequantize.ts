// DEQUANTIZE (kernels/dequantize.cc): int8/uint8/int16 (with scales) or float16 to float32, same shape.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, FLOAT16, INT8, UINT8, INT16 } = TensorType;

export const dequantize: OpRule = {
  options: 'DequantizeOptions',
  check(c: OpContext) {
    c.counts(1, 1, 1);
    const input = c.input(0, 'input');
    const output = c.output(0);
    c.type(input, 'input', [INT8, UINT8, INT16, FLOAT16]);
    c.type(output, 'output', [FLOAT32]);
    c.quantized(input, 'input');
    c.shape(output, 'output', input.shape);
  },
};
