// TensorFlow.js backend selection. `auto` is the WebAssembly backend: measured to train edgeqat's
// QAT models with the least CPU time (docs/tensorflow-backend.md). `tensorflow` is
// @tensorflow/tfjs-node, an optional dependency whose install downloads libtensorflow; where that
// cannot happen, scripts/build-tfjs-node.sh builds it from the npm package and a local wheel.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-layers registers all of TF.js's gradients when it loads; installFastMatMulGradient (run
// later, in initBackend) must replace the BatchMatMul one after that.
import '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../runtime/errors.js';
import { installFastMatMulGradient } from './kernels/matmul-gradient.js';
import { installFastActivationGradients } from './kernels/activation-gradients.js';
import { initThreadedWasm, wasmThreadsFromEnv } from './wasm-threads.js';
import { registerWasmBackpropKernels, useFastWasmConv2DBackpropInput, useFastWasmMaxPoolGrad, useFastWasmTile, useSharedWasmIdentity } from './kernels/wasm-backprop/index.js';

export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

const TFJS_NODE = '@tensorflow/tfjs-node';

/** Why `specifier` (@tensorflow/tfjs-node) failed to load, in one line: not installed, or the real reason. */
export function tfjsNodeLoadProblem(e: unknown, specifier = TFJS_NODE): string {
  const err = e as NodeJS.ErrnoException;
  const message = String(err?.message ?? e);
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && message.includes(`'${specifier}'`)) {
    return `${specifier} is not installed (npm install ${specifier}; without internet: scripts/build-tfjs-node.sh)`;
  }
  // E.g. the native binding missing, or libtensorflow not found by the dynamic loader.
  return `${specifier} does not load: ${message.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error'}`;
}

/** Loads @tensorflow/tfjs-node: null when its backend is registered, else why not (one line). */
export async function loadTfjsNode(): Promise<string | null> {
  // TensorFlow's C++ library prints info lines (oneDNN, CPU features) on stderr unless told not to.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  try {
    await import(TFJS_NODE);
  } catch (e) {
    return tfjsNodeLoadProblem(e);
  }
  return tf.findBackend('tensorflow') || tf.engine().registryFactory.tensorflow ? null : `${TFJS_NODE} loaded but registered no 'tensorflow' backend`;
}

/** Selects and initialises a backend; returns the name of the one in use. */
export async function initBackend(requested: string = 'auto'): Promise<string> {
  if (!(BACKENDS as readonly string[]).includes(requested)) {
    throw new EdgeqatError('E_OPTION', `unknown backend '${requested}' (choose from ${BACKENDS.join(', ')})`);
  }
  const name = requested === 'auto' ? 'wasm' : requested;
  if (name === 'tensorflow') {
    const problem = await loadTfjsNode();
    if (problem) throw new EdgeqatError('E_ENGINE', `backend 'tensorflow': ${problem} (or use --backend wasm)`);
  }
  if (name === 'wasm') {
    // The wasm backend lacks the conv filter/depthwise gradients (conv training would fail).
    installFastMatMulGradient();
    installFastActivationGradients();
    registerWasmBackpropKernels();
    // Opt-in, unproven for training: EDGEQAT_WASM_THREADS=n runs the threaded build (wasm-threads.ts).
    // Checked before tf.getBackend(), which would initialise the default build.
    const threads = wasmThreadsFromEnv();
    if (threads > 0 && !('wasm' in tf.engine().registry)) await initThreadedWasm(threads);
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
    useFastWasmTile();
    useSharedWasmIdentity();
  }
  return tf.getBackend();
}
