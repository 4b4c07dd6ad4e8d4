// What QAT buys over
// post-training quantization, for one architecture and data set. Under `out`:
//   float/  the float model (`train --float-only`; reused when a finished float run is there)
//   ptq/    PTQ of the float model (calibrated on training images), a run folder
//   qat/    QAT fine-tuned from the same float weights (at a lower learning rate)
// each with model.tflite (float32, int8, int8). All three run on the TFLite interpreter
// (tfjs-tflite) over the test split and are timed there; compare.json holds the table.
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runtime/atomic-write.js';
import { loadDataset } from '../../runtime/datasets/datasets.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { preprocessingOf } from '../../runtime/model-metadata.js';
import { silentProgress, type ProgressFactory } from '../../runtime/progress.js';
import { convertToTflite } from '../converter/convert.js';
import { DEFAULT_LR_SCHEDULE } from '../engine/optim/lr-schedule.js';
import { benchModel, type BenchResult } from '../evaluate/bench-model.js';
import { evaluateModel } from '../evaluate/evaluate-model.js';
import { calibrationLabel, exportModel, ptqModel } from '../export/export-model.js';
import { loadModelFile } from '../models/file-io.js';
import type { InputPreprocessingOptions } from '../models/input-preprocessing.js';
import type { CalibrationMethod } from '../ptq/range-estimators.js';
import { readRunInfoOrNull, runLoadOptions, saveCheckpoint, writeRunFiles, type RunInfo } from '../run-folder.js';
import { trainRun, type TrainHooks } from '../training/train-run.js';
import { COMPARE_VARIANTS, writeCompareFile, type CompareEntry, type CompareFile, type CompareVariant } from './compare-file.js';

// QAT recipe, measured on the CNN (MNIST, float model 2 epochs at batch 32): 1 QAT epoch at 1e-4
// ended 0.01-0.07 points below PTQ (which loses nothing there), with or without freezing batch norm
// after 1000 steps; 2 epochs at 3e-4 (cosine decay) ended 0.07 points above the float model.
export const COMPARE_DEFAULTS = {
  epochs: 2,
  batchSize: 32,
  lr: 1e-3,
  qatEpochs: 2,
  qatLr: 3e-4,
  seed: 0,
  benchIterations: 2000,
} as const;

export interface CompareOptions extends InputPreprocessingOptions {
  model: string;
  dataset: string;
  out: string;
  dataDir?: string;
  /** Float training epochs. */
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** QAT fine-tuning from the float weights. */
  qatEpochs?: number;
  qatLr?: number;
  freezeBnAfter?: number;
  freezeObserversAfter?: number;
  seed?: number;
  /** Train on the first n training images (quick runs, tests). */
  limit?: number;
  /** Evaluate on the first n test images (default all). */
  evalLimit?: number;
  calibrationSamples?: number;
  calibration?: CalibrationMethod;
  percentile?: number;
  benchIterations?: number;
  backend?: string;
  progress?: ProgressFactory;
  /** Stop requests during the two trainings (each saves a checkpoint and stops). */
  watchStop?: TrainHooks['watchStop'];
}

/** The CPU the latencies are measured on. */
export function machineDescription(): string {
  const cpus = os.cpus();
  return `${(cpus[0]?.model ?? 'unknown CPU').trim()}, ${cpus.length} cores`;
}

/** A float run that finished (run.json has its accuracy, model.json is saved), or null. */
function finishedFloatRun(dir: string, model: string, dataset: string): RunInfo | null {
  if (!existsSync(join(dir, 'model.json'))) return null;
  const info = readRunInfoOrNull(dir);
  if (!info) return null;
  if (info.options?.floatOnly !== true || typeof info.qatAccuracy !== 'number') return null;
  if (info.model !== model || info.dataset !== dataset) {
    throw new EdgeqatError('E_OPTION', `${dir} holds a float ${info.model} run on ${info.dataset}, not ${model} on ${dataset} (choose another --out)`);
  }
  return info;
}

