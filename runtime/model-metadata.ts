// The preprocessing a model expects, carried inside the .tflite (Model.metadata entry
// `edgeqat_preprocessing`, UTF-8 JSON) so that `eval`, `bench`, the report and the device bundle
// feed the model exactly what it was trained on, and name its classes. The converter writes it;
// everything else reads it through `readPreprocessing`. A .tflite can come from anywhere, so the
// entry is validated like any other input: a malformed one is one line naming the key.
import { checkFeatureShape, readFrontEnd, type AudioFrontEnd } from './audio/front-end.js';
import type { Dataset, ImageOptions, LoadDatasetOptions, Normalization } from './datasets/dataset.js';
import { RESIZE_MODES, type ResizeMode } from './images/resize.js';
import { normalizationFrom } from './datasets/pixels.js';
import { checkValSplit, type ValSplit } from './datasets/val-split.js';
import { EdgeqatError } from './errors.js';
import { JsonFields } from './json-fields.js';
import type { ModelSummary } from './model-reader.js';

export const PREPROCESSING_METADATA = 'edgeqat_preprocessing';

export interface ModelPreprocessing {
  /** The data set spec the model was trained on (the default of eval, bench and bundle samples). */
  dataset: string;
  /**
   * Pixel normalisation per channel: model input = (pixel/255 - mean[c])/std[c] (one value: every
   * channel). Written as arrays; models from before colour inputs hold one number each.
   */
  mean: number[];
  std: number[];
  /** Class names in label order; absent in models written before they were recorded. */
  classNames?: string[];
  /** One sample's shape, channels last ([28, 28, 1]); absent in older models. */
  sampleShape?: number[];
  /** The seeded share of the training samples held out for evaluation (train --val-split). */
  valSplit?: ValSplit;
  /** Image files: how other sizes were fitted to sampleShape (stretch or center-crop). */
  resize?: ResizeMode;
  /** Audio models: the front end that turns a clip into the input (runtime/audio/front-end.ts). */
  audio?: AudioFrontEnd;
}

const KEYS = ['dataset', 'mean', 'std', 'classNames', 'sampleShape', 'valSplit', 'resize', 'audio'] as const;
/** Bounds that keep a hostile entry from costing memory; real models are far below them. */
const MAX_CLASSES = 100_000;
const MAX_CLASS_NAME = 256;
const MAX_CHANNELS = 4096;

export function encodePreprocessing(p: ModelPreprocessing): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(p));
}

/** The model's recorded preprocessing, undefined when it has none (a model from elsewhere). */
export function readPreprocessing(summary: Pick<ModelSummary, 'metadata'>, where: string): ModelPreprocessing | undefined {
  const entry = summary.metadata.find((m) => m.name === PREPROCESSING_METADATA);
  if (!entry) return undefined;
  const source = `${where}: metadata ${PREPROCESSING_METADATA}`;
  if (entry.text === null) throw new EdgeqatError('E_MODEL_FILE', `${source}: too large to be edgeqat's`);
  let json: unknown;
  try {
    json = JSON.parse(entry.text);
  } catch {
    throw new EdgeqatError('E_MODEL_FILE', `${source}: not JSON`);
  }
  const f = JsonFields.root(json, source, 'E_MODEL_FILE').onlyKeys(KEYS);
  const p: ModelPreprocessing = { dataset: f.string('dataset'), ...normalization(f) };
  if (f.has('classNames')) p.classNames = classNames(f);
  if (f.has('sampleShape')) p.sampleShape = f.integerArray('sampleShape', 1, 1 << 16);
  if (f.has('valSplit')) {
    const v = f.object('valSplit').onlyKeys(['fraction', 'seed']);
    p.valSplit = { fraction: v.number('fraction', 0, 1), seed: v.integer('seed', 0) };
    try {
      checkValSplit(p.valSplit);
    } catch {
      f.expected('valSplit', 'a fraction in (0, 1) and a non-negative seed');
    }
  }
  if (f.has('resize')) p.resize = f.oneOf('resize', RESIZE_MODES);
  if (f.has('audio')) {
    p.audio = readFrontEnd(f.object('audio'));
    checkFeatureShape(p.audio, p.sampleShape, source);
  }
  return p;
}

/** What a model trained on `data` records: the set, its normalisation, class names and sample shape. */
export function preprocessingOf(data: Pick<Dataset, 'name' | 'normalization' | 'classNames' | 'sampleShape' | 'resize' | 'audio'>, valSplit?: ValSplit): ModelPreprocessing {
  return {
    dataset: data.name,
    ...data.normalization,
    classNames: data.classNames,
    sampleShape: data.sampleShape,
    ...(valSplit ? { valSplit } : {}),
    ...(data.resize ? { resize: data.resize } : {}),
    ...(data.audio ? { audio: data.audio.frontEnd } : {}),
  };
}

/**
 * How to load the model's data set the way it was trained: its normalisation, its audio front end
 * (audio models) and, when `spec` is the recorded data set (or not given), its held-out split.
 * Another data set gets only the normalisation and the front end (the model still expects them).
 */
export function recordedLoadOptions(p: ModelPreprocessing | undefined, spec?: string): Pick<LoadDatasetOptions, 'normalization' | 'valSplit' | 'image' | 'audioFrontEnd'> {
  if (!p) return {};
  const same = spec === undefined || spec === p.dataset;
  const s = p.sampleShape;
  // Image files are fitted to the recorded input: its size and channels, the recorded fit.
  const image: ImageOptions | undefined = !p.audio && s?.length === 3 && (s[2] === 1 || s[2] === 3) ? { size: [s[0]!, s[1]!], channels: s[2], resize: p.resize } : undefined;
  return {
    normalization: { mean: p.mean, std: p.std },
    ...(same && p.valSplit ? { valSplit: p.valSplit } : {}),
    ...(image ? { image } : {}),
    ...(p.audio ? { audioFrontEnd: p.audio } : {}),
  };
}

/** The pixel normalisation a model was trained with, when it records one. */
export function recordedNormalization(summary: Pick<ModelSummary, 'metadata'>, where: string): Normalization | undefined {
  const p = readPreprocessing(summary, where);
  return p ? { mean: p.mean, std: p.std } : undefined;
}

/** `mean` and `std`: a number each (older models) or arrays of 1..MAX_CHANNELS, stds > 0. */
function normalization(f: JsonFields): Normalization {
  const n = normalizationFrom(f.raw('mean'), f.raw('std'));
  const ok = (v: number[]) => v.length >= 1 && v.length <= MAX_CHANNELS && v.every(Number.isFinite);
  if (!n || !ok(n.mean)) f.expected('mean', `a number or an array of 1..${MAX_CHANNELS} numbers`);
  if (!ok(n.std) || n.std.some((s) => s <= 0)) f.expected('std', `a number > 0 or an array of 1..${MAX_CHANNELS} numbers > 0`);
  if (n.std.length !== n.mean.length) f.fail('std', `${n.std.length} values, mean has ${n.mean.length}`);
  return n;
}

function classNames(f: JsonFields): string[] {
  const names = f.raw('classNames');
  if (!Array.isArray(names) || names.length === 0 || names.length > MAX_CLASSES) f.expected('classNames', `an array of 1..${MAX_CLASSES} names`);
  for (const n of names) {
    if (typeof n !== 'string' || n.length === 0 || n.length > MAX_CLASS_NAME) f.expected('classNames', `names of 1..${MAX_CLASS_NAME} characters`);
  }
  return names as string[];
}
