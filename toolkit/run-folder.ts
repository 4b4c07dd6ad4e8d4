// A run folder (`runs/<name>/`):
//   run.json                 what was trained, on what, how (and the QAT accuracy when done)
//   metrics.json             loss history (every 100 steps) and results
//   checkpoints/latest       name of the newest complete checkpoint folder
//   checkpoints/step-NNNNNNN model.json + weights.bin (TF.js layers format, edgeqat's QAT layer
//                            classes), optimizer.json + optimizer.bin (Adam moments), state.json
// A checkpoint folder is written completely (each file atomically) before `latest` is switched to
// it atomically, and older folders are removed only after that: a crash at any moment leaves the
// previous or the new checkpoint, both valid.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFrontEnd, type AudioFrontEnd } from '../runtime/audio/front-end.js';
import { JsonFields } from '../runtime/json-fields.js';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/atomic-write.js';
import { EdgeqatError } from '../runtime/errors.js';
import type { LoadDatasetOptions, Normalization } from '../runtime/datasets/dataset.js';
import { normalizationFrom } from '../runtime/datasets/pixels.js';
import type { ValSplit } from '../runtime/datasets/val-split.js';
import type { ResizeMode } from '../runtime/images/resize.js';
import { recordedLoadOptions, type ModelPreprocessing } from '../runtime/model-metadata.js';
import { pathInside } from '../runtime/path-inside.js';
import type { AccuracyPoint } from './accuracy-history.js';
import { checkWeightBytes } from './models/weight-manifest.js';
import type { JsAdam } from './engine/optim/adam.js';
import type { LossPoint, TrainPosition } from './engine/train.js';
// Side effect: registers the QAT layer classes so checkpoints deserialize.
import './qat/layers/index.js';
import './models/layers/cropping-1d.js'; // registers Cropping1D (not in TF.js) before any model loads

export interface RunInfo {
  model: string;
  dataset: string;
  /** Per channel; run.json files from before colour inputs hold one number each (upgraded on read). */
  normalization: Normalization;
  numClasses: number;
  /** Class names in label order and one sample's shape (absent in runs from before they were kept). */
  classNames?: string[];
  sampleShape?: number[];
  /** How image files were fitted to sampleShape (image folders only). */
  resize?: ResizeMode;
  /** The training samples held out for evaluation (--val-split); the data set's test split otherwise. */
  valSplit?: ValSplit;
  /** Audio runs: the front end that made the inputs (recorded with the exported model). */
  audio?: AudioFrontEnd;
  inputShape: number[];
  options: Record<string, unknown>;
  backend: string;
  createdAt: string;
  trainSeconds: number;
  qatAccuracy?: number;
}

export interface RunMetrics {
  history: LossPoint[];
  /** Accuracy curves (toolkit/accuracy-history.ts), absent in runs from before they existed. */
  accuracy?: AccuracyPoint[];
  accuracySamples?: number;
  epochAccuracy?: AccuracyPoint[];
  [key: string]: unknown;
}

export interface CheckpointState {
  position: TrainPosition;
  optimizerSteps: number;
  savedAt: string;
}

const CHECKPOINTS = 'checkpoints';
const LATEST = 'latest';

function checkpointName(step: number): string {
  return `step-${String(step).padStart(7, '0')}`;
}

