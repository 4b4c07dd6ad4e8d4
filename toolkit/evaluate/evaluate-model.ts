// Accuracy of a .tflite on a data set's test split, on one of the runtime's engines (default auto =
// the fastest that runs the model). Preprocessing comes from the model's edgeqat metadata when present.
import { readFileSync } from 'node:fs';
import { evaluateClassifier } from '../../runtime/accuracy.js';
import { elementsPerSample } from '../../runtime/engines/engine.js';
import { createEngine } from '../../runtime/engines/index.js';
import { readTfliteFile } from '../../runtime/model-reader.js';
import { silentProgress, type ProgressFactory } from '../../runtime/progress.js';
import { checkInputSize, testSplitFor } from './test-inputs.js';

export interface EvaluateModelOptions {
  /** auto (default), reference, reference-xnnpack, tfjs-tflite or litert. */
  engine?: string;
  dataset?: string;
  dataDir?: string;
  /** The first n test samples (default all). */
  limit?: number;
  progress?: ProgressFactory;
}

export interface EvalResult {
  model: string;
  dataset: string;
  engine: string;
  samples: number;
  correct: number;
  accuracy: number;
  seconds: number;
  predictions: Int32Array;
}

export async function evaluateModel(modelPath: string, opts: EvaluateModelOptions = {}): Promise<EvalResult> {
  const summary = readTfliteFile(modelPath);
  const datasetSpec = opts.dataset ?? 'mnist';
  const data = testSplitFor(summary, modelPath, datasetSpec, opts.dataDir);
  const test = data.test!;
  const engine = await createEngine(opts.engine ?? 'auto', new Uint8Array(readFileSync(modelPath)), modelPath);
  try {
    checkInputSize(elementsPerSample(engine.input), data, datasetSpec, `${modelPath}: `);
    const count = Math.min(opts.limit ?? test.count, test.count);
    const progress = (opts.progress ?? silentProgress)(`eval (${engine.name})`);
    const start = performance.now();
    const r = evaluateClassifier(engine, test.inputs, test.labels, count, { onProgress: (done, total) => progress.update(done, total) });
    const seconds = (performance.now() - start) / 1000;
    progress.done(`${count} images in ${seconds.toFixed(2)} s`);
    return { model: modelPath, dataset: datasetSpec, engine: engine.name, samples: r.samples, correct: r.correct, accuracy: r.accuracy, seconds, predictions: r.predictions };
  } finally {
    engine.dispose();
  }
}
