// CONV_2D: see convolution.ts.
import { checkConvolution } from './convolution.js';
import type { OpRule } from './op-rule.js';

export const conv2d: OpRule = { options: 'Conv2DOptions', check: (c) => checkConvolution(c, false) };
