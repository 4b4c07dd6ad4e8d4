// Converter emitter for RESIZE_NEAREST_NEIGHBOR (UpSampling2D nearest), and the resize walk
// RESIZE_BILINEAR shares: the int8 input, a constant int32 size [H, W], options {align_corners:
// false, half_pixel_centers: true} (tf.image.resize's coordinates; for UpSampling2D's integer
// factors they pick the same pixels as Keras's repeat), version 3 for half-pixel centres
// (op_version.cc); the output keeps the input's scale and zero point. (TF 2.21's converter writes
// UpSampling2D nearest as EXPAND_DIMS/TILE/RESHAPE chains; one RESIZE_NEAREST_NEIGHBOR copies the
// same values.)
import { BuiltinOperator, BuiltinOptions, ResizeNearestNeighborOptionsT, type OperatorT } from '../../../schemas/tflite.js';
import type { OpWrapper } from '../../qat/layers/quantize-wrapper.js';
import { RESIZE_NEAREST_NEIGHBOR as RESIZE_NEAREST_NEIGHBOR_SPEC } from '../../qat/ops/resize-nearest-neighbor.js';
import type { ResizeSettings } from '../../qat/ops/resize.js';
import type { TfliteGraph } from '../tflite-graph.js';
import { addActivation, addInt32Constant, opEmitter, outputShapeOf, type ActivationTensor, type EmitOptions } from './emitter.js';

/** op_version.cc: 3 with half_pixel_centers. */
const RESIZE_VERSION = 3;

export function emitResize(
  graph: TfliteGraph,
  wrapper: OpWrapper<ResizeSettings>,
  input: ActivationTensor,
  opts: EmitOptions,
  code: BuiltinOperator,
  optionsType: BuiltinOptions,
  options: OperatorT['builtinOptions'],
): ActivationTensor {
  const outShape = outputShapeOf(wrapper);
  const size = addInt32Constant(graph, `${wrapper.layer.name}/size`, [outShape[0], outShape[1]]);
  const output = addActivation(graph, wrapper.name, outShape, input.params, opts);
  graph.addOperator(code, RESIZE_VERSION, [input.index, size], [output.index], optionsType, options);
  return output;
}

export const RESIZE_NEAREST_NEIGHBOR = opEmitter(RESIZE_NEAREST_NEIGHBOR_SPEC, (graph, wrapper, [input], opts) =>
  emitResize(graph, wrapper, input, opts, BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, BuiltinOptions.ResizeNearestNeighborOptions, new ResizeNearestNeighborOptionsT(false, true)),
);
