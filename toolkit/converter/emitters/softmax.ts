// Converter emitter for SOFTMAX (beta 1): int8 logits in, int8 probabilities out with the fixed
// params TFLite's kernel enforces (scale 1/256, zero point -128).
import { BuiltinOperator, BuiltinOptions, SoftmaxOptionsT } from '../../../schemas/tflite.js';
import { SOFTMAX as SOFTMAX_SPEC } from '../../qat/ops/softmax.js';
import { addOutputTensor, opEmitter, opVersion, outputShapeOf } from './emitter.js';

/** TF converter's SOFTMAX version for int8 (docs/int8-semantics.md §5). */
const SOFTMAX_VERSION = 2;

export const SOFTMAX = opEmitter(SOFTMAX_SPEC, (graph, wrapper, [input], opts) => {
  const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
  graph.addOperator(BuiltinOperator.SOFTMAX, opVersion(SOFTMAX_VERSION, opts), [input.index], [output.index], BuiltinOptions.SoftmaxOptions, new SoftmaxOptionsT(1));
  return output;
});
