// `wav:<folder>`: any folder-per-label set of WAV clips, either split,
//   <folder>/train/<label>/*.wav   and   <folder>/test/<label>/*.wav,
// or not (<folder>/<label>/*.wav: hold out a share with --val-split). The labels are the training
// folder names in sorted order, and test labels must be among them. A `_background_noise_/` folder
// (in <folder> or <folder>/train) gives the noise that training mixes in. Inputs are the audio front end's features
// (runtime/audio/mfcc.ts): the model's recorded front end when evaluating a model, MLPerf Tiny's
// 49×10 MFCCs otherwise.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MLPERF_KWS_FRONT_END, featureShape } from '../audio/front-end.js';
import { EdgeqatError } from '../errors.js';
import { classFolders, clipSplit, loadBackground, shuffled, wavFiles, BACKGROUND_NOISE_DIR, type ClipEntry } from './audio-clips.js';
import type { Dataset, DatasetSource, LoadDatasetOptions } from './dataset.js';
import { checkedDir } from './idx-dataset.js';

/** Labels are stored as uint8. */
const MAX_CLASSES = 256;
/** The sample order of each split is seeded, so that --limit and partial runs see every class. */
const ORDER_SEED = 1;

export const WAV_SOURCE: DatasetSource = {
  spec: 'wav:',
  description: 'a folder of WAV clips, one subfolder per label (with train/ and test/ subfolders, or split by --val-split; optional _background_noise_/)',
  load: (spec, arg, opts) => loadWavFolder(spec, checkedDir(spec, resolve(arg), false), opts),
};

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function loadWavFolder(spec: string, dir: string, opts: LoadDatasetOptions): Dataset {
  const fe = opts.audioFrontEnd ?? MLPERF_KWS_FRONT_END;
  const parts = { train: isDir(join(dir, 'train')), test: isDir(join(dir, 'test')) };
  if (parts.train !== parts.test) {
    throw new EdgeqatError('E_DATASET', `${dir}: has ${parts.train ? 'train/' : 'test/'} but no ${parts.train ? 'test/' : 'train/'} sub-folder (give both, or neither and split with --val-split)`);
  }
  // Without train/ and test/, the class folders are at the top and hold the training clips only.
  const home = (part: 'train' | 'test') => (parts.train ? join(dir, part) : dir);
  const prefix = (part: 'train' | 'test') => (parts.train ? `${part}/` : '');
  const classNames = classFolders(home('train'));
  if (classNames.length === 0) throw new EdgeqatError('E_DATASET', `${home('train')}: no class folders (one folder of WAV clips per label)`);
  if (classNames.length > MAX_CLASSES) throw new EdgeqatError('E_DATASET', `${home('train')}: ${classNames.length} class folders, at most ${MAX_CLASSES} are supported`);
  if (parts.test) {
    const extra = classFolders(join(dir, 'test')).filter((c) => !classNames.includes(c));
    if (extra.length > 0) throw new EdgeqatError('E_DATASET', `${join(dir, 'test')}: class folder(s) ${extra.join(', ')} not in train/ (the labels are train/'s folders)`);
  }
  const split = opts.split ?? 'both';
  if (split !== 'train' && !parts.test) {
    throw new EdgeqatError('E_DATASET', `${dir}: no test/ folder to evaluate on: hold out a share of the clips with --val-split <fraction> (e.g. 0.2), or add test/<label>/ folders`);
  }
  const wanted = split === 'both' ? (['train', 'test'] as const) : ([split] as const);
  const noiseHome = isDir(join(dir, BACKGROUND_NOISE_DIR)) ? dir : join(dir, 'train');
  const { background, backgroundFiles } = loadBackground(noiseHome, fe);
  const result: Dataset = {
    name: spec,
    dir,
    classNames,
    numClasses: classNames.length,
    sampleShape: featureShape(fe),
    normalization: { mean: [0], std: [1] },
    audio: { frontEnd: fe, background, backgroundFiles: backgroundFiles.map((f) => (noiseHome === dir ? f : `train/${f}`)) },
  };
  for (const part of wanted) {
    const list: ClipEntry[] = [];
    classNames.forEach((name, label) => {
      const folder = join(home(part), name);
      if (!isDir(folder)) {
        if (part === 'train') throw new EdgeqatError('E_DATASET', `${folder}: missing`);
        return;
      }
      const files = wavFiles(folder);
      if (files.length === 0 && part === 'train') throw new EdgeqatError('E_DATASET', `${folder}: no .wav files for class '${name}'`);
      for (const f of files) list.push({ label, source: `${prefix(part)}${name}/${f}` });
    });
    if (list.length === 0) throw new EdgeqatError('E_DATASET', `${home(part)}: no .wav files in its class folders`);
    result[part] = clipSplit(dir, shuffled(list, ORDER_SEED), fe);
  }
  return result;
}
