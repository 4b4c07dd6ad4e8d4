// Training augmentation for audio sets, the reference recipe's (MLPerf Tiny keyword_spotting
// get_dataset.py and TensorFlow's speech_commands input_data.py, whose defaults these are): each
// clip is peak-normalised (the front end's first step), shifted in time by a random amount in
// [-timeShiftMs, timeShiftMs) with zeros filling the gap, and, with probability
// backgroundFrequency, mixed with a random piece of a `_background_noise_` recording at a volume
// drawn from [0, backgroundVolume), clipped to [-1, 1]; then the front end's MFCCs. Beyond the
// reference, and off by default: speed perturbation (Ko et al., "Audio augmentation for speech
// recognition", Interspeech 2015), the clip resampled about its middle by a factor drawn from
// [1 - speedPerturbation, 1 + speedPerturbation), which moves pitch and formants together as a
// shorter or longer vocal tract does, before the shift; and vocal tract length perturbation
// (Jaitly and Hinton, "Vocal Tract Length Perturbation (VTLP) improves speech recognition", ICML
// 2013 workshop), the mel filters read the spectrum warped by a factor drawn from [1 - vtlp,
// 1 + vtlp] (in steps of 1/200), which moves the formants and keeps pitch and timing; and
// SpecAugment's masks (Park et al., "SpecAugment", Interspeech 2019): two frequency masks of up to
// freqMask mel bands (their log energies set to the frame's mean, before the DCT) and two time
// masks of up to timeMask frames (set to the clip's mean frame), widths and positions uniform as
// in the paper. _silence_
// samples get a fresh random piece of background noise every time. Seeded: what a sample becomes
// is a pure function of (seed, epoch, sample index), so --resume repeats it exactly.
//
// Where this differs from MLPerf's code, and why: its tf.data map draws the background choice and
// volume with numpy once, when the graph is traced, and pins the time shift to a constant 2-sample
// pad-and-slice (a no-op), so every training clip there gets the same noise and no shift;
// input_data.py, which it was adapted from, draws them per clip, as here.
import type { AudioData, Dataset, Split } from '../../runtime/datasets/dataset.js';
import { frameCount } from '../../runtime/audio/front-end.js';
import { createFeatureExtractor, normalizeClip } from '../../runtime/audio/mfcc.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { mixSeed, mulberry32 } from '../../runtime/seeded-random.js';
import type { TrainData } from '../engine/train.js';

export interface AudioAugmentation {
  /** Largest time shift either way, in milliseconds. */
  timeShiftMs: number;
  /** Share of clips that get background noise mixed in. */
  backgroundFrequency: number;
  /** The noise volume is drawn uniformly from [0, backgroundVolume) (1 = full scale). */
  backgroundVolume: number;
  /** Largest relative change of the playback speed (0: off). */
  speedPerturbation: number;
  /** Largest relative warp of the frequency axis (0: off). */
  vtlp: number;
  /** Largest width of each of the two time masks, in feature frames (0: off). */
  timeMask: number;
  /** Largest width of each of the two frequency masks, in mel bands (0: off). */
  freqMask: number;
}

/** The reference defaults (kws_util.py: --time_shift_ms 100, --background_frequency 0.8, --background_volume 0.1). */
export const REFERENCE_AUDIO_AUGMENTATION: AudioAugmentation = { timeShiftMs: 100, backgroundFrequency: 0.8, backgroundVolume: 0.1, speedPerturbation: 0, vtlp: 0, timeMask: 0, freqMask: 0 };

export function checkAudioAugmentation(a: AudioAugmentation): void {
  const bad = (flag: string, what: string, value: number) => new EdgeqatError('E_OPTION', `${flag} must be ${what}, got ${value}`);
  if (!(a.timeShiftMs >= 0 && a.timeShiftMs <= 10_000)) throw bad('--time-shift-ms', 'in 0..10000', a.timeShiftMs);
  if (!(a.backgroundFrequency >= 0 && a.backgroundFrequency <= 1)) throw bad('--background-frequency', 'in 0..1', a.backgroundFrequency);
  if (!(a.backgroundVolume >= 0 && a.backgroundVolume <= 1)) throw bad('--background-volume', 'in 0..1', a.backgroundVolume);
  if (!(a.speedPerturbation >= 0 && a.speedPerturbation <= 0.5)) throw bad('--speed-perturbation', 'in 0..0.5', a.speedPerturbation);
  if (!(a.vtlp >= 0 && a.vtlp <= 0.3)) throw bad('--vtlp', 'in 0..0.3', a.vtlp);
  if (!(Number.isInteger(a.timeMask) && a.timeMask >= 0 && a.timeMask <= 20)) throw bad('--time-mask', 'a whole number in 0..20', a.timeMask);
  if (!(Number.isInteger(a.freqMask) && a.freqMask >= 0 && a.freqMask <= 20)) throw bad('--freq-mask', 'a whole number in 0..20', a.freqMask);
}

