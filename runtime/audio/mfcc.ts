// MFCC features of a clip, computed as TensorFlow's tf.signal pipeline that MLPerf Tiny's KWS
// reference runs (get_dataset.py, feature_type 'mfcc'):
//   frames   tf.signal.stft(frame_length, frame_step, fft_length, window_fn=hann_window): frames
//            without end padding, each times a periodic Hann window 0.5 - 0.5·cos(2πn/L), real FFT
//            of fft_length (zero-padded), |X[k]| (the magnitude, not the power)
//   mel      tf.signal.linear_to_mel_weight_matrix: HTK mel scale 1127·ln(1 + f/700), bin k at
//            k·(rate/2)/(bins-1) with the DC bin given no weight, triangles between melBins + 2
//            equally spaced mel edges from lowerHz to upperHz, peak 1
//   log      ln(mel + logOffset)
//   MFCC     tf.signal.mfccs_from_log_mel_spectrograms: the unnormalised DCT-II
//            2·Σ x[n]·cos(πk(2n+1)/2N) scaled by 1/√(2N), first `coefficients` kept
//   CMN      only when the front end has cepstralMeanNorm (not TensorFlow's, not the reference's):
//            each coefficient but c0 minus its mean over the clip's frames
// All in float64 (TensorFlow computes in float32; test/audio-mfcc.test.ts checks the difference on
// goldens made with TensorFlow 2.21, test/fixtures/audio/make-mfcc-goldens.py). The same code runs
// in training, `eval` and the device bundle, so features are identical wherever they are made.
import { EdgeqatError } from '../errors.js';
import { createRealFft } from './fft.js';
import { featureShape, frameCount, type AudioFrontEnd } from './front-end.js';

const MEL_BREAK_HZ = 700;
const MEL_HIGH_Q = 1127;

export interface FeatureExtractor {
  readonly frontEnd: AudioFrontEnd;
  /** Values per clip: frames × coefficients. */
  readonly featureSize: number;
  /**
   * MFCCs of one clip of exactly `clipSamples` values, taken as it is (no normalisation: see
   * `normalizeClip`), written to out[offset .. offset + featureSize). `maskedBands` (training
   * augmentation only: SpecAugment's frequency masks) marks mel bands whose log energy is replaced
   * by the frame's mean log energy before the DCT.
   */
  mfcc(clip: Float32Array, out: Float32Array, offset?: number, maskedBands?: Uint8Array): void;
  /** The whole front end on a fitted clip: peak normalisation (if the front end has it), then MFCCs. */
  features(clip: Float32Array, out?: Float32Array, offset?: number): Float32Array;
}

export function hertzToMel(hz: number): number {
  return MEL_HIGH_Q * Math.log(1 + hz / MEL_BREAK_HZ);
}

/**
 * For each mel band, the FFT bins it weighs and their weights (tf.signal.linear_to_mel_weight_matrix,
 * sparse). `warp` ≠ 1 (training augmentation only) reads bin frequency f as warp·f, which moves
 * every formant by that factor (vocal tract length perturbation, Jaitly and Hinton, ICML 2013
 * workshop; their piecewise map is linear below the filters' top, which is all a band sees here).
 */
export function melFilterBank(fe: AudioFrontEnd, warp = 1): { bins: Int32Array; weights: Float64Array }[] {
  const spectrogramBins = fe.fftLength / 2 + 1;
  const nyquist = fe.sampleRate / 2;
  const lo = hertzToMel(fe.lowerHz);
  const hi = hertzToMel(fe.upperHz);
  const edge = (i: number) => lo + (i * (hi - lo)) / (fe.melBins + 1);
  const bands: { bins: Int32Array; weights: Float64Array }[] = [];
  for (let m = 0; m < fe.melBins; m++) {
    const [left, center, right] = [edge(m), edge(m + 1), edge(m + 2)];
    const bins: number[] = [];
    const weights: number[] = [];
    // Bin 0 (DC) is left out: TensorFlow pads its row with zeros ("bands_to_zero").
    for (let k = 1; k < spectrogramBins; k++) {
      const mel = hertzToMel((warp * k * nyquist) / (spectrogramBins - 1));
      const w = Math.max(0, Math.min((mel - left) / (center - left), (right - mel) / (right - center)));
      if (w > 0) {
        bins.push(k);
        weights.push(w);
      }
    }
    bands.push({ bins: Int32Array.from(bins), weights: Float64Array.from(weights) });
  }
  return bands;
}

/** Divides the clip by its largest absolute value, in place (an all-zero clip stays zero). */
export function normalizeClip(clip: Float32Array): Float32Array {
  let peak = 0;
  for (let i = 0; i < clip.length; i++) {
    const a = Math.abs(clip[i]);
    if (a > peak) peak = a;
  }
  if (peak > 0) for (let i = 0; i < clip.length; i++) clip[i] /= peak;
  return clip;
}

