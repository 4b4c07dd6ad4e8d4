// TEST-ONLY: EDGEQAT_TEST_KILL_AT=<stage>@<file>[:<nth>] makes this process SIGKILL itself the
// <nth> time (default 1st) it reaches <stage> of an atomic write of a file named <file>, so the
// crash-safety tests land their kills exactly where a crash would hurt, whatever the machine's load.
// Stages (atomic-write.ts): `partial` (half the temp file written), `complete` (temp file written
// and fsynced, not renamed), `renamed` (renamed over the target). Unset, it does nothing. It is not
// a user feature: see docs/crash-safety.md.
import { EdgeqatError } from './errors.js';

export const KILL_ENV = 'EDGEQAT_TEST_KILL_AT';
export const KILL_STAGES = ['partial', 'complete', 'renamed'] as const;
export type KillStage = (typeof KILL_STAGES)[number];

interface KillPoint {
  stage: KillStage;
  file: string;
  nth: number;
}

function parse(spec: string): KillPoint {
  const m = /^(partial|complete|renamed)@([^:/]+)(?::([1-9]\d*))?$/.exec(spec);
  if (!m) throw new EdgeqatError('E_OPTION', `${KILL_ENV}=${spec}: expected <${KILL_STAGES.join('|')}>@<file name>[:<nth>] (a test-only switch)`);
  return { stage: m[1] as KillStage, file: m[2], nth: m[3] ? Number(m[3]) : 1 };
}

let point: KillPoint | null | undefined;
let hits = 0;

/** Called by the atomic write at each stage; kills the process at the configured point. */
export function killPoint(stage: KillStage, fileName: string): void {
  if (point === undefined) {
    const spec = process.env[KILL_ENV];
    point = spec ? parse(spec) : null; // read once, on the first write
  }
  if (!point || stage !== point.stage || fileName !== point.file) return;
  if (++hits < point.nth) return;
  // stderr is synchronous for files and pipes on Linux: the test sees which point killed it.
  process.stderr.write(`edgeqat-test-kill: ${stage}@${fileName}:${hits}\n`);
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL lands before this returns to JavaScript; block in case it is delivered late.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
}
