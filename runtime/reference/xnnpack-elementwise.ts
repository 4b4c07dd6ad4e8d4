// XNNPACK's int8 element-wise arithmetic (the version tfjs-tflite 0.0.1-alpha.10 is built with,
// mid-2023), for the kernels' `arithmetic: 'xnnpack'` branch. Each function computes one output
// value from its int8 inputs the way the XNNPACK micro-kernel does; the kernels tabulate them.
// Float32 in JS: Math.fround after every operation (see xnnpack-arithmetic.ts).
import { xnnpackFusedClamp } from './activation.js';
import type { KernelContext } from './kernel.js';
import { pairTable, type PairQuant as Quant } from './pair-table.js';
import { roundHalfEven, xnnpackRequantize } from './xnnpack-arithmetic.js';

/**
 * With XNNPACK's arithmetic, XNNPACK's result table (pair-table.ts) for an int8 ADD or MUL; null with
 * the reference arithmetic or when XNNPACK refuses the op — scales out of its range, or activation
 * bounds that quantize to min ≥ max — so that TFLite's kernel runs it (the reference arithmetic, with
 * TFLite's bounds).
 */
export function xnnpackPairTable(ctx: KernelContext, op: 'ADD' | 'MUL', a: Quant, b: Quant, out: Quant): Int8Array | null {
  if (ctx.arithmetic !== 'xnnpack') return null;
  const clamp = xnnpackFusedClamp(ctx, out.scale, out.zeroPoint);
  if (!clamp) return null;
  const [min, max] = clamp;
  if (op === 'ADD') {
    const p = xnnpackAddParams(a, b, out, min, max);
    return p && pairTable((qa, qb) => xnnpackAddValue(p, qa, qb));
  }
  const p = xnnpackMulParams(a, b, out, min, max);
  return p && pairTable((qa, qb) => xnnpackMulValue(p, qa, qb));
}

const fround = Math.fround;

/** Integer part of log2 of a positive normal float32: its biased exponent field − 127. */
function float32Exponent(x: number): number {
  const bits = new Uint32Array(Float32Array.of(x).buffer)[0];
  return (bits >>> 23) - 127;
}

export interface XnnpackAddParams {
  aMultiplier: number;
  bMultiplier: number;
  bias: number;
  /** 2^shift: the accumulator is divided by it, rounding down (an arithmetic shift). */
  divisor: number;
  outputZeroPoint: number;
  min: number;
  max: number;
}

/**
 * ADD (src/operators/binary-elementwise-nd.c xnn_create_add_nd_qs8, src/microparams-init.c
 * xnn_init_qs8_add_minmax_*_params, src/qs8-vadd): each input's scale ratio r = s_in / s_out
 * (float32) becomes a 21-bit integer multiplier lrintf(r · 2^shift), shift = 20 − ⌊log2 max(r_a,
 * r_b)⌋; y = (bias + q_a·m_a + q_b·m_b) >> shift + zp_out with bias = 2^(shift−1) − m_a·zp_a − m_b·zp_b
 * (round half up). Returns null when a ratio is outside [2^-10, 2^8), which XNNPACK refuses (the op
 * then stays on TFLite's optimized kernel, whose arithmetic is the reference one).
 */
export function xnnpackAddParams(a: Quant, b: Quant, out: Quant, min: number, max: number): XnnpackAddParams | null {
  const ra = fround(fround(a.scale) / fround(out.scale));
  const rb = fround(fround(b.scale) / fround(out.scale));
  const inRange = (r: number) => r >= 2 ** -10 && r < 2 ** 8;
  if (!inRange(ra) || !inRange(rb)) return null;
  const shift = 20 - float32Exponent(Math.max(ra, rb)); // in [12, 30]
  const aMultiplier = roundHalfEven(ra * 2 ** shift); // scaling by 2^shift is exact
  const bMultiplier = roundHalfEven(rb * 2 ** shift);
  const bias = 2 ** (shift - 1) - aMultiplier * a.zeroPoint - bMultiplier * b.zeroPoint;
  return { aMultiplier, bMultiplier, bias, divisor: 2 ** shift, outputZeroPoint: out.zeroPoint, min, max };
}

export function xnnpackAddValue(p: XnnpackAddParams, qa: number, qb: number): number {
  // |acc| < 2^31, exact in a double; floor of the quotient is the arithmetic shift.
  const q = Math.floor((p.bias + qa * p.aMultiplier + qb * p.bMultiplier) / p.divisor) + p.outputZeroPoint;
  return q < p.min ? p.min : q > p.max ? p.max : q;
}

export interface XnnpackMulParams {
  zeroPointA: number;
  zeroPointB: number;
  /** s_a · s_b / s_out in float32. */
  scale: number;
  outputZeroPoint: number;
  min: number;
  max: number;
}

/**
 * MUL (binary-elementwise-nd.c xnn_create_multiply_nd_qs8, src/qs8-vmul fp32 kernels):
 * y = round_half_even(f32((q_a − zp_a)·(q_b − zp_b)) · f32(f32(s_a·s_b) / s_out)) + zp_out, clamped.
 * Returns null when the scale is outside [2^-16, 2^8), which XNNPACK refuses.
 */
export function xnnpackMulParams(a: Quant, b: Quant, out: Quant, min: number, max: number): XnnpackMulParams | null {
  const scale = fround(fround(fround(a.scale) * fround(b.scale)) / fround(out.scale));
  if (!(scale >= 2 ** -16 && scale < 2 ** 8)) return null;
  return { zeroPointA: a.zeroPoint, zeroPointB: b.zeroPoint, scale, outputZeroPoint: out.zeroPoint, min, max };
}

export function xnnpackMulValue(p: XnnpackMulParams, qa: number, qb: number): number {
  return xnnpackRequantize((qa - p.zeroPointA) * (qb - p.zeroPointB), p.scale, p.outputZeroPoint, p.min, p.max);
}
