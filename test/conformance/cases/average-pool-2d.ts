// AVERAGE_POOL_2D: windows clipped at the image edge (SAME), VALID, strides 1-2, global pooling,
// fused RELU/RELU6; rounding of negative and positive raw sums.
import { Rng, type ConformanceCase } from '../build.js';
import { poolCase, poolSpecs } from './pool.js';

export function averagePool2dCases(): ConformanceCase[] {
  const rng = new Rng(5);
  return poolSpecs().map((s) => poolCase('AVERAGE_POOL_2D', rng, s));
}
