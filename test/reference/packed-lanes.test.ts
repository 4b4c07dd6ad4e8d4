// Two int8 weights per float64 (packed-lanes.ts) must give exactly the plain integer sums, also at
// the bound (all weights ±127, multiplicands ±255), and fall back to one lane past it.
import { describe, expect, it } from 'vitest';
import { choosePacking, packPair, unpackInto } from '../../runtime/reference/packed-lanes.js';
import { Rng } from '../conformance/build.js';

function check(units: number, depth: number, weight: (o: number, i: number) => number, d: (i: number) => number): { lanes: number } {
  const packing = choosePacking(units, depth, weight, 255);
  const sums = new Float64Array(packing.columns);
  for (let i = 0; i < depth; i++) {
    for (let j = 0; j < packing.columns; j++) sums[j] += packPair(packing, units, j, (o) => weight(o, i)) * d(i);
  }
  const got = new Float64Array(units);
  unpackInto(packing, sums, units, got);
  for (let o = 0; o < units; o++) {
    let expected = 0;
    for (let i = 0; i < depth; i++) expected += weight(o, i) * d(i);
    if (got[o] !== expected) expect(got[o], `unit ${o}`).toBe(expected);
  }
  return { lanes: packing.lanes };
}

describe('packed lanes', () => {
  it('extreme weights and multiplicands of both signs (odd unit count)', () => {
    // Worst case (every |w| = 127) packs up to depth ≈ 2,070; real layers, with smaller weights, deeper.
    for (const depth of [1, 784, 1400]) {
      expect(check(7, depth, (o, i) => ((o + i) % 2 ? 127 : -127), (i) => (i % 3 ? 255 : -255)).lanes).toBe(2);
      expect(check(5, depth, () => -127, () => 255).lanes).toBe(2);
      expect(check(5, depth, () => 127, () => -255).lanes).toBe(2);
    }
  });

  it('random weights', () => {
    const rng = new Rng(5);
    const w = Int8Array.from({ length: 33 * 300 }, () => rng.int(-127, 127));
    const d = Int32Array.from({ length: 300 }, () => rng.int(-255, 255));
    expect(check(33, 300, (o, i) => w[o * 300 + i], (i) => d[i]).lanes).toBe(2);
  });

  it('one lane when two would not be exact (very deep layers)', () => {
    // Bound B = depth·127·255; two lanes need B·(2^K + 1) < 2^53 with 2^K ≥ 4(B + 1).
    expect(check(3, 2100, () => 127, () => 255).lanes).toBe(1);
    expect(check(3, 200_000, () => 127, (i) => (i % 2 ? 255 : -254)).lanes).toBe(1);
    expect(choosePacking(1, 10, () => 1, 255).lanes).toBe(1); // a single unit has nothing to pair
  });
});
