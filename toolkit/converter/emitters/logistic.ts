// Converter emitter for LOGISTIC: one int8 input, the int8 output with the fixed params
// (1/256, -128) that TFLite's reference kernel requires; no options (as TFLite's converter writes it).
import { BuiltinOperator } from '../../../schemas/tflite.js';
import { LOGISTIC as LOGISTIC_SPEC } from '../../qat/ops/logistic.js';
import { addOutputTensor, opEmitter, opVersion, outputShapeOf } from './emitter.js';

/** TF converter's LOGISTIC version for int8 (lite/tools/versioning/op_version.cc). */
const LOGISTIC_VERSION = 2;

export const LOGISTIC = opEmitter(LOGISTIC_SPEC, (graph, wrapper, [input], opts) => {
  const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
  graph.addOperator(BuiltinOperator.LOGISTIC, opVersion(LOGISTIC_VERSION, opts), [input.index], [output.index]);
  return output;
});
