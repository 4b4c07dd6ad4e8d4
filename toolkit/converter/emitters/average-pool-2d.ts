// Converter emitter for AVERAGE_POOL_2D (AveragePooling2D), and for GlobalAveragePooling2D as
// AVERAGE_POOL_2D over the whole image ([1, 1, C]) + RESHAPE to [C] — one well-defined kernel on
// every TFLite resolver, where MEAN differs between them (docs/int8-semantics.md §4.8). Outputs keep the input's params.
import { BuiltinOperator } from '../../../schemas/tflite.js';
import type { PoolSettings } from '../../qat/ops/max-pool-2d.js';
import { asWrapper, outputShapeOf, type LayerEmitter } from './emitter.js';
import { emitPool } from './max-pool-2d.js';
import { emitReshape } from './reshape.js';

export const AVERAGE_POOL_2D: LayerEmitter = {
  builtin: 'AVERAGE_POOL_2D',
  emit(graph, layer, [input], opts) {
    const wrapper = asWrapper(layer, 'AVERAGE_POOL_2D');
    const s = wrapper.settings as PoolSettings;
    if (!s.global) return emitPool(graph, BuiltinOperator.AVERAGE_POOL_2D, wrapper.name, input, s, outputShapeOf(wrapper), opts);
    const channels = input.shape[2];
    const pooled = emitPool(graph, BuiltinOperator.AVERAGE_POOL_2D, `${wrapper.name}/pool`, input, s, [1, 1, channels], opts);
    return emitReshape(graph, wrapper.name, pooled, [channels], opts);
  },
};
