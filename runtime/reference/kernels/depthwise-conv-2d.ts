// DEPTHWISE_CONV_2D, int8 (docs/int8-semantics.md §4.2; reference/integer_ops/depthwise_conv.h): output channel
// oc = ic·multiplier + m uses filter[0,ky,kx,oc] and input channel ic; accumulation, multipliers
// and clamp as in CONV_2D (either arithmetic). Per-channel filters are quantized along dimension 3.
import { convRequantization, requantize, windowGeometry, windowTaps, type ConvGeometry, type Requantization } from '../conv-common.js';
import { input, opError, output, type ReferenceKernel } from '../kernel.js';

export interface DepthwiseConv2DParams {
  geometry: ConvGeometry;
  requant: Requantization;
  multiplier: number;
  /** [1, kH, kW, outC], as float64 (exact: int8 values). */
  filter: Float64Array;
  /** Scratch: x − zp_in (repeated per multiplier when it is > 1), sums, one window's tap offsets. */
  shifted: Float64Array;
  acc: Float64Array;
  tapW: Int32Array;
  tapX: Int32Array;
}

/** acc[c] += filter[wo + c] · x[xo + c] for c < n; unrolled by 4. Sums stay far below 2^53: exact. */
function multiplyAdd(acc: Float64Array, filter: Float64Array, wo: number, x: Float64Array, xo: number, n: number): void {
  const n4 = n & ~3;
  let c = 0;
  for (; c < n4; c += 4) {
    acc[c] += filter[wo + c] * x[xo + c];
    acc[c + 1] += filter[wo + c + 1] * x[xo + c + 1];
    acc[c + 2] += filter[wo + c + 2] * x[xo + c + 2];
    acc[c + 3] += filter[wo + c + 3] * x[xo + c + 3];
  }
  for (; c < n; c++) acc[c] += filter[wo + c] * x[xo + c];
}

export function depthwiseConv2d(p: DepthwiseConv2DParams, x: Int8Array, y: Int8Array): void {
  const g = p.geometry;
  const r = p.requant;
  const { inputZeroPoint, bias } = r;
  const { filter, shifted, acc, tapW, tapX, multiplier } = p;
  // Input channel ic feeds output channels ic·m … ic·m + m − 1: with the input repeated m times per
  // pixel, output channel oc reads shifted[pixel·outC + oc], one contiguous loop for any m.
  const outC = g.outC;
  for (let i = 0, o = 0; i < x.length; i++) {
    const v = x[i] - inputZeroPoint;
    for (let m = 0; m < multiplier; m++) shifted[o++] = v;
  }
  let out = 0;
  for (let b = 0; b < g.batches; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const taps = windowTaps(g, b, oy, ox, outC, tapW, tapX);
        acc.fill(0);
        for (let t = 0; t < taps; t++) multiplyAdd(acc, filter, tapW[t], shifted, tapX[t] * multiplier, outC);
        for (let oc = 0; oc < outC; oc++) y[out++] = requantize(r, (acc[oc] + bias[oc]) | 0, oc);
      }
    }
  }
}

export const DEPTHWISE_CONV_2D: ReferenceKernel = {
  builtin: 'DEPTHWISE_CONV_2D',
  prepare(ctx) {
    const x = input(ctx, 0, 'int8');
    const w = input(ctx, 1, 'int8');
    const y = output(ctx, 0, 'int8');
    if (!w.constant) throw opError(ctx, 'filter is not constant');
    if (w.shape.length !== 4 || w.shape[0] !== 1) throw opError(ctx, `filter has shape [${w.shape.join(',')}], expected [1, kH, kW, out channels]`, 'E_MODEL_FILE');
    const [, kH, kW, outC] = w.shape;
    const geometry = windowGeometry(ctx, x, y, kH, kW, outC);
    if (outC % geometry.inC !== 0) throw opError(ctx, `${outC} output channels is not a multiple of ${geometry.inC} input channels`, 'E_MODEL_FILE');
    const multiplier = outC / geometry.inC;
    const requant = convRequantization(ctx, x, w, ctx.inputs[2], y, outC, 3);
    const p: DepthwiseConv2DParams = {
      geometry,
      requant,
      multiplier,
      filter: Float64Array.from(w.data as Int8Array),
      shifted: new Float64Array(x.data.length * multiplier),
      acc: new Float64Array(outC),
      tapW: new Int32Array(kH * kW),
      tapX: new Int32Array(kH * kW),
    };
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    return () => depthwiseConv2d(p, xd, yd);
  },
};
