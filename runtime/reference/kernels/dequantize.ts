// DEQUANTIZE (docs/int8-semantics.md §4.12): int8 → float32, f32(double(s) · (q − zp)); the product is exact in
// double, so one float32 rounding.
import { elementCount, input, opError, output, perTensor, type ReferenceKernel } from '../kernel.js';

export function dequantize(x: Int8Array, y: Float32Array, scale: number, zeroPoint: number): void {
  for (let i = 0; i < x.length; i++) y[i] = scale * (x[i] - zeroPoint); // Float32Array store rounds once
}

export const DEQUANTIZE: ReferenceKernel = {
  builtin: 'DEQUANTIZE',
  prepare(ctx) {
    const x = input(ctx, 0, 'int8');
    const y = output(ctx, 0, 'float32');
    if (elementCount(x.shape) !== elementCount(y.shape)) throw opError(ctx, 'input and output sizes differ', 'E_MODEL_FILE');
    const { scale, zeroPoint } = perTensor(ctx, x);
    const xd = x.data as Int8Array;
    const yd = y.data as Float32Array;
    return () => dequantize(xd, yd, scale, zeroPoint);
  },
};
