// An image model end to end to a device: QAT-train on a colour PNG folder (MNIST, some images
// tinted), export with --int8-io, bundle, and classify PNG and JPEG files (colour set) with
// `node run.js photo.jpg` on x86 (also from inside an ES-module project) and on the emulated
// Raspberry Pi (qemu arm64, Node 18): the same classes, class names, scores and printed lines as
// `edgeqat classify` on the host, and eval/bench/debug/report on it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPrediction, type ImagePrediction } from '../runtime/classify-images.js';
import { readPreprocessing } from '../runtime/model-metadata.js';
import { readTfliteFile } from '../runtime/model-reader.js';
import { runBench } from '../toolkit/cli/commands/bench.js';
import { runClassify } from '../toolkit/cli/commands/classify.js';
import { runDebug } from '../toolkit/cli/commands/debug.js';
import { runEval } from '../toolkit/cli/commands/eval.js';
import { runReport } from '../toolkit/cli/commands/report.js';
import { runExport } from '../toolkit/cli/commands/export.js';
import { runTrain } from '../toolkit/cli/commands/train.js';
import { writeImageFolder } from '../scripts/make-image-datasets.js';
import { runCli } from './helpers/run-cli.js';
import { spawnAsync } from './helpers/spawn-async.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const QEMU = '/usr/bin/qemu-aarch64-static';
const sysroot = process.env.EDGEQAT_PI_SYSROOT || join(repo, '.cache', 'pi-sysroot');
const HAS_CONVERT = spawnSync('convert', ['-version']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-image-bundle-'));
const folder = join(tmp, 'digits');
const model = join(tmp, 'model.tflite');
const bundleDir = join(tmp, 'bundle');
let files: string[] = [];
let host: ImagePrediction[] = [];

describe('an image model from folder to device', () => {
  beforeAll(async () => {
    writeImageFolder(folder, { set: 'mnist', format: 'png', perClass: 30, colour: true });
    const t = await runTrain({ model: 'mlp', dataset: `images:${folder}`, epochs: 2, batchSize: 16, lr: 0.002, lrSchedule: 'constant', seed: 0, out: join(tmp, 'run'), backend: 'wasm', quiet: true, flip: false });
    t.model.dispose();
    await runExport(join(tmp, 'run'), { out: model, int8Io: true, quiet: true });
    files = ['0', '3', '7'].map((c) => join(folder, 'test', c, readdirSync(join(folder, 'test', c))[0]!));
    if (HAS_CONVERT || process.env.CI === 'true') {
      writeImageFolder(join(tmp, 'jpeg'), { set: 'mnist', format: 'jpeg', perClass: 2, colour: true });
      const jpegDir = join(tmp, 'jpeg', 'test', '5');
      files.push(join(jpegDir, readdirSync(jpegDir)[0]!));
    }
    host = await runClassify(model, files);
  }, 180_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('records the colour input and class names, and classifies files with them on the host', () => {
    const p = readPreprocessing(readTfliteFile(model), model)!;
    expect(p.sampleShape).toEqual([28, 28, 3]);
    expect(p.mean).toHaveLength(3);
    expect(p.resize).toBe('stretch');
    expect(host.map((h) => h.file)).toEqual(files);
    for (const h of host) {
      expect(p.classNames).toContain(h.className);
      expect(h.score).toBeGreaterThan(0);
      expect(h.top[0]!.className).toBe(h.className);
    }
    // The digit folders' names are the classes: most of these are right after 2 short epochs.
    expect(host.filter((h) => h.file.includes(`/${h.className}/`)).length).toBeGreaterThanOrEqual(2);
  });

  it('eval, bench, debug and report run on the colour model', async () => {
    const e = await runEval(model, { quiet: true });
    expect([e.dataset, e.samples]).toEqual([`images:${folder}`, 300]);
    expect(e.accuracy).toBeGreaterThan(0.5);
    // A gray data set for the colour model: one line naming both channel counts.
    await expect(runEval(model, { dataset: 'mnist', limit: 5, quiet: true })).rejects.toThrow(/^mnist: the samples have 1 channel, the normalization has 3 values per statistic \(1 value fits; a model of 3-channel images needs a data set of such images\)$/);
    const b = await runBench(model, { engine: 'reference', iterations: 20, warmup: 2, dataset: `images:${folder}` });
    expect('results' in b ? b.results[0] : b).toMatchObject({ input: `images:${folder} test samples` });
    const d = await runDebug(join(tmp, 'run'), { samples: 20 });
    expect(d.samples).toBe(20);
    await runExport(join(tmp, 'run'), { int8Io: true, quiet: true });
    const report = await runReport(join(tmp, 'run'), { quiet: true, iterations: 20, debugSamples: 10 });
    expect(report.sections.find((x) => x.id === 'confusion')?.available).toBe(true);
    // The confusion table is labelled with the class folders' names.
    expect(readFileSync(report.out, 'utf8')).toMatch(/<tr><td>7<\/td>/);
  }, 180_000);

  it('node run.js photo.png prints the class names and scores the host computes (x86)', async () => {
    const r = await runCli(['bundle', model, '--out', bundleDir, '--with-samples', '20']);
    expect(r.code, r.stderr).toBe(0);
    const run = spawnSync(process.execPath, [join(bundleDir, 'run.js'), '--json', ...files], { encoding: 'utf8', cwd: tmpdir() });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).predictions).toEqual(host);
    const text = spawnSync(process.execPath, [join(bundleDir, 'run.js'), files[0]!], { encoding: 'utf8', cwd: tmpdir() });
    expect(text.stdout.trim()).toMatch(new RegExp(`^${files[0]}: ${host[0]!.className} ${host[0]!.score.toFixed(2)} \\(`));
    const bad = spawnSync(process.execPath, [join(bundleDir, 'run.js'), join(tmp, 'nope.jpg')], { encoding: 'utf8', cwd: tmpdir() });
    expect([bad.status, bad.stderr.trim()]).toEqual([2, `edgeqat-run: error: ${join(tmp, 'nope.jpg')}: no such file`]);
  }, 120_000);

  it('run.js also runs inside a project whose package.json says "type": "module" (loaded as an ES module)', async () => {
    if (!existsSync(join(bundleDir, 'run.js'))) expect((await runCli(['bundle', model, '--out', bundleDir])).code).toBe(0);
    const project = join(tmp, 'esm-project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    cpSync(bundleDir, join(project, 'dist'), { recursive: true });
    const r = await spawnAsync(process.execPath, [join(project, 'dist', 'run.js'), ...files], { cwd: project });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(host.map(formatPrediction));
  }, 60_000);

  it('gives the same predictions on the emulated Raspberry Pi (arm64, Node 18)', async (ctx) => {
    const ready = existsSync(QEMU) && existsSync(join(sysroot, 'usr/bin/node'));
    if (!ready) {
      if (process.env.CI === 'true') throw new Error(`${QEMU} or the Pi sysroot ${sysroot} is missing (.ci/run builds it)`);
      ctx.skip(`no emulated Pi here (${QEMU}, ${sysroot}; scripts/make-pi-sysroot.sh)`);
    }
    if (!existsSync(join(bundleDir, 'run.js'))) expect((await runCli(['bundle', model, '--out', bundleDir])).code).toBe(0);
    const pi = (args: string[]) => spawnAsync(QEMU, ['-cpu', 'cortex-a72', '-L', sysroot, join(sysroot, 'usr/bin/node'), join(bundleDir, 'run.js'), ...args], { cwd: tmpdir(), timeout: 240_000 });
    const r = await pi(['--json', ...files]);
    expect(r.status, r.stderr || String(r.error)).toBe(0);
    expect(JSON.parse(r.stdout).predictions).toEqual(host);
    // What a user reads: `photo.jpg: <class name> <score> (<next two>)`, the lines the host prints.
    const text = await pi(files.slice(-2));
    expect(text.status, text.stderr || String(text.error)).toBe(0);
    expect(text.stdout.trim().split('\n')).toEqual(host.slice(-2).map(formatPrediction));
  }, 300_000);
});
