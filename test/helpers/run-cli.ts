// Runs the real edgeqat CLI (from source, through tsx) in a child process, without blocking the
// test worker's event loop (spawn-async.ts says why).
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnAsync } from './spawn-async.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
// tsx resolved from the repository, so the CLI also runs from a working directory outside it.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const r = await spawnAsync(process.execPath, ['--import', tsx, `${repo}/toolkit/cli/index.ts`, ...args], {
    cwd: opts.cwd ?? repo,
    env: { ...process.env, FORCE_COLOR: '0', ...opts.env },
    timeout: opts.timeoutMs ?? 600_000, // a hang backstop, not a time limit
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The error lines the CLI printed (progress lines excluded). */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !/^(train|eval) /.test(l));
}
