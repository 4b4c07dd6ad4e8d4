// RESIZE_NEAREST_NEIGHBOR: see resize.ts.
import type { OpRule } from './op-rule.js';
import { checkResize } from './resize.js';

export const resizeNearestNeighbor: OpRule = { options: 'ResizeNearestNeighborOptions', check: checkResize };
