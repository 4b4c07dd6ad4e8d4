// MAX_POOL_2D, int8 (docs/int8-semantics.md §4.6; reference/integer_ops/pooling.h): the largest raw value of the
// in-image cells, then the fused activation clamp.
// arithmetic 'xnnpack': the same maximum; only the clamp can differ. XNNPACK quantizes the
// activation bounds its own way (activation.ts), but it takes the op only when its quantized bounds
// leave min < max and the window is larger than 1x1 with strides no larger than it (XNNPACK
// src/subgraph/max-pooling-2d.c, src/operators/max-pooling-nhwc.c), or is 1x1 with the output the
// input's shape (the delegate makes that a clamp); otherwise the op runs on TFLite's kernel with
// TFLite's clamp. (TFLite then drops the delegate for the whole model — not modelled here.)
import { preparePool, type PoolParams } from '../pool-common.js';
import { option, sameShape, tfliteArithmetic, type ReferenceKernel } from '../kernel.js';

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
    if (ctx.arithmetic === 'xnnpack') {
      const [kH, kW] = [option(ctx, 'filterHeight', 0), option(ctx, 'filterWidth', 0)];
      const [sH, sW] = [option(ctx, 'strideH', 0), option(ctx, 'strideW', 0)];
      const xnn = preparePool(ctx);
      const window = kH * kW > 1 ? sH <= kH && sW <= kW : sameShape(ctx.inputs[0]?.shape ?? [], ctx.outputs[0].shape);
      const delegated = window && xnn.params.actMin < xnn.params.actMax;
      const { params, x, y } = delegated ? xnn : preparePool(tfliteArithmetic(ctx));
      return () => maxPool2d(params, x, y);
    }
    const { params, x, y } = preparePool(ctx);
    return () => maxPool2d(params, x, y);
  },
};
