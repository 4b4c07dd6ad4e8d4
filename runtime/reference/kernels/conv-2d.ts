// CONV_2D, int8 (docs/int8-semantics.md §4.1; reference/integer_ops/conv.h): per output channel c,
// acc = Σ over in-image taps of w[c,ky,kx,ic]·(x − zp_in) + bias[c] (taps outside the image are
// skipped, i.e. padded with zp_in), y = MBQM(acc, M_c, shift_c) + zp_out, clamped. Filter OHWI.
// With XNNPACK's arithmetic only the last step differs (requantize in ../conv-common.ts).
// Speed, with the same integers: input values equal to the input's most frequent value c are skipped
// (see conv2d), and two output channels share each float64 multiply-add (../packed-lanes.ts).
import { mostFrequent } from '../common-value.js';
import { convRequantization, requantize, windowGeometry, type ConvGeometry, type Requantization } from '../conv-common.js';
import { input, opError, output, type ReferenceKernel } from '../kernel.js';
import { accumulateRows, choosePacking, packPair, unpackInto, type PackedWeights } from '../packed-lanes.js';

export interface Conv2DParams {
  geometry: ConvGeometry;
  requant: Requantization;
  packing: PackedWeights;
  /** Packed filter transposed, [kH·kW·inC, columns]: one filter tap's weights for all channels are contiguous. */
  packedT: Float64Array;
  /** Σ over the whole filter of w[oc], for the common-value correction. */
  filterSums: Float64Array;
  /** Scratch: x − c; packed and unpacked sums; a histogram; one window's non-skipped taps. */
  shifted: Float64Array;
  sums: Float64Array;
  acc: Float64Array;
  counts: Int32Array;
  offsets: Int32Array;
  values: Float64Array;
}

/**
 * With c the input's most frequent value: Σ_in-image w·(x − zp) = Σ_all taps w·v + (c − zp)·Σ_all w,
 * where v = x − c inside the image and zp − c on padding taps. Taps with v = 0 are skipped; the
 * others are listed per window and their packed filter rows summed (../packed-lanes.ts).
 */
export function conv2d(p: Conv2DParams, x: Int8Array, y: Int8Array): void {
  const g = p.geometry;
  const r = p.requant;
  const { inputZeroPoint, bias } = r;
  const { packedT, filterSums, shifted, sums, acc, offsets, values } = p;
  const common = mostFrequent(x, 0, x.length, p.counts);
  for (let i = 0; i < x.length; i++) shifted[i] = x[i] - common;
  const padValue = inputZeroPoint - common;
  const correction = common - inputZeroPoint;
  const { inH, inW, inC, kH, kW, strideH, strideW, dilH, dilW, outC } = g;
  const columns = p.packing.columns;
  let out = 0;
  for (let b = 0; b < g.batches; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      const iy0 = oy * strideH - g.padTop;
      for (let ox = 0; ox < g.outW; ox++) {
        const ix0 = ox * strideW - g.padLeft;
        let n = 0;
        let row = 0; // filter tap index (ky, kx, ic) × columns
        for (let ky = 0; ky < kH; ky++) {
          const iy = iy0 + ky * dilH;
          const rowInside = iy >= 0 && iy < inH;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ix0 + kx * dilW;
            if (rowInside && ix >= 0 && ix < inW) {
              const base = ((b * inH + iy) * inW + ix) * inC;
              for (let c = 0; c < inC; c++, row += columns) {
                const v = shifted[base + c];
                if (v !== 0) {
                  offsets[n] = row;
                  values[n++] = v;
                }
              }
            } else if (padValue !== 0) {
              for (let c = 0; c < inC; c++, row += columns) {
                offsets[n] = row;
                values[n++] = padValue;
              }
            } else {
              row += inC * columns;
            }
          }
        }
        accumulateRows(packedT, columns, offsets, values, n, sums);
        unpackInto(p.packing, sums, outC, acc);
        for (let oc = 0; oc < outC; oc++) {
          const total = (acc[oc] + correction * filterSums[oc] + bias[oc]) | 0; // int32, as the C accumulator
          y[out++] = requantize(r, total, oc);
        }
      }
    }
  }
}

export const CONV_2D: ReferenceKernel = {
  builtin: 'CONV_2D',
  prepare(ctx) {
    const x = input(ctx, 0, 'int8');
    const w = input(ctx, 1, 'int8');
    const y = output(ctx, 0, 'int8');
    if (!w.constant) throw opError(ctx, 'filter is not constant');
    if (w.shape.length !== 4) throw opError(ctx, `filter has shape [${w.shape.join(',')}], expected OHWI`, 'E_MODEL_FILE');
    const [outC, kH, kW, filterC] = w.shape;
    const geometry = windowGeometry(ctx, x, y, kH, kW, outC);
    if (filterC !== geometry.inC) throw opError(ctx, `filter has ${filterC} input channels, input has ${geometry.inC} (grouped convolution is not supported)`);
    const requant = convRequantization(ctx, x, w, ctx.inputs[2], y, outC, 0);
    const filterSize = kH * kW * filterC;
    const raw = w.data as Int8Array;
    const weight = (oc: number, k: number) => raw[oc * filterSize + k];
    // v = x − c or zp − c with all three in int8: |v| ≤ 255.
    const packing = choosePacking(outC, filterSize, weight, 255);
    const packedT = new Float64Array(filterSize * packing.columns);
    for (let k = 0; k < filterSize; k++) {
      for (let j = 0; j < packing.columns; j++) packedT[k * packing.columns + j] = packPair(packing, outC, j, (oc) => weight(oc, k));
    }
    const filterSums = new Float64Array(outC);
    for (let oc = 0; oc < outC; oc++) for (let k = 0; k < filterSize; k++) filterSums[oc] += weight(oc, k);
    const p: Conv2DParams = {
      geometry,
      requant,
      packing,
      packedT,
      filterSums,
      shifted: new Float64Array(x.data.length),
      sums: new Float64Array(packing.columns),
      acc: new Float64Array(outC),
      counts: new Int32Array(256),
      offsets: new Int32Array(filterSize),
      values: new Float64Array(filterSize),
    };
    const xd = x.data as Int8Array;
    const yd = y.data as Int8Array;
    return () => conv2d(p, xd, yd);
  },
};
