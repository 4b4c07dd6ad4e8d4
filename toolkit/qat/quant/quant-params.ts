// Quantization parameters from observed ranges, computed in float32 the same way in the trainer's
// fake-quant and in the converter, so that simulation and the exported file use identical numbers.
import { clamp, f32, roundHalfAway } from '../../../runtime/quant/rounding.js';

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** The int8 schemes edgeqat uses: activations asymmetric [-128,127]; weights symmetric narrow [-127,127]. */
export const INT8_ACTIVATION = { qmin: -128, qmax: 127 } as const;
export const INT8_WEIGHT = { qmin: -127, qmax: 127 } as const;

/** Smallest scale we allow, so an all-zero tensor still gets a valid (positive) scale. */
export const MIN_SCALE = 1e-8;

/**
 * Asymmetric params from a (min, max) range widened to include 0: scale = (max - min) / 255,
 * zp = round(qmin - min / scale) clamped to [qmin, qmax] (TFLite's GetAsymmetricQuantizationParams).
 */
export function asymmetricParams(min: number, max: number, qmin = INT8_ACTIVATION.qmin, qmax = INT8_ACTIVATION.qmax): QuantParams {
  const lo = f32(Math.min(min, 0));
  const hi = f32(Math.max(max, 0));
  const scale = Math.max(f32(f32(hi - lo) / (qmax - qmin)), MIN_SCALE);
  const zeroPoint = clamp(roundHalfAway(f32(qmin - f32(lo / scale))), qmin, qmax);
  return { scale: f32(scale), zeroPoint };
}

/** Symmetric params (zp 0): scale = max|w| / qmax. */
export function symmetricParams(maxAbs: number, qmax = INT8_WEIGHT.qmax): QuantParams {
  return { scale: f32(Math.max(f32(f32(maxAbs) / qmax), MIN_SCALE)), zeroPoint: 0 };
}
