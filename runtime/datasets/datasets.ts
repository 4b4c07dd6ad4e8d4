// Data-set registry: a spec names a registered set (`mnist`, `fashion-mnist`) or a source prefix
// and a folder (`idx:<folder>`). Each source (one file per format) turns its files into a Dataset
// (./dataset.ts). The runtime evaluates accuracy on these sets on the device, so every source uses
// Node built-ins only.
import { EdgeqatError } from '../errors.js';
import type { Dataset, DatasetSource, LoadDatasetOptions } from './dataset.js';
import { CIFAR10_SOURCE } from './cifar10-dataset.js';
import { IDX_SOURCES } from './idx-dataset.js';
import { IMAGE_FOLDER_SOURCE } from './image-folder-dataset.js';
import { SPEECH_COMMANDS_SOURCE } from './speech-commands-dataset.js';
import { checkValSplit, holdOut, subsetOf } from './val-split.js';
import { WAV_SOURCE } from './wav-dataset.js';

export type { AudioData, Dataset, ImageOptions, LoadDatasetOptions, Normalization, Split, SplitName } from './dataset.js';
export { sampleOf, sampleSize } from './dataset.js';
export { FASHION_MNIST_DIR, IDX_FILE_NAMES } from './idx-dataset.js';
export { formatNormalization, normalizeImages, perChannel, pixelStats } from './pixels.js';
export type { ValSplit } from './val-split.js';

/** Every source, registered names first; a prefix source's spec ends in ':'. */
export const DATASET_SOURCES: readonly DatasetSource[] = [
  ...IDX_SOURCES,
  IMAGE_FOLDER_SOURCE,
  CIFAR10_SOURCE,
  SPEECH_COMMANDS_SOURCE,
  WAV_SOURCE,
];

export function knownDatasetSpecs(): string[] {
  return DATASET_SOURCES.map((s) => (s.spec.endsWith(':') ? `${s.spec}<folder>` : s.spec));
}

export function loadDataset(spec: string, opts: LoadDatasetOptions = {}): Dataset {
  const split = opts.split ?? 'both';
  if (split !== 'train' && split !== 'test' && split !== 'both') {
    throw new EdgeqatError('E_OPTION', `unknown split '${String(split)}' (known: train, test, both)`);
  }
  if (opts.valSplit) return withValSplit(spec, opts, split);
  const named = DATASET_SOURCES.find((s) => !s.spec.endsWith(':') && s.spec === spec);
  if (named) return named.load(spec, '', { ...opts, split });
  const prefixed = DATASET_SOURCES.find((s) => s.spec.endsWith(':') && spec.startsWith(s.spec) && spec.length > s.spec.length);
  if (prefixed) {
    if (opts.dataDir !== undefined) throw new EdgeqatError('E_OPTION', `--data-dir is for registered data sets; ${spec} names its folder itself`);
    return prefixed.load(spec, spec.slice(prefixed.spec.length), { ...opts, split });
  }
  throw new EdgeqatError('E_OPTION', `unknown dataset '${spec}' (known: ${knownDatasetSpecs().join(', ')})`);
}

/** The source's training samples, split seeded into `train` and a held-out `test`. */
function withValSplit(spec: string, opts: LoadDatasetOptions, split: 'train' | 'test' | 'both'): Dataset {
  checkValSplit(opts.valSplit!);
  const data = loadDataset(spec, { ...opts, valSplit: undefined, split: 'train' });
  const all = data.train!;
  const { train, heldOut } = holdOut(all.labels, all.count, opts.valSplit!);
  const result: Dataset = { ...data, train: undefined };
  if (split !== 'test') result.train = subsetOf(all, data.sampleShape, train);
  if (split !== 'train') result.test = subsetOf(all, data.sampleShape, heldOut);
  return result;
}
