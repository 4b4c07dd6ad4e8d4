// A fuzz run: N seeded cases, each a mutated seed model run through every door (run-case.ts), with
// per-case time and process RSS checked against bounds, and outcome counts by category.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzEngines, type FuzzEngine } from './engines.js';
import { mutate } from './mutators.js';
import { caseRng, int } from './prng.js';
import { runCase, type CaseReport } from './run-case.js';
import { defaultSeedFiles, loadSeed, type Seed } from './seeds.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** First case number (to replay one case: firstCase = N, cases = 1). */
  firstCase?: number;
  seedFiles?: string[];
  /** Run engines on every case (default), or only verifier, reader and inspector. */
  engines?: boolean;
  /** Also load each case into tfjs-tflite with no verifier (see raw-tfjs-tflite.ts). */
  raw?: boolean;
  maxCaseMs?: number;
  maxRssMb?: number;
  /** Folder for the bytes of failing cases (regression files); none when unset. */
  saveDir?: string;
  /** Most regression files saved per failure kind. */
  savePerKind?: number;
  onCase?: (index: number, report: CaseReport, ms: number) => void;
}

export interface FailedCase {
  index: number;
  seed: string;
  mutations: string[];
  failures: string[];
  ms: number;
  saved?: string;
}

export interface FuzzSummary {
  cases: number;
  seed: number;
  seeds: string[];
  engines: string[];
  accepted: number;
  rejected: number;
  /** Verifier outcomes: "accepted", or the kind of problem (numbers replaced by N). */
  verdicts: Record<string, number>;
  /** Per engine: ran / loaded / refused with code. */
  engineOutcomes: Record<string, Record<string, number>>;
  /** --raw: tfjs-tflite on unverified bytes, and how many of its crashes the verifier stops. */
  raw?: { outcomes: Record<string, number>; crashes: number; crashesPrevented: number };
  failures: FailedCase[];
  maxCaseMs: number;
  maxCaseIndex: number;
  peakRssMb: number;
  seconds: number;
}

/** "tensor 7 buffer 12 out of range (9 buffers)" → "tensor N buffer N out of range (N buffers)". */
export function verdictKind(message: string, label: string): string {
  let m = message.startsWith(`${label}: `) ? message.slice(label.length + 2) : message;
  const structure = /^corrupt or truncated TFLite model \((.*)\)$/.exec(m);
  if (structure) m = `structure: ${structure[1]!.replace(/^[\w.[\]\d ]+: /, '')}`;
  return m.replace(/\(\w+Options\d?\)/g, '(…Options)').replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, 'N').replace(/"[^"]*"/g, '"…"').slice(0, 100);
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function failureKind(failure: string): string {
  return failure.replace(/:.*$/, '').replace(/\s+/g, '-') + '-' + (/crash|not an EdgeqatError|unverified|gap|slow|memory|one line/.exec(failure)?.[0] ?? 'other').replace(/\s+/g, '-');
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const seeds: Seed[] = (opts.seedFiles ?? defaultSeedFiles()).map(loadSeed);
  const engines: FuzzEngine[] = opts.engines === false ? [] : await fuzzEngines();
  const maxCaseMs = opts.maxCaseMs ?? 1000;
  const maxRss = (opts.maxRssMb ?? 2048) * 1024 * 1024;
  const work = mkdtempSync(join(tmpdir(), 'edgeqat-fuzz-'));
  const label = 'fuzz.tflite';
  const summary: FuzzSummary = {
    cases: 0,
    seed: opts.seed,
    seeds: seeds.map((s) => s.name),
    engines: engines.map((e) => e.name),
    accepted: 0,
    rejected: 0,
    verdicts: {},
    engineOutcomes: Object.fromEntries(engines.map((e) => [e.name, {}])),
    raw: opts.raw ? { outcomes: {}, crashes: 0, crashesPrevented: 0 } : undefined,
    failures: [],
    maxCaseMs: 0,
    maxCaseIndex: -1,
    peakRssMb: 0,
    seconds: 0,
  };
  const savedPerKind: Record<string, number> = {};
  const started = performance.now();
  try {
    const first = opts.firstCase ?? 0;
    for (let index = first; index < first + opts.cases; index++) {
      const rng = caseRng(opts.seed, index);
      const seed = seeds[int(rng, seeds.length)]!;
      const { bytes, mutations } = mutate(rng, seed);
      const t0 = performance.now();
      const report = await runCase(bytes, { label, inspectPath: join(work, label), engines, raw: !!opts.raw });
      const ms = performance.now() - t0;
      const rss = process.memoryUsage.rss();

      summary.cases++;
      if (report.accepted) summary.accepted++;
      else summary.rejected++;
      const verify = report.stages[0]!;
      bump(summary.verdicts, report.accepted ? 'accepted' : `${verify.result}: ${verdictKind(verify.message ?? '', label)}`);
      for (const s of report.stages) {
        const name = s.stage.replace(/^engine /, '');
        if (summary.engineOutcomes[name]) bump(summary.engineOutcomes[name]!, s.result);
        if (s.stage === 'raw tfjs-tflite' && summary.raw) {
          bump(summary.raw.outcomes, s.result.startsWith('refused') ? 'refused' : s.result);
          if (report.rawCrash) {
            summary.raw.crashes++;
            if (!report.accepted) summary.raw.crashesPrevented++;
          }
        }
      }
      if (ms > summary.maxCaseMs) [summary.maxCaseMs, summary.maxCaseIndex] = [ms, index];
      summary.peakRssMb = Math.max(summary.peakRssMb, rss / 1024 / 1024);
      const failures = [...report.failures];
      if (ms > maxCaseMs) failures.push(`case: slow, ${ms.toFixed(0)} ms (limit ${maxCaseMs} ms)`);
      if (rss > maxRss) failures.push(`case: memory, RSS ${(rss / 1024 / 1024).toFixed(0)} MB (limit ${opts.maxRssMb ?? 2048} MB)`);
      if (report.rawCrash && report.accepted) failures.push(`raw tfjs-tflite: crash on a verified file: ${report.rawCrash}`);
      if (failures.length > 0) {
        const failed: FailedCase = { index, seed: seed.name, mutations, failures, ms };
        const kind = failureKind(failures[0]!);
        if (opts.saveDir && (savedPerKind[kind] ?? 0) < (opts.savePerKind ?? 3)) {
          bump(savedPerKind, kind);
          mkdirSync(opts.saveDir, { recursive: true });
          const name = `${kind}-${seed.name}-s${opts.seed}-c${index}`;
          writeFileSync(join(opts.saveDir, `${name}.tflite`), bytes);
          writeFileSync(join(opts.saveDir, `${name}.json`), JSON.stringify({ runSeed: opts.seed, case: index, ...failed }, null, 2) + '\n');
          failed.saved = name;
        }
        summary.failures.push(failed);
      }
      opts.onCase?.(index, report, ms);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
