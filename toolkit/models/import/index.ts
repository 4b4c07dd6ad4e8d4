// Bring your own model: a file from Keras or TensorFlow's converter → a float TF.js LayersModel
// that goes through edgeqat's ordinary prepare / train / export flow. One importer per format,
// chosen by the file name's extension.
import { extname } from 'node:path';
import { EdgeqatError } from '../../../runtime/errors.js';
import { ruleFor, supportedClassNames } from '../../qat/quantize-registry.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImportedModel } from './imported-model.js';
import { importKerasH5 } from './keras-h5.js';
import { importKerasZip } from './keras-zip.js';
import { importFloatTflite } from './tflite-float.js';

export type { ImportedModel, ImportFormat } from './imported-model.js';

const IMPORTERS: Readonly<Record<string, (path: string) => Promise<ImportedModel>>> = {
  '.keras': importKerasZip,
  '.h5': importKerasH5,
  '.hdf5': importKerasH5,
  '.tflite': importFloatTflite,
};

export const IMPORTED_EXTENSIONS = Object.keys(IMPORTERS);

/** True for a file name edgeqat imports (a .keras, .h5/.hdf5 or float .tflite model). */
export function isImportedModelFile(path: string): boolean {
  return Object.hasOwn(IMPORTERS, extname(path).toLowerCase());
}

export async function importModel(path: string): Promise<ImportedModel> {
  const importer = IMPORTERS[extname(path).toLowerCase()];
  if (!importer) throw new EdgeqatError('E_MODEL_FILE', `${path}: not a model file edgeqat imports (${IMPORTED_EXTENSIONS.join(', ')}, or a TF.js model.json)`);
  return importer(path);
}

/** One line per layer edgeqat cannot quantize (the quantize registry's reason), empty when all can. */
export function quantizeProblems(model: tfl.LayersModel): string[] {
  const problems: string[] = [];
  for (const layer of model.layers) {
    const rule = ruleFor(layer.getClassName());
    if (rule?.supported) continue;
    const why = rule ? rule.reason : 'no quantization rule';
    problems.push(`layer '${layer.name}' (${layer.getClassName()}) cannot be quantized: ${why} (supported: ${supportedClassNames().join(', ')})`);
  }
  return problems;
}
