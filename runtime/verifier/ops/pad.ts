// PAD (kernels/pad.cc): input of rank ≤ 5 (PadKernelMaxDimensionCount); paddings a constant int32
// or int64 [rank, 2] of non-negative values (the kernel refuses negative ones); output of the
// input's type with every dim grown by its two paddings. Non-constant paddings resize the output
// at run time, which the engines here do not run.
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';
import type { OpRule } from './op-rule.js';

const { FLOAT32, INT8, UINT8, INT16, INT32, INT64 } = TensorType;

export const pad: OpRule = {
  options: 'PadOptions',
  check(c: OpContext) {
    c.counts(2, 2, 1);
    const input = c.input(0, 'input');
    const paddings = c.input(1, 'paddings');
    const output = c.output(0);
    c.type(input, 'input', [FLOAT32, INT8, UINT8, INT16, INT32, INT64]);
    c.sameType(output, input, 'output', 'input');
    c.quantized(input, 'input');
    c.quantized(output, 'output');
    const rank = input.shape.length;
    if (rank > 5) c.fail(`input tensor ${input.index} has rank ${rank}, at most 5 is padded`);
    c.type(paddings, 'paddings', [INT32, INT64]);
    c.shape(paddings, 'paddings', [rank, 2]);
    const values = c.ints(paddings, 'paddings');
    if (values === null) c.fail(`paddings tensor ${paddings.index} is not a constant`);
    if (values.length !== rank * 2) c.fail(`paddings tensor ${paddings.index} holds ${values.length} values for rank ${rank}`);
    if (values.some((v) => v < 0)) c.fail(`paddings tensor ${paddings.index} holds a negative padding`);
    c.shape(output, 'output', input.shape.map((d, i) => d + values[2 * i]! + values[2 * i + 1]!));
  },
};
