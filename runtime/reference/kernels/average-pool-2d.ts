// AVERAGE_POOL_2D, int8 (docs/int8-semantics.md §4.6; reference/integer_ops/pooling.h): sum of the raw int8 values
// of the in-image cells (no zero-point subtraction), divided by their count with C truncating
// division after adding ±count/2 (half away from zero), then clamped. Padding cells do not count.
// arithmetic 'xnnpack': the same. The WebAssembly engines' XNNPACK delegate takes AVERAGE_POOL_2D
// in float32 only (tensorflow/lite/delegates/xnnpack VisitAveragePool2DNode), so int8 runs on
// TFLite's optimized kernel (optimized_ops/integer_ops/pooling.h), whose rounding and fused
// activation clamp (TFLite's, not XNNPACK's) are the reference ones.
import { preparePool, type PoolParams } from '../pool-common.js';
import { tfliteArithmetic, type ReferenceKernel } from '../kernel.js';

export function averagePool2d(p: PoolParams, x: Int8Array, y: Int8Array): void {
  const g = p.geometry;
  const { actMin, actMax, scratch } = p;
  const channels = g.inC;
  let out = 0;
  for (let b = 0; b < g.batches; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      const iy0 = oy * g.strideH - g.padTop;
      const yStart = Math.max(0, -iy0);
      const yEnd = Math.min(g.kH, g.inH - iy0);
      for (let ox = 0; ox < g.outW; ox++) {
        const ix0 = ox * g.strideW - g.padLeft;
        const xStart = Math.max(0, -ix0);
        const xEnd = Math.min(g.kW, g.inW - ix0);
        const count = (yEnd - yStart) * (xEnd - xStart);
        const half = (count / 2) | 0;
        scratch.fill(0);
        for (let ky = yStart; ky < yEnd; ky++) {
          for (let kx = xStart; kx < xEnd; kx++) {
            const base = ((b * g.inH + iy0 + ky) * g.inW + ix0 + kx) * channels;
            for (let c = 0; c < channels; c++) scratch[c] += x[base + c];
          }
        }
        for (let c = 0; c < channels; c++) {
          const sum = scratch[c];
          const avg = sum > 0 ? ((sum + half) / count) | 0 : ((sum - half) / count) | 0;
          y[out++] = avg < actMin ? actMin : avg > actMax ? actMax : avg;
        }
      }
    }
  }
}

export const AVERAGE_POOL_2D: ReferenceKernel = {
  builtin: 'AVERAGE_POOL_2D',
  prepare(ctx) {
    const { params, x, y } = preparePool(tfliteArithmetic(ctx));
    return () => averagePool2d(params, x, y);
  },
};
