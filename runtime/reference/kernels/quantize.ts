// QUANTIZE (facts §3.11). float32 → int8, reference AffineQuantize: q = round_half_away(f32(x / s))
// + zp, clamped (ties away from zero; TFLite's optimized and XNNPACK paths round ties to even).
// int8 → int8 requantization (reference Requantize): MBQM(q − zp_in, M, shift) + zp_out, clamped,
// with (M, shift) = QuantizeMultiplier(double(s_in) / double(s_out)).
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { elementCount, input, opError, output, perTensor, type ReferenceKernel } from '../kernel.js';

export function quantizeFloat(x: Float32Array, y: Int8Array, scale: number, zeroPoint: number): void {
  const s = Math.fround(scale);
  for (let i = 0; i < x.length; i++) {
    const v = Math.fround(x[i] / s);
    const q = (v < 0 ? -Math.round(-v) : Math.round(v)) + zeroPoint;
    y[i] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
}

export function requantize(x: Int8Array, y: Int8Array, inputZeroPoint: number, multiplier: number, shift: number, outputZeroPoint: number): void {
  for (let i = 0; i < x.length; i++) {
    const q = multiplyByQuantizedMultiplier(x[i] - inputZeroPoint, multiplier, shift) + outputZeroPoint;
    y[i] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
}

export const QUANTIZE: ReferenceKernel = {
  builtin: 'QUANTIZE',
  prepare(ctx) {
    const x = input(ctx, 0, 'float32', 'int8');
    const y = output(ctx, 0, 'int8');
    if (elementCount(x.shape) !== elementCount(y.shape)) throw opError(ctx, 'input and output sizes differ', 'E_MODEL_FILE');
    const outQ = perTensor(ctx, y);
    const yd = y.data as Int8Array;
    if (x.dtype === 'float32') {
      const xd = x.data as Float32Array;
      return () => quantizeFloat(xd, yd, outQ.scale, outQ.zeroPoint);
    }
    const inQ = perTensor(ctx, x);
    const { multiplier, shift } = quantizeMultiplier(inQ.scale / outQ.scale);
    const xd = x.data as Int8Array;
    return () => requantize(xd, yd, inQ.zeroPoint, multiplier, shift, outQ.zeroPoint);
  },
};
