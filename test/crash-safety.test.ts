// SIGKILL at random moments: whatever `edgeqat train` / `edgeqat export` leave behind is the
// previous valid file or the new valid one, and --resume continues from every state left.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTfliteFile } from '../runtime/model-reader.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { loadRun } from '../toolkit/run-folder.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';
import { runCli } from './helpers/run-cli.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-kill-'));
const random = mulberry32(2026);

/** Runs the CLI and SIGKILLs it after `ms` (or lets it finish first); resolves with the exit. */
function runAndKill(args: string[], ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'toolkit/cli/index.ts', ...args], { cwd: repo, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

describe('SIGKILL at random moments', () => {
  it('train: 20 kills, each leaves no checkpoint or a loadable one, and --resume finishes', async () => {
    await initBackend('wasm');
    const run = join(tmp, 'run');
    const args = ['--limit', '4000', '--batch-size', '10', '--checkpoint-every', '20', '--out', run, '--quiet', '--backend', 'wasm'];
    let kills = 0;
    let lastStep = -1;
    for (let i = 0; i < 20; i++) {
      const started = existsSync(join(run, 'checkpoints', 'latest'));
      const r = await runAndKill(started ? ['train', '--resume', run, '--quiet'] : ['train', ...args], 300 + random() * 2700);
      if (r.signal === 'SIGKILL') kills++;
      if (existsSync(join(run, 'checkpoints', 'latest'))) {
        const loaded = await loadRun(run); // the checkpoint `latest` names is complete
        expect(loaded.state.position.step).toBeGreaterThanOrEqual(lastStep); // never goes back
        lastStep = loaded.state.position.step;
        loaded.model.dispose();
      }
      if (r.code === 0) break; // the run finished before a kill landed
    }
    expect(kills).toBeGreaterThan(0);
    const done = runCli(['train', '--resume', run, '--quiet'], { timeoutMs: 300_000 });
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')).qatAccuracy).toBeGreaterThan(0.8);
  }, 600_000);

  it('export: kills leave the previous model or the new one, both valid', async () => {
    const run = join(tmp, 'run');
    const out = join(tmp, 'model.tflite');
    expect(runCli(['export', run, '--out', out]).code).toBe(0);
    const size = readTfliteFile(out).fileBytes;
    for (let i = 0; i < 8; i++) {
      await runAndKill(['export', run, '--out', out, ...(i % 2 ? ['--int8-io'] : [])], 200 + random() * 2300);
      const summary = readTfliteFile(out); // throws if the file is partial or corrupt
      expect(Math.abs(summary.fileBytes - size)).toBeLessThan(1024);
    }
  }, 300_000);
});
