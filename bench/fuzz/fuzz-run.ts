// A fuzz run: N seeded cases, each a mutated seed model run through every door (run-case.ts), with
// per-case time and process RSS checked against bounds, and outcome counts by category.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaseRunner } from './case-runner.js';
import { mutate } from './mutators.js';
import { caseRng, int } from './prng.js';
import type { CaseReport } from './run-case.js';
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
  /** A case with no result after this long is a hang: its process is killed (default 30 s). */
  hangMs?: number;
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
  /** The same, by layer: accepted, header, structure, model checks, operator rules, unsupported. */
  layers: Record<string, number>;
  /** Per engine: ran / loaded / refused with code. */
  engineOutcomes: Record<string, Record<string, number>>;
  /** --raw: tfjs-tflite on unverified bytes, and how many of its crashes the verifier stops. */
  raw?: { outcomes: Record<string, number>; crashes: number; crashesAlone: number; crashesPrevented: number };
  failures: FailedCase[];
  maxCaseMs: number;
  maxCaseIndex: number;
  peakRssMb: number;
  /** Times the case process was replaced (after a crash, hang or death). */
  restarts: number;
  seconds: number;
}

/** "tensor 7 buffer 12 out of range (9 buffers)" → "tensor N buffer N out of range (N buffers)". */
export function verdictKind(message: string, label: string): string {
  let m = message.startsWith(`${label}: `) ? message.slice(label.length + 2) : message;
  const structure = /^corrupt or truncated TFLite model \((.*)\)$/.exec(m);
  if (structure) m = `structure: ${structure[1]!.replace(/^[\w.[\]\d ]+: /, '')}`;
  m = m.replace(/ \(they run .*$/, '');
  return m.replace(/\(\w+Options\d?\)/g, '(…Options)').replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, 'N').replace(/"[^"]*"/g, '"…"').slice(0, 100);
}

/** Which layer of the verifier (runtime/verifier/index.ts) a rejection comes from. */
export function verdictLayer(code: string | undefined, message: string): string {
  if (code === 'E_UNSUPPORTED') return 'unsupported (valid, not run)';
  if (/: corrupt or truncated TFLite model \(/.test(message)) return /root table offset/.test(message) ? 'header' : 'structure';
  if (/: (empty file|\d+ bytes is too short|not a TFLite model|[\d,]+ bytes is over)/.test(message)) return 'header';
  if (/operator \d+ \(\w+\)|unknown builtin operator code/.test(message)) return 'operator rules';
  return code === 'E_MODEL_FILE' ? 'model checks' : `other (${code})`;
}

function crashed(report: CaseReport): boolean {
  return !!report.rawCrash || report.failures.some((f) => f.includes('WebAssembly crash') || f.startsWith('case: '));
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function failureKind(failure: string): string {
  return failure.replace(/:.*$/, '').replace(/\s+/g, '-') + '-' + (/crash|not an EdgeqatError|unverified|gap|slow|memory|one line/.exec(failure)?.[0] ?? 'other').replace(/\s+/g, '-');
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzSummary> {
  const seeds: Seed[] = (opts.seedFiles ?? defaultSeedFiles()).map(loadSeed);
  const maxCaseMs = opts.maxCaseMs ?? 1000;
  const maxRss = (opts.maxRssMb ?? 2048) * 1024 * 1024;
  const warmup = (seeds.find((s) => s.name === 'mlp-int8-float-io') ?? seeds[0]!).bytes;
  const runner = new CaseRunner({ engines: opts.engines !== false, raw: !!opts.raw, warmup }, opts.hangMs ?? 30_000);
  const label = 'fuzz.tflite';
  const summary: FuzzSummary = {
    cases: 0,
    seed: opts.seed,
    seeds: seeds.map((s) => s.name),
    engines: [],
    accepted: 0,
    rejected: 0,
    verdicts: {},
    layers: {},
    engineOutcomes: {},
    raw: opts.raw ? { outcomes: {}, crashes: 0, crashesAlone: 0, crashesPrevented: 0 } : undefined,
    failures: [],
    maxCaseMs: 0,
    maxCaseIndex: -1,
    peakRssMb: 0,
    restarts: 0,
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
      const { report, ms, rss } = await runner.run(index, bytes);
      // A crash may come from heap damage an earlier case did without trapping: replay the case
      // alone in a fresh process to tell the two apart.
      let alone = '';
      if (crashed(report)) alone = crashed((await runner.run(index, bytes)).report) ? ' (also alone)' : ' (only after earlier cases)';
      if (summary.engines.length === 0) {
        summary.engines = runner.engines;
        for (const e of runner.engines) summary.engineOutcomes[e] ??= {};
      }

      summary.cases++;
      if (report.accepted) summary.accepted++;
      else summary.rejected++;
      const verify = report.stages[0];
      bump(summary.verdicts, report.accepted ? 'accepted' : verify ? `${verify.result}: ${verdictKind(verify.message ?? '', label)}` : 'no result');
      bump(summary.layers, report.accepted ? 'accepted' : verdictLayer(verify?.result, verify?.message ?? ''));
      for (const s of report.stages) {
        const name = s.stage.replace(/^engine /, '');
        if (summary.engineOutcomes[name]) bump(summary.engineOutcomes[name]!, s.result);
        if (s.stage === 'raw tfjs-tflite' && summary.raw) {
          bump(summary.raw.outcomes, s.result.startsWith('refused') ? 'refused' : s.result);
          if (report.rawCrash) {
            summary.raw.crashes++;
            if (!report.accepted) summary.raw.crashesPrevented++;
            if (alone === ' (also alone)') summary.raw.crashesAlone++;
          }
        }
      }
      if (ms > summary.maxCaseMs) [summary.maxCaseMs, summary.maxCaseIndex] = [ms, index];
      summary.peakRssMb = Math.max(summary.peakRssMb, rss / 1024 / 1024);
      const failures = report.failures.map((f) => (f.includes('WebAssembly crash') ? f + alone : f));
      if (ms > maxCaseMs) failures.push(`case: slow, ${ms.toFixed(0)} ms (limit ${maxCaseMs} ms)`);
      if (rss > maxRss) failures.push(`case: memory, RSS ${(rss / 1024 / 1024).toFixed(0)} MB (limit ${opts.maxRssMb ?? 2048} MB)`);
      if (report.rawCrash && report.accepted) failures.push(`raw tfjs-tflite: crash on a verified file: ${report.rawCrash}${alone}`);
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
    runner.close();
  }
  summary.restarts = runner.restarts;
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

export interface ReplayResult {
  file: string;
  report: CaseReport;
  failures: string[];
  ms: number;
}

/** Runs saved cases (e.g. test/fuzz-regressions/*.tflite) through every door, like fuzz cases. */
export async function replayFiles(files: readonly string[], opts: Pick<FuzzOptions, 'maxCaseMs' | 'hangMs'> = {}): Promise<ReplayResult[]> {
  const warmup = loadSeed(defaultSeedFiles().find((f) => f.endsWith('mlp-int8-float-io.tflite')) ?? defaultSeedFiles()[0]!).bytes;
  const runner = new CaseRunner({ engines: true, raw: false, warmup }, opts.hangMs ?? 30_000);
  const out: ReplayResult[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const { report, ms } = await runner.run(i, new Uint8Array(readFileSync(file)));
      const failures = [...report.failures];
      if (ms > (opts.maxCaseMs ?? 1000)) failures.push(`case: slow, ${ms.toFixed(0)} ms`);
      out.push({ file, report, failures, ms });
    }
  } finally {
    runner.close();
  }
  return out;
}
