// `images:<folder>`: PNG and JPEG files, one subfolder per class, either split
//   <folder>/train/<class>/*.png|jpg   and   <folder>/test/<class>/...
// or not (<folder>/<class>/...: hold out a share with --val-split). Class names are the folder
// names, sorted. Every image is decoded once, turned upright (EXIF orientation), fitted to one size
// (runtime/images/resize.ts) and one channel count, and kept as bytes; the model inputs are those
// bytes normalised per channel.
// Policies (docs/images.md): hidden files and folders (name starting with '.') are skipped; any
// other file must be a PNG or JPEG (by content; .png/.jpg/.jpeg names), anything else is an error
// naming it, as is a corrupt image, an empty class folder, a test/ class that train/ lacks or the
// reverse; files are read only inside the folder (a link leading out of it is refused).
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { EdgeqatError } from '../errors.js';
import { toChannels } from '../images/channels.js';
import { decodeImage } from '../images/decode-image.js';
import { readImageHeader, type ImageHeader } from '../images/image-header.js';
import { readImageBytes } from '../images/load-image.js';
import { resizeImage, type ResizeMode } from '../images/resize.js';
import type { Dataset, DatasetSource, ImageOptions, LoadDatasetOptions, Split } from './dataset.js';
import { checkedDir } from './idx-dataset.js';
import { checkNormalization, normalizeImages, pixelStats } from './pixels.js';

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
/** Labels are bytes. */
const MAX_CLASSES = 256;
/** Without --image-size, a common size larger than this is refused (a folder of full-size photos). */
const MAX_DEFAULT_SIDE = 512;

export const IMAGE_FOLDER_SOURCE: DatasetSource = {
  spec: 'images:',
  description: 'a folder of PNG/JPEG images, one subfolder per class (with train/ and test/ subfolders, or split by --val-split)',
  load: (spec, arg, opts) => loadImageFolder(spec, checkedDir(spec, resolve(arg), false), opts),
};

interface ClassFiles {
  name: string;
  files: string[];
}

interface Layout {
  train: ClassFiles[];
  test: ClassFiles[] | null;
}

function fail(problem: string): never {
  throw new EdgeqatError('E_DATASET', problem);
}

