// "A name read from a file must stay inside this folder" (runtime/path-inside.ts), and every reader
// that takes a path or name from a file's content: the weight paths of a model.json (and their byte
// counts), the checkpoints' `latest` pointer and checkpoint files, compare.json's .tflite, and
// run.json's model path as the report follows it. (The bundle manifest's file names: bundle.test.ts.)
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { EdgeqatError } from '../runtime/errors.js';
import { pathInside, relativeNameProblem } from '../runtime/path-inside.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { loadModelFile, saveModelFile } from '../toolkit/models/file-io.js';
import { resolveInputs } from '../toolkit/report/sources.js';
import { loadRun } from '../toolkit/run-folder.js';
import { errorLines, runCli } from './helpers/run-cli.js';

const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-inside-'));
const secret = join(tmp, 'secret.bin');
writeFileSync(secret, Buffer.alloc(2 * 4 * 3 + 3 * 4, 7)); // exactly the bytes the tiny model's weights need

/** The error a call throws (an EdgeqatError), for its code and message. */
function failure(f: () => unknown): EdgeqatError {
  try {
    f();
  } catch (e) {
    if (e instanceof EdgeqatError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

async function asyncFailure(f: () => Promise<unknown>): Promise<EdgeqatError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof EdgeqatError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('relativeNameProblem / pathInside', () => {
  it('accepts plain relative names and refuses absolute paths, .. segments, NUL and non-strings', () => {
    for (const ok of ['weights.bin', 'group1-shard1of2.bin', 'sub/w.bin', './w.bin', 'a..b.bin']) expect(relativeNameProblem(ok), ok).toBeNull();
    const refused: [unknown, string][] = [
      ['/etc/hostname', 'is an absolute path'],
      ['\\\\server\\share', 'is an absolute path'],
      ['C:\\weights.bin', 'is an absolute path'],
      ['../../../etc/hostname', "has a '..' segment"],
      ['sub/../../x', "has a '..' segment"],
      ['sub\\..\\..\\x', "has a '..' segment"],
      ['w.bin\0.txt', 'holds a NUL character'],
      ['', 'is not a file name'],
      [42, 'is not a file name'],
    ];
    for (const [name, problem] of refused) expect(relativeNameProblem(name), String(name)).toBe(problem);
  });

  it('refuses a name that resolves outside the folder through a symlink, at any depth', () => {
    const folder = join(tmp, 'folder');
    mkdirSync(join(folder, 'inner'), { recursive: true });
    writeFileSync(join(folder, 'inner', 'ok.bin'), 'x');
    symlinkSync(join(folder, 'inner', 'ok.bin'), join(folder, 'link-in.bin'));
    symlinkSync(secret, join(folder, 'link-out.bin'));
    symlinkSync(tmp, join(folder, 'up'));
    const o = { code: 'E_MODEL_FILE' as const, source: 'model.json', what: 'weights path' };
    expect(pathInside(folder, 'inner/ok.bin', o)).toBe(join(folder, 'inner', 'ok.bin'));
    expect(pathInside(folder, 'link-in.bin', o)).toBe(join(folder, 'link-in.bin'));
    expect(pathInside(folder, 'missing.bin', o)).toBe(join(folder, 'missing.bin')); // the caller says it is missing
    for (const name of ['link-out.bin', 'up/secret.bin']) {
      const e = failure(() => pathInside(folder, name, o));
      expect(e.code).toBe('E_MODEL_FILE');
      expect(e.message).toBe(`model.json: weights path "${name}" resolves (through a symlink) outside ${folder}`);
    }
  });
});

describe('model.json weight paths and sizes (toolkit/models/file-io.ts)', () => {
  const good = join(tmp, 'good');
  beforeAll(async () => {
    await initBackend('cpu');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], name: 'fc' })] }); // 2×3 kernel + 3 bias: 36 bytes
    await saveModelFile(model, good);
  });

  /** A copy of the good model whose model.json is edited by `edit` (and files planted by `plant`). */
  function variant(name: string, edit: (json: { weightsManifest: { paths: string[] }[] }) => void, plant?: (dir: string) => void): string {
    const dir = join(tmp, name);
    mkdirSync(dir);
    copyFileSync(join(good, 'weights.bin'), join(dir, 'weights.bin'));
    const json = JSON.parse(readFileSync(join(good, 'model.json'), 'utf8'));
    edit(json);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    plant?.(dir);
    return join(dir, 'model.json');
  }

  it('loads the model it saved', async () => {
    const m = await loadModelFile(good, { checkLayers: false });
    expect(m.countParams()).toBe(9);
  });

  it('refuses weight paths outside the folder and weight files of the wrong size, in one line', async () => {
    const cases: [string, string, RegExp][] = [
      [variant('dotdot', (j) => (j.weightsManifest[0].paths = ['../secret.bin'])), 'dotdot', /model\.json: weights path "\.\.\/secret\.bin" has a '\.\.' segment; it must name a file inside /],
      [variant('absolute', (j) => (j.weightsManifest[0].paths = [secret])), 'absolute', /model\.json: weights path ".*secret\.bin" is an absolute path; /],
      [variant('symlink', (j) => (j.weightsManifest[0].paths = ['linked.bin']), (d) => symlinkSync(secret, join(d, 'linked.bin'))), 'symlink', /model\.json: weights path "linked\.bin" resolves \(through a symlink\) outside /],
      [variant('short', () => {}, (d) => writeFileSync(join(d, 'weights.bin'), Buffer.alloc(20))), 'short', /model\.json: weights\.bin: 20 bytes of weights, but the manifest's shapes and dtypes make 36$/],
      [variant('long', () => {}, (d) => writeFileSync(join(d, 'weights.bin'), Buffer.alloc(4096))), 'long', /model\.json: weights\.bin: 4096 bytes of weights, but the manifest's shapes and dtypes make 36$/],
      [variant('no-list', (j) => ((j as unknown as { weightsManifest: unknown }).weightsManifest = { paths: 'x' })), 'no-list', /model\.json: weightsManifest is not a list of weight groups$/],
    ];
    for (const [path, name, message] of cases) {
      const e = await asyncFailure(() => loadModelFile(path, { checkLayers: false }));
      expect(e.code, name).toBe('E_MODEL_FILE');
      expect(e.exitCode, name).toBe(2);
      expect(e.message, name).toMatch(message);
      expect(e.message.split('\n'), name).toHaveLength(1);
    }
  });

  it('the CLI: exit 2 and one line, nothing trained', async () => {
    const hostile = variant('cli', (j) => (j.weightsManifest[0].paths = ['../../../../../../etc/hostname']));
    const r = await runCli(['train', '--model', hostile, '--out', join(tmp, 'never'), '--quiet', '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([`edgeqat: error: ${hostile}: weights path "../../../../../../etc/hostname" has a '..' segment; it must name a file inside ${join(tmp, 'cli')}`]);
  });
});

describe('run folders: the latest pointer and checkpoint files (toolkit/run-folder.ts)', () => {
  /** A run folder with run.json and a checkpoint of the tiny model, edited by `edit`. */
  async function runFolder(name: string, edit: (dir: string) => void): Promise<string> {
    const dir = join(tmp, name);
    const step = join(dir, 'checkpoints', 'step-0000010');
    mkdirSync(step, { recursive: true });
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], name: 'fc' })] });
    await saveModelFile(model, step);
    writeFileSync(join(step, 'state.json'), JSON.stringify({ position: { step: 10 }, optimizerSteps: 10, savedAt: 'x' }));
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ model: 'mlp', dataset: 'mnist', normalization: { mean: [0.1307], std: [0.3081] }, options: {} }));
    writeFileSync(join(dir, 'checkpoints', 'latest'), 'step-0000010\n');
    edit(dir);
    return dir;
  }

  it('loads a good checkpoint', async () => {
    const run = await loadRun(await runFolder('run-good', () => {}));
    expect(run.state.position.step).toBe(10);
  });

  it('refuses a pointer or checkpoint that leaves the run folder, and short weights', async () => {
    const outside = await runFolder('run-outside', () => {});
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['dotdot', (d) => writeFileSync(join(d, 'checkpoints', 'latest'), '../../run-outside/checkpoints/step-0000010\n'), /checkpoints\/latest: names "\.\.\/\.\.\/run-outside.*", not a checkpoint folder \(step-NNNNNNN\)$/],
      [
        'symlink',
        (d) => {
          writeFileSync(join(d, 'checkpoints', 'latest'), 'step-0000020\n');
          symlinkSync(join(outside, 'checkpoints', 'step-0000010'), join(d, 'checkpoints', 'step-0000020'));
        },
        /checkpoints\/latest: checkpoint "step-0000020" resolves \(through a symlink\) outside .*run-symlink\/checkpoints$/,
      ],
      ['short', (d) => writeFileSync(join(d, 'checkpoints', 'step-0000010', 'weights.bin'), Buffer.alloc(8)), /weights\.bin: 8 bytes of weights, but the manifest's shapes and dtypes make 36$/],
    ];
    for (const [name, edit, message] of cases) {
      const e = await asyncFailure(async () => loadRun(await runFolder(`run-${name}`, edit)));
      expect(e.code, name).toBe('E_RUN_FOLDER');
      expect(e.message, name).toMatch(message);
    }
  });
});

