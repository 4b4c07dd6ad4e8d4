// Audio clips into a loaded audio model (`classifyClip` in `edgeqat/runtime`): the clip goes
// through the front end the model records (audio/: resampling, padding or cutting to the clip
// length, MFCCs), the same code that made its training inputs and that `node run.js clip.wav`
// runs on a device, so a program gets the same features to the bit.
import { fitClip, toFrontEndRate } from './audio/clip.js';
import type { AudioFrontEnd } from './audio/front-end.js';
import { createFeatureExtractor, type FeatureExtractor } from './audio/mfcc.js';
import { decodeWav } from './audio/wav.js';
import { elementsPerSample } from './engines/engine.js';
import { EdgeqatError } from './errors.js';
import type { LoadedModel } from './load-model.js';
import { predict, type Prediction } from './predict.js';

/** One extractor per front end (its mel filters and FFT tables are made once). */
const extractors = new WeakMap<AudioFrontEnd, FeatureExtractor>();

function frontEndOf(model: Pick<LoadedModel, 'label' | 'preprocessing'>): AudioFrontEnd {
  const fe = model.preprocessing?.audio;
  if (!fe) throw new EdgeqatError('E_UNSUPPORTED', `${model.label}: not an audio model (its edgeqat metadata records no audio front end), so it cannot take clips`);
  return fe;
}

/**
 * A clip as the model's input: a WAV file's bytes, or mono samples in [-1, 1] at `sampleRate`
 * (default: the front end's, e.g. 16,000). Other rates are resampled; the clip is zero-padded or
 * cut to the model's window (1 s for MLPerf Tiny's keyword spotting).
 */
export function clipFeatures(model: Pick<LoadedModel, 'label' | 'preprocessing'>, clip: Uint8Array | Float32Array, sampleRate?: number): Float32Array {
  const fe = frontEndOf(model);
  let samples: Float32Array;
  if (clip instanceof Float32Array) {
    const rate = sampleRate ?? fe.sampleRate;
    if (!(Number.isFinite(rate) && rate > 0)) throw new EdgeqatError('E_OPTION', `sampleRate must be a positive number, got '${String(sampleRate)}'`);
    samples = toFrontEndRate({ sampleRate: rate, channels: 1, encoding: 'float32', samples: clip }, fe, `${model.label}: clip`);
  } else if (clip instanceof Uint8Array) {
    if (sampleRate !== undefined) throw new EdgeqatError('E_OPTION', 'sampleRate applies to samples; a WAV file names its own');
    samples = toFrontEndRate(decodeWav(clip, 'clip'), fe, 'clip');
  } else {
    throw new EdgeqatError('E_OPTION', "a clip is a WAV file's bytes (Uint8Array, Buffer) or mono samples (Float32Array)");
  }
  let extractor = extractors.get(fe);
  if (!extractor) extractors.set(fe, (extractor = createFeatureExtractor(fe)));
  return extractor.features(fitClip(samples, fe.clipSamples));
}

/** The word (class) of one clip, as `node run.js clip.wav` names it on a device. */
export function classifyClip(model: LoadedModel, clip: Uint8Array | Float32Array, sampleRate?: number): Prediction {
  const features = clipFeatures(model, clip, sampleRate);
  if (features.length !== elementsPerSample(model.input)) {
    throw new EdgeqatError('E_MODEL_FILE', `${model.label}: takes ${elementsPerSample(model.input)} values, its front end makes ${features.length}`);
  }
  return predict(model, features, 1)[0]!;
}
