// One fused TF.js kernel per fake-quantizer (forward, and one for its gradient) on the cpu and
// wasm backends, instead of a chain of ~15 elementwise ops each: per-kernel dispatch, not
// arithmetic, dominates a small-batch training step. Backends without these kernels (tfjs-node)
// use the composite ops in quant/fake-quant.ts, which compute the same values.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { fakeQuantBackward, fakeQuantForward, resolveParams, type FakeQuantAttrs } from './fake-quant-math.js';

export const FAKE_QUANT = 'EdgeqatFakeQuant';
export const FAKE_QUANT_GRAD = 'EdgeqatFakeQuantGrad';
const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

type FusedBackend = BackendWasm | MathBackendCPU;

/** Float32 view of a tensor's data on a JS-visible backend (no copy on wasm, none on cpu). */
function view(backend: FusedBackend, t: tf.TensorInfo): Float32Array {
  if ('typedArrayFromHeap' in backend) return backend.typedArrayFromHeap(t) as Float32Array;
  return backend.data.get(t.dataId).values as Float32Array;
}

function output(backend: FusedBackend, shape: number[]): tf.TensorInfo {
  if ('typedArrayFromHeap' in backend) return backend.makeOutput(shape, 'float32');
  return backend.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1)));
}

interface KernelArgs {
  inputs: { x: tf.TensorInfo; dy?: tf.TensorInfo };
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

function forwardKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const b = backend as FusedBackend;
  const a = attrs as unknown as FakeQuantAttrs;
  const out = output(b, inputs.x.shape);
  // Views after makeOutput: a wasm heap growth would detach earlier ones.
  const x = view(b, inputs.x);
  fakeQuantForward(x, view(b, out), resolveParams(x, inputs.x.shape, a), a.qmin, a.qmax);
  return out;
}

function gradKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const b = backend as FusedBackend;
  const a = attrs as unknown as FakeQuantAttrs;
  const out = output(b, inputs.x.shape);
  const x = view(b, inputs.x);
  fakeQuantBackward(x, view(b, inputs.dy!), view(b, out), resolveParams(x, inputs.x.shape, a), a.qmin, a.qmax);
  return out;
}

let registered = false;

export function registerFakeQuantKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of FUSED_BACKENDS) {
    tf.registerKernel({ kernelName: FAKE_QUANT, backendName, kernelFunc: forwardKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: FAKE_QUANT_GRAD, backendName, kernelFunc: gradKernel as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: FAKE_QUANT,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => ({
      // Symmetric scales come from max|x|, so nothing is ever clamped: the STE passes dy whole.
      x: () =>
        (attrs as unknown as FakeQuantAttrs).mode === 'symmetric'
          ? tf.clone(dy as tf.Tensor)
          : (tf.engine().runKernel(FAKE_QUANT_GRAD, { dy: dy as tf.Tensor, x: saved[0] }, attrs) as tf.Tensor),
    }),
  });
}

export function hasFusedFakeQuant(): boolean {
  registerFakeQuantKernels();
  return tf.getKernel(FAKE_QUANT, tf.getBackend()) !== undefined;
}

export function runFusedFakeQuant(x: tf.Tensor, attrs: FakeQuantAttrs): tf.Tensor {
  return tf.engine().runKernel(FAKE_QUANT, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}
