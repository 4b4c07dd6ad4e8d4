// LEAKY_RELU, int8 (kernels/activations.cc LeakyReluPrepare; reference/leaky_relu.h
// QuantizeLeakyRelu): with d = q − zp_in, y = zp_out + MBQM(d, M_id, s_id) for d ≥ 0 and
// zp_out + MBQM(d, M_α, s_α) below, clamped to int8; (M_id, s_id) = QuantizeMultiplier(f32(s_in /
// s_out)) and (M_α, s_α) = QuantizeMultiplier(f32(f32(s_in · α) / s_out)) — float products, as the
// C++ computes them from float scales before widening to double. The optimized kernel is the same.
//
// arithmetic 'xnnpack': XNNPACK's qs8 leaky ReLU (src/microparams-init.c xnn_init_qs8_lrelu_*;
// qs8-vlrelu kernels): 8.8 fixed-point multipliers m± = lrintf(256·scale±) with scale₊ = f32(s_in /
// s_out), scale₋ = f32(scale₊ · α), and y = ((d·m± + 128) >> 8) + zp_out, clamped (round half up).
// Used where the WebAssembly engines delegate the op to XNNPACK; test/conformance records where
// that is (the delegates that take only float LEAKY_RELU run TFLite's kernel).
import { f32 } from '../../quant/rounding.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { int8Table, prepareTable } from '../lookup-table.js';
import { opError, option, type ReferenceKernel } from '../kernel.js';
import { roundHalfEven } from '../xnnpack-arithmetic.js';

export interface LeakyReluParams {
  inputZeroPoint: number;
  outputZeroPoint: number;
  identityMultiplier: number;
  identityShift: number;
  alphaMultiplier: number;
  alphaShift: number;
}

/** The reference formula for one int8 input value. */
export function leakyReluValue(p: LeakyReluParams, q: number): number {
  const d = q - p.inputZeroPoint;
  const r = p.outputZeroPoint + (d >= 0 ? multiplyByQuantizedMultiplier(d, p.identityMultiplier, p.identityShift) : multiplyByQuantizedMultiplier(d, p.alphaMultiplier, p.alphaShift));
  return r < -128 ? -128 : r > 127 ? 127 : r;
}

/** XNNPACK's qs8 leaky ReLU for one int8 input value (multipliers m± = lrintf(256·scale±)). */
export function leakyReluXnnpackValue(q: number, inputZeroPoint: number, positive: number, negative: number, outputZeroPoint: number): number {
  const d = q - inputZeroPoint;
  const r = Math.floor((d * (d >= 0 ? positive : negative) + 128) / 256) + outputZeroPoint;
  return r < -128 ? -128 : r > 127 ? 127 : r;
}

/**
 * XNNPACK's multipliers, or null where the delegate leaves the op to TFLite: its qs8 leaky ReLU
 * takes scale₊ in [2^-8, 2^7] and scale₋ in [−(2^7 − 2^-8), 2^7] with |scale₋| ≥ 2^-8.
 */
export function xnnpackLeakyReluMultipliers(inputScale: number, outputScale: number, alpha: number): [number, number] | null {
  const positive = f32(f32(inputScale) / f32(outputScale));
  const negative = f32(positive * f32(alpha));
  if (!(positive >= 2 ** -8 && positive <= 2 ** 7)) return null;
  if (!(negative <= 2 ** 7 && negative >= -(2 ** 7 - 2 ** -8) && Math.abs(negative) >= 2 ** -8)) return null;
  return [roundHalfEven(256 * positive), roundHalfEven(256 * negative)];
}

export const LEAKY_RELU: ReferenceKernel = {
  builtin: 'LEAKY_RELU',
  prepare(ctx) {
    const alpha = f32(option(ctx, 'alpha', 0));
    if (!(alpha >= 0)) throw opError(ctx, `alpha ${alpha} is not supported (≥ 0)`);
    // Every result depends on one int8 value: a 256-entry table made with the formula.
    return prepareTable(ctx, (inQ, outQ) => {
      const xnn = ctx.arithmetic === 'xnnpack' ? xnnpackLeakyReluMultipliers(inQ.scale, outQ.scale, alpha) : null;
      if (xnn) return int8Table((q) => leakyReluXnnpackValue(q, inQ.zeroPoint, xnn[0], xnn[1], outQ.zeroPoint));
      const identity = quantizeMultiplier(f32(f32(inQ.scale) / f32(outQ.scale)));
      const alphaM = quantizeMultiplier(f32(f32(f32(inQ.scale) * alpha) / f32(outQ.scale)));
      const p: LeakyReluParams = {
        inputZeroPoint: inQ.zeroPoint,
        outputZeroPoint: outQ.zeroPoint,
        identityMultiplier: identity.multiplier,
        identityShift: identity.shift,
        alphaMultiplier: alphaM.multiplier,
        alphaShift: alphaM.shift,
      };
      return int8Table((q) => leakyReluValue(p, q));
    });
  },
};
