// Sample-rate conversion for clips recorded at another rate than the model's: band-limited
// interpolation with a Hann-windowed sinc (Smith, "Digital Audio Resampling", the method of
// libsamplerate's and sox's sinc converters), 16 zero crossings on each side, cutoff at 95% of
// the lower of the two Nyquist frequencies so that downsampling does not alias. Deterministic
// float64 arithmetic: the same samples on every machine.
import { EdgeqatError } from '../errors.js';

export const RESAMPLE_METHOD = 'Hann-windowed sinc, 16 zero crossings per side, cutoff 0.95 × the lower Nyquist frequency';
const ZERO_CROSSINGS = 16;
const ROLLOFF = 0.95;

export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new EdgeqatError('E_OPTION', `cannot resample from ${fromRate} Hz to ${toRate} Hz`);
  if (fromRate === toRate) return input;
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Float32Array(outLength);
  // Cutoff in cycles per input sample, and the kernel's half-width in input samples.
  const cutoff = (0.5 * ROLLOFF * Math.min(fromRate, toRate)) / fromRate;
  const halfWidth = ZERO_CROSSINGS / (2 * cutoff);
  for (let j = 0; j < outLength; j++) {
    const x = (j * fromRate) / toRate;
    const first = Math.max(0, Math.ceil(x - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(x + halfWidth));
    let sum = 0;
    for (let i = first; i <= last; i++) {
      const d = i - x;
      const window = 0.5 + 0.5 * Math.cos((Math.PI * d) / halfWidth);
      const arg = 2 * cutoff * d;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      sum += input[i] * 2 * cutoff * sinc * window;
    }
    out[j] = sum;
  }
  return out;
}
