// Converter emitter for PAD: a constant int32 [rank, 2] paddings operand (batch not padded), the
// output with the input's params, PadOptions and version 2, as TF 2.21's converter writes a
// ZeroPadding2D.
import { BuiltinOperator, BuiltinOptions, PadOptionsT, TensorType } from '../../../schemas/tflite.js';
import { PAD as PAD_SPEC } from '../../qat/ops/pad.js';
import { bytesOf } from '../tflite-graph.js';
import { addActivation, opEmitter, opVersion, outputShapeOf } from './emitter.js';

const PAD_VERSION = 2;

export const PAD = opEmitter(PAD_SPEC, (graph, wrapper, [input], opts) => {
  const pairs = [[0, 0], ...wrapper.settings.paddings];
  const paddings = graph.addTensor({ name: `${wrapper.name}/paddings`, type: TensorType.INT32, shape: [pairs.length, 2], data: bytesOf(Int32Array.from(pairs.flat())) });
  const output = addActivation(graph, wrapper.name, outputShapeOf(wrapper), input.params, opts);
  graph.addOperator(BuiltinOperator.PAD, opVersion(PAD_VERSION, opts), [input.index, paddings], [output.index], BuiltinOptions.PadOptions, new PadOptionsT());
  return output;
});
