// Conv2DBackpropFilter for the wasm backend. Output channels a multiple of 8 (every built-in model):
// a WebAssembly SIMD GEMM straight from x and dy in place on the backend's heap
// (../simd/conv-filter-grad.wat; no im2col copy, ~3x faster than the im2col path for the cnn at
// batch 32). Otherwise: im2col in JS into a wasm-heap tensor, then the backend's own BatchMatMul
// (XNNPACK GEMM). dW[k, co] = sum_m col[k, m] * dy[m, co] with
// k = (kh, kw, ci) and m = (b, oy, ox): col is laid out [K, M] (transposed im2col) so the GEMM is
// a plain one; the wasm backend only runs non-transposed, batch-1 matmuls through XNNPACK, its
// transposed ones are a naive loop 5-10x slower.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backpropConvInfo, validOutRange, type BackpropAttrs } from './conv-geometry.js';
import { heapF32, reshaped, wasmBackend } from './wasm-heap.js';
import { heapModule, heapOffset, heapViews, withScratch } from './heap-module.js';
import { convFilterGradWasm, convFilterGradSharedWasm } from '../simd/generated/conv-filter-grad-wasm.js';

interface SimdExports {
  conv_filter_grad(x: number, dy: number, dw: number, batch: number, inH: number, inW: number, ci: number, outH: number, outW: number, co: number, sH: number, sW: number, fH: number, fW: number, padT: number, padL: number, ranges: number): void;
}

let simdEnabled = true;

/** Turns the SIMD GEMM off (tests compare both paths); returns the old setting. */
export function setConvFilterGradSimd(on: boolean): boolean {
  const old = simdEnabled;
  simdEnabled = on;
  return old;
}

/** dW by the SIMD GEMM, or null when it does not apply. */
function simdFilterGrad(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  if (!simdEnabled || info.outChannels % 8 !== 0) return null;
  const m = heapModule<SimdExports>(backend, convFilterGradWasm, convFilterGradSharedWasm);
  if (!m) return null;
  const { filterHeight: fH, filterWidth: fW, strideHeight: sH, strideWidth: sW } = info;
  const dw = backend.makeOutput(info.filterShape, 'float32');
  withScratch(backend, 8 * (fH + fW), (ranges) => {
    const i32 = new Int32Array(heapViews(backend).f32.buffer, ranges, 2 * (fH + fW));
    for (let k = 0; k < fH; k++) i32.set(validOutRange(k, sH, info.padInfo.top, info.inHeight, info.outHeight), 2 * k);
    for (let k = 0; k < fW; k++) i32.set(validOutRange(k, sW, info.padInfo.left, info.inWidth, info.outWidth), 2 * (fH + k));
    m.conv_filter_grad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw), info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels, sH, sW, fH, fW, info.padInfo.top, info.padInfo.left, ranges);
  });
  return dw;
}

/**
 * Largest im2col chunk, in floats (16 MB). Bigger batches are done in chunks of output rows whose
 * partial dW are summed, so the temporary does not grow with the batch.
 */
let chunkFloats = 4 << 20;

/** Sets the im2col chunk size (tests use tiny chunks to cover the chunked path); returns the old one. */
export function setIm2colChunkFloats(floats: number): number {
  const old = chunkFloats;
  chunkFloats = Math.max(1, Math.floor(floats));
  return old;
}

interface Args {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  backend: unknown;
  attrs: BackpropAttrs & { filterShape: [number, number, number, number] };
}

