// Built-in model registry (`--model <name>`); anything ending in .json, .keras, .h5 or .tflite (or
// holding a '/') is a user's model file.
import type * as tfl from '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../runtime/errors.js';
import { buildCnn } from './cnn.js';
import { buildDscnn } from './dscnn.js';
import { buildMlp } from './mlp.js';
import { isImportedModelFile } from './import/index.js';

export interface BuiltinModel {
  description: string;
  /**
   * `inputSize` values per image; image models take them as [rows, cols, 1] (`image`, or a square
   * when not given). The trainer reshapes the flat data sets to the model's input shape.
   */
  build(seed: number, inputSize: number, numClasses: number, image?: { rows: number; cols: number }): tfl.LayersModel;
}

function imageOf(inputSize: number, image?: { rows: number; cols: number }): { rows: number; cols: number } {
  if (image) return image;
  const side = Math.round(Math.sqrt(inputSize));
  if (side * side !== inputSize) throw new EdgeqatError('E_OPTION', `image models need square images or their rows and cols (got ${inputSize} values per sample)`);
  return { rows: side, cols: side };
}

export const BUILTIN_MODELS: Record<string, BuiltinModel> = {
  mlp: { description: '784-100-100-10 ReLU MLP (PyTorch QAT tutorial reference)', build: buildMlp },
  cnn: {
    description: 'LeNet-style CNN: conv 5x5 and conv 3x3, each with batch norm, ReLU, max-pool, dense 64, dense',
    build: (seed, inputSize, numClasses, image) => buildCnn(seed, imageOf(inputSize, image), numClasses),
  },
  dscnn: {
    description: 'MobileNet-style CNN: conv stem, depthwise-separable blocks (ReLU6), one residual Add, global average pooling',
    build: (seed, inputSize, numClasses, image) => buildDscnn(seed, imageOf(inputSize, image), numClasses),
  },
};

/** True when `--model` names a model file rather than a built-in model. */
export function isModelFile(spec: string): boolean {
  return spec.endsWith('.json') || spec.includes('/') || isImportedModelFile(spec);
}

export function builtinModel(name: string): BuiltinModel {
  const m = BUILTIN_MODELS[name];
  if (!m) throw new EdgeqatError('E_OPTION', `unknown model '${name}' (built-in models: ${Object.keys(BUILTIN_MODELS).join(', ')}; or a model file: TF.js model.json, Keras .keras/.h5, float .tflite)`);
  return m;
}
