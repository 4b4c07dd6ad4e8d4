// RESIZE_NEAREST_NEIGHBOR (docs/int8-semantics.md §4.14; TFLite kernels/internal/reference/
// resize_nearest_neighbor.h GetNearestNeighbor): each output pixel copies one input pixel. Per axis,
// in float32:
// scale = in/out (or (in−1)/(out−1) with align_corners), source = (o + 0.5 if half_pixel_centers)
// · scale, floored (rounded half away from zero with align_corners), at most in − 1 (and at least 0
// with half_pixel_centers). Raw int8 values are copied.
// arithmetic 'xnnpack': the same (measured equal on tfjs-tflite and LiteRT.js in the conformance
// cases: a copy has no rounding of its own).
import { f32, roundHalfAway } from '../../quant/rounding.js';
import type { ReferenceKernel } from '../kernel.js';
import { prepareResize } from '../resize-common.js';

/** The source index of each output index along one axis. */
export function nearestSources(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const scale = alignCorners && outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : f32(inSize / outSize);
  const offset = halfPixelCenters ? 0.5 : 0;
  const sources = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const at = f32(f32(o + offset) * scale);
    let s = Math.min(alignCorners ? roundHalfAway(at) : Math.floor(at), inSize - 1);
    if (halfPixelCenters) s = Math.max(0, s);
    sources[o] = s;
  }
  return sources;
}

export const RESIZE_NEAREST_NEIGHBOR: ReferenceKernel = {
  builtin: 'RESIZE_NEAREST_NEIGHBOR',
  prepare(ctx) {
    const { geometry: g, x, y } = prepareResize(ctx);
    const rows = nearestSources(g.inH, g.outH, g.alignCorners, g.halfPixelCenters);
    const cols = nearestSources(g.inW, g.outW, g.alignCorners, g.halfPixelCenters);
    const c = g.channels;
    return () => {
      let out = 0;
      for (let b = 0; b < g.batches; b++) {
        for (let oy = 0; oy < g.outH; oy++) {
          const row = (b * g.inH + rows[oy]) * g.inW;
          for (let ox = 0; ox < g.outW; ox++, out += c) y.set(x.subarray((row + cols[ox]) * c, (row + cols[ox] + 1) * c), out);
        }
      }
    };
  },
};
