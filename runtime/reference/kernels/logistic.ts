// LOGISTIC, int8 (docs/int8-semantics.md §4.10): lookup table of t = 1 / (1 + expf(−d)) in float32. BUILTIN_REF
// requires the output scale to be exactly 1/256.
import { f32 } from '../../quant/rounding.js';
import { prepareLookup } from '../lookup-table.js';
import type { ReferenceKernel } from '../kernel.js';

export const LOGISTIC: ReferenceKernel = {
  builtin: 'LOGISTIC',
  prepare(ctx) {
    return prepareLookup(
      ctx,
      (d) => f32(1 / f32(1 + f32(Math.exp(-d)))),
      (scale) => (f32(scale) === 1 / 256 ? null : `output scale must be 1/256, is ${scale}`),
    );
  },
};
