// FULLY_CONNECTED, int8 (docs/int8-semantics.md §4.3; TF 2.21 reference/integer_ops/fully_connected.h, the
// float-requantization overloads that BUILTIN_REF selects): acc = Σ (w − zp_w)(x − zp_in) + bias in
// int32, then y = round_half_away(double(acc) · s_in·s_w[o]/s_out) + zp_out, clamped. No
// fixed-point multiplier here, unlike CONV_2D. With XNNPACK's arithmetic: float32 scale and product,
// ties to even (../xnnpack-arithmetic.ts).
//
// Speed, with the same integers:
// - Inputs equal to one common value c (a RELU-ed activation's zero, an image's background) are
//   skipped: Σ_i w·(x − zp) = Σ_{x≠c} w·(x − c) + (c − zp)·Σ_i w; c is each row's most frequent value.
// - Two output units share each float64 multiply-add (../packed-lanes.ts).
import { fusedActivationRange, xnnpackFusedClamp } from '../activation.js';
import { mostFrequent } from '../common-value.js';
import { elementCount, input, opError, option, output, perTensor, tfliteArithmetic, type ReferenceKernel } from '../kernel.js';
import { accumulateRows, choosePacking, packPair, unpackInto, type PackedWeights } from '../packed-lanes.js';
import { xnnpackConvScale, xnnpackRequantize } from '../xnnpack-arithmetic.js';

export interface FullyConnectedParams {
  rows: number;
  depth: number;
  units: number;
  packing: PackedWeights;
  /** Packed (w − zp_w), [depth, columns]: input i's weights for all units are contiguous. */
  packed: Float64Array;
  /** Σ_i (w[o,i] − zp_w), for the skipped-value correction. */
  rowSums: Int32Array;
  bias: Int32Array;
  inputZeroPoint: number;
  /** Per output unit: double(s_in)·double(s_w[o]) / double(s_out), or XNNPACK's float32 scale. */
  scales: Float64Array;
  xnnpack: boolean;
  outputZeroPoint: number;
  actMin: number;
  actMax: number;
  /** Scratch: packed and unpacked sums, a histogram, the inputs that are not skipped. */
  sums: Float64Array;
  acc: Float64Array;
  counts: Int32Array;
  offsets: Int32Array;
  values: Float64Array;
}

export function fullyConnected(p: FullyConnectedParams, x: Int8Array, y: Int8Array): void {
  const { depth, units, rowSums, bias, inputZeroPoint, scales, outputZeroPoint, actMin, actMax, sums, acc, counts, xnnpack } = p;
  for (let r = 0; r < p.rows; r++) {
    const xBase = r * depth;
    const common = mostFrequent(x, xBase, depth, counts);
    accumulate(p, x, xBase, common);
    unpackInto(p.packing, sums, units, acc);

    const correction = common - inputZeroPoint;
    const yBase = r * units;
    for (let o = 0; o < units; o++) {
      const total = (acc[o] + correction * rowSums[o] + bias[o]) | 0; // int32, as the C accumulator
      if (xnnpack) {
        y[yBase + o] = xnnpackRequantize(total, scales[o], outputZeroPoint, actMin, actMax);
        continue;
      }
      const v = total * scales[o];
      const q = (v < 0 ? -Math.round(-v) : Math.round(v)) + outputZeroPoint;
      y[yBase + o] = q < actMin ? actMin : q > actMax ? actMax : q;
    }
  }
}

/** Lists the inputs that differ from `common`, then sums their packed weight rows (../packed-lanes.ts). */
function accumulate(p: FullyConnectedParams, x: Int8Array, xBase: number, common: number): void {
  const { offsets, values, depth } = p;
  const columns = p.packing.columns;
  let n = 0;
  for (let i = 0; i < depth; i++) {
    const d = x[xBase + i] - common;
    if (d !== 0) {
      offsets[n] = i * columns;
      values[n++] = d;
    }
  }
  accumulateRows(p.packed, columns, offsets, values, n, p.sums);
}

