// CONCATENATION (kernels/concatenation.cc): inputs of the output's type and rank, equal in every
// dim but the axis (negative counts from the end); output dim along the axis is their sum.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, INT8, UINT8, INT16, INT32, INT64, BOOL } = TensorType;

export const concatenation: OpRule = {
  options: 'ConcatenationOptions',
  check(c: OpContext) {
    c.counts(1, Infinity, 1);
    const output = c.output(0);
    c.activation();
    c.type(output, 'output', [FLOAT32, INT8, UINT8, INT16, INT32, INT64, BOOL]);
    c.quantized(output, 'output');
    const first = c.input(0, 'input 0');
    const rank = first.shape.length;
    let axis = c.int('axis');
    if (axis < 0) axis += rank;
    if (!(axis >= 0 && axis < rank)) c.fail(`axis ${c.int('axis')} out of range for rank ${rank}`);
    const shape = [...first.shape];
    shape[axis] = 0;
    for (let i = 0; i < c.inputCount; i++) {
      const t = c.input(i, `input ${i}`);
      c.sameType(t, output, `input ${i}`, 'output');
      c.quantized(t, `input ${i}`);
      if (t.shape.length !== rank || t.shape.some((d, k) => k !== axis && d !== first.shape[k])) {
        c.fail(`input ${i} tensor ${t.index} has shape [${t.shape.join(',')}], which does not concatenate with [${first.shape.join(',')}] along axis ${axis}`);
      }
      shape[axis]! += t.shape[axis]!;
    }
    c.shape(output, 'output', shape);
  },
};
