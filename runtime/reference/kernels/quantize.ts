// QUANTIZE (docs/int8-semantics.md §4.11). float32 → int8, reference AffineQuantize: q = round_half_away(f32(x / s))
// + zp, clamped (ties away from zero; TFLite's optimized and XNNPACK paths round ties to even).
// int8 → int8 requantization (reference Requantize): MBQM(q − zp_in, M, shift) + zp_out, clamped,
// with (M, shift) = QuantizeMultiplier(double(s_in) / double(s_out)).
//
// arithmetic 'xnnpack': the WebAssembly engines delegate QUANTIZE to XNNPACK's convert operator
// (src/operators/unary-elementwise-nc.c):
// - float32 → int8 (f32-qs8-vcvt, magic-bias kernel): y = round_half_even(f32(x · f32(1 / s))) + zp,
//   clamped: a multiplication by the reciprocal, not a division, and ties to even.
// - int8 → int8 (qs8-vcvt; src/microparams-init.c xnn_init_qs8_cvt_*_params): an 8.8 fixed-point
//   ratio m = lrintf(256 · s_in/s_out) and y = ((q − zp_in)·m + 128) >> 8 + zp_out, clamped
//   (round half up; only 8 fraction bits of the ratio).
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { roundHalfEven } from '../xnnpack-arithmetic.js';
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

const fround = Math.fround;

export function quantizeFloatXnnpack(x: Float32Array, y: Int8Array, scale: number, zeroPoint: number): void {
  const inverse = fround(1 / fround(scale));
  for (let i = 0; i < x.length; i++) {
    const v = fround(x[i] * inverse);
    if (!(v >= -256 && v <= 256)) {
      y[i] = v < 0 ? -128 : 127; // far out of range; NaN comes out as 127 (the magic-bias kernel reads its bits as a large int)
      continue;
    }
    const q = roundHalfEven(v) + zeroPoint;
    y[i] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
}

/** XNNPACK qs8-vcvt with multiplier m = lrintf(256 · s_in/s_out) (the kernels negate it; same result). */
export function requantizeXnnpack(x: Int8Array, y: Int8Array, inputZeroPoint: number, multiplier: number, outputZeroPoint: number): void {
  for (let i = 0; i < x.length; i++) {
    const q = Math.floor(((x[i] - inputZeroPoint) * multiplier + 128) / 256) + outputZeroPoint;
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
      if (ctx.arithmetic === 'xnnpack') return () => quantizeFloatXnnpack(xd, yd, outQ.scale, outQ.zeroPoint);
      return () => quantizeFloat(xd, yd, outQ.scale, outQ.zeroPoint);
    }
    const inQ = perTensor(ctx, x);
    if (ctx.arithmetic === 'xnnpack') {
      const ratio = fround(fround(inQ.scale) / fround(outQ.scale));
      if (ratio >= 2 ** -8 && ratio <= 2 ** 7) {
        const m = roundHalfEven(256 * ratio); // lrintf(-256·ratio) in XNNPACK, negated again in the kernel
        const xd = x.data as Int8Array;
        return () => requantizeXnnpack(xd, yd, inQ.zeroPoint, m, outQ.zeroPoint);
      }
    }
    const { multiplier, shift } = quantizeMultiplier(inQ.scale / outQ.scale);
    const xd = x.data as Int8Array;
    return () => requantize(xd, yd, inQ.zeroPoint, multiplier, shift, outQ.zeroPoint);
  },
};
