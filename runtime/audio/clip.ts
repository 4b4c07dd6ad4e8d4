// A WAV file as the front end takes it: mono, at the front end's sample rate (resampled, see
// ./resample.ts; refused in one line when the file cannot carry the frequencies the mel filters
// read), and exactly `clipSamples` long. Shorter clips are zero-padded at the end and longer ones
// keep their first `clipSamples` samples, as the reference does (get_dataset.py pads with zeros
// at the end; TensorFlow's decode_wav with desired_samples keeps the start).
import { EdgeqatError } from '../errors.js';
import type { AudioFrontEnd } from './front-end.js';
import { resample } from './resample.js';
import { readWavFile, type WavAudio } from './wav.js';

export function fitClip(samples: Float32Array, clipSamples: number): Float32Array {
  if (samples.length === clipSamples) return samples;
  const out = new Float32Array(clipSamples);
  out.set(samples.length > clipSamples ? samples.subarray(0, clipSamples) : samples);
  return out;
}

/** Mono samples at the front end's rate (any length). */
export function toFrontEndRate(wav: WavAudio, fe: AudioFrontEnd, where: string): Float32Array {
  if (wav.sampleRate === fe.sampleRate) return wav.samples;
  if (wav.sampleRate / 2 < fe.upperHz) {
    throw new EdgeqatError('E_DATASET', `${where}: ${wav.sampleRate} Hz audio holds nothing above ${wav.sampleRate / 2} Hz, the model's mel filters reach ${fe.upperHz} Hz (record at ${fe.sampleRate} Hz)`);
  }
  return resample(wav.samples, wav.sampleRate, fe.sampleRate);
}

/** A WAV file as one clip for the front end. */
export function loadClip(path: string, fe: AudioFrontEnd): Float32Array {
  return fitClip(toFrontEndRate(readWavFile(path), fe, path), fe.clipSamples);
}