/** Cepstral mean normalisation in place: coefficients 1.. of `frames` rows lose their mean over the rows. */
function subtractFrameMeans(out: Float32Array, offset: number, frames: number, coefficients: number): void {
  for (let k = 1; k < coefficients; k++) {
    let sum = 0;
    for (let t = 0; t < frames; t++) sum += out[offset + t * coefficients + k];
    const mean = sum / frames;
    for (let t = 0; t < frames; t++) out[offset + t * coefficients + k] -= mean;
  }
}

/** `warp`: see melFilterBank (1, the default, is the front end a model carries). */
export function createFeatureExtractor(fe: AudioFrontEnd, warp = 1): FeatureExtractor {
  const frames = frameCount(fe);
  const [, coefficients] = featureShape(fe);
  if (frames < 1) throw new EdgeqatError('E_OPTION', `audio front end: ${fe.clipSamples}-sample clips hold no ${fe.windowSamples}-sample window`);
  const featureSize = frames * coefficients;
  const fft = createRealFft(fe.fftLength);
  const window = new Float64Array(fe.windowSamples);
  for (let n = 0; n < fe.windowSamples; n++) window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / fe.windowSamples);
  const bands = melFilterBank(fe, warp);
  // Only the bins some band weighs need a magnitude. The bands in flat arrays: band m weighs
  // bins[bandStart[m] .. bandStart[m + 1]).
  const usedBins = bands.reduce((top, b) => Math.max(top, b.bins.length ? b.bins[b.bins.length - 1] + 1 : 0), 0);
  const bandStart = new Int32Array(fe.melBins + 1);
  bands.forEach((b, m) => (bandStart[m + 1] = bandStart[m] + b.bins.length));
  const bandBins = new Int32Array(bandStart[fe.melBins]);
  const bandWeights = new Float64Array(bandStart[fe.melBins]);
  bands.forEach((b, m) => {
    bandBins.set(b.bins, bandStart[m]);
    bandWeights.set(b.weights, bandStart[m]);
  });
  // DCT-II rows with TensorFlow's scaling folded in: 2·cos(πk(2n+1)/2N)/√(2N).
  const dct = new Float64Array(coefficients * fe.melBins);
  const scale = 2 / Math.sqrt(2 * fe.melBins);
  for (let k = 0; k < coefficients; k++) {
    for (let n = 0; n < fe.melBins; n++) dct[k * fe.melBins + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * fe.melBins));
  }
  const frame = new Float64Array(fe.windowSamples);
  const magnitudes = new Float64Array(fe.fftLength / 2 + 1);
  const logMel = new Float64Array(fe.melBins);
  const normalized = new Float32Array(fe.clipSamples);
  const { windowSamples, strideSamples, melBins, logOffset } = fe;

  const mfcc = (clip: Float32Array, out: Float32Array, offset = 0, maskedBands?: Uint8Array) => {
    if (clip.length !== fe.clipSamples) throw new EdgeqatError('E_OPTION', `audio front end: a clip of ${clip.length} samples, expected ${fe.clipSamples}`);
    for (let t = 0; t < frames; t++) {
      const start = t * strideSamples;
      for (let n = 0; n < windowSamples; n++) frame[n] = clip[start + n] * window[n];
      fft.magnitudes(frame, windowSamples, magnitudes, usedBins);
      for (let m = 0; m < fe.melBins; m++) {
        let sum = 0;
        for (let j = bandStart[m]; j < bandStart[m + 1]; j++) sum += bandWeights[j] * magnitudes[bandBins[j]];
        logMel[m] = Math.log(sum + logOffset);
      }
      if (maskedBands) {
        let mean = 0;
        for (let m = 0; m < melBins; m++) mean += logMel[m];
        mean /= melBins;
        for (let m = 0; m < melBins; m++) if (maskedBands[m]) logMel[m] = mean;
      }
      const base = offset + t * coefficients;
      for (let k = 0; k < coefficients; k++) {
        let sum = 0;
        const row = k * melBins;
        for (let n = 0; n < melBins; n++) sum += dct[row + n] * logMel[n];
        out[base + k] = sum;
      }
    }
    if (fe.cepstralMeanNorm) subtractFrameMeans(out, offset, frames, coefficients);
  };

  return {
    frontEnd: fe,
    featureSize,
    mfcc,
    features(clip, out = new Float32Array(featureSize), offset = 0) {
      let input = clip;
      if (fe.peakNormalize) {
        normalized.set(clip);
        input = normalizeClip(normalized);
      }
      mfcc(input, out, offset);
      return out;
    },
  };
}
