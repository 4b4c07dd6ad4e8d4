// The preprocessing a model expects, carried inside the .tflite (Model.metadata entry
// `edgeqat_preprocessing`, UTF-8 JSON) so that `eval`, `bench`, the report and the device bundle
// feed the model exactly what it was trained on, and name its classes. The converter writes it;
// everything else reads it through `readPreprocessing`. A .tflite can come from anywhere, so the
// entry is validated like any other input: a malformed one is one line naming the key.
import { checkFeatureShape, readFrontEnd, type AudioFrontEnd } from './audio/front-end.js';
import type { Dataset, Normalization } from './datasets/dataset.js';
import { EdgeqatError } from './errors.js';
import { JsonFields } from './json-fields.js';
import type { ModelSummary } from './model-reader.js';

export const PREPROCESSING_METADATA = 'edgeqat_preprocessing';

export interface ModelPreprocessing {
  /** The data set spec the model was trained on (the default of eval, bench and bundle samples). */
  dataset: string;
  /** Pixel normalisation: model input = (pixel/255 - mean)/std. */
  mean: number;
  std: number;
  /** Class names in label order; absent in models written before they were recorded. */
  classNames?: string[];
  /** One sample's shape, channels last ([28, 28, 1]); absent in older models. */
  sampleShape?: number[];
  /** Audio models: the front end that turns a clip into the input (runtime/audio/front-end.ts). */
  audio?: AudioFrontEnd;
}

const KEYS = ['dataset', 'mean', 'std', 'classNames', 'sampleShape', 'audio'] as const;
/** Bounds that keep a hostile entry from costing memory; real models are far below them. */
const MAX_CLASSES = 100_000;
const MAX_CLASS_NAME = 256;

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
  const p: ModelPreprocessing = { dataset: f.string('dataset'), mean: f.number('mean'), std: f.positiveNumber('std') };
  if (f.has('classNames')) p.classNames = classNames(f);
  if (f.has('sampleShape')) p.sampleShape = f.integerArray('sampleShape', 1, 1 << 16);
  if (f.has('audio')) {
    p.audio = readFrontEnd(f.object('audio'));
    checkFeatureShape(p.audio, p.sampleShape, source);
  }
  return p;
}

/** What a model trained on `data` records: the set, its normalisation, class names and sample shape. */
export function preprocessingOf(data: Pick<Dataset, 'name' | 'normalization' | 'classNames' | 'sampleShape' | 'audio'>): ModelPreprocessing {
  return { dataset: data.name, ...data.normalization, classNames: data.classNames, sampleShape: data.sampleShape, ...(data.audio ? { audio: data.audio.frontEnd } : {}) };
}

/** The audio front end a model was trained with, when it is an audio model. */
export function recordedFrontEnd(summary: Pick<ModelSummary, 'metadata'>, where: string): AudioFrontEnd | undefined {
  return readPreprocessing(summary, where)?.audio;
}

/** The pixel normalisation a model was trained with, when it records one. */
export function recordedNormalization(summary: Pick<ModelSummary, 'metadata'>, where: string): Normalization | undefined {
  const p = readPreprocessing(summary, where);
  return p ? { mean: p.mean, std: p.std } : undefined;
}

function classNames(f: JsonFields): string[] {
  const names = f.raw('classNames');
  if (!Array.isArray(names) || names.length === 0 || names.length > MAX_CLASSES) f.expected('classNames', `an array of 1..${MAX_CLASSES} names`);
  for (const n of names) {
    if (typeof n !== 'string' || n.length === 0 || n.length > MAX_CLASS_NAME) f.expected('classNames', `names of 1..${MAX_CLASS_NAME} characters`);
  }
  return names as string[];
}
