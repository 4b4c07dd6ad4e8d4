// Deterministic stand-in inputs in [0, 1) for timing a model when no data set fits it (latency does
// not depend on the values): the same values on every machine, from a 32-bit linear congruential
// generator (the ANSI C rand() constants).

/** `count` samples of `per` values each, seeded with 1. */
export function seededInputs(per: number, count: number): Float32Array {
  let seed = 1;
  return Float32Array.from({ length: per * count }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}
