// A run's settings in run.json (`options`) and back: what `train --resume` continues with.
import { resolve } from 'node:path';
import type { AudioAugmentation } from '../augment/audio-augmentation.js';
import type { ObserverKind } from '../qat/quant/observers.js';
import type { RunInfo } from '../run-folder.js';
import type { TrainSettings } from './train-settings.js';

/** The settings run.json records (`limit` as the number of images actually used). */
export function recordedOptions(settings: TrainSettings, count: number, observer: ObserverKind): Record<string, unknown> {
  return {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    lr: settings.lr,
    lrSchedule: settings.lrSchedule,
    seed: settings.seed,
    limit: count,
    perChannel: !!settings.perChannel,
    observer,
    checkpointEvery: settings.checkpointEvery,
    perTensorConv: !!settings.perTensorConv,
    freezeObserversAfter: settings.freezeObserversAfter,
    freezeBnAfter: settings.freezeBnAfter,
    floatOnly: !!settings.floatOnly,
    dropout: settings.dropout !== false,
    valSplit: settings.valSplit,
    cropPadding: settings.cropPadding ?? 0,
    flip: !!settings.flip,
    l2: settings.l2 ?? 0,
    labelSmoothing: settings.labelSmoothing ?? 0,
    // Absolute, so that --resume from another working folder finds the same teachers.
    ...(settings.teacher?.length ? { teachers: settings.teacher.map((dir) => resolve(dir)), distillWeight: settings.distillWeight ?? DEFAULT_DISTILL_WEIGHT } : {}),
  };
}

/** The teachers' share of the targets when --distill-weight is not given. */
export const DEFAULT_DISTILL_WEIGHT = 0.5;

/** The settings a run was trained with (its run.json), for --resume; `given` fills what it lacks. */
export function resumedSettings(info: RunInfo, given: TrainSettings): TrainSettings {
  const o = info.options as Partial<TrainSettings> & { augmentation?: AudioAugmentation | null; teachers?: string[] };
  return {
    ...given,
    model: info.model,
    dataset: info.dataset,
    epochs: o.epochs ?? given.epochs,
    batchSize: o.batchSize ?? given.batchSize,
    lr: o.lr ?? given.lr,
    lrSchedule: o.lrSchedule ?? 'constant', // runs from before schedules existed trained at a constant rate
    seed: o.seed ?? given.seed,
    limit: o.limit,
    perChannel: o.perChannel,
    observer: o.observer,
    checkpointEvery: o.checkpointEvery,
    perTensorConv: o.perTensorConv,
    freezeObserversAfter: o.freezeObserversAfter,
    freezeBnAfter: o.freezeBnAfter,
    floatOnly: o.floatOnly,
    dropout: o.dropout, // a resumed model's Dropout layers already carry the run's rates
    valSplit: info.valSplit?.fraction,
    // The data as it was loaded: same size, channels, fit and normalisation.
    imageSize: info.sampleShape?.length === 3 ? [info.sampleShape[0]!, info.sampleShape[1]!] : undefined,
    channels: info.sampleShape?.length === 3 && (info.sampleShape[2] === 1 || info.sampleShape[2] === 3) ? info.sampleShape[2] : undefined,
    resize: info.resize,
    normalize: info.normalization,
    cropPadding: o.cropPadding,
    flip: o.flip,
    // Audio runs record their augmentation (null: off); image runs have none.
    augment: o.augmentation !== null,
    timeShiftMs: o.augmentation?.timeShiftMs,
    backgroundFrequency: o.augmentation?.backgroundFrequency,
    backgroundVolume: o.augmentation?.backgroundVolume,
    speedPerturbation: o.augmentation?.speedPerturbation ?? (o.augmentation ? 0 : undefined), // runs from before it existed had none
    vtlp: o.augmentation?.vtlp ?? (o.augmentation ? 0 : undefined), // likewise
    timeMask: o.augmentation?.timeMask ?? (o.augmentation ? 0 : undefined),
    freqMask: o.augmentation?.freqMask ?? (o.augmentation ? 0 : undefined),
    l2: o.l2 ?? 0,
    labelSmoothing: o.labelSmoothing ?? 0,
    teacher: o.teachers,
    distillWeight: o.distillWeight,
  };
}
