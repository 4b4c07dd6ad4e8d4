// Runs the real edgeqat CLI (from source, through tsx) in a child process.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
// tsx resolved from the repository, so the CLI also runs from a working directory outside it.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): CliRun {
  const r = spawnSync(process.execPath, ['--import', tsx, `${repo}/toolkit/cli/index.ts`, ...args], {
    cwd: opts.cwd ?? repo,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 600_000, // a hang backstop, not a time limit
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The error lines the CLI printed (progress lines excluded). */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !/^(train|eval) /.test(l));
}

/**
 * runCli without blocking the test worker's event loop: for runs of more than a few seconds
 * (vitest's worker RPC times out while a spawnSync holds the loop for long).
 */
export function runCliAsync(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, `${repo}/toolkit/cli/index.ts`, ...args], {
      cwd: opts.cwd ?? repo,
      env: { ...process.env, FORCE_COLOR: '0' },
      timeout: opts.timeoutMs ?? 600_000, // a hang backstop, not a time limit
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
