// TensorFlow.js backend selection. `auto` uses @tensorflow/tfjs-node when it is installed and
// loads (it is an optional dependency: its install downloads libtensorflow), else WebAssembly.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-layers registers all of TF.js's gradients when it loads; installFastMatMulGradient (run
// later, in initBackend) must replace the BatchMatMul one after that.
import '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../runtime/errors.js';
import { installFastMatMulGradient } from './kernels/matmul-gradient.js';
import { installFastActivationGradients } from './kernels/activation-gradients.js';
import { registerWasmBackpropKernels, useFastWasmConv2DBackpropInput, useFastWasmMaxPoolGrad, useSharedWasmIdentity } from './kernels/wasm-backprop/index.js';

export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

async function tryLoadTfjsNode(): Promise<boolean> {
  const name = '@tensorflow/tfjs-node';
  try {
    await import(name);
    return tf.findBackend('tensorflow') !== null || tf.engine().registryFactory.tensorflow !== undefined;
  } catch {
    return false;
  }
}

/** Selects and initialises a backend; returns the name of the one in use. */
export async function initBackend(requested: string = 'auto'): Promise<string> {
  if (!(BACKENDS as readonly string[]).includes(requested)) {
    throw new EdgeqatError('E_OPTION', `unknown backend '${requested}' (choose from ${BACKENDS.join(', ')})`);
  }
  let name = requested;
  if (requested === 'auto') name = (await tryLoadTfjsNode()) ? 'tensorflow' : 'wasm';
  else if (requested === 'tensorflow' && !(await tryLoadTfjsNode())) {
    throw new EdgeqatError('E_OPTION', "backend 'tensorflow' needs @tensorflow/tfjs-node, which is not installed here (use --backend wasm)");
  }
  if (name === 'wasm') {
    // The wasm backend lacks the conv filter/depthwise gradients (conv training would fail).
    installFastMatMulGradient();
    installFastActivationGradients();
    registerWasmBackpropKernels();
  }
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new EdgeqatError('E_ENGINE', `TensorFlow.js backend '${name}' failed to initialise`);
    await tf.ready();
  }
  // After initialisation: the shipped kernel it falls back to (NCHW) must have been set up. Ours
  // is ~10x faster than the shipped scalar loop; both tested against cpu.
  if (name === 'wasm') {
    useFastWasmConv2DBackpropInput();
    useFastWasmMaxPoolGrad();
    useSharedWasmIdentity();
  }
  return tf.getBackend();
}
