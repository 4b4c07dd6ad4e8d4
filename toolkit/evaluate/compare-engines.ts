// Runs a model on every engine over a data set's test split and reports each engine's accuracy and the share of images whose outputs are identical to
// the reference engine's (raw int8 outputs; for float-output models the dequantized floats,
// compared exactly), and the largest difference in quantization steps of the output; the same
// against reference-xnnpack (the reference interpreter with XNNPACK's arithmetic, which the
// WebAssembly engines should equal exactly). Engines that cannot run the model are listed with
// their reason. `--per-layer` adds, for each WebAssembly engine, the comparison with the reference
// engine op by op (../debug/layer-agreement.ts): what each op's kernel differs by alone, and
// what the differences add up to through the model.
import { readFileSync } from 'node:fs';
import { argmax, countMatches, predictionsOf } from '../../runtime/accuracy.js';
import { elementsPerSample, type Engine, type OutputArray } from '../../runtime/engines/engine.js';
import { createEngine, ENGINE_NAMES, type EngineName } from '../../runtime/engines/index.js';
import { runAll } from '../../runtime/engines/run-batches.js';
import { readPreprocessing } from '../../runtime/model-metadata.js';
import { EdgeqatError, isEdgeqatError } from '../../runtime/errors.js';
import { readTfliteFile } from '../../runtime/model-reader.js';
import { silentProgress, type ProgressFactory } from '../../runtime/progress.js';
import { compareLayers, outputStepTensor, type OpAgreement } from '../debug/layer-agreement.js';
import { noEngineRuns, unavailable, type EngineUnavailable } from './engine-unavailable.js';
import { checkInputSize, testSplitFor } from './test-inputs.js';

export interface CompareEnginesOptions {
  dataset?: string;
  dataDir?: string;
  limit?: number;
  /** Also compare every op's output (slower: one cut copy of the model per op and engine). */
  perLayer?: boolean;
  /** What --per-layer compares with: reference (TFLite's reference kernels, default) or reference-xnnpack. */
  baseline?: string;
  progress?: ProgressFactory;
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

export interface CompareEnginesResult {
  model: string;
  dataset: string;
  samples: number;
  /** The engine the per-layer tables compare with. */
  baseline: string;
  engines: EngineComparison[];
  unavailable: EngineUnavailable[];
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

export async function compareEngines(modelPath: string, opts: CompareEnginesOptions = {}): Promise<CompareEnginesResult> {
  const baseline = opts.baseline ?? 'reference';
  if (!(BASELINES as readonly string[]).includes(baseline)) throw new EdgeqatError('E_OPTION', `--baseline must be one of ${BASELINES.join(', ')}, got '${baseline}'`);
  const summary = readTfliteFile(modelPath);
  const datasetSpec = opts.dataset ?? readPreprocessing(summary, modelPath)?.dataset ?? 'mnist';
  const data = testSplitFor(summary, modelPath, datasetSpec, opts.dataDir);
  const progressOf = opts.progress ?? silentProgress;
  const test = data.test!;
  const count = Math.min(opts.limit ?? test.count, test.count);
  const bytes = new Uint8Array(readFileSync(modelPath));
  // One quantization step of the output: raw int8 outputs count in steps; float outputs in the
  // scale of the int8 tensor they are dequantized from.
  const stepTensor = outputStepTensor(summary);
  const step = stepTensor ? (summary.subgraph.tensors[summary.subgraph.outputs[0]].dtype === 'INT8' ? 1 : stepTensor.quantization!.scale[0]) : 0;

  const engines: EngineComparison[] = [];
  const refused: EngineUnavailable[] = [];
  let reference: OutputArray | undefined;
  let xnnpack: OutputArray | undefined;
  for (const name of ENGINE_NAMES) {
    let engine: Engine;
    try {
      engine = await createEngine(name, bytes, modelPath);
    } catch (e) {
      if (!isEdgeqatError(e)) throw e;
      refused.push(unavailable(name, e, modelPath));
      continue;
    }
    try {
      checkInputSize(elementsPerSample(engine.input), data, datasetSpec, `${modelPath}: `);
      const classes = elementsPerSample(engine.output);
      const progress = progressOf(`compare (${name})`);
      const start = performance.now();
      const outputs = runAll(engine, test.inputs, count, { onProgress: (done) => progress.update(done, count) });
      const seconds = (performance.now() - start) / 1000;
      progress.done(`${count} samples in ${seconds.toFixed(2)} s`);
      if (name === 'reference') reference = outputs;
      if (name === 'reference-xnnpack') xnnpack = outputs;

      const correct = countMatches(predictionsOf(outputs, count, classes), test.labels, count);
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
        const progress = progressOf(`compare per layer (${name})`);
        const arithmetic = baseline === 'reference-xnnpack' ? 'xnnpack' : 'tflite-reference';
        engines[engines.length - 1].layers = await compareLayers(name, bytes, modelPath, test.inputs, count, (done) => progress.update(done, count), arithmetic);
        progress.done(`${count} samples`);
      }
    } finally {
      engine.dispose();
    }
  }
  if (engines.length === 0) throw noEngineRuns(modelPath, refused);
  return { model: modelPath, dataset: datasetSpec, samples: count, baseline, engines, unavailable: refused };
}