function matMul(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const kernel = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (!kernel) throw new Error('Conv2DBackpropFilter: the wasm backend has no BatchMatMul kernel');
  return kernel.kernelFunc({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
}

/**
 * col[k, rr * outWidth + ox] for the output rows r0 .. r0 + nRows - 1 (r = b * outHeight + oy):
 * the input value under filter tap k = (kh, kw, ci), 0 where the tap is in the padding.
 */
function fillColumns(col: Float32Array, x: Float32Array, info: tf.backend_util.Conv2DInfo, r0: number, nRows: number): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const mSize = nRows * outWidth;
  const xStep = strideWidth * inChannels;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const [oxLo, oxHi] = validOutRange(kw, strideWidth, padLeft, inWidth, outWidth);
      const kBase = (kh * filterWidth + kw) * inChannels;
      for (let rr = 0; rr < nRows; rr++) {
        const r = r0 + rr;
        const b = Math.floor(r / outHeight);
        const iy = (r - b * outHeight) * strideHeight + kh - padTop;
        const rowOk = iy >= 0 && iy < inHeight;
        const xRow = ((b * inHeight + iy) * inWidth + kw - padLeft) * inChannels;
        // Plain loops, not fill(): the runs are short (one output row), builtin calls cost more.
        for (let ci = 0; ci < inChannels; ci++) {
          const dst = (kBase + ci) * mSize + rr * outWidth;
          if (!rowOk) {
            for (let ox = 0; ox < outWidth; ox++) col[dst + ox] = 0;
            continue;
          }
          for (let ox = 0; ox < oxLo; ox++) col[dst + ox] = 0;
          for (let ox = oxLo, src = xRow + ci + oxLo * xStep; ox < oxHi; ox++, src += xStep) col[dst + ox] = x[src];
          for (let ox = oxHi; ox < outWidth; ox++) col[dst + ox] = 0;
        }
      }
    }
  }
}

export function conv2DBackpropFilter({ inputs, backend: anyBackend, attrs }: Args): tf.TensorInfo {
  const { x, dy } = inputs;
  const backend = wasmBackend(anyBackend, tf.Conv2DBackpropFilter);
  const info = backpropConvInfo(tf.Conv2DBackpropFilter, x.shape, attrs.filterShape, attrs, false, dy, [x, dy]);
  const { batchSize, inChannels, outHeight, outWidth, outChannels } = info;
  const kSize = info.filterHeight * info.filterWidth * inChannels;
  const rows = batchSize * outHeight; // output rows r = (b, oy); m = r * outWidth + ox
  const rowsPerChunk = Math.max(1, Math.min(rows, Math.floor(chunkFloats / (kSize * outWidth))));
  const fast = rows * outWidth > 0 ? simdFilterGrad(backend, x, dy, info) : null;
  if (fast) return fast;

  if (rows * outWidth === 0) {
    const zeros = backend.makeOutput(info.filterShape, 'float32');
    heapF32(backend, zeros).fill(0);
    return zeros;
  }

  const col = backend.makeOutput([kSize, rowsPerChunk * outWidth], 'float32');
  let acc: tf.TensorInfo | null = null;
  for (let r0 = 0; r0 < rows; r0 += rowsPerChunk) {
    const nRows = Math.min(rowsPerChunk, rows - r0);
    const mSize = nRows * outWidth;
    // dy's rows as a new tensor, also when they are all of dy: the wasm BatchMatMul caches b's
    // packed form by tensor id (not shape or contents), so b must be a tensor used only here.
    const dyChunk = backend.makeOutput([mSize, outChannels], 'float32');
    const start = r0 * outWidth * outChannels;
    heapF32(backend, dyChunk).set(heapF32(backend, dy).subarray(start, start + mSize * outChannels));
    const colView = heapF32(backend, col);
    const xv = heapF32(backend, x);
    fillColumns(colView, xv, info, r0, nRows);
    const part = matMul(backend, reshaped(col, [1, kSize, mSize]), reshaped(dyChunk, [1, mSize, outChannels]));
    backend.disposeData(dyChunk.dataId);
    if (acc === null) {
      acc = part;
    } else {
      const sum = heapF32(backend, acc);
      const add = heapF32(backend, part);
      for (let i = 0; i < sum.length; i++) sum[i] += add[i];
      backend.disposeData(part.dataId);
    }
  }
  backend.disposeData(col.dataId);
  return reshaped(acc!, info.filterShape);
}
