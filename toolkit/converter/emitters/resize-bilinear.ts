// Converter emitter for RESIZE_BILINEAR (UpSampling2D bilinear): the int8 input, a constant int32
// size [H, W], ResizeBilinearOptions {align_corners: false, half_pixel_centers: true} (Keras's
// coordinates, as TF 2.21's converter writes them; version 3 for half-pixel centres, op_version.cc);
// the output keeps the input's scale and zero point.
import { BuiltinOperator, BuiltinOptions, ResizeBilinearOptionsT } from '../../../schemas/tflite.js';
import { RESIZE_BILINEAR as RESIZE_BILINEAR_SPEC } from '../../qat/ops/resize-bilinear.js';
import { emitResize } from './resize-nearest-neighbor.js';
import { opEmitter } from './emitter.js';

export const RESIZE_BILINEAR = opEmitter(RESIZE_BILINEAR_SPEC, (graph, wrapper, [input], opts) =>
  emitResize(graph, wrapper, input, opts, BuiltinOperator.RESIZE_BILINEAR, BuiltinOptions.ResizeBilinearOptions, new ResizeBilinearOptionsT(false, true)),
);
