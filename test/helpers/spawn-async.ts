// spawnSync's result, without blocking the test worker: vitest's worker talks to the main process
// over RPC with a fixed 60 s timeout, and a spawnSync that holds the event loop longer than that
// (any CLI run on a loaded machine) makes vitest report "Timeout calling onTaskUpdate" and fail the
// run although every test passed. Tests run child processes through this instead.
import { spawn, type SpawnOptions } from 'node:child_process';

export interface SpawnResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

export function spawnAsync(command: string, args: readonly string[], opts: SpawnOptions & { input?: string | Buffer } = {}): Promise<SpawnResult> {
  return new Promise((resolve) => {
    const { input, ...options } = opts;
    const child = spawn(command, args, { timeout: 600_000, ...options, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let error: Error | undefined;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (input !== undefined) child.stdin!.end(input);
    child.on('error', (e) => (error = e));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, ...(error ? { error } : {}) }));
  });
}
