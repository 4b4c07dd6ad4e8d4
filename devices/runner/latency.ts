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

export interface TimedRuns {
  firstRunUs: number;
  /** Per-run times in µs, in run order (as many as were run). */
  latencies: Float64Array;
  /** Wall time of the timed runs. */
  totalUs: number;
}

/**
 * Calls run(i) once (timed: the first run), `warmup` times untimed, then times it one call at a
 * time, up to `iterations` calls — or, with a budget, until `budgetMs` has passed and at least
 * `minIterations` calls were timed.
 */
export function timeRuns(run: (i: number) => void, iterations: number, warmup: number, budget?: { budgetMs: number; minIterations: number }): TimedRuns {
  let t = process.hrtime.bigint();
  run(0);
  const firstRunUs = Number(process.hrtime.bigint() - t) / 1000;
  for (let i = 0; i < warmup; i++) run(i);
  const latencies = new Float64Array(iterations);
  const start = process.hrtime.bigint();
  const deadline = budget ? start + BigInt(Math.round(budget.budgetMs * 1e6)) : null;
  let n = 0;
  while (n < iterations) {
    t = process.hrtime.bigint();
    run(n);
    const end = process.hrtime.bigint();
    latencies[n++] = Number(end - t) / 1000;
    if (deadline !== null && n >= budget!.minIterations && end > deadline) break;
  }
  const totalUs = Number(process.hrtime.bigint() - start) / 1000;
  return { firstRunUs, latencies: latencies.subarray(0, n), totalUs };
}

/** The figures of timed runs (µs, one decimal); `perRun` samples per call for the throughput. */
export function latencyFigures(r: TimedRuns, warmup: number, perRun = 1): LatencyFigures {
  const n = r.latencies.length;
  const sorted = r.latencies.slice().sort();
  const round = (x: number) => Math.round(x * 10) / 10;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    iterations: n,
    warmup,
    first_run_us: round(r.firstRunUs),
    min_us: round(sorted[0] ?? 0),
    p50_us: round(percentile(sorted, 0.5)),
    p90_us: round(percentile(sorted, 0.9)),
    p99_us: round(percentile(sorted, 0.99)),
    mean_us: round(n ? sum / n : 0),
    max_us: round(sorted[n - 1] ?? 0),
    throughput_per_s: Math.round(r.totalUs > 0 ? (n * perRun * 1e6) / r.totalUs : 0),
  };
}

/** Times engine.run(sample, 1), cycling through `inputs` (whole samples). */
export function measureLatency(engine: Engine, inputs: Float32Array, opts: LatencyOptions = DEFAULT_LATENCY): LatencyFigures {
  const per = elementsPerSample(engine.input);
  const count = Math.max(1, Math.floor(inputs.length / per));
  const sample = (i: number) => inputs.subarray((i % count) * per, ((i % count) + 1) * per);
  const runs = timeRuns((i) => engine.run(sample(i), 1), opts.iterations, opts.warmup, opts);
  return latencyFigures(runs, opts.warmup);
}
