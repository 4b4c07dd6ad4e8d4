// `edgeqat export <run>`: QAT checkpoint -> full-integer int8 .tflite (written atomically).
import { join } from 'node:path';
import { Command } from 'commander';
import { writeFileAtomic } from '../../../runtime/atomic-write.js';
import { initBackend } from '../../backend.js';
import { convertToTflite } from '../../converter/convert.js';
import { loadRun } from '../../run-folder.js';

export interface ExportOptions {
  out?: string;
  int8Io?: boolean;
  backend?: string;
}

export interface ExportResult {
  out: string;
  bytes: number;
  int8Io: boolean;
}

export async function runExport(runDir: string, opts: ExportOptions = {}): Promise<ExportResult> {
  await initBackend(opts.backend ?? 'auto');
  const { model, info } = await loadRun(runDir);
  const int8Io = opts.int8Io ?? false;
  const bytes = convertToTflite(model, {
    int8Io,
    preprocessing: { dataset: info.dataset, ...info.normalization },
    description: `edgeqat: ${info.model} QAT on ${info.dataset}`,
  });
  model.dispose();
  const out = opts.out ?? join(runDir, 'model.tflite');
  writeFileAtomic(out, bytes);
  return { out, bytes: bytes.length, int8Io };
}

export function exportCommand(): Command {
  return new Command('export')
    .description('convert a run folder to a full-integer int8 .tflite')
    .argument('<run>', 'run folder written by `edgeqat train`')
    .option('--out <file>', 'output .tflite (default <run>/model.tflite)')
    .option('--int8-io', 'int8 input/output tensors instead of float32 with QUANTIZE/DEQUANTIZE')
    .action(async (run: string, opts: ExportOptions) => {
      const r = await runExport(run, opts);
      console.log(`wrote ${r.out} (${r.bytes} bytes, ${r.int8Io ? 'int8' : 'float32'} I/O)`);
    });
}
