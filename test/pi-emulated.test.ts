// An emulated Raspberry Pi: Debian bookworm's arm64 Node 18 (what Raspberry Pi OS bookworm ships)
// from a sysroot built by scripts/make-pi-sysroot.sh, run under qemu-aarch64-static with the
// profile's core (-cpu cortex-a72 for rpi4). The bundle must give int8 outputs identical to the
// x86 run. Emulated latency is printed; it is emulation cost, not a Pi's speed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { RunnerReport } from '../devices/runner/runner-report.js';
import { exportMlp } from './helpers/mlp-model.js';
import { runCli } from './helpers/run-cli.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const QEMU = '/usr/bin/qemu-aarch64-static';
const sysroot = process.env.EDGEQAT_PI_SYSROOT || join(repo, '.cache', 'pi-sysroot');
const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-pi-'));
let skipReason: string | null = null;
let model = '';

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

function runX86(bundle: string): RunnerReport {
  const r = spawnSync(process.execPath, [join(bundle, 'run.js'), '--json'], { encoding: 'utf8', cwd: tmpdir() });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function runEmulated(bundle: string, cpu: string): { report: RunnerReport; seconds: number } {
  const start = performance.now();
  const r = spawnSync(QEMU, ['-cpu', cpu, '-L', sysroot, join(sysroot, 'usr/bin/node'), join(bundle, 'run.js'), '--json', '--iterations', '200', '--warmup', '20'], {
    encoding: 'utf8',
    cwd: tmpdir(),
    timeout: 240_000,
  });
  expect(r.status, r.stderr || String(r.error)).toBe(0);
  return { report: JSON.parse(r.stdout), seconds: (performance.now() - start) / 1000 };
}

function bundle(engine: string): string {
  const out = join(tmp, `bundle-${engine}`);
  const r = runCli(['bundle', model, '--device', 'rpi4', '--engine', engine, '--with-samples', '100', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

function compare(ctx: TestContext, engine: string): void {
  if (skipReason) ctx.skip(skipReason);
  const dir = bundle(engine);
  const x86 = runX86(dir);
  const { report: arm, seconds } = runEmulated(dir, 'cortex-a72');
  expect(arm).toMatchObject({ arch: 'arm64', platform: 'linux', engine, device: 'rpi4' });
  expect(arm.node).toMatch(/^v18\./);
  expect(arm.samples!.outputs_over).toBe('int8');
  expect(arm.samples!.outputs_sha256).toBe(x86.samples!.outputs_sha256);
  expect(arm.samples!.correct).toBe(x86.samples!.correct);
  console.log(
    `${engine} on emulated rpi4 (qemu cortex-a72, Node ${arm.node}): p50 ${arm.p50_us} µs vs x86 ${x86.p50_us} µs, ` +
      `load ${(arm.load_us / 1000).toFixed(0)} ms, whole run ${seconds.toFixed(1)} s; int8 outputs sha256 ${arm.samples!.outputs_sha256} on both`,
  );
}

describe('the bundle on an emulated Raspberry Pi (arm64, Node 18)', () => {
  beforeAll(() => {
    if (!existsSync(QEMU)) {
      skipReason = `${QEMU} not found (apt-get install qemu-user-static; .ci/run does)`;
      return;
    }
    const built = spawnSync('bash', [join(repo, 'scripts/make-pi-sysroot.sh'), sysroot], { encoding: 'utf8', timeout: 600_000 });
    if (built.status !== 0) {
      skipReason = `the arm64 Node 18 sysroot could not be built here: ${lastLine(built.stderr) || lastLine(built.stdout) || String(built.error)}`;
      return;
    }
    model = exportMlp(tmp);
  }, 900_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('runs the reference-engine bundle with int8 outputs identical to x86', (ctx) => compare(ctx, 'reference'), 300_000);
  it('runs the tfjs-tflite bundle (WebAssembly SIMD) with int8 outputs identical to x86', (ctx) => compare(ctx, 'tfjs-tflite'), 300_000);
});
