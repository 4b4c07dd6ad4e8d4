// `edgeqat compare-engines <model.tflite>`: every engine's accuracy on a data set's test split and
// how its outputs compare with the reference engines' (toolkit/evaluate/compare-engines.ts), as a
// table or one JSON object; `--per-layer` adds the op-by-op comparison of each WebAssembly engine.
import { Command } from 'commander';
import { compareEngines, type CompareEnginesOptions, type CompareEnginesResult } from '../../evaluate/compare-engines.js';
import { formatTable } from '../text-table.js';
import { positiveInt } from '../options.js';
import { createProgress } from '../progress.js';

export interface CompareEnginesCommandOptions extends Omit<CompareEnginesOptions, 'progress'> {
  json?: boolean;
  quiet?: boolean;
}

export async function runCompareEngines(modelPath: string, opts: CompareEnginesCommandOptions = {}): Promise<CompareEnginesResult> {
  return compareEngines(modelPath, { ...opts, progress: (label) => createProgress(label, opts.quiet || opts.json) });
}

function percent(x: number | null, digits = 2): string {
  return x === null ? '-' : `${(x * 100).toFixed(digits)}%`;
}

export function formatComparison(r: CompareEnginesResult): string {
  const header = ['engine', 'accuracy', 'identical to reference', 'same prediction', 'max |diff|', 'in steps', 'values differing', 'identical to reference-xnnpack', 'in steps', 'seconds'];
  const rows: string[][] = [];
  const steps = (x: number | null | undefined) => (x === null || x === undefined ? '-' : String(x));
  for (const e of r.engines) {
    const diff = e.maxAbsDiff === null ? '-' : String(Number(e.maxAbsDiff.toPrecision(6)));
    const x = e.vsXnnpack;
    rows.push([e.engine, e.accuracy.toFixed(4), percent(e.identical), percent(e.samePrediction), diff, steps(e.maxSteps), percent(e.differing), percent(x?.identical ?? null), steps(x?.maxSteps), e.seconds.toFixed(2)]);
  }
  const lines = [`${r.model}: ${r.samples} ${r.dataset} test samples`, formatTable(header, rows, { rule: false })];
  for (const u of r.unavailable) lines.push(`${u.engine}: cannot run this model (${u.error})`);
  for (const e of r.engines) {
    if (!e.layers) continue;
    lines.push('', `${e.engine} vs ${r.baseline}, per op (|difference| in steps of the op's output; alone = the op's kernel on ${e.engine}'s own inputs):`);
    const layerHeader = ['#', 'op', 'tensor', 'alone: max', 'differing', 'accumulated: max', 'differing', 'images identical'];
    const layerRows = e.layers.map((l) => [String(l.index), l.op, l.tensor, l.alone ? String(l.alone.maxSteps) : '-', l.alone ? percent(l.alone.differing, 3) : '-', String(l.accumulated.maxSteps), percent(l.accumulated.differing, 3), percent(l.accumulated.identicalImages)]);
    lines.push(formatTable(layerHeader, layerRows, { rule: false }));
  }
  return lines.join('\n');
}

export function compareEnginesCommand(): Command {
  return new Command('compare-engines')
    .description('accuracy of a .tflite model on every engine, and how often their outputs equal the reference engine\'s')
    .argument('<model>', '.tflite file')
    .option('--dataset <spec>', "data set spec (default: the model's, else mnist)")
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--limit <n>', 'use the first n test samples', positiveInt('--limit'))
    .option('--json', 'print one JSON object')
    .option('--per-layer', 'also compare every op\'s output with the reference engine\'s (alone and accumulated)')
    .option('--baseline <engine>', 'what --per-layer compares with: reference (TFLite\'s reference kernels) or reference-xnnpack (XNNPACK\'s arithmetic)', 'reference')
    .option('--quiet', 'no progress output')
    .action(async (model: string, opts: CompareEnginesCommandOptions) => {
      const r = await runCompareEngines(model, opts);
      console.log(opts.json ? JSON.stringify(r) : formatComparison(r));
    });
}
