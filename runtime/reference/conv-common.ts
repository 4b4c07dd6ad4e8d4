// What CONV_2D and DEPTHWISE_CONV_2D share in prepare: geometry from options and shapes, per-channel
// fixed-point multipliers (docs/int8-semantics.md §4.1: QuantizeMultiplier(double(s_in)·double(s_w[c]) / double(s_out))),
// or with XNNPACK's arithmetic float32 scales (xnnpack-arithmetic.ts), bias, and the fused
// activation clamp.
import { fusedActivationRange, xnnpackFusedClamp } from './activation.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from './fixed-point.js';
import { elementCount, opError, option, perTensor, tfliteArithmetic, type KernelContext, type RefTensor } from './kernel.js';
import { outputSize, paddingBefore, type PaddingMode } from './padding.js';
import { xnnpackConvScale, xnnpackRequantize } from './xnnpack-arithmetic.js';

export interface ConvGeometry {
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padTop: number;
  padLeft: number;
}

export interface Requantization {
  inputZeroPoint: number;
  outputZeroPoint: number;
  actMin: number;
  actMax: number;
  bias: Int32Array;
  multipliers: Int32Array;
  shifts: Int32Array;
  /** XNNPACK's float32 scale per channel when the kernel runs with XNNPACK's arithmetic, else null. */
  xnnpackScales: Float64Array | null;
}

/** Output channel oc's int32 accumulator as the clamped int8 value. */
export function requantize(r: Requantization, acc: number, oc: number): number {
  if (r.xnnpackScales) return xnnpackRequantize(acc, r.xnnpackScales[oc], r.outputZeroPoint, r.actMin, r.actMax);
  const q = multiplyByQuantizedMultiplier(acc, r.multipliers[oc], r.shifts[oc]) + r.outputZeroPoint;
  return q < r.actMin ? r.actMin : q > r.actMax ? r.actMax : q;
}

/** Geometry of a 2-D window op over NHWC input `x` with a kH×kW window, checked against output `y`. */
export function windowGeometry(ctx: KernelContext, x: RefTensor, y: RefTensor, kH: number, kW: number, outC: number): ConvGeometry {
  if (x.shape.length !== 4) throw opError(ctx, `input ${x.name} has shape [${x.shape.join(',')}], expected NHWC`, 'E_MODEL_FILE');
  const [batches, inH, inW, inC] = x.shape;
  const padding = option<string>(ctx, 'padding', 'SAME');
  if (padding !== 'SAME' && padding !== 'VALID') throw opError(ctx, `padding ${padding}`);
  const strideH = option(ctx, 'strideH', 1);
  const strideW = option(ctx, 'strideW', 1);
  const dilH = option(ctx, 'dilationHFactor', 1);
  const dilW = option(ctx, 'dilationWFactor', 1);
  if (!(strideH >= 1 && strideW >= 1 && dilH >= 1 && dilW >= 1 && kH >= 1 && kW >= 1)) {
    throw opError(ctx, `invalid window (stride ${strideH}×${strideW}, dilation ${dilH}×${dilW}, size ${kH}×${kW})`, 'E_MODEL_FILE');
  }
  const outH = outputSize(padding as PaddingMode, inH, kH, strideH, dilH);
  const outW = outputSize(padding as PaddingMode, inW, kW, strideW, dilW);
  const expected = [batches, outH, outW, outC];
  if (y.shape.length !== 4 || y.shape.some((d, i) => d !== expected[i])) {
    throw opError(ctx, `output ${y.name} has shape [${y.shape.join(',')}], expected [${expected.join(',')}]`, 'E_MODEL_FILE');
  }
  return {
    batches,
    inH,
    inW,
    inC,
    outH,
    outW,
    outC,
    kH,
    kW,
    strideH,
    strideW,
    dilH,
    dilW,
    padTop: paddingBefore(inH, kH, strideH, dilH, outH),
    padLeft: paddingBefore(inW, kW, strideW, dilW, outW),
  };
}

/** Per-output-channel multipliers and shifts, bias and clamp for an int8 conv-like op. */
export function convRequantization(ctx: KernelContext, x: RefTensor, w: RefTensor, b: RefTensor | undefined, y: RefTensor, outC: number, channelDim: number): Requantization {
  const inQ = perTensor(ctx, x);
  const outQ = perTensor(ctx, y);
  const wq = w.quantization;
  const n = wq?.scale.length ?? 0;
  if (!wq || (n !== 1 && n !== outC)) throw opError(ctx, `filter needs 1 or ${outC} scales, has ${n}`, 'E_MODEL_FILE');
  if (n > 1 && wq.quantizedDimension !== channelDim) {
    throw opError(ctx, `filter is quantized along dimension ${wq.quantizedDimension}, expected ${channelDim}`, 'E_MODEL_FILE');
  }
  // XNNPACK's clamp; null (TFLite's kernel and clamp) with the reference arithmetic or where XNNPACK refuses the op.
  const clamp = ctx.arithmetic === 'xnnpack' ? xnnpackFusedClamp(ctx, outQ.scale, outQ.zeroPoint) : null;
  const [actMin, actMax] = clamp ?? fusedActivationRange(tfliteArithmetic(ctx), outQ.scale, outQ.zeroPoint);
  const multipliers = new Int32Array(outC);
  const shifts = new Int32Array(outC);
  const xnnpackScales = clamp ? new Float64Array(outC) : null;
  for (let c = 0; c < outC; c++) {
    const filterScale = wq.scale[n === 1 ? 0 : c];
    const m = quantizeMultiplier((inQ.scale * filterScale) / outQ.scale);
    multipliers[c] = m.multiplier;
    shifts[c] = m.shift;
    if (xnnpackScales) xnnpackScales[c] = xnnpackConvScale(inQ.scale, filterScale, outQ.scale);
  }
  let bias: Int32Array = new Int32Array(outC);
  if (b) {
    if (b.dtype !== 'int32') throw opError(ctx, `bias is ${b.dtype}; int8 convolutions take an int32 bias`);
    if (!b.constant) throw opError(ctx, 'bias is not constant');
    if (elementCount(b.shape) !== outC) throw opError(ctx, `bias has ${elementCount(b.shape)} values for ${outC} channels`, 'E_MODEL_FILE');
    bias = b.data as Int32Array;
  }
  return { inputZeroPoint: inQ.zeroPoint, outputZeroPoint: outQ.zeroPoint, actMin, actMax, bias, multipliers, shifts, xnnpackScales };
}

/**
 * The in-image taps of the window at output (oy, ox): filter offsets (in units of `wStride`) and
 * input offsets (in units of inC) for batch b. Returns how many there are.
 */
export function windowTaps(g: ConvGeometry, b: number, oy: number, ox: number, wStride: number, tapW: Int32Array, tapX: Int32Array): number {
  const iy0 = oy * g.strideH - g.padTop;
  const ix0 = ox * g.strideW - g.padLeft;
  let n = 0;
  for (let ky = 0; ky < g.kH; ky++) {
    const iy = iy0 + ky * g.dilH;
    if (iy < 0 || iy >= g.inH) continue;
    for (let kx = 0; kx < g.kW; kx++) {
      const ix = ix0 + kx * g.dilW;
      if (ix < 0 || ix >= g.inW) continue;
      tapW[n] = (ky * g.kW + kx) * wStride;
      tapX[n] = ((b * g.inH + iy) * g.inW + ix) * g.inC;
      n++;
    }
  }
  return n;
}
