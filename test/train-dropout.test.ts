// Dropout in training: TF.js's Dropout with a seed draws the same mask at every step (and without
// one it is not reproducible); the training loop reseeds every Dropout layer per step from (run
// seed, step, layer), so masks change each step, a rerun (or --resume) draws them again, and
// inference is untouched. kws-dscnn carries the reference's two Dropout layers; train --no-dropout
// turns them off (rate 0), recorded in run.json.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { dropoutOff, reseedDropout, trainModel } from '../toolkit/engine/train.js';
import { buildKwsDscnn } from '../toolkit/models/kws-dscnn.js';
import { prepareQat } from '../toolkit/qat/prepare.js';
import { runCli } from './helpers/run-cli.js';
import { needAudioTools, tinySpeechCommands } from './helpers/speech-data.js';

beforeAll(() => initBackend('wasm'));
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-dropout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dropoutModel(): tfl.LayersModel {
  const x = tfl.input({ shape: [64] });
  const y = tfl.layers.dropout({ rate: 0.5, seed: 3 }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: tfl.layers.dropout({ rate: 0.5, seed: 3 }).apply(y) as tfl.SymbolicTensor });
}
const run = (m: tfl.LayersModel, training: boolean) => Array.from(tf.tidy(() => (m.apply(tf.ones([2, 64]), { training }) as tf.Tensor).dataSync()));

describe('dropout reseeded per step', () => {
  it('a fixed seed repeats the mask; reseedDropout gives each step its own mask, the same again for the same step', () => {
    const m = dropoutModel();
    expect(run(m, true)).toEqual(run(m, true)); // TF.js as it is: one mask for the whole run
    reseedDropout(m, 7, 0);
    const step0 = run(m, true);
    reseedDropout(m, 7, 1);
    const step1 = run(m, true);
    reseedDropout(m, 7, 0);
    expect(run(m, true)).toEqual(step0);
    expect(step1).not.toEqual(step0);
    reseedDropout(m, 8, 0);
    expect(run(m, true)).not.toEqual(step0);
    const dropped = step0.filter((v) => v === 0).length / step0.length;
    expect(dropped).toBeGreaterThan(0.55); // two layers of 0.5: 75% expected
    expect(dropped).toBeLessThan(0.95);
    expect(run(m, false)).toEqual(new Array(128).fill(1)); // inference: identity
    m.dispose();
  });

  it('trainModel reseeds before every step: the layers end with the last step\'s seeds', async () => {
    const data = loadDataset('mnist', { split: 'train' }).train!;
    const x = tfl.input({ shape: [784] });
    const h = tfl.layers.dense({ units: 16, activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
    const d = tfl.layers.dropout({ rate: 0.3 }).apply(h) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x, outputs: tfl.layers.dense({ units: 10 }).apply(d) as tfl.SymbolicTensor });
    await trainModel(model, { inputs: data.inputs, labels: data.labels, count: 60, featureSize: 784 }, { epochs: 1, batchSize: 20, lr: 1e-3, seed: 5, numClasses: 10 });
    const seedOf = (m: tfl.LayersModel) => (m.layers.find((l) => l.getClassName() === 'Dropout') as unknown as { seed: number }).seed;
    const after = seedOf(model);
    reseedDropout(model, 5, 2); // the third and last step
    expect(seedOf(model)).toBe(after);
    reseedDropout(model, 5, 1);
    expect(seedOf(model)).not.toBe(after);
    model.dispose();
  });

  it('kws-dscnn has the reference\'s dropout (0.2 after the first convolution, 0.4 before the pooling), kept in its QAT model', () => {
    const float = buildKwsDscnn(0);
    const rates = (m: tfl.LayersModel) => m.layers.filter((l) => l.getClassName() === 'Dropout').map((l) => (l.getConfig() as { rate: number }).rate);
    expect(rates(float)).toEqual([0.2, 0.4]);
    const qat = prepareQat(float);
    expect(rates(qat)).toEqual([0.2, 0.4]);
    float.dispose();
    qat.dispose();
  });

  it('dropoutOff turns every Dropout layer into a pass-through, in training too', () => {
    const m = dropoutModel();
    dropoutOff(m);
    expect(run(m, true)).toEqual(new Array(128).fill(1));
    m.dispose();
  });

  it('train --no-dropout: kws-dscnn trains with its Dropout layers at rate 0, recorded in run.json', async (ctx) => {
    needAudioTools(ctx);
    const out = join(tmp, 'run');
    const r = await runCli(['train', '--model', 'kws-dscnn', '--dataset', `speech-commands:${tinySpeechCommands()}`, '--limit', '16', '--batch-size', '16', '--no-dropout', '--out', out, '--quiet'], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).options.dropout).toBe(false);
    const checkpoint = readFileSync(join(out, 'checkpoints', readFileSync(join(out, 'checkpoints', 'latest'), 'utf8').trim(), 'model.json'), 'utf8');
    const rates = [...checkpoint.matchAll(/"class_name":\s*"Dropout",\s*"config":\s*\{\s*"rate":\s*([\d.]+)/g)].map((m) => Number(m[1]));
    expect(rates).toEqual([0, 0]);
  }, 300_000);
});