async function modelArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** Writes a complete checkpoint folder, then points `latest` at it, then prunes older ones. */
export async function saveCheckpoint(dir: string, model: tfl.LayersModel, optimizer: JsAdam | null, position: TrainPosition): Promise<void> {
  const root = join(dir, CHECKPOINTS);
  const name = checkpointName(position.step);
  const folder = join(root, name);
  const artifacts = await modelArtifacts(model);
  writeFileAtomic(join(folder, 'weights.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)));
  writeJsonAtomic(join(folder, 'model.json'), {
    format: 'layers-model',
    generatedBy: 'edgeqat',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  });
  if (optimizer) {
    // Adam moments keyed by the weights' layer-scoped names, which are stable across processes.
    const named: tf.NamedTensorMap = {};
    for (const w of model.trainableWeights) {
      const { m, v } = optimizer.exportSlot(w.read() as tf.Variable);
      named[`${w.originalName}/m`] = tf.tensor(m, w.shape as number[]);
      named[`${w.originalName}/v`] = tf.tensor(v, w.shape as number[]);
    }
    const { data, specs } = await tf.io.encodeWeights(named);
    tf.dispose(Object.values(named));
    writeFileAtomic(join(folder, 'optimizer.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
    writeJsonAtomic(join(folder, 'optimizer.json'), specs);
  }
  const state: CheckpointState = { position, optimizerSteps: optimizer?.steps ?? 0, savedAt: new Date().toISOString() };
  writeJsonAtomic(join(folder, 'state.json'), state);
  writeFileAtomic(join(root, LATEST), name + '\n');
  for (const entry of readdirSync(root)) {
    // Older checkpoints, and temp files of `latest` left by a process killed while writing it.
    const stale = (entry.startsWith('step-') && entry !== name) || entry.startsWith(`.${LATEST}.tmp-`);
    if (stale) rmSync(join(root, entry), { recursive: true, force: true });
  }
}

/** The preprocessing metadata of a run's models (older runs have no class names, sample shape or split). */
export function runPreprocessing(info: RunInfo): ModelPreprocessing {
  const p: ModelPreprocessing = { dataset: info.dataset, ...info.normalization };
  if (info.classNames) p.classNames = info.classNames;
  if (info.sampleShape) p.sampleShape = info.sampleShape;
  if (info.valSplit) p.valSplit = info.valSplit;
  if (info.resize) p.resize = info.resize;
  if (info.audio) p.audio = info.audio;
  return p;
}

/** How to load a run's data set as it was trained (normalisation, held-out split, image fit). */
export function runLoadOptions(info: RunInfo): LoadDatasetOptions {
  return recordedLoadOptions(runPreprocessing(info));
}

export function writeRunFiles(dir: string, info: RunInfo, metrics: RunMetrics): void {
  writeJsonAtomic(join(dir, 'metrics.json'), metrics);
  writeJsonAtomic(join(dir, 'run.json'), info);
}

/** A JSON file of a run folder; unreadable or invalid is one E_RUN_FOLDER line naming it. */
export function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new EdgeqatError('E_RUN_FOLDER', `${path}: cannot read ${what} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** A JSON file of a run folder, or null when it is missing or unreadable. */
function readJsonOrNull<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** `dir`/run.json, or null when there is none or it is not a valid run.json. */
export function readRunInfoOrNull(dir: string): RunInfo | null {
  try {
    return readRunInfo(dir);
  } catch {
    return null;
  }
}

/** `dir`/metrics.json, or null when there is none or it does not parse. */
export function readRunMetricsOrNull(dir: string): RunMetrics | null {
  return readJsonOrNull<RunMetrics>(join(dir, 'metrics.json'));
}

/** The run folder has a `latest` checkpoint pointer (a run killed before its first checkpoint has none). */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINTS, LATEST));
}

/**
 * run.json of a run folder, its normalisation in the per-channel form (older files hold one number
 * each); missing is one line saying how to make a run folder.
 */
export function readRunInfo(dir: string): RunInfo {
  const path = join(dir, 'run.json');
  if (!existsSync(path)) throw new EdgeqatError('E_RUN_FOLDER', `${dir}: not a run folder (no run.json; create one with 'edgeqat train --out ${dir}')`);
  const info = readJson<RunInfo>(path, 'run.json');
  if (typeof info?.model !== 'string' || typeof info?.dataset !== 'string' || typeof info?.options !== 'object' || info.options === null) {
    throw new EdgeqatError('E_RUN_FOLDER', `${path}: not an edgeqat run.json (no model, dataset or options)`);
  }
  const raw = info.normalization as unknown as { mean?: unknown; std?: unknown } | undefined;
  const n = raw ? normalizationFrom(raw.mean, raw.std) : null;
  if (!n) throw new EdgeqatError('E_RUN_FOLDER', `${path}: normalization: expected {mean, std} numbers or arrays`);
  // A run's front end goes into its exported model: read as strictly as a model's metadata.
  const audio = info.audio === undefined ? undefined : readFrontEnd(JsonFields.root(info.audio, `${path}: audio`, 'E_RUN_FOLDER'));
  return { ...info, normalization: n, ...(audio ? { audio } : {}) };
}

function latestCheckpoint(dir: string): string {
  const pointer = join(dir, CHECKPOINTS, LATEST);
  if (!existsSync(pointer)) {
    throw new EdgeqatError('E_RUN_FOLDER', `${dir}: not a run folder (no ${CHECKPOINTS}/${LATEST}; create one with 'edgeqat train --out ${dir}')`);
  }
  const name = readFileSync(pointer, 'utf8').trim();
  if (!/^step-\d+$/.test(name)) throw new EdgeqatError('E_RUN_FOLDER', `${pointer}: names ${JSON.stringify(name.slice(0, 40))}, not a checkpoint folder (step-NNNNNNN)`);
  const folder = pathInside(join(dir, CHECKPOINTS), name, { code: 'E_RUN_FOLDER', source: pointer, what: 'checkpoint' });
  if (!existsSync(folder)) throw new EdgeqatError('E_RUN_FOLDER', `${pointer}: names a missing checkpoint '${name}'`);
  return folder;
}

/** A checkpoint's binary file, refused unless it holds exactly the bytes its manifest entries promise. */
function readCheckpointBin(path: string, entries: tf.io.WeightsManifestEntry[], what: string): ArrayBuffer {
  if (!existsSync(path)) throw new EdgeqatError('E_RUN_FOLDER', `${path}: missing ${what}`);
  const bin = readFileSync(path);
  checkWeightBytes(entries, bin.length, path, 'E_RUN_FOLDER');
  return bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
}

export interface LoadedRun {
  model: tfl.LayersModel;
  info: RunInfo;
  checkpoint: string;
  state: CheckpointState;
}

export async function loadRun(dir: string): Promise<LoadedRun> {
  const folder = latestCheckpoint(dir);
  const json = readJson<{ modelTopology: tf.io.ModelArtifacts['modelTopology']; weightsManifest: tf.io.WeightsManifestConfig }>(join(folder, 'model.json'), 'the checkpoint');
  const info = readRunInfo(dir);
  const state = readJson<CheckpointState>(join(folder, 'state.json'), 'the checkpoint state');
  if (!Array.isArray(json?.weightsManifest)) throw new EdgeqatError('E_RUN_FOLDER', `${join(folder, 'model.json')}: no weightsManifest`);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const weightData = readCheckpointBin(join(folder, 'weights.bin'), weightSpecs, 'checkpoint weights');
  try {
    const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
    return { model, info, checkpoint: folder, state };
  } catch (e) {
    throw new EdgeqatError('E_RUN_FOLDER', `${dir}: checkpoint does not load (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Restores the Adam moments saved with a checkpoint into `optimizer` for `model`'s weights. */
export function restoreOptimizer(checkpoint: string, model: tfl.LayersModel, optimizer: JsAdam, state: CheckpointState): void {
  const specsPath = join(checkpoint, 'optimizer.json');
  if (!existsSync(specsPath)) return;
  const specs = readJson<tf.io.WeightsManifestEntry[]>(specsPath, 'optimizer state');
  if (!Array.isArray(specs)) throw new EdgeqatError('E_RUN_FOLDER', `${specsPath}: not a list of optimizer weights`);
  const named = tf.io.decodeWeights(readCheckpointBin(join(checkpoint, 'optimizer.bin'), specs, 'optimizer state'), specs);
  for (const w of model.trainableWeights) {
    const m = named[`${w.originalName}/m`];
    const v = named[`${w.originalName}/v`];
    if (m && v) optimizer.importSlot(w.read() as tf.Variable, m.dataSync() as Float32Array, v.dataSync() as Float32Array);
  }
  tf.dispose(Object.values(named));
  optimizer.steps = state.optimizerSteps;
}
