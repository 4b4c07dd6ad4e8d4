// Accuracy of a .tflite on a data set's test split (or a held-out share of its training samples), on one of the runtime's engines (default auto =
// the fastest that runs the model). Preprocessing comes from the model's edgeqat metadata when present.
import { readFileSync } from 'node:fs';
import { evaluateClassifier } from '../../runtime/accuracy.js';
import { loadDataset } from '../../runtime/datasets/datasets.js';
import { elementsPerSample } from '../../runtime/engines/engine.js';
import { createEngine } from '../../runtime/engines/index.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { readPreprocessing, recordedLoadOptions } from '../../runtime/model-metadata.js';
import { readTfliteFile } from '../../runtime/model-reader.js';
import { silentProgress, type ProgressFactory } from '../../runtime/progress.js';
import { checkInputSize } from './test-inputs.js';

export interface EvaluateModelOptions {
  /** auto (default), reference, reference-xnnpack, tfjs-tflite or litert. */
  engine?: string;
  /** Data set (default: the model's, from its metadata; else mnist). */
  dataset?: string;
  dataDir?: string;
  /** Evaluate on this held-out share of the training samples (default: what the model records). */
  valSplit?: number;
  splitSeed?: number;
  /** The first n test samples (default all). */
  limit?: number;
  progress?: ProgressFactory;
}

export interface EvalResult {
  model: string;
  dataset: string;
  /** `test`, or `held-out` for a seeded validation split (--val-split, or recorded by train). */
  split: 'test' | 'held-out';
  engine: string;
  samples: number;
  correct: number;
  accuracy: number;
  seconds: number;
  predictions: Int32Array;
}

export async function evaluateModel(modelPath: string, opts: EvaluateModelOptions = {}): Promise<EvalResult> {
  const summary = readTfliteFile(modelPath);
  const recorded = readPreprocessing(summary, modelPath);
  const datasetSpec = opts.dataset ?? recorded?.dataset ?? 'mnist';
  const load = recordedLoadOptions(recorded, datasetSpec);
  if (opts.valSplit !== undefined) load.valSplit = { fraction: opts.valSplit, seed: opts.splitSeed ?? 0 };
  else if (opts.splitSeed !== undefined) throw new EdgeqatError('E_OPTION', '--split-seed applies to --val-split');
  const data = loadDataset(datasetSpec, { split: 'test', dataDir: opts.dataDir, ...load });
  const test = data.test!;
  const engine = await createEngine(opts.engine ?? 'auto', new Uint8Array(readFileSync(modelPath)), modelPath);
  try {
    checkInputSize(elementsPerSample(engine.input), data, datasetSpec, `${modelPath}: `);
    const count = Math.min(opts.limit ?? test.count, test.count);
    const progress = (opts.progress ?? silentProgress)(`eval (${engine.name})`);
    const start = performance.now();
    const r = evaluateClassifier(engine, test.inputs, test.labels, count, { onProgress: (done, total) => progress.update(done, total) });
    const seconds = (performance.now() - start) / 1000;
    progress.done(`${count} samples in ${seconds.toFixed(2)} s`);
    return { model: modelPath, dataset: datasetSpec, split: load.valSplit ? 'held-out' : 'test', engine: engine.name, samples: r.samples, correct: r.correct, accuracy: r.accuracy, seconds, predictions: r.predictions };
  } finally {
    engine.dispose();
  }
}
