// Converter emitter for TANH: one int8 input, the int8 output with the fixed params (1/128, 0); no
// options (as TFLite's converter writes it).
import { BuiltinOperator } from '../../../schemas/tflite.js';
import { TANH as TANH_SPEC } from '../../qat/ops/tanh.js';
import { addOutputTensor, opEmitter, opVersion, outputShapeOf } from './emitter.js';

/** TF converter's TANH version for int8 (lite/tools/versioning/op_version.cc). */
const TANH_VERSION = 2;

export const TANH = opEmitter(TANH_SPEC, (graph, wrapper, [input], opts) => {
  const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
  graph.addOperator(BuiltinOperator.TANH, opVersion(TANH_VERSION, opts), [input.index], [output.index]);
  return output;
});
