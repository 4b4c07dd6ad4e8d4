// Built-in model registry (`--model <name>`); anything ending in .json, .keras, .h5 or .tflite (or
// holding a '/') is a user's model file.
import type * as tfl from '@tensorflow/tfjs-layers';
import { EdgeqatError } from '../../runtime/errors.js';
import { sampleSize } from '../../runtime/datasets/dataset.js';
import { buildCnn, type ImageInput } from './cnn.js';
import { buildConv1d, type SequenceInput } from './conv1d.js';
import { buildDscnn } from './dscnn.js';
import { buildKwsDscnn } from './kws-dscnn.js';
import { buildMlp } from './mlp.js';
import { buildResnet8 } from './resnet8.js';
import { isImportedModelFile } from './import/index.js';

export interface BuiltinModel {
  description: string;
  /**
   * A model for samples of `sampleShape` (channels last, e.g. [28, 28, 1]; the data set's) and
   * `numClasses` logits. The trainer reshapes the flat data sets to the model's input shape.
   */
  build(seed: number, sampleShape: readonly number[], numClasses: number): tfl.LayersModel;
  /** The input size [rows, cols] the model was designed for: image folders are resized to it by default. */
  imageSize?: [number, number];
}

/** [rows, cols, channels] of an image-shaped sample; one line when the sample is not an image. */
function imageOf(name: string, shape: readonly number[]): ImageInput {
  if (shape.length !== 3) throw new EdgeqatError('E_OPTION', `model ${name} takes images [rows, cols, channels]; the data set's samples are [${shape.join(', ')}]`);
  return { rows: shape[0]!, cols: shape[1]!, channels: shape[2] };
}

/** A sample as a sequence: [steps, features], or an image's rows as steps of cols·channels features. */
function sequenceOf(name: string, shape: readonly number[]): SequenceInput {
  if (shape.length === 2) return { steps: shape[0]!, features: shape[1]! };
  if (shape.length === 3) return { steps: shape[0]!, features: shape[1]! * shape[2]! };
  throw new EdgeqatError('E_OPTION', `model ${name} takes sequences [steps, features] (or images, row by row); the data set's samples are [${shape.join(', ')}]`);
}

export const BUILTIN_MODELS: Record<string, BuiltinModel> = {
  mlp: {
    description: '784-100-100-10 ReLU MLP (PyTorch QAT tutorial reference); takes any sample as a flat vector',
    build: (seed, shape, numClasses) => buildMlp(seed, sampleSize(shape), numClasses),
  },
  cnn: {
    description: 'LeNet-style CNN: conv 5x5 and conv 3x3, each with batch norm, ReLU, max-pool, dense 64, dense',
    build: (seed, shape, numClasses) => buildCnn(seed, imageOf('cnn', shape), numClasses),
  },
  dscnn: {
    description: 'MobileNet-style CNN: conv stem, depthwise-separable blocks (ReLU6), one residual Add, global average pooling',
    build: (seed, shape, numClasses) => buildDscnn(seed, imageOf('dscnn', shape), numClasses),
  },
  conv1d: {
    description: '1-D CNN over sequences (an image row by row): Conv1D + max-pool x2, dense 64, dense',
    build: (seed, shape, numClasses) => buildConv1d(seed, sequenceOf('conv1d', shape), numClasses),
  },
  'kws-dscnn': {
    description: "MLPerf Tiny's keyword-spotting DS-CNN: conv 10x4 stride 2, four depthwise-separable blocks of 64, batch norm and ReLU, average pooling (49x10 MFCC input)",
    build: (seed, shape, numClasses) => buildKwsDscnn(seed, imageOf('kws-dscnn', shape), numClasses),
  },
  resnet8: {
    description: "MLPerf Tiny's image-classification ResNet-8 (32x32x3 CIFAR-10 reference): three residual stages of 16/32/64 filters, ~78 k parameters",
    build: (seed, shape, numClasses) => buildResnet8(seed, imageOf('resnet8', shape), numClasses),
    imageSize: [32, 32],
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

export interface BuildModelOptions {
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /** One sample's shape, channels last (default [28, 28, 1], an MNIST digit): a data set's sampleShape. */
  sampleShape?: readonly number[];
  /** Classes, one logit each (default 10). */
  numClasses?: number;
}

/** A new float model of a built-in architecture (`listBuiltinModels()`), seeded: what `train --model <name>` starts from. */
export function buildModel(name: string, opts: BuildModelOptions = {}): tfl.LayersModel {
  return builtinModel(name).build(opts.seed ?? 0, opts.sampleShape ?? [28, 28, 1], opts.numClasses ?? 10);
}

/** The built-in architectures: name and what each is. */
export function listBuiltinModels(): { name: string; description: string }[] {
  return Object.entries(BUILTIN_MODELS).map(([name, m]) => ({ name, description: m.description }));
}
