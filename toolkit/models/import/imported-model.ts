// What every importer returns, and the checks they share.
import { statSync } from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../../runtime/errors.js';
import { tooLargeMessage, verifierLimits } from '../../../runtime/verifier/index.js';
import type { KerasGraph } from './keras-graph.js';

export type ImportFormat = 'keras' | 'keras-h5' | 'tflite-float';

export interface ImportedModel {
  /** An ordinary float TF.js LayersModel with the file's weights. */
  model: tfl.LayersModel;
  format: ImportFormat;
  source: string;
  kerasVersion?: string | null;
  /** The Keras config's layers (Keras formats only). */
  graph?: KerasGraph;
}

/** A missing file, a folder, or a file over the model-size limit (EDGEQAT_MAX_MODEL_MB): one line. */
export function checkFileSize(path: string): number {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new EdgeqatError('E_MODEL_FILE', `${path}: is a directory, expected a model file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof EdgeqatError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new EdgeqatError('E_MODEL_FILE', code === 'ENOENT' || code === 'ENOTDIR' ? `${path}: no such file` : `${path}: cannot read (${code})`);
  }
  const limits = verifierLimits();
  if (size > limits.maxFileBytes) throw new EdgeqatError('E_MODEL_FILE', `${path}: ${tooLargeMessage(size, limits)}`);
  return size;
}

export function parseJson(bytes: Uint8Array, label: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new EdgeqatError('E_MODEL_FILE', `${label}: not valid JSON (${(e as Error).message.split('\n', 1)[0]})`);
  }
}
