// DepthwiseConv2dNativeBackpropFilter for the wasm backend: direct JS loops over the wasm heap.
// dW[kh, kw, c, m] = sum over (b, oy, ox) of x[b, iy, ix, c] * dy[b, oy, ox, c * mult + m]. The
// wasm BatchMatMul cannot help (each channel is its own tiny product), so this is a loop nest
// tuned for V8: four output channels at a time summed in locals along an output row, which
// measured ~3x faster than accumulating in a typed array per product. With depth multiplier 1 and
// channels a multiple of 4 (every built-in model): a WebAssembly SIMD loop in place on the heap
// (../simd/depthwise-filter-grad.wat), several times faster again.
import * as tf from '@tensorflow/tfjs-core';
import { backpropConvInfo, validOutRange, type BackpropAttrs } from './conv-geometry.js';
import { heapF32, wasmBackend } from './wasm-heap.js';
import { heapModule, heapOffset } from './heap-module.js';
import { depthwiseFilterGradWasm, depthwiseFilterGradSharedWasm } from '../simd/generated/depthwise-filter-grad-wasm.js';

interface SimdExports {
  depthwise_filter_grad(x: number, dy: number, dw: number, batch: number, inH: number, inW: number, c: number, outH: number, outW: number, sH: number, sW: number, fH: number, fW: number, padT: number, padL: number): void;
}

let simdEnabled = true;

/** Turns the SIMD loop off (tests compare both paths); returns the old setting. */
export function setDepthwiseFilterGradSimd(on: boolean): boolean {
  const old = simdEnabled;
  simdEnabled = on;
  return old;
}

interface Args {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  backend: unknown;
  attrs: BackpropAttrs & { filterShape: [number, number, number, number] };
}

export function depthwiseConv2dNativeBackpropFilter({ inputs, backend: anyBackend, attrs }: Args): tf.TensorInfo {
  const { x, dy } = inputs;
  const backend = wasmBackend(anyBackend, tf.DepthwiseConv2dNativeBackpropFilter);
  const info = backpropConvInfo(tf.DepthwiseConv2dNativeBackpropFilter, x.shape, attrs.filterShape, attrs, true, dy, [x, dy]);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const mult = outChannels / inChannels;
  const simd = simdEnabled && mult === 1 && inChannels % 4 === 0 ? heapModule<SimdExports>(backend, depthwiseFilterGradWasm, depthwiseFilterGradSharedWasm) : null;
  if (simd) {
    const dw = backend.makeOutput(info.filterShape, 'float32');
    simd.depthwise_filter_grad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw), batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, info.padInfo.top, info.padInfo.left);
    return dw;
  }
  const colsRange = Array.from({ length: filterWidth }, (_, kw) => validOutRange(kw, strideWidth, padLeft, inWidth, outWidth));
  // Input channel of each output channel ch = c * mult + m.
  const xChannel = Int32Array.from({ length: outChannels }, (_, ch) => Math.floor(ch / mult));

  // Sums of up to batch * outHeight * outWidth products: float64, as the cpu kernel keeps them.
  const acc = new Float64Array(filterHeight * filterWidth * outChannels);
  const out = backend.makeOutput(info.filterShape, 'float32');
  const xv = heapF32(backend, x);
  const dyv = heapF32(backend, dy);
  const xStep = strideWidth * inChannels;
  const blocked = outChannels - (outChannels % 4);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const dyRow = (b * outHeight + oy) * outWidth * outChannels;
      for (let kh = 0; kh < filterHeight; kh++) {
        const iy = oy * strideHeight + kh - padTop;
        if (iy < 0 || iy >= inHeight) continue;
        const xRow = (b * inHeight + iy) * inWidth * inChannels;
        for (let kw = 0; kw < filterWidth; kw++) {
          const [oxLo, oxHi] = colsRange[kw];
          const a0 = (kh * filterWidth + kw) * outChannels;
          const xBase = xRow + (oxLo * strideWidth + kw - padLeft) * inChannels;
          const dyBase = dyRow + oxLo * outChannels;
          let ch = 0;
          for (; ch < blocked; ch += 4) {
            const x0 = xBase + xChannel[ch];
            const x1 = xBase + xChannel[ch + 1];
            const x2 = xBase + xChannel[ch + 2];
            const x3 = xBase + xChannel[ch + 3];
            let s0 = 0;
            let s1 = 0;
            let s2 = 0;
            let s3 = 0;
            for (let ox = oxLo, xo = 0, dyo = dyBase + ch; ox < oxHi; ox++, xo += xStep, dyo += outChannels) {
              s0 += xv[x0 + xo] * dyv[dyo];
              s1 += xv[x1 + xo] * dyv[dyo + 1];
              s2 += xv[x2 + xo] * dyv[dyo + 2];
              s3 += xv[x3 + xo] * dyv[dyo + 3];
            }
            acc[a0 + ch] += s0;
            acc[a0 + ch + 1] += s1;
            acc[a0 + ch + 2] += s2;
            acc[a0 + ch + 3] += s3;
          }
          for (; ch < outChannels; ch++) {
            const x0 = xBase + xChannel[ch];
            let s0 = 0;
            for (let ox = oxLo, xo = 0, dyo = dyBase + ch; ox < oxHi; ox++, xo += xStep, dyo += outChannels) s0 += xv[x0 + xo] * dyv[dyo];
            acc[a0 + ch] += s0;
          }
        }
      }
    }
  }
  heapF32(backend, out).set(acc);
  return out;
}
