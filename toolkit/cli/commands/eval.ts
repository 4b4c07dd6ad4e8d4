// `edgeqat eval <model.tflite>`: accuracy of a .tflite on a data set's test split, on one of the
// runtime's engines (toolkit/evaluate/evaluate-model.ts), and optionally every predicted class.
import { Command } from 'commander';
import { writeJsonAtomic } from '../../../runtime/atomic-write.js';
import { ENGINE_CHOICES } from '../../../runtime/engines/index.js';
import { evaluateModel, type EvalResult, type EvaluateModelOptions } from '../../evaluate/evaluate-model.js';
import { argumentOrConfig } from '../config.js';
import { fraction, nonNegativeInt, oneOf, positiveInt } from '../options.js';
import { createProgress } from '../progress.js';

export interface EvalOptions extends Omit<EvaluateModelOptions, 'progress'> {
  json?: boolean;
  /** Write the predicted class of every evaluated image here (JSON array). */
  predictions?: string;
  quiet?: boolean;
}

export async function runEval(modelPath: string, opts: EvalOptions = {}): Promise<EvalResult> {
  const r = await evaluateModel(modelPath, { ...opts, progress: (label) => createProgress(label, opts.quiet || opts.json) });
  if (opts.predictions) writeJsonAtomic(opts.predictions, Array.from(r.predictions));
  return r;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('accuracy of a .tflite model on a TFLite engine')
    .argument('[model]', '.tflite file (default: eval.model in edgeqat.config.json)')
    .option('--engine <name>', `${ENGINE_CHOICES.join(' | ')} (auto: the fastest that runs the model)`, oneOf('--engine', ENGINE_CHOICES), 'auto')
    .option('--dataset <spec>', "data set spec (default: the model's, else mnist)")
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--val-split <fraction>', "evaluate on this seeded held-out share of the training samples (default: the model's recorded split)", fraction('--val-split'))
    .option('--split-seed <n>', 'seed of --val-split (train uses its --seed)', nonNegativeInt('--split-seed'))
    .option('--limit <n>', 'evaluate the first n test samples', positiveInt('--limit'))
    .option('--json', 'print one JSON object')
    .option('--predictions <file>', 'write the predicted class of every evaluated image (JSON array)')
    .option('--quiet', 'no progress output')
    .action(async (model: string | undefined, opts: EvalOptions) => {
      const r = await runEval(argumentOrConfig('eval', model, 'model.tflite'), opts);
      if (opts.json) {
        const { predictions: _p, ...rest } = r;
        console.log(JSON.stringify(rest));
      } else {
        console.log(`${r.model}: accuracy ${r.accuracy.toFixed(4)} (${r.correct}/${r.samples}) on ${r.dataset} ${r.split}, engine ${r.engine}, ${r.seconds.toFixed(2)} s`);
      }
    });
}
