// The fake-quant arithmetic on typed arrays, shared by the fused kernels of every JS-visible
// backend (cpu, wasm). Float32 steps via Math.fround give the same bits as TF.js float32 ops and as
// the converter (quant-params.ts), and rounding is C `round` like TFLite's QUANTIZE.
import { f32 } from '../../../runtime/quant/rounding.js';
import { MIN_SCALE } from '../quant/quant-params.js';

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
  for (let i = 0; i < x.length; i++) {
    const c = perChannel ? Math.floor(i / inner) % channels : 0;
    const v = Math.abs(x[i]);
    if (v > maxAbs[c]) maxAbs[c] = v;
  }
  for (let c = 0; c < channels; c++) scales[c] = f32(Math.max(f32(maxAbs[c] / a.qmax), f32(MIN_SCALE)));
  return { scales, zeroPoints, inner };
}

// Hot loops: for a float32 value v (|v| < 2^29), floor(v + 0.5) in double is exact, so the
// sign-split form below equals C `round` (roundHalfAway) without a call per element.

/** out[i] = (clamp(round(x/s) + zp) - zp) * s. */
export function fakeQuantForward(x: Float32Array, out: Float32Array, p: ChannelParams, qmin: number, qmax: number): void {
  const channels = p.scales.length;
  const n = x.length;
  for (let c0 = 0; c0 < n; c0 += channels === 1 ? n : p.inner) {
    const c = channels === 1 ? 0 : Math.floor(c0 / p.inner) % channels;
    const s = p.scales[c];
    const zp = p.zeroPoints[c];
    const end = channels === 1 ? n : Math.min(n, c0 + p.inner);
    for (let i = c0; i < end; i++) {
      const v = Math.fround(x[i] / s);
      let q = (v >= 0 ? Math.floor(v + 0.5) : -Math.floor(0.5 - v)) + zp;
      if (q < qmin) q = qmin;
      else if (q > qmax) q = qmax;
      out[i] = (q - zp) * s;
    }
  }
}

/** Straight-through estimator: dx = dy where round(x/s) + zp lies in [qmin, qmax], else 0. */
export function fakeQuantBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, p: ChannelParams, qmin: number, qmax: number): void {
  const channels = p.scales.length;
  const n = x.length;
  for (let c0 = 0; c0 < n; c0 += channels === 1 ? n : p.inner) {
    const c = channels === 1 ? 0 : Math.floor(c0 / p.inner) % channels;
    const s = p.scales[c];
    const zp = p.zeroPoints[c];
    const end = channels === 1 ? n : Math.min(n, c0 + p.inner);
    for (let i = c0; i < end; i++) {
      const v = Math.fround(x[i] / s);
      const q = (v >= 0 ? Math.floor(v + 0.5) : -Math.floor(0.5 - v)) + zp;
      dx[i] = q >= qmin && q <= qmax ? dy[i] : 0;
    }
  }
}
