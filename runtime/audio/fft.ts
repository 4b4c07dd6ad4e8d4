// Real FFT of a power-of-two length N, in float64: the N real samples are packed as N/2 complex
// values (even samples real, odd imaginary), transformed by an iterative radix-2 complex FFT, and
// split into the N/2 + 1 non-redundant bins (the standard "two real halves" identity, e.g.
// Numerical Recipes §12.3). Twiddles and the bit-reversal permutation are computed once per size.
// Written here rather than taken from npm: it is ~80 lines, has no dependency to vet or bundle
// for the device, and runs a 512-point transform in a few microseconds.
import { EdgeqatError } from '../errors.js';

export interface RealFft {
  readonly size: number;
  /**
   * Transforms `input` (at most `size` values; the rest are taken as zeros) and writes the
   * |X[k]| of the bins k = 0 .. `bins`-1 (at most size/2 + 1) into `magnitudes`.
   */
  magnitudes(input: Float64Array, inputLength: number, magnitudes: Float64Array, bins: number): void;
}

export function createRealFft(size: number): RealFft {
  if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
    throw new EdgeqatError('E_OPTION', `FFT length must be a power of two of at least 4, got ${size}`);
  }
  const half = size / 2;
  const bits = Math.log2(half);
  const reverse = new Uint32Array(half);
  for (let i = 0; i < half; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reverse[i] = r;
  }
  // exp(-2πik/size) for k < size/2 (the final split uses these) ...
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  // ... and, for the butterflies of the stages of length 8 and up, exp(-2πik/len) for k < len/2,
  // stage after stage in one contiguous table (read in order: no strided access in the hot loop).
  const stageCos = new Float64Array(Math.max(1, half));
  const stageSin = new Float64Array(Math.max(1, half));
  for (let len = 8, at = 0; len <= half; len <<= 1) {
    for (let k = 0; k < len / 2; k++, at++) {
      stageCos[at] = cos[(k * size) / len];
      stageSin[at] = sin[(k * size) / len];
    }
  }
  const re = new Float64Array(half);
  const im = new Float64Array(half);

  return {
    size,
    magnitudes(input, inputLength, out, bins) {
      if (inputLength > size) throw new EdgeqatError('E_OPTION', `FFT input of ${inputLength} values is longer than the FFT length ${size}`);
      for (let i = 0; i < half; i++) {
        const j = reverse[i];
        const a = 2 * i;
        re[j] = a < inputLength ? input[a] : 0;
        im[j] = a + 1 < inputLength ? input[a + 1] : 0;
      }
      // The stages of length 2 and 4 together as radix-4 butterflies (twiddles 1 and -i).
      for (let p = 0; p + 3 < half; p += 4) {
        const ar = re[p] + re[p + 1], ai = im[p] + im[p + 1];
        const br = re[p] - re[p + 1], bi = im[p] - im[p + 1];
        const cr = re[p + 2] + re[p + 3], ci = im[p + 2] + im[p + 3];
        const dr = re[p + 2] - re[p + 3], di = im[p + 2] - im[p + 3];
        re[p] = ar + cr;
        im[p] = ai + ci;
        re[p + 2] = ar - cr;
        im[p + 2] = ai - ci;
        // (dr + i·di)·(-i) = di - i·dr
        re[p + 1] = br + di;
        im[p + 1] = bi - dr;
        re[p + 3] = br - di;
        im[p + 3] = bi + dr;
      }
      if (half === 2) {
        const r0 = re[0], i0 = im[0];
        re[0] = r0 + re[1];
        im[0] = i0 + im[1];
        re[1] = r0 - re[1];
        im[1] = i0 - im[1];
      }
      // Radix-2 butterflies for the stages of length 8 and up.
      for (let len = 8, at = 0; len <= half; at += len >> 1, len <<= 1) {
        const h = len >> 1;
        for (let start = 0; start < half; start += len) {
          for (let k = 0; k < h; k++) {
            const wr = stageCos[at + k];
            const wi = stageSin[at + k];
            const p = start + k;
            const q = p + h;
            const xr = re[q] * wr - im[q] * wi;
            const xi = re[q] * wi + im[q] * wr;
            re[q] = re[p] - xr;
            im[q] = im[p] - xi;
            re[p] += xr;
            im[p] += xi;
          }
        }
      }
      // X[k] = E[k] + W^k O[k], E/O the transforms of the even/odd samples:
      // E[k] = (Z[k] + conj Z[half-k]) / 2, O[k] = (Z[k] - conj Z[half-k]) / 2i.
      const n = Math.min(bins, half + 1);
      for (let k = 0; k < n; k++) {
        const a = k % half;
        const b = (half - k) % half;
        const zr = re[a];
        const zi = im[a];
        const cr = re[b];
        const ci = -im[b];
        const er = (zr + cr) / 2;
        const ei = (zi + ci) / 2;
        const or = (zi - ci) / 2;
        const oi = -(zr - cr) / 2;
        const wr = k < half ? cos[k] : -1;
        const wi = k < half ? sin[k] : 0;
        const xr = er + or * wr - oi * wi;
        const xi = ei + or * wi + oi * wr;
        out[k] = Math.sqrt(xr * xr + xi * xi);
      }
    },
  };
}
