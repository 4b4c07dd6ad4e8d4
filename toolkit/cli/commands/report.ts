// `edgeqat report <run>`: a self-contained report.html (inline SVG, no scripts, no network) about a
// run folder or a compare folder: training curves, float/PTQ/QAT comparison, confusion matrix,
// quantization parameters, simulate vs deploy, weights before/after quantization, latency.
// Written atomically, and only when every required input was there (toolkit/report/sources.ts).
import { join } from 'node:path';
import { Command } from 'commander';
import { writeFileAtomic } from '../../../runtime/atomic-write.js';
import { ENGINE_CHOICES } from '../../../runtime/engines/index.js';
import { BACKENDS } from '../../engine/backend.js';
import { buildReport, type ReportOptions } from '../../report/build.js';
import { oneOf, positiveInt } from '../options.js';
import { createProgress } from '../progress.js';

export interface ReportCommandOptions extends ReportOptions {
  out?: string;
  quiet?: boolean;
}

export interface ReportResult {
  out: string;
  bytes: number;
  /** Section ids and whether their data was available. */
  sections: { id: string; available: boolean }[];
}

export async function runReport(target: string, opts: ReportCommandOptions = {}): Promise<ReportResult> {
  const { html, sections } = await buildReport(target, { progress: (label) => createProgress(label, opts.quiet), ...opts });
  const out = opts.out ?? join(target, 'report.html');
  writeFileAtomic(out, html);
  return { out, bytes: Buffer.byteLength(html), sections: sections.map((s) => ({ id: s.id, available: s.available })) };
}

export function reportCommand(): Command {
  return new Command('report')
    .description('write a self-contained report.html about a run folder or a compare folder')
    .argument('<run>', 'run folder (run.json, metrics.json, model.tflite) or an `edgeqat compare` folder')
    .option('--out <file>', 'output file (default <run>/report.html)')
    .option('--engine <name>', `${ENGINE_CHOICES.join(' | ')}: engine for the confusion matrix and latency`, oneOf('--engine', ENGINE_CHOICES), 'auto')
    .option('--limit <n>', 'test images for the confusion matrix (default: all)', positiveInt('--limit'))
    .option('--debug-samples <n>', 'test images for simulate vs deploy', positiveInt('--debug-samples'), 100)
    .option('--iterations <n>', 'timed runs for the latency distribution', positiveInt('--iterations'), 1000)
    .option('--layer <name>', 'layer for the weight histogram (default: the one with the most weights)')
    .option('--backend <name>', `TF.js backend for the simulate-vs-deploy section (${BACKENDS.join(', ')})`, oneOf('--backend', BACKENDS))
    .option('--quiet', 'no progress output')
    .action(async (run: string, opts: ReportCommandOptions) => {
      const r = await runReport(run, opts);
      const missing = r.sections.filter((s) => !s.available).map((s) => s.id);
      console.log(`wrote ${r.out} (${r.bytes.toLocaleString('en-US')} bytes${missing.length ? `; not available: ${missing.join(', ')}` : ''})`);
    });
}
