// `edgeqat compare-engines <model.tflite>`: runs the model on every engine over a data set's test
// split and reports each engine's accuracy and the share of images whose outputs are identical to
// the reference engine's (raw int8 outputs; for float-output models the dequantized floats,
// compared exactly), and the largest difference in quantization steps of the output; the same
// against reference-xnnpack (the reference interpreter with XNNPACK's arithmetic, which the
// WebAssembly engines should equal exactly). Engines that cannot run the model are listed with
// their reason. `--per-layer` adds, for each WebAssembly engine, the comparison with the reference
// engine op by op (../../debug/layer-agreement.ts): what each op's kernel differs by alone, and
// what the differences add up to through the model.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { formatTable } from '../text-table.js';
import { argmax } from '../../../runtime/accuracy.js';
import { loadDataset, sampleSize } from '../../../runtime/datasets/datasets.js';
import { elementsPerSample, type Engine, type OutputArray } from '../../../runtime/engines/engine.js';
import { createEngine, ENGINE_NAMES, type EngineName } from '../../../runtime/engines/index.js';
import { EdgeqatError, isEdgeqatError } from '../../../runtime/errors.js';
import { readPreprocessing } from '../../../runtime/model-metadata.js';
import { readTfliteFile } from '../../../runtime/model-reader.js';
import { compareLayers, outputStepTensor, type OpAgreement } from '../../debug/layer-agreement.js';
import { positiveInt } from '../options.js';
import { createProgress } from '../progress.js';

export interface CompareEnginesOptions {
  dataset?: string;
  dataDir?: string;
  limit?: number;
  json?: boolean;
  quiet?: boolean;
  /** Also compare every op's output (slower: one cut copy of the model per op and engine). */
  perLayer?: boolean;
  /** What --per-layer compares with: reference (TFLite's reference kernels, default) or reference-xnnpack. */
  baseline?: string;
}

/** How one engine's outputs compare with a baseline engine's on the same images. */
export interface OutputAgreement {
  /** Share of images whose outputs are identical. */
  identical: number;
  /** Share of images with the same predicted class. */
  samePrediction: number;
  /** Largest |difference| of one output value (raw units). */
  maxAbsDiff: number;
  /** maxAbsDiff in quantization steps of the output; null without a scale. */
  maxSteps: number | null;
  /** Share of output values that differ. */
  differing: number;
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
  /** maxAbsDiff in quantization steps of the output (of the int8 tensor a float output is dequantized from); null without a scale. */
  maxSteps: number | null;
  /** Share of output values that differ from the reference engine's. */
  differing: number | null;
  /** The same comparison against reference-xnnpack; null when that engine could not run the model. */
  vsXnnpack: OutputAgreement | null;
  outputDtype: string;
  /** With --per-layer: each int8-output op compared with the baseline engine's (not for the reference engines themselves). */
  layers?: OpAgreement[];
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
  /** The engine the per-layer tables compare with. */
  baseline: string;
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

function compareOutputs(outputs: OutputArray, baseline: OutputArray, count: number, classes: number, step: number): OutputAgreement {
  let identical = 0;
  let samePrediction = 0;
  let maxAbsDiff = 0;
  let differing = 0;
  for (let i = 0; i < count; i++) {
    const offset = i * classes;
    let same = true;
    for (let j = offset; j < offset + classes; j++) {
      const d = Math.abs(outputs[j] - baseline[j]);
      if (d !== 0) {
        same = false;
        differing++;
      }
      if (d > maxAbsDiff) maxAbsDiff = d;
    }
    if (same) identical++;
    if (argmax(outputs, offset, classes) === argmax(baseline, offset, classes)) samePrediction++;
  }
  const n = Math.max(count, 1);
  return {
    identical: identical / n,
    samePrediction: samePrediction / n,
    maxAbsDiff,
    maxSteps: step ? Math.round((maxAbsDiff / step) * 1000) / 1000 : null,
    differing: differing / Math.max(count * classes, 1),
  };
}

const BASELINES = ['reference', 'reference-xnnpack'] as const;

export async function runCompareEngines(modelPath: string, opts: CompareEnginesOptions = {}): Promise<CompareEnginesResult> {
  const baseline = opts.baseline ?? 'reference';
  if (!(BASELINES as readonly string[]).includes(baseline)) throw new EdgeqatError('E_OPTION', `--baseline must be one of ${BASELINES.join(', ')}, got '${baseline}'`);
  const summary = readTfliteFile(modelPath);
  const recorded = readPreprocessing(summary, modelPath);
  const datasetSpec = opts.dataset ?? recorded?.dataset ?? 'mnist';
  const normalization = recorded ? { mean: recorded.mean, std: recorded.std } : undefined;
  const data = loadDataset(datasetSpec, { split: 'test', dataDir: opts.dataDir, normalization, audioFrontEnd: recorded?.audio });
  const test = data.test!;
  const count = Math.min(opts.limit ?? test.count, test.count);
  const bytes = new Uint8Array(readFileSync(modelPath));
  // One quantization step of the output: raw int8 outputs count in steps; float outputs in the
  // scale of the int8 tensor they are dequantized from.
  const stepTensor = outputStepTensor(summary);
  const step = stepTensor ? (summary.subgraph.tensors[summary.subgraph.outputs[0]].dtype === 'INT8' ? 1 : stepTensor.quantization!.scale[0]) : 0;

  const engines: EngineComparison[] = [];
  const unavailable: EngineUnavailable[] = [];
  let reference: OutputArray | undefined;
  let xnnpack: OutputArray | undefined;
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
      if (per !== sampleSize(data.sampleShape)) {
        throw new EdgeqatError('E_DATASET', `${modelPath}: model input has ${per} values per sample, ${datasetSpec} samples have ${sampleSize(data.sampleShape)}`);
      }
      const classes = elementsPerSample(engine.output);
      const progress = createProgress(`compare (${name})`, opts.quiet || opts.json);
      const start = performance.now();
      const outputs = runAll(engine, test.inputs, count, (done) => progress.update(done, count));
      const seconds = (performance.now() - start) / 1000;
      progress.done(`${count} images in ${seconds.toFixed(2)} s`);
      if (name === 'reference') reference = outputs;
      if (name === 'reference-xnnpack') xnnpack = outputs;

      let correct = 0;
      for (let i = 0; i < count; i++) if (argmax(outputs, i * classes, classes) === test.labels[i]) correct++;
      const vsReference = reference ? compareOutputs(outputs, reference, count, classes, step) : null;
      engines.push({
        engine: name,
        accuracy: count === 0 ? 0 : correct / count,
        correct,
        identical: vsReference?.identical ?? null,
        samePrediction: vsReference?.samePrediction ?? null,
        maxAbsDiff: vsReference?.maxAbsDiff ?? null,
        maxSteps: vsReference?.maxSteps ?? null,
        differing: vsReference?.differing ?? null,
        vsXnnpack: xnnpack ? compareOutputs(outputs, xnnpack, count, classes, step) : null,
        outputDtype: engine.output.dtype,
        seconds,
      });
      if (opts.perLayer && name !== 'reference' && name !== 'reference-xnnpack') {
        const progress = createProgress(`compare per layer (${name})`, opts.quiet || opts.json);
        const arithmetic = baseline === 'reference-xnnpack' ? 'xnnpack' : 'tflite-reference';
        engines[engines.length - 1].layers = await compareLayers(name, bytes, modelPath, test.inputs, count, (done) => progress.update(done, count), arithmetic);
        progress.done(`${count} images`);
      }
    } finally {
      engine.dispose();
    }
  }
  if (engines.length === 0) {
    throw new EdgeqatError('E_UNSUPPORTED', `${modelPath}: no engine can run this model (${unavailable.map((u) => `${u.engine}: ${u.error}`).join('; ')})`);
  }
  return { model: modelPath, dataset: datasetSpec, samples: count, baseline, engines, unavailable };
}

