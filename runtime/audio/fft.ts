// Real FFT of a power-of-two length N, in float64: the N real samples are packed as N/2 complex
// values (even samples real, odd imaginary), transformed by an iterative radix-4 complex FFT, and
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
  // exp(-2πik/size) for k < size/2: the final split uses these; the stages read theirs from them.
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  // Radix-4 stages (each does the work of two radix-2 stages in one pass over the data), after one
  // radix-2 stage when log2(size/2) is odd. Stage of length L: for k < L/4 the twiddles W^k, W^2k,
  // W^3k (W = exp(-2πi/L)), stage after stage in one table read in order: [c1 s1 c2 s2 c3 s3]·k.
  const radix2First = bits % 2 === 1;
  const twiddles: number[] = [];
  for (let len = radix2First ? 8 : 4; len <= half; len *= 4) {
    for (let k = 0; k < len / 4; k++) {
      for (const m of [1, 2, 3]) twiddles.push(Math.cos((2 * Math.PI * m * k) / len), -Math.sin((2 * Math.PI * m * k) / len));
    }
  }
  const table = Float64Array.from(twiddles);
  const re = new Float64Array(half);
  const im = new Float64Array(half);

  return {
    size,
    magnitudes(input, inputLength, out, bins) {
      if (inputLength > size) throw new EdgeqatError('E_OPTION', `FFT input of ${inputLength} values is longer than the FFT length ${size}`);
      const pairs = Math.min(half, inputLength >> 1);
      for (let i = 0; i < pairs; i++) {
        const j = reverse[i];
        re[j] = input[2 * i];
        im[j] = input[2 * i + 1];
      }
      for (let i = pairs; i < half; i++) {
        const j = reverse[i];
        re[j] = 2 * i < inputLength ? input[2 * i] : 0; // an odd length's last sample
        im[j] = 0;
      }
      if (radix2First) {
        for (let p = 0; p < half; p += 2) {
          const r0 = re[p];
          const i0 = im[p];
          re[p] = r0 + re[p + 1];
          im[p] = i0 + im[p + 1];
          re[p + 1] = r0 - re[p + 1];
          im[p + 1] = i0 - im[p + 1];
        }
      }
      // Radix-4 decimation in time over the bit-reversed data: the four quarters of a block hold
      // the transforms of the samples ≡ 0, 2, 1, 3 (mod 4), so X[k] = A + W^2k·B + W^k·C + W^3k·D.
      for (let len = radix2First ? 8 : 4, at = 0; len <= half; at += (len / 4) * 6, len *= 4) {
        const q = len / 4;
        for (let start = 0; start < half; start += len) {
          for (let k = 0, t = at; k < q; k++, t += 6) {
            const a = start + k;
            const b = a + q;
            const c = b + q;
            const d = c + q;
            const c1 = table[t], s1 = table[t + 1], c2 = table[t + 2], s2 = table[t + 3], c3 = table[t + 4], s3 = table[t + 5];
            const br = re[b] * c2 - im[b] * s2, bi = re[b] * s2 + im[b] * c2;
            const cr = re[c] * c1 - im[c] * s1, ci = re[c] * s1 + im[c] * c1;
            const dr = re[d] * c3 - im[d] * s3, di = re[d] * s3 + im[d] * c3;
            const t0r = re[a] + br, t0i = im[a] + bi;
            const t1r = re[a] - br, t1i = im[a] - bi;
            const t2r = cr + dr, t2i = ci + di;
            const t3r = cr - dr, t3i = ci - di;
            re[a] = t0r + t2r;
            im[a] = t0i + t2i;
            re[c] = t0r - t2r;
            im[c] = t0i - t2i;
            // ∓i·t3 = ±(t3i, -t3r)
            re[b] = t1r + t3i;
            im[b] = t1i - t3r;
            re[d] = t1r - t3i;
            im[d] = t1i + t3r;
          }
        }
      }
      // X[k] = E[k] + W^k O[k], E/O the transforms of the even/odd samples:
      // E[k] = (Z[k] + conj Z[half-k]) / 2, O[k] = (Z[k] - conj Z[half-k]) / 2i.
      // k = 0 and k = half: E and O are the real and imaginary parts of Z[0].
      if (bins > 0) out[0] = Math.abs(re[0] + im[0]);
      if (bins > half) out[half] = Math.abs(re[0] - im[0]);
      const n = Math.min(bins, half);
      for (let k = 1; k < n; k++) {
        const zr = re[k];
        const zi = im[k];
        const cr = re[half - k];
        const ci = -im[half - k];
        const er = (zr + cr) * 0.5;
        const ei = (zi + ci) * 0.5;
        const or = (zi - ci) * 0.5;
        const oi = (cr - zr) * 0.5;
        const wr = cos[k];
        const wi = sin[k];
        const xr = er + or * wr - oi * wi;
        const xi = ei + or * wi + oi * wr;
        out[k] = Math.sqrt(xr * xr + xi * xi);
      }
    },
  };
}
