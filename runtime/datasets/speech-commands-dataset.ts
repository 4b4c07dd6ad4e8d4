// `speech-commands:<folder>`: Google's Speech Commands layout (v0.01 and v0.02, Warden 2018,
// arXiv:1804.03209) as the 12-class task of MLPerf Tiny and "Hello Edge": the ten keywords, plus
// _silence_ (one-second pieces of the `_background_noise_/` recordings) and _unknown_ (clips of
// the other words). As TensorFlow's speech_commands recipe builds it (tensorflow/examples/
// speech_commands/input_data.py, prepare_data_index): validation_list.txt and testing_list.txt
// decide each clip's split (when both are missing, its hash rule on the speaker part of the file
// name decides, 10% each), and each split gets _silence_ and _unknown_ samples numbering 10% of
// its keyword clips (the unknown ones a seeded pick of that split's other words). Inputs are the
// audio front end's features (runtime/audio/mfcc.ts): the model's recorded front end when
// evaluating a model, MLPerf Tiny's 49×10 MFCCs otherwise.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MLPERF_KWS_FRONT_END, featureShape } from '../audio/front-end.js';
import { EdgeqatError } from '../errors.js';
import { backgroundPieces, classFolders, clipSplit, loadBackground, shuffled, wavFiles, BACKGROUND_NOISE_DIR, type ClipEntry } from './audio-clips.js';
import type { Dataset, DatasetSource, LoadDatasetOptions } from './dataset.js';
import { checkedDir } from './idx-dataset.js';

export const KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'] as const;
export const SILENCE_LABEL = '_silence_';
export const UNKNOWN_LABEL = '_unknown_';
export const SPEECH_COMMANDS_CLASSES = [...KEYWORDS, SILENCE_LABEL, UNKNOWN_LABEL];
const SILENCE = KEYWORDS.length;
const UNKNOWN = KEYWORDS.length + 1;
/** input_data.py's defaults (MLPerf Tiny's kws_util.py has the same): percent of a split's keyword clips. */
const SILENCE_PERCENT = 10;
const UNKNOWN_PERCENT = 10;
/** The hash rule's shares when the split lists are missing (input_data.py's defaults). */
const VALIDATION_PERCENT = 10;
const TESTING_PERCENT = 10;
/** input_data.py's RANDOM_SEED: which unknown clips and silence pieces, and the sample order. */
const SPLIT_SEED = 59185;
const LISTS = { validation: 'validation_list.txt', test: 'testing_list.txt' } as const;

type Part = 'train' | 'validation' | 'test';

export const SPEECH_COMMANDS_SOURCE: DatasetSource = {
  spec: 'speech-commands:',
  description: "Speech Commands layout: one folder of 1 s WAV clips per word, validation_list.txt/testing_list.txt, _background_noise_/; MLPerf Tiny's 12 classes",
  load: (spec, arg, opts) => loadSpeechCommands(spec, checkedDir(spec, resolve(arg), false), opts),
};

