// A run folder (`runs/<name>/`): the QAT checkpoint in TF.js layers format (model.json +
// weights.bin, readable by tf.loadLayersModel with edgeqat's layer classes registered), run.json
// (what was trained, on what, how) and metrics.json. Every file is written atomically.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/atomic-write.js';
import { EdgeqatError } from '../runtime/errors.js';
// Side effect: registers the QAT layer classes so checkpoints deserialize.
import './trainer/layers/index.js';

export interface RunInfo {
  model: string;
  dataset: string;
  normalization: { mean: number; std: number };
  numClasses: number;
  inputShape: number[];
  options: Record<string, unknown>;
  backend: string;
  createdAt: string;
  trainSeconds: number;
  qatAccuracy?: number;
}

export interface RunMetrics {
  history: { step: number; epoch: number; loss: number }[];
  [key: string]: unknown;
}

const CHECKPOINT = 'checkpoint';

export async function saveRun(dir: string, model: tfl.LayersModel, info: RunInfo, metrics: RunMetrics): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      writeFileAtomic(join(dir, CHECKPOINT, 'weights.bin'), new Uint8Array(weightData));
      writeJsonAtomic(join(dir, CHECKPOINT, 'model.json'), {
        format: 'layers-model',
        generatedBy: 'edgeqat',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  writeJsonAtomic(join(dir, 'metrics.json'), metrics);
  writeJsonAtomic(join(dir, 'run.json'), info);
}

function readJson<T>(path: string, what: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new EdgeqatError('E_RUN_FOLDER', `${path}: cannot read ${what} (${(e as Error).message.split('\n')[0]})`);
  }
}

export async function loadRun(dir: string): Promise<{ model: tfl.LayersModel; info: RunInfo }> {
  const modelJson = join(dir, CHECKPOINT, 'model.json');
  if (!existsSync(modelJson)) {
    throw new EdgeqatError('E_RUN_FOLDER', `${dir}: not a run folder (no ${CHECKPOINT}/model.json; create one with 'edgeqat train --out ${dir}')`);
  }
  const json = readJson<{ modelTopology: tf.io.ModelArtifacts['modelTopology']; weightsManifest: tf.io.WeightsManifestConfig }>(modelJson, 'the checkpoint');
  const info = readJson<RunInfo>(join(dir, 'run.json'), 'run.json');
  const weightsPath = join(dir, CHECKPOINT, 'weights.bin');
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
    return { model, info };
  } catch (e) {
    throw new EdgeqatError('E_RUN_FOLDER', `${dir}: checkpoint does not load (${(e as Error).message.split('\n')[0]})`);
  }
}
