// One fused TF.js kernel per fake-quantizer (forward, and one for its gradient) on the cpu and
// wasm backends, instead of a chain of ~15 elementwise ops each: per-kernel dispatch, not
// arithmetic, dominates a small-batch training step. Backends without these kernels (tfjs-node)
// use the composite ops in quant/fake-quant.ts, which compute the same values.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { readF32, writableF32 } from '../../engine/kernels/backend-data.js';
import { fakeQuantBackward, fakeQuantForward, resolveParams, symmetricScales, useSimd, type FakeQuantAttrs } from './fake-quant-math.js';
import { heapFakeQuantBackward, heapFakeQuantChannels, heapFakeQuantForward } from './simd/simd-kernels.js';

/**
 * On the wasm backend, per-tensor affine params (activations) run the SIMD loop on the tensors in
 * place: [scale, lo, hi] when that applies, else null (the copying path decides as before).
 */
function inPlaceParams(backend: unknown, x: tf.TensorInfo, a: FakeQuantAttrs): [number, number, number] | null {
  if (!('typedArrayFromHeap' in (backend as object)) || a.mode !== 'affine' || a.axis >= 0) return null;
  const n = x.shape.reduce((p, d) => p * d, 1);
  const s = a.scale[0];
  if (!useSimd(n) || Math.fround(s) !== s) return null;
  return [s, a.qmin - a.zeroPoint[0], a.qmax - a.zeroPoint[0]];
}

/** Symmetric per-channel params with the channels last (Dense kernels): that SIMD loop in place. */
function inPlaceChannels(backend: unknown, x: tf.TensorInfo, out: tf.TensorInfo, a: FakeQuantAttrs): boolean {
  const n = x.shape.reduce((p, d) => p * d, 1);
  if (!('typedArrayFromHeap' in (backend as object)) || a.mode !== 'symmetric' || a.axis !== x.shape.length - 1 || !useSimd(n)) return false;
  return heapFakeQuantChannels(backend as BackendWasm, x, out, x.shape[a.axis], (maxAbs) => symmetricScales(maxAbs, a.qmax), a.qmin, a.qmax);
}

export const FAKE_QUANT = 'EdgeqatFakeQuant';
export const FAKE_QUANT_GRAD = 'EdgeqatFakeQuantGrad';
const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

interface KernelArgs {
  inputs: { x: tf.TensorInfo; dy?: tf.TensorInfo };
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

function forwardKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const a = attrs as unknown as FakeQuantAttrs;
  const out = writableF32(backend, inputs.x.shape);
  const inPlace = inPlaceParams(backend, inputs.x, a);
  if (inPlace && heapFakeQuantForward(backend as BackendWasm, inputs.x, out.info, ...inPlace)) return out.info;
  if (inPlaceChannels(backend, inputs.x, out.info, a)) return out.info;
  // Views after allocating the output: a wasm heap growth would detach earlier ones.
  const x = readF32(backend, inputs.x);
  fakeQuantForward(x, out.values(), resolveParams(x, inputs.x.shape, a), a.qmin, a.qmax);
  return out.info;
}

function gradKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const a = attrs as unknown as FakeQuantAttrs;
  const out = writableF32(backend, inputs.x.shape);
  const inPlace = inPlaceParams(backend, inputs.x, a);
  if (inPlace && heapFakeQuantBackward(backend as BackendWasm, inputs.x, inputs.dy!, out.info, ...inPlace)) return out.info;
  const x = readF32(backend, inputs.x);
  fakeQuantBackward(x, readF32(backend, inputs.dy!), out.values(), resolveParams(x, inputs.x.shape, a), a.qmin, a.qmax);
  return out.info;
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
