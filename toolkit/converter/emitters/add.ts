// Converter emitter for ADD: two int8 inputs of any params (the kernel rescales both), the output
// with the observer's params and the fused activation.
import { ActivationFunctionType, AddOptionsT, BuiltinOperator, BuiltinOptions } from '../../../schemas/tflite.js';
import { addOutputTensor, asWrapper, fusedActivationOf, opVersion, outputShapeOf, type LayerEmitter } from './emitter.js';

/** TF converter's ADD version for int8 (docs/int8-semantics.md §5). */
const ADD_VERSION = 2;

export const ADD: LayerEmitter = {
  builtin: 'ADD',
  emit(graph, layer, inputs, opts) {
    const wrapper = asWrapper(layer, 'ADD');
    const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
    const options = new AddOptionsT(ActivationFunctionType[fusedActivationOf(wrapper)]);
    graph.addOperator(BuiltinOperator.ADD, opVersion(ADD_VERSION, opts), inputs.map((t) => t.index), [output.index], BuiltinOptions.AddOptions, options);
    return output;
  },
};
