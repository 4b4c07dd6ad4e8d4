// `edgeqat bench` and `edgeqat compare-engines`: JSON shape and sanity only (timings are not
// asserted: the machines are shared), through run*() and once each through the real CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BuiltinOperator } from '../schemas/tflite.js';
import { runBench, type BenchAllResult, type BenchResult } from '../toolkit/cli/commands/bench.js';
import { runCompareEngines } from '../toolkit/cli/commands/compare-engines.js';
import { int8Activation, singleOpModel } from './conformance/build.js';
import { runCli } from './helpers/run-cli.js';

const fixturePath = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.tflite`, import.meta.url));

function expectSaneBench(r: BenchResult, engine: string, batch: number) {
  expect(r.engine).toBe(engine);
  expect(r.batch).toBe(batch);
  for (const key of ['load_us', 'first_run_us', 'min_us', 'p50_us', 'p90_us', 'p99_us', 'mean_us', 'max_us'] as const) {
    expect(Number.isFinite(r[key]), key).toBe(true);
    expect(r[key], key).toBeGreaterThan(0);
  }
  expect(r.min_us).toBeLessThanOrEqual(r.p50_us);
  expect(r.p50_us).toBeLessThanOrEqual(r.p90_us);
  expect(r.p90_us).toBeLessThanOrEqual(r.p99_us);
  expect(r.p99_us).toBeLessThanOrEqual(r.max_us);
  expect(r.throughput_per_s).toBeGreaterThan(0);
  expect(r.peak_rss_bytes).toBeGreaterThan(10 * 2 ** 20);
}

describe('edgeqat bench', () => {
  it('one engine: times in µs under *_us keys, ordered percentiles', async () => {
    const r = (await runBench(fixturePath('edgeqat-mlp'), { engine: 'reference', iterations: 50, warmup: 5, batch: 3 })) as BenchResult;
    expectSaneBench(r, 'reference', 3);
    expect(r.iterations).toBe(50);
    expect(r.input).toBe('mnist test images');
    expect(Object.keys(r).filter((k) => k.endsWith('_us'))).toEqual(['load_us', 'first_run_us', 'min_us', 'p50_us', 'p90_us', 'p99_us', 'mean_us', 'max_us']);
  });

  it('--engine all through the CLI: every engine that runs the model, the others with their reason', () => {
    const r = runCli(['bench', fixturePath('mlp-int8-int8-io'), '--engine', 'all', '--iterations', '30', '--warmup', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const all = JSON.parse(r.stdout) as BenchAllResult;
    expect(all.results.map((x) => x.engine)).toEqual(['reference', 'tfjs-tflite']);
    for (const x of all.results) expectSaneBench(x, x.engine, 1);
    expect(all.unavailable).toEqual([{ engine: 'litert', error: expect.stringMatching(/^litert cannot run this model: input tensor .* is INT8/) }]);
  });

  it('a model without 28×28 inputs is timed on random inputs', async () => {
    const q = { scale: 0.1, zeroPoint: 0 };
    const path = join(mkdtempSync(join(tmpdir(), 'edgeqat-bench-')), 'reshape.tflite');
    writeFileSync(path, singleOpModel((g) => int8Activation(g, 'input', [1, 12], q), (g, x) => ({ code: BuiltinOperator.RESHAPE, version: 1, inputs: [x], output: int8Activation(g, 'output', [1, 12], q) })));
    const r = (await runBench(path, { engine: 'reference', iterations: 10, warmup: 1 })) as BenchResult;
    expect(r.input).toBe('random values in [0, 1)');
  });
});

describe('edgeqat compare-engines', () => {
  it('per-engine accuracy and share identical to the reference engine', async () => {
    const r = await runCompareEngines(fixturePath('edgeqat-mlp'), { limit: 500, quiet: true });
    expect(r.samples).toBe(500);
    expect(r.engines.map((e) => e.engine)).toEqual(['reference', 'tfjs-tflite', 'litert']);
    expect(r.unavailable).toEqual([]);
    const [reference, ...others] = r.engines;
    expect(reference).toMatchObject({ identical: 1, samePrediction: 1, maxAbsDiff: 0, outputDtype: 'float32' });
    for (const e of others) {
      expect(e.accuracy).toBeCloseTo(reference.accuracy, 2);
      expect(e.identical).toBeGreaterThanOrEqual(0.99);
      expect(e.samePrediction).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('--json through the CLI; an engine that cannot run the model is listed with its reason', () => {
    const r = runCli(['compare-engines', fixturePath('mlp-int8-int8-io'), '--limit', '200', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.engines.map((e: { engine: string }) => e.engine)).toEqual(['reference', 'tfjs-tflite']);
    expect(result.engines[1].identical).toBe(1); // int8 outputs, compared raw
    expect(result.engines[1].outputDtype).toBe('int8');
    expect(result.unavailable).toEqual([{ engine: 'litert', error: expect.stringMatching(/^litert cannot run this model/) }]);
  });
});
