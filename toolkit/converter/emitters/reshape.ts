// Converter emitter for RESHAPE (Flatten, Reshape): a constant int32 shape input [-1, ...target]
// (batch kept dynamic, no SHAPE/PACK ops), output with the input's scale and zero point.
import { BuiltinOperator, TensorType } from '../../../schemas/tflite.js';
import type { TfliteGraph } from '../tflite-graph.js';
import { addInt32Constant, asWrapper, batchShape, outputShapeOf, quantOf, type ActivationTensor, type LayerEmitter } from './emitter.js';

/** TF converter's RESHAPE version (facts section 5). */
const RESHAPE_VERSION = 1;

export function emitReshape(graph: TfliteGraph, name: string, input: ActivationTensor, outShape: number[]): ActivationTensor {
  const shape = addInt32Constant(graph, `${name}/shape`, [-1, ...outShape]);
  const index = graph.addTensor({ name, type: TensorType.INT8, ...batchShape(outShape), quant: quantOf(input.params) });
  graph.addOperator(BuiltinOperator.RESHAPE, RESHAPE_VERSION, [input.index, shape], [index]);
  return { index, shape: outShape, params: input.params };
}

export const RESHAPE: LayerEmitter = {
  builtin: 'RESHAPE',
  emit(graph, layer, [input]) {
    const wrapper = asWrapper(layer, 'RESHAPE');
    return emitReshape(graph, wrapper.name, input, outputShapeOf(wrapper));
  },
};
