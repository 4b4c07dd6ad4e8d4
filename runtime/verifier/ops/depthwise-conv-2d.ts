// DEPTHWISE_CONV_2D: see convolution.ts.
import { checkConvolution } from './convolution.js';
import type { OpRule } from './op-rule.js';

export const depthwiseConv2d: OpRule = { options: 'DepthwiseConv2DOptions', check: (c) => checkConvolution(c, true) };
