// `npm run fuzz -- --cases N --seed S`: mutates valid models and runs each case through the
// verifier, readTfliteModel, `inspect` and every engine (bench/fuzz/). Prints outcome counts,
// the slowest case, peak RSS and every failure; exits 1 if any case failed.
//
//   --cases N        number of cases (default 2000)
//   --seed S         run seed (default 1); case i of seed S is always the same bytes
//   --case I         replay only case I of the run
//   --from I         start at case I (with --cases: cases I .. I+N-1)
//   --no-engines     verifier, reader and inspector only
//   --raw            instead of the engines, load every case into tfjs-tflite with NO verifier, to
//                    measure what the verifier protects against (its crashes are reported, not
//                    failures of edgeqat; the engines are left out because a raw load can damage
//                    the interpreter's heap that they would share)
//   --save DIR       write failing cases to DIR (e.g. test/fuzz-regressions)
//   --max-case-ms M  per-case time limit (default 1000)
//   --max-rss-mb M   RSS limit (default 2048)
//   --hang-ms M      a case with no result after M ms is a hang; its process is killed (default 30000)
//   --progress FILE  after each case, write the next case number to FILE (to find a hang)
//   --json           print the summary as JSON
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runFuzz, type FuzzSummary } from './fuzz/fuzz-run.js';

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`fuzz: --${name} must be a non-negative integer, got ${value}`);
    process.exit(2);
  }
  return n;
}

function table(title: string, counts: Record<string, number>, total: number): string[] {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return [title, ...rows.map(([k, n]) => `  ${String(n).padStart(7)}  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${k}`)];
}

function render(s: FuzzSummary): string {
  const lines = [
    `fuzz: ${s.cases} cases, seed ${s.seed}, ${s.seconds.toFixed(1)} s; seeds: ${s.seeds.join(', ')}; engines: ${s.engines.join(', ') || 'none'}`,
    `verifier: ${s.accepted} accepted, ${s.rejected} rejected`,
    ...table('verifier outcomes by layer', s.layers, s.cases),
    ...table('verifier outcomes', s.verdicts, s.cases),
    ...Object.entries(s.engineOutcomes).flatMap(([name, counts]) => table(`engine ${name}`, counts, s.cases)),
  ];
  if (s.raw) {
    lines.push(...table('tfjs-tflite without the verifier (--raw)', s.raw.outcomes, s.cases));
    lines.push(`  crashes: ${s.raw.crashes} (${s.raw.crashesAlone} also when run alone); the verifier rejects ${s.raw.crashesPrevented} of them`);
  }
  lines.push(`slowest case: ${s.maxCaseMs.toFixed(1)} ms (case ${s.maxCaseIndex}); peak RSS ${s.peakRssMb.toFixed(0)} MB; case process restarts: ${s.restarts}`);
  lines.push(`failures: ${s.failures.length}`);
  for (const f of s.failures.slice(0, 50)) {
    lines.push(`  case ${f.index} (${f.seed}; ${f.mutations.join('; ')}): ${f.failures.join(' | ')}${f.saved ? ` [saved ${f.saved}]` : ''}`);
  }
  return lines.join('\n');
}

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    seed: { type: 'string' },
    case: { type: 'string' },
    from: { type: 'string' },
    'no-engines': { type: 'boolean' },
    raw: { type: 'boolean' },
    save: { type: 'string' },
    'max-case-ms': { type: 'string' },
    'max-rss-mb': { type: 'string' },
    'hang-ms': { type: 'string' },
    progress: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const single = values.case === undefined ? undefined : count('case', values.case, 0);
const progress = values.progress;
const summary = await runFuzz({
  cases: single === undefined ? count('cases', values.cases, 2000) : 1,
  firstCase: single ?? count('from', values.from, 0),
  seed: count('seed', values.seed, 1),
  engines: !values['no-engines'] && !values.raw,
  raw: values.raw,
  saveDir: values.save,
  maxCaseMs: count('max-case-ms', values['max-case-ms'], 1000),
  maxRssMb: count('max-rss-mb', values['max-rss-mb'], 2048),
  hangMs: count('hang-ms', values['hang-ms'], 30_000),
  onCase: (index, report) => {
    if (single !== undefined) console.log(JSON.stringify(report, null, 2));
    if (progress) writeFileSync(progress, `${index + 1}\n`);
  },
});
console.log(values.json ? JSON.stringify(summary, null, 2) : render(summary));
process.exitCode = summary.failures.length > 0 ? 1 : 0;
