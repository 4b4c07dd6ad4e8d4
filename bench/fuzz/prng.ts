// Seeded PRNG (mulberry32): every fuzz case is a pure function of (run seed, case number), so any
// case replays alone with `npm run fuzz -- --seed S --case N`.
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
