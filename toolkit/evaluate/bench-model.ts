// How fast an engine runs a model in this process: load time (engine creation, including its
// WebAssembly start-up when it is the first load), the first run, a warm-up, then per-run latency
// (min/p50/p90/p99/mean/max; the device runner's timing loop and nearest-rank percentiles),
// throughput and peak RSS, in microseconds under keys ending in `_us`. Inputs are test samples of a
// data set (normalized as the model's metadata says) when one is named or the model takes 28×28
// inputs, else seeded random values.
import { readFileSync } from 'node:fs';
import { latencyFigures, timeRuns, type LatencyFigures } from '../../devices/runner/latency.js';
import { elementsPerSample, type Engine } from '../../runtime/engines/engine.js';
import { createEngine, ENGINE_NAMES } from '../../runtime/engines/index.js';
import { readPreprocessing } from '../../runtime/model-metadata.js';
import { EdgeqatError, isEdgeqatError } from '../../runtime/errors.js';
import { readTfliteFile, type ModelSummary } from '../../runtime/model-reader.js';
import { seededInputs } from '../../runtime/seeded-inputs.js';
import { noEngineRuns, unavailable, type EngineUnavailable } from './engine-unavailable.js';
import { checkInputSize, testSplitFor } from './test-inputs.js';

export interface BenchOptions {
  /** auto (default), one engine's name, or all. */
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
}

/** The latency figures (µs, keys ending in _us; throughput in samples per second) and what they are of. */
export interface BenchResult extends LatencyFigures {
  model: string;
  engine: string;
  batch: number;
  /** Threads asked for (--threads) and threads the engine computed with. */
  threads_requested: number;
  threads: number;
  /** What the inputs were. */
  input: string;
  load_us: number;
  /** Peak resident set size of this process so far. */
  peak_rss_bytes: number;
}

export interface BenchAllResult {
  model: string;
  batch: number;
  results: BenchResult[];
  unavailable: EngineUnavailable[];
}

const MNIST_SIZE = 28 * 28;
const RANDOM_SAMPLES = 256;

function inputs(summary: ModelSummary, per: number, opts: BenchOptions): { inputs: Float32Array; count: number; what: string } {
  // The data set the model records (fitted and normalised as it says; audio models on their own
  // features: random values are not MFCCs), else MNIST for 28×28 inputs.
  const spec = opts.dataset ?? readPreprocessing(summary, 'model')?.dataset ?? (per === MNIST_SIZE ? 'mnist' : null);
  if (spec) {
    const data = testSplitFor(summary, spec, spec, opts.dataDir);
    checkInputSize(per, data, spec);
    return { inputs: data.test!.inputs, count: data.test!.count, what: `${spec} test samples` };
  }
  return { inputs: seededInputs(per, RANDOM_SAMPLES), count: RANDOM_SAMPLES, what: 'random values in [0, 1)' };
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
    const { iterations: _timed, warmup: _warmup, ...figures } = latencyFigures(runs, warmup, batch);
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
      ...figures,
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    engine.dispose();
  }
}

/** One engine's figures, or with engine 'all' every engine's (those that cannot run the model listed). */
export async function benchModel(modelPath: string, opts: BenchOptions = {}): Promise<BenchResult | BenchAllResult> {
  const summary = readTfliteFile(modelPath);
  const bytes = new Uint8Array(readFileSync(modelPath));
  const name = opts.engine ?? 'auto';
  if (name !== 'all') return benchOne(modelPath, bytes, summary, name, opts);
  const results: BenchResult[] = [];
  const refused: EngineUnavailable[] = [];
  for (const engine of ENGINE_NAMES) {
    try {
      results.push(await benchOne(modelPath, bytes, summary, engine, opts));
    } catch (e) {
      if (!isEdgeqatError(e) || e.code === 'E_OPTION' || e.code === 'E_DATASET') throw e;
      refused.push(unavailable(engine, e, modelPath));
    }
  }
  if (results.length === 0) throw noEngineRuns(modelPath, refused);
  return { model: modelPath, batch: opts.batch ?? 1, results, unavailable: refused };
}
