// Image data sets from real images: MNIST test images written as PNG (pngjs) and JPEG (ImageMagick's
// libjpeg) class folders and as CIFAR-10 binary batches by scripts/make-image-datasets.ts, read back
// through images:<folder> and cifar10:<folder>; EXIF orientation checked against ImageMagick's
// -auto-orient; bad files, folders and batches each one line naming them.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '../runtime/datasets/datasets.js';
import { CIFAR10_FILES, CIFAR10_RECORD } from '../runtime/datasets/cifar10-dataset.js';
import { EdgeqatError } from '../runtime/errors.js';
import { decodeImage } from '../runtime/images/decode-image.js';
import { resizeImage } from '../runtime/images/resize.js';
import { firstPerClass, folderNames, writeBadImages, writeCifar10Folder, writeImageFolder } from '../scripts/make-image-datasets.js';

const root = mkdtempSync(join(tmpdir(), 'edgeqat-images-'));
const HAS_CONVERT = spawnSync('convert', ['-version']).status === 0;
const needsConvert = HAS_CONVERT || process.env.CI === 'true' ? it : it.skip;
if (!HAS_CONVERT) console.warn('ImageMagick (convert) not found: JPEG folder tests skip (apt-get install imagemagick)');
const PER_CLASS = 6;
const N = PER_CLASS * 10;
const mnist = loadDataset('mnist', { split: 'test' });
const chosen = firstPerClass(mnist.test!.labels, mnist.test!.count, PER_CLASS);

function errorOf(fn: () => unknown): EdgeqatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EdgeqatError);
    expect((e as Error).message).not.toMatch(/\n/);
    return e as EdgeqatError;
  }
  throw new Error('expected an EdgeqatError');
}

/** Mean |a - b| of image k of a set against MNIST test image i. */
function diffToMnist(d: Dataset, k: number, i: number): number {
  let sum = 0;
  for (let p = 0; p < 784; p++) sum += Math.abs(d.test!.pixels![k * 784 + p]! - mnist.test!.pixels![i * 784 + p]!);
  return sum / 784;
}

/** The chosen MNIST test indices in the order an image folder lists them (round-robin over the class folders). */
function folderOrder(names: string[]): number[] {
  const folder = folderNames('mnist');
  const byClass = names.map((n) => chosen.filter((i) => folder[mnist.test!.labels[i]!] === n));
  return Array.from({ length: PER_CLASS }, (_, k) => byClass.map((c) => c[k]!)).flat();
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('images:<folder> of PNG files', () => {
  let d: Dataset;
  beforeAll(() => {
    writeImageFolder(join(root, 'png'), { set: 'mnist', format: 'png', perClass: PER_CLASS });
    d = loadDataset(`images:${join(root, 'png')}`);
  });

  it('takes class names from the folders and keeps 28x28 grayscale', () => {
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.sampleShape).toEqual([28, 28, 1]);
    expect(d.resize).toBe('stretch');
    expect([d.train!.count, d.test!.count]).toEqual([N, N]);
  });

  it('decodes every PNG variant (gray, RGB, RGBA, gray+alpha, 16-bit) to the original pixels; larger copies come back close', () => {
    const order = folderOrder(d.classNames);
    let exact = 0;
    order.forEach((i, k) => {
      expect(d.test!.labels[k]).toBe(mnist.test!.labels[i]);
      const diff = diffToMnist(d, k, i);
      if (diff === 0) exact++;
      else expect(diff).toBeLessThan(12); // a 56x56 or 40x40 copy resized back to 28x28
    });
    expect(exact).toBeGreaterThan(N * 0.8);
  });

  it('normalises by the training pixels unless told otherwise', () => {
    const again = loadDataset(`images:${join(root, 'png')}`, { split: 'test', normalization: { mean: [0.5], std: [0.5] }, image: { size: [28, 28], channels: 1 } });
    expect(again.test!.inputs[0]).toBeCloseTo(d.test!.pixels![0]! / 127.5 - 1, 6);
    expect(again.train).toBeUndefined();
  });

  it('fits to a requested size and channel count', () => {
    const big = loadDataset(`images:${join(root, 'png')}`, { split: 'test', image: { size: [32, 40], channels: 3, resize: 'center-crop' } });
    expect(big.sampleShape).toEqual([32, 40, 3]);
    const px = big.test!.pixels!;
    expect(px[3 * 40 * 16 + 3 * 20]).toBe(px[3 * 40 * 16 + 3 * 20 + 1]); // gray as R = G = B
  });
});

