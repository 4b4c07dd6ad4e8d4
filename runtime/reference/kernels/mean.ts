// MEAN, int8 (facts §3.8; reference/reduce.h QuantizedMeanOrSum, kernels/reduce.cc): S = Σ raw q
// over the reduced axes, n = their size; (M, s) = QuantizeMultiplier(double(s_in)/double(s_out));
// k = min(floor(log2 n), 32, 31 + s); M' = (M·2^k) div n (int64, truncating); s' = s − k;
// y = MBQM(S − zp_in·n, M', s') + zp_out, clamped to int8. keep_dims only changes the shape.
import { multiplyByQuantizedMultiplier, quantizeMultiplier } from '../fixed-point.js';
import { elementCount, input, opError, output, perTensor, type ReferenceKernel } from '../kernel.js';

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

export function mean(p: MeanParams, x: Int8Array, y: Int8Array): void {
  const { target, sums } = p;
  sums.fill(0);
  for (let i = 0; i < x.length; i++) sums[target[i]] += x[i];
  const offset = p.inputZeroPoint * p.count;
  for (let o = 0; o < sums.length; o++) {
    const q = multiplyByQuantizedMultiplier((sums[o] - offset) | 0, p.multiplier, p.shift) + p.outputZeroPoint;
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
    const m = quantizeMultiplier(inQ.scale / outQ.scale);
    if (count < 1) throw opError(ctx, 'reduces over an empty axis', 'E_MODEL_FILE');
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
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    return () => mean(p, xd, yd);
  },
};
