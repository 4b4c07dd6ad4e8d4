// Seeded PRNG (mulberry32): every fuzz case is a pure function of (run seed, case number), so any
// case replays alone with `npm run fuzz -- --seed S --case N`.
import { mulberry32 } from '../../toolkit/engine/seeded-random.js';

export { mulberry32 };
export type Rng = () => number;

/** The generator of case `index` of the run with seed `seed`. */
export function caseRng(seed: number, index: number): Rng {
  return mulberry32(Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77));
}

export function int(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[int(rng, xs.length)]!;
}
