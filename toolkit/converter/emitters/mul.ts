// Converter emitter for MUL: two int8 inputs of any params, the output with the observer's params
// and the fused activation. Version 3 when the rescale s1·s2/s_out is ≥ 1, as TFLite's converter
// writes it (lite/tools/versioning/op_version.cc: the int8 kernel before v3 required it below 1).
import { ActivationFunctionType, BuiltinOperator, BuiltinOptions, MulOptionsT } from '../../../schemas/tflite.js';
import { MUL as MUL_SPEC } from '../../qat/ops/mul.js';
import { addOutputTensor, fusedActivationOf, opEmitter, opVersion, outputShapeOf } from './emitter.js';

export const MUL = opEmitter(MUL_SPEC, (graph, wrapper, [a, b], opts) => {
  const output = addOutputTensor(graph, wrapper, outputShapeOf(wrapper), opts);
  const f32 = Math.fround;
  const rescale = f32(f32(f32(a.params.scale) * f32(b.params.scale)) / f32(output.params.scale));
  const options = new MulOptionsT(ActivationFunctionType[fusedActivationOf(wrapper)]);
  graph.addOperator(BuiltinOperator.MUL, opVersion(rescale >= 1 ? 3 : 2, opts), [a.index, b.index], [output.index], BuiltinOptions.MulOptions, options);
  return output;
});
