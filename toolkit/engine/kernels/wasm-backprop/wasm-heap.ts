// The wasm backend's tensor memory as JS typed arrays. Views into the WebAssembly heap are only
// valid until the next allocation (heap growth replaces the ArrayBuffer), so kernels allocate
// first and take views after, and re-take them after every call that may allocate.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export function wasmBackend(backend: unknown, kernelName: string): BackendWasm {
  const b = backend as Partial<BackendWasm>;
  if (typeof b.typedArrayFromHeap !== 'function' || typeof b.makeOutput !== 'function') {
    throw new Error(`${kernelName}: this kernel is for the wasm backend only`);
  }
  return backend as BackendWasm;
}

export function heapF32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** The same data seen with another shape (how the wasm backend reshapes: no copy, no kernel). */
export function reshaped(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, dtype: t.dtype, shape };
}
