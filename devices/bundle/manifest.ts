// A deploy bundle's layout and its manifest.json: written by `edgeqat bundle`, read (and checked
// against the files) by the bundle's runner on the device. SHA256SUMS holds the same checksums in
// `sha256sum -c` format, plus the manifest's own, for checking on a device without Node.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EdgeqatError } from '../../runtime/errors.js';
import type { Normalization } from '../../runtime/datasets/dataset.js';
import { normalizationFrom } from '../../runtime/datasets/pixels.js';
import { JsonFields, parseJson } from '../../runtime/json-fields.js';
import { relativeNameProblem } from '../../runtime/path-inside.js';
import { validateProfile, WASM_VARIANTS, type DeviceProfile, type WasmVariant } from '../profiles.js';

export const BUNDLE_FORMAT = 'edgeqat-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
/** Engines a bundle can carry (LiteRT.js is not bundled yet: its Node loader needs CommonJS globals). */
export const BUNDLE_ENGINES = ['reference', 'tfjs-tflite'] as const;
export type BundleEngine = (typeof BUNDLE_ENGINES)[number];

export const BUNDLE_FILES = {
  runner: 'run.js',
  manifest: 'manifest.json',
  sums: 'SHA256SUMS',
  model: 'model.tflite',
  runtime: 'lib/edgeqat-runtime.mjs',
  wasmDir: 'wasm',
  sampleImages: 'samples/images-idx3-ubyte',
  sampleLabels: 'samples/labels-idx1-ubyte',
  /** Audio models: test clips, samples/clips/0000.wav ... (float32 WAV, as the host loaded them). */
  sampleClipsDir: 'samples/clips',
} as const;

/** The bundle path of shipped clip i. */
export function sampleClipFile(i: number): string {
  return `${BUNDLE_FILES.sampleClipsDir}/${String(i).padStart(4, '0')}.wav`;
}

export interface BundleSamples {
  dataset: string;
  count: number;
  rows: number;
  cols: number;
  /** Channels last; 1 (grayscale) when absent (bundles from before colour samples). */
  channels?: number;
  /** (pixel/255 - mean[c])/std[c], as the model was trained (older bundles: one number each). */
  normalization: Normalization;
}

/** Test clips shipped with an audio model (the device runs them through the model's front end). */
export interface BundleClips {
  dataset: string;
  count: number;
  /** Label of each clip, in file order. */
  labels: number[];
}

