// Export: a run folder (or, with --model, a float TF.js model.json) -> .tflite,
// written atomically.
//   QAT run                   full-integer int8 (the trained ranges and weights)
//   float run (--float-only)  float32, the model as trained (batch norm folded, activations fused)
//   --float                   float32 from any run (a QAT run's float weights)
//   --ptq                     int8 by post-training quantization of a float run or --model:
//                             activation ranges calibrated on training images (min/max or a
//                             percentile), weights as QAT quantizes them (per-channel for conv)
import { basename, dirname, extname, join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic } from '../../runtime/atomic-write.js';
import { loadDataset, type Dataset, type Normalization } from '../../runtime/datasets/datasets.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { preprocessingOf, recordedLoadOptions, type ModelPreprocessing } from '../../runtime/model-metadata.js';
import { silentProgress, type ProgressFactory } from '../../runtime/progress.js';
import { convertFloatToTflite, convertToTflite, type ConvertOptions } from '../converter/convert.js';
import { initBackend } from '../engine/backend.js';
import { loadModelFile, modelJsonPath } from '../models/file-io.js';
import { isImportedModelFile } from '../models/import/index.js';
import { missingPreprocessing, statedPreprocessing, type InputPreprocessingOptions } from '../models/input-preprocessing.js';
import { calibrationImages, DEFAULT_CALIBRATION_SAMPLES } from '../ptq/calibration-data.js';
import { quantizePostTraining, type CalibrationResult } from '../ptq/calibrate.js';
import type { CalibrationMethod } from '../ptq/range-estimators.js';
import { QuantizeStub } from '../qat/layers/quantize-stub.js';
import { loadRun, runPreprocessing } from '../run-folder.js';

export { DEFAULT_CALIBRATION_SAMPLES };

export interface ExportOptions extends InputPreprocessingOptions {
  out?: string;
  int8Io?: boolean;
  backend?: string;
  /** A float TF.js model.json (or its folder) instead of a run folder. */
  model?: string;
  /** Write a float32 model. */
  float?: boolean;
  /** Post-training quantization to int8. */
  ptq?: boolean;
  calibrationSamples?: number;
  calibration?: CalibrationMethod;
  percentile?: number;
  /** Data set for calibration images and the preprocessing metadata (default: the run's, else mnist). */
  dataset?: string;
  dataDir?: string;
  progress?: ProgressFactory;
}

export type ExportKind = 'int8' | 'float32' | 'ptq-int8';

export interface ExportResult {
  out: string;
  bytes: number;
  int8Io: boolean;
  kind: ExportKind;
  calibration?: CalibrationResult;
}

interface Source {
  model: tfl.LayersModel;
  /** A float model (a --float-only run or a model file), not a prepared QAT model. */
  isFloat: boolean;
  dataset: string;
  /** What the run recorded (a model file records nothing: it comes from the data set). */
  preprocessing?: ModelPreprocessing;
  /** The normalisation stated for a model file (--input-scale ...); the data set's when absent. */
  normalization?: Normalization;
  name: string;
  /** How an int8 run was made: QAT, or PTQ (a compare run's ptq/ folder). */
  method: 'QAT' | 'PTQ';
  defaultOut: string;
}

async function loadSource(runDir: string | undefined, opts: ExportOptions): Promise<Source> {
  if (runDir && opts.model) throw new EdgeqatError('E_OPTION', 'give a run folder or --model, not both');
  const stated = statedPreprocessing(opts);
  if (opts.model) {
    const imported = isImportedModelFile(opts.model);
    if (imported && !stated) throw missingPreprocessing(opts.model);
    const model = await loadModelFile(opts.model, { checkLayers: false });
    // Next to an imported file, named after it (never over it: the input may be a .tflite).
    const defaultOut = imported ? join(dirname(opts.model), `${basename(opts.model, extname(opts.model))}-edgeqat.tflite`) : join(dirname(modelJsonPath(opts.model)), 'model.tflite');
    return { model, isFloat: true, dataset: opts.dataset ?? 'mnist', normalization: stated, name: model.name, method: 'QAT', defaultOut };
  }
  if (stated) throw new EdgeqatError('E_OPTION', '--input-scale/--input-offset/--input-mean/--input-std apply to --model: a run folder records its preprocessing');
  if (!runDir) throw new EdgeqatError('E_OPTION', 'export needs a run folder (edgeqat export runs/x) or --model <model.json>');
  const { model, info } = await loadRun(runDir);
  const isFloat = !model.layers.some((l) => l instanceof QuantizeStub);
  if (opts.dataset && opts.dataset !== info.dataset && !opts.ptq) {
    throw new EdgeqatError('E_OPTION', `--dataset ${opts.dataset}: ${runDir} was trained on ${info.dataset} (--dataset picks calibration images for --ptq)`);
  }
  const method = info.options?.ptq === true ? 'PTQ' : 'QAT';
  return { model, isFloat, dataset: opts.dataset ?? info.dataset, preprocessing: runPreprocessing(info), name: info.model, method, defaultOut: join(runDir, 'model.tflite') };
}

