// RESIZE_BILINEAR: see resize.ts.
import type { OpRule } from './op-rule.js';
import { checkResize } from './resize.js';

export const resizeBilinear: OpRule = { options: 'ResizeBilinearOptions', check: checkResize };
