// `edgeqat bench <model.tflite>`: how fast an engine runs a model in this process. Load time (engine
// creation, including its WebAssembly start-up when it is the first load), the first run, a
// warm-up, then per-run latency (min/p50/p90/p99/mean/max), throughput and peak RSS. `--json`
// gives times in microseconds under keys ending in `_us`. Inputs are MNIST test images (normalized
// as the model's metadata says) when the model takes 28×28 inputs, else seeded random values.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadDataset, sampleSize } from '../../../runtime/datasets/datasets.js';
import { elementsPerSample, type Engine } from '../../../runtime/engines/engine.js';
import { createEngine, ENGINE_CHOICES, ENGINE_NAMES } from '../../../runtime/engines/index.js';
import { EdgeqatError, isEdgeqatError } from '../../../runtime/errors.js';
import { readPreprocessing } from '../../../runtime/model-metadata.js';
import { readTfliteFile, type ModelSummary } from '../../../runtime/model-reader.js';
import { latencyFigures, timeRuns } from '../../../devices/runner/latency.js';
import { nonNegativeInt, oneOf, positiveInt } from '../options.js';

export interface BenchOptions {
  /** auto (default), reference, tfjs-tflite, litert, or all. */
  engine?: string;
  /** Samples per run. Default 1. */
  batch?: number;
  /** Threads to ask the engines for (default 1); each result says how many the engine used. */
  threads?: number;
  /** Timed runs. Default 2000. */
  iterations?: number;
  /** Untimed runs before timing. Default 200. */
  warmup?: number;
  /** Data set for the inputs (default: MNIST when the model takes 784 values per sample). */
  dataset?: string;
  dataDir?: string;
  json?: boolean;
}

export interface BenchResult {
  model: string;
  engine: string;
  batch: number;
  /** Threads asked for (--threads) and threads the engine computed with. */
  threads_requested: number;
  threads: number;
  iterations: number;
  warmup: number;
  input: string;
  load_us: number;
  first_run_us: number;
  min_us: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  mean_us: number;
  max_us: number;
  /** Samples per second over the timed runs. */
  throughput_per_s: number;
  /** Peak resident set size of this process so far. */
  peak_rss_bytes: number;
}

export interface BenchAllResult {
  model: string;
  batch: number;
  results: BenchResult[];
  unavailable: { engine: string; error: string }[];
}

const BENCH_ENGINES = [...ENGINE_CHOICES, 'all'] as const;
const MNIST_SIZE = 28 * 28;

