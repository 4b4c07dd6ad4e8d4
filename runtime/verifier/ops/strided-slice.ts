// STRIDED_SLICE (kernels/strided_slice.cc): input of rank ≤ 5; begin, end and strides 1-D int32
// of one length ≤ the rank; strides constant and never 0 (a 0 stride never reaches the end);
// output of the input's type and no more values than the input.
import { TensorType } from '../../../schemas/tflite.js';
import { elementCount, type OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, INT8, UINT8, INT16, INT32, INT64, BOOL } = TensorType;

export const stridedSlice: OpRule = {
  options: 'StridedSliceOptions',
  check(c: OpContext) {
    c.counts(4, 4, 1);
    const input = c.input(0, 'input');
    const output = c.output(0);
    c.type(input, 'input', [FLOAT32, INT8, UINT8, INT16, INT32, INT64, BOOL]);
    c.sameType(output, input, 'output', 'input');
    if (input.shape.length > 5) c.fail(`input tensor ${input.index} has rank ${input.shape.length}, at most 5 is sliced`);
    const [begin, end, strides] = [c.input(1, 'begin'), c.input(2, 'end'), c.input(3, 'strides')];
    const length = begin.shape[0];
    for (const [t, role] of [[begin, 'begin'], [end, 'end'], [strides, 'strides']] as const) {
      c.type(t, role, [INT32]);
      c.rank(t, role, 1);
      if (t.shape[0] !== length || length! > input.shape.length) c.fail(`${role} tensor ${t.index} has shape [${t.shape.join(',')}] for an input of rank ${input.shape.length}`);
    }
    const steps = c.ints(strides, 'strides');
    if (steps === null) c.fail(`strides tensor ${strides.index} is not a constant`);
    if (steps.includes(0)) c.fail(`strides tensor ${strides.index} holds a 0 stride`);
    if (elementCount(output.shape) > elementCount(input.shape)) c.fail(`output tensor ${output.index} has more values than input tensor ${input.index}`);
  },
};
