// `edgeqat eval <model.tflite>`: accuracy of a .tflite on a data set's test split, on one of the
// runtime's engines (--engine; default auto = the fastest that runs the model). Preprocessing comes
// from the model's edgeqat metadata when present.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { evaluateClassifier } from '../../../runtime/accuracy.js';
import { writeJsonAtomic } from '../../../runtime/atomic-write.js';
import { loadDataset, sampleSize } from '../../../runtime/datasets/datasets.js';
import { elementsPerSample } from '../../../runtime/engines/engine.js';
import { createEngine, ENGINE_CHOICES } from '../../../runtime/engines/index.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { readTfliteFile } from '../../../runtime/model-reader.js';
import { readPreprocessing, recordedLoadOptions } from '../../../runtime/model-metadata.js';
import { argumentOrConfig } from '../config.js';
import { fraction, nonNegativeInt, oneOf, positiveInt } from '../options.js';
import { createProgress } from '../progress.js';

export interface EvalOptions {
  /** auto (default), reference, tfjs-tflite or litert. */
  engine?: string;
  /** Data set (default: the model's, from its metadata; else mnist). */
  dataset?: string;
  dataDir?: string;
  /** Evaluate on this held-out share of the training samples (default: what the model records). */
  valSplit?: number;
  splitSeed?: number;
  limit?: number;
  json?: boolean;
  predictions?: string;
  quiet?: boolean;
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

export async function runEval(modelPath: string, opts: EvalOptions = {}): Promise<EvalResult> {
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
    const featureSize = sampleSize(data.sampleShape);
    if (elementsPerSample(engine.input) !== featureSize) {
      throw new EdgeqatError('E_DATASET', `${modelPath}: model input has ${elementsPerSample(engine.input)} values per sample, ${datasetSpec} samples have ${featureSize}`);
    }
    const count = Math.min(opts.limit ?? test.count, test.count);
    const progress = createProgress(`eval (${engine.name})`, opts.quiet || opts.json);
    const start = performance.now();
    const r = evaluateClassifier(engine, test.inputs, test.labels, count, { onProgress: (done, total) => progress.update(done, total) });
    const seconds = (performance.now() - start) / 1000;
    progress.done(`${count} images in ${seconds.toFixed(2)} s`);
    if (opts.predictions) writeJsonAtomic(opts.predictions, Array.from(r.predictions));
    return { model: modelPath, dataset: datasetSpec, split: load.valSplit ? 'held-out' : 'test', engine: engine.name, samples: r.samples, correct: r.correct, accuracy: r.accuracy, seconds, predictions: r.predictions };
  } finally {
    engine.dispose();
  }
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('accuracy of a .tflite model on a TFLite engine')
    .argument('[model]', '.tflite file (default: eval.model in edgeqat.config.json)')
    .option('--engine <name>', `${ENGINE_CHOICES.join(' | ')} (auto: the fastest that runs the model)`, oneOf('--engine', ENGINE_CHOICES), 'auto')
    .option('--dataset <spec>', "data set spec (default: the model's, else mnist)")
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--val-split <fraction>', "evaluate on this seeded held-out share of the training samples (default: the model's recorded split)", fraction('--val-split'))
    .option('--split-seed <n>', 'seed of --val-split (train uses its --seed)', nonNegativeInt('--split-seed'))
    .option('--limit <n>', 'evaluate the first n test images', positiveInt('--limit'))
    .option('--json', 'print one JSON object')
    .option('--predictions <file>', 'write the predicted class of every evaluated image (JSON array)')
    .option('--quiet', 'no progress output')
    .action(async (model: string | undefined, opts: EvalOptions) => {
      const r = await runEval(argumentOrConfig('eval', model, 'model.tflite'), opts);
      if (opts.json) {
        const { predictions: _p, ...rest } = r;
        console.log(JSON.stringify(rest));
      } else {
        console.log(`${r.model}: accuracy ${r.accuracy.toFixed(4)} (${r.correct}/${r.samples}) on ${r.dataset} ${r.split}, engine ${r.engine}, ${r.seconds.toFixed(2)} s`);
      }
    });
}
