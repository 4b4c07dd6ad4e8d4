// `edgeqat compare-engines <model.tflite>`: runs the model on every engine over a data set's test
// split and reports each engine's accuracy and the share of images whose outputs are identical to
// the reference engine's (raw int8 outputs; for float-output models the dequantized floats,
// compared exactly). Engines that cannot run the model are listed with their reason.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { argmax } from '../../../runtime/accuracy.js';
import { loadDataset } from '../../../runtime/datasets/datasets.js';
import { elementsPerSample, type Engine, type OutputArray } from '../../../runtime/engines/engine.js';
import { createEngine, ENGINE_NAMES, type EngineName } from '../../../runtime/engines/index.js';
import { EdgeqatError, isEdgeqatError } from '../../../runtime/errors.js';
import { readTfliteFile } from '../../../runtime/model-reader.js';
import { positiveInt } from '../options.js';
import { createProgress } from '../progress.js';
import { modelPreprocessing } from './eval.js';

export interface CompareEnginesOptions {
  dataset?: string;
  dataDir?: string;
  limit?: number;
  json?: boolean;
  quiet?: boolean;
}

export interface EngineComparison {
  engine: EngineName;
  accuracy: number;
  correct: number;
  /** Share of images whose outputs equal the reference engine's exactly; null without a reference run. */
  identical: number | null;
  /** Share of images with the reference engine's predicted class; null without a reference run. */
  samePrediction: number | null;
  /** Largest |difference| of one output value from the reference engine's (raw units). */
  maxAbsDiff: number | null;
  outputDtype: string;
  seconds: number;
}

export interface EngineUnavailable {
  engine: EngineName;
  error: string;
}

export interface CompareEnginesResult {
  model: string;
  dataset: string;
  samples: number;
  engines: EngineComparison[];
  unavailable: EngineUnavailable[];
}

const BATCH = 256;

function runAll(engine: Engine, images: Float32Array, count: number, onProgress: (done: number) => void): OutputArray {
  const per = elementsPerSample(engine.input);
  const outPer = elementsPerSample(engine.output);
  let all: OutputArray | undefined;
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    const out = engine.run(images.subarray(start * per, (start + n) * per), n);
    all ??= new (out.constructor as new (n: number) => OutputArray)(count * outPer);
    all.set(out, start * outPer);
    onProgress(start + n);
  }
  return all ?? new Float32Array(0);
}

export async function runCompareEngines(modelPath: string, opts: CompareEnginesOptions = {}): Promise<CompareEnginesResult> {
  const summary = readTfliteFile(modelPath);
  const datasetSpec = opts.dataset ?? 'mnist';
  const data = loadDataset(datasetSpec, { split: 'test', dataDir: opts.dataDir, normalization: modelPreprocessing(summary) });
  const test = data.test!;
  const count = Math.min(opts.limit ?? test.count, test.count);
  const bytes = new Uint8Array(readFileSync(modelPath));

  const engines: EngineComparison[] = [];
  const unavailable: EngineUnavailable[] = [];
  let reference: OutputArray | undefined;
  for (const name of ENGINE_NAMES) {
    let engine: Engine;
    try {
      engine = await createEngine(name, bytes, modelPath);
    } catch (e) {
      if (!isEdgeqatError(e)) throw e;
      unavailable.push({ engine: name, error: e.message.startsWith(`${modelPath}: `) ? e.message.slice(modelPath.length + 2) : e.message });
      continue;
    }
    try {
      const per = elementsPerSample(engine.input);
      if (per !== data.rows * data.cols) {
        throw new EdgeqatError('E_DATASET', `${modelPath}: model input has ${per} values per sample, ${datasetSpec} images have ${data.rows * data.cols}`);
      }
      const classes = elementsPerSample(engine.output);
      const progress = createProgress(`compare (${name})`, opts.quiet || opts.json);
      const start = performance.now();
      const outputs = runAll(engine, test.images, count, (done) => progress.update(done, count));
      const seconds = (performance.now() - start) / 1000;
      progress.done(`${count} images in ${seconds.toFixed(2)} s`);
      if (name === 'reference') reference = outputs;

      let correct = 0;
      let identical = 0;
      let samePrediction = 0;
      let maxAbsDiff = 0;
      for (let i = 0; i < count; i++) {
        const offset = i * classes;
        const p = argmax(outputs, offset, classes);
        if (p === test.labels[i]) correct++;
        if (!reference) continue;
        let same = true;
        for (let j = offset; j < offset + classes; j++) {
          const d = Math.abs(outputs[j] - reference[j]);
          if (d !== 0) same = false;
          if (d > maxAbsDiff) maxAbsDiff = d;
        }
        if (same) identical++;
        if (p === argmax(reference, offset, classes)) samePrediction++;
      }
      engines.push({
        engine: name,
        accuracy: count === 0 ? 0 : correct / count,
        correct,
        identical: reference ? identical / Math.max(count, 1) : null,
        samePrediction: reference ? samePrediction / Math.max(count, 1) : null,
        maxAbsDiff: reference ? maxAbsDiff : null,
        outputDtype: engine.output.dtype,
        seconds,
      });
    } finally {
      engine.dispose();
    }
  }
  if (engines.length === 0) {
    throw new EdgeqatError('E_UNSUPPORTED', `${modelPath}: no engine can run this model (${unavailable.map((u) => `${u.engine}: ${u.error}`).join('; ')})`);
  }
  return { model: modelPath, dataset: datasetSpec, samples: count, engines, unavailable };
}

function percent(x: number | null): string {
  return x === null ? '-' : `${(x * 100).toFixed(2)}%`;
}

export function formatComparison(r: CompareEnginesResult): string {
  const rows = [['engine', 'accuracy', 'identical to reference', 'same prediction', 'max |diff|', 'seconds']];
  for (const e of r.engines) {
    rows.push([e.engine, e.accuracy.toFixed(4), percent(e.identical), percent(e.samePrediction), e.maxAbsDiff === null ? '-' : String(Number(e.maxAbsDiff.toPrecision(6))), e.seconds.toFixed(2)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = [`${r.model}: ${r.samples} ${r.dataset} test images`, ...rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd())];
  for (const u of r.unavailable) lines.push(`${u.engine}: cannot run this model (${u.error})`);
  return lines.join('\n');
}

export function compareEnginesCommand(): Command {
  return new Command('compare-engines')
    .description('accuracy of a .tflite model on every engine, and how often their outputs equal the reference engine\'s')
    .argument('<model>', '.tflite file')
    .option('--dataset <spec>', 'mnist | fashion-mnist | idx:<folder>', 'mnist')
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--limit <n>', 'use the first n test images', positiveInt('--limit'))
    .option('--json', 'print one JSON object')
    .option('--quiet', 'no progress output')
    .action(async (model: string, opts: CompareEnginesOptions) => {
      const r = await runCompareEngines(model, opts);
      console.log(opts.json ? JSON.stringify(r) : formatComparison(r));
    });
}