export async function compareQuantization(opts: CompareOptions): Promise<CompareFile> {
  const o = { ...COMPARE_DEFAULTS, ...definedOnly(opts), model: opts.model, dataset: opts.dataset ?? 'mnist', out: opts.out };
  if (existsSync(o.out) && !statSync(o.out).isDirectory()) throw new EdgeqatError('E_OPTION', `--out ${o.out} is a file, not a folder`);
  const dirs = { float: join(o.out, 'float'), ptq: join(o.out, 'ptq'), qat: join(o.out, 'qat') };
  const progress = opts.progress ?? silentProgress;
  const stage = progress('compare');
  const stages = 6;
  const common = { dataset: o.dataset, dataDir: o.dataDir, seed: o.seed, backend: o.backend ?? 'auto', lrSchedule: DEFAULT_LR_SCHEDULE, limit: o.limit };
  const preprocessing = { inputScale: o.inputScale, inputOffset: o.inputOffset, inputMean: o.inputMean, inputStd: o.inputStd };

  // 1. The float model, trained or reused.
  const reused = finishedFloatRun(dirs.float, o.model, o.dataset);
  stage.update(0, stages, reused ? `reusing the float run in ${dirs.float}` : 'training the float model');
  if (!reused) {
    const t = await trainRun({ ...common, ...preprocessing, model: o.model, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, out: dirs.float, floatOnly: true }, { progress, watchStop: opts.watchStop });
    t.model.dispose();
  }
  await exportModel(dirs.float, { backend: common.backend });
  const floatModelJson = join(dirs.float, 'model.json');

  // 2. PTQ of the float model, kept as a run folder (export, debug and report read it).
  stage.update(1, stages, 'post-training quantization');
  const float = await loadModelFile(floatModelJson, { checkLayers: false });
  // The float run's preprocessing (the data set's, or what the user stated for their model); the QAT
  // run below reads it from the same run.json next to the float model.json.
  // The data as the float run loaded it (image folders: its size, channels, fit; its normalisation).
  const floatInfo = finishedFloatRun(dirs.float, o.model, o.dataset);
  const data = loadDataset(o.dataset, { dataDir: o.dataDir, split: 'train', ...(floatInfo ? runLoadOptions(floatInfo) : {}), valSplit: undefined });
  const ptq = ptqModel(float, data, { calibrationSamples: o.calibrationSamples, calibration: o.calibration, percentile: o.percentile, progress });
  float.dispose();
  const info: RunInfo = {
    model: o.model,
    dataset: o.dataset,
    normalization: data.normalization,
    numClasses: data.numClasses,
    classNames: data.classNames,
    sampleShape: data.sampleShape,
    ...(data.resize ? { resize: data.resize } : {}),
    ...(data.audio ? { audio: data.audio.frontEnd } : {}),
    inputShape: (ptq.model.inputs[0].shape as number[]).slice(1),
    options: { ptq: true, from: floatModelJson, calibration: ptq.calibration.method, percentile: ptq.calibration.percentile, calibrationSamples: ptq.calibration.samples },
    backend: common.backend,
    createdAt: new Date().toISOString(),
    trainSeconds: 0,
  };
  await saveCheckpoint(dirs.ptq, ptq.model, null, { epoch: 0, stepInEpoch: 0, step: 0 });
  writeRunFiles(dirs.ptq, info, { history: [], calibration: ptq.calibration });
  writeFileAtomic(
    join(dirs.ptq, 'model.tflite'),
    convertToTflite(ptq.model, { preprocessing: preprocessingOf(data), description: `edgeqat: ${o.model} PTQ (${calibrationLabel(ptq.calibration)}) on ${o.dataset}` }),
  );
  ptq.model.dispose();

  // 3. QAT fine-tuned from the same float weights.
  stage.update(2, stages, 'QAT fine-tuning from the float weights');
  const qat = await trainRun(
    {
      ...common,
      model: floatModelJson,
      epochs: o.qatEpochs,
      batchSize: o.batchSize,
      lr: o.qatLr,
      out: dirs.qat,
      freezeBnAfter: o.freezeBnAfter,
      freezeObserversAfter: o.freezeObserversAfter,
    },
    { progress, watchStop: opts.watchStop },
  );
  qat.model.dispose();
  await exportModel(dirs.qat, { backend: common.backend });

  // 4. All three on the TFLite interpreter: accuracy on the test split, latency p50.
  const entries = {} as Record<CompareVariant, CompareEntry>;
  for (const [i, kind] of COMPARE_VARIANTS.entries()) {
    stage.update(3 + i, stages, `evaluating and timing ${kind}/model.tflite`);
    const path = join(dirs[kind], 'model.tflite');
    const evaluated = await evaluateModel(path, { engine: 'tfjs-tflite', dataset: o.dataset, dataDir: o.dataDir, limit: o.evalLimit, progress });
    const bench = (await benchModel(path, { engine: 'tfjs-tflite', dataset: o.dataset, dataDir: o.dataDir, iterations: o.benchIterations, warmup: Math.min(200, o.benchIterations) })) as BenchResult;
    entries[kind] = { accuracy: evaluated.accuracy, size_bytes: statSync(path).size, p50_us: bench.p50_us, drop_points: 0, tflite: `${kind}/model.tflite` };
  }
  for (const kind of COMPARE_VARIANTS) entries[kind].drop_points = round2((entries.float.accuracy - entries[kind].accuracy) * 100);
  const result: CompareFile = { model: o.model, dataset: o.dataset, machine: machineDescription(), float: entries.float, ptq: entries.ptq, qat: entries.qat };
  stage.done(`wrote ${writeCompareFile(o.out, result)}`);
  return result;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100 || 0; // no -0
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
