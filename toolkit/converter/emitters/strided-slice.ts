// Converter emitter for STRIDED_SLICE (Cropping2D): constant int32 begin/end/strides with the batch
// and channel axes masked whole (so the dynamic batch stays dynamic), the crop as begin and end
// indices of the static spatial dims, stride 1; output with the input's params. Version 2, as TF
// 2.21's converter writes a Cropping2D.
import { BuiltinOperator, BuiltinOptions, StridedSliceOptionsT } from '../../../schemas/tflite.js';
import { STRIDED_SLICE as STRIDED_SLICE_SPEC } from '../../qat/ops/strided-slice.js';
import { addActivation, addInt32Constant, opEmitter, opVersion, outputShapeOf } from './emitter.js';

const STRIDED_SLICE_VERSION = 2;

export const STRIDED_SLICE = opEmitter(STRIDED_SLICE_SPEC, (graph, wrapper, [input], opts) => {
  const { crop } = wrapper.settings;
  const rank = input.shape.length + 1;
  const wholeAxes = 1 | (1 << (rank - 1)); // batch and channels
  const begin = [0, ...crop.map(([before]) => before)];
  const end = [0, ...input.shape.map((d, i) => d - crop[i][1])];
  const operands = [
    input.index,
    addInt32Constant(graph, `${wrapper.name}/begin`, begin),
    addInt32Constant(graph, `${wrapper.name}/end`, end),
    addInt32Constant(graph, `${wrapper.name}/strides`, new Array<number>(rank).fill(1)),
  ];
  const output = addActivation(graph, wrapper.name, outputShapeOf(wrapper), input.params, opts);
  const options = new StridedSliceOptionsT(wholeAxes, wholeAxes, 0, 0, 0, false);
  graph.addOperator(BuiltinOperator.STRIDED_SLICE, opVersion(STRIDED_SLICE_VERSION, opts), operands, [output.index], BuiltinOptions.StridedSliceOptions, options);
  return output;
});
