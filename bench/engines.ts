// Inference benchmarks: for each built-in model, a short QAT run exported to int8 .tflite, then per
// engine: load time, batch-1 latency (p50/p99 over many runs after warm-up) and evaluation
// throughput and accuracy over the MNIST test set.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateClassifier } from '../runtime/accuracy.js';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { elementsPerSample } from '../runtime/engines/engine.js';
import { createEngine, ENGINE_NAMES } from '../runtime/engines/index.js';
import { percentile, timeRuns } from '../devices/runner/latency.js';

export interface EngineBench {
  model: string;
  engine: string;
  load_ms?: number;
  p50_us?: number;
  p99_us?: number;
  eval_images_per_s?: number;
  accuracy?: number;
  error?: string;
}

const repo = fileURLToPath(new URL('..', import.meta.url));


export async function benchEngines(models: string[], quick: boolean): Promise<EngineBench[]> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeqat-bench-'));
  const test = loadDataset('mnist', { split: 'test' }).test!;
  const out: EngineBench[] = [];
  for (const model of models) {
    const run = join(dir, model);
    const cli = (args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'toolkit/cli/index.ts', ...args], { cwd: repo, stdio: ['ignore', 'ignore', 'ignore'] });
    cli(['train', '--model', model, '--limit', quick ? '1000' : '3000', '--batch-size', '32', '--out', run, '--quiet']);
    cli(['export', run, '--out', join(run, 'model.tflite')]);
    const bytes = new Uint8Array(readFileSync(join(run, 'model.tflite')));
    for (const engine of ENGINE_NAMES) {
      try {
        const t0 = performance.now();
        const e = await createEngine(engine, bytes, `${model}.tflite`);
        const one = test.inputs.subarray(0, elementsPerSample(e.input));
        e.run(one, 1);
        const loadMs = performance.now() - t0;
        // The timing loop and nearest-rank percentile of `edgeqat bench` and the device runner.
        const times = timeRuns(() => e.run(one, 1), quick ? 500 : 5000, 200).latencies.sort();
        const s = performance.now();
        const r = evaluateClassifier(e, test.inputs, test.labels, test.count);
        const evalS = (performance.now() - s) / 1000;
        out.push({ model, engine, load_ms: loadMs, p50_us: percentile(times, 0.5), p99_us: percentile(times, 0.99), eval_images_per_s: test.count / evalS, accuracy: r.accuracy });
        e.dispose();
      } catch (err) {
        out.push({ model, engine, error: (err as Error).message.split('\n')[0] });
      }
    }
  }
  return out;
}
