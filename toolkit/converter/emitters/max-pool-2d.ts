// Converter emitter for MAX_POOL_2D (MaxPooling2D, GlobalMaxPooling2D, MaxPooling1D,
// GlobalMaxPooling1D), and the pooling walk AVERAGE_POOL_2D shares: a 1-D input is reshaped to
// [steps, 1, C] first; a global pooling is one window over the whole image, [1, 1, C]; both end in a
// RESHAPE to the layer's output shape. Every tensor keeps the input's scale and zero point.
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, Padding, Pool2DOptionsT } from '../../../schemas/tflite.js';
import type { OpWrapper } from '../../qat/layers/quantize-wrapper.js';
import { MAX_POOL_2D as MAX_POOL_2D_SPEC, type PoolSettings } from '../../qat/ops/max-pool-2d.js';
import { paddingEnum } from './conv-2d.js';
import { addActivation, opEmitter, opVersion, outputShapeOf, type ActivationTensor, type EmitOptions } from './emitter.js';
import { emitReshape } from './reshape.js';
import type { TfliteGraph } from '../tflite-graph.js';

/** TF converter's pool versions for int8 (docs/int8-semantics.md §5). */
const POOL_VERSION = 2;

/** One pooling op whose output keeps the input's params; returns the output tensor. */
function emitPool(graph: TfliteGraph, code: BuiltinOperator, name: string, input: ActivationTensor, s: PoolSettings, outShape: number[], opts: EmitOptions): ActivationTensor {
  const output = addActivation(graph, name, outShape, input.params, opts);
  const [ph, pw] = s.global ? [input.shape[0], input.shape[1]] : s.poolSize;
  const padding = s.global ? Padding.VALID : paddingEnum(s.padding);
  const options = new Pool2DOptionsT(padding, s.strides[1], s.strides[0], pw, ph, ActivationFunctionType.NONE);
  graph.addOperator(code, opVersion(POOL_VERSION, opts), [input.index], [output.index], BuiltinOptions.Pool2DOptions, options);
  return output;
}

/** A pooling layer as `code`: [steps, 1, C] view of a 1-D input, the pool, the output's shape. */
export function emitPoolLayer(graph: TfliteGraph, code: BuiltinOperator, wrapper: OpWrapper<PoolSettings>, input: ActivationTensor, opts: EmitOptions): ActivationTensor {
  const s = wrapper.settings;
  const outShape = outputShapeOf(wrapper);
  if (!s.global && !s.oneD) return emitPool(graph, code, wrapper.name, input, s, outShape, opts);
  const channels = input.shape[input.shape.length - 1];
  const image = s.oneD ? emitReshape(graph, `${wrapper.name}/expand`, input, [input.shape[0], 1, channels], opts) : input;
  const pooledShape = s.global ? [1, 1, channels] : [outShape[0], 1, channels];
  const pooled = emitPool(graph, code, `${wrapper.name}/pool`, image, s, pooledShape, opts);
  return emitReshape(graph, wrapper.name, pooled, outShape, opts);
}

export const MAX_POOL_2D = opEmitter(MAX_POOL_2D_SPEC, (graph, wrapper, [input], opts) => emitPoolLayer(graph, BuiltinOperator.MAX_POOL_2D, wrapper, input, opts));
