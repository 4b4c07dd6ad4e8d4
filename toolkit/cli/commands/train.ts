// `edgeqat train`: build (or load) a float model, prepare it for QAT, fine-tune it on a data set,
// evaluate the fake-quant model, and save a run folder.
import { Command } from 'commander';
import { loadDataset } from '../../../runtime/datasets/datasets.js';
import { initBackend, BACKENDS } from '../../backend.js';
import { builtinModel } from '../../models/index.js';
import { saveRun, type RunInfo } from '../../run-folder.js';
import { prepareQat } from '../../trainer/prepare.js';
import { OBSERVER_KINDS, DEFAULT_ACTIVATION_OBSERVER, type ObserverKind } from '../../trainer/quant/observers.js';
import { quantizationReport, type LayerQuantReport } from '../../trainer/quant-report.js';
import { predictClasses, trainModel } from '../../trainer/train.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import { oneOf, positiveInt, positiveNumber, nonNegativeInt } from '../options.js';
import { createProgress } from '../progress.js';

export interface TrainCommandOptions {
  model: string;
  dataset: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  out: string;
  backend: string;
  /** Train on the first N training images only (quick runs, tests). */
  limit?: number;
  perChannel?: boolean;
  observer?: ObserverKind;
  dataDir?: string;
  quiet?: boolean;
}

export const TRAIN_DEFAULTS = {
  model: 'mlp',
  dataset: 'mnist',
  epochs: 1,
  batchSize: 10,
  lr: 0.001,
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

export async function runTrain(opts: TrainCommandOptions): Promise<TrainSummary> {
  const builder = builtinModel(opts.model);
  const backend = await initBackend(opts.backend);
  const data = loadDataset(opts.dataset, { dataDir: opts.dataDir });
  const train = data.train!;
  const test = data.test!;
  const count = Math.min(opts.limit ?? train.count, train.count);
  const inputSize = data.rows * data.cols;

  const float = builder.build(opts.seed, inputSize, data.numClasses);
  const paramCount = float.countParams();
  const observer = { ...DEFAULT_ACTIVATION_OBSERVER, kind: opts.observer ?? DEFAULT_ACTIVATION_OBSERVER.kind };
  const model = prepareQat(float, { perChannel: opts.perChannel, observer });
  float.dispose();

  const progress = createProgress(`train (${backend})`, opts.quiet);
  const result = trainModel(model, { images: train.images, labels: train.labels, count, featureSize: inputSize }, {
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    lr: opts.lr,
    seed: opts.seed,
    numClasses: data.numClasses,
    progressEvery: 100,
    onProgress: (p) =>
      progress.update((p.epoch - 1) * p.stepsPerEpoch + p.step, p.stepsPerEpoch * opts.epochs, `epoch ${p.epoch} loss ${p.loss.toFixed(4)}`),
  });
  progress.done(`${result.steps} steps in ${result.seconds.toFixed(1)} s, loss ${result.finalLoss.toFixed(4)}`);

  const qatPredictions = predictClasses(model, test.images, test.count);
  let correct = 0;
  for (let i = 0; i < test.count; i++) if (qatPredictions[i] === test.labels[i]) correct++;
  const qatAccuracy = correct / test.count;

  const info: RunInfo = {
    model: opts.model,
    dataset: opts.dataset,
    normalization: data.normalization,
    numClasses: data.numClasses,
    inputShape: [inputSize],
    options: { epochs: opts.epochs, batchSize: opts.batchSize, lr: opts.lr, seed: opts.seed, limit: count, perChannel: !!opts.perChannel, observer: observer.kind },
    backend,
    createdAt: new Date().toISOString(),
    trainSeconds: result.seconds,
    qatAccuracy,
  };
  await saveRun(opts.out, model, info, { history: result.history, steps: result.steps, finalLoss: result.finalLoss, qatAccuracy, testSamples: test.count });
  return {
    runDir: opts.out,
    backend,
    trainImages: count,
    steps: result.steps,
    trainSeconds: result.seconds,
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

export function formatTrainSummary(s: TrainSummary): string {
  return [
    `trained ${s.info.model} on ${s.trainImages} ${s.info.dataset} images: ${s.steps} steps in ${s.trainSeconds.toFixed(1)} s (${s.backend} backend)`,
    `fake-quant (TF.js) test accuracy: ${s.qatAccuracy.toFixed(4)} on ${s.testCount} images`,
    `run folder: ${s.runDir}`,
  ].join('\n');
}

export function addTrainOptions(cmd: Command): Command {
  return cmd
    .option('--model <name>', 'built-in model', TRAIN_DEFAULTS.model)
    .option('--dataset <spec>', 'mnist | fashion-mnist | idx:<folder>', TRAIN_DEFAULTS.dataset)
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--epochs <n>', 'training epochs', positiveInt('--epochs'), TRAIN_DEFAULTS.epochs)
    .option('--batch-size <n>', 'mini-batch size', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
    .option('--lr <x>', 'Adam learning rate', positiveNumber('--lr'), TRAIN_DEFAULTS.lr)
    .option('--seed <n>', 'random seed (weights, data order)', nonNegativeInt('--seed'), TRAIN_DEFAULTS.seed)
    .option('--limit <n>', 'train on the first n training images', positiveInt('--limit'))
    .option('--per-channel', 'per-output-channel weight scales for Dense layers')
    .option('--observer <kind>', `activation observer (${OBSERVER_KINDS.join(', ')})`, oneOf('--observer', OBSERVER_KINDS))
    .option('--backend <name>', `TF.js backend (${BACKENDS.join(', ')})`, oneOf('--backend', BACKENDS), TRAIN_DEFAULTS.backend)
    .option('--quiet', 'no progress output');
}

export function trainCommand(): Command {
  return addTrainOptions(new Command('train').description('quantization-aware training; writes a run folder'))
    .option('--out <dir>', 'run folder', TRAIN_DEFAULTS.out)
    .action(async (opts: TrainCommandOptions) => {
      const summary = await runTrain(opts);
      console.log(formatTrainSummary(summary));
    });
}
