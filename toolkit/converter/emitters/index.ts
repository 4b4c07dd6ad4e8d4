// The converter's emitter registry: one emitter per TFLite builtin the converter writes.
import { DEQUANTIZE } from './dequantize.js';
import type { LayerEmitter } from './emitter.js';
import { FULLY_CONNECTED } from './fully-connected.js';
import { QUANTIZE } from './quantize.js';

export const CONVERTER_EMITTERS: Record<string, LayerEmitter> = { QUANTIZE, FULLY_CONNECTED, DEQUANTIZE };
