// RESIZE_BILINEAR, int8 (docs/int8-semantics.md §4.15; TFLite kernels/internal/reference/
// resize_bilinear.h ResizeBilinearInteger, which kernels/resize_bilinear.cc runs for int8 in both its
// reference and optimized builds):
// fixed point with 10 fractional bits. Per axis scale_10 = (1024·in + out/2) / out (align_corners:
// (1024·(in−1) + (out−1)/2) / (out−1)), source_10 = o·scale_10 (+ scale_10/2 − 512 with
// half_pixel_centers), lower = max(source_10 / 1024, 0), upper = min(⌈source_10 / 1024⌉, in − 1),
// all C integer division; the four raw int8 neighbours are weighted by (1024 − frac)·… products
// (20 fractional bits) and the sum is rounded half away from zero (the default "double rounding"
// build). No requantization: the raw values are interpolated.
// arithmetic 'xnnpack': XNNPACK's s8 ibilinear, which both WebAssembly engines delegate int8
// RESIZE_BILINEAR to (XNNPACK src/indirection.c xnn_indirection_init_resize_bilinear2d_hwc_q11 and
// src/s8-ibilinear/): source positions and the fractions α in float32 (half_pixel_centers:
// o·scale + (0.5·scale − 0.5) clamped to [0, in − 1]; otherwise o·scale with scale = in/out, or
// (in−1)/(out−1) with align_corners), α as 11-bit integers (lrintf(α·2048): ties to even), then
// t = tl·2048 + (tr − tl)·αx, b likewise, y = ((t·2048 + (b − t)·αy) + 2^21) >> 22 (ties up).
// XNNPACK takes the op only when the output has the input's scale and zero point (always so in
// converter output); otherwise tfjs-tflite runs TFLite's kernel (and LiteRT.js fails to prepare).
import { roundHalfEven } from '../xnnpack-arithmetic.js';
import { perTensor, type ReferenceKernel } from '../kernel.js';
import { prepareResize, type ResizeGeometry } from '../resize-common.js';

const fround = Math.fround;

/** One axis of a bilinear resize: the two source rows (or columns) and the weight of the second per output index. */
export interface BilinearAxis {
  lower: Int32Array;
  upper: Int32Array;
  /** Weight of `upper`; `lower` gets `unit` − weight (TFLite: 1024 with the reference's extra terms, XNNPACK: 2048). */
  weight: Int32Array;
  /** Weight of `lower` (TFLite's reference keeps it separately: it can exceed `unit` near the border). */
  lowerWeight: Int32Array;
}

/** TFLite's ComputeInterpolationValuesInteger for every output index. */
export function tfliteBilinearAxis(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): BilinearAxis {
  const scale10 =
    alignCorners && outSize > 1 ? Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1)) : Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
  const axis: BilinearAxis = { lower: new Int32Array(outSize), upper: new Int32Array(outSize), weight: new Int32Array(outSize), lowerWeight: new Int32Array(outSize) };
  for (let o = 0; o < outSize; o++) {
    const source = halfPixelCenters ? o * scale10 + Math.trunc(scale10 / 2) - 512 : o * scale10;
    const lower = Math.max(Math.trunc(source / 1024), 0);
    axis.lower[o] = lower;
    axis.upper[o] = Math.min(Math.trunc((source + 1023) / 1024), inSize - 1);
    axis.weight[o] = source - 1024 * lower;
    axis.lowerWeight[o] = 1024 - (source - 1024 * lower);
  }
  return axis;
}

/** XNNPACK's q11 indirection: source pixels and 11-bit fractions per output index. */
export function xnnpackBilinearAxis(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): BilinearAxis {
  const adjust = alignCorners && outSize !== 1 ? 1 : 0;
  const scale = fround((inSize - adjust) / (outSize - adjust));
  const legacy = alignCorners || !halfPixelCenters;
  const offset = fround(fround(0.5 * scale) - 0.5);
  const max = inSize - 1;
  const axis: BilinearAxis = { lower: new Int32Array(outSize), upper: new Int32Array(outSize), weight: new Int32Array(outSize), lowerWeight: new Int32Array(outSize) };
  for (let o = 0; o < outSize; o++) {
    let source = fround(o * scale);
    if (!legacy) source = Math.min(Math.max(fround(source + offset), 0), max);
    const lower = Math.trunc(source);
    const alpha = roundHalfEven(fround(source - lower) * 2048);
    axis.lower[o] = lower;
    axis.upper[o] = Math.min(lower + 1, max);
    axis.weight[o] = alpha;
    axis.lowerWeight[o] = 2048 - alpha;
  }
  return axis;
}

