// What the bundle's runner reports (`node run.js --json` prints one such object): its type, and the
// one parser of it for those who read it back (deploy, on this machine and on the device).
import type { LatencyFigures } from './latency.js';
import type { OutputChecksum } from './output-checksum.js';

export interface SampleFigures {
  dataset: string;
  count: number;
  correct: number;
  accuracy: number;
  /** What the checksum covers: int8 output values (see output-checksum.ts). */
  outputs_over: OutputChecksum['over'];
  outputs_sha256: string;
  /** Audio models: sha256 of the shipped clips' features (float32) as the front end made them here. */
  features_sha256?: string;
  /** Audio models: CPU time of the front end per clip on this machine, µs. */
  front_end_us?: number;
}

/** What `node run.js --json` prints: one object. Times in µs (`_us`) or ms (`_ms`). */
export interface RunnerReport extends LatencyFigures {
  runner: 'edgeqat-bundle';
  device: string;
  node: string;
  arch: string;
  platform: string;
  cpu: string;
  engine: string;
  model: { source: string; bytes: number; sha256: string };
  /** Files checked against manifest.json (0 with --no-verify). */
  verified_files: number;
  load_us: number;
  peak_rss_bytes: number;
  samples: SampleFigures | null;
  /** From the process's start to the report: what a user waits for. */
  ready_ms: number;
}

/** The report in a runner's stdout: its last line that starts with '{' (a chatty shell startup file on
 * a device may print before it); null when there is none or it does not parse. */
export function parseRunnerReport(stdout: string): RunnerReport | null {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) return null;
  try {
    return JSON.parse(line) as RunnerReport;
  } catch {
    return null;
  }
}
