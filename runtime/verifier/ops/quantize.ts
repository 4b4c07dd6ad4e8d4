// QUANTIZE (kernels/quantize.cc): float to int8/uint8/int16, or a requantization between those,
// same shape; the output (and a quantized input) need scales.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, INT8, UINT8, INT16 } = TensorType;

export const quantize: OpRule = {
  options: 'QuantizeOptions',
  check(c: OpContext) {
    c.counts(1, 1, 1);
    const input = c.input(0, 'input');
    const output = c.output(0);
    c.type(input, 'input', [FLOAT32, INT8, UINT8, INT16]);
    c.type(output, 'output', [INT8, UINT8, INT16]);
    c.quantized(input, 'input');
    c.quantized(output, 'output');
    c.shape(output, 'output', input.shape);
  },
};
