// The BigInt-free fixed-point primitives against a BigInt transcription of the C code
// (gemmlowp fixedpoint.h, tflite kernels/internal/common.cc and quantization_util.cc): edge cases
// and a million random inputs each.
import { describe, expect, it } from 'vitest';
import {
  frexp,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../runtime/reference/fixed-point.js';
import { Rng } from '../conformance/build.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** gemmlowp SaturatingRoundingDoublingHighMul, 64-bit arithmetic as BigInt. */
function srdhmBig(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // BigInt division truncates toward zero, like C
}

/** gemmlowp RoundingDivideByPOT on int32 (BigInt & and >> behave as two's complement). */
function rdbpBig(x: number, exponent: number): number {
  const mask = (1n << BigInt(exponent)) - 1n;
  const remainder = BigInt(x) & mask;
  const threshold = (mask >> 1n) + (x < 0 ? 1n : 0n);
  return Number((BigInt(x) >> BigInt(exponent)) + (remainder > threshold ? 1n : 0n));
}

function mbqmBig(x: number, multiplier: number, shift: number): number {
  const left = Math.max(shift, 0);
  const right = Math.max(-shift, 0);
  const shifted = Number(BigInt.asIntN(32, BigInt(x) * (1n << BigInt(left)))); // int32 wrap, as C
  return rdbpBig(srdhmBig(shifted, multiplier), right);
}

const int32 = (rng: Rng) => (Math.floor(rng.next() * 2 ** 32) | 0);

describe('fixed-point primitives (no BigInt) = BigInt transcription of TFLite/gemmlowp', () => {
  it('SaturatingRoundingDoublingHighMul: edge cases', () => {
    const edges = [0, 1, -1, 2, -2, 3, 65535, 65536, -65536, 2 ** 30, -(2 ** 30), INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1];
    for (const a of edges) for (const b of edges) expect(saturatingRoundingDoublingHighMul(a, b), `${a} × ${b}`).toBe(srdhmBig(a, b));
    // Ties: p/2^31 = ±0.5, ±1.5 round toward +∞.
    expect(saturatingRoundingDoublingHighMul(1, 2 ** 30)).toBe(1);
    expect(saturatingRoundingDoublingHighMul(-1, 2 ** 30)).toBe(0);
    expect(saturatingRoundingDoublingHighMul(-3, 2 ** 30)).toBe(-1);
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
  });

  it('SaturatingRoundingDoublingHighMul: 1,000,000 random int32 pairs', () => {
    const rng = new Rng(1);
    for (let k = 0; k < 1_000_000; k++) {
      const a = int32(rng);
      const b = k % 2 ? int32(rng) : 2 ** 30 + Math.floor(rng.next() * 2 ** 30); // any b, and multiplier-like b
      const got = saturatingRoundingDoublingHighMul(a, b);
      if (got !== srdhmBig(a, b)) expect(got, `${a} × ${b}`).toBe(srdhmBig(a, b));
    }
  });

  it('RoundingDivideByPOT: ties away from zero, every exponent 0..31', () => {
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(3, 1)).toBe(2);
    expect(roundingDivideByPOT(-3, 1)).toBe(-2);
    const rng = new Rng(2);
    for (let e = 0; e <= 31; e++) {
      for (const x of [0, 1, -1, INT32_MAX, INT32_MIN, 2 ** e, -(2 ** e), 2 ** Math.max(e - 1, 0), -(2 ** Math.max(e - 1, 0))]) {
        const v = x | 0;
        expect(roundingDivideByPOT(v, e), `${v} / 2^${e}`).toBe(rdbpBig(v, e));
      }
      for (let k = 0; k < 20_000; k++) {
        const x = int32(rng);
        const got = roundingDivideByPOT(x, e);
        if (got !== rdbpBig(x, e)) expect(got, `${x} / 2^${e}`).toBe(rdbpBig(x, e));
      }
    }
  });

  it('MultiplyByQuantizedMultiplier: 1,000,000 random (x, M, shift), shifts −31..+8', () => {
    const rng = new Rng(3);
    for (let k = 0; k < 1_000_000; k++) {
      // Accumulators are usually far below 2^31; |x·2^left| < 2^22 takes the fast path, the rest the limb path.
      const x = k % 3 === 0 ? int32(rng) : k % 3 === 1 ? rng.int(-(2 ** 24), 2 ** 24) : rng.int(-(2 ** 22), 2 ** 22);
      const m = 2 ** 30 + Math.floor(rng.next() * 2 ** 30);
      const shift = rng.int(-31, 8);
      const got = multiplyByQuantizedMultiplier(x, m, shift);
      if (got !== mbqmBig(x, m, shift)) expect(got, `MBQM(${x}, ${m}, ${shift})`).toBe(mbqmBig(x, m, shift));
    }
  });

  it('MultiplyByQuantizedMultiplier: fast-path boundary ±2^22 and ties', () => {
    for (const x of [4194303, 4194304, -4194303, -4194304, 4194305, -4194305, 0, 1, -1]) {
      for (const m of [2 ** 30, 2 ** 31 - 1, 1518500250]) {
        for (const shift of [-31, -20, -8, -1, 0, 1, 3]) expect(multiplyByQuantizedMultiplier(x, m, shift), `${x} ${m} ${shift}`).toBe(mbqmBig(x, m, shift));
      }
    }
    // x·M / 2^31 exactly k + ½ (SRDHM ties go up), then / 2^1 exactly ±½ (RoundingDivideByPOT ties go away).
    expect(multiplyByQuantizedMultiplier(3, 2 ** 30, 0)).toBe(mbqmBig(3, 2 ** 30, 0));
    expect(multiplyByQuantizedMultiplier(-3, 2 ** 30, 0)).toBe(mbqmBig(-3, 2 ** 30, 0));
    expect(multiplyByQuantizedMultiplier(-2, 2 ** 30, -1)).toBe(mbqmBig(-2, 2 ** 30, -1));
    expect(multiplyByQuantizedMultiplier(2, 2 ** 30, -1)).toBe(mbqmBig(2, 2 ** 30, -1));
  });

  it('QuantizeMultiplier: frexp, rounding to 2^31, flush below 2^-31', () => {
    expect(frexp(1)).toEqual([0.5, 1]);
    expect(frexp(0.75)).toEqual([0.75, 0]);
    expect(frexp(2 ** -40)).toEqual([0.5, -39]);
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 2 ** 30, shift: 0 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 3 * 2 ** 29, shift: 0 });
    // q·2^31 rounds up to 2^31: becomes 2^30 with the exponent one higher.
    expect(quantizeMultiplier(1 - 2 ** -34)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(2 ** -31)).toEqual({ multiplier: 2 ** 30, shift: -30 });
    expect(quantizeMultiplier(2 ** -32)).toEqual({ multiplier: 2 ** 30, shift: -31 });
    expect(quantizeMultiplier(2 ** -33)).toEqual({ multiplier: 0, shift: 0 }); // exponent −32 < −31: flushed
    const rng = new Rng(4);
    for (let k = 0; k < 10_000; k++) {
      const real = Math.exp((rng.next() - 0.7) * 20); // 8e-7 … 400
      const { multiplier, shift } = quantizeMultiplier(real);
      expect(multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(multiplier).toBeLessThan(2 ** 31);
      expect(Math.abs(multiplier * 2 ** (shift - 31) - real) / real).toBeLessThanOrEqual(2 ** -31);
    }
  });
});
