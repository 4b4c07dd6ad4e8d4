// XNNPACK's float32 requantization next to TFLite's fixed-point one, against exact rational
// arithmetic (BigInt): where each departs from correctly rounding acc·M, and by how much. This is the
// docs/engines.md's explanation of why the reference engine and the WebAssembly engines differ by one step.
import { describe, expect, it } from 'vitest';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../../runtime/reference/fixed-point.js';
import { roundHalfEven, xnnpackConvScale, xnnpackQuantizeBound, xnnpackRequantize } from '../../runtime/reference/xnnpack-arithmetic.js';
import { Rng } from '../conformance/build.js';

describe('roundHalfEven', () => {
  it('rounds ties to the even neighbour and everything else to nearest', () => {
    const cases: [number, number][] = [[0.5, 0], [1.5, 2], [2.5, 2], [-0.5, 0], [-1.5, -2], [-2.5, -2], [2.4999999, 2], [-2.5000001, -3], [7, 7]];
    for (const [x, want] of cases) expect(roundHalfEven(x) + 0, String(x)).toBe(want);
  });
});

describe('xnnpackQuantizeBound (xnn_qs8_quantize)', () => {
  it('RELU bounds are the zero point; RELU6 rounds 6/scale + zp half to even; ±∞ saturate', () => {
    expect(xnnpackQuantizeBound(0, 0.02, -128)).toBe(-128);
    expect(xnnpackQuantizeBound(6, 0.048, -128)).toBe(-3); // 125 − 128
    expect(xnnpackQuantizeBound(6, 0.8, 3)).toBe(10); // 7.5 + 3 = 10.5 → 10 (even), where TFLite's 3 + round(7.5) = 11
    expect(xnnpackQuantizeBound(Infinity, 0.1, 0)).toBe(127);
    expect(xnnpackQuantizeBound(-Infinity, 0.1, 0)).toBe(-128);
  });
});

/** acc·M₀·2^(shift−31) exactly, as numerator/denominator BigInts. */
function exact(acc: number, multiplier: number, shift: number): { num: bigint; den: bigint } {
  const num = BigInt(acc) * BigInt(multiplier);
  const e = 31 - shift;
  return e >= 0 ? { num, den: 1n << BigInt(e) } : { num: num << BigInt(-e), den: 1n };
}

/** round(num/den) with ties away from zero (TFLite's intent) or to even (XNNPACK's). */
function roundExact(num: bigint, den: bigint, ties: 'away' | 'even'): number {
  const neg = num < 0n;
  const a = neg ? -num : num;
  let q = (2n * a + den) / (2n * den);
  if (ties === 'even' && 2n * a + den === q * 2n * den && q % 2n === 1n) q -= 1n; // an exact tie, odd
  return Number(neg ? -q : q);
}

/** |num/den − (k + ½)| for the half k + ½ nearest to num/den, as a double (exact enough for a bound). */
function distanceToHalf(num: bigint, den: bigint): number {
  const v = Number(num) / Number(den);
  return Math.abs(v - (Math.floor(v) + 0.5));
}

describe('requantization: TFLite fixed point vs XNNPACK float32, against exact rounding', () => {
  const rng = new Rng(2026);
  const N = 200_000;
  const trials = Array.from({ length: N }, () => {
    const real = rng.logUniform(2 ** -12, 0.5); // s_in·s_w/s_out of typical conv layers
    const reach = Math.floor(200 / real); // accumulators whose outputs land in int8's range (±200 steps)
    const acc = rng.int(-reach, reach);
    return { real, acc };
  });

  it('TFLite rounds twice: one step further from zero than exact, only for magnitudes just below a half (within 2^-(e+1), e = −shift)', () => {
    let off = 0;
    for (const { real, acc } of trials) {
      const { multiplier, shift } = quantizeMultiplier(real);
      const { num, den } = exact(acc, multiplier, shift);
      const want = roundExact(num, den, 'away');
      const got = multiplyByQuantizedMultiplier(acc, multiplier, shift);
      if (got === want) continue;
      off++;
      expect(Math.abs(got) - Math.abs(want), `acc ${acc}, M ${real}`).toBe(1); // away from zero, by one
      const v = Math.abs(Number(num) / Number(den));
      expect(v - Math.floor(v), `acc ${acc}, M ${real}`).toBeLessThan(0.5); // just below a half …
      expect(distanceToHalf(num, den)).toBeLessThanOrEqual(2 ** (shift - 1)); // … within 2^-(e+1)
    }
    expect(off / N).toBeGreaterThan(0.0005); // common enough to matter
  });

  it('XNNPACK rounds ties to even and is otherwise off only within float32 precision of a half', () => {
    let off = 0;
    for (const { real, acc } of trials) {
      const { multiplier, shift } = quantizeMultiplier(real);
      const { num, den } = exact(acc, multiplier, shift);
      const want = roundExact(num, den, 'even');
      // The same real scale as XNNPACK sees it: float32 (here one float32 factor, so the scale is fround(real)).
      const got = xnnpackRequantize(acc, xnnpackConvScale(real, 1, 1), 0, -(2 ** 31), 2 ** 31);
      if (got === want) continue;
      off++;
      expect(Math.abs(got - want)).toBe(1);
      const v = Math.abs(Number(num) / Number(den));
      expect(distanceToHalf(num, den), `acc ${acc}, M ${real}`).toBeLessThanOrEqual(v * 2 ** -22 + 2 ** -40);
    }
    expect(off / N).toBeLessThan(0.0001);
  });
});
