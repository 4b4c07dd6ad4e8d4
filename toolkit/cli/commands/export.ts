// `edgeqat export [run]`: a run folder (or, with --model, a float TF.js model.json) -> .tflite
// (toolkit/export/export-model.ts): int8 for QAT runs, float32 for float runs or with --float, int8
// by post-training quantization with --ptq.
import { Command } from 'commander';
import { DEFAULT_CALIBRATION_SAMPLES, exportModel, type ExportOptions as ExportModelOptions, type ExportResult } from '../../export/export-model.js';
import { BACKENDS } from '../../engine/backend.js';
import { addInputPreprocessingOptions } from '../../models/input-preprocessing.js';
import { CALIBRATION_METHODS, DEFAULT_PERCENTILE } from '../../ptq/range-estimators.js';
import { configValue } from '../config.js';
import { oneOf, positiveInt, positiveNumber } from '../options.js';
import { createProgress } from '../progress.js';

export interface ExportOptions extends Omit<ExportModelOptions, 'progress'> {
  quiet?: boolean;
}

export async function runExport(runDir: string | undefined, opts: ExportOptions = {}): Promise<ExportResult> {
  return exportModel(runDir, { ...opts, progress: (label) => createProgress(label, opts.quiet) });
}

export function exportCommand(): Command {
  return addInputPreprocessingOptions(new Command('export'))
    .description('convert a run folder (or a float model.json) to .tflite: int8 for QAT runs, float32 for float runs, int8 by PTQ with --ptq')
    .argument('[run]', 'run folder written by `edgeqat train`')
    .option('--model <file>', 'a float model instead of a run folder: Keras .keras/.h5, float .tflite, TF.js model.json (float32, or int8 with --ptq)')
    .option('--out <file>', 'output .tflite (default <run>/model.tflite, or next to --model)')
    .option('--int8-io', 'int8 input/output tensors instead of float32 with QUANTIZE/DEQUANTIZE')
    .option('--float', 'write a float32 model (the default for --float-only runs and --model)')
    .option('--ptq', 'post-training quantization of a float run or --model to int8')
    .option('--calibration-samples <n>', `training images to calibrate activation ranges on (default ${DEFAULT_CALIBRATION_SAMPLES})`, positiveInt('--calibration-samples'))
    .option('--calibration <method>', `activation range estimate (${CALIBRATION_METHODS.join(', ')}; default minmax)`, oneOf('--calibration', CALIBRATION_METHODS))
    .option('--percentile <p>', `with --calibration percentile: keep values up to the p-th percentile (default ${DEFAULT_PERCENTILE})`, positiveNumber('--percentile'))
    .option('--dataset <spec>', "calibration data set (default: the run's, or mnist with --model)")
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--backend <name>', `TF.js backend that loads the run (${BACKENDS.join(', ')})`, oneOf('--backend', BACKENDS), 'auto')
    .option('--quiet', 'no progress output')
    .action(async (run: string | undefined, opts: ExportOptions) => {
      const r = await runExport(run ?? (configValue('export', 'run') as string | undefined), opts);
      const what = r.kind === 'float32' ? 'float32 model' : `int8 model${r.kind === 'ptq-int8' ? ' (PTQ)' : ''}, ${r.int8Io ? 'int8' : 'float32'} I/O`;
      console.log(`wrote ${r.out} (${r.bytes} bytes, ${what})`);
    });
}
