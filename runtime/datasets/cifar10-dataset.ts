// `cifar10:<folder>`: the CIFAR-10 binary version as distributed (cifar-10-binary.tar.gz, unpacked):
// data_batch_1.bin … data_batch_5.bin, test_batch.bin and batches.meta.txt (one class name per
// line). Each record is 1 label byte and 3072 pixel bytes: the 1024 red values of the 32×32 image
// row by row, then the green, then the blue (https://www.cs.toronto.edu/~kriz/cifar.html, "Binary
// version"). Files are checked for size before they are read; samples become 32×32×3 channels
// last. Normalised per channel by the training pixels' statistics unless the caller gives constants.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EdgeqatError } from '../errors.js';
import type { Dataset, DatasetSource, LoadDatasetOptions, Split } from './dataset.js';
import { checkedDir } from './idx-dataset.js';
import { checkNormalization, normalizeImages, pixelStats } from './pixels.js';

export const CIFAR10_SIDE = 32;
const CHANNELS = 3;
const PLANE = CIFAR10_SIDE * CIFAR10_SIDE;
export const CIFAR10_RECORD = 1 + CHANNELS * PLANE;
const RECORDS_PER_FILE = 10_000;
export const CIFAR10_FILES = { train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'], test: ['test_batch.bin'], meta: 'batches.meta.txt' } as const;
/** The class names of CIFAR-10 (batches.meta.txt as distributed), used when the file is absent. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const MAX_FILE_BYTES = 64 * RECORDS_PER_FILE * CIFAR10_RECORD;

export const CIFAR10_SOURCE: DatasetSource = {
  spec: 'cifar10:',
  description: 'a folder with the CIFAR-10 binary version (data_batch_1..5.bin, test_batch.bin, batches.meta.txt)',
  load: (spec, arg, opts) => loadCifar10(spec, checkedDir(spec, resolve(arg), false), opts),
};

function loadCifar10(spec: string, dir: string, opts: LoadDatasetOptions): Dataset {
  const split = opts.split ?? 'both';
  const classNames = readClassNames(dir);
  const trainFiles = CIFAR10_FILES.train.filter((f) => existsSync(join(dir, f)));
  if (trainFiles.length === 0) throw new EdgeqatError('E_DATASET', `${join(dir, CIFAR10_FILES.train[0])}: no such file (${spec} needs data_batch_1.bin … data_batch_5.bin)`);
  const train = split === 'test' && !opts.normalization ? null : readRecords(trainFiles.map((f) => join(dir, f)), classNames.length);
  if (opts.normalization) checkNormalization(spec, opts.normalization, CHANNELS);
  // No published constants for a folder: the training pixels' per-channel statistics, so a
  // test-only load normalises exactly as training did.
  const normalization = opts.normalization ?? pixelStats(train!.pixels, CHANNELS);
  const result: Dataset = { name: spec, dir, classNames, numClasses: classNames.length, sampleShape: [CIFAR10_SIDE, CIFAR10_SIDE, CHANNELS], normalization };
  const finish = (r: { pixels: Uint8Array; labels: Uint8Array; count: number }): Split => ({ ...r, inputs: normalizeImages(r.pixels, normalization, CHANNELS) });
  if (split !== 'test') result.train = finish(train!);
  if (split !== 'train') result.test = finish(readRecords([join(dir, CIFAR10_FILES.test[0])], classNames.length));
  return result;
}

/** batches.meta.txt: one class name per line (blank lines ignored); CIFAR-10's names without it. */
function readClassNames(dir: string): string[] {
  const path = join(dir, CIFAR10_FILES.meta);
  if (!existsSync(path)) return CIFAR10_CLASSES;
  const st = statSync(path);
  if (!st.isFile() || st.size > 64 * 1024) throw new EdgeqatError('E_DATASET', `${path}: expected a small text file of class names, one per line`);
  const names = readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (names.length < 2 || names.length > 256) throw new EdgeqatError('E_DATASET', `${path}: ${names.length} class names, expected 2..256 (one per line)`);
  if (new Set(names).size !== names.length) throw new EdgeqatError('E_DATASET', `${path}: class names repeat`);
  return names;
}

/** Records of the files, in order, as channels-last pixels and labels. */
function readRecords(paths: string[], numClasses: number): { pixels: Uint8Array; labels: Uint8Array; count: number } {
  const sizes = paths.map((p) => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw new EdgeqatError('E_DATASET', `${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read'}`);
    }
    if (!st.isFile() || st.size === 0 || st.size % CIFAR10_RECORD !== 0 || st.size > MAX_FILE_BYTES) {
      throw new EdgeqatError(
        'E_DATASET',
        `${p}: ${st.size} bytes is not a CIFAR-10 batch: expected a multiple of ${CIFAR10_RECORD} (1 label byte + ${CHANNELS * PLANE} pixel bytes per image; ${RECORDS_PER_FILE * CIFAR10_RECORD} for the ${RECORDS_PER_FILE.toLocaleString('en-US')} images of a distributed file)`,
      );
    }
    return st.size / CIFAR10_RECORD;
  });
  const count = sizes.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(count * CHANNELS * PLANE);
  const labels = new Uint8Array(count);
  let k = 0;
  paths.forEach((p, f) => {
    const buf = readFileSync(p);
    if (buf.length !== sizes[f]! * CIFAR10_RECORD) throw new EdgeqatError('E_DATASET', `${p}: changed while it was read`);
    for (let r = 0; r < sizes[f]!; r++, k++) {
      const rec = r * CIFAR10_RECORD;
      const label = buf[rec]!;
      if (label >= numClasses) throw new EdgeqatError('E_DATASET', `${p}: record ${r} has label ${label}, expected 0..${numClasses - 1} (${numClasses} class names)`);
      labels[k] = label;
      // Planar R, G, B → interleaved, channels last.
      const out = k * CHANNELS * PLANE;
      for (let i = 0; i < PLANE; i++) {
        pixels[out + i * 3] = buf[rec + 1 + i]!;
        pixels[out + i * 3 + 1] = buf[rec + 1 + PLANE + i]!;
        pixels[out + i * 3 + 2] = buf[rec + 1 + 2 * PLANE + i]!;
      }
    }
  });
  return { pixels, labels, count };
}
