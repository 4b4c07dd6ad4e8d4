// TF.js layers models on disk in the format `model.save('file://dir')` and tfjs-converter write
// (model.json with the topology and a weights manifest, plus the binary weight files it lists),
// through a small file-system IOHandler: no @tensorflow/tfjs-node needed. Save writes model.json
// and one weights.bin atomically.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic, writeJsonAtomic } from '../../runtime/atomic-write.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { pathInside } from '../../runtime/path-inside.js';
import { ruleFor, supportedClassNames } from '../qat/quantize-registry.js';
import { importModel, isImportedModelFile, quantizeProblems } from './import/index.js';
import { checkWeightBytes } from './weight-manifest.js';
import './layers/cropping-1d.js'; // registers Cropping1D (not in TF.js) before any model loads

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** model.json inside a folder, or the path itself. */
export function modelJsonPath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, MODEL_JSON) : path;
}

function firstLine(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).split('\n')[0].split('. This may be')[0];
}

function readModelJson(path: string): tf.io.ModelJSON {
  if (!existsSync(path)) throw new EdgeqatError('E_MODEL_FILE', `${path}: no such file`);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as tf.io.ModelJSON;
  } catch (e) {
    throw new EdgeqatError('E_MODEL_FILE', `${path}: not a TF.js model.json (${firstLine(e)})`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) throw new EdgeqatError('E_MODEL_FILE', `${path}: not a TF.js layers model.json (no modelTopology)`);
  return json;
}

/** An IOHandler reading and writing `<dir>/model.json` + weights; `path` is model.json or its folder. */
export function fileSystemModel(path: string): tf.io.IOHandler {
  const jsonPath = path.endsWith('.json') ? path : join(path, MODEL_JSON);
  const dir = dirname(jsonPath);
  return {
    async load() {
      const json = readModelJson(jsonPath);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        // Each group's files hold exactly the bytes its entries promise, sized before anything is read.
        if (!Array.isArray(manifest)) throw new EdgeqatError('E_MODEL_FILE', `${jsonPath}: weightsManifest is not a list of weight groups`);
        const files: string[] = [];
        let total = 0;
        for (const group of manifest) {
          if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
            throw new EdgeqatError('E_MODEL_FILE', `${jsonPath}: weightsManifest: each group needs a 'paths' and a 'weights' array`);
          }
          let groupBytes = 0;
          for (const file of group.paths) {
            const p = pathInside(dir, file, { code: 'E_MODEL_FILE', source: jsonPath, what: 'weights path' });
            if (!existsSync(p) || !statSync(p).isFile()) throw new EdgeqatError('E_MODEL_FILE', `${p}: no such file (a weights file listed in ${jsonPath})`);
            groupBytes += statSync(p).size;
            files.push(p);
          }
          checkWeightBytes(group.weights, groupBytes, `${jsonPath}: ${group.paths.join(' + ').slice(0, 80)}`, 'E_MODEL_FILE');
          total += groupBytes;
        }
        const data = new Uint8Array(total);
        let offset = 0;
        for (const p of files) {
          const b = readFileSync(p);
          if (offset + b.length > total) throw new EdgeqatError('E_MODEL_FILE', `${p}: changed while being read`);
          data.set(b, offset);
          offset += b.length;
        }
        if (offset !== total) throw new EdgeqatError('E_MODEL_FILE', `${jsonPath}: weight files changed while being read`);
        return [manifest.flatMap((g) => g.weights), data.buffer];
      });
    },
    async save(artifacts) {
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      writeFileAtomic(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      const manifest: tf.io.WeightsManifestConfig = [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }];
      // The fields tfjs's own handlers write (io_utils getModelJSONForModelArtifacts).
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? 'edgeqat',
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: manifest,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      writeJsonAtomic(jsonPath, json);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

interface LayerJson {
  class_name?: string;
  className?: string;
  config?: { name?: string; layers?: LayerJson[] } | LayerJson[];
}

/** The layers listed in a model.json topology (sequential or functional, old or new format). */
function topologyLayers(topology: unknown): { name: string; className: string }[] {
  const root = ((topology as { model_config?: LayerJson }).model_config ?? topology) as LayerJson;
  const config = root.config;
  const list = Array.isArray(config) ? config : (config?.layers ?? []);
  return list.map((l) => ({ name: String((l.config as { name?: string })?.name ?? '?'), className: String(l.class_name ?? l.className ?? '?') }));
}

/**
 * Checks the layer classes listed in model.json against the quantize registry before asking TF.js
 * to build anything, so an unknown or unsupported layer is named in one line (not a TF.js stack).
 */
export function checkModelJsonLayers(path: string, json: tf.io.ModelJSON): void {
  for (const { name, className } of topologyLayers(json.modelTopology)) {
    const rule = ruleFor(className);
    if (rule?.supported) continue;
    const why = rule ? rule.reason : 'no quantization rule';
    throw new EdgeqatError('E_UNSUPPORTED', `${path}: layer '${name}' (${className}) cannot be quantized: ${why} (supported: ${supportedClassNames().join(', ')})`);
  }
}

/**
 * Loads a user's model, checking its layers against the quantize registry first: a TF.js layers
 * model (model.json + weights), or a Keras .keras / .h5 or float .tflite file through the importers
 * (every layer that cannot be quantized is named, one line each).
 */
export async function loadModelFile(path: string, opts: { checkLayers?: boolean } = {}): Promise<tfl.LayersModel> {
  if (isImportedModelFile(path)) {
    const { model } = await importModel(path);
    const problems = opts.checkLayers ?? true ? quantizeProblems(model) : [];
    if (problems.length) {
      model.dispose();
      throw new EdgeqatError('E_UNSUPPORTED', problems.map((p) => `${path}: ${p}`).join('\n'));
    }
    return model;
  }
  const jsonPath = modelJsonPath(path);
  if (opts.checkLayers ?? true) checkModelJsonLayers(jsonPath, readModelJson(jsonPath));
  try {
    return await tfl.loadLayersModel(fileSystemModel(jsonPath));
  } catch (e) {
    if (e instanceof EdgeqatError) throw e;
    throw new EdgeqatError('E_MODEL_FILE', `${jsonPath}: TF.js cannot load this model (${firstLine(e)})`);
  }
}

/** Saves a model as model.json + weights.bin in `dir` (loadable with loadModelFile / --model). */
export async function saveModelFile(model: tfl.LayersModel, dir: string): Promise<string> {
  await model.save(fileSystemModel(dir));
  return join(dir, MODEL_JSON);
}
