// RESIZE_NEAREST_NEIGHBOR: UpSampling2D (nearest, the default) ×(3, 2) after a strided conv.
import { RESIZE_OPS, upsampled } from './resize-bilinear.js';
import type { OpCases } from './op-case.js';

export const RESIZE_NEAREST_NEIGHBOR_CASES: OpCases = {
  builtin: 'RESIZE_NEAREST_NEIGHBOR',
  cases: [
    { name: 'UpSampling2D nearest x(3,2)', build: upsampled('nearest', [3, 2]), ops: RESIZE_OPS('RESIZE_NEAREST_NEIGHBOR') },
  ],
};
