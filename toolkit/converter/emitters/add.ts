// Converter emitter for ADD: two int8 inputs of any params (the kernel rescales both), the output
// with the observer's params and the fused activation.
import { ActivationFunctionType, AddOptionsT, BuiltinOperator, BuiltinOptions } from '../../../schemas/tflite.js';
import { ADD as ADD_SPEC } from '../../qat/ops/add.js';
import { addOutputTensor, fusedActivationOf, opEmitter, opVersion, outputShapeOf } from './emitter.js';

/** TF converter's ADD version for int8 (docs/int8-semantics.md §5). */
const ADD_VERSION = 2;

export const ADD = opEmitter(ADD_SPEC, (graph, wrapper, inputs, opts) => {
  const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
  const options = new AddOptionsT(ActivationFunctionType[fusedActivationOf(wrapper)]);
  graph.addOperator(BuiltinOperator.ADD, opVersion(ADD_VERSION, opts), inputs.map((t) => t.index), [output.index], BuiltinOptions.AddOptions, options);
  return output;
});
