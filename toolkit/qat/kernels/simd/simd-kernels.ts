// JS side of the WebAssembly SIMD fake-quant kernels (fake-quant.wat). The module imports its
// memory. On the wasm backend it is instantiated on the backend's own memory and runs on tensors
// in place (the heap* functions: byte offsets, no copies); elsewhere on a memory of its own that
// typed arrays are copied into and out of (memcpy speed; the loops they replace cost several times
// more in JS). Results are bit-identical to fake-quant-math.ts's JS loops (test/simd-kernels.test.ts).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapModule, heapOffset, heapViews, withScratch } from '../../../engine/kernels/wasm-backprop/heap-module.js';
import { fakeQuantWasm, fakeQuantSharedWasm } from './generated/fake-quant-wasm.js';
import { passRange } from '../fake-quant-pass-range.js';

interface Exports {
  minmax(p: number, n: number, out: number): void;
  maxabs(p: number, n: number, out: number): void;
  fq_forward(x: number, o: number, n: number, s: number, lo: number, hi: number): void;
  fq_backward(x: number, dy: number, dx: number, n: number, s: number, lo: number, hi: number): void;
  fq_backward_range(x: number, dy: number, dx: number, n: number, tlo: number, thi: number): void;
  maxabs_channels(p: number, rows: number, c: number, out: number): void;
  fq_forward_channels(x: number, o: number, rows: number, c: number, scales: number, lo: number, hi: number): void;
}

/** Bytes 0..15 hold results; buffers start here. */
const BASE = 64;
let wasm: { exports: Exports; memory: WebAssembly.Memory } | null | undefined;

function instance(): { exports: Exports; memory: WebAssembly.Memory } | null {
  if (wasm === undefined) {
    try {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const module = new WebAssembly.Module(Buffer.from(fakeQuantWasm, 'base64'));
      wasm = { exports: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports, memory };
    } catch {
      wasm = null; // no WebAssembly SIMD in this runtime: callers keep their JS loops
    }
  }
  return wasm;
}

export function simdAvailable(): boolean {
  return instance() !== null;
}

/** Float32 view of the module memory with room for `floats` values after BASE. */
function heap(floats: number): { w: Exports; h: Float32Array } {
  const { exports: w, memory } = instance()!;
  const need = BASE + floats * 4;
  const have = memory.buffer.byteLength;
  if (need > have) memory.grow(Math.ceil((need - have) / 65536));
  return { w, h: new Float32Array(memory.buffer) };
}

/** [min, max] of x, NaNs skipped ([Infinity, -Infinity] when there is nothing else). */
export function simdMinMax(x: Float32Array): [number, number] {
  const { w, h } = heap(x.length);
  h.set(x, BASE / 4);
  w.minmax(BASE, x.length, 0);
  return [h[0], h[1]];
}

/** max |x|, NaNs skipped (0 for an empty array). */
export function simdMaxAbs(x: Float32Array): number {
  const { w, h } = heap(x.length);
  h.set(x, BASE / 4);
  w.maxabs(BASE, x.length, 0);
  return h[0];
}

/** out = clamp(round(x / s), lo, hi) * s, one scale for all of x. */
export function simdFakeQuantForward(x: Float32Array, out: Float32Array, s: number, lo: number, hi: number): void {
  const n = x.length;
  const { w, h } = heap(2 * n);
  h.set(x, BASE / 4);
  w.fq_forward(BASE, BASE + 4 * n, n, s, lo, hi);
  out.set(h.subarray(BASE / 4 + n, BASE / 4 + 2 * n));
}

/** dx = dy where lo <= round(x / s) <= hi, else 0. */
export function simdFakeQuantBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, s: number, lo: number, hi: number): void {
  const n = x.length;
  const { w, h } = heap(3 * n);
  h.set(x, BASE / 4);
  h.set(dy, BASE / 4 + n);
  w.fq_backward(BASE, BASE + 4 * n, BASE + 8 * n, n, s, lo, hi);
  dx.set(h.subarray(BASE / 4 + 2 * n, BASE / 4 + 3 * n));
}

/** The module on the wasm backend's memory (null without SIMD). */
function onHeap(backend: BackendWasm): Exports | null {
  return heapModule<Exports>(backend, fakeQuantWasm, fakeQuantSharedWasm);
}

/** simdMinMax of a float32 tensor of the wasm backend, in place; null without SIMD. */
export function heapMinMax(backend: BackendWasm, t: TensorInfo): [number, number] | null {
  const w = onHeap(backend);
  if (!w) return null;
  const n = t.shape.reduce((a, d) => a * d, 1);
  return withScratch(backend, 8, (out) => {
    w.minmax(heapOffset(backend, t), n, out);
    const f32 = heapViews(backend).f32;
    return [f32[out / 4], f32[out / 4 + 1]];
  });
}

/** simdFakeQuantForward on tensors of the wasm backend, in place; false without SIMD. */
export function heapFakeQuantForward(backend: BackendWasm, x: TensorInfo, out: TensorInfo, s: number, lo: number, hi: number): boolean {
  const w = onHeap(backend);
  if (!w) return false;
  w.fq_forward(heapOffset(backend, x), heapOffset(backend, out), x.shape.reduce((a, d) => a * d, 1), s, lo, hi);
  return true;
}

/**
 * simdFakeQuantBackward on tensors of the wasm backend, in place, as comparisons with the ends of
 * passRange (no division per element, the same mask); false without SIMD.
 */
export function heapFakeQuantBackward(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, dx: TensorInfo, s: number, lo: number, hi: number): boolean {
  const w = onHeap(backend);
  if (!w) return false;
  const [tlo, thi] = passRange(s, lo, hi);
  w.fq_backward_range(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dx), x.shape.reduce((a, d) => a * d, 1), tlo, thi);
  return true;
}

/**
 * Symmetric per-channel fake-quant of a float32 tensor of the wasm backend with channels last (a
 * multiple of 4), in place (`out` may be `x`): max |x| per channel, scales = scalesOf(maxAbs)
 * (float32 values), then out = clamp(round(x / scale), lo, hi) * scale; false without SIMD.
 */
export function heapFakeQuantChannels(
  backend: BackendWasm,
  x: TensorInfo,
  out: TensorInfo,
  channels: number,
  scalesOf: (maxAbs: Float32Array) => ArrayLike<number>,
  lo: number,
  hi: number,
): boolean {
  const w = onHeap(backend);
  if (!w || channels % 4 !== 0) return false;
  const rows = x.shape.reduce((a, d) => a * d, 1) / channels;
  return withScratch(backend, 4 * channels, (scratch) => {
    w.maxabs_channels(heapOffset(backend, x), rows, channels, scratch);
    const f32 = heapViews(backend).f32;
    f32.set(scalesOf(f32.slice(scratch / 4, scratch / 4 + channels)), scratch / 4);
    w.fq_forward_channels(heapOffset(backend, x), heapOffset(backend, out), rows, channels, scratch, lo, hi);
    return true;
  });
}
