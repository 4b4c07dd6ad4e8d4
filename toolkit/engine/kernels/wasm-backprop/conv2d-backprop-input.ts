// Conv2DBackpropInput for the wasm backend as a forward convolution in the backend's own XNNPACK
// Conv2D kernel (see transposed-conv.ts). tfjs-backend-wasm 4.22 has this kernel, but as a scalar
// C++ loop: for LeNet's 5x5x32x64 layer at batch 32 it took ~200 ms, the XNNPACK form ~20 ms.
// Opt-in (useFastWasmConv2DBackpropInput in index.ts): it replaces a kernel the backend ships.
import * as tf from '@tensorflow/tfjs-core';
import { backpropConvInfo, type BackpropAttrs } from './conv-geometry.js';
import { inputGradByForwardConv } from './transposed-conv.js';
import { heapF32, wasmBackend } from './wasm-heap.js';

interface Args {
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo };
  backend: unknown;
  attrs: BackpropAttrs & { inputShape: [number, number, number, number] };
}

export function conv2DBackpropInput({ inputs, backend: anyBackend, attrs }: Args): tf.TensorInfo {
  const { dy, filter } = inputs;
  const backend = wasmBackend(anyBackend, tf.Conv2DBackpropInput);
  const info = backpropConvInfo(tf.Conv2DBackpropInput, attrs.inputShape, filter.shape, attrs, false, dy, [dy, filter]);
  const { filterHeight, filterWidth, inChannels, outChannels } = info;

  // w [kh, kw, ci, co] → flipped [KH-1-kh, KW-1-kw, co, ci]: a conv from dy's channels to x's.
  // A fresh tensor per call: XNNPACK caches packed filters by tensor id.
  const flipped = backend.makeOutput([filterHeight, filterWidth, outChannels, inChannels], 'float32');
  const wv = heapF32(backend, filter);
  const fv = heapF32(backend, flipped);
  const taps = filterHeight * filterWidth;
  const tapSize = inChannels * outChannels;
  for (let t = 0; t < taps; t++) {
    const src = t * tapSize;
    const dst = (taps - 1 - t) * tapSize;
    for (let ci = 0; ci < inChannels; ci++) {
      for (let co = 0; co < outChannels; co++) fv[dst + co * inChannels + ci] = wv[src + ci * outChannels + co];
    }
  }
  const dx = inputGradByForwardConv(backend, tf.Conv2D, info, dy, flipped);
  backend.disposeData(flipped.dataId);
  return dx;
}
