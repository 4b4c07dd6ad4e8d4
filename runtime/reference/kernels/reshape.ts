// RESHAPE (docs/int8-semantics.md §4.7): a copy. The target shape is the output tensor's static shape (from the
// optional shape operand or ReshapeOptions.new_shape at conversion time); values are not requantized.
import { elementCount, input, opError, output, type ReferenceKernel } from '../kernel.js';

export const RESHAPE: ReferenceKernel = {
  builtin: 'RESHAPE',
  prepare(ctx) {
    const x = input(ctx, 0, 'int8', 'float32', 'int32');
    const y = output(ctx, 0, x.dtype);
    if (elementCount(x.shape) !== elementCount(y.shape)) {
      throw opError(ctx, `cannot reshape [${x.shape.join(',')}] to [${y.shape.join(',')}]`, 'E_MODEL_FILE');
    }
    const xd = x.data;
    const yd = y.data;
    return () => yd.set(xd as never);
  },
};
