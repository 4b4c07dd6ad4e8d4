// WebAssembly SIMD modules that work in place on the wasm backend's tensors: each imports the
// backend's own memory (`env.memory`), so a kernel passes tensors by their byte offsets instead of
// copying them into a module of its own and back. One instance per (backend memory, module).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface EmscriptenModule {
  /** The single-thread builds export their memory; the threaded build imports a shared one. */
  asm: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

const instances = new WeakMap<WebAssembly.Memory, Map<string, WebAssembly.Exports | null>>();

function emscripten(backend: BackendWasm): EmscriptenModule {
  return backend.wasm as unknown as EmscriptenModule;
}

export function backendMemory(backend: BackendWasm): WebAssembly.Memory {
  const m = emscripten(backend);
  return (m.asm.memory ?? m.wasmMemory)!;
}

/**
 * The module `wasmBase64` instantiated on the backend's memory, or null where it cannot be (no
 * WebAssembly SIMD; or a shared memory, the threaded build's, and no `sharedWasmBase64`, the same
 * module declaring its memory import shared): callers keep their JS loops then.
 */
export function heapModule<T>(backend: BackendWasm, wasmBase64: string, sharedWasmBase64?: string): T | null {
  const memory = backendMemory(backend);
  const binary = memory.buffer instanceof SharedArrayBuffer ? sharedWasmBase64 : wasmBase64;
  if (binary === undefined) return null;
  let byModule = instances.get(memory);
  if (!byModule) instances.set(memory, (byModule = new Map()));
  if (!byModule.has(binary)) {
    try {
      const module = new WebAssembly.Module(Buffer.from(binary, 'base64'));
      byModule.set(binary, new WebAssembly.Instance(module, { env: { memory } }).exports);
    } catch {
      byModule.set(binary, null);
    }
  }
  return byModule.get(binary) as T | null;
}

/** Byte offset of a tensor's data in the backend's memory. */
export function heapOffset(backend: BackendWasm, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/**
 * Runs `body` with `bytes` of scratch memory on the backend's heap (freed after). Allocating can
 * grow the memory: take typed-array views of the heap only inside `body`, after this allocation.
 */
export function withScratch<R>(backend: BackendWasm, bytes: number, body: (ptr: number) => R): R {
  const m = emscripten(backend);
  const ptr = m._malloc(Math.max(16, bytes));
  try {
    return body(ptr);
  } finally {
    m._free(ptr);
  }
}

/** Views of the backend's memory (new ones on every call: a grown memory detaches old views). */
export function heapViews(backend: BackendWasm): { f32: Float32Array; f64: Float64Array } {
  const buffer = backendMemory(backend).buffer;
  return { f32: new Float32Array(buffer), f64: new Float64Array(buffer) };
}
