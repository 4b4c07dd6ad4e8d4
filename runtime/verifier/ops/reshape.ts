// RESHAPE (kernels/reshape.cc): same type and number of values in and out. The kernel takes the
// new shape from the shape input (or the options) when it is constant: then it must be exactly
// the declared output shape, with at most one -1 standing for the rest.
import { TensorType } from '../../../schemas/tflite.js';
import { elementCount, type OpContext, type TensorView } from './op-context.js';
import type { OpRule } from './op-rule.js';

/** The new shape the kernel computes, or null when it is only known at run time. */
function newShape(c: OpContext, input: TensorView): number[] | null {
  const shapeInput = c.optional(1);
  let dims: number[] | null = null;
  if (shapeInput) {
    c.type(shapeInput, 'shape', [TensorType.INT32]);
    dims = c.ints(shapeInput, 'shape');
    if (dims === null) return null;
  } else {
    const option = c.value('newShape');
    if (!Array.isArray(option)) return null;
    dims = option.map(Number);
  }
  const known = dims.filter((d) => d !== -1);
  if (known.some((d) => d < 0) || dims.length - known.length > 1) c.fail(`new shape [${dims.join(',')}] is not a shape`);
  if (known.length === dims.length) return dims;
  const rest = elementCount(known);
  const total = elementCount(input.shape);
  if (rest === 0 || total % rest !== 0) c.fail(`new shape [${dims.join(',')}] does not fit ${total} values`);
  return dims.map((d) => (d === -1 ? total / rest : d));
}

export const reshape: OpRule = {
  options: 'ReshapeOptions',
  check(c: OpContext) {
    c.counts(1, 2, 1);
    const input = c.input(0, 'input');
    const output = c.output(0);
    c.sameType(output, input, 'output', 'input');
    if (elementCount(output.shape) !== elementCount(input.shape)) {
      c.fail(`output tensor ${output.index} of shape [${output.shape.join(',')}] does not hold the ${elementCount(input.shape)} values of input tensor ${input.index}`);
    }
    const shape = newShape(c, input);
    if (shape) c.shape(output, 'output', shape);
  },
};
