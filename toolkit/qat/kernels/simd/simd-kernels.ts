// JS side of the WebAssembly SIMD fake-quant kernels (fake-quant.wat): copies typed arrays into
// the module's own memory, runs the loop, copies results out. The copies are memcpy-speed; the
// loops they replace cost several times more in JS (per-element Math.floor/min/max and branches).
// Results are bit-identical to fake-quant-math.ts's JS loops (test/simd-kernels.test.ts).
import { fakeQuantWasm } from './generated/fake-quant-wasm.js';

interface Exports {
  memory: WebAssembly.Memory;
  minmax(p: number, n: number): void;
  maxabs(p: number, n: number): void;
  fq_forward(x: number, o: number, n: number, s: number, lo: number, hi: number): void;
  fq_backward(x: number, dy: number, dx: number, n: number, s: number, lo: number, hi: number): void;
}

/** Bytes 0..15 hold results; buffers start here. */
const BASE = 64;
let wasm: Exports | null | undefined;

function instance(): Exports | null {
  if (wasm === undefined) {
    try {
      const module = new WebAssembly.Module(Buffer.from(fakeQuantWasm, 'base64'));
      wasm = new WebAssembly.Instance(module).exports as unknown as Exports;
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
function heap(w: Exports, floats: number): Float32Array {
  const need = BASE + floats * 4;
  const have = w.memory.buffer.byteLength;
  if (need > have) w.memory.grow(Math.ceil((need - have) / 65536));
  return new Float32Array(w.memory.buffer);
}

/** [min, max] of x, NaNs skipped ([Infinity, -Infinity] when there is nothing else). */
export function simdMinMax(x: Float32Array): [number, number] {
  const w = instance()!;
  const h = heap(w, x.length);
  h.set(x, BASE / 4);
  w.minmax(BASE, x.length);
  return [h[0], h[1]];
}

/** max |x|, NaNs skipped (0 for an empty array). */
export function simdMaxAbs(x: Float32Array): number {
  const w = instance()!;
  const h = heap(w, x.length);
  h.set(x, BASE / 4);
  w.maxabs(BASE, x.length);
  return h[0];
}

/** out = clamp(round(x / s), lo, hi) * s, one scale for all of x. */
export function simdFakeQuantForward(x: Float32Array, out: Float32Array, s: number, lo: number, hi: number): void {
  const w = instance()!;
  const n = x.length;
  const h = heap(w, 2 * n);
  h.set(x, BASE / 4);
  w.fq_forward(BASE, BASE + 4 * n, n, s, lo, hi);
  out.set(h.subarray(BASE / 4 + n, BASE / 4 + 2 * n));
}

/** dx = dy where lo <= round(x / s) <= hi, else 0. */
export function simdFakeQuantBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, s: number, lo: number, hi: number): void {
  const w = instance()!;
  const n = x.length;
  const h = heap(w, 3 * n);
  h.set(x, BASE / 4);
  h.set(dy, BASE / 4 + n);
  w.fq_backward(BASE, BASE + 4 * n, BASE + 8 * n, n, s, lo, hi);
  dx.set(h.subarray(BASE / 4 + 2 * n, BASE / 4 + 3 * n));
}
