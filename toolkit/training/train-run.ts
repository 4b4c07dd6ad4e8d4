// One training run into a run folder: build a built-in model or load the user's (a TF.js
// model.json), check every layer against the quantize registry, prepare it for QAT, train it on a
// data set (or continue a run from its latest checkpoint with its own settings), evaluate the
// fake-quant model, and keep run.json, metrics.json and checkpoints up to date. With floatOnly:
// plain float training, and the trained model saved as <run>/model.json + weights.bin.
import type * as tfl from '@tensorflow/tfjs-layers';
import { countMatches } from '../../runtime/accuracy.js';
import { dirname } from 'node:path';
import { loadDataset, sampleSize, type ImageOptions, type Normalization } from '../../runtime/datasets/datasets.js';
import { EdgeqatError, isEdgeqatError } from '../../runtime/errors.js';
import { silentProgress, type ProgressFactory } from '../../runtime/progress.js';
import { AccuracyRecorder } from '../accuracy-history.js';
import { audioFillBatch, augmentationFor } from '../augment/audio-augmentation.js';
import { MLPERF_KWS_FRONT_END, type AudioFrontEnd } from '../../runtime/audio/front-end.js';
import { imageAugmenter } from '../augment/image-augmentation.js';
import { BACKENDS, initBackend } from '../engine/backend.js';
import { JsAdam } from '../engine/optim/adam.js';
import { dropoutOff, predictClasses, trainModel, type LossPoint, type TrainResult } from '../engine/train.js';
import { loadModelFile, modelJsonPath, saveModelFile } from '../models/file-io.js';
import { isImportedModelFile } from '../models/import/index.js';
import { missingPreprocessing, statedPreprocessing } from '../models/input-preprocessing.js';
import { builtinModel, isModelFile } from '../models/index.js';
import { logitsModel } from '../models/logits.js';
import { floatParamCount, prepareQat, qatScheduleHook, rewriteForQat } from '../qat/prepare.js';
import { DEFAULT_ACTIVATION_OBSERVER } from '../qat/quant/observers.js';
import { quantizationReport, type LayerQuantReport } from '../qat/quant-report.js';
import { hasCheckpoint, loadRun, readRunInfo, readRunInfoOrNull, readRunMetricsOrNull, restoreOptimizer, saveCheckpoint, writeRunFiles, type RunInfo } from '../run-folder.js';
import { DEFAULT_DISTILL_WEIGHT, recordedOptions, resumedSettings } from './resume.js';
import { loadTeachers } from './teachers.js';
import type { TrainSettings } from './train-settings.js';

/** A request to stop (SIGINT/SIGTERM): training stops at the next step and saves a checkpoint. */
export interface StopWatch {
  readonly signal: NodeJS.Signals | null;
  dispose(): void;
}

export interface TrainHooks {
  progress?: ProgressFactory;
  /** Starts watching for a stop request when training starts; disposed when it ends. */
  watchStop?: () => StopWatch;
}

const NO_STOP: StopWatch = { signal: null, dispose() {} };

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

/** A model.json saved in a run folder (train --float-only) comes with the run's preprocessing. */
function recordedPreprocessing(modelPath: string): Normalization | undefined {
  return readRunInfoOrNull(dirname(modelJsonPath(modelPath)))?.normalization;
}

