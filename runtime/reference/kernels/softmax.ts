// SOFTMAX, int8 → int8 (docs/int8-semantics.md §4.9; kernels/activations.cc → optimized_ops.h
// PopulateSoftmaxLookupTable / Softmax, used by BUILTIN_REF too): a float32 table
// T[255 − v] = expf(f32(−s_in·beta) · v); per row over the last dim, with mx = max q:
// sum = Σ T[255 − mx + q_j] accumulated in float32 in index order, inv = 1 / (sum · s_out) in
// float32, y_j = round_half_away(T[255 − mx + q_j] · inv) + zp_out, clamped. Output must be (1/256, −128).
import { f32 } from '../../quant/rounding.js';
import { elementCount, input, opError, option, output, perTensor, sameShape, type ReferenceKernel } from '../kernel.js';

export interface SoftmaxParams {
  rows: number;
  depth: number;
  table: Float32Array;
  outputScale: number;
  outputZeroPoint: number;
}

export function softmax(p: SoftmaxParams, x: Int8Array, y: Int8Array): void {
  const { depth, table, outputScale, outputZeroPoint } = p;
  for (let r = 0; r < p.rows; r++) {
    const base = r * depth;
    let max = -128;
    for (let j = 0; j < depth; j++) if (x[base + j] > max) max = x[base + j];
    const offset = 255 - max;
    let sum = 0;
    for (let j = 0; j < depth; j++) sum = Math.fround(sum + table[offset + x[base + j]]);
    const inv = Math.fround(1 / Math.fround(sum * outputScale));
    for (let j = 0; j < depth; j++) {
      const prob = Math.fround(table[offset + x[base + j]] * inv);
      const q = Math.round(prob) + outputZeroPoint; // prob ≥ 0: Math.round is half away from zero here
      y[base + j] = q < -128 ? -128 : q > 127 ? 127 : q;
    }
  }
}

export const SOFTMAX: ReferenceKernel = {
  builtin: 'SOFTMAX',
  prepare(ctx) {
    const x = input(ctx, 0, 'int8');
    const y = output(ctx, 0, 'int8');
    if (!sameShape(x.shape, y.shape)) throw opError(ctx, 'input and output shapes differ', 'E_MODEL_FILE');
    const inQ = perTensor(ctx, x);
    const outQ = perTensor(ctx, y);
    // TFLite's Prepare checks for int8 output: zero point −128, scale 1/256 within 0.1 %.
    if (outQ.zeroPoint !== -128 || Math.abs(outQ.scale - 1 / 256) > 0.001 / 256) {
      throw opError(ctx, `output must be quantized with scale 1/256 and zero point -128, has ${outQ.scale} and ${outQ.zeroPoint}`);
    }
    const beta = option(ctx, 'beta', 1);
    const scale = f32(-f32(inQ.scale) * f32(beta));
    const table = new Float32Array(256);
    for (let v = 0; v <= 255; v++) table[255 - v] = Math.exp(f32(scale * v)); // store rounds to float32
    const depth = x.shape[x.shape.length - 1] ?? 1;
    const p: SoftmaxParams = { rows: elementCount(x.shape) / depth, depth, table, outputScale: f32(outQ.scale), outputZeroPoint: outQ.zeroPoint };
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    return () => softmax(p, xd, yd);
  },
};
