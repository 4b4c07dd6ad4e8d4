// Converter emitter for MAX_POOL_2D: the output tensor keeps the input's scale and zero point.
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, Padding, Pool2DOptionsT } from '../../../schemas/tflite.js';
import type { PoolSettings } from '../../qat/ops/max-pool-2d.js';
import { paddingEnum } from './conv-2d.js';
import { addActivation, asWrapper, opVersion, outputShapeOf, type ActivationTensor, type EmitOptions, type LayerEmitter } from './emitter.js';
import type { TfliteGraph } from '../tflite-graph.js';

/** TF converter's pool versions for int8 (docs/int8-semantics.md §5). */
const POOL_VERSION = 2;

/** One pooling op whose output keeps the input's params; returns the output tensor. */
export function emitPool(
  graph: TfliteGraph,
  code: BuiltinOperator,
  name: string,
  input: ActivationTensor,
  s: PoolSettings,
  outShape: number[],
  opts: EmitOptions,
): ActivationTensor {
  const output = addActivation(graph, name, outShape, input.params, opts);
  const [ph, pw] = s.global ? [input.shape[0], input.shape[1]] : s.poolSize;
  const padding = s.global ? Padding.VALID : paddingEnum(s.padding);
  const options = new Pool2DOptionsT(padding, s.strides[1], s.strides[0], pw, ph, ActivationFunctionType.NONE);
  graph.addOperator(code, opVersion(POOL_VERSION, opts), [input.index], [output.index], BuiltinOptions.Pool2DOptions, options);
  return output;
}

export const MAX_POOL_2D: LayerEmitter = {
  builtin: 'MAX_POOL_2D',
  emit(graph, layer, [input], opts) {
    const wrapper = asWrapper(layer, 'MAX_POOL_2D');
    return emitPool(graph, BuiltinOperator.MAX_POOL_2D, wrapper.name, input, wrapper.settings as PoolSettings, outputShapeOf(wrapper), opts);
  },
};
