// Latency distribution of the exported model: a short bench here (batch 1, test images, the same
// timing as `edgeqat bench`) whose per-run times are kept for a histogram, plus the figures of a
// <run>/bench.json (`edgeqat bench --json > bench.json`) when there is one.
import { percentile, timeRuns } from '../../devices/runner/latency.js';
import { elementsPerSample } from '../../runtime/engines/engine.js';
import { createEngine } from '../../runtime/engines/index.js';
import { bin, histogram } from './histogram.js';
import { micros, note, num, table, type CellInput, type Section } from './html.js';
import type { Progress } from '../../runtime/progress.js';
import type { TestSet } from './test-set.js';

export interface LatencyRun {
  engine: string;
  iterations: number;
  warmup: number;
  /** Per-run times in µs, in run order. */
  times: Float64Array;
}

export async function measureLatency(tflite: Uint8Array, label: string, test: TestSet, opts: { engine?: string; iterations?: number; progress?: (label: string) => Progress }): Promise<LatencyRun> {
  const engine = await createEngine(opts.engine ?? 'auto', tflite, label);
  try {
    const per = elementsPerSample(engine.input);
    const iterations = opts.iterations ?? 1000;
    const warmup = Math.min(200, Math.ceil(iterations / 5));
    const samples = Math.min(64, test.count);
    const inputs = Array.from({ length: samples }, (_, i) => test.inputs.subarray(i * per, (i + 1) * per));
    const progress = opts.progress?.(`report: bench (${engine.name})`);
    const times = timeRuns((i) => engine.run(inputs[i % samples], 1), iterations, warmup).latencies;
    progress?.done(`${iterations} runs`);
    return { engine: engine.name, iterations, warmup, times };
  } finally {
    engine.dispose();
  }
}

function benchRows(data: unknown): { engine: string; p50: number; p90: number; p99: number; batch: number }[] {
  const o = data as { results?: unknown[] } & Record<string, unknown>;
  const list = Array.isArray(o?.results) ? o.results : [o];
  return list
    .map((r) => r as Record<string, unknown>)
    .filter((r) => typeof r?.p50_us === 'number')
    .map((r) => ({ engine: String(r.engine ?? '?'), p50: r.p50_us as number, p90: (r.p90_us as number) ?? NaN, p99: (r.p99_us as number) ?? NaN, batch: (r.batch as number) ?? 1 }));
}

export function latencySection(l: LatencyRun, tflitePath: string, bench: { path: string; data: unknown } | null): Section {
  const sorted = l.times.slice().sort();
  const p = (q: number) => percentile(sorted, q);
  // The body of the distribution: up to p99, or less when a few slow runs (a busy machine) would
  // squeeze it into one bin; slower runs are counted in the last bin.
  const lo = sorted[0] ?? 0;
  const hi = Math.min(p(0.99), Math.max(2 * p(0.9), 4 * p(0.5)));
  const chart = histogram([{ name: `${l.engine}, batch 1`, binned: bin(l.times, lo, hi > lo ? hi : lo + 1, 50) }], {
    name: 'latency',
    title: `Latency per run (${num(l.iterations)} runs; slower than ${micros(hi)} counted in the last bin)`,
    xLabel: 'µs per run',
    width: 640,
  });
  const cell = (v: number): CellInput => ({ text: micros(v), value: v });
  const rows: CellInput[][] = [[`${l.engine} (measured now)`, '1', cell(sorted[0] ?? 0), cell(p(0.5)), cell(p(0.9)), cell(p(0.99)), cell(sorted[sorted.length - 1] ?? 0)]];
  for (const r of bench ? benchRows(bench.data) : []) rows.push([`${r.engine} (bench.json)`, String(r.batch), '-', cell(r.p50), cell(r.p90), cell(r.p99), '-']);
  return {
    id: 'latency',
    title: 'Latency distribution',
    source: `${tflitePath}: ${num(l.iterations)} timed runs after ${l.warmup} warm-up runs on the ${l.engine} engine, batch 1, test images, in this process${bench ? `; ${bench.path}` : ''}`,
    available: true,
    body: [
      `<div class="charts">${chart}</div>`,
      table('latency', ['engine', 'batch', 'min', 'p50', 'p90', 'p99', 'max'], rows),
      note('Measured on the machine that wrote this report, while it did other work: compare figures from one machine only.'),
    ].join('\n'),
  };
}
