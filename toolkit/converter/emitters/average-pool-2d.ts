// Converter emitter for AVERAGE_POOL_2D (AveragePooling2D), and for GlobalAveragePooling2D as
// AVERAGE_POOL_2D over the whole image ([1, 1, C]) + RESHAPE to [C] — one well-defined kernel on
// every TFLite resolver, where MEAN differs between them (facts 3.8). Outputs keep the input's params.
import { BuiltinOperator } from '../../../schemas/tflite.js';
import { AVERAGE_POOL_2D as AVERAGE_POOL_2D_SPEC } from '../../qat/ops/average-pool-2d.js';
import { opEmitter, outputShapeOf } from './emitter.js';
import { emitPool } from './max-pool-2d.js';
import { emitReshape } from './reshape.js';

export const AVERAGE_POOL_2D = opEmitter(AVERAGE_POOL_2D_SPEC, (graph, wrapper, [input], opts) => {
  const s = wrapper.settings;
  if (!s.global) return emitPool(graph, BuiltinOperator.AVERAGE_POOL_2D, wrapper.name, input, s, outputShapeOf(wrapper), opts);
  const channels = input.shape[2];
  const pooled = emitPool(graph, BuiltinOperator.AVERAGE_POOL_2D, `${wrapper.name}/pool`, input, s, [1, 1, channels], opts);
  return emitReshape(graph, wrapper.name, pooled, [channels], opts);
});
