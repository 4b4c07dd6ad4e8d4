// Converter emitter for RESHAPE (Flatten, Reshape): a constant int32 shape input [-1, ...target]
// (batch kept dynamic, no SHAPE/PACK ops), output with the input's scale and zero point.
import { BuiltinOperator } from '../../../schemas/tflite.js';
import { RESHAPE as RESHAPE_SPEC } from '../../qat/ops/reshape.js';
import type { TfliteGraph } from '../tflite-graph.js';
import { addActivation, addInt32Constant, opEmitter, outputShapeOf, type ActivationTensor, type EmitOptions } from './emitter.js';

/** TF converter's RESHAPE version (docs/int8-semantics.md §5). */
const RESHAPE_VERSION = 1;

export function emitReshape(graph: TfliteGraph, name: string, input: ActivationTensor, outShape: number[], opts: EmitOptions): ActivationTensor {
  const shape = addInt32Constant(graph, `${name}/shape`, [-1, ...outShape]);
  const output = addActivation(graph, name, outShape, input.params, opts);
  graph.addOperator(BuiltinOperator.RESHAPE, RESHAPE_VERSION, [input.index, shape], [output.index]);
  return output;
}

export const RESHAPE = opEmitter(RESHAPE_SPEC, (graph, wrapper, [input], opts) => emitReshape(graph, wrapper.name, input, outputShapeOf(wrapper), opts));
