// The audio front end's parameters: what turns a clip into the model's input. A model records the
// front end it was trained with (run.json and the .tflite's metadata, ../model-metadata.ts), and
// training, `eval` and the device bundle all compute features through ./mfcc.ts with those
// parameters. The defaults are MLPerf Tiny's keyword-spotting reference (mlcommons/tiny
// benchmark/training/keyword_spotting: kws_util.py flags, get_dataset.py feature_type 'mfcc').
import { EdgeqatError } from '../errors.js';
import type { JsonFields } from '../json-fields.js';

export interface AudioFrontEnd {
  /** Log-mel MFCCs (TensorFlow tf.signal conventions); the only kind so far. */
  kind: 'mfcc';
  /** Samples per second the model hears; clips at other rates are resampled to it. */
  sampleRate: number;
  /** Samples in one clip (the model's window); shorter clips are zero-padded at the end, longer ones cut. */
  clipSamples: number;
  /** STFT frame length and step, in samples. */
  windowSamples: number;
  strideSamples: number;
  /** FFT length (a power of two ≥ windowSamples; tf.signal.stft's default is the next power of two). */
  fftLength: number;
  /** Mel filter bank: number of triangular filters and their lower/upper edge frequencies. */
  melBins: number;
  lowerHz: number;
  upperHz: number;
  /** Added to the mel magnitudes before the natural log. */
  logOffset: number;
  /** MFCCs kept per frame (the first ones of the DCT-II). */
  coefficients: number;
  /** Divide each clip by its largest absolute sample first (the reference divides by its maximum). */
  peakNormalize: boolean;
  /**
   * Cepstral mean normalisation (not in the reference; absent means off): each coefficient but the
   * first has its mean over the clip's frames subtracted. A speaker's or a channel's fixed spectral
   * shape adds the same amount to every frame's log-mel spectrum, so to every frame's MFCCs; the
   * mean takes it out (Atal, JASA 1974; docs/keyword-spotting.md). c0, the frame's overall level,
   * is kept: how loud the frames are against each other tells speech from _silence_.
   */
  cepstralMeanNorm?: boolean;
}

/** MLPerf Tiny KWS: 16 kHz, 1 s clips, 30 ms windows every 20 ms, 40 mel bins over 20-4000 Hz, 10 MFCCs → 49×10. */
export const MLPERF_KWS_FRONT_END: AudioFrontEnd = {
  kind: 'mfcc',
  sampleRate: 16000,
  clipSamples: 16000,
  windowSamples: 480,
  strideSamples: 320,
  fftLength: 512,
  melBins: 40,
  lowerHz: 20,
  upperHz: 4000,
  logOffset: 1e-6,
  coefficients: 10,
  peakNormalize: true,
};

export const FRONT_END_KEYS = [
  'kind',
  'sampleRate',
  'clipSamples',
  'windowSamples',
  'strideSamples',
  'fftLength',
  'melBins',
  'lowerHz',
  'upperHz',
  'logOffset',
  'coefficients',
  'peakNormalize',
  'cepstralMeanNorm',
] as const;

/** Bounds that keep a hostile entry from costing memory or time; real front ends are far inside. */
const MAX_RATE = 384_000;
const MAX_FFT = 1 << 14;

/** STFT frames in one clip (tf.signal.frame without pad_end). */
export function frameCount(fe: AudioFrontEnd): number {
  return 1 + Math.floor((fe.clipSamples - fe.windowSamples) / fe.strideSamples);
}

/** The model input one clip becomes: [frames, coefficients, 1], channels last. */
export function featureShape(fe: AudioFrontEnd): number[] {
  return [frameCount(fe), fe.coefficients, 1];
}

/** The front end recorded in a model or run, read strictly: known keys, sane bounds, consistent. */
export function readFrontEnd(f: JsonFields): AudioFrontEnd {
  f.onlyKeys(FRONT_END_KEYS);
  if (f.raw('kind') !== 'mfcc') f.expected('kind', '"mfcc"');
  const sampleRate = f.integer('sampleRate', 1000, MAX_RATE);
  const fftLength = f.integer('fftLength', 16, MAX_FFT);
  if ((fftLength & (fftLength - 1)) !== 0) f.expected('fftLength', 'a power of two');
  const windowSamples = f.integer('windowSamples', 2, fftLength);
  const clipSamples = f.integer('clipSamples', windowSamples, 60 * sampleRate);
  const strideSamples = f.integer('strideSamples', 1, clipSamples);
  const melBins = f.integer('melBins', 1, 512);
  const lowerHz = f.number('lowerHz', 0, sampleRate / 2);
  const upperHz = f.number('upperHz', 0, sampleRate / 2);
  if (!(upperHz > lowerHz)) f.expected('upperHz', `a frequency above lowerHz (${lowerHz}) up to ${sampleRate / 2}`);
  const logOffset = f.number('logOffset', Number.MIN_VALUE, 1);
  const coefficients = f.integer('coefficients', 1, melBins);
  if (frameCount({ clipSamples, windowSamples, strideSamples } as AudioFrontEnd) > 100_000) f.expected('strideSamples', 'at most 100000 frames per clip');
  const cepstralMeanNorm = f.optionalBoolean('cepstralMeanNorm');
  return {
    kind: 'mfcc', sampleRate, clipSamples, windowSamples, strideSamples, fftLength, melBins, lowerHz, upperHz, logOffset, coefficients,
    peakNormalize: f.boolean('peakNormalize'),
    ...(cepstralMeanNorm ? { cepstralMeanNorm } : {}),
  };
}

/** One line when a model's input does not hold this front end's features. */
export function checkFeatureShape(fe: AudioFrontEnd, sampleShape: readonly number[] | undefined, where: string): void {
  const want = featureShape(fe);
  if (sampleShape && (sampleShape.length !== 3 || sampleShape.some((d, i) => d !== want[i]))) {
    throw new EdgeqatError('E_MODEL_FILE', `${where}: the audio front end makes [${want.join(', ')}] features, the recorded sample shape is [${sampleShape.join(', ')}]`);
  }
}

export function describeFrontEnd(fe: AudioFrontEnd): string {
  const ms = (n: number) => `${+((n * 1000) / fe.sampleRate).toFixed(2)} ms`;
  const [frames, coefficients] = featureShape(fe);
  return (
    `MFCC ${frames}×${coefficients}: ${fe.sampleRate} Hz, ${ms(fe.clipSamples)} clips, ${ms(fe.windowSamples)} Hann windows every ${ms(fe.strideSamples)}, ` +
    `FFT ${fe.fftLength}, ${fe.melBins} mel bins ${fe.lowerHz}-${fe.upperHz} Hz, log(x + ${fe.logOffset})${fe.peakNormalize ? ', peak-normalized clips' : ''}` +
    (fe.cepstralMeanNorm ? ', cepstral mean normalised' : '')
  );
}