function inputChannels(model: tfl.LayersModel): number {
  const shape = model.inputs[0]!.shape;
  return shape.length >= 4 ? (shape[shape.length - 1] ?? 1) : 1;
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

export async function trainRun(opts: TrainSettings, hooks: TrainHooks = {}): Promise<TrainSummary> {
  // A resumed run continues on the backend it was trained on (its float arithmetic), like its other settings.
  const backend = await initBackend(opts.resume ? savedBackend(readRunInfo(opts.resume)) : opts.backend);
  // --resume of a run stopped before its first checkpoint (run.json, no checkpoints/latest): the run
  // starts again from step 0 with the settings it saved.
  const restarted = opts.resume && !hasCheckpoint(opts.resume) ? readRunInfo(opts.resume) : null;
  if (restarted) process.stderr.write(`${opts.resume}: no checkpoint yet (stopped before the first one): training from step 0 with the run's saved settings\n`);
  const resumed = opts.resume && !restarted ? await loadRun(opts.resume) : null;
  // A resumed run continues with its own settings; the other options are ignored.
  const saved = resumed?.info ?? restarted;
  const settings = saved ? resumedSettings(saved, opts) : opts;
  const runDir = opts.resume ?? opts.out;
  checkDistillation(settings, saved ? `${runDir}/run.json: options` : undefined);
  const fromFile = isModelFile(settings.model);
  const stated = saved ? undefined : statedPreprocessing(opts);
  if (!saved && !stated && isImportedModelFile(settings.model)) throw missingPreprocessing(settings.model);
  const userModel = fromFile && !resumed ? await loadUserModel(settings.model, !!settings.floatOnly) : null;
  const builder = fromFile ? null : builtinModel(settings.model);
  const valSplit = settings.valSplit === undefined ? undefined : { fraction: settings.valSplit, seed: settings.seed };
  const modelInput = userModel ? (userModel.inputs[0].shape as (number | null)[]).slice(1) : null;
  const image: ImageOptions = {
    size: settings.imageSize ?? (modelInput?.length === 3 && modelInput[0] && modelInput[1] ? [modelInput[0], modelInput[1]] : builder?.imageSize),
    channels: settings.channels ?? (modelInput?.length === 3 && (modelInput[2] === 1 || modelInput[2] === 3) ? modelInput[2] : undefined),
    resize: settings.resize,
  };
  // The preprocessing: the run's when resuming; for the user's model the one stated (checked against
  // its channels) or its run's; else the one stated, --normalize, or the data set's own constants.
  const preset = settings.normalize === 'stats' ? undefined : settings.normalize;
  const normalization = saved ? saved.normalization : userModel ? (statedPreprocessing(opts, inputChannels(userModel)) ?? recordedPreprocessing(settings.model)) : (stated ?? preset);
  // Audio: a resumed run computes its features with the front end it recorded; a new one with the
  // reference front end as --mel-upper-hz, --mfcc-coefficients and --cepstral-mean-norm change it.
  const audioFrontEnd = saved?.audio ?? statedFrontEnd(settings);
  const data = loadDataset(settings.dataset, { dataDir: settings.dataDir, valSplit, image, normalization, ...(audioFrontEnd ? { audioFrontEnd } : {}) });
  const frontEndFlag = (
    [
      ['--mel-upper-hz', settings.melUpperHz !== undefined],
      ['--mfcc-coefficients', settings.mfccCoefficients !== undefined],
      ['--cepstral-mean-norm', !!settings.cepstralMeanNorm],
    ] as const
  ).find(([, given]) => given)?.[0];
  if (frontEndFlag && !data.audio) throw new EdgeqatError('E_OPTION', `${frontEndFlag} applies to audio data sets (speech-commands:, wav:), not ${data.name}`);
  const train = data.train!;
  const test = data.test!;
  const count = Math.min(settings.limit ?? train.count, train.count);
  const inputSize = sampleSize(data.sampleShape);
  const augmentation = augmentationFor(settings, data);

  const float = userModel ?? (resumed ? null : builder!.build(settings.seed, data.sampleShape, data.numClasses));
  if (float) checkModelFitsData(float, settings.model, settings.dataset, inputSize, data.numClasses);
  if (float && settings.dropout === false) dropoutOff(float);
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
  const optimizer = new JsAdam({ learningRate: settings.lr, kernelL2: settings.l2 ?? 0 });
  if (resumed) restoreOptimizer(resumed.checkpoint, model, optimizer, resumed.state);

  const info: RunInfo = {
    model: settings.model,
    dataset: settings.dataset,
    normalization: data.normalization,
    numClasses: data.numClasses,
    classNames: data.classNames,
    sampleShape: data.sampleShape,
    ...(data.resize ? { resize: data.resize } : {}),
    ...(valSplit ? { valSplit } : {}),
    ...(data.audio ? { audio: data.audio.frontEnd } : {}),
    inputShape: modelInputShape,
    options: { ...recordedOptions(settings, count, observer.kind), ...(data.audio ? { augmentation } : {}) },
    backend,
    createdAt: saved?.createdAt ?? new Date().toISOString(),
    trainSeconds: resumed?.info.trainSeconds ?? 0,
  };
  // Teachers are loaded (and checked against the student) before the run folder is written.
  const teachers = settings.teacher?.length ? await loadTeachers(settings.teacher, info, runDir) : null;
  const priorMetrics = resumed ? readRunMetricsOrNull(runDir) : null;
  const history: LossPoint[] = priorMetrics?.history ?? [];
  // Accuracy curves for `edgeqat report` (metrics.json: accuracy, epochAccuracy).
  const accuracy = new AccuracyRecorder(model, test, priorMetrics, resumed?.state.position.step ?? 0);
  if (!resumed) writeRunFiles(runDir, info, { history, ...accuracy.fields() });

  // Seeded augmentation: audio sets mix noise and shift in time; images shift and flip when asked.
  const imageAugment = settings.cropPadding || settings.flip;
  const fillBatch = augmentation
    ? audioFillBatch(train, data.audio!, augmentation, settings.seed)
    : imageAugment
      ? imageAugmenter(train.pixels, data.sampleShape, data.normalization, { cropPadding: settings.cropPadding ?? 0, flip: !!settings.flip, seed: settings.seed })
      : undefined;
  const progress = (hooks.progress ?? silentProgress)(`train (${backend})`);
  const stop = hooks.watchStop?.() ?? NO_STOP;
  let lastCheckpoint = resumed?.state.position.step ?? null;
  let result: TrainResult;
  try {
    result = await trainModel(
      trainee,
      { inputs: train.inputs, labels: train.labels, count, featureSize: inputSize, fillBatch },
      {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        lr: settings.lr,
        lrSchedule: settings.lrSchedule,
        labelSmoothing: settings.labelSmoothing,
        ...(teachers ? { teacher: { probabilities: teachers.probabilities, weight: settings.distillWeight ?? DEFAULT_DISTILL_WEIGHT } } : {}),
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
    teachers?.dispose();
  }
  info.trainSeconds += result.seconds;
  if (result.interrupted) {
    writeRunFiles(runDir, info, { history: result.history, position: result.position, ...accuracy.fields() });
    const code = stop.signal === 'SIGTERM' ? 'E_SIGTERM' : 'E_SIGINT';
    throw new EdgeqatError(code, `interrupted at step ${result.position.step}: checkpoint saved in ${runDir} (continue with: edgeqat train --resume ${runDir})`);
  }
  progress.done(`${result.steps} steps in ${result.seconds.toFixed(1)} s, loss ${result.finalLoss.toFixed(4)}`);

  const qatPredictions = predictClasses(model, test.inputs, test.count);
  const qatAccuracy = countMatches(qatPredictions, test.labels, test.count) / test.count;
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

/**
 * --teacher is a list of folder names and --distill-weight a share in [0, 1] that needs it, whether
 * they come from the CLI, a library caller or a resumed run's run.json (`recorded` names it).
 */
function checkDistillation({ teacher, distillWeight }: TrainSettings, recorded?: string): void {
  const [teacherName, weightName] = recorded ? [`${recorded}.teachers`, `${recorded}.distillWeight`] : ['--teacher', '--distill-weight'];
  const code = recorded ? 'E_RUN_FOLDER' : 'E_OPTION';
  if (teacher !== undefined && !(Array.isArray(teacher) && teacher.every((d) => typeof d === 'string' && d !== ''))) {
    throw new EdgeqatError(code, `${teacherName} must be a list of run folders, got ${JSON.stringify(teacher)}`);
  }
  if (distillWeight !== undefined && !(typeof distillWeight === 'number' && distillWeight >= 0 && distillWeight <= 1)) {
    throw new EdgeqatError(code, `${weightName} must be a number in 0..1, got ${JSON.stringify(distillWeight)}`);
  }
  if (distillWeight !== undefined && !teacher?.length) throw new EdgeqatError(code, `${weightName} needs --teacher <run>`);
}

/** The backend run.json names (runs made before `auto` meant wasm may name tensorflow). */
function savedBackend(info: RunInfo): string {
  return (BACKENDS as readonly string[]).includes(info.backend) ? info.backend : 'auto';
}

/**
 * The reference front end with the mel filters' top (it keeps 20 Hz and 16 kHz: 8 kHz at most), the
 * MFCCs kept per frame (at most its mel bins) and the cepstral mean normalisation the settings
 * state; undefined when they state none of them.
 */
function statedFrontEnd({ melUpperHz, mfccCoefficients, cepstralMeanNorm }: TrainSettings): AudioFrontEnd | undefined {
  if (melUpperHz === undefined && mfccCoefficients === undefined && !cepstralMeanNorm) return undefined;
  const fe = MLPERF_KWS_FRONT_END;
  const upperHz = melUpperHz ?? fe.upperHz;
  const coefficients = mfccCoefficients ?? fe.coefficients;
  if (!(upperHz > fe.lowerHz && upperHz <= fe.sampleRate / 2)) {
    throw new EdgeqatError('E_OPTION', `--mel-upper-hz must be above ${fe.lowerHz} and at most ${fe.sampleRate / 2} (half the front end's ${fe.sampleRate} Hz), got ${upperHz}`);
  }
  if (!(Number.isInteger(coefficients) && coefficients >= 1 && coefficients <= fe.melBins)) {
    throw new EdgeqatError('E_OPTION', `--mfcc-coefficients must be an integer in 1..${fe.melBins} (the front end's mel bins), got ${coefficients}`);
  }
  return { ...fe, upperHz, coefficients, ...(cepstralMeanNorm ? { cepstralMeanNorm } : {}) };
}
