// SIGKILL where it hurts: the test-only switch EDGEQAT_TEST_KILL_AT (runtime/test-kill-switch.ts)
// makes `edgeqat train` / `edgeqat export` kill themselves at each named point of the atomic write
// (temp file half written, temp complete, renamed) of a checkpoint, the `latest` pointer, run.json,
// metrics.json and the .tflite: every point is hit in every run, whatever the machine's load. After
// each kill every file left is the previous valid one or the new valid one, and --resume goes on
// (from step 0 when no checkpoint was saved yet). Then random kills after a checkpoint of the
// killed process itself; the run finally ends with the weights of a run never killed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTfliteFile } from '../runtime/model-reader.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';
import { loadRun, readRunInfo } from '../toolkit/run-folder.js';
import { runCli } from './helpers/run-cli.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-kill-'));
const run = join(tmp, 'run');
const TRAIN = ['--limit', '1000', '--batch-size', '10', '--checkpoint-every', '10', '--quiet', '--backend', 'wasm'];
const random = mulberry32(2026);
/** A temp file of the atomic write: the only kind of file a kill may leave besides valid ones. */
const TEMP = /^\.[^/]+\.tmp-[0-9a-f]{16}$/;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function start(args: string[], env: Record<string, string> = {}): { child: ReturnType<typeof spawn>; done: Promise<Exit> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'toolkit/cli/index.ts', ...args], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

/** Runs the CLI with the kill switch at `point`; it must die there. */
async function killedAt(point: string, args: string[]): Promise<Exit> {
  const r = await start(args, { EDGEQAT_TEST_KILL_AT: point }).done;
  expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
  expect(r.stderr).toContain(`edgeqat-test-kill: ${point.includes(':') ? point : `${point}:1`}\n`);
  return r;
}

/** Every file under `dir` is a temp file or valid: JSON parses, run.json is a run's, the checkpoint `latest` names loads. */
async function checkRunFolder(dir: string, lastStep: { step: number }): Promise<void> {
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const file of walk(dir)) {
    const name = file.split('/').pop()!;
    if (TEMP.test(name)) continue;
    if (name.endsWith('.json')) expect(() => JSON.parse(readFileSync(file, 'utf8')), file).not.toThrow();
  }
  if (existsSync(join(dir, 'run.json'))) expect(readRunInfo(dir).model).toBe('mlp');
  if (existsSync(join(dir, 'metrics.json'))) expect(Array.isArray(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).history)).toBe(true);
  if (existsSync(join(dir, 'checkpoints', 'latest'))) {
    const loaded = await loadRun(dir); // refuses a checkpoint with missing or short files
    expect(loaded.state.position.step).toBeGreaterThanOrEqual(lastStep.step); // never goes back
    lastStep.step = loaded.state.position.step;
    loaded.model.dispose();
  }
}

function finalWeights(dir: string): Float32Array {
  const latest = readFileSync(join(dir, 'checkpoints', 'latest'), 'utf8').trim();
  const bin = readFileSync(join(dir, 'checkpoints', latest, 'weights.bin'));
  return new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
}

describe('SIGKILL at every named point of every atomic write', () => {
  beforeAll(() => initBackend('wasm'));

  it('train: kills in run.json, a checkpoint, latest and metrics.json leave valid files; --resume ends with the weights of an unkilled run', async () => {
    const last = { step: -1 };
    // Before the first checkpoint: the run folder is only run.json (+ metrics.json).
    for (const stage of ['partial', 'complete']) {
      await killedAt(`${stage}@run.json`, ['train', ...TRAIN, '--out', run]);
      expect(existsSync(join(run, 'run.json'))).toBe(false); // never a half-written run.json
      await checkRunFolder(run, last);
    }
    await killedAt('renamed@run.json', ['train', ...TRAIN, '--out', run]);
    expect(readRunInfo(run).options.limit).toBe(1000);
    expect(existsSync(join(run, 'checkpoints', 'latest'))).toBe(false);

    // --resume with no checkpoint starts again from step 0 with the saved settings, and says so.
    const resume = ['train', '--resume', run, '--quiet'];
    const points = ['partial@weights.bin', 'complete@weights.bin', 'renamed@weights.bin', 'partial@latest', 'complete@latest', 'renamed@latest'];
    for (const point of points) {
      const r = await killedAt(point, resume);
      expect(r.stderr).toContain(`${run}: no checkpoint yet (stopped before the first one): training from step 0 with the run's saved settings\n`);
      await checkRunFolder(run, last);
      expect(existsSync(join(run, 'checkpoints', 'latest'))).toBe(point === 'renamed@latest');
    }
    expect(last.step).toBe(10);
    // metrics.json and run.json are rewritten after each checkpoint of a resumed run (:2 = the second time).
    for (const point of ['partial@metrics.json', 'complete@metrics.json', 'renamed@metrics.json', 'partial@run.json', 'complete@run.json:2']) {
      await killedAt(point, resume);
      await checkRunFolder(run, last);
    }
    expect(last.step).toBe(70);

    // Random kills, each after a checkpoint written by the killed process itself.
    for (let i = 0; i < 2; i++) {
      const before = readFileSync(join(run, 'checkpoints', 'latest'), 'utf8');
      const { child, done } = start(resume);
      const poll = setInterval(() => {
        if (readFileSync(join(run, 'checkpoints', 'latest'), 'utf8') !== before) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGKILL'), random() * 500);
        }
      }, 10);
      await done;
      clearInterval(poll);
      await checkRunFolder(run, last);
    }

    const finished = await runCli(resume);
    expect(finished.code, finished.stderr).toBe(0);
    const unkilled = join(tmp, 'unkilled');
    const reference = await runCli(['train', ...TRAIN, '--out', unkilled]);
    expect(reference.code, reference.stderr).toBe(0);
    expect(finalWeights(run)).toEqual(finalWeights(unkilled));
    expect(readRunInfo(run).qatAccuracy).toBe(readRunInfo(unkilled).qatAccuracy);
  }, 600_000);

  it('export: a kill before the rename leaves the previous .tflite, after it the new one', async () => {
    const out = join(tmp, 'model.tflite');
    expect((await runCli(['export', run, '--out', out])).code).toBe(0);
    const previous = readFileSync(out);
    for (const stage of ['partial', 'complete', 'renamed']) {
      await killedAt(`${stage}@model.tflite`, ['export', run, '--out', out, '--int8-io']);
      const now = readFileSync(out);
      readTfliteFile(out); // throws if the file is partial or corrupt
      if (stage === 'renamed') expect(now.equals(previous)).toBe(false);
      else expect(now.equals(previous)).toBe(true);
      expect(readdirSync(tmp).filter((f) => f !== 'model.tflite' && f.startsWith('.model.tflite')).every((f) => TEMP.test(f))).toBe(true);
    }
  }, 600_000);
});
