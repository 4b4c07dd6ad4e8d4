// Converter emitter for LEAKY_RELU: one int8 input, the int8 output with the observer's params,
// LeakyReluOptions(alpha). Version 1 for int8, as TF 2.21's converter writes it (op_version.cc:
// only int16 raises it).
import { BuiltinOperator, BuiltinOptions, LeakyReluOptionsT } from '../../../schemas/tflite.js';
import { LEAKY_RELU as LEAKY_RELU_SPEC } from '../../qat/ops/leaky-relu.js';
import { addOutputTensor, opEmitter, outputShapeOf } from './emitter.js';

const LEAKY_RELU_VERSION = 1;

export const LEAKY_RELU = opEmitter(LEAKY_RELU_SPEC, (graph, wrapper, [input], opts) => {
  const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
  const options = new LeakyReluOptionsT(wrapper.settings.alpha);
  graph.addOperator(BuiltinOperator.LEAKY_RELU, LEAKY_RELU_VERSION, [input.index], [output.index], BuiltinOptions.LeakyReluOptions, options);
  return output;
});
