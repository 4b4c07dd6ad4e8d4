// Latency of one-sample runs, timed one by one (same keys and percentile rule as `edgeqat bench`,
// so figures from a device and from the host's bench line up). Bounded by a time budget as well as
// a run count, so a slow board (or an emulated one) still answers quickly.
import { elementsPerSample, type Engine } from '../../runtime/engines/engine.js';

export interface LatencyOptions {
  /** Most timed runs. */
  iterations: number;
  /** Untimed runs first. */
  warmup: number;
  /** Stop timing after this many milliseconds (at least `minIterations` runs). */
  budgetMs: number;
  minIterations: number;
}

export interface LatencyFigures {
  iterations: number;
  warmup: number;
  first_run_us: number;
  min_us: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  mean_us: number;
  max_us: number;
  throughput_per_s: number;
}

export const DEFAULT_LATENCY: LatencyOptions = { iterations: 1000, warmup: 100, budgetMs: 1500, minIterations: 20 };

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Times engine.run(sample, 1), cycling through `inputs` (whole samples). */
export function measureLatency(engine: Engine, inputs: Float32Array, opts: LatencyOptions = DEFAULT_LATENCY): LatencyFigures {
  const per = elementsPerSample(engine.input);
  const count = Math.max(1, Math.floor(inputs.length / per));
  const sample = (i: number) => inputs.subarray((i % count) * per, ((i % count) + 1) * per);
  let t = process.hrtime.bigint();
  engine.run(sample(0), 1);
  const firstRunUs = Number(process.hrtime.bigint() - t) / 1000;
  for (let i = 0; i < opts.warmup; i++) engine.run(sample(i), 1);

  const latencies = new Float64Array(opts.iterations);
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(opts.budgetMs * 1e6));
  let n = 0;
  while (n < opts.iterations) {
    t = process.hrtime.bigint();
    engine.run(sample(n), 1);
    const end = process.hrtime.bigint();
    latencies[n++] = Number(end - t) / 1000;
    if (n >= opts.minIterations && end > deadline) break;
  }
  const totalUs = Number(process.hrtime.bigint() - start) / 1000;
  const sorted = latencies.slice(0, n).sort();
  const round = (x: number) => Math.round(x * 10) / 10;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    iterations: n,
    warmup: opts.warmup,
    first_run_us: round(firstRunUs),
    min_us: round(sorted[0] ?? 0),
    p50_us: round(percentile(sorted, 0.5)),
    p90_us: round(percentile(sorted, 0.9)),
    p99_us: round(percentile(sorted, 0.99)),
    mean_us: round(n ? sum / n : 0),
    max_us: round(sorted[n - 1] ?? 0),
    throughput_per_s: Math.round(totalUs > 0 ? (n * 1e6) / totalUs : 0),
  };
}
