// The convolution backprop kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks, so conv and
// depthwise-conv models train on wasm instead of failing there or falling back to the cpu backend
// (whose conv backprops are scalar JS loops: a LeNet step takes over a minute at batch 32). Only
// missing kernels are registered: a tfjs version that ships its own keeps them.
import * as tf from '@tensorflow/tfjs-core';
// The wasm backend registers its kernels when it loads; checking for "missing" needs that first.
import '@tensorflow/tfjs-backend-wasm';
import { isEdgeqatError } from '../../../../runtime/errors.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { depthwiseConv2dNativeBackpropFilter } from './depthwise-conv2d-native-backprop-filter.js';
import { depthwiseConv2dNativeBackpropInput } from './depthwise-conv2d-native-backprop-input.js';

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

let fastConv2DBackpropInput: tf.KernelFunc | null = null;

/**
 * Opt-in: replaces the wasm backend's own Conv2DBackpropInput (a scalar C++ loop in 4.22, most of
 * a conv training step) with the XNNPACK-based one here, ~10x faster. What ours does not
 * implement (NCHW, a dy that does not match the geometry) still goes to the backend's kernel.
 * Not part of registerWasmBackpropKernels, which never overrides a kernel the backend ships.
 * Idempotent.
 */
export function useFastWasmConv2DBackpropInput(): void {
  const existing = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  if (fastConv2DBackpropInput !== null && existing?.kernelFunc === fastConv2DBackpropInput) return;
  const shipped = existing?.kernelFunc;
  const ours = conv2DBackpropInput as unknown as tf.KernelFunc;
  fastConv2DBackpropInput = (args) => {
    try {
      return ours(args);
    } catch (e) {
      // Thrown by the attr/shape checks, before anything is allocated.
      if (shipped && isEdgeqatError(e) && e.code === 'E_UNSUPPORTED') return shipped(args);
      throw e;
    }
  };
  if (existing) tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm');
  tf.registerKernel({ kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc: fastConv2DBackpropInput });
}
