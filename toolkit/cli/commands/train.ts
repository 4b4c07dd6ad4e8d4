// `edgeqat train`: QAT (or with --float-only plain float training) of a built-in model or a TF.js
// model.json on a data set into a run folder (toolkit/training/train-run.ts); Ctrl-C or SIGTERM
// saves a checkpoint and exits 130/143, --resume continues the run.
import { join } from 'node:path';
import { Command } from 'commander';
import { BACKENDS } from '../../engine/backend.js';
import { LR_SCHEDULES } from '../../engine/optim/lr-schedule.js';
import { addInputPreprocessingOptions } from '../../models/input-preprocessing.js';
import { OBSERVER_KINDS } from '../../qat/quant/observers.js';
import { DEFAULT_DISTILL_WEIGHT } from '../../training/resume.js';
import { TRAIN_DEFAULTS } from '../../training/train.js';
import { trainRun, type TrainSummary } from '../../training/train-run.js';
import type { TrainSettings } from '../../training/train-settings.js';
import { RESIZE_MODES } from '../../../runtime/images/resize.js';
import { channelsOption, imageSize, normalizeOption, RESIZE_HELP } from '../image-options.js';
import { fraction, intIn, nonNegativeInt, numberIn, oneOf, positiveInt, positiveNumber } from '../options.js';
import { REFERENCE_AUDIO_AUGMENTATION } from '../../augment/audio-augmentation.js';
import { createProgress } from '../progress.js';
import { watchStopSignals } from '../stop-signals.js';
import { BUILTIN_MODELS } from '../../models/index.js';

export interface TrainCommandOptions extends TrainSettings {
  quiet?: boolean;
}


export async function runTrain(opts: TrainCommandOptions): Promise<TrainSummary> {
  return trainRun(opts, { progress: (label) => createProgress(label, opts.quiet), watchStop: watchStopSignals });
}

export function formatTrainSummary(s: TrainSummary): string {
  return [
    `trained ${s.info.model} on ${s.trainImages} ${s.info.dataset} images: ${s.steps} steps in ${s.trainSeconds.toFixed(1)} s (${s.backend} backend)`,
    `${s.info.options.floatOnly ? 'float' : 'fake-quant'} (TF.js) ${s.info.valSplit ? 'held-out' : 'test'} accuracy: ${s.qatAccuracy.toFixed(4)} on ${s.testCount} images`,
    `run folder: ${s.runDir}${s.info.options.floatOnly ? ` (float model: ${join(s.runDir, 'model.json')}; QAT-train it with --model)` : ''}`,
  ].join('\n');
}

