// The `tensorflow` backend (@tensorflow/tfjs-node, built here by scripts/build-tfjs-node.sh, which
// .ci/run runs): QAT training through the composite fake-quant, dense and loss ops (the fused
// kernels exist for cpu and wasm only) reaches the wasm backend's accuracy, the exported int8 model
// agrees with the fake-quant model on the TFLite interpreter, and --resume after a kill ends with the
// weights of an unkilled run. A load failure is one line with its real reason.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../runtime/datasets/datasets.js';
import { initBackend, loadTfjsNode, tfjsNodeLoadProblem } from '../toolkit/engine/backend.js';
import { predictClasses } from '../toolkit/engine/train.js';
import { loadRun } from '../toolkit/run-folder.js';
import { describeNeeding } from './helpers/needs.js';
import { runCli } from './helpers/run-cli.js';
import { spawnAsync } from './helpers/spawn-async.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-tfnode-'));
const TRAIN = ['--limit', '2000', '--batch-size', '10', '--checkpoint-every', '50', '--quiet', '--backend', 'tensorflow'];
const missing = await loadTfjsNode();

function finalWeights(dir: string): Float32Array {
  const latest = readFileSync(join(dir, 'checkpoints', 'latest'), 'utf8').trim();
  const bin = readFileSync(join(dir, 'checkpoints', latest, 'weights.bin'));
  return new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
}

describe('a failed load of @tensorflow/tfjs-node says why, in one line', () => {
  it('not installed, or the loader\'s own reason', async () => {
    const notThere = await import('@tensorflow/tfjs-node-not-here' as string).catch((e: unknown) => e);
    expect(tfjsNodeLoadProblem(notThere, '@tensorflow/tfjs-node-not-here')).toBe(
      '@tensorflow/tfjs-node-not-here is not installed (npm install @tensorflow/tfjs-node-not-here; without internet: scripts/build-tfjs-node.sh)',
    );
    // A native binding the dynamic loader refuses (here: not an ELF file), as a broken install gives.
    const fake = join(tmp, 'tfjs_binding.node');
    writeFileSync(fake, 'not a shared object');
    let dlopenError: unknown;
    try {
      process.dlopen({ exports: {} } as NodeJS.Module, fake);
    } catch (e) {
      dlopenError = e;
    }
    expect(tfjsNodeLoadProblem(dlopenError)).toMatch(/^@tensorflow\/tfjs-node does not load: .*tfjs_binding\.node: (invalid ELF header|file too short)$/);
  });
});

describeNeeding(missing, 'training on the tensorflow backend', () => {
  const a = join(tmp, 'a');
  const test = loadDataset('mnist', { split: 'test' }).test!;

  it('QAT-trains the MLP to the accuracy of the wasm backend; the int8 export agrees with the fake-quant model', async () => {
    const r = await runCli(['train', ...TRAIN, '--out', a]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(tensorflow backend\)/);
    const info = JSON.parse(readFileSync(join(a, 'run.json'), 'utf8'));
    expect(info.backend).toBe('tensorflow');
    // The same run on wasm reaches 0.8585 (one epoch on 2,000 images); the backends' float
    // arithmetic differs, so the two runs are close, not equal.
    expect(info.qatAccuracy).toBeGreaterThan(0.83);

    const out = join(a, 'model.tflite');
    expect((await runCli(['export', a, '--out', out, '--backend', 'tensorflow'])).code).toBe(0);
    const preds = join(tmp, 'preds.json');
    const e = await runCli(['eval', out, '--json', '--predictions', preds, '--engine', 'tfjs-tflite']);
    expect(e.code, e.stderr).toBe(0);
    const int8: number[] = JSON.parse(readFileSync(preds, 'utf8'));

    expect(await initBackend('tensorflow')).toBe('tensorflow');
    const { model } = await loadRun(a);
    const qat = predictClasses(model, test.inputs, test.count);
    model.dispose();
    const agree = qat.filter((p, i) => p === int8[i]).length / test.count;
    expect(agree).toBeGreaterThanOrEqual(0.995);
    expect(qat.filter((p, i) => p === test.labels[i]).length / test.count).toBeCloseTo(info.qatAccuracy, 10);
  });

  it('--resume after a SIGKILL mid-checkpoint ends with the weights of the unkilled run', async () => {
    const b = join(tmp, 'b');
    const killed = await spawnAsync(process.execPath, ['--import', 'tsx', 'toolkit/cli/index.ts', 'train', ...TRAIN, '--out', b], {
      cwd: repo,
      env: { ...process.env, EDGEQAT_TEST_KILL_AT: 'renamed@latest:2' },
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const resumed = await runCli(['train', '--resume', b, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(b, 'run.json'), 'utf8')).backend).toBe('tensorflow');
    expect(finalWeights(b)).toEqual(finalWeights(a));
  });
});
