// `edgeqat train`: build a built-in model or load the user's (a TF.js model.json), check every
// layer against the quantize registry, prepare it for QAT, fine-tune it on a data set, evaluate
// the fake-quant model, and save a run folder. With --float-only: plain float training, and the
// trained model saved as <run>/model.json + weights.bin (feed it back with --model).
import { Command } from 'commander';
import { loadDataset, sampleSize } from '../../../runtime/datasets/datasets.js';
import { initBackend, BACKENDS } from '../../engine/backend.js';
import { builtinModel, isModelFile } from '../../models/index.js';
import { loadModelFile, saveModelFile } from '../../models/file-io.js';
import { logitsModel } from '../../models/logits.js';
import { join } from 'node:path';
import { EdgeqatError, isEdgeqatError } from '../../../runtime/errors.js';
import { loadRun, readRunMetricsOrNull, restoreOptimizer, saveCheckpoint, writeRunFiles, type RunInfo } from '../../run-folder.js';
import { JsAdam } from '../../engine/optim/adam.js';
import { AccuracyRecorder } from '../../accuracy-history.js';
import { DEFAULT_LR_SCHEDULE, LR_SCHEDULES, type LrSchedule } from '../../engine/optim/lr-schedule.js';
import { watchStopSignals } from '../stop-signals.js';
import { floatParamCount, prepareQat, qatScheduleHook, rewriteForQat } from '../../qat/prepare.js';
import { OBSERVER_KINDS, DEFAULT_ACTIVATION_OBSERVER, type ObserverKind } from '../../qat/quant/observers.js';
import { quantizationReport, type LayerQuantReport } from '../../qat/quant-report.js';
import { predictClasses, trainModel, type LossPoint, type TrainResult } from '../../engine/train.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import { numberIn, oneOf, positiveInt, positiveNumber, nonNegativeInt } from '../options.js';
import { audioFillBatch, REFERENCE_AUDIO_AUGMENTATION, type AudioAugmentation } from '../../augment/audio-augmentation.js';
import type { Dataset } from '../../../runtime/datasets/datasets.js';
import { createProgress } from '../progress.js';

export interface TrainCommandOptions {
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
  quiet?: boolean;
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
  /** Audio sets: augment the training clips (default on; commander's --no-augment sets false). */
  augment?: boolean;
  /** Audio augmentation settings (the reference's defaults when not given). */
  timeShiftMs?: number;
  backgroundFrequency?: number;
  backgroundVolume?: number;
}

export const TRAIN_DEFAULTS = {
  model: 'mlp',
  dataset: 'mnist',
  epochs: 1,
  batchSize: 10,
  lr: 0.001,
  lrSchedule: DEFAULT_LR_SCHEDULE,
  seed: 0,
  out: 'runs/mlp',
  backend: 'auto',
} as const;

export interface TrainSummary {
  runDir: string;
  backend: string;
  trainImages: number;
  steps: number;
  trainSeconds: number;
  finalLoss: number;
  qatAccuracy: number;
  qatPredictions: Int32Array;
  testCount: number;
  paramCount: number;
  floatBytes: number;
  report: LayerQuantReport[];
  model: tfl.LayersModel;
  info: RunInfo;
}

/**
 * A user's model file. For QAT it is checked before anything is trained: its layer classes (in
 * model.json, before TF.js builds anything), then the graph rewrites. Float training takes any
 * model TF.js can train; QAT checks it later.
 */
async function loadUserModel(path: string, floatOnly: boolean): Promise<tfl.LayersModel> {
  const model = await loadModelFile(path, { checkLayers: !floatOnly });
  if (!floatOnly) rewriteForQat(model);
  return model;
}

/** The model's input must hold one image of the data set, its output one logit per class. */
function checkModelFitsData(model: tfl.LayersModel, spec: string, dataset: string, inputSize: number, numClasses: number): void {
  const input = (model.inputs[0].shape as (number | null)[]).slice(1);
  const output = (model.outputs[0].shape as (number | null)[]).slice(1);
  const values = input.reduce<number>((a, d) => a * (d ?? NaN), 1);
  if (values !== inputSize) {
    throw new EdgeqatError('E_DATASET', `${spec}: model input [${input.join(', ')}] does not hold a ${dataset} image (${inputSize} values)`);
  }
  if (output.length !== 1 || output[0] !== numClasses) {
    throw new EdgeqatError('E_DATASET', `${spec}: model output [${output.join(', ')}] is not one value per ${dataset} class (${numClasses})`);
  }
}