export interface AudioAugmentationOptions {
  /** false: off (--no-augment); undefined or true: on. */
  augment?: boolean;
  timeShiftMs?: number;
  backgroundFrequency?: number;
  backgroundVolume?: number;
  speedPerturbation?: number;
  vtlp?: number;
  timeMask?: number;
  freqMask?: number;
}

const FLAGS = {
  timeShiftMs: '--time-shift-ms',
  backgroundFrequency: '--background-frequency',
  backgroundVolume: '--background-volume',
  speedPerturbation: '--speed-perturbation',
  vtlp: '--vtlp',
  timeMask: '--time-mask',
  freqMask: '--freq-mask',
} as const;

/** The augmentation of a data set's training clips: null when off or not an audio set (whose options it refuses). */
export function augmentationFor(opts: AudioAugmentationOptions, data: Pick<Dataset, 'name' | 'audio'>): AudioAugmentation | null {
  const given = (Object.keys(FLAGS) as (keyof typeof FLAGS)[]).filter((k) => opts[k] !== undefined);
  if (!data.audio) {
    const flag = given.length > 0 ? FLAGS[given[0]] : opts.augment === false ? '--no-augment' : null;
    if (flag) throw new EdgeqatError('E_OPTION', `${flag} applies to audio data sets (speech-commands:, wav:), not ${data.name}`);
    return null;
  }
  if (opts.augment === false) {
    if (given.length > 0) throw new EdgeqatError('E_OPTION', `--no-augment turns augmentation off; drop ${FLAGS[given[0]]}`);
    return null;
  }
  const a = {
    timeShiftMs: opts.timeShiftMs ?? REFERENCE_AUDIO_AUGMENTATION.timeShiftMs,
    backgroundFrequency: opts.backgroundFrequency ?? REFERENCE_AUDIO_AUGMENTATION.backgroundFrequency,
    backgroundVolume: opts.backgroundVolume ?? REFERENCE_AUDIO_AUGMENTATION.backgroundVolume,
    speedPerturbation: opts.speedPerturbation ?? REFERENCE_AUDIO_AUGMENTATION.speedPerturbation,
    vtlp: opts.vtlp ?? REFERENCE_AUDIO_AUGMENTATION.vtlp,
    timeMask: opts.timeMask ?? REFERENCE_AUDIO_AUGMENTATION.timeMask,
    freqMask: opts.freqMask ?? REFERENCE_AUDIO_AUGMENTATION.freqMask,
  };
  checkAudioAugmentation(a);
  return a;
}

/** VTLP warps are drawn in steps of 1/WARP_STEPS. */
const WARP_STEPS = 200;

/** The sample's own generator: seeded by (seed, epoch, index) only, not by the batch it is in. */
function sampleRandom(seed: number, epoch: number, index: number): () => number {
  return mulberry32(mixSeed(seed ^ 0x9e3779b9, epoch + 1, index + 1));
}

/**
 * dst = src played `factor` times faster about the clip's middle: dst[j] = src(c + (j - c)·factor),
 * linearly interpolated, zero outside src. Aliasing of a speed-up (factor ≤ 1.5) folds only content
 * above 16 kHz/2/1.5 ≈ 5.3 kHz, above the mel filters' 4 kHz top.
 */
export function changeSpeed(src: Float32Array, dst: Float32Array, factor: number): void {
  const c = (src.length - 1) / 2;
  for (let j = 0; j < dst.length; j++) {
    const t = c + (j - c) * factor;
    const i = Math.floor(t);
    if (i < 0 || i >= src.length - 1) {
      dst[j] = i === src.length - 1 ? src[i] : 0;
      continue;
    }
    const f = t - i;
    dst[j] = src[i] + f * (src[i + 1] - src[i]);
  }
}

/** SpecAugment's masks come in twos (the paper's LibriSpeech policies: two of each). */
const MASKS = 2;

/** Marks up to MASKS masks of width [0, width] at uniform positions in `masked` (length = the axis). */
function drawMasks(random: () => number, width: number, masked: Uint8Array): void {
  masked.fill(0);
  for (let m = 0; m < MASKS; m++) {
    const w = Math.min(Math.floor(random() * (width + 1)), masked.length);
    const start = Math.floor(random() * (masked.length - w + 1));
    masked.fill(1, start, start + w);
  }
}

