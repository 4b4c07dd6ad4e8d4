// The inputs a .tflite is evaluated, compared or timed on: a data set's test split, loaded as the
// model's metadata records, and checked to hold one model input per sample.
import { loadDataset, sampleSize, type Dataset } from '../../runtime/datasets/datasets.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { readPreprocessing, recordedLoadOptions } from '../../runtime/model-metadata.js';
import type { ModelSummary } from '../../runtime/model-reader.js';

/** The test split of `spec`, loaded as `summary`'s metadata records (normalisation, image size, held-out split; `label` names the model in errors). */
export function testSplitFor(summary: ModelSummary, label: string, spec: string, dataDir?: string): Dataset {
  return loadDataset(spec, { split: 'test', dataDir, ...recordedLoadOptions(readPreprocessing(summary, label), spec) });
}

/** One line when the model's input does not hold one sample of the data set; `where` prefixes it. */
export function checkInputSize(perSample: number, data: Dataset, spec: string, where = ''): void {
  const size = sampleSize(data.sampleShape);
  if (perSample !== size) throw new EdgeqatError('E_DATASET', `${where}model input has ${perSample} values per sample, ${spec} samples have ${size}`);
}
