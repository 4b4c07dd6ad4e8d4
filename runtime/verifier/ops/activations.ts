// LOGISTIC, TANH, RELU, RELU6 (kernels/activations.cc): one input, same type and shape out.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, INT8, UINT8, INT16 } = TensorType;

export const unaryActivation: OpRule = {
  options: null,
  check(c: OpContext) {
    c.counts(1, 1, 1);
    const input = c.input(0, 'input');
    const output = c.output(0);
    c.type(input, 'input', [FLOAT32, INT8, UINT8, INT16]);
    c.sameType(output, input, 'output', 'input');
    c.quantized(input, 'input');
    c.quantized(output, 'output');
    c.shape(output, 'output', input.shape);
  },
};
