// The fake-quant arithmetic on typed arrays, shared by the fused kernels of every JS-visible
// backend (cpu, wasm). Float32 steps via Math.fround give the same bits as TF.js float32 ops and as
// the converter (quant-params.ts), and rounding is C `round` like TFLite's QUANTIZE.
import { f32 } from '../../../runtime/quant/rounding.js';
import { MIN_SCALE } from '../quant/quant-params.js';
import { simdAvailable, simdFakeQuantBackward, simdFakeQuantForward, simdMaxAbs } from './simd/simd-kernels.js';

/** Below this many elements the copies into the SIMD module cost more than the JS loop. */
const SIMD_MIN = 64;
let simdEnabled = true;

/** Turns the WebAssembly SIMD loops off (tests compare both paths; benchmarks measure the gain). */
export function setSimdEnabled(on: boolean): void {
  simdEnabled = on;
}

/** True when a run of n elements goes through the SIMD kernels. */
export function useSimd(n: number): boolean {
  return simdEnabled && n >= SIMD_MIN && simdAvailable();
}

export interface FakeQuantAttrs {
  /** 'affine': scale/zeroPoint given; 'symmetric': scale = max|x| / qmax from the data, zp 0. */
  mode: 'affine' | 'symmetric';
  scale: number[];
  zeroPoint: number[];
  qmin: number;
  qmax: number;
  /** Channel axis for per-channel params (symmetric per-channel); -1 for per-tensor. */
  axis: number;
}

export interface ChannelParams {
  scales: Float64Array;
  zeroPoints: Float64Array;
  /** Elements per channel step: channel of element i = floor(i / inner) % channels. */
  inner: number;
}

export function resolveParams(x: Float32Array, shape: number[], a: FakeQuantAttrs): ChannelParams {
  const perChannel = a.axis >= 0;
  const channels = perChannel ? shape[a.axis] : 1;
  const inner = perChannel ? shape.slice(a.axis + 1).reduce((p, d) => p * d, 1) : x.length || 1;
  const scales = new Float64Array(channels);
  const zeroPoints = new Float64Array(channels);
  if (a.mode === 'affine') {
    for (let c = 0; c < channels; c++) {
      scales[c] = a.scale[perChannel ? c : 0];
      zeroPoints[c] = a.zeroPoint[perChannel ? c : 0];
    }
    return { scales, zeroPoints, inner };
  }
  const maxAbs = new Float64Array(channels);
  if (!perChannel && useSimd(x.length)) {
    scales[0] = f32(Math.max(f32(simdMaxAbs(x) / a.qmax), f32(MIN_SCALE)));
    return { scales, zeroPoints, inner };
  }
  for (let i = 0; i < x.length; i++) {
    const c = perChannel ? Math.floor(i / inner) % channels : 0;
    const v = Math.abs(x[i]);
    if (v > maxAbs[c]) maxAbs[c] = v;
  }
  scales.set(symmetricScales(maxAbs, a.qmax));
  return { scales, zeroPoints, inner };
}

/** Symmetric scales from max |x| per channel: f32(max(f32(maxAbs / qmax), f32(MIN_SCALE))). */
export function symmetricScales(maxAbs: ArrayLike<number>, qmax: number): Float64Array {
  return Float64Array.from(maxAbs, (m) => f32(Math.max(f32(m / qmax), f32(MIN_SCALE))));
}

// Hot loops. For a float32 value v, floor(v + 0.5) in double is exact (round half up); C `round`
// differs only on negative ties (-2.5 -> -3), fixed by a rarely taken branch. Branch-free clamps
// (Math.min/max) keep random signs from costing mispredictions: ~3x faster than a sign branch.

/** Calls body(start, end, scale, zp) for each run of elements that share one channel's params. */
function forEachChannelRun(n: number, p: ChannelParams, body: (start: number, end: number, c: number) => void): void {
  const channels = p.scales.length;
  if (channels === 1) return body(0, n, 0);
  for (let start = 0, c = 0; start < n; start += p.inner, c = c + 1 === channels ? 0 : c + 1) {
    body(start, Math.min(n, start + p.inner), c);
  }
}

/** out[i] = (clamp(round(x/s) + zp) - zp) * s. */
export function fakeQuantForward(x: Float32Array, out: Float32Array, p: ChannelParams, qmin: number, qmax: number): void {
  const channels = p.scales.length;
  if (channels > 1 && p.inner === 1) {
    // Channels on the last axis (Dense kernels): params change every element.
    for (let i = 0, c = 0; i < x.length; i++, c = c + 1 === channels ? 0 : c + 1) {
      const s = p.scales[c];
      const zp = p.zeroPoints[c];
      const v = Math.fround(x[i] / s);
      let r = Math.floor(v + 0.5);
      if (r - v === 0.5 && v < 0) r -= 1;
      out[i] = Math.min(qmax - zp, Math.max(qmin - zp, r)) * s;
    }
    return;
  }
  forEachChannelRun(x.length, p, (start, end, c) => {
    const s = p.scales[c];
    const zp = p.zeroPoints[c];
    const lo = qmin - zp;
    const hi = qmax - zp;
    // The SIMD loop divides in float32: the same bits only for a float32 scale (as observers make).
    if (useSimd(end - start) && Math.fround(s) === s) return simdFakeQuantForward(x.subarray(start, end), out.subarray(start, end), s, lo, hi);
    for (let i = start; i < end; i++) {
      const v = Math.fround(x[i] / s);
      let r = Math.floor(v + 0.5);
      if (r - v === 0.5 && v < 0) r -= 1;
      out[i] = Math.min(hi, Math.max(lo, r)) * s;
    }
  });
}

/** Straight-through estimator: dx = dy where round(x/s) + zp lies in [qmin, qmax], else 0. */
export function fakeQuantBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, p: ChannelParams, qmin: number, qmax: number): void {
  const channels = p.scales.length;
  if (channels === 1 && useSimd(x.length) && Math.fround(p.scales[0]) === p.scales[0]) {
    return simdFakeQuantBackward(x, dy, dx, p.scales[0], qmin - p.zeroPoints[0], qmax - p.zeroPoints[0]);
  }
  for (let i = 0, c = 0; i < x.length; i++) {
    if (channels > 1) c = Math.floor(i / p.inner) % channels;
    const zp = p.zeroPoints[c];
    const v = Math.fround(x[i] / p.scales[c]);
    let r = Math.floor(v + 0.5);
    if (r - v === 0.5 && v < 0) r -= 1;
    dx[i] = r >= qmin - zp && r <= qmax - zp ? dy[i] : 0;
  }
}
