// MAX_POOL_2D: windows clipped at the image edge (SAME), VALID, strides 1-2, fused RELU/RELU6.
import { Rng, type ConformanceCase } from '../build.js';
import { poolCase, poolSpecs } from './pool.js';

export function maxPool2dCases(): ConformanceCase[] {
  const rng = new Rng(6);
  return poolSpecs().map((s) => poolCase('MAX_POOL_2D', rng, s));
}
