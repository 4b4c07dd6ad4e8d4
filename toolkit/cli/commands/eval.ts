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
import { readPreprocessing } from '../../../runtime/model-metadata.js';
import { oneOf, positiveInt } from '../options.js';
import { createProgress } from '../progress.js';

export interface EvalOptions {
  /** auto (default), reference, tfjs-tflite or litert. */
  engine?: string;
  dataset?: string;
  dataDir?: string;
  limit?: number;
  json?: boolean;
  predictions?: string;
  quiet?: boolean;
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

export async function runEval(modelPath: string, opts: EvalOptions = {}): Promise<EvalResult> {
  const summary = readTfliteFile(modelPath);
  const recorded = readPreprocessing(summary, modelPath);
  const datasetSpec = opts.dataset ?? recorded?.dataset ?? 'mnist';
  const normalization = recorded ? { mean: recorded.mean, std: recorded.std } : undefined;
  const data = loadDataset(datasetSpec, { split: 'test', dataDir: opts.dataDir, normalization, audioFrontEnd: recorded?.audio });
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
    return { model: modelPath, dataset: datasetSpec, engine: engine.name, samples: r.samples, correct: r.correct, accuracy: r.accuracy, seconds, predictions: r.predictions };
  } finally {
    engine.dispose();
  }
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('accuracy of a .tflite model on a TFLite engine')
    .argument('<model>', '.tflite file')
    .option('--engine <name>', `${ENGINE_CHOICES.join(' | ')} (auto: the fastest that runs the model)`, oneOf('--engine', ENGINE_CHOICES), 'auto')
    .option('--dataset <spec>', "mnist | fashion-mnist | idx:<folder> | speech-commands:<folder> | wav:<folder> (default: the model's, else mnist)")
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--limit <n>', 'evaluate the first n test images', positiveInt('--limit'))
    .option('--json', 'print one JSON object')
    .option('--predictions <file>', 'write the predicted class of every evaluated image (JSON array)')
    .option('--quiet', 'no progress output')
    .action(async (model: string, opts: EvalOptions) => {
      const r = await runEval(model, opts);
      if (opts.json) {
        const { predictions: _p, ...rest } = r;
        console.log(JSON.stringify(rest));
      } else {
        console.log(`${r.model}: accuracy ${r.accuracy.toFixed(4)} (${r.correct}/${r.samples}) on ${r.dataset} test, engine ${r.engine}, ${r.seconds.toFixed(2)} s`);
      }
    });
}
