// MAX_POOL_2D, int8 (facts §3.6; reference/integer_ops/pooling.h): the largest raw value of the
// in-image cells, then the fused activation clamp.
import { preparePool, type PoolParams } from '../pool-common.js';
import type { ReferenceKernel } from '../kernel.js';

export function maxPool2d(p: PoolParams, x: Int8Array, y: Int8Array): void {
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
        scratch.fill(-128);
        for (let ky = yStart; ky < yEnd; ky++) {
          for (let kx = xStart; kx < xEnd; kx++) {
            const base = ((b * g.inH + iy0 + ky) * g.inW + ix0 + kx) * channels;
            for (let c = 0; c < channels; c++) {
              const v = x[base + c];
              if (v > scratch[c]) scratch[c] = v;
            }
          }
        }
        for (let c = 0; c < channels; c++) {
          const m = scratch[c];
          y[out++] = m < actMin ? actMin : m > actMax ? actMax : m;
        }
      }
    }
  }
}

export const MAX_POOL_2D: ReferenceKernel = {
  builtin: 'MAX_POOL_2D',
  prepare(ctx) {
    const { params, x, y } = preparePool(ctx);
    return () => maxPool2d(params, x, y);
  },
};
