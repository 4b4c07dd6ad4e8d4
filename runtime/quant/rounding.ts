// Rounding and quantization arithmetic exactly as TFLite's reference kernels do it: float32 steps
// (Math.fround) and C `round` (half away from zero), which JS Math.round is not (it rounds -2.5 to -2).

export const f32 = Math.fround;

/** C `round`: nearest integer, ties away from zero. Robust for 0.49999999999999994. */
export function roundHalfAway(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** TFLite QUANTIZE (reference): q = clamp(round(f32(x / scale)) + zp). */
export function quantizeValue(x: number, scale: number, zeroPoint: number, qmin = -128, qmax = 127): number {
  return clamp(roundHalfAway(f32(x / scale)) + zeroPoint, qmin, qmax);
}

/** TFLite DEQUANTIZE: f32(scale * (q - zp)). */
export function dequantizeValue(q: number, scale: number, zeroPoint: number): number {
  return f32(scale * (q - zeroPoint));
}