export async function runTrain(opts: TrainCommandOptions): Promise<TrainSummary> {
  const backend = await initBackend(opts.backend);
  const resumed = opts.resume ? await loadRun(opts.resume) : null;
  // A resumed run continues with its own settings; the other options are ignored.
  const settings = resumed ? settingsOf(resumed.info, opts) : opts;
  const runDir = opts.resume ?? opts.out;
  const fromFile = isModelFile(settings.model);
  const userModel = fromFile && !resumed ? await loadUserModel(settings.model, !!settings.floatOnly) : null;
  const builder = fromFile ? null : builtinModel(settings.model);
  const data = loadDataset(settings.dataset, { dataDir: settings.dataDir });
  const train = data.train!;
  const test = data.test!;
  const count = Math.min(settings.limit ?? train.count, train.count);
  const inputSize = sampleSize(data.sampleShape);
  const augmentation = augmentationOf(settings, data);

  const float = userModel ?? (resumed ? null : builder!.build(settings.seed, data.sampleShape, data.numClasses));
  if (float) checkModelFitsData(float, settings.model, settings.dataset, inputSize, data.numClasses);
  const observer = { ...DEFAULT_ACTIVATION_OBSERVER, kind: settings.observer ?? DEFAULT_ACTIVATION_OBSERVER.kind };
  const model = resumed
    ? resumed.model
    : settings.floatOnly
      ? float!
      : prepareQat(float!, { perChannel: settings.perChannel, perTensorConv: settings.perTensorConv, observer });
  if (float && float !== model) float.dispose();
  const paramCount = settings.floatOnly ? model.countParams() : floatParamCount(model);
  const modelInputShape = (model.inputs[0].shape as number[]).slice(1);
  // Float training runs on the logits; QAT models pass them through their SOFTMAX in training.
  const trainee = settings.floatOnly ? logitsModel(model) : model;
  const schedule = settings.floatOnly ? undefined : qatScheduleHook(model, { freezeObserversAfter: settings.freezeObserversAfter, freezeBnAfter: settings.freezeBnAfter });
  const optimizer = new JsAdam({ learningRate: settings.lr });
  if (resumed) restoreOptimizer(resumed.checkpoint, model, optimizer, resumed.state);

  const info: RunInfo = {
    model: settings.model,
    dataset: settings.dataset,
    normalization: data.normalization,
    numClasses: data.numClasses,
    classNames: data.classNames,
    sampleShape: data.sampleShape,
    inputShape: modelInputShape,
    options: {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      lr: settings.lr,
      lrSchedule: settings.lrSchedule,
      seed: settings.seed,
      limit: count,
      perChannel: !!settings.perChannel,
      observer: observer.kind,
      checkpointEvery: settings.checkpointEvery,
      perTensorConv: !!settings.perTensorConv,
      freezeObserversAfter: settings.freezeObserversAfter,
      freezeBnAfter: settings.freezeBnAfter,
      floatOnly: !!settings.floatOnly,
      ...(data.audio ? { augmentation } : {}),
    },
    ...(data.audio ? { audio: data.audio.frontEnd } : {}),
    backend,
    createdAt: resumed?.info.createdAt ?? new Date().toISOString(),
    trainSeconds: resumed?.info.trainSeconds ?? 0,
  };
  const priorMetrics = resumed ? readRunMetricsOrNull(runDir) : null;
  const history: LossPoint[] = priorMetrics?.history ?? [];
  // Accuracy curves for `edgeqat report` (metrics.json: accuracy, epochAccuracy).
  const accuracy = new AccuracyRecorder(model, test, priorMetrics, resumed?.state.position.step ?? 0);
  if (!resumed) writeRunFiles(runDir, info, { history, ...accuracy.fields() });

  const progress = createProgress(`train (${backend})`, settings.quiet);
  const stop = watchStopSignals();
  let lastCheckpoint = resumed?.state.position.step ?? null;
  let result: TrainResult;
  try {
    result = await trainModel(
      trainee,
      {
        inputs: train.inputs,
        labels: train.labels,
        count,
        featureSize: inputSize,
        ...(augmentation ? { fillBatch: audioFillBatch(train, data.audio!, augmentation, settings.seed) } : {}),
      },
      {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        lr: settings.lr,
        lrSchedule: settings.lrSchedule,
        seed: settings.seed,
        numClasses: data.numClasses,
        optimizer,
        resume: resumed?.state.position,
        progressEvery: 100,
        checkpointEvery: settings.checkpointEvery,
        shouldStop: () => stop.signal !== null,
        beforeStep: schedule,
        onCheckpoint: async (position, hist) => {
          await saveCheckpoint(runDir, model, optimizer, position);
          writeRunFiles(runDir, info, { history: hist, position, ...accuracy.fields() });
          lastCheckpoint = position.step;
        },
        onProgress: (p) => {
          accuracy.onProgress(p, settings.epochs);
          progress.update((p.epoch - 1) * p.stepsPerEpoch + p.step, p.stepsPerEpoch * settings.epochs, `epoch ${p.epoch} loss ${p.loss.toFixed(4)}`);
        },
      },
      history,
    );
  } catch (e) {
    if (isEdgeqatError(e) && e.code === 'E_DIVERGED') {
      const kept = lastCheckpoint === null ? 'no checkpoint was saved yet' : `last good checkpoint (step ${lastCheckpoint}) kept in ${runDir}`;
      throw new EdgeqatError('E_DIVERGED', `${e.message}; ${kept}`);
    }
    throw e;
  } finally {
    stop.dispose();
  }
  info.trainSeconds += result.seconds;
  if (result.interrupted) {
    writeRunFiles(runDir, info, { history: result.history, position: result.position, ...accuracy.fields() });
    const code = stop.signal === 'SIGTERM' ? 'E_SIGTERM' : 'E_SIGINT';
    throw new EdgeqatError(code, `interrupted at step ${result.position.step}: checkpoint saved in ${runDir} (continue with: edgeqat train --resume ${runDir})`);
  }
  progress.done(`${result.steps} steps in ${result.seconds.toFixed(1)} s, loss ${result.finalLoss.toFixed(4)}`);

  const qatPredictions = predictClasses(model, test.inputs, test.count);
  let correct = 0;
  for (let i = 0; i < test.count; i++) if (qatPredictions[i] === test.labels[i]) correct++;
  const qatAccuracy = correct / test.count;
  info.qatAccuracy = qatAccuracy;
  accuracy.epochEnd(result.steps, settings.epochs, qatAccuracy);
  if (settings.floatOnly) await saveModelFile(model, runDir);
  writeRunFiles(runDir, info, { history: result.history, ...accuracy.fields(), steps: result.steps, finalLoss: result.finalLoss, qatAccuracy, testSamples: test.count });
  return {
    runDir,
    backend,
    trainImages: count,
    steps: result.steps,
    trainSeconds: info.trainSeconds,
    finalLoss: result.finalLoss,
    qatAccuracy,
    qatPredictions,
    testCount: test.count,
    paramCount,
    floatBytes: paramCount * 4,
    report: quantizationReport(model),
    model,
    info,
  };
}

