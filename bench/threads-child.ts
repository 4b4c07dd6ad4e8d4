// The thread benches' child processes (wasm-threads-probe.ts, wasm-threads-step.ts): label `simd`
// runs the default wasm build, `tN…` the threaded build with N threads (EDGEQAT_WASM_THREADS); the
// child prints its result as the last JSON line.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function spawnLabelledChild<T>(scriptUrl: string, label: string, args: string[]): T {
  const env = { ...process.env, EDGEQAT_WASM_THREADS: label === 'simd' ? '' : /^t(\d+)/.exec(label)![1] };
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(scriptUrl), '--child', label, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child ${label} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}
