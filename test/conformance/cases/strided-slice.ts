// STRIDED_SLICE int8: crops of NHWC (as Cropping2D exports: batch and channels masked), of a 1-D
// sequence (Cropping1D), strides 2 and −1, negative begin/end, a shrunk axis, indices past the end.
import { BuiltinOperator, BuiltinOptions, StridedSliceOptionsT } from '../../../schemas/tflite.js';
import { constInt32, int8Activation, int8Case, Rng, type ConformanceCase, type Quant } from '../build.js';

interface Spec {
  name: string;
  shape: number[];
  begin: number[];
  end: number[];
  strides: number[];
  beginMask?: number;
  endMask?: number;
  shrinkAxisMask?: number;
  /** The output shape TFLite computes (checked by the reference kernel and BUILTIN_REF). */
  out: number[];
}

function sliceCase(rng: Rng, q: Quant, s: Spec): ConformanceCase {
  return int8Case('STRIDED_SLICE', s.name, rng, s.shape, q, 8, (g, x) => ({
    code: BuiltinOperator.STRIDED_SLICE,
    version: 2,
    inputs: [x, constInt32(g, 'begin', s.begin), constInt32(g, 'end', s.end), constInt32(g, 'strides', s.strides)],
    output: int8Activation(g, 'output', s.out, q),
    optionsType: BuiltinOptions.StridedSliceOptions,
    options: new StridedSliceOptionsT(s.beginMask ?? 0, s.endMask ?? 0, 0, 0, s.shrinkAxisMask ?? 0, false),
  }));
}

export function stridedSliceCases(): ConformanceCase[] {
  const rng = new Rng(17);
  const q = { scale: 0.05, zeroPoint: -3 };
  const specs: Spec[] = [
    { name: 'Cropping2D ((1,2),(3,0)): masks on batch and channels', shape: [1, 8, 7, 3], begin: [0, 1, 3, 0], end: [0, 6, 7, 0], strides: [1, 1, 1, 1], beginMask: 9, endMask: 9, out: [1, 5, 4, 3] },
    { name: 'Cropping1D (2,1) of [1,9,4]', shape: [1, 9, 4], begin: [0, 2, 0], end: [1, 8, 4], strides: [1, 1, 1], out: [1, 6, 4] },
    { name: 'stride 2, negative begin and end', shape: [1, 10, 5], begin: [0, -9, 0], end: [1, -1, 5], strides: [1, 2, 2], out: [1, 4, 3] },
    { name: 'stride −1 (reversed), end masked', shape: [1, 6, 2], begin: [0, 4, 0], end: [1, 0, 2], strides: [1, -1, 1], endMask: 2, out: [1, 5, 2] },
    { name: 'shrink axis 1, end past the axis', shape: [1, 4, 6], begin: [0, 2, 1], end: [1, 3, 99], strides: [1, 1, 1], shrinkAxisMask: 2, out: [1, 5] },
  ];
  return specs.map((s) => sliceCase(rng, q, s));
}
