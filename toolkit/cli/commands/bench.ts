// `edgeqat bench <model.tflite>`: how fast an engine runs a model in this process
// (toolkit/evaluate/bench-model.ts): load time, first run, per-run latency, throughput and peak RSS;
// `--json` gives times in microseconds under keys ending in `_us`.
import { Command } from 'commander';
import { ENGINE_CHOICES } from '../../../runtime/engines/index.js';
import { benchModel, type BenchAllResult, type BenchOptions, type BenchResult } from '../../evaluate/bench-model.js';
import { argumentOrConfig } from '../config.js';
import { nonNegativeInt, oneOf, positiveInt } from '../options.js';

export interface BenchCommandOptions extends BenchOptions {
  json?: boolean;
}

const BENCH_ENGINES = [...ENGINE_CHOICES, 'all'] as const;

export async function runBench(modelPath: string, opts: BenchCommandOptions = {}): Promise<BenchResult | BenchAllResult> {
  return benchModel(modelPath, opts);
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
    .argument('[model]', '.tflite file (default: bench.model in edgeqat.config.json)')
    .option('--engine <name>', `${BENCH_ENGINES.join(' | ')} (auto: the fastest that runs the model)`, oneOf('--engine', BENCH_ENGINES), 'auto')
    .option('--batch <n>', 'samples per run', positiveInt('--batch'), 1)
    .option('--threads <n>', 'CPU threads to ask the engines for (in Node all engines compute with 1; the output says so)', positiveInt('--threads'), 1)
    .option('--iterations <n>', 'timed runs', positiveInt('--iterations'), 2000)
    .option('--warmup <n>', 'untimed runs first', nonNegativeInt('--warmup'), 200)
    .option('--dataset <spec>', 'inputs from this data set (default: MNIST for 28×28 models, else random)')
    .option('--data-dir <dir>', 'folder holding the data set files')
    .option('--json', 'print one JSON object (times in µs, keys ending in _us)')
    .action(async (model: string | undefined, opts: BenchCommandOptions) => {
      const r = await runBench(argumentOrConfig('bench', model, 'model.tflite'), opts);
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
