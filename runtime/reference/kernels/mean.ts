// MEAN, int8 (docs/int8-semantics.md §4.8; reference/reduce.h QuantizedMeanOrSum, kernels/reduce.cc): S = Σ raw q
// over the reduced axes, n = their size; (M, s) = QuantizeMultiplier(double(s_in)/double(s_out));
// k = min(floor(log2 n), 32, 31 + s); M' = (M·2^k) div n (int64, truncating); s' = s − k;
// y = MBQM(S − zp_in·n, M', s') + zp_out, clamped to int8. keep_dims only changes the shape.
//
// arithmetic 'xnnpack' (what the WebAssembly engines compute):
// - rank 4, axis tensor [2], [1,2] or [2,1]: the XNNPACK delegate runs it as a global average pooling
//   (tensorflow/lite/delegates/xnnpack VisitMeanNode; XNNPACK src/operators/global-average-pooling-nwc.c,
//   qs8-gavgpool fp32 kernels): y = round_half_even(f32(S − n·zp_in) · f32(s_in / f32(s_out·n))) + zp_out.
// - otherwise TFLite's optimized kernel (kernels/reduce.cc EvalMean, kGenericOptimized):
//   keep_dims over raw axes [1,2]/[2,1] of a rank-4 input (optimized/integer_ops/mean.h; reached only
//   when XNNPACK refuses the scales): (M, s) = QuantizeMultiplier(f32(s_in / f32(n·s_out))),
//   y = MBQM(S, M, s) + zp_out − round_away(f32(zp_in·s_in/s_out)); input and output quantized
//   alike (reference_ops::Mean on the raw values): y = S / n truncated; anything else in float32
//   (optimized/reduce.h QuantizedMeanOrSum): y = round_away(f32(S/n)·r + f32(−zp_in·r)) + zp_out,
//   r = f32(s_in/s_out). All clamped to int8.
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { roundHalfAway } from '../../quant/rounding.js';
import { xnnpackRequantize } from '../xnnpack-arithmetic.js';
import { elementCount, input, opError, option, output, perTensor, type ReferenceKernel } from '../kernel.js';

export interface MeanParams {
  /** For every input element, the flat index of the output element it adds to. */
  target: Int32Array;
  count: number;
  inputZeroPoint: number;
  multiplier: number;
  shift: number;
  outputZeroPoint: number;
  sums: Int32Array;
}

/** The raw sum of the input values reduced into each output element (p.sums, returned). */
function sumInto(p: MeanParams, x: Int8Array): Int32Array {
  const { target, sums } = p;
  sums.fill(0);
  for (let i = 0; i < x.length; i++) sums[target[i]] += x[i];
  return sums;
}

