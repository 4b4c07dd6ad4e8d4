// Every op's parity cases; test/qat-ops.test.ts fails when a trainer op or emitter has none.
import { ADD_CASES } from './add.js';
import { AVERAGE_POOL_2D_CASES } from './average-pool-2d.js';
import { CONCATENATION_CASES } from './concatenation.js';
import { CONV_2D_CASES } from './conv-2d.js';
import { DEPTHWISE_CONV_2D_CASES } from './depthwise-conv-2d.js';
import { FULLY_CONNECTED_CASES } from './fully-connected.js';
import { MAX_POOL_2D_CASES } from './max-pool-2d.js';
import type { OpCases } from './op-case.js';
import { RESHAPE_CASES } from './reshape.js';
import { SOFTMAX_CASES } from './softmax.js';

export const OP_CASES: readonly OpCases[] = [
  FULLY_CONNECTED_CASES,
  CONV_2D_CASES,
  DEPTHWISE_CONV_2D_CASES,
  MAX_POOL_2D_CASES,
  AVERAGE_POOL_2D_CASES,
  RESHAPE_CASES,
  ADD_CASES,
  CONCATENATION_CASES,
  SOFTMAX_CASES,
];
