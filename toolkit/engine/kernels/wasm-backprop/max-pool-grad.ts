// MaxPoolGrad for the wasm backend as a WebAssembly SIMD loop in place on the backend's memory
// (../simd/max-pool-grad.wat): 4 channels per vector, first maximum of each window in scan order,
// as TF.js's cpu kernel; when the windows tile the input (filter = stride, no padding), one pass
// that writes each dx element once instead of clearing dx and adding into it. The backend ships a scalar C++ MaxPoolGrad that took ~7 ms per call for
// the cnn's first pool at batch 32. What ours does not take (non-float32, dilation) still goes to the shipped kernel (see index.ts); channel counts that are not a multiple
// of 4 take the same rule in a JS loop (the shipped kernel breaks ties differently).
import * as tf from '@tensorflow/tfjs-core';
import { EdgeqatError } from '../../../../runtime/errors.js';
import { maxPoolGradWasm, maxPoolGradSharedWasm } from '../simd/generated/max-pool-grad-wasm.js';
import { heapModule, heapOffset } from './heap-module.js';
import { heapF32, wasmBackend } from './wasm-heap.js';

/** The same rule in JS, one channel at a time (channel counts the SIMD loop does not take). */
function maxPoolGradJs(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  dx.fill(0);
  for (let b = 0, o = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, o += c) {
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let ky = 0; ky < filterHeight; ky++) {
            const iy = oy * strideHeight + ky - info.padInfo.top;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kx = 0; kx < filterWidth; kx++) {
              const ix = ox * strideWidth + kx - info.padInfo.left;
              if (ix < 0 || ix >= inWidth) continue;
              const i = ((b * inHeight + iy) * inWidth + ix) * c + ch;
              if (x[i] > best) {
                best = x[i];
                at = i;
              }
            }
          }
          if (at >= 0) dx[at] = Math.fround(dx[at] + dy[o + ch]);
        }
      }
    }
  }
}

interface Exports {
  max_pool_grad_tiles(x: number, dy: number, dx: number, batch: number, inH: number, inW: number, c: number, outH: number, outW: number, fH: number, fW: number): void;
  max_pool_grad(x: number, dy: number, dx: number, batch: number, inH: number, inW: number, c: number, outH: number, outW: number, sH: number, sW: number, fH: number, fW: number, padT: number, padL: number): void;
}

/** The windows tile the input (the usual 2×2 / stride 2 pool): no input is in two windows. */
function tiles(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === info.strideHeight &&
    info.filterWidth === info.strideWidth &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outHeight * info.strideHeight <= info.inHeight &&
    info.outWidth * info.strideWidth <= info.inWidth
  );
}

let tilesEnabled = true;

/** Turns the tiling pass off (tests compare it with the general scatter); returns the old setting. */
export function setMaxPoolGradTiles(on: boolean): boolean {
  const old = tilesEnabled;
  tilesEnabled = on;
  return old;
}

interface Args {
  inputs: { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
  backend: unknown;
  attrs: { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
}

export function maxPoolGrad({ inputs, backend: anyBackend, attrs }: Args): tf.TensorInfo {
  const backend = wasmBackend(anyBackend, tf.MaxPoolGrad);
  const { dy, input } = inputs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  if (input.dtype !== 'float32' || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new EdgeqatError('E_UNSUPPORTED', `MaxPoolGrad on the wasm backend: float32 without dilation only`);
  }
  const module = heapModule<Exports>(backend, maxPoolGradWasm, maxPoolGradSharedWasm);
  const dx = backend.makeOutput(input.shape, 'float32');
  if (!module || info.inChannels % 4 !== 0) {
    maxPoolGradJs(heapF32(backend, input), heapF32(backend, dy), heapF32(backend, dx), info);
    return dx;
  }
  const [x, dyAt, dxAt] = [input, dy, dx].map((t) => heapOffset(backend, t));
  if (tilesEnabled && tiles(info)) {
    module.max_pool_grad_tiles(x, dyAt, dxAt, info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.filterHeight, info.filterWidth);
    return dx;
  }
  module.max_pool_grad(
    x,
    dyAt,
    dxAt,
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.filterHeight,
    info.filterWidth,
    info.padInfo.top,
    info.padInfo.left,
  );
  return dx;
}