describe('images:<folder> with colour', () => {
  it('becomes a 3-channel set with per-channel statistics when some images are coloured', () => {
    writeImageFolder(join(root, 'colour'), { set: 'mnist', format: 'png', perClass: PER_CLASS, colour: true });
    const d = loadDataset(`images:${join(root, 'colour')}`);
    expect(d.sampleShape).toEqual([28, 28, 3]);
    expect(d.normalization.mean).toHaveLength(3);
    expect(new Set(d.normalization.mean.map((m) => m.toFixed(6))).size).toBe(3);
  });
});

describe('images:<folder> of JPEG files (libjpeg via ImageMagick)', () => {
  needsConvert('decodes within JPEG loss of the originals, EXIF-turned files upright', () => {
    writeImageFolder(join(root, 'jpeg'), { set: 'mnist', format: 'jpeg', perClass: PER_CLASS });
    const d = loadDataset(`images:${join(root, 'jpeg')}`);
    expect(d.sampleShape).toEqual([28, 28, 1]); // grayscale JPEGs
    folderOrder(d.classNames).forEach((i, k) => expect(diffToMnist(d, k, i)).toBeLessThan(12));
  });

  needsConvert('applies every EXIF orientation as ImageMagick -auto-orient does (non-square, colour)', () => {
    const dir = join(root, 'orient');
    mkdirSync(dir, { recursive: true });
    const w = 12;
    const h = 7;
    const rgb = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set([x * 20, y * 35, x === 0 && y === 0 ? 255 : 40], (y * w + x) * 3);
    const names = ['top-left', 'top-right', 'bottom-right', 'bottom-left', 'left-top', 'right-top', 'right-bottom', 'left-bottom'];
    names.forEach((orient, k) => {
      const file = join(dir, `o${k + 1}.jpg`);
      execFileSync('convert', ['-size', `${w}x${h}`, '-depth', '8', 'rgb:-', '-quality', '100', '-sampling-factor', '1x1', '-orient', orient, file], { input: rgb });
      const expected = execFileSync('convert', [file, '-auto-orient', '-depth', '8', 'rgb:-']);
      const info = execFileSync('convert', [file, '-auto-orient', '-format', '%w %h', 'info:']).toString().split(' ').map(Number);
      const got = decodeImage(new Uint8Array(readFileSync(file)), file);
      expect([got.width, got.height], orient).toEqual(info);
      expect(got.channels).toBe(3);
      let worst = 0;
      for (let p = 0; p < expected.length; p++) worst = Math.max(worst, Math.abs(expected[p]! - got.data[p]!));
      expect(worst, orient).toBeLessThanOrEqual(6); // two IDCTs of one file
    });
  });
});

describe('cifar10:<folder>', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(root, 'cifar');
    writeCifar10Folder(dir, { set: 'mnist', perClass: 3 });
  });

  it('reads the batches as 32x32x3 channels last, labels and class names from batches.meta.txt', () => {
    const d = loadDataset(`cifar10:${dir}`);
    expect(d.sampleShape).toEqual([32, 32, 3]);
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([d.train!.count, d.test!.count]).toEqual([30, 30]);
    const raw = readFileSync(join(dir, CIFAR10_FILES.test[0]));
    for (const [i, y, x, c] of [[0, 10, 12, 0], [3, 20, 5, 2], [29, 31, 31, 1]] as const) {
      expect(d.test!.pixels![i * 3072 + (y * 32 + x) * 3 + c]).toBe(raw[i * CIFAR10_RECORD + 1 + c * 1024 + y * 32 + x]);
      expect(d.test!.labels[i]).toBe(raw[i * CIFAR10_RECORD]);
    }
    expect(Array.from(d.test!.labels)).toEqual(firstPerClass(mnist.test!.labels, mnist.test!.count, 3).map((i) => mnist.test!.labels[i]));
  });

  it('names a batch of the wrong size with the size expected, and a label past the class list', () => {
    const bad = join(root, 'cifar-bad');
    cpSync(dir, bad, { recursive: true });
    writeFileSync(join(bad, 'data_batch_2.bin'), readFileSync(join(dir, 'data_batch_2.bin')).subarray(0, CIFAR10_RECORD * 2 - 5));
    const e = errorOf(() => loadDataset(`cifar10:${bad}`));
    expect(e.message).toMatch(/data_batch_2\.bin: 6141 bytes is not a CIFAR-10 batch: expected a multiple of 3073 .*30730000 for the 10,000 images/);
    cpSync(dir, bad, { recursive: true });
    writeFileSync(join(bad, 'batches.meta.txt'), 'a\nb\n');
    expect(errorOf(() => loadDataset(`cifar10:${bad}`)).message).toMatch(/record \d+ has label \d, expected 0\.\.1 \(2 class names\)/);
  });
});

