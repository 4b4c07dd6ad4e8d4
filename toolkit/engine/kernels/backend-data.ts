// Typed-array access to tensor data inside JS kernels on the backends whose memory JS can see:
// wasm (views into the WebAssembly heap, no copy) and cpu (the backend's own arrays).
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

type JsBackend = BackendWasm | MathBackendCPU;

export function readF32(backend: unknown, t: tf.TensorInfo): Float32Array {
  const b = backend as JsBackend;
  if ('typedArrayFromHeap' in b) return b.typedArrayFromHeap(t) as Float32Array;
  return b.data.get(t.dataId).values as Float32Array;
}

/**
 * A new float32 output. On wasm, call values() only after all makeOutput calls of the kernel and
 * re-read inputs afterwards: allocating can grow the heap, which detaches earlier views.
 */
export function writableF32(backend: unknown, shape: number[]): { info: tf.TensorInfo; values(): Float32Array } {
  const b = backend as JsBackend;
  if ('typedArrayFromHeap' in b) {
    const info = b.makeOutput(shape, 'float32');
    return { info, values: () => b.typedArrayFromHeap(info) as Float32Array };
  }
  const data = new Float32Array(shape.reduce((a, d) => a * d, 1));
  const info = b.makeTensorInfo(shape, 'float32', data);
  return { info, values: () => data };
}

/** A tensor's float32 values outside a kernel: a view on wasm/cpu (no copy), dataSync() elsewhere. */
export function tensorF32(t: tf.Tensor): Float32Array {
  const name = tf.getBackend();
  return name === 'wasm' || name === 'cpu' ? readF32(tf.backend(), t) : (t.dataSync() as Float32Array);
}
