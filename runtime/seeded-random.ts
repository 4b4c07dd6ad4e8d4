// Seeded PRNG (mulberry32) for reproducible data order, validation splits and augmentation. In the
// runtime because data sets (Node built-ins only) hold out seeded validation samples too.
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed mixed from a seed and two counters (multiply-xorshift rounds), for per-item generators. */
export function mixSeed(seed: number, a: number, b: number): number {
  let h = Math.imul(seed, 0x85ebca6b);
  h = Math.imul(h ^ a, 0xc2b2ae35);
  h = Math.imul(h ^ b, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
