// `edgeqat debug <run>`: per layer, how far the deployed int8 model departs from the QAT
// simulation (see toolkit/debug/simulate-vs-deploy.ts).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadDataset } from '../../../runtime/datasets/datasets.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { readTfliteFile } from '../../../runtime/model-reader.js';
import type { Arithmetic } from '../../../runtime/reference/kernel.js';
import { initBackend } from '../../engine/backend.js';
import { convertToTflite } from '../../converter/convert.js';
import { simulateVsDeploy, type DivergenceReport } from '../../debug/simulate-vs-deploy.js';
import { formatTable } from '../text-table.js';
import { loadRun, runLoadOptions, runPreprocessing } from '../../run-folder.js';
import { positiveInt } from '../options.js';

export interface DebugOptions {
  /** A deployed .tflite to compare with (default: a fresh export of the run's checkpoint). */
  model?: string;
  samples?: number;
  json?: boolean;
  backend?: string;
  /** Whose int8 arithmetic the deployed tensors follow (default: TFLite's reference kernels). */
  arithmetic?: string;
}

const ARITHMETIC: readonly Arithmetic[] = ['tflite-reference', 'xnnpack'];

export async function runDebug(runDir: string, opts: DebugOptions = {}): Promise<DivergenceReport> {
  const arithmetic = (opts.arithmetic ?? 'tflite-reference') as Arithmetic;
  if (!ARITHMETIC.includes(arithmetic)) throw new EdgeqatError('E_OPTION', `--arithmetic must be one of ${ARITHMETIC.join(', ')}, got '${opts.arithmetic}'`);
  await initBackend(opts.backend ?? 'auto');
  const { model, info } = await loadRun(runDir);
  let bytes: Uint8Array;
  if (opts.model) {
    readTfliteFile(opts.model); // verifies; one line for a bad file
    bytes = new Uint8Array(readFileSync(opts.model));
  } else {
    bytes = convertToTflite(model, { preprocessing: runPreprocessing(info) });
  }
  const test = loadDataset(info.dataset, { split: 'test', ...runLoadOptions(info) }).test!;
  const report = simulateVsDeploy(model, bytes, test.inputs, opts.samples ?? 200, arithmetic);
  model.dispose();
  return report;
}

export function formatDebugReport(r: DivergenceReport): string {
  const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
  const body = r.layers.map((l) => [
    l.layer,
    l.op,
    l.tensor,
    l.maxSteps.toFixed(2),
    l.meanSteps.toFixed(4),
    percent(l.mismatchShare),
    l.alone ? l.alone.maxSteps.toFixed(2) : '-',
    l.alone ? percent(l.alone.mismatchShare) : '-',
  ]);
  return [
    `simulate vs deploy on ${r.samples} test images (errors in quantization steps of the deployed tensor; alone: the deployed op on the simulation's input to the layer)`,
    formatTable(['layer', 'op', 'tensor', 'max |err|', 'mean |err|', 'int8 mismatches', 'alone: max', 'alone: mismatches'], body),
    r.suspect ? `first layer where deployment departs from the simulation: ${r.suspect}` : 'deployment follows the simulation at every layer (within rounding)',
  ].join('\n');
}

export function debugCommand(): Command {
  return new Command('debug')
    .description('per-layer simulate-vs-deploy errors of a run (QAT fake-quant vs the int8 model)')
    .argument('<run>', 'run folder written by `edgeqat train`')
    .option('--model <file>', 'deployed .tflite to compare (default: export the run now)')
    .option('--samples <n>', 'test images to compare on', positiveInt('--samples'), 200)
    .option('--arithmetic <a>', "int8 arithmetic of the deployed model: tflite-reference (TFLite's reference kernels) or xnnpack (what tfjs-tflite and LiteRT.js compute)", 'tflite-reference')
    .option('--json', 'print one JSON object')
    .action(async (run: string, opts: DebugOptions) => {
      const r = await runDebug(run, opts);
      console.log(opts.json ? JSON.stringify(r) : formatDebugReport(r));
    });
}
