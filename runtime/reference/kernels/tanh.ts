// TANH, int8 (docs/int8-semantics.md §4.10): lookup table of t = tanhf(d) in float32 (any output parameters;
// converters use (1/128, 0)).
import { f32 } from '../../quant/rounding.js';
import { prepareLookup } from '../lookup-table.js';
import type { ReferenceKernel } from '../kernel.js';

export const TANH: ReferenceKernel = {
  builtin: 'TANH',
  prepare(ctx) {
    return prepareLookup(ctx, (d) => f32(Math.tanh(d)));
  },
};
