// TFLite's fixed-point requantization primitives, bit-exact and without BigInt (docs/int8-semantics.md §3):
// QuantizeMultiplier (kernels/internal/quantization_util.cc), gemmlowp's
// SaturatingRoundingDoublingHighMul and RoundingDivideByPOT, and MultiplyByQuantizedMultiplier in
// the default "double rounding" build (kernels/internal/common.cc).
//
// The 64-bit product a·M of SRDHM is split into 16-bit limbs so that every intermediate is an
// integer below 2^53 and therefore exact in a JS number; test/reference/fixed-point.test.ts checks
// it against a BigInt transcription of the C code on edge cases and millions of random inputs.

export interface QuantizedMultiplier {
  /** int32 in [2^30, 2^31 - 1], or 0. */
  multiplier: number;
  /** Power-of-two exponent: positive = left shift, negative = right shift; ≥ -31. */
  shift: number;
}

const TWO_31 = 2147483648;
const TWO_30 = 1073741824;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INV_TWO_31 = 1 / TWO_31; // exact: a power of two

/** C `frexp`: x = q·2^e with |q| in [0.5, 1). Exact (scaling by powers of two is exact). */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.floor(Math.log2(Math.abs(x))) + 1;
  let q = x * 2 ** -e;
  // log2 may be off by one near powers of two; fix up.
  while (Math.abs(q) >= 1) {
    q /= 2;
    e++;
  }
  while (Math.abs(q) < 0.5) {
    q *= 2;
    e--;
  }
  return [q, e];
}

/** C `round` (half away from zero); exact for all doubles. */
function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** QuantizeMultiplier(double): real ≈ multiplier·2^(shift−31). */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 };
  const [q, e] = frexp(real);
  let qFixed = roundAway(q * TWO_31);
  let shift = e;
  if (qFixed === TWO_31) {
    qFixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: qFixed, shift };
}

/**
 * gemmlowp SaturatingRoundingDoublingHighMul: the high 32 bits of 2·a·b, rounded to nearest with
 * ties toward +∞ (nudge 2^30 or 1 − 2^30, then division by 2^31 truncating toward zero).
 * a and b are int32.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // b = bHi·2^16 + bLo with bLo in [0, 2^16): both partial products are exact (< 2^47).
  const bHi = b >> 16;
  const bLo = b & 0xffff;
  const hi = a * bHi;
  const lo = a * bLo;
  // Sign of p = hi·2^16 + lo: the rounded double sum has the exact sum's sign.
  const nudge = hi * 65536 + lo >= 0 ? TWO_30 : 1 - TWO_30;
  // hi = hiQ·2^15 + hiR, so p + nudge = hiQ·2^31 + r with r exact (|r| < 2^48).
  const hiQ = Math.floor(hi * (1 / 32768));
  const r = (hi - hiQ * 32768) * 65536 + lo + nudge;
  const rQ = Math.floor(r * INV_TWO_31);
  const floorQ = hiQ + rQ;
  // floor → truncation toward zero for negative non-integral quotients.
  return floorQ < 0 && r - rQ * TWO_31 !== 0 ? floorQ + 1 : floorQ;
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. 0 ≤ exponent ≤ 31. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const mask = (1 << exponent) - 1; // for 31: ToInt32 in `&` and `>>` below makes it 0x7fffffff
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * MultiplyByQuantizedMultiplier (double rounding): RoundingDivideByPOT(SRDHM(x·2^left, M), right).
 * x·2^left wraps to int32 like the C code.
 */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const a = x << left;
  // Fast path: |a| < 2^22 and 0 ≤ M < 2^31 make a·M + 2^30 an exact double (< 2^53), and for any
  // sign SRDHM = floor((a·M + 2^30) / 2^31) (the C nudge and truncation toward zero amount to that).
  if (a < 4194304 && a > -4194304 && multiplier >= 0) {
    return roundingDivideByPOT(Math.floor((a * multiplier + TWO_30) * INV_TWO_31), right);
  }
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(a, multiplier), right);
}