function kindOf(source: Source, opts: ExportOptions): ExportKind {
  if (opts.ptq && opts.float) throw new EdgeqatError('E_OPTION', '--ptq writes an int8 model and --float a float32 one: choose one');
  if (opts.ptq) {
    if (!source.isFloat) throw new EdgeqatError('E_OPTION', `--ptq quantizes a float model, and this run is already QAT-trained (export it without --ptq; PTQ takes a 'train --float-only' run or --model)`);
    return 'ptq-int8';
  }
  if (opts.float || source.isFloat) {
    if (opts.int8Io) throw new EdgeqatError('E_OPTION', '--int8-io applies to int8 models; a float32 model has float32 input and output (add --ptq for int8)');
    return 'float32';
  }
  return 'int8';
}

export async function exportModel(runDir: string | undefined, opts: ExportOptions = {}): Promise<ExportResult> {
  for (const [flag, value] of [['--calibration-samples', opts.calibrationSamples], ['--calibration', opts.calibration], ['--percentile', opts.percentile]] as const) {
    if (value !== undefined && !opts.ptq) throw new EdgeqatError('E_OPTION', `${flag} applies to --ptq`);
  }
  if (opts.percentile !== undefined && opts.calibration !== 'percentile') throw new EdgeqatError('E_OPTION', '--percentile applies to --calibration percentile');
  if (opts.calibrationSamples !== undefined && !(Number.isInteger(opts.calibrationSamples) && opts.calibrationSamples >= 1)) {
    throw new EdgeqatError('E_OPTION', `--calibration-samples must be a positive integer, got '${opts.calibrationSamples}'`);
  }
  await initBackend(opts.backend ?? 'auto');
  const source = await loadSource(runDir, opts);
  try {
    const kind = kindOf(source, opts);
    // The data set gives the preprocessing metadata (and, for PTQ, the calibration images).
    const recorded = source.preprocessing;
    const data: Dataset | null =
      kind === 'ptq-int8' || !recorded ? loadDataset(source.dataset, { dataDir: opts.dataDir, split: kind === 'ptq-int8' ? 'train' : 'test', ...recordedLoadOptions(recorded, source.dataset) }) : null;
    const convert: ConvertOptions = { int8Io: opts.int8Io ?? false, preprocessing: recorded ?? preprocessingOf(data!) };
    let bytes: Uint8Array;
    let calibration: CalibrationResult | undefined;
    if (kind === 'float32') {
      bytes = source.isFloat
        ? convertFloatToTflite(source.model, { ...convert, description: `edgeqat: ${source.name} float32 on ${source.dataset}` })
        : convertToTflite(source.model, { ...convert, int8Io: false, float: true, description: `edgeqat: ${source.name} float32 (QAT run's float weights) on ${source.dataset}` });
    } else if (kind === 'ptq-int8') {
      const ptq = ptqModel(source.model, data!, opts);
      calibration = ptq.calibration;
      bytes = convertToTflite(ptq.model, { ...convert, description: `edgeqat: ${source.name} PTQ (${calibrationLabel(calibration)}) on ${source.dataset}` });
      ptq.model.dispose();
    } else {
      bytes = convertToTflite(source.model, { ...convert, description: `edgeqat: ${source.name} ${source.method} on ${source.dataset}` });
    }
    const out = opts.out ?? source.defaultOut;
    writeFileAtomic(out, bytes);
    return { out, bytes: bytes.length, int8Io: kind !== 'float32' && (opts.int8Io ?? false), kind, ...(calibration ? { calibration } : {}) };
  } finally {
    source.model.dispose();
  }
}

export function calibrationLabel(c: CalibrationResult): string {
  return `${c.method}${c.method === 'percentile' ? ` ${c.percentile}` : ''}, ${c.samples} images`;
}

/** PTQ of a float model on the first --calibration-samples training images, with progress. */
export function ptqModel(float: tfl.LayersModel, data: Dataset, opts: Pick<ExportOptions, 'calibrationSamples' | 'calibration' | 'percentile' | 'progress'>) {
  const samples = opts.calibrationSamples ?? DEFAULT_CALIBRATION_SAMPLES;
  const { inputs, count } = calibrationImages(data, samples);
  const progress = (opts.progress ?? silentProgress)('calibrate');
  const result = quantizePostTraining(float, inputs, count, {
    method: opts.calibration,
    percentile: opts.percentile,
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.done(`${calibrationLabel(result.calibration)}`);
  return result;
}
