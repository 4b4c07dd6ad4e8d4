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
import type { AudioFrontEnd } from '../runtime/audio/front-end.js';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/atomic-write.js';
import { EdgeqatError } from '../runtime/errors.js';
import type { ModelPreprocessing } from '../runtime/model-metadata.js';
import type { AccuracyPoint } from './accuracy-history.js';
import type { JsAdam } from './engine/optim/adam.js';
import type { LossPoint, TrainPosition } from './engine/train.js';
// Side effect: registers the QAT layer classes so checkpoints deserialize.
import './qat/layers/index.js';

export interface RunInfo {
  model: string;
  dataset: string;
  normalization: { mean: number; std: number };
  numClasses: number;
  /** Class names in label order and one sample's shape (absent in runs from before they were kept). */
  classNames?: string[];
  sampleShape?: number[];
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
    if (entry !== name && entry !== LATEST && entry.startsWith('step-')) rmSync(join(root, entry), { recursive: true, force: true });
  }
}

/** The preprocessing metadata of a run's models (older runs have no class names or sample shape). */
export function runPreprocessing(info: RunInfo): ModelPreprocessing {
  const p: ModelPreprocessing = { dataset: info.dataset, ...info.normalization };
  if (info.classNames) p.classNames = info.classNames;
  if (info.sampleShape) p.sampleShape = info.sampleShape;
  if (info.audio) p.audio = info.audio;
  return p;
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

/** `dir`/run.json, or null when there is none or it does not parse. */
export function readRunInfoOrNull(dir: string): RunInfo | null {
  return readJsonOrNull<RunInfo>(join(dir, 'run.json'));
}

/** `dir`/metrics.json, or null when there is none or it does not parse. */
export function readRunMetricsOrNull(dir: string): RunMetrics | null {
  return readJsonOrNull<RunMetrics>(join(dir, 'metrics.json'));
}

function latestCheckpoint(dir: string): string {
  const pointer = join(dir, CHECKPOINTS, LATEST);
  if (!existsSync(pointer)) {
    throw new EdgeqatError('E_RUN_FOLDER', `${dir}: not a run folder (no ${CHECKPOINTS}/${LATEST}; create one with 'edgeqat train --out ${dir}')`);
  }
  const name = readFileSync(pointer, 'utf8').trim();
  if (!/^step-\d+$/.test(name) || !existsSync(join(dir, CHECKPOINTS, name))) {
    throw new EdgeqatError('E_RUN_FOLDER', `${pointer}: names a missing checkpoint '${name.slice(0, 40)}'`);
  }
  return join(dir, CHECKPOINTS, name);
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
  const info = readJson<RunInfo>(join(dir, 'run.json'), 'run.json');
  const state = readJson<CheckpointState>(join(folder, 'state.json'), 'the checkpoint state');
  const weightsPath = join(folder, 'weights.bin');
  if (!existsSync(weightsPath)) throw new EdgeqatError('E_RUN_FOLDER', `${weightsPath}: missing checkpoint weights`);
  const bin = readFileSync(weightsPath);
  try {
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
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
  const bin = readFileSync(join(checkpoint, 'optimizer.bin'));
  const named = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), specs);
  for (const w of model.trainableWeights) {
    const m = named[`${w.originalName}/m`];
    const v = named[`${w.originalName}/v`];
    if (m && v) optimizer.importSlot(w.read() as tf.Variable, m.dataSync() as Float32Array, v.dataSync() as Float32Array);
  }
  tf.dispose(Object.values(named));
  optimizer.steps = state.optimizerSteps;
}
