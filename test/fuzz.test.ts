// The fuzz suite in `npm test`: 2,000 seeded mutations of the fixture models (TF converter and
// edgeqat output) through every door — verifier, readTfliteModel, `inspect` and every engine of
// runtime/engines/index.ts — each in a child process that is replaced after a crash or hang. Every
// case must work or fail with a one-line EdgeqatError, with RSS under 2 GB (how fast: `npm run bench`,
// bench/time-limits.ts; here a case is only declared hung after 60 s, whatever the load). Then the
// regression files (test/fuzz-regressions/: cases that crashed or hung an engine before the
// verifier learned to stop them) are replayed and must end in the verdict recorded next to them.
// `npm run fuzz -- --cases N --seed S` runs more (bench/fuzz.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayFiles, runFuzz } from '../bench/fuzz/fuzz-run.js';

const REGRESSIONS = join(import.meta.dirname, 'fuzz-regressions');

describe('fuzzing the model-file doors', () => {
  it('2,000 seeded cases: each works or fails with one EdgeqatError line, RSS bounded', async () => {
    const summary = await runFuzz({ cases: 2000, seed: 20261129, maxCaseMs: Infinity, maxRssMb: 2048, hangMs: 60_000 });
    const failures = summary.failures.map((f) => `case ${f.index} (${f.seed}; ${f.mutations.join('; ')}): ${f.failures.join(' | ')}`);
    expect(failures).toEqual([]);
    expect(summary.cases).toBe(2000);
    expect(summary.engines).toEqual(expect.arrayContaining(['tfjs-tflite', 'reference', 'litert']));
    // The mutations reach both sides: many cases are rejected, many still run on the engines.
    expect(summary.rejected).toBeGreaterThan(1000);
    expect(summary.engineOutcomes['tfjs-tflite']!.ran).toBeGreaterThan(100);
    expect(summary.restarts).toBe(0);
    if (process.env.EDGEQAT_REPORT) console.log(JSON.stringify({ ...summary, failures: undefined }, null, 2));
  }, 900_000);

  const files = readdirSync(REGRESSIONS)
    .filter((f) => f.endsWith('.tflite'))
    .sort();

  it(`replays the ${files.length} regression files: the verifier stops each with its recorded verdict`, async () => {
    expect(files.length).toBeGreaterThan(0);
    const results = await replayFiles(
      files.map((f) => join(REGRESSIONS, f)),
      { maxCaseMs: Infinity, hangMs: 60_000 },
    );
    for (const r of results) {
      const name = r.file.split('/').pop()!;
      const { verdict } = JSON.parse(readFileSync(r.file.replace(/\.tflite$/, '.json'), 'utf8')) as { verdict: string };
      expect(r.failures, name).toEqual([]);
      expect(r.report.accepted, name).toBe(false);
      expect(r.report.stages[0]!.message, name).toBe(`fuzz.tflite: ${verdict}`);
      // No engine got past the verifier.
      for (const s of r.report.stages.filter((x) => x.stage.startsWith('engine '))) expect(s.message, `${name} ${s.stage}`).toBe(`fuzz.tflite: ${verdict}`);
    }
  }, 600_000);
});
