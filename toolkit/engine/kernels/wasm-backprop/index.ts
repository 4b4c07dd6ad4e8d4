// The convolution backprop kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks, so conv and
// depthwise-conv models train on wasm instead of failing there or falling back to the cpu backend
// (whose conv backprops are scalar JS loops: a LeNet step takes over a minute at batch 32). Only
// missing kernels are registered: a tfjs version that ships its own keeps them.
import * as tf from '@tensorflow/tfjs-core';
// The wasm backend registers its kernels when it loads; checking for "missing" needs that first.
import '@tensorflow/tfjs-backend-wasm';
import { EdgeqatError, isEdgeqatError } from '../../../../runtime/errors.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilter } from './depthwise-conv2d-native-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInput } from './depthwise-conv2d-native-backprop-input.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { tile } from './tile.js';

export const WASM_BACKPROP_KERNELS: readonly { kernelName: string; kernelFunc: tf.KernelFunc }[] = [
  { kernelName: tf.Conv2DBackpropFilter, kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc },
  { kernelName: tf.DepthwiseConv2dNativeBackpropFilter, kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as tf.KernelFunc },
  { kernelName: tf.DepthwiseConv2dNativeBackpropInput, kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as tf.KernelFunc },
];

/**
 * Registers, for 'wasm', each of these kernels the registry does not have yet. Idempotent (a
 * second call finds them present); a kernel the backend ships itself is left alone. Returns the
 * names whose wasm kernel is this module's.
 */
export function registerWasmBackpropKernels(): string[] {
  const ours: string[] = [];
  for (const { kernelName, kernelFunc } of WASM_BACKPROP_KERNELS) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing === undefined) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    if (existing === undefined || existing.kernelFunc === kernelFunc) ours.push(kernelName);
  }
  return ours;
}

const replaced = new Map<string, tf.KernelFunc>();

/**
 * Replaces the wasm backend's own `kernelName` with `ours`; what ours does not implement (it throws
 * E_UNSUPPORTED from its checks, before allocating anything) still goes to the shipped kernel.
 * Idempotent.
 */
function replaceShippedKernel(kernelName: string, ours: tf.KernelFunc): void {
  const existing = tf.getKernel(kernelName, 'wasm');
  if (existing && existing.kernelFunc === replaced.get(kernelName)) return;
  const shipped = existing?.kernelFunc;
  const kernelFunc: tf.KernelFunc = (args) => {
    try {
      return ours(args);
    } catch (e) {
      if (shipped && isEdgeqatError(e) && e.code === 'E_UNSUPPORTED') return shipped(args);
      throw e;
    }
  };
  Object.defineProperty(kernelFunc, 'name', { value: `fast${kernelName}` });
  replaced.set(kernelName, kernelFunc);
  if (existing) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

/**
 * Opt-in: replaces the wasm backend's own Conv2DBackpropInput (a scalar C++ loop in 4.22, most of
 * a conv training step) with the XNNPACK-based one here, ~10x faster. Not part of
 * registerWasmBackpropKernels, which never overrides a kernel the backend ships.
 */
export function useFastWasmConv2DBackpropInput(): void {
  replaceShippedKernel(tf.Conv2DBackpropInput, conv2DBackpropInput as unknown as tf.KernelFunc);
}

/** Opt-in: replaces the wasm backend's scalar Tile with block copies (tile.ts). */
export function useFastWasmTile(): void {
  replaceShippedKernel(tf.Tile, tile as unknown as tf.KernelFunc);
}

/** Opt-in: replaces the wasm backend's scalar MaxPoolGrad with the SIMD one (max-pool-grad.ts). */
export function useFastWasmMaxPoolGrad(): void {
  replaceShippedKernel(tf.MaxPoolGrad, maxPoolGrad as unknown as tf.KernelFunc);
}

/**
 * Opt-in: the wasm backend's Identity copies the tensor's memory; this one shares it (one more
 * reference to the same data, as the cpu backend and the wasm Reshape do: tensor data is never
 * written after it is made). TF.js clones every tensor a gradient saves for the backward pass
 * through Identity: 100 full-size copies per dscnn training step. Strings go to the shipped kernel.
 */
export function useSharedWasmIdentity(): void {
  replaceShippedKernel(tf.Identity, (({ inputs, backend }: { inputs: { x: tf.TensorInfo }; backend: { incRef(dataId: object): void } }) => {
    const { x } = inputs;
    if (x.dtype === 'string') throw new EdgeqatError('E_UNSUPPORTED', 'Identity of strings: the shipped kernel');
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }) as unknown as tf.KernelFunc);
}
