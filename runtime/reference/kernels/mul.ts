// MUL, int8 (docs/int8-semantics.md §4.5; reference/integer_ops/mul.h, kernels/mul.cc): the real multiplier
// s1·s2/s_out is computed in float32 (as the C++ does with float scales), then
// y = MBQM((q1−zp1)·(q2−zp2), M, shift) + zp_out, clamped. NumPy broadcasting; results come from a
// 256 × 256 table of the formula made in prepare (as for ADD).
// arithmetic 'xnnpack': the table holds XNNPACK's qs8 multiply instead (float32 scale s1·s2/s_out,
// round half to even; xnnpack-elementwise.ts), which the WebAssembly engines delegate MUL to.
import { fusedActivationRange } from '../activation.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { tfliteArithmetic, type KernelContext, type ReferenceKernel } from '../kernel.js';
import { pairTable, preparePairOp, type PairQuant } from '../pair-table.js';
import { xnnpackPairTable } from '../xnnpack-elementwise.js';

export interface MulParams {
  zeroPoint1: number;
  zeroPoint2: number;
  multiplier: number;
  shift: number;
  outputZeroPoint: number;
  actMin: number;
  actMax: number;
}

/** The reference formula for one pair of int8 inputs. */
export function mulValue(p: MulParams, q1: number, q2: number): number {
  const q = multiplyByQuantizedMultiplier((q1 - p.zeroPoint1) * (q2 - p.zeroPoint2), p.multiplier, p.shift) + p.outputZeroPoint;
  return q < p.actMin ? p.actMin : q > p.actMax ? p.actMax : q;
}

export const MUL: ReferenceKernel = {
  builtin: 'MUL',
  prepare(ctx) {
    return preparePairOp(ctx, (q1, q2, qo) => xnnpackPairTable(ctx, 'MUL', q1, q2, qo) ?? mulTable(ctx, q1, q2, qo));
  },
};

/** The reference formula's table (also what the WebAssembly engines run where XNNPACK refuses the op). */
function mulTable(ctx: KernelContext, q1: PairQuant, q2: PairQuant, qo: PairQuant): Int8Array {
  const [actMin, actMax] = fusedActivationRange(tfliteArithmetic(ctx), qo.scale, qo.zeroPoint);
  const f32 = Math.fround;
  const m = quantizeMultiplier(f32(f32(f32(q1.scale) * f32(q2.scale)) / f32(qo.scale)));
  const p: MulParams = {
    zeroPoint1: q1.zeroPoint,
    zeroPoint2: q2.zeroPoint,
    multiplier: m.multiplier,
    shift: m.shift,
    outputZeroPoint: qo.zeroPoint,
    actMin,
    actMax,
  };
  return pairTable((q1, q2) => mulValue(p, q1, q2));
}
