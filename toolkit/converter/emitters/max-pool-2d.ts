// Converter emitter for MAX_POOL_2D: the output tensor keeps the input's scale and zero point.
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, Padding, Pool2DOptionsT } from '../../../schemas/tflite.js';
import { MAX_POOL_2D as MAX_POOL_2D_SPEC, type PoolSettings } from '../../qat/ops/max-pool-2d.js';
import { paddingEnum } from './conv-2d.js';
import { addActivation, opEmitter, opVersion, outputShapeOf, type ActivationTensor, type EmitOptions } from './emitter.js';
import type { TfliteGraph } from '../tflite-graph.js';

/** TF converter's pool versions for int8 (facts section 5). */
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

export const MAX_POOL_2D = opEmitter(MAX_POOL_2D_SPEC, (graph, wrapper, [input], opts) =>
  emitPool(graph, BuiltinOperator.MAX_POOL_2D, wrapper.name, input, wrapper.settings, outputShapeOf(wrapper), opts),
);
