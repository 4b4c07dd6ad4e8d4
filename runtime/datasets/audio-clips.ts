// What the audio sources (speech-commands:, wav:) share: folder listings, background noise, and
// turning a list of labelled clips into a Split (clips loaded through runtime/audio/clip.ts, the
// front end's features computed for each). Every path read is inside the set's folder.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fitClip, loadClip, toFrontEndRate } from '../audio/clip.js';
import { createFeatureExtractor } from '../audio/mfcc.js';
import type { AudioFrontEnd } from '../audio/front-end.js';
import { readWavFile } from '../audio/wav.js';
import { EdgeqatError } from '../errors.js';
import { mulberry32, permutation } from '../seeded-random.js';
import type { Split } from './dataset.js';

export const BACKGROUND_NOISE_DIR = '_background_noise_';

/** One sample to load: a WAV file (relative to the set's folder), or a clip already in memory. */
export interface ClipEntry {
  label: number;
  /** Path relative to the set's folder (for messages and bundles), e.g. `yes/0a7c2a8d_nohash_0.wav`. */
  source: string;
  clip?: Float32Array;
}

/** A folder's entries; symbolic links are neither (they are not followed: nothing outside the set is read). */
function entries(dir: string, what: string): { name: string; isDir: boolean; isFile: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, isDir: e.isDirectory(), isFile: e.isFile() }));
  } catch (e) {
    throw new EdgeqatError('E_DATASET', `${dir}: cannot list ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Sub-folders that name classes: not hidden, not `_background_noise_`; sorted. */
export function classFolders(dir: string): string[] {
  return entries(dir, 'the class folders')
    .filter((e) => e.isDir && !e.name.startsWith('.') && e.name !== BACKGROUND_NOISE_DIR)
    .map((e) => e.name)
    .sort();
}

/** The .wav files of a folder (not hidden), sorted. */
export function wavFiles(dir: string): string[] {
  return entries(dir, 'its WAV files')
    .filter((e) => e.isFile && !e.name.startsWith('.') && e.name.toLowerCase().endsWith('.wav'))
    .map((e) => e.name)
    .sort();
}

/** `_background_noise_/*.wav` at the front end's rate; [] when the folder is absent, an error when it has no WAV. */
export function loadBackground(dir: string, fe: AudioFrontEnd): { background: Float32Array[]; backgroundFiles: string[] } {
  const folder = join(dir, BACKGROUND_NOISE_DIR);
  let isDir = false;
  try {
    isDir = statSync(folder).isDirectory();
  } catch {
    // absent: no noise augmentation
  }
  if (!isDir) return { background: [], backgroundFiles: [] };
  const files = wavFiles(folder);
  if (files.length === 0) throw new EdgeqatError('E_DATASET', `${folder}: no .wav files (it holds the background noise recordings)`);
  const background = files.map((f) => {
    const path = join(folder, f);
    const samples = toFrontEndRate(readWavFile(path), fe, path);
    if (samples.length <= fe.clipSamples) {
      throw new EdgeqatError('E_DATASET', `${path}: ${samples.length} samples, background noise must be longer than one clip (${fe.clipSamples})`);
    }
    return samples;
  });
  return { background, backgroundFiles: files.map((f) => `${BACKGROUND_NOISE_DIR}/${f}`) };
}

/** `count` one-clip pieces of the background recordings at seeded offsets (the _silence_ samples). */
export function backgroundPieces(background: Float32Array[], backgroundFiles: string[], count: number, clipSamples: number, seed: number, label: number): ClipEntry[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const k = Math.floor(random() * background.length);
    const at = Math.floor(random() * (background[k].length - clipSamples));
    return { label, source: `${backgroundFiles[k]}@${at}`, clip: background[k].slice(at, at + clipSamples) };
  });
}

/** The entries in a seeded order (so that --limit and partial evaluations see every class). */
export function shuffled<T>(items: T[], seed: number): T[] {
  const order = permutation(items.length, mulberry32(seed));
  return Array.from(order, (i) => items[i]);
}

/** Loads the clips and computes their features: a Split with inputs, labels, clips and sources. */
export function clipSplit(dir: string, list: ClipEntry[], fe: AudioFrontEnd): Split {
  const extractor = createFeatureExtractor(fe);
  const count = list.length;
  const inputs = new Float32Array(count * extractor.featureSize);
  const clips = new Float32Array(count * fe.clipSamples);
  const labels = new Uint8Array(count);
  list.forEach((e, i) => {
    const clip = e.clip ? fitClip(e.clip, fe.clipSamples) : loadClip(join(dir, e.source), fe);
    clips.set(clip, i * fe.clipSamples);
    extractor.features(clip, inputs, i * extractor.featureSize);
    labels[i] = e.label;
  });
  return { inputs, labels, count, clips, sources: list.map((e) => e.source) };
}