export const FULLY_CONNECTED: ReferenceKernel = {
  builtin: 'FULLY_CONNECTED',
  prepare(ctx) {
    const x = input(ctx, 0, 'int8');
    const w = input(ctx, 1, 'int8');
    const b = ctx.inputs[2];
    const y = output(ctx, 0, 'int8');
    if (!w.constant) throw opError(ctx, 'weights are not constant');
    if (option(ctx, 'weightsFormat', 'DEFAULT') !== 'DEFAULT') throw opError(ctx, `weights format ${String(ctx.op.options?.weightsFormat)}`);
    if (w.shape.length !== 2) throw opError(ctx, `weights have shape [${w.shape.join(',')}], expected [units, depth]`, 'E_MODEL_FILE');
    const [units, depth] = w.shape;
    const size = elementCount(x.shape);
    if (depth < 1 || size % depth !== 0) throw opError(ctx, `input of ${size} values is not a multiple of depth ${depth}`, 'E_MODEL_FILE');
    const rows = size / depth;
    if (elementCount(y.shape) !== rows * units) {
      throw opError(ctx, `output ${y.name} has shape [${y.shape.join(',')}], expected ${rows}×${units} values`, 'E_MODEL_FILE');
    }
    const inQ = perTensor(ctx, x);
    const outQ = perTensor(ctx, y);
    const wq = w.quantization;
    if (!wq || (wq.scale.length !== 1 && wq.scale.length !== units)) {
      throw opError(ctx, `weights need 1 or ${units} scales, have ${wq?.scale.length ?? 0}`, 'E_MODEL_FILE');
    }
    // Only per-tensor weights may carry a zero point (docs/int8-semantics.md §4.3).
    const weightZp = wq.scale.length === 1 ? (wq.zeroPoint[0] ?? 0) : 0;

    let bias: Int32Array = new Int32Array(units);
    if (b) {
      if (b.dtype !== 'int32') throw opError(ctx, `bias is ${b.dtype}; int8 FULLY_CONNECTED takes an int32 bias`);
      if (!b.constant) throw opError(ctx, 'bias is not constant');
      if (elementCount(b.shape) !== units) throw opError(ctx, `bias has ${elementCount(b.shape)} values for ${units} units`, 'E_MODEL_FILE');
      bias = b.data as Int32Array;
      if (wq.scale.length === 1) {
        // TFLite's Prepare (kernel_util.cc GetQuantizedConvolutionMultipler) rejects a per-tensor
        // bias scale that is off by more than 2 % of the output scale; a bias with a scale list of
        // other than one entry has no per-tensor scale there (reads as 0).
        const biasScale = b.quantization?.scale.length === 1 ? b.quantization.scale[0] : 0;
        const product = Math.fround(inQ.scale * wq.scale[0]);
        if (Math.abs(product - biasScale) / outQ.scale > 0.02) {
          throw opError(ctx, `bias scale ${biasScale} does not match input scale × weight scale ${product} (TFLite allows 2 % of the output scale)`, 'E_MODEL_FILE');
        }
      }
    }

    const raw = w.data as Int8Array;
    const weight = (o: number, i: number) => raw[o * depth + i] - weightZp;
    const rowSums = new Int32Array(units);
    for (let o = 0; o < units; o++) for (let i = 0; i < depth; i++) rowSums[o] += weight(o, i);
    // x − c with both in int8: |d| ≤ 255.
    const packing = choosePacking(units, depth, weight, 255);
    const packed = new Float64Array(depth * packing.columns);
    for (let i = 0; i < depth; i++) {
      for (let j = 0; j < packing.columns; j++) packed[i * packing.columns + j] = packPair(packing, units, j, (o) => weight(o, i));
    }
    // XNNPACK's int8 weights are symmetric (zero point 0; a nonzero one is not covered by a
    // conformance case) and it refuses a clamp that collapses to one value; such ops stay on TFLite's kernel.
    const clamp = ctx.arithmetic === 'xnnpack' && weightZp === 0 ? xnnpackFusedClamp(ctx, outQ.scale, outQ.zeroPoint) : null;
    const xnnpack = clamp !== null;
    const [actMin, actMax] = clamp ?? fusedActivationRange(tfliteArithmetic(ctx), outQ.scale, outQ.zeroPoint);
    const scales = new Float64Array(units);
    for (let o = 0; o < units; o++) {
      const ws = wq.scale[wq.scale.length === 1 ? 0 : o];
      scales[o] = xnnpack ? xnnpackConvScale(inQ.scale, ws, outQ.scale) : (inQ.scale * ws) / outQ.scale;
    }

    const p: FullyConnectedParams = {
      rows,
      depth,
      units,
      packing,
      packed,
      rowSums,
      bias,
      inputZeroPoint: inQ.zeroPoint,
      scales,
      xnnpack,
      outputZeroPoint: outQ.zeroPoint,
      actMin,
      actMax,
      sums: new Float64Array(packing.columns),
      acc: new Float64Array(units),
      counts: new Int32Array(256),
      offsets: new Int32Array(depth),
      values: new Float64Array(depth),
    };
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    return () => fullyConnected(p, xd, yd);
  },
};
