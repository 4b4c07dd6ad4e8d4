// Assembles report.html: reads every required input first (sources.ts: a missing file is one error
// and nothing is written), then computes what is measured now (confusion matrix, latency, simulate
// vs deploy, weights) and renders one section per kind.
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EdgeqatError, isEdgeqatError } from '../../runtime/errors.js';
import { initBackend } from '../engine/backend.js';
import { simulateVsDeploy, type DivergenceReport } from '../debug/simulate-vs-deploy.js';
import { loadRun } from '../run-folder.js';
import { QuantizeWrapper } from '../qat/layers/quantize-wrapper.js';
import { compareSection } from './compare-section.js';
import { confusionOf, confusionSection } from './confusion-section.js';
import { debugSection } from './debug-section.js';
import { page, type Section } from './html.js';
import type { Progress } from '../../runtime/progress.js';
import { latencySection, measureLatency } from './latency-section.js';
import { quantSection } from './quant-section.js';
import { modelName, resolveInputs, runKind, type ReportInputs } from './sources.js';
import { loadTestSet } from './test-set.js';
import { trainingSection } from './training-section.js';
import { layerWeights, weightsSection, type LayerWeights } from './weights-section.js';

export interface ReportOptions {
  /** Engine for the confusion matrix and the latency runs (auto: the fastest that runs the model). */
  engine?: string;
  /** Test images for the confusion matrix (default: the whole test split). */
  limit?: number;
  /** Test images for simulate vs deploy (default 100). */
  debugSamples?: number;
  /** Timed runs for the latency distribution (default 1000). */
  iterations?: number;
  /** Layer for the weight histogram (default: the one with the most weights). */
  layer?: string;
  backend?: string;
  /** Progress of the long steps (evaluation, latency runs); none by default. */
  progress?: (label: string) => Progress;
}

export interface BuiltReport {
  html: string;
  inputs: ReportInputs;
  sections: Section[];
}

/** Simulate vs deploy and the weight histogram need the run's QAT checkpoint (TF.js). */
async function fromCheckpoint(inputs: ReportInputs, images: Float32Array, opts: ReportOptions): Promise<{ debug: DivergenceReport | { unavailable: string }; weights: LayerWeights | string }> {
  const { run } = inputs;
  const none = (why: string) => ({ debug: { unavailable: why }, weights: why });
  if (run.info.options?.floatOnly) return none('A float run: its model is not quantized, so there is nothing to compare with an int8 model.');
  if (!inputs.hasCheckpoint) return none(`${join(run.dir, 'checkpoints', 'latest')} is missing: without the QAT checkpoint the fake-quant simulation cannot be compared.`);
  await initBackend(opts.backend ?? 'auto');
  let model: tfl.LayersModel;
  try {
    model = (await loadRun(run.dir)).model;
  } catch (e) {
    if (isEdgeqatError(e)) return none(`The checkpoint does not load: ${e.message}`);
    throw e;
  }
  try {
    if (!model.layers.some((l) => l instanceof QuantizeWrapper)) return none('The checkpoint holds a float model (no QAT layers).');
    let debug: DivergenceReport | { unavailable: string };
    try {
      debug = simulateVsDeploy(model, inputs.tfliteBytes, images, opts.debugSamples ?? 100);
    } catch (e) {
      if (!isEdgeqatError(e)) throw e;
      debug = { unavailable: `${inputs.tflitePath} does not match the checkpoint layer by layer (${e.message}); re-export the run.` };
    }
    return { debug, weights: layerWeights(model, inputs.tfliteBytes, inputs.summary, inputs.tflitePath, opts.layer) };
  } finally {
    model.dispose();
  }
}

export async function buildReport(target: string, opts: ReportOptions = {}): Promise<BuiltReport> {
  const inputs = resolveInputs(target);
  const { run, tflitePath, tfliteBytes, summary } = inputs;
  const test = loadTestSet(run.info);
  if (opts.layer !== undefined && opts.layer.trim() === '') throw new EdgeqatError('E_OPTION', '--layer needs a layer name');

  const confusion = await confusionOf(tfliteBytes, tflitePath, test, run.info.numClasses ?? 10, opts);
  const latency = await measureLatency(tfliteBytes, tflitePath, test, opts);
  const { debug, weights } = await fromCheckpoint(inputs, test.inputs, opts);
  const checkpoint = join(run.dir, 'checkpoints', 'latest');

  const sections = [
    trainingSection(run, inputs.floatRun),
    compareSection(inputs.compare, run, modelName(run, inputs.floatRun)),
    confusionSection(confusion, tflitePath, run.info.dataset, run.info.classNames),
    quantSection(summary, tflitePath),
    debugSection(debug, checkpoint, tflitePath),
    weightsSection(weights, checkpoint, tflitePath),
    latencySection(latency, tflitePath, inputs.bench),
  ];
  const kind = runKind(run);
  const title = `edgeqat report: ${modelName(run, inputs.floatRun)} on ${run.info.dataset} (${kind})`;
  const subtitle = `run ${run.dir} · trained ${run.info.createdAt ?? '?'} on the ${run.info.backend ?? '?'} backend · report written ${new Date().toISOString()}`;
  return { html: page(title, subtitle, sections), inputs, sections };
}
