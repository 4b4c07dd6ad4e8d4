// LEAKY_RELU (kernels/activations.cc LeakyReluPrepare): one input, the same type and shape out, a
// finite alpha (its product with the scales becomes the kernel's multiplier).
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, INT8, UINT8, INT16 } = TensorType;

export const leakyRelu: OpRule = {
  options: 'LeakyReluOptions',
  check(c: OpContext) {
    c.counts(1, 1, 1);
    const input = c.input(0, 'input');
    const output = c.output(0);
    c.type(input, 'input', [FLOAT32, INT8, UINT8, INT16]);
    c.sameType(output, input, 'output', 'input');
    c.quantized(input, 'input');
    c.quantized(output, 'output');
    c.shape(output, 'output', input.shape);
    const alpha = c.float('alpha');
    if (!Number.isFinite(alpha)) c.fail(`alpha is ${alpha}, expected a finite value`);
  },
};