function loadSpeechCommands(spec: string, dir: string, opts: LoadDatasetOptions): Dataset {
  const fe = opts.audioFrontEnd ?? MLPERF_KWS_FRONT_END;
  const folders = classFolders(dir);
  const missing = KEYWORDS.filter((w) => !folders.includes(w));
  if (missing.length > 0) {
    throw new EdgeqatError('E_DATASET', `${dir}: not a Speech Commands folder: no folder for ${missing.join(', ')} (${spec} needs one folder of WAV clips per keyword: ${KEYWORDS.join(', ')})`);
  }
  const files = new Map<string, string[]>();
  for (const folder of folders) {
    const names = wavFiles(join(dir, folder));
    if (names.length === 0 && (KEYWORDS as readonly string[]).includes(folder)) throw new EdgeqatError('E_DATASET', `${join(dir, folder)}: no .wav files in the '${folder}' keyword folder`);
    files.set(folder, names.map((n) => `${folder}/${n}`));
  }
  const partOf = splitRule(dir, new Set([...files.values()].flat()));
  const { background, backgroundFiles } = loadBackground(dir, fe);
  if (background.length === 0) throw new EdgeqatError('E_DATASET', `${dir}: no ${BACKGROUND_NOISE_DIR} folder (the ${SILENCE_LABEL} class is cut from its recordings)`);

  const split = opts.split ?? 'both';
  const wanted = split === 'both' ? (['train', 'test'] as const) : ([split] as const);
  const result: Dataset = {
    name: spec,
    dir,
    classNames: SPEECH_COMMANDS_CLASSES,
    numClasses: SPEECH_COMMANDS_CLASSES.length,
    sampleShape: featureShape(fe),
    // The features go to the model as they are (the reference does not normalise them).
    normalization: { mean: [0], std: [1] },
    audio: { frontEnd: fe, background, backgroundFiles, silenceClass: SILENCE },
  };
  wanted.forEach((part) => {
    const partSeed = SPLIT_SEED + (part === 'train' ? 0 : 2);
    const keywords: ClipEntry[] = [];
    const others: ClipEntry[] = [];
    for (const [folder, list] of files) {
      const label = (KEYWORDS as readonly string[]).indexOf(folder);
      for (const source of list) if (partOf(source) === part) (label >= 0 ? keywords : others).push({ label: label >= 0 ? label : UNKNOWN, source });
    }
    if (keywords.length === 0) throw new EdgeqatError('E_DATASET', `${dir}: the ${part} split has no keyword clips (check ${part === 'test' ? LISTS.test : 'the split lists'})`);
    const silenceCount = Math.ceil((keywords.length * SILENCE_PERCENT) / 100);
    const unknownCount = Math.ceil((keywords.length * UNKNOWN_PERCENT) / 100);
    const unknowns = shuffled(others, partSeed).slice(0, unknownCount);
    const silence = backgroundPieces(background, backgroundFiles, silenceCount, fe.clipSamples, partSeed + 1, SILENCE);
    result[part] = clipSplit(dir, shuffled([...keywords, ...unknowns, ...silence], partSeed), fe);
  });
  return result;
}

/** Which part each clip belongs to: the two list files, or the hash rule when both are missing. */
function splitRule(dir: string, known: Set<string>): (source: string) => Part {
  const present = { validation: existsSync(join(dir, LISTS.validation)), test: existsSync(join(dir, LISTS.test)) };
  if (!present.validation && !present.test) return (source) => hashPart(source);
  if (!present.validation || !present.test) {
    const [has, lacks] = present.test ? [LISTS.test, LISTS.validation] : [LISTS.validation, LISTS.test];
    throw new EdgeqatError('E_DATASET', `${dir}: has ${has} but no ${lacks} (give both split lists, or neither for the file-name hash rule)`);
  }
  const part = new Map<string, Part>();
  for (const which of ['validation', 'test'] as const) {
    const path = join(dir, LISTS[which]);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new EdgeqatError('E_DATASET', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      if (!known.has(line)) throw new EdgeqatError('E_DATASET', `${path}:${i + 1}: '${line.slice(0, 80)}' is not a WAV file of a word folder here`);
      part.set(line, which);
    });
  }
  return (source) => part.get(source) ?? 'train';
}

/** input_data.py which_set: SHA-1 of the file name up to '_nohash_', as a percentage. */
function hashPart(source: string): Part {
  const name = basename(source).replace(/_nohash_.*$/, '');
  const hex = createHash('sha1').update(name).digest('hex');
  const maxWavs = 2 ** 27 - 1; // MAX_NUM_WAVS_PER_CLASS
  const percent = (Number(BigInt(`0x${hex}`) % BigInt(maxWavs + 1)) * 100) / maxWavs;
  if (percent < VALIDATION_PERCENT) return 'validation';
  if (percent < VALIDATION_PERCENT + TESTING_PERCENT) return 'test';
  return 'train';
}