/** Frames marked in `masked` become the clip's mean frame (SpecAugment's mean value, per coefficient). */
function maskFrames(features: Float32Array, offset: number, frames: number, coefficients: number, masked: Uint8Array): void {
  for (let k = 0; k < coefficients; k++) {
    let sum = 0;
    for (let t = 0; t < frames; t++) sum += features[offset + t * coefficients + k];
    const mean = sum / frames;
    for (let t = 0; t < frames; t++) if (masked[t]) features[offset + t * coefficients + k] = mean;
  }
}

/** TrainData.fillBatch that augments the split's clips and computes their features. */
export function audioFillBatch(split: Split, audio: AudioData, aug: AudioAugmentation, seed: number): NonNullable<TrainData['fillBatch']> {
  checkAudioAugmentation(aug);
  const fe = audio.frontEnd;
  const clips = split.clips;
  if (!clips) throw new EdgeqatError('E_DATASET', 'audio augmentation needs the clips of the training split');
  const extractor = createFeatureExtractor(fe);
  // One extractor per warp step (at most 121), made when first drawn.
  const warped = new Map<number, ReturnType<typeof createFeatureExtractor>>([[0, extractor]]);
  const extractorFor = (step: number) => {
    let e = warped.get(step);
    if (!e) warped.set(step, (e = createFeatureExtractor(fe, 1 + step / WARP_STEPS)));
    return e;
  };
  const n = fe.clipSamples;
  const maxShift = Math.round((aug.timeShiftMs * fe.sampleRate) / 1000);
  const source = new Float32Array(n);
  const clip = new Float32Array(n);
  const { background } = audio;
  const frames = frameCount(fe);
  const coefficients = fe.coefficients;
  const maskedFrames = new Uint8Array(frames);
  const maskedBands = new Uint8Array(fe.melBins);
  const masking = aug.freqMask > 0 || aug.timeMask > 0;

  /** A random one-clip piece of a random background recording. */
  const piece = (random: () => number): Float32Array => {
    const noise = background[Math.floor(random() * background.length)];
    const at = Math.floor(random() * (noise.length - n));
    return noise.subarray(at, at + n);
  };

  return (indices, out, at) => {
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i];
      const random = sampleRandom(seed, at.epoch, k);
      const original = split.labels[k] === audio.silenceClass && background.length > 0 ? piece(random) : clips.subarray(k * n, (k + 1) * n);
      if (aug.speedPerturbation > 0) {
        // Its own generator, so the reference's draws below are the same with it on or off.
        const factor = 1 + aug.speedPerturbation * (2 * sampleRandom(seed ^ 0x2545f491, at.epoch, k)() - 1);
        changeSpeed(original, source, factor);
      } else source.set(original);
      if (fe.peakNormalize) normalizeClip(source);
      // np.random.randint(-shift, shift): a positive shift delays the clip, a negative one advances it.
      const shift = maxShift > 0 ? Math.floor(random() * 2 * maxShift) - maxShift : 0;
      clip.fill(0);
      if (shift >= 0) clip.set(source.subarray(0, n - shift), shift);
      else clip.set(source.subarray(-shift));
      if (background.length > 0 && random() < aug.backgroundFrequency) {
        const volume = random() * aug.backgroundVolume;
        const noise = piece(random);
        for (let j = 0; j < n; j++) {
          const v = clip[j] + volume * noise[j];
          clip[j] = v > 1 ? 1 : v < -1 ? -1 : v;
        }
      }
      // Its own generator too; 0 when off, the model's own front end.
      const warp = aug.vtlp > 0 ? Math.round(aug.vtlp * WARP_STEPS * (2 * sampleRandom(seed ^ 0x7f4a7c15, at.epoch, k)() - 1)) : 0;
      if (!masking) {
        extractorFor(warp).mfcc(clip, out, i * extractor.featureSize);
        continue;
      }
      // SpecAugment's draws come from a generator of their own as well.
      const masks = sampleRandom(seed ^ 0x51ed270b, at.epoch, k);
      if (aug.freqMask > 0) drawMasks(masks, aug.freqMask, maskedBands);
      extractorFor(warp).mfcc(clip, out, i * extractor.featureSize, aug.freqMask > 0 ? maskedBands : undefined);
      if (aug.timeMask > 0) {
        drawMasks(masks, aug.timeMask, maskedFrames);
        maskFrames(out, i * extractor.featureSize, frames, coefficients, maskedFrames);
      }
    }
  };
}
