// DepthwiseConv2dNativeBackpropInput for the wasm backend, as a forward depthwise convolution in
// the backend's own XNNPACK kernel (see transposed-conv.ts): dy (batch, outH, outW, C * mult) with
// the spatially flipped filter, one filter per dy channel, then the mult channels of each input
// channel summed. Against JS loops (4 channels per step summed in locals) at batch 32, 3x3, this
// measured ~10x faster at stride 1, ~3x at stride 2, ~1.4x at stride 2 with multiplier 2.
import * as tf from '@tensorflow/tfjs-core';
import { backpropConvInfo, type BackpropAttrs } from './conv-geometry.js';
import { inputGradByForwardConv } from './transposed-conv.js';
import { heapF32, wasmBackend } from './wasm-heap.js';

interface Args {
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo };
  backend: unknown;
  attrs: BackpropAttrs & { inputShape: [number, number, number, number] };
}

export function depthwiseConv2dNativeBackpropInput({ inputs, backend: anyBackend, attrs }: Args): tf.TensorInfo {
  const { dy, filter } = inputs;
  const backend = wasmBackend(anyBackend, tf.DepthwiseConv2dNativeBackpropInput);
  const info = backpropConvInfo(tf.DepthwiseConv2dNativeBackpropInput, attrs.inputShape, filter.shape, attrs, true, dy, [dy, filter]);
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const mult = outChannels / inChannels;

  // w [kh, kw, c, m] → flipped [KH-1-kh, KW-1-kw, c * mult + m, 1]: a multiplier-1 depthwise
  // filter over dy's channels. A fresh tensor per call: XNNPACK caches packed filters by id.
  const tapSize = outChannels;
  const flipped = backend.makeOutput([filterHeight, filterWidth, outChannels, 1], 'float32');
  const wv = heapF32(backend, filter);
  const fv = heapF32(backend, flipped);
  const taps = filterHeight * filterWidth;
  for (let t = 0; t < taps; t++) fv.set(wv.subarray(t * tapSize, (t + 1) * tapSize), (taps - 1 - t) * tapSize);

  const perChannel = inputGradByForwardConv(backend, tf.DepthwiseConv2dNative, info, dy, flipped);
  backend.disposeData(flipped.dataId);
  if (mult === 1) return perChannel;

  const dx = backend.makeOutput(info.inShape, 'float32');
  const src = heapF32(backend, perChannel);
  const dst = heapF32(backend, dx);
  for (let i = 0, j = 0; i < dst.length; i++) {
    let s = 0;
    for (let m = 0; m < mult; m++, j++) s += src[j];
    dst[i] = s;
  }
  backend.disposeData(perChannel.dataId);
  return dx;
}
