// TRANSPOSE_CONV, int8 (docs/int8-semantics.md §4.13; TFLite lite/kernels/transpose_conv.cc and
// kernels/internal/reference/integer_ops/transpose_conv.h TransposeConv): inputs in TFLite's order
// output_shape, weights [O, KH, KW, C] (OHWI), input [N, H, W, C], optional int32 bias [O]. Every
// input value x scatters (x − zp_in)·w[oc,ky,kx,ic] to output (iy·stride − pad + ky, ix·stride −
// pad + kx) when that lies inside the output; the int32 sums plus bias are requantized per output
// channel like CONV_2D (MBQM with QuantizeMultiplier(s_in·s_w[oc]/s_out)) and clamped to the fused
// activation's range (version 4; earlier versions have none). The padding is the one a CONV_2D from
// the output's size would have (ComputePaddingHeightWidth with the output as its input).
// arithmetic 'xnnpack' (what tfjs-tflite computes): with per-tensor weights XNNPACK's deconvolution
// — the same sums, float32 requantization rounded half to even (../xnnpack-arithmetic.ts) and
// XNNPACK's clamp; with per-channel weights TFLite's kernel, i.e. the reference arithmetic, because
// tfjs-tflite's XNNPACK build takes int8 TRANSPOSE_CONV with per-tensor weights only. (LiteRT.js's
// newer XNNPACK takes per-channel weights too and rounds those with its float32 requantization:
// one step off on ~0.1 % of the values; test/conformance/ lists the cases.)
import { convRequantization, requantize, type Requantization } from '../conv-common.js';
import { elementCount, input, opError, option, output, tfliteArithmetic, type ReferenceKernel } from '../kernel.js';
import { outputSize, paddingBefore, type PaddingMode } from '../padding.js';

export interface TransposeConvGeometry {
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
  padTop: number;
  padLeft: number;
}

export interface TransposeConvParams {
  geometry: TransposeConvGeometry;
  requant: Requantization;
  /** Weights as [ky, kx, ic, oc]: one tap's weights for all output channels are contiguous. */
  filter: Float64Array;
  /** Scratch: the int32 sums of one batch, [outH, outW, outC]. */
  sums: Float64Array;
}

export function transposeConv(p: TransposeConvParams, x: Int8Array, y: Int8Array): void {
  const g = p.geometry;
  const r = p.requant;
  const { filter, sums } = p;
  const { inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padTop, padLeft } = g;
  const zp = r.inputZeroPoint;
  for (let b = 0; b < g.batches; b++) {
    sums.fill(0);
    for (let iy = 0; iy < inH; iy++) {
      const oy0 = iy * strideH - padTop;
      for (let ix = 0; ix < inW; ix++) {
        const ox0 = ix * strideW - padLeft;
        const base = ((b * inH + iy) * inW + ix) * inC;
        for (let ky = 0; ky < kH; ky++) {
          const oy = oy0 + ky;
          if (oy < 0 || oy >= outH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ox = ox0 + kx;
            if (ox < 0 || ox >= outW) continue;
            const out = (oy * outW + ox) * outC;
            let w = (ky * kW + kx) * inC * outC;
            for (let ic = 0; ic < inC; ic++, w += outC) {
              const v = x[base + ic] - zp;
              if (v === 0) continue;
              for (let oc = 0; oc < outC; oc++) sums[out + oc] += v * filter[w + oc];
            }
          }
        }
      }
    }
    // Sums are exact in float64 (|Σ| < 2^53); `| 0` wraps them to int32 as the C accumulator does.
    const at = b * outH * outW * outC;
    for (let i = 0, oc = 0; i < sums.length; i++, oc = oc + 1 === outC ? 0 : oc + 1) {
      y[at + i] = requantize(r, (sums[i] + r.bias[oc]) | 0, oc);
    }
  }
}

export const TRANSPOSE_CONV: ReferenceKernel = {
  builtin: 'TRANSPOSE_CONV',
  prepare(ctx) {
    const shape = input(ctx, 0, 'int32');
    const w = input(ctx, 1, 'int8');
    const x = input(ctx, 2, 'int8');
    const y = output(ctx, 0, 'int8');
    if (!w.constant) throw opError(ctx, 'weights are not constant');
    if (!shape.constant) throw opError(ctx, 'output_shape is not constant (the reference engine runs static shapes)');
    if (w.shape.length !== 4) throw opError(ctx, `weights have shape [${w.shape.join(',')}], expected OHWI`, 'E_MODEL_FILE');
    if (x.shape.length !== 4 || y.shape.length !== 4) throw opError(ctx, 'input and output must be NHWC', 'E_MODEL_FILE');
    const declared = Array.from(shape.data as Int32Array);
    if (declared.length !== 4 || declared.some((d, i) => d !== y.shape[i])) {
      throw opError(ctx, `output_shape [${declared.join(',')}] is not the output's shape [${y.shape.join(',')}]`, 'E_MODEL_FILE');
    }
    const [outC, kH, kW, filterC] = w.shape;
    const [batches, inH, inW, inC] = x.shape;
    const [outN, outH, outW, yC] = y.shape;
    if (filterC !== inC || yC !== outC || outN !== batches) {
      throw opError(ctx, `weights [${w.shape.join(',')}] do not map input [${x.shape.join(',')}] to output [${y.shape.join(',')}]`, 'E_MODEL_FILE');
    }
    const padding = option<string>(ctx, 'padding', 'SAME');
    if (padding !== 'SAME' && padding !== 'VALID') throw opError(ctx, `padding ${padding}`);
    const strideH = option(ctx, 'strideH', 0);
    const strideW = option(ctx, 'strideW', 0);
    if (!(strideH >= 1 && strideW >= 1)) throw opError(ctx, `stride ${strideH}×${strideW}`, 'E_MODEL_FILE');
    const convH = outputSize(padding as PaddingMode, outH, kH, strideH, 1);
    const convW = outputSize(padding as PaddingMode, outW, kW, strideW, 1);
    const geometry: TransposeConvGeometry = {
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
      padTop: paddingBefore(outH, kH, strideH, 1, convH),
      padLeft: paddingBefore(outW, kW, strideW, 1, convW),
    };
    const bias = ctx.inputs[3];
    if (bias && elementCount(bias.shape) !== outC) throw opError(ctx, `bias has ${elementCount(bias.shape)} values for ${outC} channels`, 'E_MODEL_FILE');
    const perChannel = (w.quantization?.scale.length ?? 0) > 1;
    const requant = convRequantization(perChannel ? tfliteArithmetic(ctx) : ctx, x, w, bias, y, outC, 0);
    const raw = w.data as Int8Array;
    const filter = new Float64Array(raw.length);
    for (let oc = 0; oc < outC; oc++) {
      for (let k = 0; k < kH * kW; k++) {
        for (let ic = 0; ic < inC; ic++) filter[(k * inC + ic) * outC + oc] = raw[(oc * kH * kW + k) * inC + ic];
      }
    }
    const p: TransposeConvParams = { geometry, requant, filter, sums: new Float64Array(outH * outW * outC) };
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    return () => transposeConv(p, xd, yd);
  },
};
