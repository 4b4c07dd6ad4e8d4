// What RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share in prepare (kernels/resize_bilinear.cc,
// kernels/resize_nearest_neighbor.cc): an NHWC input, a constant size input [new height, new
// width] equal to the output's static shape, the align_corners / half_pixel_centers options.
// Neither op requantizes: raw int8 values are copied or interpolated (the converter gives the output
// the input's scale and zero point).
import { input, opError, option, output, type KernelContext } from './kernel.js';

export interface ResizeGeometry {
  batches: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

export function prepareResize(ctx: KernelContext): { geometry: ResizeGeometry; x: Int8Array; y: Int8Array } {
  const x = input(ctx, 0, 'int8');
  const size = input(ctx, 1, 'int32');
  const y = output(ctx, 0, 'int8');
  if (!size.constant) throw opError(ctx, 'size is not constant (the reference engine runs static shapes)');
  if (x.shape.length !== 4) throw opError(ctx, `input ${x.name} has shape [${x.shape.join(',')}], expected NHWC`, 'E_MODEL_FILE');
  const [batches, inH, inW, channels] = x.shape;
  const hw = Array.from(size.data as Int32Array);
  const expected = [batches, hw[0], hw[1], channels];
  if (hw.length !== 2 || !(hw[0] >= 1 && hw[1] >= 1) || y.shape.length !== 4 || y.shape.some((d, i) => d !== expected[i])) {
    throw opError(ctx, `size [${hw.join(',')}] and output shape [${y.shape.join(',')}] do not match input [${x.shape.join(',')}]`, 'E_MODEL_FILE');
  }
  const alignCorners = option(ctx, 'alignCorners', false);
  const halfPixelCenters = option(ctx, 'halfPixelCenters', false);
  if (alignCorners && halfPixelCenters) throw opError(ctx, 'align_corners and half_pixel_centers are both set', 'E_MODEL_FILE');
  return {
    geometry: { batches, inH, inW, channels, outH: hw[0], outW: hw[1], alignCorners, halfPixelCenters },
    x: x.data as Int8Array,
    y: y.data as Int8Array,
  };
}
