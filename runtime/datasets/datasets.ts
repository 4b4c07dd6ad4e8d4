// Data-set registry: a spec names a registered set (`mnist`, `fashion-mnist`) or a source prefix
// and a folder (`idx:<folder>`). Each source (one file per format) turns its files into a Dataset
// (./dataset.ts). The runtime evaluates accuracy on these sets on the device, so every source uses
// Node built-ins only.
import { EdgeqatError } from '../errors.js';
import type { Dataset, DatasetSource, LoadDatasetOptions } from './dataset.js';
import { IDX_SOURCES } from './idx-dataset.js';
import { SPEECH_COMMANDS_SOURCE } from './speech-commands-dataset.js';
import { WAV_SOURCE } from './wav-dataset.js';

export type { AudioData, Dataset, LoadDatasetOptions, Normalization, Split, SplitName } from './dataset.js';
export { sampleOf, sampleSize } from './dataset.js';
export { FASHION_MNIST_DIR, IDX_FILE_NAMES } from './idx-dataset.js';
export { normalizeImages, pixelStats } from './pixels.js';

/** Every source, registered names first; a prefix source's spec ends in ':'. */
export const DATASET_SOURCES: readonly DatasetSource[] = [...IDX_SOURCES, SPEECH_COMMANDS_SOURCE, WAV_SOURCE];

export function knownDatasetSpecs(): string[] {
  return DATASET_SOURCES.map((s) => (s.spec.endsWith(':') ? `${s.spec}<folder>` : s.spec));
}

export function loadDataset(spec: string, opts: LoadDatasetOptions = {}): Dataset {
  const split = opts.split ?? 'both';
  if (split !== 'train' && split !== 'test' && split !== 'both') {
    throw new EdgeqatError('E_OPTION', `unknown split '${String(split)}' (known: train, test, both)`);
  }
  const named = DATASET_SOURCES.find((s) => !s.spec.endsWith(':') && s.spec === spec);
  if (named) return named.load(spec, '', { ...opts, split });
  const prefixed = DATASET_SOURCES.find((s) => s.spec.endsWith(':') && spec.startsWith(s.spec) && spec.length > s.spec.length);
  if (prefixed) {
    if (opts.dataDir !== undefined) throw new EdgeqatError('E_OPTION', `--data-dir is for registered data sets; ${spec} names its folder itself`);
    return prefixed.load(spec, spec.slice(prefixed.spec.length), { ...opts, split });
  }
  throw new EdgeqatError('E_OPTION', `unknown dataset '${spec}' (known: ${knownDatasetSpecs().join(', ')})`);
}
