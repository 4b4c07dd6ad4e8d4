// Interrupted runs: SIGINT saves a checkpoint and exits 130, --resume continues to the same final
// weights as an uninterrupted run; a diverging loss stops with one line; training and evaluation
// do not leak tensors.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { buildMlp } from '../toolkit/models/mlp.js';
import { prepareQat } from '../toolkit/qat/prepare.js';
import { predictClasses, trainModel } from '../toolkit/engine/train.js';
import { errorLines, runCli } from './helpers/run-cli.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-resume-'));
// --l2 and --label-smoothing: the resumed run must take them from run.json for the weights to match.
const ARGS = ['--limit', '6000', '--epochs', '2', '--batch-size', '20', '--checkpoint-every', '50', '--backend', 'wasm', '--l2', '0.001', '--label-smoothing', '0.1'];

function finalWeights(run: string): Float32Array {
  const latest = readFileSync(join(run, 'checkpoints', 'latest'), 'utf8').trim();
  const bin = readFileSync(join(run, 'checkpoints', latest, 'weights.bin'));
  return new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
}

/** Starts `edgeqat train`, sends SIGINT once progress reaches `atPercent`, resolves with the exit. */
function trainAndInterrupt(args: string[], atPercent: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'toolkit/cli/index.ts', 'train', ...args], { cwd: repo });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = [...stderr.matchAll(/ (\d+)% /g)].at(-1);
      if (!sent && m && Number(m[1]) >= atPercent) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('interrupt and resume', () => {
  it('SIGINT mid-run saves a checkpoint (exit 130); --resume ends with the uninterrupted weights', async () => {
    const a = join(tmp, 'a');
    const full = await runCli(['train', ...ARGS, '--out', a, '--quiet']);
    expect(full.code, full.stderr).toBe(0);

    const b = join(tmp, 'b');
    const stopped = await trainAndInterrupt([...ARGS, '--out', b], 30);
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(errorLines(stopped.stderr).at(-1)).toMatch(/interrupted at step \d+: checkpoint saved in .* \(continue with: edgeqat train --resume /);
    const resumed = await runCli(['train', '--resume', b, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);

    const wa = finalWeights(a);
    const wb = finalWeights(b);
    expect(wb.length).toBe(wa.length);
    let maxDiff = 0;
    for (let i = 0; i < wa.length; i++) maxDiff = Math.max(maxDiff, Math.abs(wa[i] - wb[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(JSON.parse(readFileSync(join(b, 'run.json'), 'utf8')).qatAccuracy).toBe(JSON.parse(readFileSync(join(a, 'run.json'), 'utf8')).qatAccuracy);
  }, 600_000);

  it('a diverging loss stops the run with one line naming the step', async () => {
    const r = await runCli(['train', '--lr', '1e30', '--limit', '500', '--out', join(tmp, 'nan'), '--quiet', '--backend', 'wasm']);
    expect(r.code).toBe(1);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/training diverged: loss is (NaN|Infinity) at step \d+/);
  });
});

describe('bounded memory', () => {
  it('live tensors do not grow over 3 epochs of MLP training or over evaluating 10,000 images', async () => {
    await initBackend('wasm');
    const ds = loadDataset('mnist');
    const model = prepareQat(buildMlp(0));
    const data = { inputs: ds.train!.inputs, labels: ds.train!.labels, count: 600, featureSize: 784 };
    const opts = { epochs: 1, batchSize: 20, lr: 1e-3, seed: 0, numClasses: 10 };
    await trainModel(model, data, opts); // first run allocates the optimizer's and observers' state
    const before = tf.memory().numTensors;
    await trainModel(model, data, { ...opts, epochs: 3 });
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2);
    const beforeEval = tf.memory().numTensors;
    predictClasses(model, ds.test!.inputs, ds.test!.count);
    expect(tf.memory().numTensors - beforeEval).toBe(0);
  });
});
