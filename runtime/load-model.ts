// A .tflite model ready to run, for programs that embed edgeqat's runtime (`loadModel` from
// `edgeqat/runtime`): the bytes are verified (verifier/), loaded on an engine (engines/: `auto`
// picks the fastest one that runs the model), and what the model records about its input
// (normalisation, class names, sample shape: model-metadata.ts) is read once, so that predict() and
// classifyImage() (predict.ts) and loadDatasetFor() need nothing else.
import { loadDataset, type Dataset, type SplitName } from './datasets/datasets.js';
import { elementsPerSample, type Engine, type TensorInfo } from './engines/engine.js';
import { createEngine, type EngineChoice } from './engines/index.js';
import { EdgeqatError } from './errors.js';
import { readPreprocessing, recordedLoadOptions, type ModelPreprocessing } from './model-metadata.js';
import { readTfliteBytes, readTfliteModel, type ModelSummary } from './model-reader.js';

export interface LoadModelOptions {
  /**
   * 'auto' (default: the fastest engine that can run the model), 'reference', 'reference-xnnpack',
   * 'tfjs-tflite' or 'litert' (docs/engines.md).
   */
  engine?: EngineChoice;
  /** CPU threads, for the engines that take a count (in Node all of them compute with one). */
  threads?: number;
  /** Names the model in error messages (default: the path, or 'model.tflite' for bytes). */
  label?: string;
}

export interface LoadedModel {
  readonly label: string;
  /** The engine it runs on: `engine.name` says which one `auto` chose; `engine.run` takes raw batches. */
  readonly engine: Engine;
  readonly input: TensorInfo;
  readonly output: TensorInfo;
  /** Operators, tensors and metadata, as `edgeqat inspect` shows them. */
  readonly summary: ModelSummary;
  /** The input preprocessing the model records (models exported by edgeqat); undefined for others. */
  readonly preprocessing: ModelPreprocessing | undefined;
  /** Class names in label order: the recorded ones, else '0', '1', … (one per output value). */
  readonly classNames: string[];
  /** Frees the engine (its WebAssembly memory). */
  dispose(): void;
}

/**
 * Verifies a .tflite (a file path, or its bytes, e.g. a Buffer) and loads it on an engine. Bad
 * bytes, a missing file or an unknown engine are one-line EdgeqatErrors (E_MODEL_FILE, E_OPTION);
 * a model no engine can run is E_UNSUPPORTED with each engine's reason.
 */
export async function loadModel(source: Uint8Array | string, opts: LoadModelOptions = {}): Promise<LoadedModel> {
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) {
    throw new EdgeqatError('E_OPTION', "loadModel takes a .tflite file's path or its bytes (a Uint8Array or Buffer)");
  }
  const label = opts.label ?? (typeof source === 'string' ? source : 'model.tflite');
  const bytes = typeof source === 'string' ? readTfliteBytes(source) : source;
  const summary = readTfliteModel(bytes, label); // verified before any engine sees it
  const preprocessing = readPreprocessing(summary, label);
  const engine = await createEngine(opts.engine ?? 'auto', bytes, label, { threads: opts.threads });
  const outputs = elementsPerSample(engine.output);
  const recorded = preprocessing?.classNames;
  const classNames = recorded?.length === outputs ? recorded : Array.from({ length: outputs }, (_, i) => String(i));
  return { label, engine, input: engine.input, output: engine.output, summary, preprocessing, classNames, dispose: () => engine.dispose() };
}

export interface DatasetForOptions {
  /** The data set spec (default: the one the model records, e.g. `mnist`). */
  dataset?: string;
  /** Default `test`: the set's test split, or the held-out share the model records (train --val-split). */
  split?: SplitName;
  /** Folder holding the files of a registered set (mnist, fashion-mnist) instead of its default place. */
  dataDir?: string;
}

/**
 * A data set loaded the way the model was trained on it (what `edgeqat eval` does): the recorded
 * normalisation, image size and channels, and the recorded held-out split; its inputs go straight
 * into predict() and evaluate().
 */
export function loadDatasetFor(model: Pick<LoadedModel, 'label' | 'preprocessing'>, opts: DatasetForOptions = {}): Dataset {
  const spec = opts.dataset ?? model.preprocessing?.dataset;
  if (!spec) throw new EdgeqatError('E_OPTION', `${model.label}: records no data set (not exported by edgeqat): name one ({ dataset: 'mnist' })`);
  return loadDataset(spec, { split: opts.split ?? 'test', dataDir: opts.dataDir, ...recordedLoadOptions(model.preprocessing, spec) });
}
