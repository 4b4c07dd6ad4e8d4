// Converter emitter for CONCATENATION. TFLite's kernel requires every input at exactly the
// output's scale and zero point, so each input whose params differ is first requantized to them
// by an int8 -> int8 QUANTIZE op; the output has the concat observer's params.
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, ConcatenationOptionsT, TensorType } from '../../../schemas/tflite.js';
import { CONCATENATION as CONCATENATION_SPEC } from '../../qat/ops/concatenation.js';
import { addOutputTensor, batchShape, opEmitter, opVersion, outputShapeOf, quantOf, sameParams } from './emitter.js';
import { QUANTIZE_VERSION } from './quantize.js';

/** TF converter's CONCATENATION version for int8 (docs/int8-semantics.md §5). */
const CONCATENATION_VERSION = 2;

export const CONCATENATION = opEmitter(CONCATENATION_SPEC, (graph, wrapper, inputs, opts) => {
  const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
  const operands = inputs.map((input, i) => {
    if (opts.float || sameParams(input.params, output.params)) return input.index;
    const requantized = graph.addTensor({ name: `${wrapper.name}/requantized_${i}`, type: TensorType.INT8, ...batchShape(input.shape), quant: quantOf(output.params) });
    graph.addOperator(BuiltinOperator.QUANTIZE, QUANTIZE_VERSION, [input.index], [requantized]);
    return requantized;
  });
  const rank = output.shape.length + 1;
  const axis = wrapper.settings.axis;
  const options = new ConcatenationOptionsT(axis < 0 ? axis + rank : axis, ActivationFunctionType.NONE);
  graph.addOperator(BuiltinOperator.CONCATENATION, opVersion(CONCATENATION_VERSION, opts), operands, [output.index], BuiltinOptions.ConcatenationOptions, options);
  return output;
});
