// Converter emitter for AVERAGE_POOL_2D (AveragePooling2D, GlobalAveragePooling2D, AveragePooling1D,
// GlobalAveragePooling1D): global pooling as AVERAGE_POOL_2D over the whole image + RESHAPE to [C] —
// one well-defined kernel on every TFLite resolver, where MEAN differs between them (docs/int8-semantics.md §4.8);
// 1-D pooling over the [steps, 1, C] view (max-pool-2d.ts emitPoolLayer). Outputs keep the input's params.
import { BuiltinOperator } from '../../../schemas/tflite.js';
import { AVERAGE_POOL_2D as AVERAGE_POOL_2D_SPEC } from '../../qat/ops/average-pool-2d.js';
import { opEmitter } from './emitter.js';
import { emitPoolLayer } from './max-pool-2d.js';

export const AVERAGE_POOL_2D = opEmitter(AVERAGE_POOL_2D_SPEC, (graph, wrapper, [input], opts) => emitPoolLayer(graph, BuiltinOperator.AVERAGE_POOL_2D, wrapper, input, opts));
