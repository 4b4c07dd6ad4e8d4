// `edgeqat bundle` on a real exported MLP: what ships per engine (sizes, the one WebAssembly
// variant), that the folder runs with plain `node run.js` from anywhere (no node_modules), verifies
// its files (reading none outside the bundle), and is replaced atomically. How fast it answers is
// measured by `npm run bench` (bench/time-limits.ts), not asserted here.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../devices/bundle/manifest.js';
import type { RunnerReport } from '../devices/runner/runner-report.js';
import { formatDevices, runDevices } from '../toolkit/cli/commands/devices.js';
import { exportMlp } from './helpers/mlp-model.js';
import { runCli } from './helpers/run-cli.js';
import { spawnAsync } from './helpers/spawn-async.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-bundle-'));
let model = '';

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

/** Runs the bundle the way a device does: plain node, from a folder with no node_modules above it. */
function runBundle(dir: string, args: string[] = ['--json']) {
  return spawnAsync(process.execPath, [join(dir, 'run.js'), ...args], { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '' } });
}

beforeAll(async () => {
  model = await exportMlp(tmp);
}, 600_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('edgeqat bundle --engine reference', () => {
  const out = join(tmp, 'dist-ref');
  let manifest: BundleManifest;

  beforeAll(async () => {
    const r = await runCli(['bundle', model, '--device', 'rpi4', '--with-samples', '100', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    manifest = JSON.parse(r.stdout).manifest;
  });

  it('ships the model, one runtime file, run.js, samples and checksums, ≤ 1 MB, no WebAssembly', () => {
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(out.length + 1)).sort();
    expect(files).toEqual(['SHA256SUMS', 'lib/edgeqat-runtime.mjs', 'manifest.json', 'model.tflite', 'run.js', 'samples/images-idx3-ubyte', 'samples/labels-idx1-ubyte']);
    expect(folderBytes(out)).toBeLessThanOrEqual(1024 * 1024);
    expect(manifest.engine).toBe('reference');
    expect(manifest.wasm).toBeNull();
    expect(manifest.device.name).toBe('rpi4');
    expect(manifest.samples).toMatchObject({ dataset: 'mnist', count: 100, rows: 28, cols: 28 });
    const runtime = readFileSync(join(out, 'lib/edgeqat-runtime.mjs'), 'utf8');
    expect(runtime).not.toMatch(/tflite_web_api|@tensorflow\/tfjs/);
  });

  it('has checksums that sha256sum -c accepts', () => {
    const r = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(Object.keys(manifest.files).length + 1); // + manifest.json
  });

  it('runs with plain node outside the repo', async () => {
    const copy = join(tmp, 'elsewhere', 'a bundle');
    mkdirSync(join(tmp, 'elsewhere'));
    cpSync(out, copy, { recursive: true });
    const r = await runBundle(copy);
    expect(r.status, r.stderr).toBe(0);
    const report: RunnerReport = JSON.parse(r.stdout);
    expect(report).toMatchObject({ runner: 'edgeqat-bundle', device: 'rpi4', engine: 'reference', verified_files: 5 });
    expect(report.p50_us).toBeGreaterThan(0);
    expect(report.iterations).toBeGreaterThanOrEqual(20);
    expect(report.samples).toMatchObject({ dataset: 'mnist', count: 100, outputs_over: 'int8' });
    expect(report.samples!.accuracy).toBeGreaterThan(0.8);
    expect(report.samples!.outputs_sha256).toMatch(/^[0-9a-f]{64}$/);
    // The human-readable form carries the same checksum.
    const text = await runBundle(copy, []);
    expect(text.stdout).toContain(`int8 sha256 ${report.samples!.outputs_sha256}`);
  });

  it('refuses a damaged bundle with one line', async () => {
    const copy = join(tmp, 'damaged');
    cpSync(out, copy, { recursive: true });
    const bytes = readFileSync(join(copy, 'model.tflite'));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(join(copy, 'model.tflite'), bytes);
    const r = await runBundle(copy);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^edgeqat-run: error: model\.tflite: does not match manifest\.json .*deploy it again$/m);
  });

  it('reads no file outside the bundle: names in manifest.json that leave it are refused with one line', async () => {
    const secret = join(tmp, 'secret.txt');
    writeFileSync(secret, 'not part of any bundle');
    const cases: [string, (copy: string) => string, RegExp][] = [
      ['dotdot', () => '../secret.txt', /^edgeqat-run: error: .*manifest\.json: files\."\.\.\/secret\.txt": file name has a '\.\.' segment$/],
      ['absolute', () => secret, /^edgeqat-run: error: .*manifest\.json: files\..*: file name is an absolute path$/],
      ['symlink', (copy) => (symlinkSync(secret, join(copy, 'notes.txt')), 'notes.txt'), /^edgeqat-run: error: manifest\.json: file "notes\.txt" resolves \(through a symlink\) outside /],
    ];
    for (const [name, plant, message] of cases) {
      const copy = join(tmp, `hostile-${name}`);
      cpSync(out, copy, { recursive: true });
      const m = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
      m.files[plant(copy)] = { bytes: 22, sha256: 'a'.repeat(64) };
      writeFileSync(join(copy, 'manifest.json'), JSON.stringify(m));
      const r = await runBundle(copy);
      expect(r.status, name).toBe(2);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr.trim(), name).toMatch(message);
    }
  });

  it('replaces an existing bundle atomically and refuses to overwrite anything else', async () => {
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');
    const r = await runCli(['bundle', model, '--device', 'rpi5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const after: BundleManifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(after.device.name).toBe('rpi5');
    expect(after.samples).toBeNull();
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).not.toBe(before);
    expect(existsSync(join(out, 'samples'))).toBe(false); // the old folder's files are gone, not merged
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const other = join(tmp, 'not-a-bundle');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const refused = await runCli(['bundle', model, '--out', other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/not-a-bundle: exists and is not an edgeqat bundle/);
    expect(readdirSync(other)).toEqual(['notes.txt']);
  });
});

describe('edgeqat bundle --engine tfjs-tflite', () => {
  it('ships only the single-threaded SIMD build of the TFLite WebAssembly runtime, and runs', async () => {
    const out = join(tmp, 'dist-tfl');
    const r = await runCli(['bundle', model, '--device', 'rpizero2w', '--engine', 'tfjs-tflite', '--with-samples', '20', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(out, 'wasm')).sort()).toEqual(['tflite_web_api_cc_simd.js', 'tflite_web_api_cc_simd.wasm']);
    const manifest: BundleManifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.wasm).toEqual({ variant: 'simd', files: ['wasm/tflite_web_api_cc_simd.js', 'wasm/tflite_web_api_cc_simd.wasm'] });
    const run = await runBundle(out);
    expect(run.status, run.stderr).toBe(0);
    const report: RunnerReport = JSON.parse(run.stdout);
    expect(report.engine).toBe('tfjs-tflite');
    expect(report.samples!.count).toBe(20);
  });

  it('names the option and the choices for an engine it cannot bundle', async () => {
    const r = await runCli(['bundle', model, '--engine', 'litert', '--out', join(tmp, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("edgeqat: error: --engine must be one of reference, tfjs-tflite, got 'litert'");
  });
});

describe('edgeqat devices', () => {
  it('lists the profiles as JSON', async () => {
    const r = await runCli(['devices', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const profiles = JSON.parse(r.stdout) as { name: string; nodeMajor: number; arch: string }[];
    expect(profiles.map((p) => p.name)).toEqual(['rpi3bplus', 'rpi4', 'rpi5', 'rpizero2w', 'generic-arm64', 'host']);
    expect(profiles.find((p) => p.name === 'rpi4')).toMatchObject({ arch: 'arm64', nodeMajor: 18 });
    expect(profiles.find((p) => p.name === 'host')).toMatchObject({ arch: process.arch, nodeMajor: Number(process.versions.node.split('.')[0]) });
    expect(formatDevices(runDevices())).toMatch(/^rpi4 +Raspberry Pi 4 Model B +arm64 +4 cores +1 GB\/2 GB\/4 GB\/8 GB +Node 18/m);
  });
});