function visible(entries: Dirent[]): Dirent[] {
  return entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function list(dir: string): Dirent[] {
  try {
    return visible(readdirSync(dir, { withFileTypes: true }));
  } catch (e) {
    fail(`${dir}: cannot list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Folder or file, following a link only when its target stays inside `root`. */
function kindOf(root: string, path: string, e: Dirent): 'dir' | 'file' {
  if (e.isDirectory()) return 'dir';
  if (e.isFile()) return 'file';
  if (e.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(path);
    } catch {
      fail(`${path}: broken link`);
    }
    if (target !== root && !target.startsWith(root + sep)) fail(`${path}: links outside ${root}; edgeqat reads only files inside the data set folder`);
    return statSync(target).isDirectory() ? 'dir' : 'file';
  }
  fail(`${path}: neither a file nor a folder`);
}

/** The class folders under `dir`, each with its image files. */
function classFolders(root: string, dir: string): ClassFiles[] {
  const classes: ClassFiles[] = [];
  for (const e of list(dir)) {
    const path = join(dir, e.name);
    if (kindOf(root, path, e) !== 'dir') fail(`${path}: a file where class folders are expected (put images in one subfolder per class)`);
    const files: string[] = [];
    for (const f of list(path)) {
      const file = join(path, f.name);
      if (kindOf(root, file, f) === 'dir') fail(`${file}: a folder inside class folder '${e.name}' (class folders hold image files only)`);
      if (!IMAGE_EXTENSIONS.some((x) => f.name.toLowerCase().endsWith(x))) fail(`${file}: not a .png, .jpg or .jpeg file (remove it from the class folder, or hide it with a leading '.')`);
      files.push(file);
    }
    if (files.length === 0) fail(`${path}: empty class folder (no .png/.jpg/.jpeg files)`);
    classes.push({ name: e.name, files });
  }
  return classes;
}

function layoutOf(dir: string): Layout {
  const root = realpathSync(dir);
  const top = list(dir);
  const trainEntry = top.find((e) => e.name === 'train');
  if (!trainEntry) {
    const classes = classFolders(root, dir);
    if (classes.length === 0) fail(`${dir}: no class folders (expected <class>/*.png|jpg, or train/<class>/ and test/<class>/)`);
    return { train: classes, test: null };
  }
  const others = top.filter((e) => e.name !== 'train' && e.name !== 'test');
  if (others.length > 0) fail(`${join(dir, others[0]!.name)}: next to train/, only test/ is expected (class folders go inside train/ and test/)`);
  const train = classFolders(root, join(dir, 'train'));
  if (train.length === 0) fail(`${join(dir, 'train')}: no class folders`);
  if (!top.some((e) => e.name === 'test')) return { train, test: null };
  const test = classFolders(root, join(dir, 'test'));
  const trainNames = new Set(train.map((c) => c.name));
  const testNames = new Set(test.map((c) => c.name));
  const extra = test.find((c) => !trainNames.has(c.name));
  if (extra) fail(`${join(dir, 'test', extra.name)}: class '${extra.name}' is not in train/ (train/ and test/ need the same class folders)`);
  const missing = train.find((c) => !testNames.has(c.name));
  if (missing) fail(`${join(dir, 'test')}: has no folder for class '${missing.name}' (train/${missing.name} exists; train/ and test/ need the same class folders)`);
  return { train, test };
}

interface Listed {
  files: string[];
  labels: Uint8Array;
}

function flatten(classes: ClassFiles[]): Listed {
  const files = classes.flatMap((c) => c.files);
  const labels = new Uint8Array(files.length);
  let k = 0;
  classes.forEach((c, label) => c.files.forEach(() => (labels[k++] = label)));
  return { files, labels };
}

/** The most common upright size of the images (ties: the larger, then the first seen). */
function commonSize(headers: ImageHeader[]): [number, number] {
  const counts = new Map<string, { n: number; rows: number; cols: number }>();
  for (const h of headers) {
    const key = `${h.uprightHeight}x${h.uprightWidth}`;
    const c = counts.get(key) ?? { n: 0, rows: h.uprightHeight, cols: h.uprightWidth };
    c.n++;
    counts.set(key, c);
  }
  let best = { n: 0, rows: 0, cols: 0 };
  for (const c of counts.values()) if (c.n > best.n || (c.n === best.n && c.rows * c.cols > best.rows * best.cols)) best = c;
  return [best.rows, best.cols];
}

/** Upright sizes and colour of every file, read before any pixel is decoded (bounds checked). */
function headersOf(files: string[]): ImageHeader[] {
  return files.map((f) => readImageHeader(readImageBytes(f), f));
}

/** Every file decoded, fitted to rows × cols, converted to `channels` (or its own when undefined). */
function decodeAll(files: string[], headers: ImageHeader[], rows: number, cols: number, resize: ResizeMode): { data: Uint8Array; channels: 1 | 3 }[] {
  return files.map((file, i) => {
    const img = decodeImage(readImageBytes(file), file, headers[i]);
    return { data: resizeImage(img.data, img.width, img.height, img.channels, cols, rows, resize), channels: img.channels };
  });
}

function pack(images: { data: Uint8Array; channels: 1 | 3 }[], channels: 1 | 3, per: number): Uint8Array {
  const pixels = new Uint8Array(images.length * per);
  images.forEach((img, i) => pixels.set(toChannels(img.data, img.channels, channels), i * per));
  return pixels;
}

function loadImageFolder(spec: string, dir: string, opts: LoadDatasetOptions): Dataset {
  const split = opts.split ?? 'both';
  const layout = layoutOf(dir);
  const classNames = layout.train.map((c) => c.name);
  if (classNames.length < 2 || classNames.length > MAX_CLASSES) fail(`${dir}: ${classNames.length} class folder${classNames.length === 1 ? '' : 's'}, expected 2..${MAX_CLASSES}`);
  if (split !== 'train' && !layout.test) {
    fail(`${dir}: no test/ folder to evaluate on: hold out a share of the images with --val-split <fraction> (e.g. 0.2), or add test/<class>/ folders`);
  }
  const image: ImageOptions = opts.image ?? {};
  const resize = image.resize ?? 'stretch';
  const train = flatten(layout.train);
  // A test-only load that is told the size, channels and normalisation (eval of a model that
  // records them) does not decode the training images.
  const needTrain = split !== 'test' || !image.size || !image.channels || !opts.normalization;
  const trainHeaders = needTrain ? headersOf(train.files) : [];
  const [rows, cols] = image.size ?? commonSize(trainHeaders);
  if (!image.size && (rows > MAX_DEFAULT_SIDE || cols > MAX_DEFAULT_SIDE)) {
    fail(`${dir}: most images are ${cols}×${rows}, too large to train on as they are: choose the model's input size with --image-size (e.g. 96x96)`);
  }
  const decodedTrain = needTrain ? decodeAll(train.files, trainHeaders, rows, cols, resize) : [];
  const channels: 1 | 3 = image.channels ?? (decodedTrain.some((d) => d.channels === 3) ? 3 : 1);
  const per = rows * cols * channels;
  const trainPixels = needTrain ? pack(decodedTrain, channels, per) : null;
  decodedTrain.length = 0;
  if (opts.normalization) checkNormalization(spec, opts.normalization, channels);
  const normalization = opts.normalization ?? pixelStats(trainPixels!, channels);
  const result: Dataset = { name: spec, dir, classNames, numClasses: classNames.length, sampleShape: [rows, cols, channels], normalization, resize };
  const finish = (pixels: Uint8Array, labels: Uint8Array): Split => ({ inputs: normalizeImages(pixels, normalization, channels), labels, count: labels.length, pixels });
  if (split !== 'test') result.train = finish(trainPixels!, train.labels);
  if (split !== 'train') {
    const test = flatten(layout.test!);
    result.test = finish(pack(decodeAll(test.files, headersOf(test.files), rows, cols, resize), channels, per), test.labels);
  }
  return result;
}
