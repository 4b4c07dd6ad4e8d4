// What RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share (kernels/resize_bilinear.cc,
// kernels/resize_nearest_neighbor.cc): NHWC input, a size input of two int32 values (new height and
// width, both ≥ 1 when constant), output [N, height, width, C] of the input's type, and not both
// align_corners and half_pixel_centers (the kernels refuse the pair).
import { TensorType } from '../../../schemas/tflite.js';
import type { OpContext } from './op-context.js';

const { FLOAT32, INT8, UINT8, INT16 } = TensorType;

export function checkResize(c: OpContext): void {
  c.counts(2, 2, 1);
  const input = c.input(0, 'input');
  const size = c.input(1, 'size');
  const output = c.output(0);
  c.type(input, 'input', [FLOAT32, INT8, UINT8, INT16]);
  c.sameType(output, input, 'output', 'input');
  c.quantized(input, 'input');
  c.quantized(output, 'output');
  c.type(size, 'size', [TensorType.INT32]);
  c.shape(size, 'size', [2]);
  c.rank(input, 'input', 4);
  if (c.int('alignCorners') && c.int('halfPixelCenters')) c.fail('align_corners and half_pixel_centers are both set');
  const [n, , , channels] = input.shape as [number, number, number, number];
  const hw = c.ints(size, 'size');
  if (hw) {
    if (!(hw[0]! >= 1 && hw[1]! >= 1)) c.fail(`size tensor ${size.index} holds [${hw.join(',')}], expected two values ≥ 1`);
    c.shape(output, 'output', [n, hw[0]!, hw[1]!, channels]);
  } else {
    c.rank(output, 'output', 4);
  }
}
