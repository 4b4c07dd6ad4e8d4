// PACK (kernels/pack.cc): values_count inputs of one type and shape, stacked along a new axis.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, INT8, UINT8, INT16, INT32, INT64 } = TensorType;

export const pack: OpRule = {
  options: 'PackOptions',
  check(c: OpContext) {
    c.counts(1, Infinity, 1);
    const first = c.input(0, 'input 0');
    const output = c.output(0);
    if (c.int('valuesCount') !== c.inputCount) c.fail(`values_count ${c.int('valuesCount')} but ${c.inputCount} inputs`);
    c.type(first, 'input 0', [FLOAT32, INT8, UINT8, INT16, INT32, INT64]);
    for (let i = 0; i < c.inputCount; i++) {
      const t = c.input(i, `input ${i}`);
      c.sameType(t, first, `input ${i}`, 'input 0');
      c.quantized(t, `input ${i}`);
      c.shape(t, `input ${i}`, first.shape);
    }
    c.sameType(output, first, 'output', 'input 0');
    const rank = first.shape.length;
    let axis = c.int('axis');
    if (axis < 0) axis += rank + 1;
    if (!(axis >= 0 && axis <= rank)) c.fail(`axis ${c.int('axis')} out of range for rank ${rank}`);
    c.shape(output, 'output', [...first.shape.slice(0, axis), c.inputCount, ...first.shape.slice(axis)]);
  },
};
