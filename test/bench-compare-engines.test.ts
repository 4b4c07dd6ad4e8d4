// `edgeqat bench` and `edgeqat compare-engines`: JSON shape and sanity only (timings are not
// asserted: the machines are shared), through run*() and once each through the real CLI.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createReferenceEngine } from '../runtime/engines/reference.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import { BuiltinOperator } from '../schemas/tflite.js';
import { runBench } from '../toolkit/cli/commands/bench.js';
import type { BenchAllResult, BenchResult } from '../toolkit/evaluate/bench-model.js';
import { formatComparison, runCompareEngines } from '../toolkit/cli/commands/compare-engines.js';
import { truncatedModel } from '../toolkit/debug/layer-agreement.js';
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
    expect(r.input).toBe('mnist test samples');
    expect(Object.keys(r).filter((k) => k.endsWith('_us'))).toEqual(['load_us', 'first_run_us', 'min_us', 'p50_us', 'p90_us', 'p99_us', 'mean_us', 'max_us']);
  });

  it('--engine all through the CLI: every engine that runs the model, the others with their reason', async () => {
    const r = await runCli(['bench', fixturePath('mlp-int8-int8-io'), '--engine', 'all', '--iterations', '30', '--warmup', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const all = JSON.parse(r.stdout) as BenchAllResult;
    expect(all.results.map((x) => x.engine)).toEqual(['reference', 'reference-xnnpack', 'tfjs-tflite']);
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
    expect(r.engines.map((e) => e.engine)).toEqual(['reference', 'reference-xnnpack', 'tfjs-tflite', 'litert']);
    expect(r.unavailable).toEqual([]);
    const [reference, ...others] = r.engines;
    expect(reference).toMatchObject({ identical: 1, samePrediction: 1, maxAbsDiff: 0, outputDtype: 'float32', vsXnnpack: null });
    for (const e of others) {
      expect(e.accuracy).toBeCloseTo(reference.accuracy, 2);
      expect(e.identical).toBeGreaterThanOrEqual(0.99);
      expect(e.samePrediction).toBeGreaterThanOrEqual(0.99);
      expect(e.vsXnnpack).toMatchObject({ identical: 1, maxAbsDiff: 0 }); // the WebAssembly engines = XNNPACK's arithmetic
    }
  });

  it('--json through the CLI; an engine that cannot run the model is listed with its reason', async () => {
    const r = await runCli(['compare-engines', fixturePath('mlp-int8-int8-io'), '--limit', '200', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.engines.map((e: { engine: string }) => e.engine)).toEqual(['reference', 'reference-xnnpack', 'tfjs-tflite']);
    expect(result.engines[2].identical).toBe(1); // int8 outputs, compared raw
    expect(result.engines[2].outputDtype).toBe('int8');
    expect(result.engines[2].vsXnnpack.identical).toBe(1);
    expect(result.unavailable).toEqual([{ engine: 'litert', error: expect.stringMatching(/^litert cannot run this model/) }]);
  });
});

describe('edgeqat compare-engines --per-layer (the edgeqat DSCNN: conv, depthwise, residual add, pooling)', () => {
  it('output difference in steps; every op alone ≤ 1 step, and only the requantizing ops differ at all', async () => {
    // Measured on all 10,000 images (docs/engines.md): tfjs-tflite and LiteRT.js run XNNPACK, which
    // requantizes in float32 where TFLite's reference kernels double-round in fixed point.
    const r = await runCompareEngines(fixturePath('edgeqat-dscnn'), { limit: 40, quiet: true, perLayer: true });
    const [reference, xnnpack, ...others] = r.engines;
    expect(reference.layers).toBeUndefined();
    expect(reference).toMatchObject({ maxSteps: 0, differing: 0 });
    expect(xnnpack.engine).toBe('reference-xnnpack');
    expect(xnnpack.layers).toBeUndefined();
    expect(xnnpack.maxSteps).toBeGreaterThanOrEqual(1); // XNNPACK's arithmetic alone explains the difference …
    expect(others.map((e) => e.engine)).toEqual(['tfjs-tflite', 'litert']);
    for (const e of others) {
      expect(e.vsXnnpack).toMatchObject({ identical: 1, maxAbsDiff: 0 }); // … the engines equal it exactly
      expect(e.maxAbsDiff).toBe(xnnpack.maxAbsDiff);
      expect(e.maxSteps).toBeGreaterThanOrEqual(1); // accumulated through 7 convolutions
      expect(e.maxSteps! * 0.0936816).toBeCloseTo(e.maxAbsDiff!, 4); // steps of quant_logits
      const layers = e.layers!;
      expect(layers.map((l) => l.op)).toEqual(['QUANTIZE', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'ADD', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED']);
      for (const l of layers) {
        expect(l.alone, l.tensor).not.toBeNull();
        expect(l.alone!.maxSteps, l.tensor).toBeLessThanOrEqual(1);
        if (!['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'FULLY_CONNECTED'].includes(l.op)) expect(l.alone!.differing, l.tensor).toBe(0);
      }
      expect(layers.filter((l) => l.op === 'CONV_2D').every((l) => l.alone!.differing > 0)).toBe(true);
      expect(layers[0].accumulated.maxSteps).toBe(0); // QUANTIZE of the same float input
      expect(layers[layers.length - 1].accumulated.maxSteps).toBe(e.maxSteps);
    }
  });

  it('--baseline reference-xnnpack: every op of both WebAssembly engines equals XNNPACK\'s arithmetic, alone and accumulated', async () => {
    const r = await runCompareEngines(fixturePath('edgeqat-dscnn'), { limit: 40, quiet: true, perLayer: true, baseline: 'reference-xnnpack' });
    expect(r.baseline).toBe('reference-xnnpack');
    const others = r.engines.filter((e) => e.layers);
    expect(others.map((e) => e.engine)).toEqual(['tfjs-tflite', 'litert']);
    for (const e of others) {
      expect(e.layers).toHaveLength(12);
      for (const l of e.layers!) {
        expect(l.alone, `${e.engine} ${l.tensor}`).toMatchObject({ maxSteps: 0, differing: 0 });
        expect(l.accumulated, `${e.engine} ${l.tensor}`).toMatchObject({ maxSteps: 0, differing: 0, identicalImages: 1 });
      }
    }
    expect(formatComparison(r)).toMatch(/tfjs-tflite vs reference-xnnpack, per op/);
    const bad = await runCli(['compare-engines', fixturePath('edgeqat-mlp'), '--per-layer', '--baseline', 'xnnpack']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("edgeqat: error: --baseline must be one of reference, reference-xnnpack, got 'xnnpack'");
  });

  it('a cut model computes exactly the whole model\'s tensor (reference engine)', () => {
    const bytes = new Uint8Array(readFileSync(fixturePath('edgeqat-dscnn')));
    const full = createReferenceEngine(bytes);
    const image = Float32Array.from({ length: 784 }, (_, i) => ((i * 37) % 255) / 255 - 0.4);
    full.run(image, 1);
    for (const op of [2, 8, 9]) {
      const summary = readTfliteModel(bytes);
      const tensor = full.interpreter.tensors[summary.subgraph.operators[op].outputs[0]]!;
      const cut = createReferenceEngine(truncatedModel(bytes, op)).run(image, 1) as Float32Array;
      expect(cut.length).toBe(tensor.data.length);
      expect(Array.from(cut, (v) => Math.round(v / tensor.scale) + tensor.zeroPoint)).toEqual(Array.from(tensor.data));
    }
  });
});