function percent(x: number | null, digits = 2): string {
  return x === null ? '-' : `${(x * 100).toFixed(digits)}%`;
}

export function formatComparison(r: CompareEnginesResult): string {
  const header = ['engine', 'accuracy', 'identical to reference', 'same prediction', 'max |diff|', 'in steps', 'values differing', 'identical to reference-xnnpack', 'in steps', 'seconds'];
  const rows: string[][] = [];
  const steps = (x: number | null | undefined) => (x === null || x === undefined ? '-' : String(x));
  for (const e of r.engines) {
    const diff = e.maxAbsDiff === null ? '-' : String(Number(e.maxAbsDiff.toPrecision(6)));
    const x = e.vsXnnpack;
    rows.push([e.engine, e.accuracy.toFixed(4), percent(e.identical), percent(e.samePrediction), diff, steps(e.maxSteps), percent(e.differing), percent(x?.identical ?? null), steps(x?.maxSteps), e.seconds.toFixed(2)]);
  }
  const lines = [`${r.model}: ${r.samples} ${r.dataset} test images`, formatTable(header, rows, { rule: false })];
  for (const u of r.unavailable) lines.push(`${u.engine}: cannot run this model (${u.error})`);
  for (const e of r.engines) {
    if (!e.layers) continue;
    lines.push('', `${e.engine} vs ${r.baseline}, per op (|difference| in steps of the op's output; alone = the op's kernel on ${e.engine}'s own inputs):`);
    const layerHeader = ['#', 'op', 'tensor', 'alone: max', 'differing', 'accumulated: max', 'differing', 'images identical'];
    const layerRows = e.layers.map((l) => [String(l.index), l.op, l.tensor, l.alone ? String(l.alone.maxSteps) : '-', l.alone ? percent(l.alone.differing, 3) : '-', String(l.accumulated.maxSteps), percent(l.accumulated.differing, 3), percent(l.accumulated.identicalImages)]);
    lines.push(formatTable(layerHeader, layerRows, { rule: false }));
  }
  return lines.join('\n');
}


export function compareEnginesCommand(): Command {
  return new Command('compare-engines')
    .description('accuracy of a .tflite model on every engine, and how often their outputs equal the reference engine\'s')
    .argument('<model>', '.tflite file')
    .option('--dataset <spec>', "mnist | fashion-mnist | idx:<folder> | speech-commands:<folder> | wav:<folder> (default: the model's, else mnist)")
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--limit <n>', 'use the first n test images', positiveInt('--limit'))
    .option('--json', 'print one JSON object')
    .option('--per-layer', 'also compare every op\'s output with the reference engine\'s (alone and accumulated)')
    .option('--baseline <engine>', 'what --per-layer compares with: reference (TFLite\'s reference kernels) or reference-xnnpack (XNNPACK\'s arithmetic)', 'reference')
    .option('--quiet', 'no progress output')
    .action(async (model: string, opts: CompareEnginesOptions) => {
      const r = await runCompareEngines(model, opts);
      console.log(opts.json ? JSON.stringify(r) : formatComparison(r));
    });
}