export function addTrainOptions(cmd: Command): Command {
  const withModel = cmd
    .option('--model <name|file>', `built-in model (${Object.keys(BUILTIN_MODELS).join(', ')}), or your model: Keras .keras/.h5, float .tflite, TF.js model.json`, TRAIN_DEFAULTS.model)
    .option('--dataset <spec>', 'mnist | fashion-mnist | idx:<folder> | images:<folder> | cifar10:<folder> | speech-commands:<folder> | wav:<folder>', TRAIN_DEFAULTS.dataset)
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--epochs <n>', 'training epochs', positiveInt('--epochs'), TRAIN_DEFAULTS.epochs)
    .option('--batch-size <n>', 'mini-batch size', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
    .option('--lr <x>', 'Adam learning rate', positiveNumber('--lr'), TRAIN_DEFAULTS.lr)
    .option('--lr-schedule <kind>', `learning rate over the run (${LR_SCHEDULES.join(', ')})`, oneOf('--lr-schedule', LR_SCHEDULES), TRAIN_DEFAULTS.lrSchedule)
    .option('--seed <n>', 'random seed (weights, data order)', nonNegativeInt('--seed'), TRAIN_DEFAULTS.seed)
    .option('--limit <n>', 'train on the first n training images', positiveInt('--limit'))
    .option('--per-channel', 'per-output-channel weight scales for Dense layers')
    .option('--per-tensor-conv', 'one weight scale per Conv2D/DepthwiseConv2D kernel (per output channel by default)')
    .option('--freeze-observers-after <n>', 'stop updating activation ranges after n steps', nonNegativeInt('--freeze-observers-after'))
    .option('--freeze-bn-after <m>', 'freeze batch-norm statistics after m steps (then train with the deployed fold)', nonNegativeInt('--freeze-bn-after'))
    .option('--val-split <fraction>', 'hold out this share of the training samples (stratified, seeded by --seed) as the test split', fraction('--val-split'))
    .option('--image-size <WxH>', "image folders: the model's input size, e.g. 32x32 (default: the model's own, else the images' most common size)", imageSize('--image-size'))
    .option('--resize <mode>', `image folders: ${RESIZE_HELP}`, oneOf('--resize', RESIZE_MODES))
    .option('--channels <n>', 'image folders: 1 (grayscale) or 3 (RGB) (default: 3 when any image has colour)', channelsOption('--channels'))
    .option('--crop-padding <n>', 'augment images: shift each by up to n pixels (random crop with padding), seeded', nonNegativeInt('--crop-padding'))
    .option('--flip', 'augment images: random horizontal flips, seeded')
    .option('--normalize <how>', "input normalisation: stats (the training pixels' mean/std per channel), unit ([0,1]), symmetric ([-1,1]) or MEAN/STD lists (default: the data set's)", normalizeOption('--normalize'))
    .option('--no-augment', 'audio sets: train on the clips as they are (no time shift, no background noise)')
    .option('--time-shift-ms <ms>', `audio sets: largest random time shift (default ${REFERENCE_AUDIO_AUGMENTATION.timeShiftMs})`, numberIn('--time-shift-ms', 0, 10000))
    .option('--background-frequency <p>', `audio sets: share of clips mixed with background noise (default ${REFERENCE_AUDIO_AUGMENTATION.backgroundFrequency})`, numberIn('--background-frequency', 0, 1))
    .option('--background-volume <v>', `audio sets: largest background noise volume (default ${REFERENCE_AUDIO_AUGMENTATION.backgroundVolume})`, numberIn('--background-volume', 0, 1))
    .option('--speed-perturbation <f>', 'audio sets: play each clip faster or slower by up to this fraction (pitch and formants together), seeded (default 0: off, as the reference)', numberIn('--speed-perturbation', 0, 0.5))
    .option('--vtlp <f>', 'audio sets: warp each clip\'s frequency axis by up to this fraction (vocal tract length perturbation: formants move, pitch and timing stay), seeded (default 0: off, as the reference)', numberIn('--vtlp', 0, 0.3))
    .option('--time-mask <frames>', 'audio sets: SpecAugment time masks, two per clip of up to this many feature frames each, seeded (default 0: off, as the reference)', nonNegativeInt('--time-mask'))
    .option('--freq-mask <bands>', 'audio sets: SpecAugment frequency masks, two per clip of up to this many mel bands each, seeded (default 0: off, as the reference)', nonNegativeInt('--freq-mask'))
    .option('--mel-upper-hz <hz>', "audio sets: the mel filters' top frequency, instead of the reference front end's 4000 (recorded with the model; at most 8000, half its 16 kHz)", numberIn('--mel-upper-hz', 100, 8000))
    .option('--mfcc-coefficients <n>', "audio sets: MFCCs kept per frame, instead of the reference front end's 10 (recorded with the model; at most its 40 mel bins); the model's input becomes 49×n", intIn('--mfcc-coefficients', 1, 40))
    .option('--cepstral-mean-norm', "audio sets: subtract each MFCC's mean over the clip's frames (c0 excepted) in the front end, against a speaker's or microphone's fixed colouring (recorded with the model; off in the reference)")
    .option('--l2 <lambda>', "L2 penalty lambda x sum of squared kernel weights (Keras's l2(lambda); MLPerf Tiny's KWS reference uses 1e-4) (default 0: off)", numberIn('--l2', 0, 0.1))
    .option('--label-smoothing <e>', "train towards (1 - e) x one-hot + e / classes instead of one-hot targets (Keras's label_smoothing) (default 0: off)", numberIn('--label-smoothing', 0, 0.5))
    .option('--teacher <run>', "knowledge distillation: a trained run folder (QAT or --float-only; same classes, input and front end) whose probabilities join the targets; repeat for an ensemble, whose probabilities are averaged", (dir: string, previous: string[] = []) => [...previous, dir])
    .option('--distill-weight <w>', `with --teacher: the teachers' share of the targets, (1 - w) x labels + w x teachers (default ${DEFAULT_DISTILL_WEIGHT})`, numberIn('--distill-weight', 0, 1))
    .option('--no-dropout', "turn the model's Dropout layers off for this run (kws-dscnn has the reference's two)")
    .option('--float-only', 'train the plain float model (no QAT); saves <out>/model.json + weights.bin for --model')
    .option('--observer <kind>', `activation observer (${OBSERVER_KINDS.join(', ')})`, oneOf('--observer', OBSERVER_KINDS))
    .option('--backend <name>', `TF.js backend (${BACKENDS.join(', ')})`, oneOf('--backend', BACKENDS), TRAIN_DEFAULTS.backend)
    .option('--quiet', 'no progress output');
  return addInputPreprocessingOptions(withModel);
}

export function trainCommand(): Command {
  return addTrainOptions(new Command('train').description('quantization-aware training; writes a run folder'))
    .option('--out <dir>', 'run folder', TRAIN_DEFAULTS.out)
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps (and at every epoch end)', positiveInt('--checkpoint-every'), 1000)
    .option('--resume <dir>', 'continue the run in <dir> from its latest checkpoint (its own settings and backend)')
    .action(async (opts: TrainCommandOptions) => {
      const summary = await runTrain(opts);
      console.log(formatTrainSummary(summary));
    });
}
