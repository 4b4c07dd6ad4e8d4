// STRIDED_SLICE (kernels/strided_slice.cc; reference/strided_slice.h with strided_slice_logic.h
// StartForAxis/StopForAxis): along each axis the indices start, start + stride, ... before stop,
// where begin/end are the constant int32 operands (negative counts from the end; begin_mask/end_mask
// take the whole axis; a shrink_axis bit takes one index and drops the axis), clamped to the axis.
// The operands must have one entry per axis; ellipsis_mask, new_axis_mask and offset are refused
// (TFLite's kernel refuses the first two). A copy: the same bytes on every engine.
import { elementCount, expectShape, input, opError, option, output, type KernelContext, type ReferenceKernel } from '../kernel.js';
import { rowStrides } from './pad.js';

interface AxisRange {
  start: number;
  stop: number;
  stride: number;
}

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const clamp = (v: number, lo: number, hi: number) => (v > hi ? hi : v < lo ? lo : v);

/** strided_slice_logic.h StartForAxis / StopForAxis for one axis of size `size`. */
export function axisRange(begin: number, end: number, stride: number, size: number, beginMasked: boolean, endMasked: boolean, shrink: boolean): AxisRange {
  if (size === 0) return { start: 0, stop: 0, stride };
  let start = beginMasked ? (stride > 0 ? INT_MIN : INT_MAX) : begin;
  if (start < 0) start += size;
  start = clamp(start, 0, size - 1);
  let stop = shrink ? start + 1 : end;
  if (endMasked) stop = stride > 0 ? INT_MAX : INT_MIN;
  if (stop < 0) stop += size;
  stop = stride > 0 ? clamp(stop, 0, size) : clamp(stop, -1, size - 1);
  return { start, stop, stride };
}

/** Number of indices start, start + stride, ... before stop (kernels/strided_slice.cc ResizeOutputTensor). */
export function rangeLength(r: AxisRange): number {
  return Math.max(0, Math.ceil((r.stop - r.start) / r.stride));
}

/** For every output element, the flat index of the input element it copies. */
export function sliceSources(inShape: readonly number[], ranges: readonly AxisRange[]): Int32Array {
  const inStrides = rowStrides(inShape);
  const lengths = ranges.map(rangeLength);
  const sources = new Int32Array(lengths.reduce((a, b) => a * b, 1));
  const index = new Array<number>(ranges.length).fill(0);
  for (let o = 0; o < sources.length; o++) {
    let src = 0;
    for (let d = 0; d < ranges.length; d++) src += (ranges[d].start + index[d] * ranges[d].stride) * inStrides[d];
    sources[o] = src;
    for (let d = ranges.length - 1; d >= 0; d--) {
      if (++index[d] < lengths[d]) break;
      index[d] = 0;
    }
  }
  return sources;
}

export function gather(sources: Int32Array, x: Int8Array | Int32Array | Float32Array, y: Int8Array | Int32Array | Float32Array): void {
  for (let o = 0; o < sources.length; o++) y[o] = x[sources[o]];
}

function constantInts(ctx: KernelContext, i: number, role: string): number[] {
  const t = input(ctx, i, 'int32');
  if (!t.constant) throw opError(ctx, `${role} is not a constant tensor`);
  return Array.from(t.data as Int32Array);
}

export const STRIDED_SLICE: ReferenceKernel = {
  builtin: 'STRIDED_SLICE',
  prepare(ctx) {
    const x = input(ctx, 0, 'int8', 'int32', 'float32');
    const y = output(ctx, 0, x.dtype);
    const rank = x.shape.length;
    if (rank > 5) throw opError(ctx, `input of rank ${rank}; STRIDED_SLICE takes 1-D to 5-D inputs`);
    for (const mask of ['ellipsisMask', 'newAxisMask'] as const) {
      if (option(ctx, mask, 0) !== 0) throw opError(ctx, `${mask} is not supported`);
    }
    if (option(ctx, 'offset', false)) throw opError(ctx, 'offset is not supported');
    const [begin, end, strides] = [constantInts(ctx, 1, 'begin'), constantInts(ctx, 2, 'end'), constantInts(ctx, 3, 'strides')];
    if (begin.length !== rank || end.length !== rank || strides.length !== rank) {
      throw opError(ctx, `begin, end and strides of lengths ${begin.length}, ${end.length}, ${strides.length} for rank ${rank} (one per axis is supported)`);
    }
    if (strides.includes(0)) throw opError(ctx, 'a stride is 0', 'E_MODEL_FILE');
    const [beginMask, endMask, shrinkMask] = [option(ctx, 'beginMask', 0), option(ctx, 'endMask', 0), option(ctx, 'shrinkAxisMask', 0)];
    const ranges = x.shape.map((size, d) => {
      const bit = 1 << d;
      return axisRange(begin[d], end[d], strides[d], size, (beginMask & bit) !== 0, (endMask & bit) !== 0, (shrinkMask & bit) !== 0);
    });
    const outShape = ranges.flatMap((r, d) => ((shrinkMask & (1 << d)) !== 0 ? [] : [rangeLength(r)]));
    expectShape(ctx, y, outShape);
    const sources = sliceSources(x.shape, ranges);
    if (sources.length !== elementCount(y.shape)) throw opError(ctx, 'output size does not match the slice', 'E_MODEL_FILE');
    const xd = x.data;
    const yd = y.data;
    return () => gather(sources, xd, yd);
  },
};