/** The options a run was trained with (run.json), for --resume. */
function settingsOf(info: RunInfo, cli: TrainCommandOptions): TrainCommandOptions {
  const o = info.options as Partial<TrainCommandOptions> & { augmentation?: AudioAugmentation | null };
  return {
    ...cli,
    model: info.model,
    dataset: info.dataset,
    epochs: o.epochs ?? cli.epochs,
    batchSize: o.batchSize ?? cli.batchSize,
    lr: o.lr ?? cli.lr,
    lrSchedule: o.lrSchedule ?? 'constant', // runs from before schedules existed trained at a constant rate
    seed: o.seed ?? cli.seed,
    limit: o.limit,
    perChannel: o.perChannel,
    observer: o.observer,
    checkpointEvery: o.checkpointEvery,
    perTensorConv: o.perTensorConv,
    freezeObserversAfter: o.freezeObserversAfter,
    freezeBnAfter: o.freezeBnAfter,
    floatOnly: o.floatOnly,
    // Audio runs record their augmentation (null: off); image runs have none.
    augment: o.augmentation !== null,
    timeShiftMs: undefined,
    backgroundFrequency: undefined,
    backgroundVolume: undefined,
    ...(o.augmentation ?? {}),
  };
}

/** The augmentation of an audio set's training clips (null: off); the options are refused for other sets. */
function augmentationOf(settings: TrainCommandOptions, data: Dataset): AudioAugmentation | null {
  const given = (['timeShiftMs', 'backgroundFrequency', 'backgroundVolume'] as const).filter((k) => settings[k] !== undefined);
  if (!data.audio) {
    const flag = given.length > 0 ? `--${given[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : settings.augment === false ? '--no-augment' : null;
    if (flag) throw new EdgeqatError('E_OPTION', `${flag} applies to audio data sets (speech-commands:, wav:), not ${data.name}`);
    return null;
  }
  if (settings.augment === false) {
    if (given.length > 0) throw new EdgeqatError('E_OPTION', `--no-augment turns augmentation off; drop --${given[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    return null;
  }
  return {
    timeShiftMs: settings.timeShiftMs ?? REFERENCE_AUDIO_AUGMENTATION.timeShiftMs,
    backgroundFrequency: settings.backgroundFrequency ?? REFERENCE_AUDIO_AUGMENTATION.backgroundFrequency,
    backgroundVolume: settings.backgroundVolume ?? REFERENCE_AUDIO_AUGMENTATION.backgroundVolume,
  };
}

export function formatTrainSummary(s: TrainSummary): string {
  return [
    `trained ${s.info.model} on ${s.trainImages} ${s.info.dataset} images: ${s.steps} steps in ${s.trainSeconds.toFixed(1)} s (${s.backend} backend)`,
    `${s.info.options.floatOnly ? 'float' : 'fake-quant'} (TF.js) test accuracy: ${s.qatAccuracy.toFixed(4)} on ${s.testCount} images`,
    `run folder: ${s.runDir}${s.info.options.floatOnly ? ` (float model: ${join(s.runDir, 'model.json')}; QAT-train it with --model)` : ''}`,
  ].join('\n');
}

export function addTrainOptions(cmd: Command): Command {
  return cmd
    .option('--model <name|file>', 'built-in model (mlp, cnn, dscnn, kws-dscnn) or a TF.js layers model.json', TRAIN_DEFAULTS.model)
    .option('--dataset <spec>', 'mnist | fashion-mnist | idx:<folder> | speech-commands:<folder> | wav:<folder>', TRAIN_DEFAULTS.dataset)
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
    .option('--float-only', 'train the plain float model (no QAT); saves <out>/model.json + weights.bin for --model')
    .option('--no-augment', 'audio sets: train on the clips as they are (no time shift, no background noise)')
    .option('--time-shift-ms <ms>', `audio sets: largest random time shift (default ${REFERENCE_AUDIO_AUGMENTATION.timeShiftMs})`, numberIn('--time-shift-ms', 0, 10000))
    .option('--background-frequency <p>', `audio sets: share of clips mixed with background noise (default ${REFERENCE_AUDIO_AUGMENTATION.backgroundFrequency})`, numberIn('--background-frequency', 0, 1))
    .option('--background-volume <v>', `audio sets: largest background noise volume (default ${REFERENCE_AUDIO_AUGMENTATION.backgroundVolume})`, numberIn('--background-volume', 0, 1))
    .option('--observer <kind>', `activation observer (${OBSERVER_KINDS.join(', ')})`, oneOf('--observer', OBSERVER_KINDS))
    .option('--backend <name>', `TF.js backend (${BACKENDS.join(', ')})`, oneOf('--backend', BACKENDS), TRAIN_DEFAULTS.backend)
    .option('--quiet', 'no progress output');
}

export function trainCommand(): Command {
  return addTrainOptions(new Command('train').description('quantization-aware training; writes a run folder'))
    .option('--out <dir>', 'run folder', TRAIN_DEFAULTS.out)
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps (and at every epoch end)', positiveInt('--checkpoint-every'), 1000)
    .option('--resume <dir>', 'continue the run in <dir> from its latest checkpoint (its own settings)')
    .action(async (opts: TrainCommandOptions) => {
      const summary = await runTrain(opts);
      console.log(formatTrainSummary(summary));
    });
}
