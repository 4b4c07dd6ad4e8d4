// Seeded validation split (runtime/datasets/val-split.ts): stratified, reproducible, disjoint; a
// trained model records it and `eval` evaluates on exactly the samples train held out (real MNIST,
// real TFLite interpreter).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '../runtime/datasets/datasets.js';
import { holdOut } from '../runtime/datasets/val-split.js';
import { EdgeqatError } from '../runtime/errors.js';
import { PREPROCESSING_METADATA, readPreprocessing } from '../runtime/model-metadata.js';
import { readTfliteFile } from '../runtime/model-reader.js';
import { runEval } from '../toolkit/cli/commands/eval.js';
import { runExport } from '../toolkit/cli/commands/export.js';
import { runTrain } from '../toolkit/cli/commands/train.js';

const sameSamples = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe('holdOut', () => {
  const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i % 10 < 7 ? 0 : i % 10 === 7 ? 1 : 2)); // 700 / 100 / 200

  it('holds out the same share of every class, disjoint from training, in data order', () => {
    const { train, heldOut } = holdOut(labels, labels.length, { fraction: 0.1, seed: 3 });
    expect([train.length, heldOut.length]).toEqual([900, 100]);
    const count = (ix: Uint32Array, c: number) => Array.from(ix).filter((i) => labels[i] === c).length;
    expect([count(heldOut, 0), count(heldOut, 1), count(heldOut, 2)]).toEqual([70, 10, 20]);
    expect(new Set([...train, ...heldOut]).size).toBe(1000);
    expect(Array.from(heldOut)).toEqual(Array.from(heldOut).sort((a, b) => a - b));
  });

  it('is a pure function of (labels, fraction, seed)', () => {
    const a = holdOut(labels, labels.length, { fraction: 0.2, seed: 7 }).heldOut;
    expect(Array.from(holdOut(labels, labels.length, { fraction: 0.2, seed: 7 }).heldOut)).toEqual(Array.from(a));
    expect(Array.from(holdOut(labels, labels.length, { fraction: 0.2, seed: 8 }).heldOut)).not.toEqual(Array.from(a));
  });

  it('refuses a fraction outside (0, 1) or one that leaves a side empty, in one line', () => {
    for (const [fraction, n, pattern] of [[0, 1000, /between 0 and 1/], [1, 1000, /between 0 and 1/], [0.01, 10, /nothing to validate on/]] as const) {
      let caught: unknown;
      try {
        holdOut(labels, n, { fraction, seed: 0 });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(EdgeqatError);
      expect((caught as Error).message).toMatch(pattern);
    }
  });
});

describe('loadDataset with valSplit', () => {
  let all: Dataset;
  let split: Dataset;
  beforeAll(() => {
    all = loadDataset('mnist', { split: 'train' });
    split = loadDataset('mnist', { valSplit: { fraction: 0.1, seed: 1 } });
  });

  it('splits the training samples: 54,000 to train, 6,000 held out as the test split', () => {
    expect([split.train!.count, split.test!.count]).toEqual([54000, 6000]);
    expect(split.normalization).toEqual(all.normalization);
    const { heldOut } = holdOut(all.train!.labels, all.train!.count, { fraction: 0.1, seed: 1 });
    for (const j of [0, 1234, 5999]) {
      const i = heldOut[j]!;
      expect(sameSamples(split.test!.pixels!.subarray(j * 784, (j + 1) * 784), all.train!.pixels!.subarray(i * 784, (i + 1) * 784))).toBe(true);
      expect(split.test!.labels[j]).toBe(all.train!.labels[i]);
      expect(split.test!.inputs[j * 784 + 400]).toBe(all.train!.inputs[i * 784 + 400]);
    }
  });

  it('gives the same held-out samples to a test-only load (what eval does)', () => {
    const only = loadDataset('mnist', { split: 'test', valSplit: { fraction: 0.1, seed: 1 } });
    expect(only.train).toBeUndefined();
    expect(sameSamples(only.test!.labels, split.test!.labels)).toBe(true);
    expect(sameSamples(only.test!.pixels!, split.test!.pixels!)).toBe(true);
  });
});

describe('train --val-split -> export -> eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeqat-valsplit-'));
  const run = join(dir, 'run');

  it('records the split in run.json and the .tflite, and eval scores the same held-out samples', async () => {
    const t = await runTrain({ model: 'mlp', dataset: 'mnist', epochs: 1, batchSize: 32, lr: 0.002, lrSchedule: 'constant', seed: 5, out: run, backend: 'wasm', limit: 2000, valSplit: 0.05, quiet: true });
    t.model.dispose();
    expect(t.testCount).toBe(3000);
    expect(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')).valSplit).toEqual({ fraction: 0.05, seed: 5 });
    const out = join(dir, 'm.tflite');
    await runExport(run, { out, quiet: true });
    expect(readPreprocessing(readTfliteFile(out), out)?.valSplit).toEqual({ fraction: 0.05, seed: 5 });

    const r = await runEval(out, { quiet: true });
    expect([r.dataset, r.split, r.samples]).toEqual(['mnist', 'held-out', 3000]);
    // The int8 model and the fake-quant model agree on nearly every image: on the same samples
    // their accuracies are within a few images of each other.
    expect(Math.abs(r.accuracy - t.qatAccuracy)).toBeLessThan(0.01);
    const held = loadDataset('mnist', { split: 'test', valSplit: { fraction: 0.05, seed: 5 } }).test!;
    expect(r.correct).toBe(Array.from(r.predictions).filter((p, i) => p === held.labels[i]).length);
    // A different --split-seed is a different held-out set.
    const other = await runEval(out, { quiet: true, valSplit: 0.05, splitSeed: 6 });
    expect(other.samples).toBe(3000);
    expect(Array.from(other.predictions)).not.toEqual(Array.from(r.predictions));
  }, 120_000);

  it('refuses a malformed valSplit entry in a model', () => {
    const withEntry = (text: string) => ({ metadata: [{ name: PREPROCESSING_METADATA, buffer: 1, text }] });
    for (const bad of ['{"fraction":1.5,"seed":0}', '{"fraction":0.1}', '{"fraction":0.1,"seed":-1}', '{"fraction":0.1,"seed":0,"x":1}']) {
      expect(() => readPreprocessing(withEntry(`{"dataset":"mnist","mean":0,"std":1,"valSplit":${bad}}`), 'm')).toThrow(/m: metadata edgeqat_preprocessing: valSplit/);
    }
  });
});
