// The converter's emitter registry: one emitter per op the converter writes (the trainer's ops and
// the QUANTIZE/DEQUANTIZE stubs), one file each in this folder, listed by ./generated/registry.ts
// (`npm run gen:ops`).
import type { LayerEmitter } from './emitter.js';
import { EMITTER_FILES } from './generated/registry.js';

export const CONVERTER_EMITTERS: Readonly<Record<string, LayerEmitter>> = EMITTER_FILES;