export interface FileEntry {
  bytes: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_FORMAT_VERSION;
  createdBy: string;
  createdAt: string;
  /** The profile the bundle was made for, as it was then. */
  device: DeviceProfile;
  engine: BundleEngine;
  /** The one WebAssembly build shipped (wasm engines only). */
  wasm: { variant: WasmVariant; files: string[] } | null;
  /** The .tflite the bundle was made from (its file name only). */
  model: { source: string; bytes: number; sha256: string };
  samples: BundleSamples | null;
  /** Audio models: shipped test clips (absent in bundles from before audio models). */
  clips?: BundleClips | null;
  /** Every file of the bundle except manifest.json and SHA256SUMS, by relative path. */
  files: Record<string, FileEntry>;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `sha256sum` lines (two spaces: text mode, the same on Linux) for the given files. */
export function sha256sumsText(files: Record<string, FileEntry>): string {
  return Object.entries(files)
    .map(([path, f]) => `${f.sha256}  ${path}\n`)
    .join('');
}

export function readManifest(dir: string): BundleManifest {
  const path = join(dir, BUNDLE_FILES.manifest);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EdgeqatError('E_MODEL_FILE', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); not an edgeqat bundle?`);
  }
  return parseManifest(parseJson(text, path, 'E_MODEL_FILE'), path);
}

export function parseManifest(value: unknown, where: string): BundleManifest {
  const f = JsonFields.root(value, where, 'E_MODEL_FILE');
  f.onlyKeys(['format', 'version', 'createdBy', 'createdAt', 'device', 'engine', 'wasm', 'model', 'samples', 'clips', 'files']);
  if (f.raw('format') !== BUNDLE_FORMAT) f.expected('format', JSON.stringify(BUNDLE_FORMAT));
  if (f.raw('version') !== BUNDLE_FORMAT_VERSION) f.fail('version', `this runner reads version ${BUNDLE_FORMAT_VERSION}, got ${JSON.stringify(f.raw('version'))}`);
  const device = f.object('device');
  const deviceName = device.string('name');
  const { name: _name, ...profileFields } = f.raw('device') as Record<string, unknown>;
  const profile = validateProfile(deviceName, JsonFields.root(profileFields, `${where}: device`, 'E_MODEL_FILE'));

  let wasm: BundleManifest['wasm'] = null;
  if (f.raw('wasm') !== null) {
    const w = f.object('wasm').onlyKeys(['variant', 'files']);
    const files = w.raw('files');
    if (!Array.isArray(files) || !files.every((x) => typeof x === 'string')) w.expected('files', 'an array of file names');
    for (const name of files as string[]) {
      const problem = relativeNameProblem(name);
      if (problem) w.fail('files', `${JSON.stringify(name).slice(0, 80)} ${problem}`);
    }
    wasm = { variant: w.oneOf('variant', WASM_VARIANTS), files: files as string[] };
  }
  const m = f.object('model').onlyKeys(['source', 'bytes', 'sha256']);
  const model = { source: m.string('source'), bytes: m.integer('bytes', 1), sha256: hex64(m, 'sha256') };

  let samples: BundleSamples | null = null;
  if (f.raw('samples') !== null) {
    const s = f.object('samples').onlyKeys(['dataset', 'count', 'rows', 'cols', 'channels', 'normalization']);
    const n = s.object('normalization').onlyKeys(['mean', 'std']);
    const normalization = normalizationFrom(n.raw('mean'), n.raw('std'));
    if (!normalization || normalization.mean.length !== normalization.std.length || normalization.std.some((x) => !(x > 0)) || normalization.mean.some((x) => !Number.isFinite(x))) {
      s.expected('normalization', 'mean and std: numbers or arrays of the same length, stds > 0');
    }
    samples = {
      dataset: s.string('dataset'),
      count: s.integer('count', 1),
      rows: s.integer('rows', 1),
      cols: s.integer('cols', 1),
      channels: s.optionalInteger('channels', 1, 4) ?? 1,
      normalization: normalization!,
    };
  }
  let clips: BundleClips | null = null;
  if (f.has('clips') && f.raw('clips') !== null) {
    const c = f.object('clips').onlyKeys(['dataset', 'count', 'labels']);
    const count = c.integer('count', 1, 100_000);
    const labels = c.integerArray('labels', 0, 255);
    if (labels.length !== count) c.expected('labels', `${count} labels (one per clip)`);
    clips = { dataset: c.string('dataset'), count, labels };
  }
  const filesField = f.object('files');
  const files: Record<string, FileEntry> = {};
  for (const path of filesField.keys()) {
    // Names of files inside the bundle, checked again against the folder when read (run-bundle.ts).
    const problem = relativeNameProblem(path);
    if (problem) filesField.fail(JSON.stringify(path).slice(0, 80), `file name ${problem}`);
    const e = filesField.object(path).onlyKeys(['bytes', 'sha256']);
    files[path] = { bytes: e.integer('bytes', 0), sha256: hex64(e, 'sha256') };
  }
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_FORMAT_VERSION,
    createdBy: f.string('createdBy'),
    createdAt: f.string('createdAt'),
    device: profile,
    engine: f.oneOf('engine', BUNDLE_ENGINES),
    wasm,
    model,
    samples,
    clips,
    files,
  };
}

function hex64(f: JsonFields, key: string): string {
  const v = f.string(key);
  if (!/^[0-9a-f]{64}$/.test(v)) f.expected(key, 'a sha256 (64 lower-case hex digits)');
  return v;
}
