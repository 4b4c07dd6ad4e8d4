// The trainer's seeded PRNG is the runtime's (data sets draw seeded validation splits with it too).
export { mixSeed, mulberry32, permutation } from '../../runtime/seeded-random.js';
