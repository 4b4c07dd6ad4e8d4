// The test split the report evaluates on: the run's data set with the run's normalisation (the one
// `edgeqat export` writes into the model's metadata), as the engines and the QAT model both expect.
import { loadDataset } from '../../runtime/datasets/datasets.js';
import type { Split } from '../../runtime/datasets/datasets.js';
import { runLoadOptions, type RunInfo } from '../run-folder.js';

export type TestSet = Pick<Split, 'inputs' | 'labels' | 'count'>;

export function loadTestSet(info: RunInfo): TestSet {
  const data = loadDataset(info.dataset, { split: 'test', ...runLoadOptions(info) });
  return data.test!;
}
