// `edgeqat compare --model cnn --dataset mnist --out runs/compare-cnn`: float vs post-training
// quantization vs QAT for one architecture and data set (toolkit/compare/run-compare.ts), printed as
// a table or compare.json.
import { Command } from 'commander';
import { EdgeqatError } from '../../../runtime/errors.js';
import { COMPARE_VARIANTS, type CompareFile } from '../../compare/compare-file.js';
import { COMPARE_DEFAULTS, compareQuantization, type CompareOptions } from '../../compare/run-compare.js';
import { BACKENDS } from '../../engine/backend.js';
import { DEFAULT_CALIBRATION_SAMPLES } from '../../export/export-model.js';
import { addInputPreprocessingOptions } from '../../models/input-preprocessing.js';
import { CALIBRATION_METHODS } from '../../ptq/range-estimators.js';
import { formatTable } from '../text-table.js';
import { nonNegativeInt, oneOf, positiveInt, positiveNumber } from '../options.js';
import { createProgress } from '../progress.js';
import { watchStopSignals } from '../stop-signals.js';
import { BUILTIN_MODELS } from '../../models/index.js';

export interface CompareCommandOptions extends Omit<CompareOptions, 'progress' | 'watchStop'> {
  json?: boolean;
  quiet?: boolean;
}

export async function runCompare(opts: CompareCommandOptions): Promise<CompareFile> {
  // Not commander's requiredOption: that is checked before edgeqat.config.json fills options in.
  for (const key of ['model', 'out'] as const) {
    if (!opts[key]) throw new EdgeqatError('E_OPTION', `compare needs --${key} (or compare.${key} in edgeqat.config.json)`);
  }
  const { json: _json, quiet: _quiet, ...options } = opts;
  return compareQuantization({ ...options, progress: (label) => createProgress(label, opts.quiet || opts.json), watchStop: watchStopSignals });
}

export function formatCompare(r: CompareFile): string {
  const rows = COMPARE_VARIANTS.map((k) => {
    const e = r[k];
    return [k, e.accuracy.toFixed(4), k === 'float' ? '—' : e.drop_points.toFixed(2), e.size_bytes.toLocaleString('en-US'), `${e.p50_us.toFixed(1)} µs`];
  });
  const header = ['model', 'accuracy', 'drop vs float (points)', 'size (bytes)', 'latency p50'];
  return [`${r.model} on ${r.dataset}, TFLite interpreter (tfjs-tflite), ${r.machine}`, formatTable(header, rows, { rule: false, alignNumbers: true })].join('\n');
}

export function compareCommand(): Command {
  return addInputPreprocessingOptions(new Command('compare'))
    .description('float vs post-training quantization vs QAT for one model and data set, on the TFLite interpreter')
    .option('--model <name|file>', `built-in model (${Object.keys(BUILTIN_MODELS).join(', ')}), or your model: Keras .keras/.h5, float .tflite, TF.js model.json (required; or compare.model in edgeqat.config.json)`)
    .option('--dataset <spec>', 'mnist | fashion-mnist | idx:<folder> | images:<folder> | cifar10:<folder> | speech-commands:<folder> | wav:<folder>', 'mnist')
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--out <dir>', 'folder for float/, ptq/, qat/ and compare.json (required; or compare.out in edgeqat.config.json)')
    .option('--epochs <n>', `float training epochs (default ${COMPARE_DEFAULTS.epochs}; a finished float run in <out>/float is reused)`, positiveInt('--epochs'))
    .option('--batch-size <n>', `mini-batch size (default ${COMPARE_DEFAULTS.batchSize})`, positiveInt('--batch-size'))
    .option('--lr <x>', `float learning rate (default ${COMPARE_DEFAULTS.lr})`, positiveNumber('--lr'))
    .option('--qat-epochs <n>', `QAT fine-tuning epochs (default ${COMPARE_DEFAULTS.qatEpochs})`, positiveInt('--qat-epochs'))
    .option('--qat-lr <x>', `QAT fine-tuning learning rate (default ${COMPARE_DEFAULTS.qatLr})`, positiveNumber('--qat-lr'))
    .option('--freeze-bn-after <m>', 'QAT: freeze batch-norm statistics after m steps', nonNegativeInt('--freeze-bn-after'))
    .option('--freeze-observers-after <n>', 'QAT: stop updating activation ranges after n steps', nonNegativeInt('--freeze-observers-after'))
    .option('--seed <n>', 'random seed', nonNegativeInt('--seed'))
    .option('--limit <n>', 'train on the first n training images', positiveInt('--limit'))
    .option('--eval-limit <n>', 'evaluate on the first n test images (default all)', positiveInt('--eval-limit'))
    .option('--calibration-samples <n>', `PTQ calibration images (default ${DEFAULT_CALIBRATION_SAMPLES})`, positiveInt('--calibration-samples'))
    .option('--calibration <method>', `PTQ range estimate (${CALIBRATION_METHODS.join(', ')}; default minmax)`, oneOf('--calibration', CALIBRATION_METHODS))
    .option('--percentile <p>', 'PTQ percentile with --calibration percentile (default 99.99)', positiveNumber('--percentile'))
    .option('--bench-iterations <n>', `timed runs per model for the latency (default ${COMPARE_DEFAULTS.benchIterations})`, positiveInt('--bench-iterations'))
    .option('--backend <name>', `TF.js backend (${BACKENDS.join(', ')})`, oneOf('--backend', BACKENDS))
    .option('--json', 'print compare.json')
    .option('--quiet', 'no progress output')
    .action(async (opts: CompareCommandOptions) => {
      const r = await runCompare(opts);
      console.log(opts.json ? JSON.stringify(r) : formatCompare(r));
    });
}
