// Sample-rate conversion for clips recorded at another rate than the model's: band-limited
// interpolation with a Hann-windowed sinc (Smith, "Digital Audio Resampling", the method of
// libsamplerate's and sox's sinc converters), 16 zero crossings on each side, cutoff at 95% of
// the lower of the two Nyquist frequencies so that downsampling does not alias. The kernel is
// tabulated at 512 points per zero crossing and read with linear interpolation (as libsamplerate
// does). Deterministic float64 arithmetic: the same samples on every machine.
import { EdgeqatError } from '../errors.js';

export const RESAMPLE_METHOD = 'Hann-windowed sinc, 16 zero crossings per side, cutoff 0.95 × the lower Nyquist frequency';
const ZERO_CROSSINGS = 16;
const ROLLOFF = 0.95;
const TABLE_STEPS = 512;

export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new EdgeqatError('E_OPTION', `cannot resample from ${fromRate} Hz to ${toRate} Hz`);
  if (fromRate === toRate) return input;
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Float32Array(outLength);
  // Cutoff in cycles per input sample, and the kernel's half-width in input samples.
  const cutoff = (0.5 * ROLLOFF * Math.min(fromRate, toRate)) / fromRate;
  const halfWidth = ZERO_CROSSINGS / (2 * cutoff);
  // kernel(z) for z = |d|·2·cutoff in zero crossings, 0 ≤ z ≤ ZERO_CROSSINGS: sinc times the Hann window.
  const table = new Float64Array(ZERO_CROSSINGS * TABLE_STEPS + 2);
  for (let i = 0; i <= ZERO_CROSSINGS * TABLE_STEPS; i++) {
    const z = i / TABLE_STEPS;
    const sinc = z === 0 ? 1 : Math.sin(Math.PI * z) / (Math.PI * z);
    table[i] = 2 * cutoff * sinc * (0.5 + 0.5 * Math.cos((Math.PI * z) / ZERO_CROSSINGS));
  }
  for (let j = 0; j < outLength; j++) {
    const x = (j * fromRate) / toRate;
    const first = Math.max(0, Math.ceil(x - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(x + halfWidth));
    let sum = 0;
    for (let i = first; i <= last; i++) {
      const at = Math.abs(i - x) * 2 * cutoff * TABLE_STEPS;
      const k = Math.floor(at);
      const frac = at - k;
      sum += input[i] * (table[k] + frac * (table[k + 1] - table[k]));
    }
    out[j] = sum;
  }
  return out;
}