describe('bad image folders: one line naming the file or folder', () => {
  let bad: Record<string, string>;
  const template = join(root, 'cases', 'template');
  const make = (name: string) => {
    const dir = join(root, 'cases', name);
    cpSync(template, dir, { recursive: true });
    return dir;
  };
  beforeAll(() => {
    writeImageFolder(template, { set: 'mnist', format: 'png', perClass: 2 });
    bad = writeBadImages(join(root, 'bad-files'));
  });

  it('refuses corrupt, truncated, empty and non-image files in a class folder', () => {
    for (const [name, pattern] of [
      ['truncated.png', /truncated PNG: no IEND chunk/],
      ['truncated.jpg', /truncated JPEG/],
      ['bad-crc.png', /cannot decode this PNG/],
      ['text.png', /not a PNG or JPEG image \(starts with 74 68 69 73\)/],
      ['empty.jpg', /empty file/],
      ['notes.txt', /not a \.png, \.jpg or \.jpeg file/],
    ] as const) {
      const dir = make(`file-${name}`);
      const target = join(dir, 'train', '3', name);
      cpSync(bad[name]!, target);
      const e = errorOf(() => loadDataset(`images:${dir}`));
      expect(e.code).toBe('E_DATASET');
      expect(e.message.startsWith(`${target}: `), e.message).toBe(true);
      expect(e.message).toMatch(pattern);
    }
  });

  it('skips hidden files, refuses empty or unmatched class folders and links leading outside', () => {
    const dir = make('folders');
    writeFileSync(join(dir, 'train', '1', '.DS_Store'), 'x');
    expect(loadDataset(`images:${dir}`).train!.count).toBe(20);
    mkdirSync(join(dir, 'train', 'empty'));
    expect(errorOf(() => loadDataset(`images:${dir}`)).message).toBe(`${join(dir, 'train', 'empty')}: empty class folder (no .png/.jpg/.jpeg files)`);
    rmSync(join(dir, 'train', 'empty'), { recursive: true });
    rmSync(join(dir, 'test', '7'), { recursive: true });
    expect(errorOf(() => loadDataset(`images:${dir}`)).message).toMatch(/test: has no folder for class '7' \(train\/7 exists/);
    cpSync(join(dir, 'train', '7'), join(dir, 'test', '7'), { recursive: true });
    cpSync(join(dir, 'test', '1'), join(dir, 'test', 'eleven'), { recursive: true });
    expect(errorOf(() => loadDataset(`images:${dir}`)).message).toMatch(/test\/eleven: class 'eleven' is not in train\//);
    rmSync(join(dir, 'test', 'eleven'), { recursive: true });
    symlinkSync(bad['truncated.png']!, join(dir, 'train', '2', 'link.png'));
    expect(errorOf(() => loadDataset(`images:${dir}`)).message).toMatch(/link\.png: links outside .*reads only files inside the data set folder/);
  });

  it('asks for --val-split when a flat folder has no test/ split, and splits it when given', () => {
    const dir = make('flat');
    const flat = join(dir, 'train');
    expect(errorOf(() => loadDataset(`images:${flat}`)).message).toMatch(/no test\/ folder to evaluate on: hold out a share of the images with --val-split/);
    const d = loadDataset(`images:${flat}`, { valSplit: { fraction: 0.5, seed: 0 } });
    expect([d.train!.count, d.test!.count]).toEqual([10, 10]); // one of each class's two
  });
});

describe('resize', () => {
  it('keeps an image of the target size, averages when shrinking, crops the centre', () => {
    const img = Uint8Array.from({ length: 16 }, (_, i) => i * 10);
    expect(resizeImage(img, 4, 4, 1, 4, 4)).toBe(img);
    expect(Array.from(resizeImage(new Uint8Array(64).fill(77), 8, 8, 1, 3, 3))).toEqual(new Array(9).fill(77));
    // A 2x2 checkerboard of 0/200 blocks shrunk to 1x1: the mean.
    expect(Array.from(resizeImage(Uint8Array.from([0, 200, 200, 0]), 2, 2, 1, 1, 1))).toEqual([100]);
    // 6 wide x 2 high, centre-cropped to a square 2x2: columns 2 and 3.
    const wide = Uint8Array.from([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
    expect(Array.from(resizeImage(wide, 6, 2, 1, 2, 2, 'center-crop'))).toEqual([2, 3, 12, 13]);
  });
});
