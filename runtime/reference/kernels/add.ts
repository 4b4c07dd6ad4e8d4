// ADD, int8 (docs/int8-semantics.md §4.4; reference/integer_ops/add.h, kernels/add.cc): both inputs are shifted left
// by 20 bits, rescaled to twice the larger input scale with fixed-point multipliers, summed, and
// rescaled to the output:
//   M1 = QM(s1 / 2max), M2 = QM(s2 / 2max), Mo = QM(2max / (2^20 · s_out)), all shifts ≤ 0;
//   y = MBQM(MBQM((q1−zp1)·2^20, M1) + MBQM((q2−zp2)·2^20, M2), Mo) + zp_out, clamped.
// NumPy broadcasting. The result depends only on the two int8 inputs, so prepare evaluates the
// formula once for all 256 × 256 pairs and eval looks results up (same integers, one load each).
// arithmetic 'xnnpack': the table holds XNNPACK's qs8 add instead (21-bit multipliers, one shift,
// round half up; xnnpack-elementwise.ts), which the WebAssembly engines delegate ADD to.
import { fusedActivationRange } from '../activation.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { opError, tfliteArithmetic, type KernelContext, type ReferenceKernel } from '../kernel.js';
import { pairTable, preparePairOp, type PairQuant } from '../pair-table.js';
import { xnnpackPairTable } from '../xnnpack-elementwise.js';

const LEFT_SHIFT = 20;

export interface AddParams {
  zeroPoint1: number;
  zeroPoint2: number;
  multiplier1: number;
  shift1: number;
  multiplier2: number;
  shift2: number;
  outputMultiplier: number;
  outputShift: number;
  outputZeroPoint: number;
  actMin: number;
  actMax: number;
}

/** The reference formula for one pair of int8 inputs. */
export function addValue(p: AddParams, q1: number, q2: number): number {
  const v1 = (q1 - p.zeroPoint1) * (1 << LEFT_SHIFT);
  const v2 = (q2 - p.zeroPoint2) * (1 << LEFT_SHIFT);
  const sum = multiplyByQuantizedMultiplier(v1, p.multiplier1, p.shift1) + multiplyByQuantizedMultiplier(v2, p.multiplier2, p.shift2);
  const q = multiplyByQuantizedMultiplier(sum, p.outputMultiplier, p.outputShift) + p.outputZeroPoint;
  return q < p.actMin ? p.actMin : q > p.actMax ? p.actMax : q;
}

export const ADD: ReferenceKernel = {
  builtin: 'ADD',
  prepare(ctx) {
    return preparePairOp(ctx, (q1, q2, qo) => xnnpackPairTable(ctx, 'ADD', q1, q2, qo) ?? addTable(ctx, q1, q2, qo));
  },
};

/** The reference formula's table (also what the WebAssembly engines run where XNNPACK refuses the op). */
function addTable(ctx: KernelContext, q1: PairQuant, q2: PairQuant, qo: PairQuant): Int8Array {
  const [actMin, actMax] = fusedActivationRange(tfliteArithmetic(ctx), qo.scale, qo.zeroPoint);
  const twiceMax = 2 * Math.max(q1.scale, q2.scale);
  const m1 = quantizeMultiplier(q1.scale / twiceMax);
  const m2 = quantizeMultiplier(q2.scale / twiceMax);
  const realOut = twiceMax / (2 ** LEFT_SHIFT * qo.scale);
  if (!(realOut < 1)) throw opError(ctx, `output scale ${qo.scale} is too small for input scales ${q1.scale} and ${q2.scale}`);
  const mo = quantizeMultiplier(realOut);
  const p: AddParams = {
    zeroPoint1: q1.zeroPoint,
    zeroPoint2: q2.zeroPoint,
    multiplier1: m1.multiplier,
    shift1: m1.shift,
    multiplier2: m2.multiplier,
    shift2: m2.shift,
    outputMultiplier: mo.multiplier,
    outputShift: mo.shift,
    outputZeroPoint: qo.zeroPoint,
    actMin,
    actMax,
  };
  return pairTable((q1, q2) => addValue(p, q1, q2));
}