export interface ResizeBilinearParams {
  geometry: ResizeGeometry;
  rows: BilinearAxis;
  cols: BilinearAxis;
}

/** TFLite's reference: Σ of the four corners times their 20-bit weights, rounded half away from zero. */
export function resizeBilinear(p: ResizeBilinearParams, x: Int8Array, y: Int8Array): void {
  const { geometry: g, rows, cols } = p;
  const c = g.channels;
  let out = 0;
  for (let b = 0; b < g.batches; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      const top = (b * g.inH + rows.lower[oy]) * g.inW;
      const bottom = (b * g.inH + rows.upper[oy]) * g.inW;
      const wy1 = rows.weight[oy];
      const wy0 = rows.lowerWeight[oy];
      for (let ox = 0; ox < g.outW; ox++) {
        const wx1 = cols.weight[ox];
        const wx0 = cols.lowerWeight[ox];
        const tl = (top + cols.lower[ox]) * c;
        const tr = (top + cols.upper[ox]) * c;
        const bl = (bottom + cols.lower[ox]) * c;
        const br = (bottom + cols.upper[ox]) * c;
        for (let ch = 0; ch < c; ch++) {
          // |sum| < 128·2^22: exact in a double; C int64 division truncates toward zero.
          const sum = x[tl + ch] * wy0 * wx0 + x[bl + ch] * wy1 * wx0 + x[tr + ch] * wy0 * wx1 + x[br + ch] * wy1 * wx1;
          y[out++] = Math.trunc((sum + (sum > 0 ? 524288 : -524288)) / 1048576);
        }
      }
    }
  }
}

/** XNNPACK's s8 ibilinear micro-kernel (scalar and WebAssembly SIMD variants compute the same). */
export function resizeBilinearXnnpack(p: ResizeBilinearParams, x: Int8Array, y: Int8Array): void {
  const { geometry: g, rows, cols } = p;
  const c = g.channels;
  let out = 0;
  for (let b = 0; b < g.batches; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      const top = (b * g.inH + rows.lower[oy]) * g.inW;
      const bottom = (b * g.inH + rows.upper[oy]) * g.inW;
      const alphaY = rows.weight[oy];
      for (let ox = 0; ox < g.outW; ox++) {
        const alphaX = cols.weight[ox];
        const tl = (top + cols.lower[ox]) * c;
        const tr = (top + cols.upper[ox]) * c;
        const bl = (bottom + cols.lower[ox]) * c;
        const br = (bottom + cols.upper[ox]) * c;
        for (let ch = 0; ch < c; ch++) {
          const t = x[tl + ch] * 2048 + (x[tr + ch] - x[tl + ch]) * alphaX;
          const d = x[bl + ch] * 2048 + (x[br + ch] - x[bl + ch]) * alphaX - t;
          y[out++] = (t * 2048 + d * alphaY + 2097152) >> 22;
        }
      }
    }
  }
}

export const RESIZE_BILINEAR: ReferenceKernel = {
  builtin: 'RESIZE_BILINEAR',
  prepare(ctx) {
    const { geometry: g, x, y } = prepareResize(ctx);
    const inQ = perTensor(ctx, ctx.inputs[0]!);
    const outQ = perTensor(ctx, ctx.outputs[0]!);
    const xnnpack = ctx.arithmetic === 'xnnpack' && Math.fround(inQ.scale) === Math.fround(outQ.scale) && inQ.zeroPoint === outQ.zeroPoint;
    const axis = xnnpack ? xnnpackBilinearAxis : tfliteBilinearAxis;
    const p: ResizeBilinearParams = {
      geometry: g,
      rows: axis(g.inH, g.outH, g.alignCorners, g.halfPixelCenters),
      cols: axis(g.inW, g.outW, g.alignCorners, g.halfPixelCenters),
    };
    return xnnpack ? () => resizeBilinearXnnpack(p, x, y) : () => resizeBilinear(p, x, y);
  },
};
