// The converter's emitter registry: one emitter per TFLite builtin the converter writes.
import { ADD } from './add.js';
import { AVERAGE_POOL_2D } from './average-pool-2d.js';
import { CONCATENATION } from './concatenation.js';
import { CONV_2D } from './conv-2d.js';
import { DEPTHWISE_CONV_2D } from './depthwise-conv-2d.js';
import { DEQUANTIZE } from './dequantize.js';
import type { LayerEmitter } from './emitter.js';
import { FULLY_CONNECTED } from './fully-connected.js';
import { MAX_POOL_2D } from './max-pool-2d.js';
import { QUANTIZE } from './quantize.js';
import { RESHAPE } from './reshape.js';
import { SOFTMAX } from './softmax.js';

export const CONVERTER_EMITTERS: Record<string, LayerEmitter> = {
  QUANTIZE,
  FULLY_CONNECTED,
  CONV_2D,
  DEPTHWISE_CONV_2D,
  MAX_POOL_2D,
  AVERAGE_POOL_2D,
  RESHAPE,
  ADD,
  CONCATENATION,
  SOFTMAX,
  DEQUANTIZE,
};