function inputs(summary: ModelSummary, per: number, opts: BenchOptions): { inputs: Float32Array; count: number; what: string } {
  const recorded = readPreprocessing(summary, 'model');
  // Audio models are timed on their own data set's features (random values are not MFCCs).
  if (opts.dataset || per === MNIST_SIZE || recorded?.audio) {
    const spec = opts.dataset ?? (recorded?.audio ? recorded.dataset : 'mnist');
    const normalization = recorded ? { mean: recorded.mean, std: recorded.std } : undefined;
    const data = loadDataset(spec, { split: 'test', dataDir: opts.dataDir, normalization, audioFrontEnd: recorded?.audio });
    if (sampleSize(data.sampleShape) !== per) throw new EdgeqatError('E_DATASET', `model input has ${per} values per sample, ${spec} samples have ${sampleSize(data.sampleShape)}`);
    return { inputs: data.test!.inputs, count: data.test!.count, what: `${spec} test images` };
  }
  const count = 256;
  let seed = 1;
  const random = Float32Array.from({ length: count * per }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return { inputs: random, count, what: 'random values in [0, 1)' };
}

async function benchOne(modelPath: string, bytes: Uint8Array, summary: ModelSummary, name: string, opts: BenchOptions): Promise<BenchResult> {
  const batch = opts.batch ?? 1;
  const iterations = opts.iterations ?? 2000;
  const warmup = opts.warmup ?? 200;
  const t0 = process.hrtime.bigint();
  const threadsRequested = opts.threads ?? 1;
  const engine: Engine = await createEngine(name, bytes, modelPath, { threads: threadsRequested });
  const loadUs = Number(process.hrtime.bigint() - t0) / 1000;
  try {
    const per = elementsPerSample(engine.input);
    const data = inputs(summary, per, opts);
    // A fixed set of distinct batches, cycled (no allocation in the timed loop).
    const batches: Float32Array[] = [];
    for (let b = 0; b < Math.min(64, Math.max(1, Math.floor(data.count / batch))); b++) {
      batches.push(data.inputs.subarray(b * batch * per, (b + 1) * batch * per));
    }
    if (batches[0].length !== batch * per) throw new EdgeqatError('E_OPTION', `--batch ${batch} is larger than the ${data.count} available inputs`);

    const runs = timeRuns((i) => engine.run(batches[i % batches.length], batch), iterations, warmup);
    const figures = latencyFigures(runs, warmup, batch);
    return {
      model: modelPath,
      engine: engine.name,
      batch,
      threads_requested: threadsRequested,
      threads: engine.threads ?? 1,
      iterations,
      warmup,
      input: data.what,
      load_us: Math.round(loadUs * 10) / 10,
      first_run_us: figures.first_run_us,
      min_us: figures.min_us,
      p50_us: figures.p50_us,
      p90_us: figures.p90_us,
      p99_us: figures.p99_us,
      mean_us: figures.mean_us,
      max_us: figures.max_us,
      throughput_per_s: figures.throughput_per_s,
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    engine.dispose();
  }
}

export async function runBench(modelPath: string, opts: BenchOptions = {}): Promise<BenchResult | BenchAllResult> {
  const summary = readTfliteFile(modelPath);
  const bytes = new Uint8Array(readFileSync(modelPath));
  const name = opts.engine ?? 'auto';
  if (name !== 'all') return benchOne(modelPath, bytes, summary, name, opts);
  const results: BenchResult[] = [];
  const unavailable: { engine: string; error: string }[] = [];
  for (const engine of ENGINE_NAMES) {
    try {
      results.push(await benchOne(modelPath, bytes, summary, engine, opts));
    } catch (e) {
      if (!isEdgeqatError(e) || e.code === 'E_OPTION' || e.code === 'E_DATASET') throw e;
      unavailable.push({ engine, error: e.message.startsWith(`${modelPath}: `) ? e.message.slice(modelPath.length + 2) : e.message });
    }
  }
  if (results.length === 0) throw new EdgeqatError('E_UNSUPPORTED', `${modelPath}: no engine can run this model (${unavailable.map((u) => `${u.engine}: ${u.error}`).join('; ')})`);
  return { model: modelPath, batch: opts.batch ?? 1, results, unavailable };
}

function us(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} ms` : `${x.toFixed(1)} µs`;
}

export function formatBench(r: BenchResult): string {
  const threads = r.threads === r.threads_requested ? '' : ` (asked for ${r.threads_requested} threads: ${r.engine} computes with ${r.threads} in Node, ${r.engine === 'reference' ? 'plain TypeScript on the calling thread' : 'its threaded WebAssembly build needs Web Workers'})`;
  return (
    `${r.engine}${threads}: load ${us(r.load_us)}, first run ${us(r.first_run_us)}; batch ${r.batch} × ${r.iterations} runs: ` +
    `min ${us(r.min_us)}, p50 ${us(r.p50_us)}, p90 ${us(r.p90_us)}, p99 ${us(r.p99_us)}; ` +
    `${r.throughput_per_s.toLocaleString('en-US')} samples/s; peak RSS ${(r.peak_rss_bytes / 2 ** 20).toFixed(0)} MB`
  );
}

export function benchCommand(): Command {
  return new Command('bench')
    .description('latency, throughput, load time and peak memory of a .tflite model on an engine')
    .argument('<model>', '.tflite file')
    .option('--engine <name>', `${BENCH_ENGINES.join(' | ')} (auto: the fastest that runs the model)`, oneOf('--engine', BENCH_ENGINES), 'auto')
    .option('--batch <n>', 'samples per run', positiveInt('--batch'), 1)
    .option('--threads <n>', 'CPU threads to ask the engines for (in Node all engines compute with 1; the output says so)', positiveInt('--threads'), 1)
    .option('--iterations <n>', 'timed runs', positiveInt('--iterations'), 2000)
    .option('--warmup <n>', 'untimed runs first', nonNegativeInt('--warmup'), 200)
    .option('--dataset <spec>', 'inputs from this data set (default: MNIST for 28×28 models, else random)')
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--json', 'print one JSON object (times in µs, keys ending in _us)')
    .action(async (model: string, opts: BenchOptions) => {
      const r = await runBench(model, opts);
      if (opts.json) {
        console.log(JSON.stringify(r));
      } else if ('results' in r) {
        console.log(`${r.model}:`);
        for (const one of r.results) console.log(`  ${formatBench(one)}`);
        for (const u of r.unavailable) console.log(`  ${u.engine}: cannot run this model (${u.error})`);
      } else {
        console.log(`${r.model}: ${formatBench(r)} (inputs: ${r.input})`);
      }
    });
}
