// The settings of one training run.
import type { Normalization } from '../../runtime/datasets/datasets.js';
import type { ResizeMode } from '../../runtime/images/resize.js';
import type { LrSchedule } from '../engine/optim/lr-schedule.js';
import type { InputPreprocessingOptions } from '../models/input-preprocessing.js';
import type { ObserverKind } from '../qat/quant/observers.js';

/** What to train, on what, how; run.json records it (resume.ts). */
export interface TrainSettings extends InputPreprocessingOptions {
  model: string;
  dataset: string;
  epochs: number;
  batchSize: number;
  lr: number;
  /** Learning-rate schedule over the run (cosine decay to zero by default). */
  lrSchedule: LrSchedule;
  seed: number;
  out: string;
  backend: string;
  /** Train on the first N training images only (quick runs, tests). */
  limit?: number;
  perChannel?: boolean;
  observer?: ObserverKind;
  dataDir?: string;
  /** Save a checkpoint every n steps (and at every epoch end). */
  checkpointEvery?: number;
  /** Continue the run in this folder from its latest checkpoint. */
  resume?: string;
  /** Per-tensor weight scales for Conv2D/DepthwiseConv2D (per-channel by default). */
  perTensorConv?: boolean;
  /** Observers stop updating after this many steps. */
  freezeObserversAfter?: number;
  /** Batch-norm statistics freeze after this many steps (training then uses the deployed fold). */
  freezeBnAfter?: number;
  /** Train the plain float model (no QAT) and save it as <out>/model.json + weights.bin. */
  floatOnly?: boolean;
  /** false: every Dropout layer of the model is turned off (rate 0) for this run (--no-dropout). */
  dropout?: boolean;
  /** Hold out this share of the training samples (seeded by --seed, stratified) as the test split. */
  valSplit?: number;
  /** Image folders: the input size [rows, cols] (default: the model's, else the images' most common). */
  imageSize?: [number, number];
  /** Image folders: fit other aspect ratios by stretching or centre-cropping. */
  resize?: ResizeMode;
  /** Image folders: 1 or 3 channels (default: 3 when any image has colour). */
  channels?: 1 | 3;
  /** Normalisation constants (default: the data set's; `stats`: the training pixels' per channel). */
  normalize?: Normalization | 'stats';
  /** Seeded augmentation: random shifts of up to n pixels (crop with padding). */
  cropPadding?: number;
  /** Seeded augmentation: random horizontal flips. */
  flip?: boolean;
  /** Audio sets: augment the training clips (default on; commander's --no-augment sets false). */
  augment?: boolean;
  /** Audio augmentation settings (the reference's defaults when not given). */
  timeShiftMs?: number;
  backgroundFrequency?: number;
  backgroundVolume?: number;
  speedPerturbation?: number;
  vtlp?: number;
  timeMask?: number;
  freqMask?: number;
  /** Audio sets: the mel filters' top frequency in Hz instead of the reference front end's 4000. */
  melUpperHz?: number;
  /** Audio sets: MFCCs kept per frame instead of the reference front end's 10 (the model's input is frames × this). */
  mfccCoefficients?: number;
  /** Audio sets: cepstral mean normalisation in the front end (each MFCC but c0 minus its mean over the clip). */
  cepstralMeanNorm?: boolean;
  /** L2 penalty λ·Σw² on the kernels (Keras's l2(λ)); 0 or undefined: none. */
  l2?: number;
  /** Label smoothing ε: targets (1 − ε)·one-hot + ε/classes; 0 or undefined: none. */
  labelSmoothing?: number;
  /** Knowledge distillation (--teacher, repeatable): run folders whose models' averaged probabilities join the targets. */
  teacher?: string[];
  /** The teachers' share of the targets (default 0.5 with teachers). */
  distillWeight?: number;
}
