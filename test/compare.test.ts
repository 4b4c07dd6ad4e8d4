// `edgeqat compare` and `edgeqat export --float/--ptq` through the real CLI, on real MNIST and the
// real TFLite interpreter, kept small (a few hundred training images, 500 test images): the three
// run folders and models, compare.json in exactly the shape the report reads (and --json printing
// the same object), a second run reusing the finished float run, and bad options as one line
// (through the CLI where commander or the error handler is involved, else through runExport).
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExport, type ExportOptions } from '../toolkit/cli/commands/export.js';
import { runCli, type CliRun } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-compare-'));
const out = join(tmp, 'compare-cnn');
const QUICK = ['--limit', '320', '--epochs', '1', '--eval-limit', '500', '--bench-iterations', '100'];
let first: CliRun;

/** stderr lines that are not progress output. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !/^(train|eval|calibrate|compare) /.test(l));
}

async function expectOneLineError(args: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(2);
  const lines = errorLines(r.stderr);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^edgeqat: error: /);
  expect(lines[0]).toMatch(pattern);
}

beforeAll(async () => {
  first = await runCli(['compare', '--model', 'cnn', '--dataset', 'mnist', ...QUICK, '--out', out, '--json', '--quiet']);
}, 600_000);

describe('edgeqat compare', () => {
  it('keeps float/, ptq/ and qat/ with their models and writes compare.json in the report shape', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe(''); // --quiet
    const printed = JSON.parse(first.stdout);
    const saved = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    expect(printed).toEqual(saved);
    expect(Object.keys(saved)).toEqual(['model', 'dataset', 'machine', 'float', 'ptq', 'qat']);
    expect(saved).toMatchObject({ model: 'cnn', dataset: 'mnist' });
    expect(saved.machine).toMatch(/, \d+ cores$/);
    for (const kind of ['float', 'ptq', 'qat']) {
      const e = saved[kind];
      expect(Object.keys(e).sort()).toEqual(['accuracy', 'drop_points', 'p50_us', 'size_bytes', 'tflite']);
      expect(e.tflite).toBe(`${kind}/model.tflite`);
      expect(e.size_bytes).toBe(statSync(join(out, e.tflite)).size);
      expect(e.accuracy).toBeGreaterThan(0.3);
      expect(e.accuracy).toBeLessThanOrEqual(1);
      expect(e.p50_us).toBeGreaterThan(0);
      expect(e.drop_points).toBeCloseTo((saved.float.accuracy - e.accuracy) * 100, 2);
      expect(existsSync(join(out, kind, 'run.json'))).toBe(true);
      expect(existsSync(join(out, kind, 'checkpoints', 'latest'))).toBe(true);
    }
    expect(saved.float.drop_points).toBe(0);
    expect(saved.float.size_bytes).toBeGreaterThan(3 * saved.ptq.size_bytes); // float32 vs int8 weights
    expect(existsSync(join(out, 'float', 'model.json'))).toBe(true);
    const ptqRun = JSON.parse(readFileSync(join(out, 'ptq', 'run.json'), 'utf8'));
    expect(ptqRun.options).toMatchObject({ ptq: true, calibration: 'minmax', calibrationSamples: 500 });
  });

  it('reuses a finished float run, and prints the table without --json', async () => {
    const created = JSON.parse(readFileSync(join(out, 'float', 'run.json'), 'utf8')).createdAt;
    const r = await runCli(['compare', '--model', 'cnn', ...QUICK, '--out', out, '--calibration', 'percentile']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/reusing the float run/);
    expect(JSON.parse(readFileSync(join(out, 'float', 'run.json'), 'utf8')).createdAt).toBe(created);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^cnn on mnist, TFLite interpreter \(tfjs-tflite\), .*cores$/);
    expect(lines[1]).toMatch(/^model\s+accuracy\s+drop vs float \(points\)\s+size \(bytes\)\s+latency p50$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual(['float', 'ptq', 'qat']);
    expect(JSON.parse(readFileSync(join(out, 'ptq', 'run.json'), 'utf8')).options.calibration).toBe('percentile');
  }, 600_000);
});

describe('edgeqat export --float / --ptq', () => {
  it('a float run exports float32 by default and int8 with --ptq; both run on the TFLite interpreter', async () => {
    const floatRun = join(out, 'float');
    const f = await runCli(['export', floatRun, '--out', join(tmp, 'float.tflite')]);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toMatch(/float32 model/);
    const p = await runCli(['export', '--model', join(floatRun, 'model.json'), '--ptq', '--calibration-samples', '200', '--out', join(tmp, 'ptq.tflite')]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/int8 model \(PTQ\)/);
    expect(p.stderr).toMatch(/calibrate done minmax, 200 images/);
    const e = await runCli(['eval', join(tmp, 'ptq.tflite'), '--engine', 'tfjs-tflite', '--limit', '300', '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).accuracy).toBeGreaterThan(0.3);
  });

  it('bad options through the CLI: one line, exit code 2', async () => {
    await expectOneLineError(['export', join(out, 'float'), '--ptq', '--calibration-samples', '0'], /--calibration-samples must be a positive integer, got '0'/);
    await expectOneLineError(['export', join(out, 'qat'), '--ptq'], /--ptq quantizes a float model/);
  });

  it('a float model on the int8-only reference engine, and compare on a folder of another data set: one line', async () => {
    await expectOneLineError(['eval', join(tmp, 'float.tflite'), '--engine', 'reference', '--limit', '5'], /float32; the reference engine runs this op on int8/);
    await expectOneLineError(['compare', '--model', 'cnn', '--dataset', 'fashion-mnist', '--out', out], /holds a float cnn run on mnist, not cnn on fashion-mnist/);
  });

  it('option combinations runExport refuses', async () => {
    const floatRun = join(out, 'float');
    const refused = async (run: string | undefined, opts: ExportOptions) => {
      try {
        await runExport(run, { quiet: true, ...opts });
      } catch (e) {
        expect((e as { code?: string }).code).toBe('E_OPTION');
        expect((e as Error).message).not.toContain('\n');
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(await refused(floatRun, { calibrationSamples: 10 })).toBe('--calibration-samples applies to --ptq');
    expect(await refused(floatRun, { ptq: true, calibration: 'minmax', percentile: 99 })).toBe('--percentile applies to --calibration percentile');
    expect(await refused(floatRun, { ptq: true, calibration: 'percentile', percentile: 40 })).toMatch(/--percentile must be between 90 and 100, got 40/);
    expect(await refused(floatRun, { int8Io: true })).toMatch(/--int8-io applies to int8 models/);
    expect(await refused(floatRun, { ptq: true, float: true })).toMatch(/choose one/);
    expect(await refused(undefined, {})).toMatch(/export needs a run folder/);
    expect(await refused(floatRun, { model: join(floatRun, 'model.json') })).toMatch(/not both/);
  });
});