export function mean(p: MeanParams, x: Int8Array, y: Int8Array): void {
  const sums = sumInto(p, x);
  const offset = p.inputZeroPoint * p.count;
  for (let o = 0; o < sums.length; o++) {
    const q = multiplyByQuantizedMultiplier((sums[o] - offset) | 0, p.multiplier, p.shift) + p.outputZeroPoint;
    y[o] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
}

const fround = Math.fround;

/** XNNPACK's global average pooling: (sum − n·zp_in) requantized in float32, ties to even. */
export function meanXnnpack(p: MeanParams, scale: number, x: Int8Array, y: Int8Array): void {
  const sums = sumInto(p, x);
  const bias = -p.count * p.inputZeroPoint;
  for (let o = 0; o < sums.length; o++) y[o] = xnnpackRequantize(sums[o] + bias, scale, p.outputZeroPoint, -128, 127);
}

/** Input and output quantized alike (reference_ops::Mean, integer): the sum divided by n, truncated. */
export function meanSameParams(p: MeanParams, x: Int8Array, y: Int8Array): void {
  const sums = sumInto(p, x);
  for (let o = 0; o < sums.length; o++) y[o] = Math.trunc(sums[o] / p.count);
}

/** The optimized 4D spatial mean (optimized/integer_ops/mean.h): raw sum, one multiplier, integer bias. */
export function meanSpatialOptimized(p: MeanParams, bias: number, x: Int8Array, y: Int8Array): void {
  const sums = sumInto(p, x);
  for (let o = 0; o < sums.length; o++) {
    const q = multiplyByQuantizedMultiplier(sums[o], p.multiplier, p.shift) + bias;
    y[o] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
}

/** The optimized general mean (optimized/reduce.h QuantizedMeanOrSum): float32 arithmetic, C round. */
export function meanFloat(p: MeanParams, scale: number, bias: number, x: Int8Array, y: Int8Array): void {
  const sums = sumInto(p, x);
  const n = p.count;
  for (let o = 0; o < sums.length; o++) {
    const mean = fround(sums[o] / n);
    const q = roundHalfAway(fround(fround(mean * scale) + bias)) + p.outputZeroPoint;
    y[o] = q < -128 ? -128 : q > 127 ? 127 : q;
  }
}

export const MEAN: ReferenceKernel = {
  builtin: 'MEAN',
  prepare(ctx) {
    const x = input(ctx, 0, 'int8');
    const axisTensor = input(ctx, 1, 'int32');
    const y = output(ctx, 0, 'int8');
    if (!axisTensor.constant) throw opError(ctx, 'axis is not constant');
    const rank = x.shape.length;
    const axes = new Set<number>();
    for (const a of axisTensor.data) {
      if (a < -rank || a >= rank) throw opError(ctx, `axis ${a} is out of range for rank ${rank}`, 'E_MODEL_FILE');
      axes.add(a < 0 ? a + rank : a);
    }
    // Output coordinates: the kept dims in order (keep_dims only inserts 1s, which do not move data).
    const keptDims = x.shape.filter((_, i) => !axes.has(i));
    const outCount = elementCount(keptDims);
    if (elementCount(y.shape) !== outCount) {
      throw opError(ctx, `output ${y.name} has shape [${y.shape.join(',')}], expected ${outCount} values`, 'E_MODEL_FILE');
    }
    const count = elementCount(x.shape) / Math.max(outCount, 1);
    const target = new Int32Array(elementCount(x.shape));
    const coord = new Array<number>(rank).fill(0);
    for (let i = 0; i < target.length; i++) {
      let flat = 0;
      for (let d = 0; d < rank; d++) if (!axes.has(d)) flat = flat * x.shape[d] + coord[d];
      target[i] = flat;
      for (let d = rank - 1; d >= 0; d--) {
        if (++coord[d] < x.shape[d]) break;
        coord[d] = 0;
      }
    }
    const inQ = perTensor(ctx, x);
    const outQ = perTensor(ctx, y);
    if (count < 1) throw opError(ctx, 'reduces over an empty axis', 'E_MODEL_FILE');
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    if (ctx.arithmetic === 'xnnpack') {
      const sums = new Int32Array(outCount);
      const [sIn, sOut] = [fround(inQ.scale), fround(outQ.scale)];
      const raw = Array.from(axisTensor.data);
      const spatialPair = rank === 4 && raw.length === 2 && ((raw[0] === 1 && raw[1] === 2) || (raw[0] === 2 && raw[1] === 1));
      const ratio = fround(sIn / sOut);
      if ((spatialPair || (rank === 4 && raw.length === 1 && raw[0] === 2)) && ratio >= 2 ** -8 && ratio < 2 ** 8) {
        const scale = fround(sIn / fround(sOut * count));
        const p: MeanParams = { target, count, inputZeroPoint: inQ.zeroPoint, multiplier: 0, shift: 0, outputZeroPoint: outQ.zeroPoint, sums };
        return () => meanXnnpack(p, scale, xd, yd);
      }
      if (spatialPair && option(ctx, 'keepDims', false)) {
        const t = fround(fround(inQ.zeroPoint * sIn) / sOut);
        const bias = outQ.zeroPoint - Math.trunc(t > 0 ? fround(t + 0.5) : fround(t - 0.5));
        const m = quantizeMultiplier(fround(sIn / fround(count * sOut)));
        const p: MeanParams = { target, count, inputZeroPoint: inQ.zeroPoint, multiplier: m.multiplier, shift: m.shift, outputZeroPoint: outQ.zeroPoint, sums };
        return () => meanSpatialOptimized(p, bias, xd, yd);
      }
      if (inQ.zeroPoint === outQ.zeroPoint && sIn === sOut) {
        const p: MeanParams = { target, count, inputZeroPoint: 0, multiplier: 0, shift: 0, outputZeroPoint: 0, sums };
        return () => meanSameParams(p, xd, yd);
      }
      const bias = fround(-inQ.zeroPoint * ratio);
      const p: MeanParams = { target, count, inputZeroPoint: inQ.zeroPoint, multiplier: 0, shift: 0, outputZeroPoint: outQ.zeroPoint, sums };
      return () => meanFloat(p, ratio, bias, xd, yd);
    }
    const m = quantizeMultiplier(inQ.scale / outQ.scale);
    const k = Math.min(31 - Math.clz32(count), 32, 31 + m.shift); // floor(log2 n)
    const multiplier = Number((BigInt(m.multiplier) << BigInt(k)) / BigInt(count)); // BigInt division truncates
    const p: MeanParams = {
      target,
      count,
      inputZeroPoint: inQ.zeroPoint,
      multiplier,
      shift: m.shift - k,
      outputZeroPoint: outQ.zeroPoint,
      sums: new Int32Array(outCount),
    };
    return () => mean(p, xd, yd);
  },
};
