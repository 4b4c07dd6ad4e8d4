// Gradients of ReLU, ReLU6 and Mean without TF.js's full-size temporaries. TF.js computes the ReLU
// gradient as dy · step(x) (2 kernels) and ReLU6's as dy · cast((x <= 6) · step(x)) (5 kernels, its
// broadcasting LessEqual alone ~0.7 ms for a dscnn activation on wasm); here one kernel,
// EdgeqatActivationGrad: dx = dy where 0 < x <= hi, a WebAssembly SIMD pass in place on the wasm
// heap (simd/activation-grad.wat), a JS loop on cpu. Mean's gradient multiplies dy by ones of x's
// full shape made in JS (1.7 ms per dscnn step for its global average pool); here dy / n tiled to
// x's shape, the same values. Backends without the kernel (tfjs-node) keep TF.js's formulas.
// Installed by initBackend for wasm (gradients are registered for every backend).
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { readF32, writableF32 } from './backend-data.js';
import { activationGradWasm, activationGradSharedWasm } from './simd/generated/activation-grad-wasm.js';
import { heapModule, heapOffset } from './wasm-backprop/heap-module.js';

export const ACTIVATION_GRAD = 'EdgeqatActivationGrad';

interface SimdExports {
  activation_grad(x: number, dy: number, dx: number, n: number, hi: number): void;
}

function activationGradKernel({ inputs, backend, attrs }: { inputs: { x: tf.TensorInfo; dy: tf.TensorInfo }; backend: unknown; attrs: { hi: number } }): tf.TensorInfo {
  const out = writableF32(backend, inputs.x.shape);
  const n = inputs.x.shape.reduce((a, d) => a * d, 1);
  const hi = attrs.hi;
  if ('typedArrayFromHeap' in (backend as object)) {
    const b = backend as BackendWasm;
    const m = heapModule<SimdExports>(b, activationGradWasm, activationGradSharedWasm);
    if (m) {
      m.activation_grad(heapOffset(b, inputs.x), heapOffset(b, inputs.dy), heapOffset(b, out.info), n, hi);
      return out.info;
    }
  }
  const x = readF32(backend, inputs.x);
  const dy = readF32(backend, inputs.dy);
  const dx = out.values();
  for (let i = 0; i < n; i++) dx[i] = x[i] > 0 && x[i] <= hi ? dy[i] : 0;
  return out.info;
}

function activationGrad(dy: tf.Tensor, x: tf.Tensor, hi: number): tf.Tensor {
  return tf.engine().runKernel(ACTIVATION_GRAD, { x, dy }, { hi } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

const hasKernel = () => tf.getKernel(ACTIVATION_GRAD, tf.getBackend()) !== undefined;

let installed = false;

export function installFastActivationGradients(): void {
  if (installed) return;
  installed = true;
  for (const backendName of ['cpu', 'wasm']) {
    tf.registerKernel({ kernelName: ACTIVATION_GRAD, backendName, kernelFunc: activationGradKernel as unknown as tf.KernelFunc });
  }
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => (hasKernel() && x.dtype === 'float32' ? activationGrad(dy as tf.Tensor, x, Infinity) : tf.mul(dy as tf.Tensor, tf.cast(tf.step(x), 'float32'))) }),
  });
  tf.registerGradient({
    kernelName: tf.Relu6,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => (hasKernel() && x.dtype === 'float32' ? activationGrad(dy as tf.Tensor, x, 6) : tf.mul(dy as tf.Tensor, tf.cast(tf.mul(tf.lessEqual(x, 6), tf.step(x)), 'float32'))),
    }),
  });
  tf.registerGradient({
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
      const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const n = axes.reduce((a, i) => a * x.shape[i], 1);
      return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, keptShape), n), x.shape) };
    },
  });
}
