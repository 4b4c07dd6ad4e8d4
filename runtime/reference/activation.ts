// Fused activation clamps (kernels/kernel_util.cc CalculateActivationRangeQuantized): the real
// bounds 0, 6, ±1 quantized with the output's parameters in float32, C rounding, within int8.
// XNNPACK quantizes the same bounds its own way (xnn_qs8_quantize: ties to even, zero point added
// before rounding); the two differ only when a bound falls exactly on a half step.
import { f32, roundHalfAway } from '../quant/rounding.js';
import { opError, type KernelContext } from './kernel.js';
import { xnnpackQuantizeBound } from './xnnpack-arithmetic.js';

export const INT8_MIN = -128;
export const INT8_MAX = 127;

export function activationRange(ctx: KernelContext, activation: string, scale: number, zeroPoint: number): [number, number] {
  const q =
    ctx.arithmetic === 'xnnpack'
      ? (real: number) => xnnpackQuantizeBound(real, scale, zeroPoint)
      : (real: number) => zeroPoint + roundHalfAway(f32(real / f32(scale)));
  switch (activation) {
    case 'NONE':
      return [INT8_MIN, INT8_MAX];
    case 'RELU':
      return [Math.max(INT8_MIN, q(0)), INT8_MAX];
    case 'RELU6':
      return [Math.max(INT8_MIN, q(0)), Math.min(INT8_MAX, q(6))];
    case 'RELU_N1_TO_1':
      return [Math.max(INT8_MIN, q(-1)), Math.min(INT8_MAX, q(1))];
    default:
      throw opError(ctx, `fused activation ${activation} is not supported on int8 (NONE, RELU, RELU6, RELU_N1_TO_1 are)`);
  }
}

/** The op's fused activation clamp for an int8 output with the given parameters. */
export function fusedActivationRange(ctx: KernelContext, scale: number, zeroPoint: number): [number, number] {
  return activationRange(ctx, ctx.op.fusedActivation ?? 'NONE', scale, zeroPoint);
}

/**
 * With XNNPACK's arithmetic: XNNPACK's clamp for the op's fused activation, or null when it
 * collapses to one value (min ≥ max) — XNNPACK refuses such a node and TFLite's kernel runs it.
 */
export function xnnpackFusedClamp(ctx: KernelContext, scale: number, zeroPoint: number): [number, number] | null {
  const [min, max] = fusedActivationRange(ctx, scale, zeroPoint);
  return min < max ? [min, max] : null;
}
