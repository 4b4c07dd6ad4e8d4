// SOFTMAX (kernels/activations.cc): same shape in and out; float→float, int8→int8 or int16,
// uint8→uint8, int16→int16; beta finite and > 0 (the quantized kernels turn beta × input scale into
// a fixed-point multiplier, which traps for 0, infinity or NaN).
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, INT8, UINT8, INT16 } = TensorType;
const OUTPUTS = new Map<TensorType, TensorType[]>([
  [FLOAT32, [FLOAT32]],
  [INT8, [INT8, INT16]],
  [UINT8, [UINT8]],
  [INT16, [INT16]],
]);

export const softmax: OpRule = {
  options: 'SoftmaxOptions',
  check(c: OpContext) {
    c.counts(1, 1, 1);
    const input = c.input(0, 'input');
    const output = c.output(0);
    const outputs = OUTPUTS.get(input.type);
    if (!outputs) c.fail(`input tensor ${input.index} is ${TensorType[input.type]}, expected FLOAT32, INT8, UINT8 or INT16`);
    c.type(output, 'output', outputs);
    c.quantized(input, 'input');
    c.quantized(output, 'output');
    if (input.shape.length === 0) c.fail(`input tensor ${input.index} is a scalar`);
    c.shape(output, 'output', input.shape);
    const beta = c.float('beta');
    if (!(beta > 0 && Number.isFinite(beta))) c.fail(`beta is ${beta}, expected a finite value > 0`);
  },
};
