// The input gradient of a convolution as a forward convolution, so it runs in the wasm backend's
// XNNPACK kernels instead of JS loops: dx = conv(dy zero-upsampled by the strides, filter flipped
// in space), stride 1, with KH-1-top rows of padding above (and what makes the output H high
// below). The caller supplies the flipped filter in the forward kernel's layout.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32 } from './wasm-heap.js';

export type ForwardConvKernel = typeof tf.Conv2D | typeof tf.DepthwiseConv2dNative;

/** Runs the wasm backend's forward conv kernel `kernelName` on TensorInfos. */
export function runForwardConv(backend: BackendWasm, kernelName: ForwardConvKernel, x: tf.TensorInfo, filter: tf.TensorInfo, pad: tf.backend_util.ExplicitPadding | 'valid'): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`the wasm backend has no ${kernelName} kernel`);
  const attrs = { strides: 1, pad, dilations: 1, dataFormat: 'NHWC', dimRoundingMode: undefined };
  return kernel.kernelFunc({ inputs: { x, filter }, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
}

/**
 * dx [batch, inHeight, inWidth, outChannels of `flipped`] of the conv described by `info`, from
 * dy and the flipped filter. Stride 1 with non-negative padding convolves dy in place; otherwise
 * dy is spread into a zeroed buffer that already holds the padding (any stride, any explicit or
 * rounded padding), convolved VALID.
 */
export function inputGradByForwardConv(
  backend: BackendWasm,
  kernelName: ForwardConvKernel,
  info: tf.backend_util.Conv2DInfo,
  dy: tf.TensorInfo,
  flipped: tf.TensorInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const channels = dy.shape[3];
  const top = filterHeight - 1 - info.padInfo.top;
  const left = filterWidth - 1 - info.padInfo.left;
  // Rows of dy's upsampled grid: (outHeight - 1) * stride + 1; the output must be inHeight high.
  const bottom = inHeight + filterHeight - 1 - top - ((outHeight - 1) * strideHeight + 1);
  const right = inWidth + filterWidth - 1 - left - ((outWidth - 1) * strideWidth + 1);
  if (strideHeight === 1 && strideWidth === 1 && Math.min(top, left, bottom, right) >= 0) {
    return runForwardConv(backend, kernelName, dy, flipped, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  }

  const padH = inHeight + filterHeight - 1;
  const padW = inWidth + filterWidth - 1;
  const spread = backend.makeOutput([batchSize, padH, padW, channels], 'float32');
  const dst = heapF32(backend, spread);
  const src = heapF32(backend, dy);
  dst.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const py = oy * strideHeight + top;
      if (py < 0 || py >= padH) continue;
      for (let ox = 0; ox < outWidth; ox++) {
        const px = ox * strideWidth + left;
        if (px < 0 || px >= padW) continue;
        const s = ((b * outHeight + oy) * outWidth + ox) * channels;
        const d = ((b * padH + py) * padW + px) * channels;
        for (let c = 0; c < channels; c++) dst[d + c] = src[s + c];
      }
    }
  }
  const dx = runForwardConv(backend, kernelName, spread, flipped, 'valid');
  backend.disposeData(spread.dataId);
  return dx;
}