describe('report inputs: compare.json (toolkit/compare/compare-file.ts) and the float run named in run.json (toolkit/report/sources.ts)', () => {
  /** A minimal run folder the report accepts: run.json, metrics.json, model.tflite. */
  function reportRun(dir: string, model = 'mlp'): string {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ model, dataset: 'mnist', normalization: { mean: [0.1307], std: [0.3081] }, options: {} }));
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ history: [] }));
    copyFileSync(join(fixtures, 'edgeqat-mlp.tflite'), join(dir, 'model.tflite'));
    return dir;
  }
  const entry = (tflite: string) => ({ accuracy: 0.9, size_bytes: 1000, p50_us: 10, drop_points: 0, tflite });
  const top = { model: 'mlp', dataset: 'mnist', machine: 'test' };

  it("refuses a compare.json whose .tflite leaves the compare folder", () => {
    const compare = join(tmp, 'compare');
    const run = reportRun(join(compare, 'qat'));
    writeFileSync(join(compare, 'compare.json'), JSON.stringify({ ...top, float: entry('float/model.tflite'), ptq: entry('ptq/model.tflite'), qat: entry('qat/model.tflite') }));
    expect(resolveInputs(run).compare?.data.qat.tflite).toBe('qat/model.tflite');
    writeFileSync(join(compare, 'compare.json'), JSON.stringify({ ...top, float: entry('/etc/passwd'), ptq: entry('ptq/model.tflite'), qat: entry('qat/model.tflite') }));
    const e = failure(() => resolveInputs(run));
    expect(e.code).toBe('E_RUN_FOLDER');
    expect(e.message).toBe(`${join(compare, 'compare.json')}: float.tflite "/etc/passwd" is an absolute path; it must name a file inside ${compare}`);
  });

  it("follows run.json's model path to a sibling float run only", () => {
    const runs = join(tmp, 'runs');
    reportRun(join(runs, 'float'));
    expect(resolveInputs(reportRun(join(runs, 'qat'), join(runs, 'float', 'model.json'))).floatRun?.dir).toBe(join(runs, 'float'));
    // A float run elsewhere (not next to the run) is not read.
    const elsewhere = reportRun(join(tmp, 'elsewhere', 'float'));
    expect(resolveInputs(reportRun(join(runs, 'qat2'), join(elsewhere, 'model.json'))).floatRun).toBeNull();
  });
});
