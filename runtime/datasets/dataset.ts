// What every data set gives the trainer, `eval`, `bench`, the report and the device bundle: samples
// as the model takes them (float32, one `sampleShape` each), labels, class names, and how a raw
// sample became a model input (`normalization`, recorded with the model). One loader per source
// format (IDX, image folders, CIFAR, WAV clips, ...) produces this shape; ./datasets.ts picks the
// loader from the spec. Node built-ins only: the runtime runs on devices.
import type { AudioFrontEnd } from '../audio/front-end.js';
import type { ResizeMode } from '../images/resize.js';

/** A seeded, stratified held-out share of the training samples (./val-split.ts draws it). */
export interface ValSplit {
  /** Share of each class's training samples held out, in (0, 1). */
  fraction: number;
  /** Seed of the draw (train records its --seed). */
  seed: number;
}

export type SplitName = 'train' | 'test' | 'both';

/**
 * Pixel normalisation per channel (channels last): model input = (pixel/255 - mean[c])/std[c].
 * One value per statistic applies to every channel (the MNIST family); colour sets have one per
 * channel. [0, 1] inputs are mean [0], std [1]; [-1, 1] inputs are mean [0.5], std [0.5].
 */
export interface Normalization {
  mean: number[];
  std: number[];
}

export interface Split {
  /** Model inputs: count × sampleSize(sampleShape) float32 values, one sample after the other. */
  inputs: Float32Array;
  labels: Uint8Array;
  count: number;
  /** The raw uint8 pixels the inputs came from, when the source has them (int8 engines, bundles). */
  pixels?: Uint8Array;
  /**
   * Audio sources: the clips the inputs were computed from, count × frontEnd.clipSamples float32
   * samples (mono, at the front end's rate, padded or cut, not normalised): training augments
   * them, bundles ship them.
   */
  clips?: Float32Array;
  /** Audio sources: where each sample came from (a path relative to the set's folder). */
  sources?: string[];
}

/** What an audio source adds to its Dataset. */
export interface AudioData {
  /** The front end that turned clips into the inputs (recorded with the model). */
  frontEnd: AudioFrontEnd;
  /** Long noise recordings (`_background_noise_/`) at the front end's rate, for augmentation. */
  background: Float32Array[];
  /** Their paths relative to the set's folder. */
  backgroundFiles: string[];
  /** Index of the class cut from background noise (`_silence_`), when the set has one. */
  silenceClass?: number;
}

export interface Dataset {
  /** The spec it was loaded from, e.g. `mnist` or `idx:./data`. */
  name: string;
  /** Folder the files were read from. */
  dir: string;
  /** Class names in label order (label i is classNames[i]). */
  classNames: string[];
  numClasses: number;
  /** Shape of one sample without the batch dimension, channels last: [28, 28, 1], [32, 32, 3]. */
  sampleShape: number[];
  normalization: Normalization;
  /** How images of other sizes were fitted to sampleShape (image-file sources only). */
  resize?: ResizeMode;
  train?: Split;
  test?: Split;
  /** Audio sources (speech-commands:, wav:) only. */
  audio?: AudioData;
}

export interface LoadDatasetOptions {
  /** Folder holding the files, instead of the set's default location (registered sets only). */
  dataDir?: string;
  split?: SplitName;
  /** Overrides the set's constants, e.g. with those recorded in a converted model. */
  normalization?: Normalization;
  /** Audio sources: the front end to compute inputs with (a model's recorded one); the set's default otherwise. */
  audioFrontEnd?: AudioFrontEnd;
  /**
   * Hold out this seeded, stratified share of the training samples as the `test` split (the
   * source's own test split, if any, is not used). Recorded with the model so that `eval`, the
   * report and bundles get the same held-out samples.
   */
  valSplit?: ValSplit;
  /** Image-file sources: the size and channels to fit every image to, and how. */
  image?: ImageOptions;
}

export interface ImageOptions {
  /** [rows, cols]; default: the most common size of the training images. */
  size?: [number, number];
  /** 1 or 3; default: 3 when any training image has colour, else 1. */
  channels?: 1 | 3;
  /** Aspect handling (default stretch). */
  resize?: ResizeMode;
}

/** One kind of data set: a registered name (`mnist`) or a prefix taking a folder (`idx:<folder>`). */
export interface DatasetSource {
  /** `mnist`, or a prefix ending in ':' such as `idx:`. */
  spec: string;
  description: string;
  /** `arg` is the text after the prefix (the folder), or '' for a registered name. */
  load(spec: string, arg: string, opts: LoadDatasetOptions): Dataset;
}

/** Values per sample: the product of the sample shape. */
export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Sample `i` of a split's inputs (a view, no copy). */
export function sampleOf(split: Split, shape: readonly number[], i: number): Float32Array {
  const n = sampleSize(shape);
  return split.inputs.subarray(i * n, (i + 1) * n);
}

/** '0'..'n-1': the class names of sets whose labels are their names (digits). */
export function numberedClasses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}
